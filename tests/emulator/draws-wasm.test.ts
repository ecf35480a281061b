/**
 * The WebAssembly keyed draws (emulator/kernels/wasm/assembly/draws.ts): the blank-out test lists exactly the
 * synapses whose draw passes the threshold, as the TypeScript loop in delivery.ts decides them, and delivery through
 * it leaves the same ring sums and counters; the row draws equal `drawWithStreamKey`, and the learning engine's
 * stochastic rounding with them ends in the same weights.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawKernel, BULK_DRAWS } from '../../emulator/kernels/wasm/draws-wasm.js';
import { coreDelivery, deliverAxon } from '../../emulator/delivery.js';
import { ALWAYS, bernoulliThreshold, drawPrefix, drawWithStreamKey, STREAM_BLANKOUT, streamKey } from '../../emulator/prng.js';
import { newCounters } from '../../emulator/state.js';
import type { Core } from '../../ir/types.js';
import { Emulator } from '../../emulator/emulator.js';
import { SopLearningEngine } from '../../emulator/learning/engine.js';
import { toIrProgram, type SopProgram } from '../../emulator/learning/program.js';
import { buildIr } from '../learning/net.js';

const kernel = drawKernel('auto');

describe('WebAssembly blank-out test', () => {
  it('is built and used by default, and not with kernels: ts', () => {
    expect(kernel).not.toBeNull();
    expect(drawKernel('ts')).toBeNull();
  });

  it('lists the j whose draw (prefix, first + j) < threshold, ascending, for any key, row and threshold', () => {
    const ks = streamKey(STREAM_BLANKOUT);
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.nat(600), fc.oneof(fc.constant(1), fc.constant(ALWAYS - 1), fc.integer({ min: 1, max: ALWAYS - 1 })),
        (prefix, first, n, thr) => {
          const tb = (thr - 2147483648) | 0;
          const m = kernel!.blankout(prefix, first, n, ks, tb, kernel!.at);
          const want: number[] = [];
          for (let j = 0; j < n; j++) if (drawWithStreamKey(prefix, first + j, ks) >>> 0 < thr) want.push(j);
          expect(Array.from(kernel!.out.subarray(0, m))).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('deliverAxon with the kernel = without (ring sums, events, blanked-out), rows shorter and longer than the cut-off', () => {
    fc.assert(
      fc.property(fc.nat(1 << 30), fc.integer({ min: 1, max: 3 * BULK_DRAWS }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (seed, len, p) => {
        const n = 64;
        const axons = 5;
        const rows = axons * len;
        const core = {
          compartmentCount: n, axonCount: axons, groups: [], mesh: { x: 0, y: 0 },
          synapses: {
            axonOffsets: Int32Array.from({ length: axons + 1 }, (_, a) => a * len), axonGroup: new Int32Array(axons),
            targets: Int32Array.from({ length: rows }, (_, r) => (r * 13 + seed) % n), weights: Int32Array.from({ length: rows }, (_, r) => ((r * 7919 + seed) % 255) - 127),
            delays: Uint8Array.from({ length: rows }, (_, r) => (r + seed) % 3), ports: new Uint8Array(rows),
          },
          synapseGroups: [{ name: 'g', weightShift: 2, weightMin: -128, weightMax: 127, transmitThreshold: bernoulliThreshold(p), learning: null }],
        } as unknown as Core;
        const d = coreDelivery(core, 3, 1);
        const a = new Float64Array(d.ringSize);
        const b = new Float64Array(d.ringSize);
        const ca = newCounters();
        const cb = newCounters();
        for (let t = 0; t < 4; t++) {
          for (let ax = 0; ax < axons; ax++) {
            deliverAxon(d, a, core.synapses.weights, ax, t, seed, 2, ca, undefined, kernel);
            deliverAxon(d, b, core.synapses.weights, ax, t, seed, 2, cb, undefined, null);
          }
        }
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(ca).toEqual(cb);
        expect(ca.blankedOut + ca.synapticEvents).toBe(4 * rows);
      }),
      { numRuns: 100 },
    );
  });

  it('its draws are the chip draws of (seed, step, core, synapse)', () => {
    const prefix = drawPrefix(7, 11, 3);
    const m = kernel!.blankout(prefix, 100, 64, streamKey(STREAM_BLANKOUT), (2 ** 31 - 2147483648) | 0, kernel!.at);
    // threshold 2^31: about half pass, and exactly those whose draw has the top bit clear
    const want = Array.from({ length: 64 }, (_, j) => j).filter((j) => drawWithStreamKey(prefix, 100 + j, streamKey(STREAM_BLANKOUT)) >>> 0 < 2 ** 31);
    expect(Array.from(kernel!.out.subarray(0, m))).toEqual(want);
    expect(m).toBeGreaterThan(16);
    expect(m).toBeLessThan(48);
  });
});

describe('WebAssembly row draws (stochastic rounding in the learning engine)', () => {
  it('drawRun writes the draws of consecutive indices, for any key and length', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.nat(300), fc.nat(40), (prefix, first, n, stream) => {
        const ks = streamKey(stream);
        kernel!.draws(prefix, first, n, ks, kernel!.at);
        expect(Array.from(kernel!.out.subarray(0, n))).toEqual(Array.from({ length: n }, (_, j) => drawWithStreamKey(prefix, first + j, ks)));
      }),
      { numRuns: 200 },
    );
  });

  it('a learning run with stochastic rounding ends in the same weights with and without the kernel (and the kernel is used)', () => {
    // 4 Poisson inputs, dense onto 48 compartments; pre-triggered w += 95·2^-20 · post.v (≈ 0.2, so the rounding
    // decides), gate always open: every row is open and each update draws its rounding.
    const H = 48;
    const program: SopProgram = {
      kind: 'sop', rule: 'sr', projection: 'in->h', rounding: 'stochastic', accumulatorBits: 24, bounds: null, traces: [], modulators: [], drivenBy: null,
      events: [{
        trigger: { kind: 'pre' },
        gates: [{ kind: 'compare', operand: { kind: 'post_state', state: 'v' }, op: '>=', value: -(2 ** 30) }],
        op: 'add', terms: [{ mant: 95, exp: -20, factors: [{ kind: 'post_state', state: 'v' }] }],
      }],
    };
    const ir = buildIr(
      [{ name: 'in', size: 4, kind: 'poisson', rates: [0.3, 0.5, 0.2, 0.4] }, { name: 'h', size: H, kind: 'cuba', cuba: { current: 1024, vDecay: 256, threshold: 5000 } }],
      [{ name: 'in->h', pre: 'in', post: 'h', weights: Array.from({ length: 4 }, (_, i) => Array.from({ length: H }, (_, j) => ((i * 31 + j * 17) % 200) - 60)), program: toIrProgram(program), weightMin: -500, weightMax: 500 }],
    );
    const k = kernel as unknown as { draws: (...a: number[]) => void };
    const original = k.draws;
    let calls = 0;
    k.draws = (...a: number[]) => {
      calls++;
      original(...a);
    };
    try {
      const run = (kernels: 'ts' | 'auto') => {
        const emu = new Emulator(ir, { learning: new SopLearningEngine(ir), kernels });
        for (let t = 0; t < 300; t++) emu.step();
        return [...emu.cores[0]!.weights];
      };
      const ts = run('ts');
      expect(calls).toBe(0);
      const auto = run('auto');
      expect(calls).toBeGreaterThan(50);
      expect(auto).toEqual(ts);
      expect(ts.some((w, r) => w !== ir.cores[0]!.synapses.weights[r])).toBe(true);
    } finally {
      k.draws = original;
    }
  });
});

describe('blank-out rows delivered in place on the WebAssembly heap', () => {
  it('a network with dense blank-out projections runs the same with kernels auto (in place) and ts', () => {
    // 40 Poisson inputs densely onto 48 LIF compartments (a WebAssembly group: the state lives on the heap), and
    // 48 → 20; every synapse transmits with p = 0.6. Weight shift 3 on the first projection.
    const H = 48;
    const O = 20;
    const lif = { current: 3000, vDecay: 400, threshold: 1200 };
    const ir = buildIr(
      [{ name: 'in', size: 40, kind: 'poisson', rates: Array.from({ length: 40 }, (_, i) => 0.05 + (i % 7) * 0.03) },
        { name: 'h', size: H, kind: 'cuba', cuba: lif }, { name: 'o', size: O, kind: 'cuba', cuba: lif }],
      [{ name: 'in->h', pre: 'in', post: 'h', weightShift: 3, weights: Array.from({ length: 40 }, (_, i) => Array.from({ length: H }, (_, j) => ((i * 37 + j * 11) % 61) - 20)) },
        { name: 'h->o', pre: 'h', post: 'o', weights: Array.from({ length: H }, (_, i) => Array.from({ length: O }, (_, j) => ((i * 13 + j * 7) % 41) - 10)) }],
    );
    for (const c of ir.cores) for (const g of c.synapseGroups) (g as { transmitThreshold: number }).transmitThreshold = bernoulliThreshold(0.6);
    const run = (kernels: 'ts' | 'auto') => {
      const emu = new Emulator(ir, { kernels, seed: 9 });
      const spikes: number[] = [];
      for (let t = 0; t < 200; t++) {
        emu.step();
        for (let s = 0; s < emu.spikeCount; s++) spikes.push(t, emu.spikes[s]!);
      }
      return { emu, spikes, state: emu.cores.map((rt) => rt.groups.map((g) => Object.values(g.arrays).map((a) => Array.from(a)))), counters: emu.cores.map((rt) => rt.counters) };
    };
    const ts = run('ts');
    const auto = run('auto');
    // the in-place path was available: a heap kernel with `row`, and dense rows
    const fan = (auto.emu as unknown as { fanOut: { blankout: { row: unknown } | null } }).fanOut;
    expect(auto.emu.wasm).not.toBeNull();
    expect(fan.blankout?.row).not.toBeNull();
    expect(auto.spikes).toEqual(ts.spikes);
    expect(auto.state).toEqual(ts.state);
    expect(auto.counters).toEqual(ts.counters);
    expect(ts.spikes.length).toBeGreaterThan(100);
    expect(ts.counters.reduce((a, c) => a + c.blankedOut, 0)).toBeGreaterThan(1000);
  });
});
