/** Behavioural tests on tiny hand-built IRs: STDP sign, eRBP error neurons, feedback driven by another projection. */
import { describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/emulator.js';
import { SopLearningEngine, createLearningEngine } from '../../emulator/learning/engine.js';
import { toIrProgram, type SopProgram } from '../../emulator/learning/program.js';
import { lowerRule } from '../../compiler/lower/microcode.js';
import type { LearningRule } from '../../compiler/model.js';
import { buildIr, type PopSpec, mul, network, num, profile, projection, rowsOf, sp, trace } from './net.js';

function stdpProgram(): SopProgram {
  const rule: LearningRule = {
    name: 'stdp', span: sp(), stochasticRounding: false,
    traces: [{ name: 'x', span: sp(), side: 'pre', tau: 0.02, impulse: 1 }, { name: 'y', span: sp(), side: 'post', tau: 0.02, impulse: 1 }],
    events: [
      { trigger: { kind: 'pre' }, gates: [], updates: [{ op: '-=', expr: mul(num(0.1), trace('post', 'y')), span: sp() }], span: sp() },
      { trigger: { kind: 'post' }, gates: [], updates: [{ op: '+=', expr: mul(num(0.1), trace('pre', 'x')), span: sp() }], span: sp() },
    ],
  };
  const proj = projection('stdp');
  const r = lowerRule({
    network: network([rule], [proj]), projection: proj, rule, profile: profile('loihi1'), postModel: 'cuba',
    weightStep: 0.01, postStateStep: () => 1, dt: 0.001,
  });
  if (!r.program) throw new Error(JSON.stringify(r.diagnostics));
  return r.program;
}

/** Pairs: pre at t0 + k·50 and post (via the drive, one step later) at t0 + k·50 + lag, for 10 pairings. */
function pairing(lag: number, seed = 3): number {
  const pre: [number, number][] = [];
  const drive: [number, number][] = [];
  for (let k = 0; k < 10; k++) {
    const t = 20 + 50 * k;
    pre.push([t, 0]);
    drive.push([t + lag - 1, 0]);
  }
  const ir = buildIr(
    [
      { name: 'pre', size: 1, kind: 'spikes', spikes: pre },
      { name: 'drive', size: 1, kind: 'spikes', spikes: drive },
      { name: 'post', size: 1, kind: 'cuba', cuba: { threshold: 500 } },
    ],
    [
      { name: 'pre->post', pre: 'pre', post: 'post', weights: [[0]], program: toIrProgram(stdpProgram()), weightMin: -256, weightMax: 255 },
      { name: 'drive->post', pre: 'drive', post: 'post', weights: [[10000]] },
    ],
    seed,
  );
  const emu = new Emulator(ir, { learning: new SopLearningEngine(ir) });
  let postSpikes = 0;
  for (let t = 0; t < 600; t++) {
    emu.step();
    for (let s = 0; s < emu.spikeCount; s++) if (emu.spikes[s] === 2) postSpikes++;
  }
  expect(postSpikes).toBe(10);
  return emu.cores[0]!.weights[rowsOf(ir, 'pre->post')[0]!]!;
}

describe('STDP (lowered for loihi1: 7-bit stochastic traces)', () => {
  it('potentiates for pre-before-post and depresses for post-before-pre', () => {
    const ltp = pairing(5);
    const ltd = pairing(-5);
    // Per pairing: trace ≈ 16·e^(−5/20) ≈ 12.5 units × 10·2^-4 ≈ 7.8 → 7 after truncation, ×10 pairings.
    expect(ltp).toBeGreaterThanOrEqual(50);
    expect(ltp).toBeLessThanOrEqual(90);
    expect(ltd).toBeLessThanOrEqual(-50);
    expect(ltd).toBeGreaterThanOrEqual(-90);
    // Longer lags change the weight less (the trace has decayed).
    expect(pairing(15)).toBeLessThan(ltp);
    expect(pairing(15)).toBeGreaterThan(0);
  });
});

describe('eRBP error neurons (papers.md §1.4c)', () => {
  /** E± pair (weight 90, threshold 100, subtract reset, no leak, floor 0) driven by label and prediction trains. */
  function errorRates(label: PopSpec, pred: PopSpec, T: number): number[] {
    const err = { threshold: 100, reset: 'subtract' as const, floor: 0 };
    const ir = buildIr(
      [label, pred, { name: 'e_pos', size: 1, kind: 'cuba', cuba: err }, { name: 'e_neg', size: 1, kind: 'cuba', cuba: err }],
      [
        { name: 'label->e_pos', pre: 'label', post: 'e_pos', weights: [[90]] },
        { name: 'label->e_neg', pre: 'label', post: 'e_neg', weights: [[-90]] },
        { name: 'pred->e_pos', pre: 'pred', post: 'e_pos', weights: [[-90]] },
        { name: 'pred->e_neg', pre: 'pred', post: 'e_neg', weights: [[90]] },
      ],
      11,
    );
    const emu = new Emulator(ir);
    const counts = new Float64Array(ir.neuronCount);
    for (let t = 0; t < T; t++) {
      emu.step();
      for (let s = 0; s < emu.spikeCount; s++) counts[emu.spikes[s]!]!++;
    }
    return [...counts].map((c) => c / (T * 0.001));
  }

  it('regular trains, label 250 Hz vs prediction 100 Hz: E+ ≈ 0.9·150 = 135 Hz, E− = 0', () => {
    const T = 20000;
    const lab: [number, number][] = [];
    const pr: [number, number][] = [];
    for (let t = 1; t <= T; t++) {
      if (t % 4 === 0) lab.push([t, 0]);
      if (t % 10 === 3) pr.push([t, 0]);
    }
    const [l, p, ePos, eNeg] = errorRates({ name: 'label', size: 1, kind: 'spikes', spikes: lab }, { name: 'pred', size: 1, kind: 'spikes', spikes: pr }, T);
    expect([l, p]).toEqual([250, 100]);
    // 0.9·[ν_L − ν_P]+ is a lower bound: the floor at 0 can only discard negative (prediction) input, never
    // positive input. Tolerance: +15 % for that discarded input (measured: 150 Hz, +11 %), −1 Hz for the residue.
    expect(ePos).toBeGreaterThanOrEqual(134);
    expect(ePos).toBeLessThanOrEqual(135 * 1.15);
    expect(eNeg).toBe(0);
  });

  it('Poisson trains: E+ between the mean-field 135 Hz and the label bound 0.9·250 Hz, E− small', () => {
    const [l, p, ePos, eNeg] = errorRates({ name: 'label', size: 1, kind: 'poisson', rates: [0.25] }, { name: 'pred', size: 1, kind: 'poisson', rates: [0.1] }, 20000);
    expect(Math.abs(l! - 250)).toBeLessThan(10);
    expect(Math.abs(p! - 100)).toBeLessThan(8);
    // Poisson bunching makes the rectification discard more (measured ≈ 167 Hz with this seed), and bursts of
    // prediction spikes occasionally drive E− (measured ≈ 19 Hz): bounded here at 15 % of E+.
    expect(ePos).toBeGreaterThan(135);
    expect(ePos).toBeLessThan(225);
    expect(eNeg).toBeLessThan(0.15 * ePos!);
  });
});

describe('a projection driven by another projection (drivenBy)', () => {
  it('feedback weights out→h.u mirror the updates of the forward weights h→out (transposed pairs)', () => {
    // Forward h (2 sources) → out (2 cuba with dendrite u); feedback out → h2 (2 cuba) driven by h→out:
    // on a spike of h_i, the feedback synapse out_k → h2_i gets Δ = trunc(u_k·2^-2), the forward update.
    const fwd: SopProgram = {
      kind: 'sop', rule: 'fwd', projection: 'h->out', rounding: 'toward_zero', accumulatorBits: 16, bounds: null, traces: [], modulators: [], drivenBy: null,
      events: [{ trigger: { kind: 'pre' }, gates: [], op: 'add', terms: [{ mant: 1, exp: -2, factors: [{ kind: 'post_state', state: 'u' }] }] }],
    };
    const fb: SopProgram = { ...fwd, rule: 'fb', projection: 'out->h', drivenBy: 'h->out' };
    const ir = buildIr(
      [
        { name: 'src', size: 2, kind: 'spikes', spikes: [[2, 0], [4, 1], [6, 0]] },
        { name: 'h', size: 2, kind: 'cuba', cuba: { threshold: 500 } },
        { name: 'out', size: 2, kind: 'cuba', cuba: { threshold: 1e6, dendrite: null } },
      ],
      [
        { name: 'src->h', pre: 'src', post: 'h', weights: [[10000, null], [null, 10000]] },
        { name: 'h->out', pre: 'h', post: 'out', weights: [[0, 0], [0, 0]], program: toIrProgram(fwd) },
        { name: 'out->h', pre: 'out', post: 'h', port: 0, weights: [[0, 0], [0, 0]], program: toIrProgram(fb) },
      ],
    );
    // The out population needs a dendrite u (no leak) to read.
    const g = ir.cores[0]!.groups.find((x) => x.name === 'out')! as { dendrite: unknown };
    g.dendrite = { bits: 24, overflow: 'saturate', decay: { kind: 'none' }, decayReg: new Int32Array(2), floor: null, ceiling: null, name: 'u' };
    const made = createLearningEngine(ir);
    expect(made.diagnostics).toEqual([]);
    const emu = new Emulator(ir, { learning: made.engine! });
    const u = emu.cores[0]!.groups.find((x) => x.group.name === 'out')!.arrays.u!;
    u[0] = 40;
    u[1] = -20;
    for (let t = 0; t < 8; t++) emu.step();
    const W = emu.cores[0]!.weights;
    const f = rowsOf(ir, 'h->out').map((r) => W[r]!);
    // h0 spiked (steps 3, 7) twice, h1 (step 5) once: rows in (pre, post) order.
    expect(f).toEqual([20, -10, 10, -5]);
    // Feedback row (out_k → h_i) got exactly the update of forward row (h_i → out_k): the transpose.
    const b = rowsOf(ir, 'out->h').map((r) => W[r]!);
    expect(b).toEqual([20, 10, -10, -5]);
  });
});
