/**
 * Metrics between two runs of the same network (typically fixed-point emulator vs float reference), computed
 * per population on the discrete time grid:
 * - spike-count correlation: Pearson r between the per-neuron spike counts of the two runs;
 * - van Rossum distance: each train filtered with the causal kernel exp(−(t − t_s)/τ) sampled at whole steps,
 *   f_t = a·f_{t−1} + s_t with a = exp(−1/τ); per neuron D = sqrt((1 − a²)·Σ_t (f_t − g_t)²), summed over the
 *   run's steps 1..T. The factor (1 − a²) normalises D so that one unmatched spike (with its whole tail inside
 *   the run) has distance exactly 1, and two trains identical but for one spike shifted by Δ steps have
 *   D = sqrt(2·(1 − exp(−Δ/τ))) — the discrete sums equal the continuous-time integrals for spikes on the grid;
 *   the population value is the mean of D over neurons;
 * - firing rates (Hz, mean per neuron) and the relative rate error |r_a − r_b| / r_b;
 * - state RMSE after converting integer states back to model units, x = int·scale + offset.
 */
import { spikeCounts, type SpikeTrains, type StateTrace } from './spike-trains.js';

/** Pearson correlation. Both constant and equal → 1; otherwise a constant side → NaN (undefined). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new Error('pearson: lengths differ');
  if (n === 0) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) {
    if (saa === 0 && sbb === 0) {
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return NaN;
      return 1;
    }
    return NaN;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Pearson r of per-neuron spike counts. */
export function spikeCountCorrelation(a: SpikeTrains, b: SpikeTrains): number {
  return pearson(spikeCounts(a), spikeCounts(b));
}

export interface VanRossum {
  /** Distance per neuron (normalised: one unmatched spike = 1). */
  readonly perNeuron: Float64Array;
  /** Mean over neurons. */
  readonly mean: number;
}

/** Van Rossum distance per neuron over steps 1..steps with time constant `tauSteps` (> 0), see file comment. */
export function vanRossum(a: SpikeTrains, b: SpikeTrains, tauSteps: number, steps: number): VanRossum {
  if (a.size !== b.size) throw new Error('vanRossum: population sizes differ');
  if (!(tauSteps > 0)) throw new Error('vanRossum: tau must be positive');
  const n = a.size;
  const decay = Math.exp(-1 / tauSteps);
  const f = new Float64Array(n);
  const g = new Float64Array(n);
  const sum = new Float64Array(n);
  // Only neurons with a spike in either train can differ; restrict the per-step work to them.
  const activeMark = new Uint8Array(n);
  for (const t of [a, b]) for (let k = 0; k < t.indices.length; k++) activeMark[t.indices[k]!] = 1;
  const active: number[] = [];
  for (let i = 0; i < n; i++) if (activeMark[i]) active.push(i);
  let ia = 0;
  let ib = 0;
  for (let t = 1; t <= steps; t++) {
    for (const i of active) {
      f[i]! *= decay;
      g[i]! *= decay;
    }
    while (ia < a.steps.length && a.steps[ia]! < t) ia++;
    while (ia < a.steps.length && a.steps[ia] === t) f[a.indices[ia++]!]! += 1;
    while (ib < b.steps.length && b.steps[ib]! < t) ib++;
    while (ib < b.steps.length && b.steps[ib] === t) g[b.indices[ib++]!]! += 1;
    for (const i of active) {
      const d = f[i]! - g[i]!;
      sum[i]! += d * d;
    }
  }
  const norm = 1 - decay * decay;
  const perNeuron = new Float64Array(n);
  let total = 0;
  for (const i of active) {
    perNeuron[i] = Math.sqrt(norm * sum[i]!);
    total += perNeuron[i]!;
  }
  return { perNeuron, mean: n > 0 ? total / n : 0 };
}

/** Mean firing rate per neuron in Hz over `steps` steps of length dt. */
export function firingRate(t: SpikeTrains, steps: number, dt: number): number {
  if (t.size === 0 || steps <= 0) return 0;
  return t.indices.length / (t.size * steps * dt);
}

/** |a − ref| / ref; 0 when both are 0; Infinity when only the reference is 0. */
export function relativeError(a: number, ref: number): number {
  if (ref === 0) return a === 0 ? 0 : Infinity;
  return Math.abs(a - ref) / Math.abs(ref);
}

/** How to read an integer state as a model value: x = int·scale + offset. */
export interface StateScale {
  readonly scale: number;
  readonly offset?: number;
}

/**
 * RMSE between an integer (or already float) trace converted with `scale` and a float trace, over the steps
 * recorded in both. NaN when no step is shared.
 */
export function stateRmse(fixed: StateTrace, float: StateTrace, scale: StateScale): number {
  const byStep = new Map<number, Float64Array>();
  float.steps.forEach((s, k) => byStep.set(s, float.rows[k]!));
  const off = scale.offset ?? 0;
  let sum = 0;
  let count = 0;
  fixed.steps.forEach((s, k) => {
    const ref = byStep.get(s);
    if (!ref) return;
    const row = fixed.rows[k]!;
    const n = Math.min(row.length, ref.length);
    for (let i = 0; i < n; i++) {
      const d = row[i]! * scale.scale + off - ref[i]!;
      sum += d * d;
    }
    count += n;
  });
  return count > 0 ? Math.sqrt(sum / count) : NaN;
}

/** The comparison of one population between a run `a` (fixed point) and a reference run `b` (float). */
export interface PopulationComparison {
  readonly population: string;
  readonly size: number;
  readonly spikes_fixed: number;
  readonly spikes_float: number;
  readonly rate_fixed_hz: number;
  readonly rate_float_hz: number;
  /** Relative error of the fixed-point rate w.r.t. the float rate (null if undefined: float rate 0). */
  readonly rate_rel_error: number | null;
  /** Pearson r of per-neuron spike counts (null if undefined: a constant side). */
  readonly count_correlation: number | null;
  /** Mean van Rossum distance per neuron. */
  readonly van_rossum: number;
  /** State RMSE in model units per state variable (null when no scale is known). */
  readonly state_rmse: Record<string, number | null>;
}

export interface CompareOptions {
  readonly steps: number;
  readonly dt: number;
  /** Van Rossum time constant in steps (default 10). */
  readonly tauSteps?: number;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** All metrics for one population. `states` pairs a fixed trace, a float trace and the scale (if known). */
export function comparePopulation(
  population: string,
  fixed: SpikeTrains,
  float: SpikeTrains,
  options: CompareOptions,
  states: readonly { fixed: StateTrace; float: StateTrace; scale: StateScale | undefined }[] = [],
): PopulationComparison {
  const rf = firingRate(fixed, options.steps, options.dt);
  const rr = firingRate(float, options.steps, options.dt);
  const state_rmse: Record<string, number | null> = {};
  for (const s of states) state_rmse[s.float.state] = s.scale ? finiteOrNull(stateRmse(s.fixed, s.float, s.scale)) : null;
  return {
    population,
    size: fixed.size,
    spikes_fixed: fixed.indices.length,
    spikes_float: float.indices.length,
    rate_fixed_hz: rf,
    rate_float_hz: rr,
    rate_rel_error: finiteOrNull(relativeError(rf, rr)),
    count_correlation: finiteOrNull(spikeCountCorrelation(fixed, float)),
    van_rossum: vanRossum(fixed, float, options.tauSteps ?? 10, options.steps).mean,
    state_rmse,
  };
}
