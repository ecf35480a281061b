/**
 * eRBP+ noise into V (research/papers.md §1.4b): the optional `noise` of a `cuba` group. Each step each
 * compartment k draws n = [draw(seed, t, core, first + k, STREAM_NOISE) < threshold] and adds n·amplitude to v
 * before the threshold compare. Kernel-level tests (the kernel takes the (seed, step, core) key explicitly).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stepCubaGroup } from '../../emulator/kernels/cuba.js';
import { newCoreRuntime } from '../../emulator/state.js';
import { ALWAYS, draw, STREAM_NOISE } from '../../emulator/prng.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import type { CubaGroup, CubaNoise, DendriteIr } from '../../ir/types.js';
import { buildIr } from './net.js';

const N = 64;

/** One core with a pad group (so compartments of the noisy group do not start at 0) and a noisy group. */
function noisyIr(noise: CubaNoise | null | undefined, threshold = 1e6): DendriteIr {
  const ir = buildIr([
    { name: 'pad', size: 3, kind: 'cuba', cuba: { threshold: 1e6 } },
    { name: 'h', size: N, kind: 'cuba', cuba: { threshold } },
  ], []);
  const g = ir.cores[0]!.groups[1] as CubaGroup & { noise?: CubaNoise | null };
  if (noise !== undefined) g.noise = noise;
  return ir;
}

/** Runs the noisy group alone for T steps; returns v after every step (T × N) and the spike count. */
function run(ir: DendriteIr, T: number, seed: number, core = 0): { v: Int32Array[]; spikes: number } {
  const rt = newCoreRuntime(ir, 0);
  const gs = rt.groups[1]!;
  const spiked = new Int32Array(rt.ir.compartmentCount);
  const out: Int32Array[] = [];
  let spikes = 0;
  for (let t = 1; t <= T; t++) {
    spikes += stepCubaGroup(gs, rt.ring, 0, rt.ir.compartmentCount, rt.counters, spiked, 0, seed, t, core);
    out.push(gs.arrays.v!.slice());
  }
  return { v: out, spikes };
}

describe('cuba noise into V (eRBP+)', () => {
  it('event rate and mean v increment match p and p·σ within 4 standard deviations', () => {
    const p = 0.1; // rate·dt = 1000 Hz · 0.1 ms, the paper's value
    const sigma = 50;
    const T = 2000;
    const { v } = run(noisyIr({ threshold: Math.round(p * ALWAYS), amplitude: sigma }), T, 7);
    // No leak and no input: every change of v is one noise event of exactly σ.
    let events = 0;
    let other = 0;
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < N; k++) {
        const d = v[t]![k]! - (t === 0 ? 0 : v[t - 1]![k]!);
        if (d === sigma) events++;
        else if (d !== 0) other++;
      }
    }
    expect(other).toBe(0);
    const trials = N * T;
    const sd = Math.sqrt(trials * p * (1 - p));
    expect(Math.abs(events - trials * p)).toBeLessThan(4 * sd);
    // Mean v increment per neuron and step: Σ v(T) / (N·T) ≈ p·σ.
    const meanInc = v[T - 1]!.reduce((a, b) => a + b, 0) / trials;
    expect(Math.abs(meanInc - p * sigma)).toBeLessThan((4 * sd * sigma) / trials);
  });

  it('each event is exactly the keyed draw (seed, step, core, compartment, STREAM_NOISE) < threshold', () => {
    const thr = Math.round(0.3 * ALWAYS);
    const { v } = run(noisyIr({ threshold: thr, amplitude: -3 }), 50, 99, 5);
    for (let t = 1; t <= 50; t++) {
      for (let k = 0; k < N; k++) {
        const hit = draw(99, t, 5, 3 + k, STREAM_NOISE) < thr;
        expect(v[t - 1]![k]! - (t === 1 ? 0 : v[t - 2]![k]!)).toBe(hit ? -3 : 0);
      }
    }
  });

  it('is deterministic: same seed ⇒ same states; another seed ⇒ different', () => {
    const ir = noisyIr({ threshold: Math.round(0.2 * ALWAYS), amplitude: 7 });
    const a = run(ir, 100, 3).v;
    expect(run(ir, 100, 3).v).toEqual(a);
    expect(run(ir, 100, 4).v).not.toEqual(a);
  });

  it('noise is added before the threshold compare (p = 1, σ = 1 > θ = 0 fires every step)', () => {
    const { spikes } = run(noisyIr({ threshold: ALWAYS, amplitude: 1 }, 0), 10, 1);
    expect(spikes).toBe(10 * N);
    expect(run(noisyIr(null, 0), 10, 1).spikes).toBe(0);
  });

  it('null, absent or zero-threshold noise leaves the dynamics unchanged and needs no key', () => {
    for (const nz of [null, undefined, { threshold: 0, amplitude: 5 }]) {
      const ir = noisyIr(nz);
      const rt = newCoreRuntime(ir, 0);
      rt.ring[3] = 1000; // input into compartment 0 of the group
      const n = stepCubaGroup(rt.groups[1]!, rt.ring, 0, rt.ir.compartmentCount, rt.counters, new Int32Array(N + 3), 0);
      expect(n).toBe(0);
      expect(rt.groups[1]!.arrays.v![0]).toBe(1000);
    }
    const rt = newCoreRuntime(noisyIr({ threshold: 1, amplitude: 1 }), 0);
    expect(() => stepCubaGroup(rt.groups[1]!, rt.ring, 0, rt.ir.compartmentCount, rt.counters, new Int32Array(N + 3), 0)).toThrow(/noise/);
  });
});

describe('IR: cuba noise field', () => {
  it('write → load → write is byte-identical with noise present, null or absent', () => {
    fc.assert(fc.property(
      fc.oneof(fc.constant(undefined), fc.constant(null),
        fc.record({ threshold: fc.integer({ min: 0, max: 2 ** 32 }), amplitude: fc.integer({ min: -(2 ** 31 - 1), max: 2 ** 31 - 1 }) })),
      (nz) => {
        const text = writeIr(noisyIr(nz));
        const { ir, diagnostics } = loadIr(text, 'n.ir.json');
        expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(writeIr(ir!)).toBe(text);
        const g = ir!.cores[0]!.groups[1] as CubaGroup;
        if (nz === undefined) expect('noise' in g).toBe(false);
        else expect(g.noise).toEqual(nz);
      }), { numRuns: 30 });
  });

  it('the loader rejects a bad noise field, naming it', () => {
    const bad = (noise: unknown) => {
      const o = JSON.parse(writeIr(noisyIr(null)));
      o.cores[0].groups[1].noise = noise;
      return loadIr(JSON.stringify(o), 'n.ir.json').diagnostics.filter((d) => d.severity === 'error');
    };
    expect(bad({ threshold: 2 ** 32 + 1, amplitude: 1 })[0]?.path?.field).toMatch(/groups\[1\]\.noise\.threshold/);
    expect(bad({ threshold: 5, amplitude: 0.5 })[0]?.path?.field).toMatch(/noise\.amplitude/);
    expect(bad(3).length).toBeGreaterThan(0);
    expect(bad({ threshold: 5, amplitude: 2 })).toEqual([]);
  });
});
