/**
 * The hot-loop forms in arith.ts equal the cited reference rules they stand for, value and sign of zero
 * (Object.is), on the domains their comments state — and the reference rules themselves agree with a BigInt
 * oracle written from NSAT's C definitions, so the fast forms are not merely checked against themselves.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { oneBitShift, oneBitShiftRight, zeroBitShift, zeroBitShiftScaled } from '../../emulator/arith.js';

/** NSAT `one_bit_shift(x, −s)` in BigInt: (x ≥ 0 ? x >> s : (x + 2^s − 1) >> s), 0 → sign(x). */
function oneBitShiftBig(x: number, s: number): number {
  const b = BigInt(x);
  const r = b >= 0n ? b >> BigInt(s) : (b + (1n << BigInt(s)) - 1n) >> BigInt(s);
  return r !== 0n ? Number(r) : Math.sign(x) + 0;
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
/** Values around a shift's boundaries: multiples of 2^s, ±1, and anything in int32. */
const int32Near = (s: number) =>
  fc.oneof(
    fc.integer(INT32),
    fc.integer({ min: -70000, max: 70000 }),
    fc.tuple(fc.integer({ min: -(2 ** (31 - s)), max: 2 ** (31 - s) - 1 }), fc.integer({ min: -1, max: 1 })).map(([q, e]) =>
      Math.max(INT32.min, Math.min(INT32.max, q * 2 ** s + e))),
  );

describe('oneBitShiftRight = oneBitShift for int32 x and −15 ≤ a ≤ −1', () => {
  it('random int32 values, boundaries of every shift', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }).chain((s) => fc.tuple(fc.constant(s), int32Near(s))), ([s, x]) => {
        const want = oneBitShift(x, -s);
        expect(Object.is(oneBitShiftRight(x, s), want)).toBe(true);
        expect(want).toBe(oneBitShiftBig(x, s));
      }),
      { numRuns: 2000 },
    );
  });
  it('edges: 0, ±1, ±(2^s − 1), ±2^s, int32 limits, and NSAT’s examples', () => {
    for (let s = 1; s <= 15; s++) {
      const p = 2 ** s;
      for (const x of [0, 1, -1, p - 1, -(p - 1), p, -p, p + 1, -p - 1, INT32.min, INT32.max, INT32.min + 1]) {
        expect(Object.is(oneBitShiftRight(x, s), oneBitShift(x, -s))).toBe(true);
      }
    }
    expect(oneBitShiftRight(-5, 7)).toBe(-1);
    expect(oneBitShiftRight(300, 7)).toBe(2);
  });
});

describe('zeroBitShiftScaled(x, 2^a) = zeroBitShift(x, a)', () => {
  it('random integers below 2^53 and the IR’s gain range −31..15 (and beyond)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -60, max: 60 }),
        fc.oneof(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })),
        (a, x) => {
          const want = zeroBitShift(x, a);
          expect(Object.is(zeroBitShiftScaled(x, 2 ** a), want)).toBe(true);
          if (a < 0 && Math.abs(x) < 2 ** 40) {
            // BigInt oracle: sign(x) · (|x| >> −a), i.e. toward zero.
            const m = BigInt(Math.abs(x)) >> BigInt(-a);
            expect(want).toBe(x < 0 ? -Number(m) : Number(m));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('edges: exact multiples, one below, zero results of both signs', () => {
    for (let a = -31; a <= 15; a++) {
      const p = 2 ** Math.abs(a);
      for (const x of [0, 1, -1, p, -p, p - 1, -(p - 1), 3 * p + 1, -(3 * p + 1), 32767, -32768]) {
        expect(Object.is(zeroBitShiftScaled(x, 2 ** a), zeroBitShift(x, a))).toBe(true);
      }
    }
    expect(zeroBitShiftScaled(-300, 2 ** -7)).toBe(-2);
  });
});
