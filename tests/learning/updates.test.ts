/**
 * Hand-computed single updates of the learning engine: every factor kind, every trigger, rounding modes
 * (stochastic under the fixed PRNG draw), saturation, and the NSAT integer examples of papers.md §1.11.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { SopLearningEngine } from '../../emulator/learning/engine.js';
import { toIrProgram, type EventDef, type SopProgram, type TraceDef } from '../../emulator/learning/program.js';
import { draw, STREAM_LEARNING_BASE } from '../../emulator/prng.js';
import { oneBitShift, rr, zeroBitShift } from '../../emulator/arith.js';
import { buildIr, rowsOf } from './net.js';

function prog(events: EventDef[], extra: Partial<SopProgram> = {}): SopProgram {
  return { kind: 'sop', rule: 'r', projection: 'pre->post', rounding: 'toward_zero', accumulatorBits: 32, bounds: null, traces: [], modulators: [], events, drivenBy: null, ...extra };
}

interface Single {
  program: SopProgram;
  w0: number;
  preSpikes?: number[];
  /** Steps at which the drive source fires; the post neuron then spikes one step later. */
  driveSpikes?: number[];
  u?: number;
  steps: number;
  seed?: number;
  weightMin?: number;
  weightMax?: number;
  before?: (engine: SopLearningEngine) => void;
}

/** pre (1 source) → post (1 cuba with dendrite u, no leaks), plus a frozen drive that makes post spike. */
function single(s: Single): { w: number; engine: SopLearningEngine; emu: Emulator; row: number } {
  const ir = buildIr(
    [
      { name: 'pre', size: 1, kind: 'spikes', spikes: (s.preSpikes ?? []).map((t) => [t, 0]) },
      { name: 'drive', size: 1, kind: 'spikes', spikes: (s.driveSpikes ?? []).map((t) => [t, 0]) },
      { name: 'post', size: 1, kind: 'cuba', cuba: { threshold: 500, dendrite: null, reset: 'value' } },
    ],
    [
      { name: 'pre->post', pre: 'pre', post: 'post', weights: [[s.w0]], program: toIrProgram(s.program), weightMin: s.weightMin, weightMax: s.weightMax },
      { name: 'drive->post', pre: 'drive', post: 'post', weights: [[10000]] },
    ],
    s.seed ?? 7,
  );
  // Give post a dendrite `u` without leak so the test can set it.
  const g = ir.cores[0]!.groups[0]! as Extract<(typeof ir.cores)[0]['groups'][0], { model: 'cuba' }>;
  (g as { dendrite: unknown }).dendrite = { bits: 24, overflow: 'saturate', decay: { kind: 'none' }, decayReg: new Int32Array(1), floor: null, ceiling: null, name: 'u' };
  const engine = new SopLearningEngine(ir);
  s.before?.(engine);
  const emu = new Emulator(ir, { learning: engine });
  if (s.u !== undefined) emu.cores[0]!.groups[0]!.arrays.u![0] = s.u;
  for (let t = 0; t < s.steps; t++) emu.step();
  const row = rowsOf(ir, 'pre->post')[0]!;
  return { w: emu.cores[0]!.weights[row]!, engine, emu, row };
}

const pre = { kind: 'pre' } as const;
const post = { kind: 'post' } as const;
const U = { kind: 'post_state', state: 'u' } as const;

describe('single updates (integer inputs → exact integer Δw)', () => {
  it('post-state factor, toward zero: w += trunc(3·2^-2 · u)', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 3, exp: -2, factors: [U] }] }]);
    expect(single({ program: p, w0: 100, preSpikes: [1], u: 10, steps: 1 }).w).toBe(100 + 7); // 30/4 = 7.5 → 7
    expect(single({ program: p, w0: 100, preSpikes: [1], u: -10, steps: 1 }).w).toBe(100 - 7);
  });

  it('floor rounding rounds negative updates down', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 3, exp: -2, factors: [U] }] }], { rounding: 'floor' });
    expect(single({ program: p, w0: 100, preSpikes: [1], u: -10, steps: 1 }).w).toBe(100 - 8);
  });

  it('stochastic rounding adds 1 iff the keyed draw mod 2^F is below the fraction', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 3, exp: -2, factors: [U] }] }], { rounding: 'stochastic' });
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = single({ program: p, w0: 100, preSpikes: [1], u: 10, steps: 1, seed });
      // acc = 30 over F = 2 bits: 7 + Bernoulli(2/4); the draw is keyed (seed, step 1, core 0, row, stream + event 0).
      const d = draw(seed, 1, 0, r.row, STREAM_LEARNING_BASE + 0);
      expect(r.w).toBe(100 + 7 + (d % 4 < 2 ? 1 : 0));
    }
  });

  it('weight factor: w += −1·2^-3 · w', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: -1, exp: -3, factors: [{ kind: 'weight' }] }] }]);
    expect(single({ program: p, w0: 100, preSpikes: [1], steps: 1 }).w).toBe(100 - 12); // −12.5 → −12
  });

  it('`set` assigns the weight', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'set', terms: [{ mant: 5, exp: 1, factors: [U] }] }]);
    expect(single({ program: p, w0: 100, preSpikes: [1], u: 3, steps: 1 }).w).toBe(30);
  });

  it('modulator factor: host-set and scheduled registers', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 2, exp: 0, factors: [{ kind: 'modulator', index: 0 }, U] }] }],
      { modulators: [{ name: 'g', initial: 0, schedule: null }] });
    expect(single({ program: p, w0: 0, preSpikes: [1], u: 5, steps: 1 }).w).toBe(0);
    expect(single({ program: p, w0: 0, preSpikes: [1], u: 5, steps: 1, before: (e) => e.setModulator('g', -1) }).w).toBe(-10);
    const sched = prog([...p.events], { modulators: [{ name: 'g', initial: 0, schedule: { segments: [{ from: 0, to: 3, value: 1 }, { from: 3, to: 6, value: -1 }], otherwise: 0 } }] });
    // Pre spikes at steps 1, 2 (g = +1: t = 1, 2) and 4 (g = −1), 7 (g = 0): 2·5·(1 + 1 − 1 + 0) = 10.
    expect(single({ program: sched, w0: 0, preSpikes: [1, 2, 4, 7], u: 5, steps: 8 }).w).toBe(10);
  });

  it('pre and post traces with multiplicative decay; post-triggered update reads the pre trace', () => {
    const tr: TraceDef = { name: 'x', side: 'pre', bits: 7, decay: { kind: 'multiplicative', factor: 2048, fracBits: 12 }, impulse: 16, impulseFracBits: 0, stochastic: false };
    const p = prog([{ trigger: post, gates: [], op: 'add', terms: [{ mant: 3, exp: 0, factors: [{ kind: 'pre_trace', index: 0 }] }] }], { traces: [tr] });
    // pre at step 1 → x = 16; step 2: 8; step 3: 4. Drive at 2 → post spikes at 3: Δ = 3·4.
    const r = single({ program: p, w0: 0, preSpikes: [1], driveSpikes: [2], steps: 4 });
    expect(r.w).toBe(12);
    // Traces are exposed for probes: after step 4 the pre trace is 2.
    expect(r.engine.traces(0, 0)[0]!.values[0]).toBe(2);
  });

  it('trace saturates at 2^bits − 1 and shift decay is x − floor(x / 2^k)', () => {
    const tr: TraceDef = { name: 'y', side: 'post', bits: 5, decay: { kind: 'shift', shift: 1 }, impulse: 20, impulseFracBits: 0, stochastic: false };
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 1, exp: 0, factors: [{ kind: 'post_trace', index: 0 }] }] }], { traces: [tr] });
    // post spikes at steps 2, 3, 4: y = 20; 20 − 10 + 20 = 30; 30 − 15 + 20 = 35 → capped at 31.
    // Step 5: y = 31 − 15 = 16, and the pre spike adds Δ = 16.
    const r = single({ program: p, w0: 0, preSpikes: [5], driveSpikes: [1, 2, 3], steps: 5 });
    expect(r.w).toBe(16);
  });

  it('periodic trigger every 2^2 steps updates every synapse', () => {
    const p = prog([{ trigger: { kind: 'periodic', log2Period: 2 }, gates: [], op: 'add', terms: [{ mant: 1, exp: 0, factors: [] }] }]);
    expect(single({ program: p, w0: 0, steps: 9 }).w).toBe(2); // steps 4 and 8
  });

  it('gates: range on post state (inclusive/exclusive), compare, time window', () => {
    const mk = (gates: EventDef['gates']) => prog([{ trigger: pre, gates, op: 'add', terms: [{ mant: 1, exp: 0, factors: [] }] }]);
    const range = (lo: number, hi: number, li: boolean, hi2: boolean) => mk([{ kind: 'range', operand: U, lo, hi, loInclusive: li, hiInclusive: hi2 }]);
    expect(single({ program: range(-5, 5, false, false), w0: 0, preSpikes: [1], u: 5, steps: 1 }).w).toBe(0);
    expect(single({ program: range(-5, 5, false, true), w0: 0, preSpikes: [1], u: 5, steps: 1 }).w).toBe(1);
    expect(single({ program: range(-5, 5, true, false), w0: 0, preSpikes: [1], u: -5, steps: 1 }).w).toBe(1);
    expect(single({ program: mk([{ kind: 'compare', operand: U, op: '>=', value: 3 }]), w0: 0, preSpikes: [1], u: 2, steps: 1 }).w).toBe(0);
    // t mod 4 >= 2: pre spikes at steps 1..8 update at t = 2, 3, 6, 7.
    const tw = mk([{ kind: 'time', period: 4, op: '>=', value: 2 }]);
    expect(single({ program: tw, w0: 0, preSpikes: [1, 2, 3, 4, 5, 6, 7, 8], steps: 8 }).w).toBe(4);
    // Sample start at step 2: steps 2, 3 have t = 0, 1 → closed; with the default start (0) t = 2, 3 → open.
    expect(single({ program: tw, w0: 0, preSpikes: [2, 3], steps: 3 }).w).toBe(2);
    expect(single({ program: tw, w0: 0, preSpikes: [2, 3], steps: 3, before: (e) => e.setSampleStart(2) }).w).toBe(0);
  });

  it('saturates Δ to the accumulator width and w to the tighter of group and program bounds', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 1, exp: 0, factors: [U] }] }], { accumulatorBits: 4 });
    expect(single({ program: p, w0: 0, preSpikes: [1], u: 100, steps: 1 }).w).toBe(7);
    expect(single({ program: p, w0: 0, preSpikes: [1], u: -100, steps: 1 }).w).toBe(-8);
    const b = prog([...p.events], { bounds: [-3, 5] });
    expect(single({ program: b, w0: 0, preSpikes: [1, 2], u: 100, steps: 2 }).w).toBe(5);
    expect(single({ program: b, w0: 0, preSpikes: [1], u: -100, steps: 1, weightMin: -2 }).w).toBe(-2);
  });

  it('learningEnabled = false leaves weights alone', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 1, exp: 0, factors: [U] }] }]);
    expect(single({ program: p, w0: 4, preSpikes: [1], u: 9, steps: 2, before: (e) => (e.learningEnabled = false) }).w).toBe(4);
  });

  it('counts one learning op per triggered synapse', () => {
    const p = prog([{ trigger: pre, gates: [{ kind: 'range', operand: U, lo: 0, hi: 1, loInclusive: true, hiInclusive: true }], op: 'add', terms: [{ mant: 1, exp: 0, factors: [] }] }]);
    const r = single({ program: p, w0: 0, preSpikes: [1, 2, 3], u: 5, steps: 3 });
    expect(r.w).toBe(0); // gate closed, but the synapse was visited
    expect(r.emu.cores[0]!.counters.learningUpdates).toBe(3);
  });
});

describe('NSAT integer examples (research/papers.md §1.11)', () => {
  it('one_bit_shift and zero_bit_shift', () => {
    expect(oneBitShift(-5, -7)).toBe(-1);
    expect(oneBitShift(300, -7)).toBe(2);
    expect(zeroBitShift(-300, -7)).toBe(-2);
  });

  it('zero_bit_shift(−300, −7) = −2 as an engine update (eRBP, hiac = −7)', () => {
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 1, exp: -7, factors: [U] }] }]);
    expect(single({ program: p, w0: 0, preSpikes: [1], u: -300, steps: 1 }).w).toBe(-2);
    expect(single({ program: p, w0: 0, preSpikes: [1], u: 300, steps: 1 }).w).toBe(2);
  });

  it('rr(1500, 10) = 1 + Bernoulli(476/1024), in arith and in the engine', () => {
    expect(rr(1500, 10, 475)).toBe(2);
    expect(rr(1500, 10, 476)).toBe(1);
    expect(rr(1500, 10, 1024 + 100)).toBe(2); // only the low 10 bits count
    const p = prog([{ trigger: pre, gates: [], op: 'add', terms: [{ mant: 1, exp: -10, factors: [U] }] }], { rounding: 'stochastic' });
    let ones = 0;
    const n = 300;
    for (let seed = 1; seed <= n; seed++) {
      const r = single({ program: p, w0: 0, preSpikes: [1], u: 1500, steps: 1, seed });
      expect([1, 2]).toContain(r.w);
      expect(r.w).toBe(1 + (draw(seed, 1, 0, r.row, STREAM_LEARNING_BASE) % 1024 < 476 ? 1 : 0));
      if (r.w === 2) ones++;
    }
    // 476/1024 = 0.465; 300 draws: sd ≈ 0.029, so ±0.1 is > 3 sd.
    expect(Math.abs(ones / n - 476 / 1024)).toBeLessThan(0.1);
  });

  it('stochastic rounding is unbiased (property)', () => {
    fc.assert(fc.property(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 12 }), (x, n) => {
      let sum = 0;
      const k = 64;
      for (let i = 0; i < k; i++) {
        const y = rr(x, n, draw(9, i, 0, x & 0xffff, 99));
        expect(y === Math.floor(x / 2 ** n) || y === Math.floor(x / 2 ** n) + 1).toBe(true);
        sum += y;
      }
      // The mean of 64 draws is within 0.5 of x / 2^n (sd ≤ 0.0625).
      expect(Math.abs(sum / k - x / 2 ** n)).toBeLessThan(0.5);
    }), { numRuns: 40 });
  });
});
