/**
 * Pruning: the weakest fraction of each plastic projection (by |stored weight|) goes to 0, frozen projections are
 * untouched, pruned synapses stay at 0 during re-learning, and the trained accuracy itself is not changed by
 * running a pruning study.
 */
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { Emulator } from '../../emulator/emulator.js';
import { maskedEngine, plasticRows, prunePlastic } from '../../sweep/prune.js';
import type { LearningContext } from '../../emulator/learning-engine.js';
import { runPoint } from '../../sweep/point.js';

const FILE = 'dsl-examples/erbp-mnist.snn';

describe('prunePlastic', () => {
  const ir = compileFile(FILE, { target: 'default', sets: ['synapse.weight.mant_bits=6'] }).ir!;

  it('zeroes the weakest fraction of every plastic projection and nothing else', () => {
    const emu = new Emulator(ir);
    const before = emu.cores.map((rt) => rt.weights.slice());
    const rows = plasticRows(ir);
    expect([...rows.keys()].sort()).toEqual(['h1->out', 'img->h1'].sort());
    const { mask, stats } = prunePlastic(ir, emu.cores, 0.75);
    for (const [name, list] of rows) {
      const k = Math.floor(0.75 * list.length + 0.5);
      expect(stats.perProjection[name]).toEqual([k, list.length]);
      const prunedSet = new Set(mask.flatMap((m, c) => [...m].map((r) => `${c}:${r}`)));
      const pruned = list.filter(([c, r]) => prunedSet.has(`${c}:${r}`));
      const kept = list.filter(([c, r]) => !prunedSet.has(`${c}:${r}`));
      expect(pruned).toHaveLength(k);
      const maxPruned = Math.max(...pruned.map(([c, r]) => Math.abs(before[c]![r]!)));
      const minKept = Math.min(...kept.map(([c, r]) => Math.abs(before[c]![r]!)));
      expect(maxPruned).toBeLessThanOrEqual(minKept);
      for (const [c, r] of pruned) expect(emu.cores[c]!.weights[r]).toBe(0);
      for (const [c, r] of kept) expect(emu.cores[c]!.weights[r]).toBe(before[c]![r]);
    }
    // frozen synapses are unchanged
    const plastic = new Set([...rows.values()].flat().map(([c, r]) => `${c}:${r}`));
    emu.cores.forEach((rt, c) => rt.weights.forEach((w, r) => {
      if (!plastic.has(`${c}:${r}`)) expect(w).toBe(before[c]![r]);
    }));
  });
});

describe('maskedEngine', () => {
  it('holds masked synapses at 0 after every learning step and forwards the host hooks', () => {
    const w = [new Int32Array([5, 5, 5, 5])];
    let starts = 0;
    const inner = { onStep: (ctx: LearningContext) => ctx.cores[0]!.weights.fill(7), setSampleStart: () => void starts++ };
    const e = maskedEngine(() => inner, [Int32Array.from([1, 3])])(null as never, 0) as typeof inner;
    e.onStep({ cores: [{ weights: w[0] }] } as unknown as LearningContext);
    expect([...w[0]!]).toEqual([7, 0, 7, 0]);
    e.setSampleStart();
    expect(starts).toBe(1);
  });
});

describe('pruning study in a train-mode point', () => {
  it('reports per fraction; the trained accuracy is the same as without pruning', async () => {
    const base = { file: FILE, target: 'default', mode: 'train' as const, epochs: 1, trainSamples: 3, testSamples: 3, steps: 0 };
    const point = { id: 'p', index: 0, values: {}, sets: ['synapse.weight.mant_bits=6'], seed: 2 };
    const plain = await runPoint({ ...base, prune: [], relearn: 0 }, point);
    const pr = await runPoint({ ...base, prune: [0.5, 0.9], relearn: 2 }, point);
    expect(pr.test_accuracy).toBe(plain.test_accuracy);
    expect(pr.prune.map((p) => p.fraction)).toEqual([0.5, 0.9]);
    for (const p of pr.prune) {
      expect(p.pruned / p.plastic).toBeCloseTo(p.fraction, 2);
      expect(p.accuracy_pruned).toBeGreaterThanOrEqual(0);
      expect(p.accuracy_relearned).not.toBeNull();
    }
  }, 120_000);
});
