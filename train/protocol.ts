/**
 * The training protocol in the form the trainer runs it: every duration in time steps, every name resolved to an
 * IR source or population, the input encoding explicit. It comes from the network's `protocol { … }` block
 * (`protocolFromNetwork`), or, for a compiled `.ir.json`, from the IR's `reports.protocol` (`protocolFromIr`,
 * same field names as this interface), and CLI flags override it (`applyOverrides`).
 */
import type { Network, Protocol, SourceModel } from '../compiler/model.js';
import type { DendriteIr, Json, PoissonSource } from '../ir/types.js';

/** How pixel intensities x ∈ [0,1] become per-step spike probabilities of the input (Poisson) source. */
export type InputEncoding =
  /** Bernoulli per step with p = rateMax·x·dt (data/encoders.ts PoissonEncoder). */
  | { readonly kind: 'poisson'; readonly rateMaxHz: number }
  /**
   * eRBP's escape-noise neurons (papers.md §1.4d, data/encoders.ts EscapeNoiseEncoder): p = 1 − exp(−ρ(βx+γ)·dt)
   * while not refractory; the refractory period itself is the IR source's `refractory`.
   */
  | { readonly kind: 'escape_noise'; readonly rho0Hz: number; readonly beta: number; readonly gamma: number };

export interface TrainProtocol {
  /** `--data` spec (data/registry.ts). */
  readonly data: string;
  /** Name of the IR's Poisson source fed with the pixels. */
  readonly input: string;
  /** Name of the IR's label source, or null (unsupervised / no label pathway). */
  readonly labels: string | null;
  /** Population whose spike counts are read out (argmax). */
  readonly readout: string;
  readonly encoding: InputEncoding;
  /** Steps a training sample is presented (inputs and labels on). */
  readonly presentSteps: number;
  /** Steps after each sample with inputs and labels silent. */
  readonly settleSteps: number;
  /** Steps a test sample is presented. */
  readonly presentTestSteps: number;
  /** Reset every compartment state (not the weights) before each training sample. */
  readonly resetBetween: boolean;
  readonly epochs: number;
  /** Number of training/test samples (undefined = the whole split). */
  readonly trainSamples?: number;
  readonly testSamples?: number;
}

/** A protocol problem, reported by the caller as a diagnostic or usage error. */
export class ProtocolError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Seconds → whole steps of length dt (rounded; a duration that is not a multiple of dt is rounded to nearest). */
export function toSteps(seconds: number, dt: number): number {
  return Math.max(0, Math.round(seconds / dt));
}

function encodingOf(src: SourceModel | undefined, input: string): InputEncoding {
  if (src === undefined) throw new ProtocolError(`protocol input \`${input}\` is not a source population`, 'input');
  switch (src.kind) {
    case 'poisson':
      return { kind: 'poisson', rateMaxHz: src.rateMax };
    case 'escape_noise':
      // The network's `threshold` of an escape-noise source is eRBP's "input threshold" γ (papers.md Table 2).
      return { kind: 'escape_noise', rho0Hz: src.rateMax, beta: src.beta, gamma: src.threshold };
    default:
      throw new ProtocolError(`protocol input \`${input}\` is a ${src.kind} source; the trainer feeds pixels only to poisson or escape_noise sources`, 'input');
  }
}

/** The trainer's protocol from a checked network (durations converted with the network's dt). */
export function protocolFromNetwork(net: Network): TrainProtocol {
  const p: Protocol | undefined = net.protocol;
  if (p === undefined) throw new ProtocolError(`network \`${net.name}\` has no \`protocol { … }\` block, so \`dendrite train\` does not know what to present`);
  const pop = net.populations.find((x) => x.name === p.input);
  return {
    data: p.data,
    input: p.input,
    labels: p.labels ?? null,
    readout: p.readout,
    encoding: encodingOf(pop?.source, p.input),
    presentSteps: toSteps(p.present, net.dt),
    settleSteps: toSteps(p.settle, net.dt),
    presentTestSteps: toSteps(p.presentTest, net.dt),
    resetBetween: p.resetBetween,
    epochs: p.epochs,
    trainSamples: p.trainSamples,
    testSamples: p.testSamples,
  };
}

function field(o: Record<string, Json>, k: string, kind: 'string' | 'number' | 'boolean', optional = false): unknown {
  const v = o[k];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new ProtocolError(`reports.protocol.${k} is missing`, k);
  }
  if (typeof v !== kind) throw new ProtocolError(`reports.protocol.${k} must be a ${kind}`, k);
  return v;
}

/**
 * The protocol stored in a compiled IR (`reports.protocol`, an object with this interface's field names and
 * `encoding` as {kind, …}); null when the IR carries none.
 */
export function protocolFromIr(ir: DendriteIr): TrainProtocol | null {
  const raw = ir.reports['protocol'];
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ProtocolError('reports.protocol must be an object');
  const o = raw as Record<string, Json>;
  const enc = o['encoding'];
  if (enc === null || typeof enc !== 'object' || Array.isArray(enc)) throw new ProtocolError('reports.protocol.encoding must be an object', 'encoding');
  const e = enc as Record<string, Json>;
  let encoding: InputEncoding;
  if (e['kind'] === 'poisson') encoding = { kind: 'poisson', rateMaxHz: field(e, 'rateMaxHz', 'number') as number };
  else if (e['kind'] === 'escape_noise') {
    encoding = { kind: 'escape_noise', rho0Hz: field(e, 'rho0Hz', 'number') as number, beta: field(e, 'beta', 'number') as number, gamma: field(e, 'gamma', 'number') as number };
  } else throw new ProtocolError('reports.protocol.encoding.kind must be "poisson" or "escape_noise"', 'encoding');
  return {
    data: field(o, 'data', 'string') as string,
    input: field(o, 'input', 'string') as string,
    labels: (field(o, 'labels', 'string', true) as string | undefined) ?? null,
    readout: field(o, 'readout', 'string') as string,
    encoding,
    presentSteps: field(o, 'presentSteps', 'number') as number,
    settleSteps: (field(o, 'settleSteps', 'number', true) as number | undefined) ?? 0,
    presentTestSteps: (field(o, 'presentTestSteps', 'number', true) as number | undefined) ?? (field(o, 'presentSteps', 'number') as number),
    resetBetween: (field(o, 'resetBetween', 'boolean', true) as boolean | undefined) ?? false,
    epochs: (field(o, 'epochs', 'number', true) as number | undefined) ?? 1,
    trainSamples: field(o, 'trainSamples', 'number', true) as number | undefined,
    testSamples: field(o, 'testSamples', 'number', true) as number | undefined,
  };
}

/** Flags that override the protocol (undefined = keep). */
export interface ProtocolOverrides {
  readonly data?: string;
  readonly epochs?: number;
  readonly trainSamples?: number;
  readonly testSamples?: number;
}

export function applyOverrides(p: TrainProtocol, o: ProtocolOverrides): TrainProtocol {
  return {
    ...p,
    data: o.data ?? p.data,
    epochs: o.epochs ?? p.epochs,
    trainSamples: o.trainSamples ?? p.trainSamples,
    testSamples: o.testSamples ?? p.testSamples,
  };
}

/** Where the readout population's neurons are: global ids base .. base + size − 1. */
export interface ReadoutRange {
  readonly base: number;
  readonly size: number;
}

/**
 * Checks the protocol against the IR (sources of the right kind, readout population present, positive
 * durations); returns the problems as messages (empty = fine).
 */
export function checkProtocol(p: TrainProtocol, ir: DendriteIr): string[] {
  const errs: string[] = [];
  const input = ir.sources.find((s) => s.name === p.input);
  if (input === undefined) errs.push(`protocol input \`${p.input}\` is not a source of the compiled network (sources: ${ir.sources.map((s) => s.name).join(', ') || 'none'})`);
  else if (input.kind !== 'poisson') errs.push(`protocol input \`${p.input}\` lowered to a ${input.kind} source; pixels can only drive a Poisson source`);
  if (p.labels !== null) {
    const l = ir.sources.find((s) => s.name === p.labels);
    if (l === undefined || l.kind !== 'label') errs.push(`protocol labels \`${p.labels}\` is not a label source of the compiled network`);
  }
  if (!ir.populations.some((x) => x.name === p.readout)) errs.push(`protocol readout \`${p.readout}\` is not a population of the compiled network`);
  if (!(Number.isInteger(p.presentSteps) && p.presentSteps >= 1)) errs.push(`present time must be at least one step (got ${p.presentSteps} steps)`);
  if (!(Number.isInteger(p.presentTestSteps) && p.presentTestSteps >= 1)) errs.push(`test present time must be at least one step (got ${p.presentTestSteps} steps)`);
  if (!(Number.isInteger(p.settleSteps) && p.settleSteps >= 0)) errs.push(`settle time must be ≥ 0 steps (got ${p.settleSteps})`);
  if (!(Number.isInteger(p.epochs) && p.epochs >= 1)) errs.push(`epochs must be a positive integer (got ${p.epochs})`);
  return errs;
}

export function readoutRange(p: TrainProtocol, ir: DendriteIr): ReadoutRange {
  const pop = ir.populations.find((x) => x.name === p.readout);
  if (pop === undefined) throw new ProtocolError(`no population ${p.readout}`);
  return { base: pop.neuronBase, size: pop.size };
}

export function inputSource(p: TrainProtocol, ir: DendriteIr): PoissonSource {
  const s = ir.sources.find((x) => x.name === p.input);
  if (s === undefined || s.kind !== 'poisson') throw new ProtocolError(`no Poisson source ${p.input}`);
  return s;
}
