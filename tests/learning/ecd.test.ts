/**
 * Event-driven contrastive divergence (eCD) in a synaptic sampling machine (S2M; research/papers.md §2.3):
 * a spiking RBM (visible 3×3 ↔ hidden) whose only noise is blank-out synapses (p = 0.5), trained on
 * bars-and-stripes with symmetric pair STDP × the scheduled global phase signal g (+1 data, −1 free/
 * reconstruction, 0 burn-in after each switch). The rule is lowered from the model (as dsl-examples/s2m-ecd.snn
 * writes it) and the test checks that the reconstruction error falls.
 */
import { describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/emulator.js';
import { SopLearningEngine } from '../../emulator/learning/engine.js';
import { toIrProgram, type SopProgram } from '../../emulator/learning/program.js';
import { lowerRule } from '../../compiler/lower/microcode.js';
import type { LearningRule, Signal } from '../../compiler/model.js';
import { ALWAYS, bernoulliThreshold, draw } from '../../emulator/prng.js';
import type { DendriteIr } from '../../ir/types.js';
import { buildIr, mul, network, num, profile, projection, rowsOf, signal, sp, trace } from './net.js';

const SIDE = 3;
const NV = SIDE * SIDE;
const NH = 16;
// One sample: data phase then free phase, each with a burn-in (g = 0) after the switch.
const HALF = 20;
const BURN = 5;
const SAMPLE = 2 * HALF;
/** Reconstruction window: the first WINDOW steps of the free phase (a few Gibbs steps from the data). */
const WINDOW = 8;

/** Bars and stripes on a 3×3 grid: every non-empty, non-full set of rows, or of columns (12 patterns). */
function patterns(): number[][] {
  const out: number[][] = [];
  for (let m = 1; m < 2 ** SIDE - 1; m++) {
    out.push(Array.from({ length: NV }, (_, k) => ((m >> Math.floor(k / SIDE)) & 1)));
    out.push(Array.from({ length: NV }, (_, k) => ((m >> (k % SIDE)) & 1)));
  }
  return out;
}

/** The eCD rule of dsl-examples/s2m-ecd.snn, lowered for the default target (weight unit 1/100). */
function ecdProgram(name: string): SopProgram {
  const eta = 0.01;
  const rule: LearningRule = {
    name: 'ecd', span: sp(), stochasticRounding: true,
    traces: [{ name: 'x_pre', span: sp(), side: 'pre', tau: 0.004, impulse: 1 }, { name: 'y_post', span: sp(), side: 'post', tau: 0.004, impulse: 1 }],
    events: [
      { trigger: { kind: 'pre' }, gates: [], updates: [{ op: '+=', expr: mul(mul(num(eta), signal('g')), trace('post', 'y_post')), span: sp() }], span: sp() },
      { trigger: { kind: 'post' }, gates: [], updates: [{ op: '+=', expr: mul(mul(num(eta), signal('g')), trace('pre', 'x_pre')), span: sp() }], span: sp() },
    ],
  };
  const ms = 0.001;
  const g: Signal = {
    kind: 'schedule', name: 'g', span: sp(), otherwise: 0, period: SAMPLE * ms,
    segments: [{ from: BURN * ms, to: HALF * ms, value: 1 }, { from: (HALF + BURN) * ms, to: SAMPLE * ms, value: -1 }],
  };
  const proj = projection('ecd', { name });
  const r = lowerRule({
    network: network([rule], [proj], { signals: [g] }), projection: proj, rule, profile: profile('default'), postModel: 'cuba',
    weightStep: 0.01, postStateStep: () => 1, dt: ms,
  });
  if (!r.program) throw new Error(JSON.stringify(r.diagnostics));
  return r.program;
}

function buildRbm(seed: number): DendriteIr {
  const rnd = (i: number, j: number, s: number) => draw(seed, i, j, s, 901) / ALWAYS;
  // Memoryless threshold units (v decays by 4095/4096 each step): z = [Σ ξ·w > θ], the discrete-time S2M.
  const unit = { threshold: 100, vDecay: 4095 };
  const w0 = Array.from({ length: NV }, (_, i) => Array.from({ length: NH }, (_, j) => Math.round(-40 + 100 * rnd(i, j, 1))));
  const ir = buildIr(
    [
      { name: 'on', size: NV, kind: 'poisson', rates: new Array(NV).fill(0) },
      { name: 'off', size: NV, kind: 'poisson', rates: new Array(NV).fill(0) },
      { name: 'vis', size: NV, kind: 'cuba', cuba: unit },
      { name: 'hid', size: NH, kind: 'cuba', cuba: unit },
    ],
    [
      // The data clamp: `on` drives a visible unit on, `off` holds it silent.
      { name: 'on->vis', pre: 'on', post: 'vis', weights: diag(NV, 10000) },
      { name: 'off->vis', pre: 'off', post: 'vis', weights: diag(NV, -10000) },
      { name: 'vis->hid', pre: 'vis', post: 'hid', weights: w0, program: toIrProgram(ecdProgram('vis->hid')), weightMin: -400, weightMax: 400 },
      // Symmetric RBM: the reverse pathway starts as the transpose and gets the same (symmetric) rule.
      { name: 'hid->vis', pre: 'hid', post: 'vis', weights: w0[0]!.map((_, j) => w0.map((r) => r[j]!)), program: toIrProgram(ecdProgram('hid->vis')), weightMin: -400, weightMax: 400 },
    ],
    seed,
  );
  for (const sg of ir.cores[0]!.synapseGroups) {
    if (sg.learning !== null) (sg as { transmitThreshold: number }).transmitThreshold = bernoulliThreshold(0.5);
  }
  return ir;
}

function diag(n: number, w: number): (number | null)[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? w : null)));
}

function trainEcd(seed: number, epochs: number) {
  const ir = buildRbm(seed);
  const engine = new SopLearningEngine(ir);
  const emu = new Emulator(ir, { learning: engine });
  const visBase = ir.populations.find((p) => p.name === 'vis')!.neuronBase;
  const pats = patterns();
  /** One sample; returns the visible spike counts during the free phase after its burn-in. */
  const present = (x: number[]): number[] => {
    engine.setSampleStart(emu.t + 1);
    const counts = new Array(NV).fill(0);
    for (let t = 0; t < SAMPLE; t++) {
      const data = t < HALF;
      emu.setSourceRates('on', x.map((b) => (data && b ? ALWAYS : 0)));
      emu.setSourceRates('off', x.map((b) => (data && !b ? ALWAYS : 0)));
      emu.step();
      if (t < HALF || t >= HALF + WINDOW) continue;
      for (let s = 0; s < emu.spikeCount; s++) {
        const k = emu.spikes[s]! - visBase;
        if (k >= 0 && k < NV) counts[k]++;
      }
    }
    return counts;
  };
  /**
   * Reconstruction error: mean over patterns and visible units of (r_k − x_k)², r_k the visible unit's spike rate
   * (per step) in the first WINDOW steps of the free phase, x_k the clamped data bit.
   */
  const reconstructionError = (): number => {
    engine.learningEnabled = false;
    let e = 0;
    for (const x of pats) {
      const c = present(x);
      for (let k = 0; k < NV; k++) e += (c[k]! / WINDOW - x[k]!) ** 2;
    }
    engine.learningEnabled = true;
    return e / (pats.length * NV);
  };
  const before = reconstructionError();
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = 0; i < pats.length; i++) present(pats[(i * 5 + ep * 7) % pats.length]!);
  }
  const after = reconstructionError();
  const W = emu.cores[0]!.weights;
  return { before, after, weights: rowsOf(ir, 'vis->hid').map((r) => W[r]!), ops: emu.cores[0]!.counters.learningUpdates, blanked: emu.cores[0]!.counters.blankedOut };
}

describe('eCD / S2M on bars-and-stripes (3×3 visible, 12 hidden, blank-out p = 0.5)', () => {
  it('the lowered rule is symmetric STDP × the scheduled phase signal g', () => {
    const p = ecdProgram('vis->hid');
    expect(p.modulators).toHaveLength(1);
    expect(p.modulators[0]!.schedule!.segments.map((s) => s.value)).toEqual([1, -1]);
    expect(p.events.map((e) => e.trigger.kind)).toEqual(['pre', 'post']);
    expect(p.events.every((e) => e.terms.length === 1 && e.terms[0]!.factors.some((f) => f.kind === 'modulator'))).toBe(true);
  });

  it('reconstruction error falls after training', () => {
    const r = trainEcd(1, 50);
    expect(r.ops).toBeGreaterThan(0);
    expect(r.blanked).toBeGreaterThan(0); // blank-out is the only noise source
    // Untrained: the free phase is noise around silence (measured 0.38 for seeds 1–4; an all-silent visible
    // layer would score 0.5). After 50 epochs of the 12 patterns (24,000 steps) the reconstructions are close
    // to the data (measured 0.15–0.19 for seeds 1–4): required, at most 60 % of the untrained error.
    expect(r.before).toBeGreaterThan(0.3);
    expect(r.after).toBeLessThan(0.6 * r.before);
  });
});

