/**
 * Test helper: the 2-class linearly separable toy of erbp-toy.test.ts (8 Poisson inputs, hidden layer(s) of 8,
 * 2 outputs, E± error pairs) with a configurable feedback pathway into the hidden dendrites: fixed random (FA,
 * DFA), plastic (BFA), or with extra populations (synthetic gradients). Used by feedback-alignment.test.ts and
 * synthetic-gradient.test.ts.
 */
import { Emulator } from '../../emulator/emulator.js';
import { SopLearningEngine } from '../../emulator/learning/engine.js';
import { toIrProgram, type SopProgram } from '../../emulator/learning/program.js';
import { ALWAYS, draw } from '../../emulator/prng.js';
import type { DendriteIr } from '../../ir/types.js';
import { buildIr, rowsOf, type CubaSpec, type PopSpec, type ProjSpec } from './net.js';

export const N_IN = 8;
export const N_H = 8;
export const N_OUT = 2;
export const SAMPLE = 100; // steps per sample
export const BURN = 20; // learning off for the first 20 steps of each sample

/** A deterministic uniform in [0, 1) for test data and initial weights (not the chip's PRNG use). */
export const rnd = (seed: number, i: number, j: number, s = 0) => draw(seed, i, j, s, 777) / ALWAYS;

/** A deterministic standard normal (Box–Muller). */
export const gauss = (seed: number, i: number, j: number, s: number) =>
  Math.sqrt(-2 * Math.log(1 - rnd(seed, i, j, s))) * Math.cos(2 * Math.PI * rnd(seed, i, j, s + 1000));

/** The eRBP / FA forward rule: on pre, when |post.i| ≤ gate and t mod SAMPLE ≥ BURN, w += post.u·2^−shift. */
export function dendriteRule(name: string, shift: number, gate = 3000, state = 'u'): SopProgram {
  return {
    kind: 'sop', rule: 'forward', projection: name, rounding: 'stochastic', accumulatorBits: 16, bounds: null, traces: [], modulators: [], drivenBy: null,
    events: [{
      trigger: { kind: 'pre' },
      gates: [
        { kind: 'range', operand: { kind: 'post_state', state: 'i' }, lo: -gate, hi: gate, loInclusive: true, hiInclusive: true },
        { kind: 'time', period: SAMPLE, op: '>=', value: BURN },
      ],
      op: 'add',
      terms: [{ mant: 1, exp: -shift, factors: [{ kind: 'post_state', state }] }],
    }],
  };
}

/** Input pattern of a sample: class 0 = units 0–3 fast, 4–7 slow; class 1 the reverse; per-unit jitter. */
function rates(seed: number, sample: number, cls: number): number[] {
  return Array.from({ length: N_IN }, (_, k) => {
    const on = (k < 4) === (cls === 0);
    return (on ? 0.08 : 0.01) + 0.02 * rnd(seed + 1, sample, k);
  });
}

export const NEURON: CubaSpec = { current: 1024, vDecay: 256, threshold: 400, refractory: 3, dendrite: 800 };
const ERR: CubaSpec = { threshold: 100, reset: 'subtract', floor: 0 };

export const init = (seed: number, rows: number, cols: number, lo: number, hi: number, s: number) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.round(lo + (hi - lo) * rnd(seed + s, i, j))));
const one = (w: number) => Array.from({ length: N_OUT }, (_, i) => Array.from({ length: N_OUT }, (_, j) => (i === j ? w : null)));

export interface ToyFeedback {
  /** Feedback matrix (N_OUT × N_H) from E+ into hidden layer l's dendrite (E− gets its negation). */
  matrix: (layer: number) => number[][];
  /** Learning programs for the E+ / E− feedback projections of layer l (plastic feedback), or none. */
  programs?: (layer: number) => { pos: SopProgram; neg: SopProgram } | null;
}

export interface ToyOptions {
  seed: number;
  /** Number of hidden layers (1 or 2). */
  hidden: number;
  feedback: ToyFeedback;
  /** Extra populations / projections (e.g. a synthetic-gradient module), and a hook to change the built IR. */
  extraPops?: PopSpec[];
  extraProjs?: ProjSpec[];
  edit?: (ir: DendriteIr) => void;
  /** Called after every training sample. */
  afterSample?: (emu: Emulator, engine: SopLearningEngine, ir: DendriteIr, sample: number) => void;
  /** Called after every step of a training sample (t = step within the sample). */
  afterStep?: (emu: Emulator, t: number) => void;
  trainSamples?: number;
  testSamples?: number;
  /** Forward projections without a learning rule (the error statistics then stay stationary). */
  frozenForward?: boolean;
}

export interface ToyResult {
  before: number;
  after: number;
  ir: DendriteIr;
  emu: Emulator;
  /** Stored weights of a projection, as a [pre][post] matrix (dense projections only): now, or before training. */
  matrix: (name: string, rows: number, cols: number, initial?: boolean) => number[][];
}

export function trainToy(o: ToyOptions): ToyResult {
  const { seed, hidden } = o;
  const layers = Array.from({ length: hidden }, (_, l) => `hid${l + 1}`);
  const pops: PopSpec[] = [
    { name: 'in', size: N_IN, kind: 'poisson', rates: new Array(N_IN).fill(0) },
    { name: 'label', size: N_OUT, kind: 'label', p: 0.25 },
    ...layers.map((name): PopSpec => ({ name, size: N_H, kind: 'cuba', cuba: NEURON })),
    { name: 'out', size: N_OUT, kind: 'cuba', cuba: NEURON },
    { name: 'e_pos', size: N_OUT, kind: 'cuba', cuba: ERR },
    { name: 'e_neg', size: N_OUT, kind: 'cuba', cuba: ERR },
    ...(o.extraPops ?? []),
  ];
  const chain = ['in', ...layers, 'out'];
  const projs: ProjSpec[] = [];
  for (let l = 0; l + 1 < chain.length; l++) {
    const name = `${chain[l]}->${chain[l + 1]}`;
    const rows = l === 0 ? N_IN : N_H;
    const cols = l + 2 === chain.length ? N_OUT : N_H;
    projs.push({ name, pre: chain[l]!, post: chain[l + 1]!, weights: init(seed, rows, cols, -30, 90, l + 1), ...(o.frozenForward ? {} : { program: toIrProgram(dendriteRule(name, 7)) }), weightMin: -255, weightMax: 255 });
  }
  projs.push(
    { name: 'label->e_pos', pre: 'label', post: 'e_pos', weights: one(90) },
    { name: 'label->e_neg', pre: 'label', post: 'e_neg', weights: one(-90) },
    { name: 'out->e_pos', pre: 'out', post: 'e_pos', weights: one(-90) },
    { name: 'out->e_neg', pre: 'out', post: 'e_neg', weights: one(90) },
    { name: 'e_pos->out.u', pre: 'e_pos', post: 'out', port: 1, weights: one(60) },
    { name: 'e_neg->out.u', pre: 'e_neg', post: 'out', port: 1, weights: one(-60) },
  );
  layers.forEach((h, l) => {
    const g = o.feedback.matrix(l);
    const progs = o.feedback.programs?.(l) ?? null;
    projs.push(
      { name: `e_pos->${h}.u`, pre: 'e_pos', post: h, port: 1, weights: g, ...(progs ? { program: toIrProgram(progs.pos) } : {}) },
      { name: `e_neg->${h}.u`, pre: 'e_neg', post: h, port: 1, weights: g.map((r) => r.map((x) => -x)), ...(progs ? { program: toIrProgram(progs.neg) } : {}) },
    );
  });
  projs.push(...(o.extraProjs ?? []));
  const ir = buildIr(pops, projs, seed);
  o.edit?.(ir);
  const engine = new SopLearningEngine(ir);
  const emu = new Emulator(ir, { learning: engine });
  const outBase = ir.populations.find((p) => p.name === 'out')!.neuronBase;
  const present = (sample: number, cls: number, train: boolean): number => {
    emu.setSourceRates('in', rates(seed, sample, cls).map((r) => Math.round(r * ALWAYS)));
    emu.setLabel('label', train ? cls : -1);
    engine.setSampleStart(emu.t + 1);
    const counts = [0, 0];
    for (let t = 0; t < SAMPLE; t++) {
      emu.step();
      if (train) o.afterStep?.(emu, t);
      for (let s = 0; s < emu.spikeCount; s++) {
        const k = emu.spikes[s]! - outBase;
        if (k >= 0 && k < N_OUT) counts[k]!++;
      }
    }
    return counts[0]! === counts[1]! ? -1 : counts[0]! > counts[1]! ? 0 : 1;
  };
  const classOf = (sample: number) => (draw(seed, sample, 5, 5, 778) & 1);
  const testSamples = o.testSamples ?? 100;
  const test = () => {
    engine.learningEnabled = false;
    let correct = 0;
    for (let k = 0; k < testSamples; k++) if (present(100000 + k, classOf(100000 + k), false) === classOf(100000 + k)) correct++;
    engine.learningEnabled = true;
    return correct / testSamples;
  };
  const W0 = emu.cores[0]!.weights.slice();
  const before = test();
  const n = o.trainSamples ?? 200;
  for (let k = 0; k < n; k++) {
    present(k, classOf(k), true);
    o.afterSample?.(emu, engine, ir, k);
  }
  const after = test();
  const matrix = (name: string, rows: number, cols: number, initial = false) => {
    const W = initial ? W0 : emu.cores[0]!.weights;
    const r = rowsOf(ir, name);
    return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => W[r[i * cols + j]!]!));
  };
  return { before, after, ir, emu, matrix };
}

/** Cosine of two equally shaped matrices, flattened. */
export function cosine(a: number[][], b: number[][]): number {
  let ab = 0, aa = 0, bb = 0;
  a.forEach((row, i) => row.forEach((x, j) => { const y = b[i]![j]!; ab += x * y; aa += x * x; bb += y * y; }));
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

export const transpose = (m: number[][]) => m[0]!.map((_, j) => m.map((r) => r[j]!));

/** A matrix product a·b (rows of a × columns of b). */
export const matmul = (a: number[][], b: number[][]) => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));

/** Fixed random feedback B ~ round(N(0, σ²)), N_OUT × N_H, independent per layer. */
export const randomB = (seed: number, sigma: number) => (layer: number) =>
  Array.from({ length: N_OUT }, (_, k) => Array.from({ length: N_H }, (_, j) => Math.round(sigma * gauss(seed, k, j, 40 + 2 * layer))));

/**
 * The BFA feedback rule for E± → hidden dendrite (docs/learning.md §7.4): on a hidden spike (post),
 * w += x·2^−shift − w·2^−shift (shift = 11 unless given), with x the error neuron's 8-bit activity trace
 * (τ = 20 steps, impulse 32); learning off during the burn-in; bounds ±60.
 */
export function bfaRule(name: string, shift = 11): SopProgram {
  return {
    kind: 'sop', rule: 'backward', projection: name, rounding: 'stochastic', accumulatorBits: 16, bounds: [-60, 60], modulators: [], drivenBy: null,
    traces: [{ name: 'x', side: 'pre', bits: 8, decay: { kind: 'multiplicative', factor: Math.round(Math.exp(-1 / 20) * 4096), fracBits: 12 }, impulse: 32, impulseFracBits: 0, stochastic: false }],
    events: [{
      trigger: { kind: 'post' },
      gates: [{ kind: 'time', period: SAMPLE, op: '>=', value: BURN }],
      op: 'add',
      terms: [
        { mant: 1, exp: -shift, factors: [{ kind: 'pre_trace', index: 0 }] },
        { mant: -1, exp: -shift, factors: [{ kind: 'weight' }] },
      ],
    }],
  };
}
