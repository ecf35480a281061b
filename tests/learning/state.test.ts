/**
 * Public state save/restore of the emulator (`Emulator.saveState/loadState/resetDynamics`) and the learning engine
 * (`SopLearningEngine.saveState/loadState/reset`): save → run N steps → load → run N steps repeats the run exactly
 * (spikes, compartment state, weights, traces, registers, counters), also into fresh objects and through the
 * checkpoint JSON encoding; mismatched states are refused without changing anything.
 */
import { describe, expect, it } from 'vitest';
import { Emulator, EmulatorStateMismatch, type EmulatorState } from '../../emulator/emulator.js';
import { LearningStateMismatch, SopLearningEngine, type SopEngineState } from '../../emulator/learning/engine.js';
import { toIrProgram, type SopProgram } from '../../emulator/learning/program.js';
import type { DendriteIr } from '../../ir/types.js';
import { decodeValue, encodeValue, SnapshotMismatch } from '../../train/snapshot.js';
import { sopEngine } from '../../train/sop-engine.js';
import { buildIr } from './net.js';

/** STDP-like traces (stochastic, both sides), a scheduled and a host-set modulator, eRBP-like dendrite term. */
const program: SopProgram = {
  kind: 'sop', rule: 'mixed', projection: 'in->h', rounding: 'stochastic', accumulatorBits: 16, bounds: [-200, 200], drivenBy: null,
  traces: [
    { name: 'x', side: 'pre', bits: 7, decay: { kind: 'multiplicative', factor: 3000, fracBits: 12 }, impulse: 40, impulseFracBits: 2, stochastic: true },
    { name: 'y', side: 'post', bits: 7, decay: { kind: 'shift', shift: 3 }, impulse: 9, impulseFracBits: 1, stochastic: true },
  ],
  modulators: [
    { name: 'phase', initial: 1, schedule: { segments: [{ from: 0, to: 20, value: 1 }, { from: 20, to: 40, value: -1 }], otherwise: 0 } },
    { name: 'gain', initial: 2, schedule: null },
  ],
  events: [
    { trigger: { kind: 'pre' }, gates: [], op: 'add', terms: [{ mant: -3, exp: -3, factors: [{ kind: 'post_trace', index: 1 }, { kind: 'modulator', index: 1 }] }] },
    { trigger: { kind: 'post' }, gates: [], op: 'add', terms: [{ mant: 5, exp: -4, factors: [{ kind: 'pre_trace', index: 0 }, { kind: 'modulator', index: 0 }] }] },
    {
      trigger: { kind: 'pre' },
      gates: [{ kind: 'range', operand: { kind: 'post_state', state: 'i' }, lo: -4000, hi: 4000, loInclusive: true, hiInclusive: true }],
      op: 'add', terms: [{ mant: 7, exp: -9, factors: [{ kind: 'post_state', state: 'u' }] }],
    },
  ],
};

function makeIr(hidden = 4): DendriteIr {
  const w = (rows: number, cols: number, s: number) => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => ((i * 7 + j * 13 + s) % 11) * 40 - 120));
  return buildIr(
    [
      { name: 'in', size: 5, kind: 'poisson', rates: [0.3, 0.2, 0.25, 0.1, 0.35] },
      { name: 'cue', size: 2, kind: 'spikes', spikes: Array.from({ length: 40 }, (_, k): [number, number] => [3 + 4 * k, k % 2]) },
      { name: 'lab', size: 2, kind: 'label', p: 0.3 },
      { name: 'h', size: hidden, kind: 'cuba', cuba: { current: 1024, vDecay: 256, threshold: 250, refractory: 2, dendrite: 800 } },
    ],
    [
      { name: 'in->h', pre: 'in', post: 'h', weights: w(5, hidden, 1), program: toIrProgram(program), weightMin: -255, weightMax: 255 },
      { name: 'cue->h', pre: 'cue', post: 'h', weights: w(2, hidden, 2) },
      { name: 'lab->h.u', pre: 'lab', post: 'h', port: 1, weights: w(2, hidden, 3) },
    ],
    17,
  );
}

function setup(ir: DendriteIr): { emu: Emulator; engine: SopLearningEngine } {
  const engine = new SopLearningEngine(ir);
  const emu = new Emulator(ir, { learning: engine });
  // Poisson refractory counters are state too: give the input source some.
  (ir.sources[0] as { refractory: number }).refractory = 2;
  return { emu, engine };
}

/** Everything observable after running `steps` more steps: spikes per step, then the final state. */
function runAndRecord(emu: Emulator, engine: SopLearningEngine, steps: number): unknown {
  const spikes: number[][] = [];
  for (let s = 0; s < steps; s++) {
    if (s === 10) emu.setLabel('lab', 1);
    if (s === 15) engine.setSampleStart(emu.t + 1);
    emu.step();
    spikes.push([...emu.spikes.subarray(0, emu.spikeCount)]);
  }
  return {
    spikes,
    t: emu.t,
    cores: emu.cores.map((rt) => ({
      state: rt.groups.map((g) => Object.fromEntries(Object.entries(g.arrays).map(([k, a]) => [k, [...a]]))),
      ring: [...rt.ring],
      weights: [...rt.weights],
      counters: structuredClone(rt.counters),
    })),
    sourceSpikes: emu.sourceSpikes,
    totalCycles: emu.totalCycles,
    traces: engine.traces(0, 0).map((tv) => [...tv.values]),
    regs: [engine.modulator('phase'), engine.modulator('gain')],
  };
}

/** A warmed-up run with nonzero traces, a host-set register and a sample start, plus its saved states. */
function warm() {
  const ir = makeIr();
  const { emu, engine } = setup(ir);
  emu.setLabel('lab', 0);
  engine.setModulator('gain', 3);
  for (let s = 0; s < 25; s++) emu.step();
  engine.setSampleStart(20);
  return { ir, emu, engine, es: emu.saveState(), ls: engine.saveState() };
}

describe('save → run N → load → run N gives the same run', () => {
  it('in the same emulator and engine', () => {
    const { emu, engine, es, ls } = warm();
    expect(engine.traces(0, 0).some((tv) => tv.values.some((x) => x !== 0))).toBe(true);
    const a = runAndRecord(emu, engine, 60);
    emu.loadState(es);
    engine.loadState(ls);
    const b = runAndRecord(emu, engine, 60);
    expect(b).toEqual(a);
    // The run did learn and spike, so the comparison covers weight updates and trace changes.
    const { spikes, cores } = a as { spikes: number[][]; cores: { weights: number[] }[] };
    expect(spikes.flat().length).toBeGreaterThan(20);
    expect(cores[0]!.weights).not.toEqual([...es.cores[0]!.weights]);
  });

  it('in a fresh emulator and engine of the same IR (resume), also through the checkpoint JSON encoding', () => {
    const { ir, emu, engine, es, ls } = warm();
    const a = runAndRecord(emu, engine, 60);
    const fresh = setup(ir);
    fresh.emu.loadState(es);
    fresh.engine.loadState(ls);
    expect(runAndRecord(fresh.emu, fresh.engine, 60)).toEqual(a);
    const json = JSON.parse(JSON.stringify(encodeValue({ es, ls })));
    const back = decodeValue(json) as { es: EmulatorState; ls: SopEngineState };
    const third = setup(ir);
    third.emu.loadState(back.es);
    third.engine.loadState(back.ls);
    expect(runAndRecord(third.emu, third.engine, 60)).toEqual(a);
  });

  it('saved states are deep copies: running on does not change them, and loading does not alias them', () => {
    const { emu, engine, es, ls } = warm();
    const esCopy = structuredClone(es);
    const lsCopy = structuredClone(ls);
    runAndRecord(emu, engine, 30);
    expect(es).toEqual(esCopy);
    expect(ls).toEqual(lsCopy);
    emu.loadState(es);
    engine.loadState(ls);
    runAndRecord(emu, engine, 30);
    expect(es).toEqual(esCopy);
    expect(ls).toEqual(lsCopy);
  });

  it('the engine state holds the sample start, registers (and which the host set) and traces as typed arrays', () => {
    const { ls } = warm();
    expect(ls.sampleStart).toBe(20);
    expect(ls.regs).toBeInstanceOf(Float64Array);
    // `phase` was last scheduled at step 25 with the sample start still 0 (sample time 25 → −1); `gain` host-set.
    expect([...ls.regs]).toEqual([-1, 3]);
    expect([...ls.hostSet]).toEqual([1]);
    expect(ls.traces.flat().every((t) => t instanceof Int32Array)).toBe(true);
  });
});

describe('mismatched states are refused', () => {
  it('an emulator state of another network throws EmulatorStateMismatch and changes nothing', () => {
    const { emu, engine } = warm();
    const other = setup(makeIr(6));
    for (let s = 0; s < 5; s++) other.emu.step();
    const before = emu.saveState();
    expect(() => emu.loadState(other.emu.saveState())).toThrow(EmulatorStateMismatch);
    expect(emu.saveState()).toEqual(before);
    expect(() => engine.loadState(other.engine.saveState())).toThrow(LearningStateMismatch);
  });

  it('through the trainer hooks, an engine mismatch is a SnapshotMismatch (a checkpoint diagnostic in the CLI)', () => {
    const hosted = sopEngine(makeIr())!;
    const other = new SopLearningEngine(makeIr(6));
    expect(() => hosted.loadState!(other.saveState(), [])).toThrow(SnapshotMismatch);
  });

  it('accepts the earlier checkpoint format (hostSet as a list, `built`, no traces before the first step)', () => {
    const { ir } = warm();
    const { engine } = setup(ir);
    const old = { sampleStart: 7, regs: Float64Array.from([0, 5]), hostSet: [1], built: false, traces: [] };
    engine.loadState(old as unknown as SopEngineState);
    const s = engine.saveState();
    expect(s.sampleStart).toBe(7);
    expect([...s.regs]).toEqual([0, 5]);
    expect([...s.hostSet]).toEqual([1]);
    expect(s.traces.flat().every((t) => t.every((x) => x === 0))).toBe(true);
  });
});

describe('resets between samples', () => {
  it('engine.reset() zeroes traces and returns registers the host did not set to their initial values; weights stay', () => {
    const { emu, engine } = warm();
    runAndRecord(emu, engine, 10);
    engine.setSampleStart(emu.t + 1 - 25);
    emu.step(); // sample time 25: `phase` is scheduled to −1
    const w = [...emu.cores[0]!.weights];
    expect(engine.traces(0, 0).some((tv) => tv.values.some((x) => x !== 0))).toBe(true);
    expect(engine.modulator('phase')).not.toBe(1);
    engine.reset();
    expect(engine.traces(0, 0).every((tv) => tv.values.every((x) => x === 0))).toBe(true);
    expect(engine.modulator('phase')).toBe(1); // its initial value
    expect(engine.modulator('gain')).toBe(3); // host-set: kept
    expect([...emu.cores[0]!.weights]).toEqual(w);
  });

  it('the trainer hook resetState (reset_between) is the engine reset', () => {
    const ir = makeIr();
    const hosted = sopEngine(ir)!;
    const emu = new Emulator(ir, { learning: hosted });
    for (let s = 0; s < 20; s++) emu.step();
    expect(hosted.traces(0, 0).some((tv) => tv.values.some((x) => x !== 0))).toBe(true);
    hosted.resetState!();
    expect(hosted.traces(0, 0).every((tv) => tv.values.every((x) => x === 0))).toBe(true);
  });

  it('emulator.resetDynamics restores neuron state and rings, keeps weights and the step; cursors only when asked', () => {
    const ir = makeIr();
    const { emu, engine } = setup(ir);
    const initial = emu.saveState();
    runAndRecord(emu, engine, 40);
    const t = emu.t;
    const w = [...emu.cores[0]!.weights];
    emu.resetDynamics(initial);
    expect(emu.t).toBe(t);
    expect([...emu.cores[0]!.weights]).toEqual(w);
    emu.cores[0]!.groups.forEach((g, gi) => {
      for (const [k, a] of Object.entries(g.arrays)) expect([...a]).toEqual([...initial.cores[0]!.groups[gi]![k]!]);
    });
    expect([...emu.cores[0]!.ring]).toEqual([...initial.cores[0]!.ring]);
    expect(emu.saveState().sources[1]!.cursor).toBeGreaterThan(0);
    emu.resetDynamics(initial, { cursors: true });
    expect(emu.saveState().sources[1]!.cursor).toBe(0);
  });
});
