/**
 * Parallel emulator (emulator/parallel/): the same run on 1, 2 and 4 threads gives the same spikes, digest,
 * counters and final state as the single-thread reference Emulator. Worker threads load the compiled
 * dist/emulator/parallel/worker.js (`npm test` builds it in `pretest`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { ParallelEmulator, threadCount } from '../../emulator/parallel/parallel-emulator.js';
import { assignCores } from '../../emulator/parallel/layout.js';
import { idleWorkers } from '../../emulator/parallel/pool.js';
import { runIr } from '../../emulator/run.js';
import { randomIr } from '../emulator/random-ir.js';
import type { DendriteIr } from '../../ir/types.js';
import type { CoreRuntime } from '../../emulator/state.js';

const models = ['loihi', 'cuba', 'nsat'] as const;

/** Every state array and weight of every core, as plain numbers (for deep equality). */
function snapshot(cores: readonly CoreRuntime[]): number[][] {
  const out: number[][] = [];
  for (const rt of cores) {
    for (const gs of rt.groups) for (const k of Object.keys(gs.arrays).sort()) out.push(Array.from(gs.arrays[k]!));
    out.push(Array.from(rt.weights));
    out.push(Array.from(rt.ring));
  }
  return out;
}

/** `p` ended where the reference `ref` did: every state array, weight and ring, every counter, and the cycles. */
function expectSameEnd(p: Emulator, ref: Emulator, label = ''): void {
  expect(snapshot(p.cores), `state ${label}`).toEqual(snapshot(ref.cores));
  expect(p.cores.map((c) => c.counters), `counters ${label}`).toEqual(ref.cores.map((c) => c.counters));
  expect(p.totalCycles, `cycles ${label}`).toBe(ref.totalCycles);
}

/** A random IR with at least 3 cores (so 2 and 4 threads really split the cores), with blank-out and Poisson. */
function multiCoreIr(seed: number, steps: number): DendriteIr {
  return multiCoreIrOf(seed, steps, models);
}

function multiCoreIrOf(seed: number, steps: number, ms: readonly ('loihi' | 'cuba' | 'nsat')[]): DendriteIr {
  for (let s = seed; ; s += 7919) {
    const ir = randomIr(s, { models: ms, steps, random: true });
    if (ir.cores.length >= 3) return ir;
  }
}

describe('parallel emulator: identical results for any number of threads', () => {
  it('steps, spikes, state, counters and cycles equal the single-thread emulator for 1, 2 and 4 threads', () => {
    let spikes = 0;
    let random = 0;
    fc.assert(
      fc.property(fc.nat(1_000_000), (seed) => {
        const ir = multiCoreIr(seed, 60);
        if (ir.sources.some((s) => s.kind === 'poisson') || ir.cores.some((c) => c.synapseGroups.some((g) => g.transmitThreshold < 2 ** 32))) random++;
        const ref = new Emulator(ir, { seed: 5 });
        const par = [1, 2, 4].map((w) => new ParallelEmulator(ir, { seed: 5, workers: w }));
        try {
          expect(par.map((p) => p.threads)).toEqual([1, 2, Math.min(4, ir.cores.length)]);
          for (let t = 1; t <= ir.steps; t++) {
            ref.step();
            const want = Array.from(ref.spikes.subarray(0, ref.spikeCount));
            spikes += want.length;
            for (const p of par) {
              p.step();
              expect(Array.from(p.spikes.subarray(0, p.spikeCount)), `t=${t} threads=${p.threads}`).toEqual(want);
            }
          }
          for (const p of par) {
            expectSameEnd(p, ref, `threads=${p.threads}`);
            expect(p.sourceSpikes).toBe(ref.sourceSpikes);
          }
        } finally {
          for (const p of par) p.close();
        }
      }),
      { numRuns: 8 },
    );
    expect(spikes).toBeGreaterThan(100); // the comparison has teeth
    expect(random).toBeGreaterThan(0); // blank-out / Poisson draws were exercised
  });

  it('runIr: same digest, counters and population spikes for workers 1, 2, 4 and the reference', () => {
    for (const seed of [3, 11, 29]) {
      const ir = multiCoreIr(seed, 120);
      const ref = runIr(ir, { seed: 9 });
      for (const workers of [1, 2, 4]) {
        const s = runIr(ir, { seed: 9, workers });
        expect(s.spike_digest).toBe(ref.spike_digest);
        expect(s.counters).toEqual(ref.counters);
        expect(s.per_core).toEqual(ref.per_core);
        expect(s.population_spikes).toEqual(ref.population_spikes);
        expect(s.cycles).toBe(ref.cycles);
      }
    }
  });

  it('dense fast path (no delays, no blank-out, one port) gives the reference digest too', () => {
    let events = 0;
    for (const seed of [2, 13, 17, 23]) {
      const base = multiCoreIrOf(seed, 100, ['loihi']);
      const ir: DendriteIr = {
        ...base,
        cores: base.cores.map((c) => ({
          ...c, synapses: { ...c.synapses, delays: new Uint8Array(c.synapses.delays.length) },
          synapseGroups: c.synapseGroups.map((g) => ({ ...g, transmitThreshold: 2 ** 32 })),
        })),
      };
      const ref = runIr(ir, { seed: 4 });
      events += ref.counters.synaptic_events;
      for (const workers of [1, 2]) {
        const s = runIr(ir, { seed: 4, workers });
        expect(s.spike_digest).toBe(ref.spike_digest);
        expect(s.counters).toEqual(ref.counters);
      }
    }
    expect(events).toBeGreaterThan(0);
  });

  it('host writes to shared state before a step are seen by the worker threads', () => {
    const ir = multiCoreIr(41, 30);
    const a = new Emulator(ir, { seed: 1 });
    const b = new ParallelEmulator(ir, { seed: 1, workers: 3 });
    try {
      for (const emu of [a, b]) {
        for (const rt of emu.cores) for (const gs of rt.groups) if (gs.arrays.v) gs.arrays.v.fill(7);
      }
      for (let t = 0; t < ir.steps; t++) {
        a.step();
        b.step();
      }
      expect(snapshot(b.cores)).toEqual(snapshot(a.cores));
    } finally {
      b.close();
    }
  });

  it('saveState / loadState round trip: counters and state restored in the worker threads too', () => {
    const ir = multiCoreIr(19, 80);
    const ref = new Emulator(ir, { seed: 3 });
    const par = new ParallelEmulator(ir, { seed: 3, workers: 3 });
    try {
      for (let t = 0; t < 30; t++) {
        ref.step();
        par.step();
      }
      const a = ref.saveState();
      const b = par.saveState();
      for (let t = 0; t < 30; t++) {
        ref.step();
        par.step();
      }
      ref.loadState(a);
      par.loadState(b);
      for (let t = 0; t < 50; t++) {
        ref.step();
        par.step();
        expect(Array.from(par.spikes.subarray(0, par.spikeCount))).toEqual(Array.from(ref.spikes.subarray(0, ref.spikeCount)));
      }
      expectSameEnd(par, ref);
    } finally {
      par.close();
    }
  });

  it('thread count and core assignment', () => {
    const ir = multiCoreIr(5, 10);
    expect(threadCount(ir, 64)).toBe(ir.cores.length);
    expect(threadCount(ir, 1)).toBe(1);
    const owned = assignCores(ir, 2);
    expect(owned.flat().sort((x, y) => x - y)).toEqual(ir.cores.map((_, i) => i)); // every core exactly once
    expect(owned.every((o) => o.length > 0)).toBe(true);
  });

  describe('pipelined run(n)', () => {
    it('spike lists, state, counters and cycles equal the reference step by step, for 2 and 4 threads', () => {
      let spikes = 0;
      fc.assert(
        fc.property(fc.nat(1_000_000), fc.integer({ min: 2, max: 70 }), (seed, steps) => {
          const ir = multiCoreIr(seed, steps);
          const ref = new Emulator(ir, { seed: 5 });
          const want: number[][] = [];
          for (let t = 0; t < steps; t++) {
            ref.step();
            want.push(Array.from(ref.spikes.subarray(0, ref.spikeCount)));
            spikes += ref.spikeCount;
          }
          for (const workers of [2, 4]) {
            const p = new ParallelEmulator(ir, { seed: 5, workers });
            try {
              const got: number[][] = [];
              const ts: number[] = [];
              p.run(steps, (e) => {
                ts.push(e.t);
                got.push(Array.from(e.spikes.subarray(0, e.spikeCount)));
                for (const id of got[got.length - 1]!) expect(e.spiked[id]).toBe(1);
              });
              expect(ts).toEqual(want.map((_, k) => k + 1));
              expect(got).toEqual(want);
              expectSameEnd(p, ref, `threads=${workers}`);
              expect(p.sourceSpikes).toBe(ref.sourceSpikes);
            } finally {
              p.close();
            }
          }
        }),
        { numRuns: 8 },
      );
      expect(spikes).toBeGreaterThan(100);
    });

    it('mixes with step(), saveState/loadState and host writes between runs', () => {
      const ir = multiCoreIr(19, 200);
      const ref = new Emulator(ir, { seed: 3 });
      const par = new ParallelEmulator(ir, { seed: 3, workers: 3 });
      try {
        const both = (f: (e: Emulator) => void) => { f(ref); f(par); };
        for (let t = 0; t < 7; t++) ref.step();
        par.run(7);
        both((e) => e.step());
        const a = ref.saveState();
        const b = par.saveState();
        for (let t = 0; t < 40; t++) ref.step();
        par.run(40);
        expect(snapshot(par.cores)).toEqual(snapshot(ref.cores));
        ref.loadState(a);
        par.loadState(b);
        both((e) => { for (const rt of e.cores) for (const gs of rt.groups) if (gs.arrays.v) gs.arrays.v[0] = 3; });
        for (let t = 0; t < 60; t++) ref.step();
        par.run(59);
        par.step();
        par.run(1); // a one-step run is an ordinary step
        ref.step();
        expect(par.t).toBe(ref.t);
        expect(Array.from(par.spikes.subarray(0, par.spikeCount))).toEqual(Array.from(ref.spikes.subarray(0, ref.spikeCount)));
        expectSameEnd(par, ref);
      } finally {
        par.close();
      }
    });

    it('an error thrown by onStep propagates and closes the emulator (no hang)', () => {
      const ir = multiCoreIr(8, 50);
      const p = new ParallelEmulator(ir, { workers: 2 });
      expect(() => p.run(50, (e) => { if (e.t === 10) throw new Error('stop here'); })).toThrow(/stop here/);
      expect(() => p.step()).toThrow(/after close/);
      expect(() => p.run(5)).toThrow(/after close/);
    });
  });

  describe('worker pool', () => {
    /** Runs `ir` on `workers` threads (pipelined) and checks spikes, state and counters against the reference. */
    function expectReference(ir: DendriteIr, workers: number): void {
      const ref = new Emulator(ir, { seed: 2 });
      const want: number[][] = [];
      ref.run(ir.steps, (e) => want.push(Array.from(e.spikes.subarray(0, e.spikeCount))));
      const p = new ParallelEmulator(ir, { seed: 2, workers });
      try {
        const got: number[][] = [];
        p.run(ir.steps, (e) => got.push(Array.from(e.spikes.subarray(0, e.spikeCount))));
        expect(got).toEqual(want);
        expectSameEnd(p, ref);
      } finally {
        p.close();
      }
    }

    it('a closed emulator returns its workers, and the next one (another network) reuses them with reference results', () => {
      expectReference(multiCoreIrOf(101, 40, ['cuba']), 2);
      const idle = idleWorkers();
      expect(idle).toBeGreaterThanOrEqual(1);
      const p = new ParallelEmulator(multiCoreIrOf(202, 40, ['loihi', 'nsat']), { workers: 2 });
      expect(idleWorkers()).toBe(idle - 1); // taken from the pool, not started anew
      p.close();
      expect(idleWorkers()).toBe(idle);
      for (const [seed, ms] of [[202, ['loihi', 'nsat']], [303, ['cuba', 'loihi']], [404, ['nsat']]] as const) expectReference(multiCoreIrOf(seed, 50, ms), 2);
    });

    it('emulators open at the same time get distinct workers', () => {
      const irA = multiCoreIr(55, 40);
      const irB = multiCoreIr(66, 40);
      const refA = new Emulator(irA, { seed: 1 });
      const refB = new Emulator(irB, { seed: 1 });
      const a = new ParallelEmulator(irA, { seed: 1, workers: 2 });
      const b = new ParallelEmulator(irB, { seed: 1, workers: 3 });
      try {
        for (let t = 0; t < 40; t++) {
          for (const [r, p] of [[refA, a], [refB, b]] as const) {
            r.step();
            p.step();
            expect(Array.from(p.spikes.subarray(0, p.spikeCount))).toEqual(Array.from(r.spikes.subarray(0, r.spikeCount)));
          }
        }
      } finally {
        a.close();
        b.close();
      }
    });

    it('workers left in the middle of a run are terminated, not reused; the pool still serves the next emulator', () => {
      const ir = multiCoreIr(8, 50);
      const p = new ParallelEmulator(ir, { workers: 2 });
      const idle = idleWorkers();
      expect(() => p.run(50, (e) => { if (e.t === 10) throw new Error('stop here'); })).toThrow(/stop here/);
      expect(idleWorkers()).toBe(idle);
      expectReference(ir, 2);
    });
  });

  it('step() after close() is an error, not a hang', () => {
    const ir = multiCoreIr(8, 10);
    const p = new ParallelEmulator(ir, { workers: 2 });
    p.step();
    p.close();
    expect(() => p.step()).toThrow(/after close/);
  });
});
