/**
 * Float parameters → the target's integer registers: weights (mantissa + one exponent per group, chosen as
 * nengo-loihi does: the finest step at which the largest |w| still fits), thresholds, biases (mantissa and
 * exponent) and decays (Loihi 12-bit register, shift k, linear λ). All functions are pure; each returns the
 * integers plus a `QuantReport`. Rounding is half-to-even (numpy's `round`, which nengo-loihi uses).
 *
 * Units: every float input is already expressed in the integer units of the register it lands in (weights in
 * accumulator LSBs, thresholds and biases in membrane/current LSBs; time constants in steps). Choosing that
 * scale (how many LSBs one model unit is) is the lowering's job.
 */
import { roundHalfEven } from '../../emulator/arith.js';
import type { Span } from '../diagnostics/diagnostic.js';
import {
  weightAlignShift,
  weightMantissaRange,
  type BiasSpec,
  type DecaySpec,
  type SignMode,
  type ThresholdSpec,
  type WeightSpec,
} from '../target/profile.js';
import type { QuantKind, QuantReport } from './quantReport.js';

export type FloatArray = Float64Array | Float32Array;

/** The integer format of one weight group, derived from the profile and the group's sign mode. */
export interface WeightFormat {
  readonly signMode: SignMode;
  readonly mantMin: number;
  readonly mantMax: number;
  /** Shift from the stored mantissa to the container field (Loihi `shift_bits`). */
  readonly alignShift: number;
  readonly baseShift: number;
  /** Exponents the quantizer may choose (already narrowed so no exponent is a pure loss, see weightFormat). */
  readonly expMin: number;
  readonly expMax: number;
}

/**
 * The format of a weight group. With a per-synapse exponent, an exponent that would make the stored weight
 * fractional in accumulator units gains no precision (Loihi's "lost bits" path floors it back), so the lower
 * bound is raised to keep the total shift ≥ 0 (Loihi: alignShift + exp ≥ 0). May return expMin > expMax when
 * the target leaves no usable exponent; the quantizer then uses expMax.
 */
export function weightFormat(w: WeightSpec, signMode: SignMode): WeightFormat {
  const { min, max } = weightMantissaRange(w, signMode);
  const alignShift = weightAlignShift(w, signMode);
  let expMin = w.exp_min;
  if (w.exp_applied === 'per_synapse') {
    const floor = w.container_bits > 0 ? -alignShift : -alignShift - w.base_shift;
    expMin = Math.max(expMin, floor);
  }
  return { signMode, mantMin: min, mantMax: max, alignShift, baseShift: w.base_shift, expMin, expMax: w.exp_max };
}

/** The sign mode to use for a group: single-sign modes give one more bit when all weights share a sign. */
export function signModeFor(values: FloatArray, w: WeightSpec): SignMode | undefined {
  let pos = false;
  let neg = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > 0) pos = true;
    else if (v < 0) neg = true;
  }
  if (!neg && w.sign_modes.includes('excitatory')) return 'excitatory';
  if (!pos && w.sign_modes.includes('inhibitory')) return 'inhibitory';
  if (w.sign_modes.includes('mixed')) return 'mixed';
  return undefined;
}

/** Accumulator units per mantissa LSB at exponent `exp`. */
export function weightStep(fmt: WeightFormat, exp: number): number {
  return 2 ** (fmt.alignShift + exp + fmt.baseShift);
}

export interface QuantizedWeights {
  /** Stored mantissas (in `[mantMin, mantMax]`). */
  readonly mant: Int32Array;
  /** The group's exponent register. */
  readonly exp: number;
  /** Accumulator units per mantissa LSB: weight_acc = mant · step. */
  readonly step: number;
  readonly report: QuantReport;
}

export interface GroupInfo {
  readonly group: string;
  readonly span?: Span;
}

/**
 * The smallest exponent at which every value rounds inside the mantissa range (expMax if none does).
 *
 * `bounds` (same units), the range a plastic weight may reach, must fit too, but within one step: a bound
 * that lands one step beyond the range is stored as the range's end. Bounds land there by construction — the
 * compiler sizes the post-synaptic state's unit from the largest weight against a register of 2^b − 1, so a
 * bound is a hair below a power of two of accumulator units and rounds to mantMax + 1 — and rejecting it would
 * double the step of every weight of the projection (one bit of an 8-bit weight) to gain < 1 % of range.
 */
export function chooseWeightExponent(values: FloatArray, fmt: WeightFormat, bounds?: readonly [number, number]): number {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const first = Math.min(fmt.expMin, fmt.expMax);
  for (let e = first; e <= fmt.expMax; e++) {
    const s = weightStep(fmt, e);
    if (roundHalfEven(hi / s) > fmt.mantMax || roundHalfEven(lo / s) < fmt.mantMin) continue;
    if (bounds && (roundHalfEven(bounds[1] / s) > fmt.mantMax + 1 || roundHalfEven(bounds[0] / s) < fmt.mantMin - 1)) continue;
    return e;
  }
  return fmt.expMax;
}

/** Quantizes one group with a shared exponent (chosen, or forced with `exp`). */
export function quantizeWeights(values: FloatArray, fmt: WeightFormat, info: GroupInfo, exp?: number): QuantizedWeights {
  const e = exp ?? chooseWeightExponent(values, fmt);
  const step = weightStep(fmt, e);
  const mant = new Int32Array(values.length);
  const stats = new ErrorStats();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let m = roundHalfEven(v / step);
    if (m > fmt.mantMax) {
      m = fmt.mantMax;
      stats.saturated++;
    } else if (m < fmt.mantMin) {
      m = fmt.mantMin;
      stats.saturated++;
    }
    if (m === 0 && v !== 0) stats.underflowed++;
    mant[i] = m;
    stats.add(v, m * step);
  }
  return { mant, exp: e, step, report: stats.report(info, 'weights', e, step) };
}

/** mant · step, for checks and for the float reference. */
export function dequantizeWeights(q: { readonly mant: Int32Array; readonly step: number }): Float64Array {
  const out = new Float64Array(q.mant.length);
  for (let i = 0; i < q.mant.length; i++) out[i] = q.mant[i]! * q.step;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Scalar registers

export interface QuantizedThreshold {
  /** Threshold = mant << spec.shift. */
  readonly mant: number;
  readonly value: number;
  readonly report: QuantReport;
}

/** A positive threshold (in membrane LSBs) → its unsigned mantissa, clamped to 1..2^mant_bits − 1. */
export function quantizeThreshold(v: number, spec: ThresholdSpec, info: GroupInfo): QuantizedThreshold {
  const step = 2 ** spec.shift;
  const max = 2 ** spec.mant_bits - 1;
  const stats = new ErrorStats();
  let m = roundHalfEven(v / step);
  if (m > max) {
    m = max;
    stats.saturated++;
  } else if (m < 1) {
    // A zero threshold register would fire on any positive input: clamp to the smallest legal value.
    if (v > 0) stats.underflowed++;
    else if (v < 0) stats.saturated++;
    m = 1;
  }
  stats.add(v, m * step);
  return { mant: m, value: m * step, report: stats.report(info, 'threshold', null, step) };
}

export interface QuantizedBias {
  /** bias = mant · 2^exp. */
  readonly mant: number;
  readonly exp: number;
  readonly value: number;
  readonly report: QuantReport;
}

/** A bias (in state LSBs) → signed mantissa and the smallest exponent at which it fits. */
export function quantizeBias(b: number, spec: BiasSpec, info: GroupInfo): QuantizedBias {
  const max = 2 ** (spec.mant_bits - 1) - 1;
  let e = spec.exp_min;
  while (e < spec.exp_max && Math.abs(roundHalfEven(b / 2 ** e)) > max) e++;
  const step = 2 ** e;
  const stats = new ErrorStats();
  let m = roundHalfEven(b / step);
  if (Math.abs(m) > max) {
    m = Math.sign(m) * max;
    stats.saturated++;
  }
  if (m === 0 && b !== 0) stats.underflowed++;
  m += 0; // no −0 in registers
  stats.add(b, m * step);
  return { mant: m, exp: e, value: m * step, report: stats.report(info, 'bias', e, step) };
}

export interface QuantizedDecay {
  /** loihi12: the decay register d; shift: k (0 = leak off); linear: λ; none: 0. */
  readonly register: number;
  /** Effective time constant in steps (Infinity = no leak); linear: the λ actually applied. */
  readonly effective: number;
  readonly report: QuantReport;
}

/** Time constant (steps, null = no leak) → the per-step retention factor the float model uses. */
function retention(tauSteps: number | null): number {
  return tauSteps === null || !Number.isFinite(tauSteps) ? 1 : Math.exp(-1 / tauSteps);
}

function tauOf(alpha: number): number {
  return alpha >= 1 ? Infinity : alpha <= 0 ? 0 : -1 / Math.log(alpha);
}

/**
 * A leak → the decay register. The reported error is on the retention factor α = exp(−1/τ) (what the
 * arithmetic uses per step); the note gives the effective τ. `offset` is the +1 register for Loihi's current.
 * Linear leaks take `leakPerStep` (state LSBs per step) instead of τ.
 */
export function quantizeDecay(
  tauSteps: number | null,
  spec: DecaySpec,
  offset: number,
  info: GroupInfo,
  leakPerStep = 0,
): QuantizedDecay {
  const stats = new ErrorStats();
  const alpha = retention(tauSteps);
  const wantTau = tauOf(alpha);
  const done = (register: number, alphaEff: number, step: number, extra = '') => {
    stats.add(alpha, alphaEff);
    const eff = tauOf(alphaEff);
    const note = `τ ${fmtTau(wantTau)} → ${fmtTau(eff)} steps${extra}`;
    return { register, effective: eff, report: { ...stats.report(info, 'decay', register, step), note } };
  };
  switch (spec.mode) {
    case 'loihi12': {
      const one = 2 ** spec.bits;
      let d = roundHalfEven(one * (1 - alpha)) - offset;
      if (d < 0) {
        if (alpha < 1) stats.underflowed++;
        d = 0;
      } else if (d > one - 1) {
        stats.saturated++;
        d = one - 1;
      }
      return done(d, (one - offset - d) / one, 1 / one);
    }
    case 'shift': {
      const kMax = 2 ** spec.bits - 1;
      if (alpha >= 1) return done(0, 1, 0, ' (leak off)');
      // α = 1 − 2^−k; pick the k whose effective τ is closest to the request (in log space).
      let best = 1;
      let bestErr = Infinity;
      for (let k = 1; k <= kMax; k++) {
        const err = Math.abs(Math.log(tauOf(1 - 2 ** -k) / wantTau));
        if (err < bestErr) {
          bestErr = err;
          best = k;
        }
      }
      const target = Math.log2(1 / (1 - alpha));
      if (target > kMax + 0.5) stats.saturated++;
      return done(best, 1 - 2 ** -best, 0, ` (x −= x >> ${best})`);
    }
    case 'linear': {
      const max = 2 ** (spec.bits - 1) - 1;
      let lambda = roundHalfEven(leakPerStep);
      if (Math.abs(lambda) > max) {
        lambda = Math.sign(lambda) * max;
        stats.saturated++;
      }
      if (lambda === 0 && leakPerStep !== 0) stats.underflowed++;
      lambda += 0;
      const s = new ErrorStats();
      s.add(leakPerStep, lambda);
      return {
        register: lambda,
        effective: lambda,
        report: {
          ...s.report(info, 'decay', lambda, 1),
          saturated: stats.saturated,
          underflowed: stats.underflowed,
          note: `λ ${leakPerStep} → ${lambda} LSB per step`,
        },
      };
    }
    case 'none':
      // No leak hardware: a requested leak is lost entirely (counted as saturated toward α = 1).
      if (alpha < 1) stats.saturated++;
      return done(0, 1, 0, alpha < 1 ? ' (target has no leak)' : '');
  }
}

function fmtTau(t: number): string {
  return Number.isFinite(t) ? String(Number(t.toPrecision(4))) : '∞';
}

// ---------------------------------------------------------------------------------------------------------

/** Running max/RMS error of one group. */
class ErrorStats {
  n = 0;
  maxAbs = 0;
  maxErr = 0;
  sumSq = 0;
  saturated = 0;
  underflowed = 0;

  add(want: number, got: number): void {
    const a = Math.abs(want);
    if (a > this.maxAbs) this.maxAbs = a;
    const e = Math.abs(got - want);
    if (e > this.maxErr) this.maxErr = e;
    this.sumSq += e * e;
    this.n++;
  }

  report(info: GroupInfo, kind: QuantKind, exponent: number | null, step: number): QuantReport {
    const rms = this.n ? Math.sqrt(this.sumSq / this.n) : 0;
    return {
      group: info.group,
      kind,
      span: info.span,
      count: this.n,
      exponent,
      step,
      maxAbs: this.maxAbs,
      maxError: this.maxErr,
      rmsError: rms,
      maxRelError: this.maxAbs > 0 ? this.maxErr / this.maxAbs : 0,
      rmsRelError: this.maxAbs > 0 ? rms / this.maxAbs : 0,
      saturated: this.saturated,
      underflowed: this.underflowed,
    };
  }
}
