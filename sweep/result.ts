/**
 * What a sweep records: the options every point shares (`SweepOptions`, part of each point's id), the result of
 * one point (`PointResult`, one line of results.jsonl) and the flattening of results into CSV rows. Column
 * meanings are documented in docs/quantization.md.
 */
import type { OverflowCount } from '../emulator/state.js';

export type SweepMode = 'train' | 'run';

/** Everything besides the target settings and the seed that determines a point's result. */
export interface SweepOptions {
  /** The network source (.snn), as given. */
  readonly file: string;
  readonly target: string;
  readonly mode: SweepMode;
  /** train mode: epochs, sample counts (undefined = the whole split) and `--data` spec (undefined = the protocol's). */
  readonly epochs: number;
  readonly trainSamples?: number;
  readonly testSamples?: number;
  readonly data?: string;
  /** run mode: steps to emulate (and to compare with the float reference). */
  readonly steps: number;
  /** train mode: fractions of each plastic projection to prune after training (empty = no pruning study). */
  readonly prune: readonly number[];
  /** train mode: training samples of re-learning after each pruning (0 = none). */
  readonly relearn: number;
}

/** Pruning outcome for one fraction. */
export interface PruneResult {
  readonly fraction: number;
  /** Plastic synapses set to 0, of all plastic synapses. */
  readonly pruned: number;
  readonly plastic: number;
  /** Test accuracy right after pruning. */
  readonly accuracy_pruned: number;
  /** Test accuracy after re-learning `relearn` samples with pruned synapses held at 0 (null: no re-learning). */
  readonly accuracy_relearned: number | null;
}

/** Fixed-vs-float divergence over the neuron populations of a run (analysis/diff.ts). */
export interface Divergence {
  /** Mean over populations of the Pearson r of per-neuron spike counts (populations where r is defined). */
  readonly count_correlation: number | null;
  /** |Σ spikes fixed − Σ spikes float| / Σ spikes float over all neuron populations (null: float silent). */
  readonly rate_rel_error: number | null;
  /** Van Rossum distance per neuron, mean over all neurons (τ = 10 steps). */
  readonly van_rossum: number;
  readonly spikes_fixed: number;
  readonly spikes_float: number;
  readonly per_population: readonly {
    readonly population: string;
    readonly count_correlation: number | null;
    readonly rate_rel_error: number | null;
    readonly van_rossum: number;
  }[];
}

export interface PointResult {
  readonly id: string;
  readonly index: number;
  readonly seed: number;
  /** Varied values by profile path. */
  readonly values: Readonly<Record<string, string>>;
  readonly sets: readonly string[];
  readonly mode: SweepMode;
  /** ok; diagnostics = the point does not compile/fit (deterministic, kept); failed = internal error (rerun). */
  readonly status: 'ok' | 'diagnostics' | 'failed';
  readonly error?: string;
  readonly train_accuracy: number | null;
  readonly test_accuracy: number | null;
  /** Synaptic events (train mode: over all training epochs; run mode: over the run). */
  readonly synaptic_events: number | null;
  readonly learning_updates: number | null;
  readonly spikes: number | null;
  /** Estimated energy (pJ): train mode per training sample (last epoch); run mode for the whole run. */
  readonly energy_pj: number | null;
  /** Wraps and saturations per state variable (train mode: the training emulator; run mode: the run). */
  readonly overflow: Readonly<Record<string, OverflowCount>>;
  readonly saturations: number;
  readonly wraps: number;
  readonly divergence: Divergence | null;
  /** Σ over cores of the mapping report's synapse memory bits. */
  readonly synapse_memory_bits: number | null;
  /** Weight quantization error: RMS of (quantized − float) / max |w| over all weight groups (compile report). */
  readonly weight_rms_rel_error: number | null;
  readonly prune: readonly PruneResult[];
  /** Wall-clock seconds (the only field that differs between identical reruns). */
  readonly seconds: number;
}

export const WALL_CLOCK_FIELDS = ['seconds'] as const;

const num = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '' : String(x));
const esc = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * CSV text: one row per point. Columns: id, seed, status, one column per varied path, the scalar metrics,
 * `sat.<var>` / `wrap.<var>` per state variable seen in any point, and per prune fraction
 * `prune<f>.pruned_acc` / `prune<f>.relearned_acc`.
 */
export function toCsv(results: readonly PointResult[], varied: readonly string[]): string {
  const vars = [...new Set(results.flatMap((r) => Object.keys(r.overflow)))].sort();
  const fracs = [...new Set(results.flatMap((r) => r.prune.map((p) => p.fraction)))].sort((a, b) => a - b);
  const header = [
    'id', 'seed', 'status', ...varied,
    'train_accuracy', 'test_accuracy', 'synaptic_events', 'learning_updates', 'spikes', 'energy_pj', 'saturations', 'wraps',
    'count_correlation', 'rate_rel_error', 'van_rossum', 'synapse_memory_bits', 'weight_rms_rel_error',
    ...vars.flatMap((v) => [`sat.${v}`, `wrap.${v}`]),
    ...fracs.flatMap((f) => [`prune${f}.pruned_acc`, `prune${f}.relearned_acc`]),
    'seconds', 'error',
  ];
  const rows = results.map((r) => {
    const d = r.divergence;
    return [
      esc(r.id), String(r.seed), r.status, ...varied.map((p) => esc(r.values[p] ?? '')),
      num(r.train_accuracy), num(r.test_accuracy), num(r.synaptic_events), num(r.learning_updates), num(r.spikes), num(r.energy_pj),
      String(r.saturations), String(r.wraps),
      num(d?.count_correlation), num(d?.rate_rel_error), num(d?.van_rossum), num(r.synapse_memory_bits), num(r.weight_rms_rel_error),
      ...vars.flatMap((v) => [String(r.overflow[v]?.saturate ?? 0), String(r.overflow[v]?.wrap ?? 0)]),
      ...fracs.flatMap((f) => {
        const p = r.prune.find((x) => x.fraction === f);
        return [num(p?.accuracy_pruned), num(p?.accuracy_relearned)];
      }),
      r.seconds.toFixed(3), esc(r.error ?? ''),
    ].join(',');
  });
  return [header.join(','), ...rows].join('\n') + '\n';
}
