/**
 * Source populations → IR sources (host-driven input neurons). Probabilities per step become 32-bit thresholds
 * (spike iff draw < threshold, draw uniform in 0..2^32−1), so p = threshold / 2^32.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Population, SourceModel } from '../model.js';
import type { Source } from '../../ir/types.js';
import {
  ERBP_ESCAPE_NOISE,
  escapeStepProbability,
  pixelCurrent,
  probabilityThreshold as encoderThreshold,
  type EscapeNoiseOptions,
} from '../../data/encoders.js';

export const SOURCE_CODES = {
  unsupported: 'SNN3411',
  approximate: 'SNN3412',
} as const;

const TWO32 = 2 ** 32;

/** A per-step spike probability as the IR's 32-bit threshold (clamped to 0..2^32). */
export function probabilityThreshold(p: number): number {
  return Math.max(0, Math.min(TWO32, Math.round(p * TWO32)));
}

export interface LoweredSource {
  readonly source?: Source;
  /** Facts the host needs (e.g. the threshold of rate_max for data-driven encoders), for the reports. */
  readonly info: { readonly [k: string]: number | string | boolean };
  readonly diagnostics: Diagnostic[];
}

export function lowerSource(pop: Population, neuronBase: number, dt: number): LoweredSource {
  const s = pop.source!;
  const ds: Diagnostic[] = [];
  const base = { name: pop.name, size: pop.size, neuronBase };
  switch (s.kind) {
    case 'poisson': {
      // Data-driven: the host writes rate[k] = x_k · maxThreshold per presented sample; silent until then.
      const maxThreshold = probabilityThreshold(s.rateMax * dt);
      if (s.rateMax * dt > 1) {
        ds.push({ code: SOURCE_CODES.approximate, severity: 'warning', message: `source ${pop.name}: rate_max ${s.rateMax} Hz exceeds one spike per step (dt ${dt} s); it saturates at 1/dt`, span: s.span });
      }
      return {
        source: { ...base, kind: 'poisson', rate: new Float64Array(pop.size), refractory: Math.round(s.refractory / dt) },
        info: { kind: 'poisson', maxThreshold },
        diagnostics: ds,
      };
    }
    case 'poisson_fixed': {
      const th = probabilityThreshold(s.rate * dt);
      return { source: { ...base, kind: 'poisson', rate: new Float64Array(pop.size).fill(th), refractory: 0 }, info: { kind: 'poisson_fixed', threshold: th }, diagnostics: ds };
    }
    case 'labels': {
      if (s.regular) {
        ds.push({ code: SOURCE_CODES.approximate, severity: 'warning', message: `source ${pop.name}: regular label spikes are emitted as Poisson spikes of the same rate (the IR's label source is Bernoulli per step)`, span: s.span });
      }
      const th = probabilityThreshold(s.rate * dt);
      return { source: { ...base, kind: 'label', threshold: th, label: -1 }, info: { kind: 'labels', threshold: th, duringTest: s.duringTest }, diagnostics: ds };
    }
    case 'spike_file': {
      ds.push({ code: SOURCE_CODES.approximate, severity: 'warning', message: `source ${pop.name}: spike file ${s.path} is not read at compile time; the IR source starts empty (the host supplies spikes)`, span: s.span });
      return { source: { ...base, kind: 'spikes', steps: new Int32Array(0), indices: new Int32Array(0) }, info: { kind: 'spike_file', path: s.path }, diagnostics: ds };
    }
    case 'escape_noise': {
      // Exact, not approximate: the discrete escape-noise neuron (data/encoders.ts EscapeNoiseEncoder) is a
      // Bernoulli process with p = 1 − exp(−ρ(x)·dt) per step while not refractory and R silent steps after each
      // spike, which is the IR's Poisson source with `refractory` = R and the host setting the per-neuron
      // threshold from x (`escapeNoiseThresholds`). Silent until then, like a rate encoder.
      const R = Math.round(s.refractory / dt);
      if (R > 65535) {
        ds.push({ code: SOURCE_CODES.unsupported, severity: 'error', message: `source ${pop.name}: a refractory period of ${R} steps exceeds the IR's 65535`, span: s.span });
        return { info: {}, diagnostics: ds };
      }
      const p = escapeParameters(s, dt);
      return {
        source: { ...base, kind: 'poisson', rate: new Float64Array(pop.size), refractory: R },
        info: { kind: 'escape_noise', rho0Hz: p.rho0Hz, beta: p.beta, gamma: p.gamma, theta: p.theta, deltaU: p.deltaU, refractorySteps: R },
        diagnostics: ds,
      };
    }
  }
}

/**
 * The escape-noise model of an `EscapeNoise(n) { rate_max, beta, threshold, refractory }` source, in the
 * encoder's terms (papers.md §1.4(d)): hazard ρ(x) = rate_max · exp((β·x + threshold − θ)/Δu) with eRBP's fixed
 * θ = 0.1 and Δu = 0.05 (the language's `threshold` is the input offset γ); a pixel x = 0 is silent.
 */
export function escapeParameters(s: Extract<SourceModel, { kind: 'escape_noise' }>, dt: number): Required<Omit<EscapeNoiseOptions, 'indexOffset'>> {
  return { dtS: dt, rho0Hz: s.rateMax, theta: ERBP_ESCAPE_NOISE.theta, deltaU: ERBP_ESCAPE_NOISE.deltaU, refractoryS: s.refractory, beta: s.beta, gamma: s.threshold };
}

/**
 * Per-neuron thresholds (0..2^32) of a lowered escape-noise source for inputs x ∈ [0, 1], to pass to
 * `Emulator.setSourceRates` (and `FloatSimulator.setSourceThresholds`): floor((1 − exp(−ρ(x)·dt))·2^32), the
 * encoder's own thresholds, so the emulator's spikes equal the encoder's draw for draw.
 */
export function escapeNoiseThresholds(s: Extract<SourceModel, { kind: 'escape_noise' }>, dt: number, x: ArrayLike<number>): Float64Array {
  const o = escapeParameters(s, dt);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = encoderThreshold(escapeStepProbability(pixelCurrent(x[i]!, o), o));
  return out;
}
