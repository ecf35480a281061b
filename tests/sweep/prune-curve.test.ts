/** The pruning curve (accuracy vs pruned fraction) and a pruning study without `--vary`. */
import { describe, expect, it } from 'vitest';
import { pruneCurve } from '../../sweep/outputs.js';
import { linePlot } from '../../sweep/plots.js';
import { buildGrid } from '../../sweep/grid.js';
import type { PointResult, PruneResult } from '../../sweep/result.js';
import { main } from '../../cli/main.js';
import { captureIo } from '../helpers/io.js';

function point(seed: number, acc: number, prune: PruneResult[]): PointResult {
  return {
    id: `p${seed}`, index: 0, seed, values: {}, sets: [], mode: 'train', status: 'ok', train_accuracy: acc, test_accuracy: acc,
    synaptic_events: 1, learning_updates: 1, spikes: 1, energy_pj: 1, overflow: {}, saturations: 0, wraps: 0, divergence: null,
    synapse_memory_bits: 1, weight_rms_rel_error: 0, prune, seconds: 1,
  };
}
const pr = (fraction: number, pruned: number, relearned: number | null): PruneResult => ({ fraction, pruned: 10, plastic: 20, accuracy_pruned: pruned, accuracy_relearned: relearned });

describe('pruning curve', () => {
  it('starts both stages at the unpruned accuracy and puts each fraction on the x axis', () => {
    const results = [point(1, 0.7, [pr(0.5, 0.68, 0.69), pr(0.9, 0.55, 0.66)]), point(2, 0.66, [pr(0.5, 0.66, 0.67), pr(0.9, 0.57, 0.68)])];
    const c = pruneCurve(results, [])!;
    expect(c.param.values).toEqual(['0', '0.5', '0.9']);
    expect(c.others[0]!.values).toEqual(['after pruning', 'after re-learning']);
    const at = (x: string, stage: string) => c.results.filter((r) => r.values['pruned fraction'] === x && r.values.stage === stage).map((r) => r.test_accuracy).sort();
    expect(at('0', 'after pruning')).toEqual([0.66, 0.7]);
    expect(at('0', 'after re-learning')).toEqual([0.66, 0.7]);
    expect(at('0.9', 'after pruning')).toEqual([0.55, 0.57]);
    expect(at('0.9', 'after re-learning')).toEqual([0.66, 0.68]);
    const svg = linePlot(c);
    expect(svg).toContain('pruned fraction');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });

  it('has one stage without re-learning, and no curve without pruning', () => {
    expect(pruneCurve([point(1, 0.7, [pr(0.5, 0.6, null)])], [])!.others[0]!.values).toEqual(['after pruning']);
    expect(pruneCurve([point(1, 0.7, [])], [])).toBeNull();
  });

  it('a grid without varied parameters is one point per seed', () => {
    const g = buildGrid({ target: 'default', sets: [], vary: [], seeds: [3, 4] }, { k: 1 });
    expect(g.points?.map((p) => p.seed)).toEqual([3, 4]);
    expect(g.points?.every((p) => Object.keys(p.values).length === 0)).toBe(true);
  });

  it('the CLI asks for --vary or --prune', async () => {
    const io = captureIo();
    const code = await main(['sweep', 'dsl-examples/stdp.snn'], io);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/--vary .*or --prune/);
  });
});
