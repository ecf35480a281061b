/**
 * The per-post fast path's dense-row machinery (open-compartment list, rows found by offset from their first
 * target, closed gates skipping whole rows, gates as integer intervals, the draw with a pre-scrambled stream
 * word) against the general path (`fastPath: false`): random per-post programs on networks whose rows are dense,
 * contiguous sub-ranges or sparse, with initial weights outside the bounds (so a clamp that should or should not
 * happen shows), and gate bounds that are not integers (the engine accepts unvalidated programs).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { gateInterval, gateOpen, SopLearningEngine, type GateTest } from '../../emulator/learning/engine.js';
import { drawWithStreamKey, streamKey } from '../../emulator/prng.js';
import { toIrProgram, type EventDef, type FactorRef, type GateDef, type SopProgram } from '../../emulator/learning/program.js';
import { draw, drawPrefix } from '../../emulator/prng.js';
import type { DendriteIr } from '../../ir/types.js';
import { buildIr } from './net.js';

describe('draw with a pre-scrambled stream word', () => {
  it('drawWithStreamKey(drawPrefix(seed, step, core), index, streamKey(stream)) has the bits of draw(seed, step, core, index, stream)', () => {
    const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    fc.assert(
      fc.property(u32, u32, u32, u32, u32, (seed, step, core, index, stream) => {
        expect(drawWithStreamKey(drawPrefix(seed, step, core), index, streamKey(stream)) >>> 0).toBe(draw(seed, step, core, index, stream));
      }),
      { numRuns: 300 },
    );
  });
});

describe('gates as integer intervals', () => {
  it('gateInterval agrees with gateOpen on every integer operand, for integer and fractional bounds', () => {
    const bound = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -40, max: 40 }).map((x) => x / 2), fc.double({ min: -20, max: 20, noNaN: true }));
    const gate: fc.Arbitrary<GateTest> = fc.oneof(
      fc.record({ lo: bound, hi: bound, loInc: fc.boolean(), hiInc: fc.boolean() }).map((g): GateTest => ({ kind: 'range', ...g, op: 0, value: 0 })),
      fc.record({ op: fc.integer({ min: 0, max: 5 }), value: bound }).map((g): GateTest => ({ kind: 'compare', lo: 0, hi: 0, loInc: false, hiInc: false, ...g })),
    );
    fc.assert(
      fc.property(gate, (g) => {
        const iv = gateInterval(g);
        for (let x = -25; x <= 25; x++) {
          const open = iv.ne ? x !== iv.lo : x >= iv.lo && x <= iv.hi;
          expect(open).toBe(gateOpen(g, x));
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Network: in (Poisson 6) → h (cuba 12: i, v, dendrite u), err (Poisson 3) → h.u, h → o (cuba 4). Both forward
// projections plastic. Row shapes per pre neuron: dense (every post), a contiguous run [a, b), or sparse.

type RowShape = { kind: 'dense' } | { kind: 'run'; from: number; to: number } | { kind: 'sparse'; keep: boolean[] };

const H = 12;
const O = 4;

function rowShape(cols: number): fc.Arbitrary<RowShape> {
  return fc.oneof(
    fc.constant<RowShape>({ kind: 'dense' }),
    fc.integer({ min: 0, max: cols - 1 }).chain((from) => fc.integer({ min: from + 1, max: cols }).map((to): RowShape => ({ kind: 'run', from, to }))),
    fc.array(fc.boolean(), { minLength: cols, maxLength: cols }).map((keep): RowShape => ({ kind: 'sparse', keep })),
  );
}

function matrix(shapes: readonly RowShape[], cols: number, w: (i: number, j: number) => number): (number | null)[][] {
  return shapes.map((s, i) => Array.from({ length: cols }, (_, j) => {
    const on = s.kind === 'dense' || (s.kind === 'run' ? j >= s.from && j < s.to : s.keep[j]!);
    return on ? w(i, j) : null;
  }));
}

/** Weights spread over [−400, 400): some outside [weightMin, weightMax] = [−250, 250] and the programs' bounds. */
const weightAt = (salt: number) => (i: number, j: number) => Math.floor((draw(5, i, j, salt, 77) / 2 ** 32) * 800) - 400;

function network(pIn: SopProgram, pOut: SopProgram, inRows: readonly RowShape[], outRows: readonly RowShape[], seed: number): DendriteIr {
  return buildIr(
    [
      { name: 'in', size: 6, kind: 'poisson', rates: [0.5, 0.3, 0.4, 0.2, 0.45, 0.25] },
      { name: 'err', size: 3, kind: 'poisson', rates: [0.2, 0.1, 0.15] },
      { name: 'h', size: H, kind: 'cuba', cuba: { current: 1024, vDecay: 256, threshold: 300, refractory: 1, dendrite: 800 } },
      { name: 'o', size: O, kind: 'cuba', cuba: { current: 1024, vDecay: 256, threshold: 200 } },
    ],
    [
      { name: 'in->h', pre: 'in', post: 'h', weights: matrix(inRows, H, weightAt(1)), program: toIrProgram(pIn), weightMin: -250, weightMax: 250 },
      { name: 'err->h.u', pre: 'err', post: 'h', port: 1, weights: matrix([{ kind: 'dense' }, { kind: 'dense' }, { kind: 'dense' }], H, (i, j) => ((i * 7 + j * 5) % 11) * 60 - 300) },
      { name: 'h->o', pre: 'h', post: 'o', weights: matrix(outRows, O, weightAt(2)), program: toIrProgram(pOut), weightMin: -250, weightMax: 250 },
    ],
    seed,
  );
}

/** A per-post program (post states, post traces, a modulator); gate bounds may be halves; gates may read the modulator. */
function programArb(states: readonly string[]): fc.Arbitrary<SopProgram> {
  return fc.record({ trace: fc.boolean(), mod: fc.boolean(), modInitial: fc.integer({ min: -3, max: 3 }) }).chain(({ trace, mod, modInitial }) => {
    const opts: fc.Arbitrary<FactorRef>[] = [fc.constantFrom(...states).map((state): FactorRef => ({ kind: 'post_state', state }))];
    if (trace) opts.push(fc.constant<FactorRef>({ kind: 'post_trace', index: 0 }));
    if (mod) opts.push(fc.constant<FactorRef>({ kind: 'modulator', index: 0 }));
    const factor = fc.oneof(...opts);
    // Wide bounds, halves, and small integers that traces (often exactly 0) and states hit exactly.
    const bound = fc.oneof(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: -6000, max: 6000 }).map((x) => x / 2), fc.integer({ min: -3, max: 3 }));
    const gate: fc.Arbitrary<GateDef> = fc.oneof(
      fc.record({ operand: factor, a: bound, w: fc.oneof(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 0, max: 3 }), fc.constant(0.5)), loInclusive: fc.boolean(), hiInclusive: fc.boolean() })
        .map(({ operand, a, w, loInclusive, hiInclusive }): GateDef => ({ kind: 'range', operand, lo: a, hi: a + w, loInclusive, hiInclusive })),
      fc.record({ operand: factor, op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const, '==' as const, '!=' as const), value: fc.oneof(bound, fc.integer({ min: -3, max: 3 })) })
        .map(({ operand, op, value }): GateDef => ({ kind: 'compare', operand, op, value })),
      fc.record({ period: fc.integer({ min: 1, max: 12 }), value: fc.integer({ min: 0, max: 6 }) })
        .map(({ period, value }): GateDef => ({ kind: 'time', period, op: '>=', value })),
    );
    const event: fc.Arbitrary<EventDef> = fc.record({
      trigger: fc.oneof(fc.constant({ kind: 'pre' as const }), fc.constant({ kind: 'pre' as const }), fc.constant({ kind: 'post' as const }), fc.integer({ min: 0, max: 3 }).map((log2Period) => ({ kind: 'periodic' as const, log2Period }))),
      gates: fc.array(gate, { maxLength: 3 }),
      op: fc.constantFrom('add' as const, 'add' as const, 'set' as const),
      terms: fc.array(fc.record({ mant: fc.integer({ min: -300, max: 300 }), exp: fc.integer({ min: -14, max: 2 }), factors: fc.array(factor, { maxLength: 2 }) }), { minLength: 1, maxLength: 2 }),
    });
    return fc.record({
      rounding: fc.constantFrom('toward_zero' as const, 'floor' as const, 'stochastic' as const),
      accumulatorBits: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 9, max: 48 })),
      bounds: fc.option(fc.integer({ min: -200, max: 100 }).chain((lo) => fc.integer({ min: lo, max: lo + 300 }).map((hi): [number, number] => [lo, hi])), { nil: null }),
      events: fc.array(event, { minLength: 1, maxLength: 2 }),
    }).map(({ rounding, accumulatorBits, bounds, events }): SopProgram => ({
      kind: 'sop', rule: 'random', projection: 'p', rounding, accumulatorBits, bounds, drivenBy: null,
      traces: trace ? [{ name: 'y', side: 'post', bits: 8, decay: { kind: 'shift', shift: 2 }, impulse: 40, impulseFracBits: 0, stochastic: false }] : [],
      modulators: mod ? [{ name: 'g', initial: modInitial, schedule: { segments: [{ from: 20, to: 50, value: -modInitial }], otherwise: modInitial } }] : [],
      events,
    }));
  });
}

function run(ir: DendriteIr, fastPath: boolean, steps: number) {
  const engine = new SopLearningEngine(ir, { fastPath });
  const emu = new Emulator(ir, { learning: engine });
  for (let t = 0; t < steps; t++) {
    if (t === 40) engine.setSampleStart(emu.t + 1);
    emu.step();
  }
  return { engine, weights: [...emu.cores[0]!.weights], learningUpdates: emu.cores[0]!.counters.learningUpdates };
}

describe('fast path on dense and contiguous rows = general path, bit for bit', () => {
  it('random per-post programs, row shapes and out-of-bounds initial weights', () => {
    let changed = 0;
    const numRuns = 60;
    fc.assert(
      fc.property(
        programArb(['i', 'v', 'u']), programArb(['i', 'v']),
        fc.array(rowShape(H), { minLength: 6, maxLength: 6 }), fc.array(rowShape(O), { minLength: H, maxLength: H }),
        fc.integer({ min: 1, max: 1000 }),
        (pIn, pOut, inRows, outRows, seed) => {
          const ir = network(pIn, pOut, inRows, outRows, seed);
          const fast = run(ir, true, 100);
          const slow = run(ir, false, 100);
          expect(fast.engine.usesFastPath(0, 0)).toBe(true);
          expect(fast.weights).toEqual(slow.weights);
          expect(fast.learningUpdates).toBe(slow.learningUpdates);
          if (fast.weights.some((w, r) => w !== ir.cores[0]!.synapses.weights[r])) changed++;
        },
      ),
      { numRuns },
    );
    // Not vacuous: most programs change some weight within 100 steps.
    expect(changed).toBeGreaterThan(numRuns / 2);
  });
});

describe('a closed gate leaves a weight alone; an open one with Δ = 0 still clamps it', () => {
  // One dense row in → h; every initial weight is 400, above weightMax = 250. Δ = trunc(0 · v) = 0 always.
  const program = (open: boolean): SopProgram => ({
    kind: 'sop', rule: 'gate', projection: 'p', rounding: 'toward_zero', accumulatorBits: 16, bounds: null, traces: [], modulators: [], drivenBy: null,
    events: [{
      trigger: { kind: 'pre' },
      gates: [{ kind: 'compare', operand: { kind: 'post_state', state: 'v' }, op: open ? '>=' : '<', value: -(2 ** 30) }],
      op: 'add', terms: [{ mant: 0, exp: 0, factors: [{ kind: 'post_state', state: 'v' }] }],
    }],
  });
  const ir = (open: boolean) => buildIr(
    [{ name: 'in', size: 1, kind: 'poisson', rates: [1] }, { name: 'h', size: H, kind: 'cuba', cuba: { current: 1024, vDecay: 256, threshold: 10 ** 6 } }],
    [{ name: 'in->h', pre: 'in', post: 'h', weights: [Array.from({ length: H }, () => 400)], program: toIrProgram(program(open)), weightMin: -250, weightMax: 250 }],
  );
  for (const fastPath of [true, false]) {
    it(`fastPath ${fastPath}`, () => {
      const closed = run(ir(false), fastPath, 3);
      const opened = run(ir(true), fastPath, 3);
      expect(closed.weights).toEqual(Array.from({ length: H }, () => 400));
      expect(opened.weights).toEqual(Array.from({ length: H }, () => 250));
      // Learning ops count every synapse a pre spike reaches, gate open or not.
      expect(closed.learningUpdates).toBe(3 * H);
      expect(opened.learningUpdates).toBe(3 * H);
    });
  }
});
