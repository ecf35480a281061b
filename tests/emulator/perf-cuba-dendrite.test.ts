/**
 * Fourth performance pass: `cuba` LIF groups with a Loihi-decayed dendrite (eRBP's hidden and prediction
 * neurons) run the specialised LIF loops with the dendrite's update added, instead of the general loop. Checked
 * bit for bit against the pre-optimisation kernel kept as the oracle (tests/parallel/cuba-reference.ts): state
 * (v, i, ref, the dendrite), spikes, consumed input cells of both ports, and every overflow counter, on states
 * around ±2^19 and the widths, inputs that wrap or saturate, uniform and per-compartment registers.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cubaLifShape, stepCubaGroup } from '../../emulator/kernels/cuba.js';
import { newCounters, type GroupState } from '../../emulator/state.js';
import type { CubaGroup, StateVar } from '../../ir/types.js';
import { Rand } from './random-ir.js';
import { stepCubaGroupReference } from '../parallel/cuba-reference.js';
import { expectSameStep } from '../parallel/same-step.js';

function value(r: Rand, bits: number): number {
  const half = 2 ** (bits - 1);
  switch (r.int(0, 5)) {
    case 0: return 0;
    case 1: return r.int(-50, 50);
    case 2: return Math.max(-half, Math.min(half - 1, r.pick([1, -1]) * (524288 + r.int(-3, 3))));
    case 3: return r.pick([-half, half - 1, -half + r.int(0, 5), half - 1 - r.int(0, 5)]);
    default: return r.int(-half, half - 1);
  }
}

/** `sparse`: bias 0 and thresholds > 0, so compartments are often silent (the skip) while their dendrite is not. */
function group(r: Rand, uniform: boolean, sparse: boolean): CubaGroup {
  const size = r.int(1, 40);
  const regs = (f: () => number) => {
    const one = f();
    return Int32Array.from({ length: size }, () => (uniform ? one : f()));
  };
  const sv = (): StateVar => {
    const offset = r.pick([0, 1] as const);
    return {
      bits: r.int(8, 30), overflow: r.pick(['wrap', 'saturate'] as const), decay: { kind: 'loihi12', offset },
      decayReg: regs(() => r.int(0, 4095 - offset)), floor: null, ceiling: null,
    };
  };
  return {
    model: 'cuba', name: 'h', first: r.int(0, 3), size, neuronBase: 0, inputBits: r.int(8, 30), inputOverflow: r.pick(['wrap', 'saturate'] as const),
    current: sv(), v: sv(), dendrite: { ...sv(), name: 'u' }, noise: null,
    bias: regs(() => (sparse ? 0 : r.int(-50, 50))), threshold: regs(() => (sparse ? r.int(1, 2000) : r.pick([0, r.int(-5, 2000), 2 ** 20]))), compare: r.pick(['gt', 'ge'] as const),
    reset: { mode: r.pick(['value', 'subtract', 'none'] as const), value: r.int(-3, 3) },
    refractDelay: regs(() => r.int(0, 4)), refractoryValue: r.int(-2, 2),
  };
}

describe('cuba LIF loops with a dendrite = reference kernel, bit for bit', () => {
  it('is also a WebAssembly configuration (kernels/wasm: tests/emulator/cuba-wasm.test.ts checks it against this loop)', () => {
    expect(cubaLifShape(group(new Rand(1), true, false))).toEqual({ uniform: true, dendrite: true });
  });

  it('state, dendrite, consumed inputs of both ports, spikes and overflow counters agree over 30 steps', () => {
    let spikes = 0;
    let dendriteOverflows = 0;
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (seed, uniform) => {
        const r = new Rand(seed ^ 0x5bd1e995);
        const sparse = r.chance(0.5);
        const g = group(r, uniform, sparse);
        const names = ['v', 'ref', 'i', 'u'];
        const bitsOf = (n: string) => (n === 'v' ? g.v.bits : n === 'i' ? g.current!.bits : n === 'u' ? g.dendrite!.bits : 4);
        const a: GroupState = { group: g, arrays: Object.fromEntries(names.map((n) => [n, new Int32Array(g.size)])) };
        for (const n of names) for (let k = 0; k < g.size; k++) a.arrays[n]![k] = n === 'ref' ? (sparse ? 0 : r.int(0, 3)) : r.chance(sparse && n !== 'u' ? 0.8 : 0.3) ? 0 : value(r, bitsOf(n));
        const b: GroupState = { group: g, arrays: Object.fromEntries(names.map((n) => [n, a.arrays[n]!.slice()])) };
        const stride = g.first + g.size + r.int(0, 3);
        const inA = new Float64Array(2 * stride);
        const ca = newCounters();
        const cb = newCounters();
        const sa = new Int32Array(g.size);
        const sb = new Int32Array(g.size);
        for (let t = 0; t < 30; t++) {
          // Both ports; sometimes whole groups silent (the skip must look at the dendrite and its input too).
          const quiet = r.chance(0.3);
          for (let k = 0; k < inA.length; k++) {
            const zero = quiet || r.chance(sparse && k < stride ? 0.9 : 0.5); // sparse: port 0 mostly silent, port 1 not
            inA[k] = zero ? 0 : r.chance(0.2) ? r.pick([1, -1]) * 2 ** r.int(20, 40) : value(r, r.int(8, 30));
          }
          const inB = inA.slice();
          const na = stepCubaGroupReference(a, inA, 0, stride, ca, sa, 0);
          const nb = stepCubaGroup(b, inB, 0, stride, cb, sb, 0);
          expectSameStep(t, names, { gs: a, n: na, spikes: sa, input: inA }, { gs: b, n: nb, spikes: sb, input: inB });
          spikes += na;
        }
        expect(cb).toEqual(ca);
        expect(JSON.stringify(cb.overflow)).toBe(JSON.stringify(ca.overflow)); // same names in the same order
        const u = ca.overflow.u;
        if (u) dendriteOverflows += u.wrap + u.saturate;
      }),
      { numRuns: 150 },
    );
    expect(spikes).toBeGreaterThan(50);
    expect(dendriteOverflows).toBeGreaterThan(0);
  });
});
