import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decayLoihi, discretizeWeightLoihi, linearLeak, oneBitShift, overflowsSigned, roundHalfEven, rr, saturate,
  saturateSigned, shiftLeak, stochasticRound, wrapSigned, zeroBitShift,
} from '../../emulator/arith.js';

/** Slow oracles in BigInt, written straight from the formulas. */
const big = {
  wrap(x: bigint, bits: number): bigint {
    const m = 1n << BigInt(bits);
    const h = m >> 1n;
    return (((x + h) % m) + m) % m - h;
  },
  decay(x: bigint, d: number, o: number): bigint {
    const r = BigInt(4096 - o - d);
    const mag = ((x < 0n ? -x : x) * r) >> 12n; // BigInt >> is exact floor for non-negative values
    return x < 0n ? -mag : mag;
  },
};

const edges = (bits: number) => {
  const h = 2 ** (bits - 1);
  return [0, 1, -1, h, -h, h + 1, h - 1, -h + 1, -h - 1, 2 * h, -2 * h, 3 * h + 5];
};

describe('wrapSigned', () => {
  it('matches two\'s complement at the boundaries for every width 2..32', () => {
    for (let bits = 2; bits <= 32; bits++) {
      for (const x of edges(bits)) expect(wrapSigned(x, bits)).toBe(Number(big.wrap(BigInt(x), bits)));
    }
  });
  it('equals the BigInt two\'s complement for random inputs and agrees with Int32 truncation at 32 bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (bits, x) => {
        expect(wrapSigned(x, bits)).toBe(Number(big.wrap(BigInt(x), bits)));
        if (bits === 32 && Math.abs(x) < 2 ** 52) expect(wrapSigned(x, 32)).toBe(Number(BigInt.asIntN(32, BigInt(x))));
      }),
      { numRuns: 500 },
    );
  });
  it('golden edge: q = +2^21 wraps to −2^21 in 22 bits, −2^21 stays and is not an overflow', () => {
    expect(wrapSigned(2 ** 21, 22)).toBe(-(2 ** 21));
    expect(overflowsSigned(2 ** 21, 22)).toBe(true);
    expect(wrapSigned(-(2 ** 21), 22)).toBe(-(2 ** 21));
    expect(overflowsSigned(-(2 ** 21), 22)).toBe(false);
    expect(wrapSigned(2 ** 20 + 2 ** 20, 22)).toBe(-2097152); // golden case-00: two +2^20 inputs, u = −2097152
  });
});

describe('saturate', () => {
  it('equals clamp for any input, including the width edges', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer(), (x, a, b) => {
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        const y = saturate(x, lo, hi);
        expect(y).toBe(Math.min(Math.max(x, lo), hi));
      }),
      { numRuns: 300 },
    );
    for (let bits = 2; bits <= 32; bits++) {
      const h = 2 ** (bits - 1);
      for (const x of edges(bits)) expect(saturateSigned(x, bits)).toBe(Math.min(Math.max(x, -h), h - 1));
    }
  });
});

describe('decayLoihi', () => {
  it('equals the BigInt oracle for all 4096 decays at boundary states (offsets 0 and 1)', () => {
    const xs = [0, 1, -1, 4095, -4095, 4096, -4096, 2 ** 23 - 1, -(2 ** 23), 2 ** 23, -(2 ** 23) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40 - 1, -(2 ** 40)];
    for (let d = 0; d < 4096; d++) {
      for (const x of xs) {
        expect(decayLoihi(x, d, 0)).toBe(Number(big.decay(BigInt(x), d, 0)));
        expect(decayLoihi(x, d, 1)).toBe(Number(big.decay(BigInt(x), d, 1)));
      }
    }
  });
  it('equals the BigInt oracle for random decays and states up to ±2^40', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), (d, o, x) => {
        if (o === 1 && d === 4096) return;
        expect(decayLoihi(x, d, o)).toBe(Number(big.decay(BigInt(x), d, o)));
      }),
      { numRuns: 2000 },
    );
  });
  it('rounds toward zero, not toward −inf (chips.md §1.2: u goes −32768 → −32760)', () => {
    expect(decayLoihi(-32768, 0, 1)).toBe(-32760);
    expect(decayLoihi(-1, 1, 0)).toBe(0);
    expect(decayLoihi(-4097, 4095, 0)).toBe(-1);
  });
  it('reproduces the Lava test sequences (chips.md §1.6)', () => {
    let u = 128 * 64;
    const us = [u];
    for (let k = 0; k < 7; k++) us.push((u = decayLoihi(u, 2047, 1)));
    expect(us).toEqual([8192, 4096, 2048, 1024, 512, 256, 128, 64]);
    // dv = 2048, du = 0, one input of 128 (<< 6) at t = 1: v = decay(v) + u with u leaking 1/4096 per step.
    let uu = 0;
    let v = 0;
    const vs: number[] = [];
    for (let k = 0; k < 8; k++) {
      uu = decayLoihi(uu, 0, 1) + (k === 0 ? 128 * 64 : 0);
      vs.push((v = decayLoihi(v, 2048, 0) + uu));
    }
    expect(vs).toEqual([8192, 12286, 14331, 15351, 15859, 16111, 16235, 16295]);
  });
});

describe('roundHalfEven', () => {
  it('sends ties to the even neighbour like numpy.round', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, 0.51, -3].map(roundHalfEven)).toEqual([0, 2, 2, 0, -2, -2, 0, 1, -3]);
    expect(Object.is(roundHalfEven(-0.5), -0)).toBe(false);
  });
});

describe('discretizeWeightLoihi (golden README §4 examples)', () => {
  it('exp 0, 8-bit mixed', () => {
    const d = (w: number) => discretizeWeightLoihi(w, 0, 7, true);
    expect([1, -1, 2, 3, 5, 254, 255, -254, -255, -256].map(d)).toEqual([0, 0, 128, 256, 256, 16256, 16256, -16256, -16256, -16256]);
  });
  it('exp 7 and the lossy negative exponents are asymmetric', () => {
    expect(discretizeWeightLoihi(254, 7, 7, true)).toBe(2080768);
    expect(discretizeWeightLoihi(-254, 7, 7, true)).toBe(-2080768);
    expect(discretizeWeightLoihi(254, -2, 7, true)).toBe(4032);
    expect(discretizeWeightLoihi(-254, -2, 7, true)).toBe(-4096);
    expect(discretizeWeightLoihi(255, -7, 7, true)).toBe(64);
    expect(discretizeWeightLoihi(-256, -7, 7, true)).toBe(-128);
  });
  it('weight_bits 1 with mixed sign is always 0; mixed sign halves the mantissa', () => {
    for (let w = -256; w <= 255; w++) expect(discretizeWeightLoihi(w, 3, 1, true)).toBe(0);
    expect(discretizeWeightLoihi(100, 0, 7, true)).toBe(6400);
  });
});

describe('NSAT shifts and randomized rounding (papers.md §1.10 examples)', () => {
  it('one_bit_shift never rounds a leak to zero; zero_bit_shift truncates toward zero', () => {
    expect(oneBitShift(-5, -7)).toBe(-1);
    expect(oneBitShift(300, -7)).toBe(2);
    expect(oneBitShift(0, -7)).toBe(0);
    expect(oneBitShift(3, 2)).toBe(12);
    expect(oneBitShift(12345, -16)).toBe(0);
    expect(zeroBitShift(-300, -7)).toBe(-2);
    expect(zeroBitShift(5, -7)).toBe(0);
    expect(zeroBitShift(-5, 4)).toBe(-80);
  });
  it('rr(1500, 10) = 1 + Bernoulli(476/1024), exactly by the low bits of the draw', () => {
    let ones = 0;
    for (let u = 0; u < 1024; u++) {
      const r = rr(1500, 10, u);
      expect(r === 1 || r === 2).toBe(true);
      if (r === 2) ones++;
    }
    expect(ones).toBe(476);
  });
  it('rr is unbiased for negative increments too (mean over all draws = dw / 2^n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 0, max: 8 }), (dw, n) => {
        let s = 0;
        for (let u = 0; u < 2 ** n; u++) s += stochasticRound(dw, n, u);
        expect(s).toBe(dw);
      }),
      { numRuns: 100 },
    );
  });
});

describe('leaks', () => {
  it('shift leak is x − floor(x / 2^k); the never-zero option always moves a nonzero state toward 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 15 }), (x, k) => {
        expect(shiftLeak(x, k, false)).toBe(x - Number(BigInt(x) >> BigInt(k)));
        const y = shiftLeak(x, k, true);
        if (x !== 0) expect(Math.abs(y)).toBeLessThan(Math.abs(x));
        if (x !== 0) expect(Math.sign(y) === Math.sign(x) || y === 0).toBe(true);
        expect(x - y).toBe(oneBitShift(x, -k));
      }),
      { numRuns: 500 },
    );
    expect(shiftLeak(-1, 4, false)).toBe(0); // floor(−1/16) = −1 ⇒ −1 − (−1)
    expect(shiftLeak(1, 4, false)).toBe(1); // leak rounds to 0 without the option
    expect(shiftLeak(1, 4, true)).toBe(0);
  });
  it('linear leak goes toward zero by λ and never crosses it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1000 }), (x, l) => {
        const y = linearLeak(x, l);
        expect(Math.abs(y)).toBe(Math.max(0, Math.abs(x) - l));
        expect(y === 0 || Math.sign(y) === Math.sign(x)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
