/**
 * The learning engine's per-post fast path gives bit-identical results to the general path (every gate and factor
 * evaluated per synapse): random programs on a small network, run once with each path, must leave identical
 * weights, traces, registers and learning-op counts. Also: the split keyed draw equals prng.draw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { SopLearningEngine } from '../../emulator/learning/engine.js';
import { drawPrefix, drawWithPrefix } from '../../emulator/prng.js';
import { toIrProgram, validateProgram, type EventDef, type FactorRef, type GateDef, type SopProgram, type TermDef, type TraceDef } from '../../emulator/learning/program.js';
import { draw } from '../../emulator/prng.js';
import type { DendriteIr } from '../../ir/types.js';
import { buildIr } from './net.js';

describe('split keyed draw', () => {
  it('drawWithPrefix(drawPrefix(seed, step, core), index, stream) = draw(seed, step, core, index, stream)', () => {
    const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    fc.assert(
      fc.property(u32, u32, u32, u32, u32, (seed, step, core, index, stream) => {
        expect(drawWithPrefix(drawPrefix(seed, step, core), index, stream)).toBe(draw(seed, step, core, index, stream));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Random programs on a fixed small network: in (Poisson 6) → h (cuba 5: current i, membrane v, dendrite u),
// err (Poisson 3) → h.u (frozen, signed), h → o (cuba 3: i, v). Plastic: in→h and h→o, sparse rows.

const rnd = (i: number, j: number, s: number) => (draw(11, i, j, s, 99) >>> 0) / 2 ** 32;
const sparse = (rows: number, cols: number, lo: number, hi: number, s: number) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (rnd(i, j, s) < 0.25 ? null : Math.round(lo + (hi - lo) * rnd(i, j, s + 1)))));

function network(pIn: SopProgram, pOut: SopProgram, seed: number): DendriteIr {
  return buildIr(
    [
      { name: 'in', size: 6, kind: 'poisson', rates: [0.3, 0.2, 0.25, 0.1, 0.35, 0.15] },
      { name: 'err', size: 3, kind: 'poisson', rates: [0.2, 0.1, 0.15] },
      { name: 'h', size: 5, kind: 'cuba', cuba: { current: 1024, vDecay: 256, threshold: 300, refractory: 1, dendrite: 800 } },
      { name: 'o', size: 3, kind: 'cuba', cuba: { current: 1024, vDecay: 256, threshold: 200 } },
    ],
    [
      { name: 'in->h', pre: 'in', post: 'h', weights: sparse(6, 5, -60, 200, 1), program: toIrProgram(pIn), weightMin: -250, weightMax: 250 },
      { name: 'err->h.u', pre: 'err', post: 'h', port: 1, weights: sparse(3, 5, -300, 300, 3) },
      { name: 'h->o', pre: 'h', post: 'o', weights: sparse(5, 3, -40, 300, 5), program: toIrProgram(pOut), weightMin: -300, weightMax: 300 },
    ],
    seed,
  );
}

const postTrace = (k: number): FactorRef => ({ kind: 'post_trace', index: k });

/** A random program; `states` are the post states its target group has. `general` allows pre-trace/weight reads. */
function programArb(states: readonly string[], general: boolean): fc.Arbitrary<SopProgram> {
  const traceArb: fc.Arbitrary<TraceDef> = fc.record({
    name: fc.constantFrom('x', 'y'),
    side: general ? fc.constantFrom('pre' as const, 'post' as const) : fc.constant('post' as const),
    bits: fc.integer({ min: 3, max: 10 }),
    decay: fc.oneof(
      fc.integer({ min: 0, max: 8 }).chain((fb) => fc.integer({ min: 0, max: 2 ** fb }).map((factor) => ({ kind: 'multiplicative' as const, factor, fracBits: fb }))),
      fc.integer({ min: 0, max: 4 }).map((shift) => ({ kind: 'shift' as const, shift })),
      fc.constant({ kind: 'none' as const }),
    ),
    impulse: fc.integer({ min: 0, max: 64 }),
    impulseFracBits: fc.integer({ min: 0, max: 3 }),
    stochastic: fc.boolean(),
  });
  return fc.record({
    traces: fc.array(traceArb, { maxLength: 2 }),
    mods: fc.array(fc.record({
      initial: fc.integer({ min: -4, max: 4 }),
      scheduled: fc.boolean(),
      value: fc.integer({ min: -3, max: 3 }),
    }), { maxLength: 1 }),
  }).chain(({ traces, mods }) => {
    const factor = (): fc.Arbitrary<FactorRef> => {
      const opts: fc.Arbitrary<FactorRef>[] = [fc.constantFrom(...states).map((state): FactorRef => ({ kind: 'post_state', state }))];
      traces.forEach((t, k) => {
        if (t.side === 'post') opts.push(fc.constant(postTrace(k)));
        else opts.push(fc.constant<FactorRef>({ kind: 'pre_trace', index: k }));
      });
      if (mods.length > 0) opts.push(fc.constant<FactorRef>({ kind: 'modulator', index: 0 }));
      if (general) opts.push(fc.constant<FactorRef>({ kind: 'weight' }));
      return fc.oneof(...opts);
    };
    const gate: fc.Arbitrary<GateDef> = fc.oneof(
      fc.record({ operand: factor(), a: fc.integer({ min: -3000, max: 3000 }), w: fc.integer({ min: 0, max: 6000 }), loInclusive: fc.boolean(), hiInclusive: fc.boolean() })
        .map(({ operand, a, w, loInclusive, hiInclusive }): GateDef => ({ kind: 'range', operand, lo: a, hi: a + w, loInclusive, hiInclusive })),
      fc.record({ operand: factor(), op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const, '==' as const, '!=' as const), value: fc.integer({ min: -500, max: 500 }) })
        .map(({ operand, op, value }): GateDef => ({ kind: 'compare', operand, op, value })),
      fc.record({ period: fc.integer({ min: 1, max: 20 }), op: fc.constantFrom('<' as const, '>=' as const, '!=' as const), value: fc.integer({ min: 0, max: 10 }) })
        .map(({ period, op, value }): GateDef => ({ kind: 'time', period, op, value })),
    );
    const term: fc.Arbitrary<TermDef> = fc.record({
      mant: fc.integer({ min: -300, max: 300 }),
      exp: fc.integer({ min: -24, max: 3 }),
      factors: fc.array(factor(), { maxLength: 2 }),
    });
    const event: fc.Arbitrary<EventDef> = fc.record({
      trigger: fc.oneof(fc.constant({ kind: 'pre' as const }), fc.constant({ kind: 'post' as const }), fc.integer({ min: 0, max: 3 }).map((log2Period) => ({ kind: 'periodic' as const, log2Period }))),
      gates: fc.array(gate, { maxLength: 2 }),
      op: fc.constantFrom('add' as const, 'add' as const, 'set' as const),
      terms: fc.array(term, { minLength: 1, maxLength: 3 }),
    });
    return fc.record({
      rounding: fc.constantFrom('toward_zero' as const, 'floor' as const, 'stochastic' as const),
      accumulatorBits: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 9, max: 48 })),
      bounds: fc.option(fc.integer({ min: -200, max: 100 }).chain((lo) => fc.integer({ min: lo, max: lo + 300 }).map((hi): [number, number] => [lo, hi])), { nil: null }),
      events: fc.array(event, { minLength: 1, maxLength: 3 }),
    }).map(({ rounding, accumulatorBits, bounds, events }): SopProgram => ({
      kind: 'sop', rule: 'random', projection: 'p', rounding, accumulatorBits, bounds, drivenBy: null,
      traces: traces.map((t, k) => ({ ...t, name: `${t.name}${k}` })),
      modulators: mods.map((m) => ({
        name: 'g', initial: m.initial,
        schedule: m.scheduled ? { segments: [{ from: 10, to: 40, value: m.value }, { from: 60, to: 90, value: -m.value }], otherwise: m.initial } : null,
      })),
      events,
    }));
  });
}

interface RunResult {
  weights: number[];
  traces: number[][];
  learningUpdates: number;
  modulator: number | undefined;
}

function run(ir: DendriteIr, fastPath: boolean, steps: number): { result: RunResult; engine: SopLearningEngine } {
  const engine = new SopLearningEngine(ir, { fastPath });
  const emu = new Emulator(ir, { learning: engine });
  for (let t = 0; t < steps; t++) {
    if (t === 50) engine.setSampleStart(emu.t + 1);
    emu.step();
  }
  const traces = [0, 2].flatMap((gi) => engine.traces(0, gi).map((tv) => [...tv.values]));
  return {
    engine,
    result: { weights: [...emu.cores[0]!.weights], traces, learningUpdates: emu.cores[0]!.counters.learningUpdates, modulator: engine.modulator('g') },
  };
}

describe('per-post fast path = general path, bit for bit', () => {
  const check = (general: boolean, numRuns: number) => {
    let changed = 0;
    let fastEvents = 0;
    let events = 0;
    fc.assert(
      fc.property(programArb(['i', 'v', 'u'], general), programArb(['i', 'v'], general), fc.integer({ min: 1, max: 1000 }), (pIn, pOut, seed) => {
        expect(validateProgram(pIn, 'in')).toEqual([]);
        expect(validateProgram(pOut, 'out')).toEqual([]);
        const ir = network(pIn, pOut, seed);
        const w0 = [...ir.cores[0]!.synapses.weights];
        const fast = run(ir, true, 120);
        const slow = run(ir, false, 120);
        expect(fast.result).toEqual(slow.result);
        if (fast.result.weights.some((w, r) => w !== w0[r])) changed++;
        [pIn, pOut].forEach((p, pi) => p.events.forEach((_, e) => {
          events++;
          if (fast.engine.usesFastPath(pi, e)) fastEvents++;
          expect(slow.engine.usesFastPath(pi, e)).toBe(false);
        }));
      }),
      { numRuns },
    );
    return { changed, fastEvents, events, numRuns };
  };

  it('on programs that read only per-post values (all events take the fast path)', () => {
    const s = check(false, 60);
    expect(s.fastEvents).toBe(s.events);
    // Not vacuous: most random programs do change weights within 120 steps.
    expect(s.changed).toBeGreaterThan(s.numRuns / 2);
  });

  it('on programs mixing per-post events with events that read pre traces or the weight (general path)', () => {
    const s = check(true, 40);
    expect(s.fastEvents).toBeGreaterThan(0);
    expect(s.fastEvents).toBeLessThan(s.events);
    expect(s.changed).toBeGreaterThan(s.numRuns / 2);
  });

  it('on the eRBP rule (pre-triggered, boxcar gate on post.i, w += η·post.u, stochastic rounding)', () => {
    const erbp = (shift: number, gate: number): SopProgram => ({
      kind: 'sop', rule: 'erbp', projection: 'p', rounding: 'stochastic', accumulatorBits: 32, bounds: null, traces: [], modulators: [], drivenBy: null,
      events: [{
        trigger: { kind: 'pre' },
        gates: [{ kind: 'range', operand: { kind: 'post_state', state: 'i' }, lo: -gate, hi: gate, loInclusive: true, hiInclusive: true }, { kind: 'time', period: 25, op: '>=', value: 5 }],
        op: 'add', terms: [{ mant: 119, exp: -shift, factors: [{ kind: 'post_state', state: 'u' }] }],
      }],
    });
    const uOfO: SopProgram = { ...erbp(9, 1500), events: [{ ...erbp(9, 1500).events[0]!, terms: [{ mant: 65, exp: -9, factors: [{ kind: 'post_state', state: 'v' }] }] }] };
    const ir = network(erbp(8, 2000), uOfO, 5);
    const fast = run(ir, true, 400);
    const slow = run(ir, false, 400);
    expect(fast.engine.usesFastPath(0, 0)).toBe(true);
    expect(fast.result).toEqual(slow.result);
    expect(fast.result.learningUpdates).toBeGreaterThan(100);
    expect(fast.result.weights).not.toEqual([...ir.cores[0]!.synapses.weights]);
  });
});
