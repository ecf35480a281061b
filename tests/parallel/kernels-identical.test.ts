/**
 * The optimised compartment kernels are bit-identical to the straightforward ones: the `cuba` kernel (prepared
 * variables, the flat LIF loop, the silent-compartment skip, the integer-shift decay below 2^19) against the
 * pre-optimisation kernel kept as an oracle (cuba-reference.ts); the Loihi kernel's inlined decay against
 * `decayLoihi` through the BigInt-checked reference emulator is covered by tests/emulator/differential.test.ts,
 * and here directly on states around the 2^19 switch point and the width limits.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stepCubaGroup } from '../../emulator/kernels/cuba.js';
import { stepLoihiGroup } from '../../emulator/kernels/loihi.js';
import { decayLoihi, wrapSigned } from '../../emulator/arith.js';
import { newCounters, type GroupState } from '../../emulator/state.js';
import type { CubaGroup, LoihiGroup, StateVar } from '../../ir/types.js';
import { randomIr, Rand } from '../emulator/random-ir.js';
import { stepCubaGroupReference } from './cuba-reference.js';
import { expectSameStep } from './same-step.js';
import { stepNsatGroup } from '../../emulator/kernels/nsat.js';
import { stepNsatGroupReference } from './nsat-reference.js';
import type { NsatGroup } from '../../ir/types.js';

/** A value of interest for a `bits`-wide variable: small, around ±2^19, near the limits, or anything. */
function stateValue(r: Rand, bits: number): number {
  const half = 2 ** (bits - 1);
  switch (r.int(0, 5)) {
    case 0: return 0;
    case 1: return r.int(-50, 50);
    case 2: return Math.max(-half, Math.min(half - 1, r.pick([1, -1]) * (524288 + r.int(-3, 3))));
    case 3: return r.pick([-half, half - 1, -half + r.int(0, 5), half - 1 - r.int(0, 5)]);
    default: return r.int(-half, half - 1);
  }
}

/** The LIF configuration of the specialised loops; `uniform`: every compartment has the same registers. */
/**
 * The LIF configuration of the specialised loops; `uniform`: every compartment has the same registers; `small`:
 * full decay and thresholds near the small inputs, so v often lands exactly on θ (tests `gt` vs `ge`).
 */
function lifVariant(g: CubaGroup, r: Rand, uniform: boolean, small: boolean): CubaGroup {
  const regs = (a: Int32Array, f: () => number) => {
    const one = f();
    return Int32Array.from(a, () => (uniform ? one : f()));
  };
  const sv = (x: StateVar): StateVar => {
    const offset = r.pick([0, 1] as const);
    return { ...x, decay: { kind: 'loihi12', offset }, decayReg: regs(x.decayReg, () => (small ? 4095 - offset : r.int(0, 4095 - 1))), floor: null, ceiling: null };
  };
  return {
    ...g, current: sv(g.current ?? g.v), v: sv(g.v), dendrite: null, noise: null,
    bias: regs(g.bias, () => (small ? r.int(-3, 3) : r.int(-50, 50))), threshold: regs(g.threshold, () => (small ? r.int(-2, 8) : r.int(-5, 2000))),
    refractDelay: regs(g.refractDelay, () => r.int(0, 4)),
  };
}

describe('optimised cuba kernel = reference kernel, bit for bit', () => {
  it('state, consumed inputs, spikes and overflow counters agree over 30 steps (general and LIF paths)', () => {
    let spikes = 0;
    let checked = 0;
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom('general', 'lif', 'uniform'), (seed, mode) => {
        const r = new Rand(seed ^ 0x9e3779b9);
        const ir = randomIr(seed, { models: ['cuba'], steps: 1, random: false });
        for (const core of ir.cores) {
          for (const g0 of core.groups) {
            const small = mode !== 'general' && r.chance(0.5);
            const g = mode === 'general' ? { ...(g0 as CubaGroup), noise: null } : lifVariant(g0 as CubaGroup, r, mode === 'uniform', small);
            const names = ['v', 'ref', ...(g.current ? ['i'] : []), ...(g.dendrite ? [g.dendrite.name] : [])];
            const mk = (): GroupState => ({ group: g, arrays: Object.fromEntries(names.map((n) => [n, new Int32Array(g.size)])) });
            const a = mk();
            const b = mk();
            const bitsOf = (n: string) => (n === 'v' ? g.v.bits : n === 'i' ? g.current!.bits : n === 'ref' ? 4 : g.dendrite!.bits);
            for (const n of names) for (let k = 0; k < g.size; k++) a.arrays[n]![k] = b.arrays[n]![k] = n === 'ref' ? r.int(0, 3) : r.chance(0.3) ? 0 : stateValue(r, bitsOf(n));
            const stride = g.first + g.size + r.int(0, 3);
            const inA = new Float64Array(2 * stride);
            const ca = newCounters();
            const cb = newCounters();
            const sa = new Int32Array(g.size);
            const sb = new Int32Array(g.size);
            for (let t = 0; t < 30; t++) {
              for (let k = 0; k < inA.length; k++) inA[k] = r.chance(0.5) ? 0 : small ? r.int(-6, 10) : stateValue(r, r.int(8, 26));
              const inB = inA.slice();
              const na = stepCubaGroupReference(a, inA, 0, stride, ca, sa, 0);
              const nb = stepCubaGroup(b, inB, 0, stride, cb, sb, 0);
              // Same spikes and state; both consumed exactly their group's input slots.
              expectSameStep(t, names, { gs: a, n: na, spikes: sa, input: inA }, { gs: b, n: nb, spikes: sb, input: inB });
              spikes += na;
              checked++;
            }
            expect(cb).toEqual(ca);
          }
        }
      }),
      { numRuns: 90 },
    );
    expect(spikes).toBeGreaterThan(50);
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('Loihi kernel inlined decay = decayLoihi', () => {
  it('u, v and spikes equal a direct transcription with decayLoihi for states around 2^19 and the widths', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const r = new Rand(seed);
        const size = 16;
        const arr = (f: () => number) => Int32Array.from({ length: size }, f);
        const g: LoihiGroup = {
          model: 'loihi', name: 'g', first: 0, size, neuronBase: 0, qBits: 22, uBits: 24, vBits: null, vmin: -(2 ** 23) + 1, vmax: 2 ** 23 - 1,
          decayU: arr(() => r.int(0, 4095)), decayV: arr(() => r.int(0, 4095)), vthMant: arr(() => r.int(1, 131071)),
          biasMant: arr(() => r.int(-4095, 4095)), biasExp: arr(() => r.int(0, 7)), refractDelay: arr(() => r.int(1, 3)),
        };
        const U = arr(() => stateValue(r, 24));
        const V = arr(() => stateValue(r, 24));
        const q = Float64Array.from({ length: size }, () => r.int(-(2 ** 21), 2 ** 21 - 1));
        const gs: GroupState = { group: g, arrays: { u: U.slice(), v: V.slice(), ref: new Int32Array(size) } };
        const spikes = new Int32Array(size);
        const n = stepLoihiGroup(gs, q.slice(), 0, newCounters(), spikes, 0);
        const want: number[] = [];
        for (let i = 0; i < size; i++) {
          const u = wrapSigned(decayLoihi(U[i]!, g.decayU[i]!, 1) + q[i]!, 24);
          const u2 = wrapSigned(u + g.biasMant[i]! * 2 ** g.biasExp[i]!, 24);
          let v = Math.min(g.vmax, Math.max(g.vmin, decayLoihi(V[i]!, g.decayV[i]!, 0) + u2));
          if (v > g.vthMant[i]! * 64) {
            v = 0;
            want.push(i);
          }
          expect(gs.arrays.u![i]).toBe(u);
          expect(gs.arrays.v![i]).toBe(v);
        }
        expect(Array.from(spikes.subarray(0, n))).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});

/** A random NSAT group; `erbp`: two states, each leaking by a right shift of itself or not at all (the specialised loop). */
function nsatGroup(r: Rand, erbp: boolean): NsatGroup {
  const K = erbp ? 2 : r.int(1, 4);
  const size = r.int(1, 12);
  const row = <T>(f: (k: number) => T): T[] => Array.from({ length: K }, (_, k) => f(k));
  const shift = () => r.pick([-16, -16, -15, -7, -6, -1, r.int(-16, 3), 0, 2]);
  const lo = row(() => r.pick([-32767, -32768, r.int(-40000, 0), -(2 ** 31)]));
  return {
    model: 'nsat', name: 'n', first: r.int(0, 3), size, neuronBase: 0, states: K,
    // eRBP loop: self leak by a right shift, or none (A = −16 or sA = 0, as NSAT's error neurons); never cross terms.
    leakShift: row((k) => row((l) => (erbp ? (k === l ? r.pick([r.int(-15, -1), r.int(-15, -1), -16]) : -16) : shift()))),
    leakSign: row((k) => row((l) => (erbp && k === l ? r.pick([-1, 1, 1, 0]) : r.pick([-1, 0, 1])))),
    bias: row(() => r.int(-20, 20)), threshold: r.int(-50, 1200), thresholdFromState1: r.chance(0.25), refractory: r.int(0, 4),
    resetOn: row(() => r.chance(0.5)), resetValue: row(() => r.int(-10, 10)), spikeIncrement: row(() => r.int(-1100, 50)),
    clampLow: lo, clampHigh: row((k) => Math.max(lo[k]!, r.pick([32767, r.int(0, 40000), 2 ** 31 - 1]))),
    wgain: row(() => r.int(-10, 6)), accLow: r.pick([-32768, -1000]), accHigh: r.pick([32767, 1000]), initial: row(() => 0),
  };
}

describe('prepared nsat kernel = reference kernel, bit for bit', () => {
  it('states, consumed inputs, spikes and overflow counters agree over 40 steps (general and eRBP loops)', () => {
    let spikes = 0;
    let clamps = 0;
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (seed, erbp) => {
        const r = new Rand(seed ^ 0x51ed27);
        const g = nsatGroup(r, erbp);
        const names = ['ref', ...Array.from({ length: g.states }, (_, k) => `x${k}`)];
        const mk = (): GroupState => ({ group: g, arrays: Object.fromEntries(names.map((n) => [n, new Int32Array(g.size)])) });
        const a = mk();
        const b = mk();
        for (const n of names) {
          for (let k = 0; k < g.size; k++) {
            a.arrays[n]![k] = b.arrays[n]![k] = n === 'ref' ? r.int(0, 3) : r.pick([0, r.int(-300, 300), r.int(-40000, 40000), r.int(-(2 ** 31), 2 ** 31 - 1)]);
          }
        }
        const stride = g.first + g.size + r.int(0, 3);
        const inA = new Float64Array(g.states * stride);
        const ca = newCounters();
        const cb = newCounters();
        const sa = new Int32Array(g.size);
        const sb = new Int32Array(g.size);
        for (let t = 0; t < 40; t++) {
          for (let k = 0; k < inA.length; k++) inA[k] = r.chance(0.4) ? 0 : r.pick([r.int(-500, 500), r.int(-(2 ** 20), 2 ** 20), r.int(-(2 ** 40), 2 ** 40)]);
          const inB = inA.slice();
          const na = stepNsatGroupReference(a, inA, 0, stride, ca, sa, 0);
          const nb = stepNsatGroup(b, inB, 0, stride, cb, sb, 0);
          expectSameStep(t, names, { gs: a, n: na, spikes: sa, input: inA }, { gs: b, n: nb, spikes: sb, input: inB });
          spikes += na;
        }
        expect(cb).toEqual(ca);
        clamps += ca.overflow.x?.saturate ?? 0;
      }),
      { numRuns: 150 },
    );
    expect(spikes).toBeGreaterThan(100);
    expect(clamps).toBeGreaterThan(100);
  });
});
