/**
 * The parallel runner's synchronisation (emulator/parallel/thread-share.ts): the adaptive spin budget, the
 * notify-only-when-someone-sleeps rule, the single delivery call per step and the counter epoch. Timing changes
 * must never change results: 1, 2 and 4 threads, with any spin setting and fixed or live weights, give the
 * single-thread emulator's spikes, state, counters and cycles.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { ParallelEmulator } from '../../emulator/parallel/parallel-emulator.js';
import { PROBE_EVERY, SpinBudget } from '../../emulator/parallel/thread-share.js';
import { randomIr } from '../emulator/random-ir.js';
import type { DendriteIr } from '../../ir/types.js';
import type { CoreRuntime } from '../../emulator/state.js';
// @ts-expect-error plain ESM bench module without type declarations
import { buildCubaIr, setInitialV } from '../../bench/cuba-network.mjs';

function snapshot(cores: readonly CoreRuntime[]): number[][] {
  const out: number[][] = [];
  for (const rt of cores) {
    for (const gs of rt.groups) for (const k of Object.keys(gs.arrays).sort()) out.push(Array.from(gs.arrays[k]!));
    out.push(Array.from(rt.weights), Array.from(rt.ring));
  }
  return out;
}

function multiCoreIr(seed: number, steps: number): DendriteIr {
  for (let s = seed; ; s += 7919) {
    const ir = randomIr(s, { models: ['loihi', 'cuba', 'nsat'], steps, random: true });
    if (ir.cores.length >= 3) return ir;
  }
}

/** Steps `ref` and every run in lockstep, comparing the spike list each step, then state, counters and cycles. */
function lockstep(ref: Emulator, runs: readonly ParallelEmulator[], steps: number, between?: () => void): number {
  let spikes = 0;
  for (let t = 1; t <= steps; t++) {
    between?.();
    ref.step();
    const want = Array.from(ref.spikes.subarray(0, ref.spikeCount));
    spikes += want.length;
    for (const p of runs) {
      p.step();
      expect(Array.from(p.spikes.subarray(0, p.spikeCount)), `t=${t} threads=${p.threads}`).toEqual(want);
    }
  }
  for (const p of runs) {
    expect(snapshot(p.cores), `state, threads=${p.threads}`).toEqual(snapshot(ref.cores));
    expect(p.cores.map((c) => c.counters), `counters, threads=${p.threads}`).toEqual(ref.cores.map((c) => c.counters));
    expect(p.totalCycles).toBe(ref.totalCycles);
  }
  return spikes;
}

describe('SpinBudget', () => {
  it('a spin that helped restores the maximum, a sleep quarters the budget down to the minimum', () => {
    const b = new SpinBudget(20_000, 64);
    expect(b.next()).toBe(20_000);
    b.done(-1);
    expect(b.budget).toBe(5_000);
    b.done(0); // the partner was already there: no evidence either way
    expect(b.budget).toBe(5_000);
    b.done(1_234);
    expect(b.budget).toBe(20_000);
    for (let k = 0; k < 10; k++) b.done(-1);
    expect(b.budget).toBe(64);
  });

  it('at the minimum, every PROBE_EVERY-th wait probes with the maximum; a successful probe restores it', () => {
    const b = new SpinBudget(1_000, 8);
    for (let k = 0; k < 10; k++) b.done(-1);
    const seen = Array.from({ length: 3 * PROBE_EVERY }, () => b.next());
    expect(seen.filter((n) => n === 1_000)).toHaveLength(3);
    expect(seen.filter((n) => n === 8)).toHaveLength(3 * PROBE_EVERY - 3);
    expect(seen[PROBE_EVERY - 1]).toBe(1_000);
    b.done(500);
    expect(b.next()).toBe(1_000);
  });

  it('a zero maximum never spins', () => {
    const b = new SpinBudget(0);
    fc.assert(fc.property(fc.array(fc.integer({ min: -1, max: 100 }), { maxLength: 80 }), (outcomes) => {
      for (const o of outcomes) {
        expect(b.next()).toBe(0);
        b.done(o);
      }
    }), { numRuns: 20 });
  });
});

describe('parallel runner synchronisation: results independent of threads and spin', () => {
  it('random networks: 1, 2, 4 threads with spin 0, 1 and the default equal the single-thread emulator', () => {
    let spikes = 0;
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.constantFrom(0, 1, undefined), (seed, spin) => {
        const ir = multiCoreIr(seed, 50);
        const ref = new Emulator(ir, { seed: 2 });
        const runs = [1, 2, 4].map((workers) => new ParallelEmulator(ir, { seed: 2, workers, ...(spin !== undefined ? { spin } : {}) }));
        try {
          spikes += lockstep(ref, runs, ir.steps);
        } finally {
          for (const p of runs) p.close();
        }
      }),
      { numRuns: 5 },
    );
    expect(spikes).toBeGreaterThan(50);
  });

  it('CUBA with fixed weights (WebAssembly kernel, flat delivery in every thread): 1, 2, 4 threads agree', () => {
    const { ir, k } = buildCubaIr({ N: 3000, p: 0.03, coreSize: 512, seed: 5, steps: 150 }) as { ir: DendriteIr; k: unknown };
    const ref = new Emulator(ir, { fixedWeights: true });
    const runs = [1, 2, 4].map((workers) => new ParallelEmulator(ir, { workers, fixedWeights: true }));
    try {
      for (const e of [ref, ...runs]) setInitialV(e, k);
      // The threads deliver through the same flat path as the single-thread emulator.
      for (const p of runs) expect((p['share'] as unknown as { fanOut: { flat: boolean } }).fanOut.flat).toBe(true);
      const spikes = lockstep(ref, runs, ir.steps);
      expect(spikes).toBeGreaterThan(100); // the comparison has teeth
    } finally {
      for (const p of runs) p.close();
    }
  });

  it('a slow host between steps (workers asleep, spin 1) wakes every wait: no lost notify', () => {
    const ir = multiCoreIr(77, 40);
    const ref = new Emulator(ir, { seed: 6 });
    const runs = [2, 3].map((workers) => new ParallelEmulator(ir, { seed: 6, workers, spin: 1 }));
    try {
      const t0 = performance.now();
      // 1 ms of host work per step: every worker falls asleep at its step signal. A lost notify would cost the
      // 200 ms wait timeout per step (≥ 8 s here) instead of ≈ 40 ms.
      lockstep(ref, runs, ir.steps, () => {
        const until = performance.now() + 1;
        while (performance.now() < until);
      });
      expect(performance.now() - t0).toBeLessThan(4000);
    } finally {
      for (const p of runs) p.close();
    }
  });

  it('loadState twice (counter epoch bumped each time) restores counters in the worker threads', () => {
    const ir = multiCoreIr(19, 120);
    const ref = new Emulator(ir, { seed: 3 });
    const par = new ParallelEmulator(ir, { seed: 3, workers: 2 });
    try {
      const step = (n: number) => {
        for (let t = 0; t < n; t++) {
          ref.step();
          par.step();
        }
      };
      step(10);
      const a = ref.saveState();
      const b = par.saveState();
      step(20);
      const a2 = ref.saveState();
      const b2 = par.saveState();
      ref.loadState(a);
      par.loadState(b);
      step(15);
      ref.loadState(a2);
      par.loadState(b2);
      lockstep(ref, [par], 20);
    } finally {
      par.close();
    }
  });
});
