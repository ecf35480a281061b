/**
 * Files of a finished sweep in its output directory: results.csv, results.json (manifest + every point) and the
 * SVG plots (one line plot per varied parameter and metric; a heat map per metric when exactly two vary).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VarySpec } from './grid.js';
import { heatMap, linePlot, type Baseline, type LinePlotInput, type MetricSpec } from './plots.js';
import { toCsv, type PointResult, type SweepMode, type SweepOptions } from './result.js';
import type { FloatBaseline } from './baseline.js';

export interface Manifest {
  readonly tool: 'dendrite';
  readonly version: string;
  /** The command line, as given. */
  readonly command: string;
  readonly file: string;
  readonly target: string;
  readonly options: SweepOptions;
  readonly grid: { readonly vary: readonly VarySpec[]; readonly sets: readonly string[] };
  readonly seeds: readonly number[];
  readonly points: number;
  readonly baseline: FloatBaseline | null;
  /** Plastic-synapse pruning semantics, when a pruning study ran. */
  readonly prune_note?: string;
}

export const PRUNE_NOTE =
  'weakest fraction by |stored weight| per plastic projection set to 0 after training; during re-learning pruned synapses are held at 0';

interface Plotted {
  readonly name: string;
  readonly title: string;
  readonly metric: MetricSpec;
  readonly baseline: Baseline | null;
}

function plotsFor(mode: SweepMode, results: readonly PointResult[], baseline: FloatBaseline | null): Plotted[] {
  if (mode === 'train') {
    const out: Plotted[] = [{
      name: 'test_accuracy', title: 'Test accuracy (fixed point, on-chip learning)',
      metric: { get: (r) => r.test_accuracy, label: 'test accuracy (%)', scale: 100, decimals: 1 },
      baseline: baseline ? { value: baseline.test_accuracy, label: `float: ${baseline.kind}` } : null,
    }];
    const fracs = [...new Set(results.flatMap((r) => r.prune.map((p) => p.fraction)))].sort((a, b) => a - b);
    for (const f of fracs) {
      const pct = Math.round(f * 100);
      out.push({
        name: `prune${pct}_accuracy`, title: `Test accuracy after pruning ${pct} % of plastic weights`,
        metric: { get: (r) => r.prune.find((p) => p.fraction === f)?.accuracy_pruned ?? null, label: 'test accuracy (%)', scale: 100, decimals: 1 },
        baseline: null,
      });
      if (results.some((r) => r.prune.some((p) => p.fraction === f && p.accuracy_relearned !== null))) {
        out.push({
          name: `prune${pct}_relearned_accuracy`, title: `Test accuracy, ${pct} % pruned, after re-learning`,
          metric: { get: (r) => r.prune.find((p) => p.fraction === f)?.accuracy_relearned ?? null, label: 'test accuracy (%)', scale: 100, decimals: 1 },
          baseline: null,
        });
      }
    }
    return out;
  }
  return [
    {
      name: 'count_correlation', title: 'Fixed vs float: spike-count correlation',
      metric: { get: (r) => r.divergence?.count_correlation ?? null, label: 'Pearson r of per-neuron spike counts', scale: 1, decimals: 3 },
      baseline: { value: 1, label: 'float64 reference (r = 1)' },
    },
    {
      name: 'rate_rel_error', title: 'Fixed vs float: firing-rate error',
      metric: { get: (r) => r.divergence?.rate_rel_error ?? null, label: 'relative rate error (%)', scale: 100, decimals: 2 },
      baseline: { value: 0, label: 'float64 reference (0%)' },
    },
  ];
}

/** Writes results.csv, results.json and the SVGs; returns the file names written. */
export function writeOutputs(dir: string, manifest: Manifest, vary: readonly VarySpec[], results: readonly PointResult[]): string[] {
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    files.push(name);
  };
  put('results.csv', toCsv(results, vary.map((v) => v.path)));
  put('results.json', JSON.stringify({ manifest, results }, null, 2) + '\n');
  for (const p of plotsFor(manifest.options.mode, results, manifest.baseline)) {
    for (const v of vary) {
      const slug = v.path.replace(/[^A-Za-z0-9_]+/g, '_');
      put(`${p.name}_vs_${slug}.svg`, linePlot({
        results, param: v, others: vary.filter((o) => o !== v), metric: p.metric, baseline: p.baseline, title: `${p.title} vs ${v.path}`,
      }));
    }
    if (vary.length === 2) {
      put(`${p.name}_heatmap.svg`, heatMap({ results, x: vary[0]!, y: vary[1]!, metric: p.metric, title: p.title }));
    }
  }
  const curve = pruneCurve(results, vary);
  if (curve !== null) put('accuracy_vs_pruned_fraction.svg', linePlot(curve));
  return files;
}

const PRUNED = 'pruned fraction';
const STAGE = 'stage';

/**
 * Test accuracy vs the pruned fraction (0 = the trained network), one series per stage (after pruning, after
 * re-learning) and per varied combination: the S2M-style pruning curve. Null without pruning results.
 */
export function pruneCurve(results: readonly PointResult[], vary: readonly VarySpec[]): LinePlotInput | null {
  const fracs = [...new Set(results.flatMap((r) => r.prune.map((p) => p.fraction)))].sort((a, b) => a - b);
  if (fracs.length === 0) return null;
  const relearned = results.some((r) => r.prune.some((p) => p.accuracy_relearned !== null));
  const stages = relearned ? ['after pruning', 'after re-learning'] : ['after pruning'];
  const rows: PointResult[] = [];
  const row = (r: PointResult, fraction: number, stage: string, acc: number | null) =>
    rows.push({ ...r, values: { ...r.values, [PRUNED]: String(fraction), [STAGE]: stage }, test_accuracy: acc });
  for (const r of results) {
    for (const stage of stages) row(r, 0, stage, r.test_accuracy); // the unpruned network starts both curves
    for (const p of r.prune) {
      row(r, p.fraction, stages[0]!, p.accuracy_pruned);
      if (relearned) row(r, p.fraction, stages[1]!, p.accuracy_relearned);
    }
  }
  return {
    results: rows,
    param: { path: PRUNED, values: ['0', ...fracs.map(String)] },
    others: [{ path: STAGE, values: stages }, ...vary],
    metric: { get: (r) => r.test_accuracy, label: 'test accuracy (%)', scale: 100, decimals: 1 },
    baseline: null,
    title: 'Test accuracy vs fraction of plastic weights pruned',
  };
}
