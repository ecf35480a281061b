/**
 * Input encoders: turn a pixel image (or a class label) into spikes, one time step at a time.
 *
 * They never own a random generator. Every random decision at time step t for input i compares one draw
 * `uniform(t, indexOffset + i)` ∈ [0, 2^32) from the caller (the emulator's counter-based PRNG) against an integer
 * threshold floor(p·2^32); a spike happens iff draw < threshold. So the spikes depend only on (image, parameters,
 * t, i), never on the order of calls or on how many other draws were made. Probabilities are computed once per
 * image in float64 (Math.exp only for escape noise), then compared as integers.
 *
 * Output of `step`: the indices of the inputs that spike at step t, ascending, written into `spikes`; the return
 * value is how many. `spikes` must hold at least `size` entries.
 */

/** The caller's counter-based uniform: an integer in [0, 2^32) determined by (step, index) alone. */
export type Uniform32 = (step: number, index: number) => number;

const TWO32 = 4294967296;

/** floor(p·2^32) for p clamped to [0, 1]: draw < threshold happens with probability p (exactly, for u uniform). */
export function probabilityThreshold(p: number): number {
  if (!(p > 0)) return 0; // also NaN
  if (p >= 1) return TWO32;
  return Math.floor(p * TWO32);
}

export interface SpikeEncoder {
  /** Number of inputs (spike indices are 0 … size−1). */
  readonly size: number;
  /** Spikes at time step t (see the module comment). */
  step(t: number, uniform: Uniform32, spikes: Int32Array): number;
}

// ---------------------------------------------------------------------------------------------------------------
// Poisson (Bernoulli-per-step) rate encoder
// ---------------------------------------------------------------------------------------------------------------

export interface PoissonOptions {
  /** Rate of a pixel of value 1, in Hz. */
  readonly rateMaxHz: number;
  /** Time step, in seconds. */
  readonly dtS: number;
  /** Added to the input index when drawing, so that several encoders can share one PRNG without sharing draws. */
  readonly indexOffset?: number;
}

/**
 * Poisson rate encoder: pixel x ∈ [0,1] spikes at each step with probability p = rate_max·x·dt (clamped to 1),
 * i.e. spike iff uniform(t, offset+i) < floor(p·2^32). Pixels equal to 0 never spike. Stateless between steps.
 */
export class PoissonEncoder implements SpikeEncoder {
  readonly thresholds: Float64Array;
  private readonly offset: number;

  constructor(
    readonly size: number,
    private readonly options: PoissonOptions,
  ) {
    this.thresholds = new Float64Array(size);
    this.offset = options.indexOffset ?? 0;
  }

  /** Sets the image to encode (values in [0,1]); `image[i]` drives input i. */
  load(image: ArrayLike<number>): this {
    const k = this.options.rateMaxHz * this.options.dtS;
    for (let i = 0; i < this.size; i++) this.thresholds[i] = probabilityThreshold(k * image[i]!);
    return this;
  }

  step(t: number, uniform: Uniform32, spikes: Int32Array): number {
    let n = 0;
    const thr = this.thresholds;
    for (let i = 0; i < this.size; i++) {
      const th = thr[i]!;
      if (th !== 0 && uniform(t, this.offset + i) < th) spikes[n++] = i;
    }
    return n;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Escape-noise encoder (eRBP's data and label neurons, papers.md §1.4(d))
// ---------------------------------------------------------------------------------------------------------------

export interface EscapeNoiseOptions {
  /** Time step, seconds (eRBP: 1e-4). */
  readonly dtS: number;
  /** Base hazard ρ0, Hz (eRBP: 100). */
  readonly rho0Hz?: number;
  /** Threshold θ (eRBP: 0.1). */
  readonly theta?: number;
  /** Escape-noise width Δu (eRBP: 0.05). */
  readonly deltaU?: number;
  /** Hard refractory period after a spike, seconds (eRBP data neurons: 4 ms). */
  readonly refractoryS?: number;
  /** Input scale β and offset γ of the pixel current I = β·x + γ (eRBP: 0.5, −0.215). */
  readonly beta?: number;
  readonly gamma?: number;
  readonly indexOffset?: number;
}

export const ERBP_ESCAPE_NOISE = { rho0Hz: 100, theta: 0.1, deltaU: 0.05, refractoryS: 4e-3, beta: 0.5, gamma: -0.215 } as const;

type Resolved = Required<Omit<EscapeNoiseOptions, 'indexOffset'>>;
function resolveEscape(o: EscapeNoiseOptions): Resolved {
  return { ...ERBP_ESCAPE_NOISE, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Resolved;
}

/** Hazard ρ(I) = ρ0·exp((I − θ)/Δu) in Hz for input current I (membrane V = 0: these neurons get no synapses). */
export function escapeHazardHz(current: number, o: EscapeNoiseOptions): number {
  const r = resolveEscape(o);
  return r.rho0Hz * Math.exp((current - r.theta) / r.deltaU);
}

/** Input current of a pixel: β·x + γ; pixels equal to 0 get no drive (silent), as the reference's I = −1 does. */
export function pixelCurrent(x: number, o: EscapeNoiseOptions): number {
  const r = resolveEscape(o);
  return x > 0 ? r.beta * x + r.gamma : -Infinity;
}

/** Per-step spike probability while not refractory: 1 − exp(−ρ·dt) (a constant-hazard process sampled per step). */
export function escapeStepProbability(current: number, o: EscapeNoiseOptions): number {
  if (current === -Infinity) return 0;
  return -Math.expm1(-escapeHazardHz(current, o) * o.dtS);
}

/** Refractory length in steps, R = round(τ_ref/dt). */
export function refractorySteps(o: EscapeNoiseOptions): number {
  return Math.round(resolveEscape(o).refractoryS / o.dtS);
}

/**
 * Mean rate of a pixel x in Hz, exactly for the discrete process implemented here: a spike is followed by R
 * silent steps, then a geometric wait with success probability p, so ν = 1 / (dt·(R + 1/p)). In continuous
 * time this is papers.md's ν(x) = 1/(τ_ref + 1/ρ(x)), ρ(x) = ρ0·exp((βx + γ − θ)/Δu) (eRBP: 100·exp(10x − 6.3) Hz).
 */
export function escapeRateHz(x: number, o: EscapeNoiseOptions): number {
  const p = escapeStepProbability(pixelCurrent(x, o), o);
  if (p === 0) return 0;
  return 1 / (o.dtS * (refractorySteps(o) + 1 / p));
}

/**
 * Escape-noise encoder: input i is a neuron with constant input current I_i; when it is not refractory it
 * spikes at step t iff uniform(t, offset+i) < floor((1 − exp(−ρ(I_i)·dt))·2^32); after a spike it stays silent
 * for the next R = round(τ_ref/dt) steps. Because of the refractory state, `step` must be called for consecutive
 * t after `load` / `loadCurrents` (which reset the state).
 */
export class EscapeNoiseEncoder implements SpikeEncoder {
  readonly thresholds: Float64Array;
  /** Steps left in the refractory period, per input. */
  readonly refractory: Int32Array;
  private readonly offset: number;
  private readonly rSteps: number;
  private nextStep: number | undefined;

  constructor(
    readonly size: number,
    private readonly options: EscapeNoiseOptions,
  ) {
    this.thresholds = new Float64Array(size);
    this.refractory = new Int32Array(size);
    this.offset = options.indexOffset ?? 0;
    this.rSteps = refractorySteps(options);
  }

  /** Encodes an image: I_i = β·x_i + γ (x_i > 0), silent for x_i = 0. Resets the refractory state. */
  load(image: ArrayLike<number>): this {
    for (let i = 0; i < this.size; i++) this.thresholds[i] = probabilityThreshold(escapeStepProbability(pixelCurrent(image[i]!, this.options), this.options));
    return this.reset();
  }

  /** Drives input i with current I_i directly (e.g. label neurons). Resets the refractory state. */
  loadCurrents(currents: ArrayLike<number>): this {
    for (let i = 0; i < this.size; i++) this.thresholds[i] = probabilityThreshold(escapeStepProbability(currents[i]!, this.options));
    return this.reset();
  }

  reset(): this {
    this.refractory.fill(0);
    this.nextStep = undefined;
    return this;
  }

  step(t: number, uniform: Uniform32, spikes: Int32Array): number {
    if (this.nextStep !== undefined && t !== this.nextStep) {
      throw new Error(`EscapeNoiseEncoder.step: expected step ${this.nextStep}, got ${t} (steps must be consecutive after load)`);
    }
    this.nextStep = t + 1;
    let n = 0;
    const thr = this.thresholds;
    const ref = this.refractory;
    for (let i = 0; i < this.size; i++) {
      if (ref[i]! > 0) {
        ref[i]!--;
        continue;
      }
      const th = thr[i]!;
      if (th !== 0 && uniform(t, this.offset + i) < th) {
        spikes[n++] = i;
        ref[i] = this.rSteps;
      }
    }
    return n;
  }
}

/** eRBP's label currents (papers.md §1.4d): training I = 0.98 − 0.5 for the true class, 1e-5 − 0.5 otherwise. */
export function erbpLabelCurrents(label: number, classes: number, training = true): Float64Array {
  const c = new Float64Array(classes);
  for (let k = 0; k < classes; k++) c[k] = training ? (k === label ? 0.98 : 1e-5) - 0.5 : -10;
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Label sources: one-hot spike trains
// ---------------------------------------------------------------------------------------------------------------

export interface LabelSourceOptions {
  readonly classes: number;
  /** Rate of the true class's neuron, Hz. The others are silent. */
  readonly rateHz: number;
  readonly dtS: number;
  /** `regular`: evenly spaced spikes (no randomness); `poisson`: Bernoulli per step with p = rate·dt. */
  readonly mode: 'regular' | 'poisson';
  readonly indexOffset?: number;
}

/**
 * One-hot label source. Only neuron `label` spikes.
 * - poisson: at step t iff uniform(t, offset+label) < floor(rate·dt·2^32).
 * - regular: with q = round(rate·dt·2^32) (the per-step phase increment in units of 2^−32), at step t iff
 *   floor((t+1)·q / 2^32) > floor(t·q / 2^32): a phase accumulator starting at 0, exact for t < 2^21 steps.
 *   The first spike is at the step where the phase first wraps (e.g. rate·dt = 1/10 → steps 9, 19, 29, …).
 * `t` should count from the start of the sample.
 */
export class LabelSource implements SpikeEncoder {
  readonly size: number;
  private label = -1;
  private readonly q: number;
  private readonly offset: number;

  constructor(private readonly options: LabelSourceOptions) {
    this.size = options.classes;
    const p = options.rateHz * options.dtS;
    // rounding (not flooring) the regular increment keeps exact periods exact: p = 1/10 fires every 10th step
    this.q = options.mode === 'regular' ? Math.min(TWO32, Math.max(0, Math.round(p * TWO32))) : probabilityThreshold(p);
    this.offset = options.indexOffset ?? 0;
  }

  /** Selects the class to signal; −1 (or `undefined`) silences every label neuron (e.g. at test time). */
  load(label: number | undefined): this {
    this.label = label === undefined ? -1 : label;
    return this;
  }

  step(t: number, uniform: Uniform32, spikes: Int32Array): number {
    if (this.label < 0 || this.q === 0) return 0;
    let fire: boolean;
    if (this.options.mode === 'poisson') {
      fire = uniform(t, this.offset + this.label) < this.q;
    } else {
      if (t < 0 || t >= 2 ** 21) throw new Error(`LabelSource: regular mode needs 0 ≤ t < 2^21, got ${t}`);
      fire = Math.floor(((t + 1) * this.q) / TWO32) > Math.floor((t * this.q) / TWO32);
    }
    if (!fire) return 0;
    spikes[0] = this.label;
    return 1;
  }
}
