/** lowerRule: sum-of-products normalisation, scales, gates, capability checks per target; validateProgram. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expand, lowerRule, toMantExp, type RuleLoweringContext } from '../../compiler/lower/microcode.js';
import { validateProgram } from '../../emulator/learning/program.js';
import { describeProgram, eventOpCounts } from '../../emulator/learning/describe.js';
import type { Gate, LearningRule, RuleEvent, Signal } from '../../compiler/model.js';
import { mul, network, neg, num, postState, profile, projection, signal, sp, sub, trace, v, weight } from './net.js';

const steps: Record<string, number> = { v: 1 / 2048, i: 1 / 2048, u: 0.01 };

function ctx(rule: LearningRule, target: string, extra: Partial<RuleLoweringContext> = {}, signals: Signal[] = []): RuleLoweringContext {
  const proj = projection(rule.name);
  return {
    network: network([rule], [proj], { signals }), projection: proj, rule, profile: profile(target),
    postModel: target === 'nsat' ? 'nsat' : target === 'loihi1' ? 'loihi' : 'cuba',
    weightStep: 0.01, postStateStep: (s) => steps[s], dt: 0.001, ...extra,
  };
}

const ev = (trigger: RuleEvent['trigger'], gates: Gate[], updates: RuleEvent['updates']): RuleEvent => ({ trigger, gates, updates, span: sp() });

/** eRBP: on pre when post.v in (−1.15, 1.15) and t mod 250 ms >= 50 ms { w += η · post.u }. */
function erbp(eta: number): LearningRule {
  const gates: Gate[] = [
    { kind: 'range', ref: { kind: 'post_state', name: 'v' }, lo: -1.15, hi: 1.15, loInclusive: false, hiInclusive: false, span: sp() },
    { kind: 'time_window', period: 0.25, op: '>=', value: 0.05, span: sp() },
  ];
  return { name: 'erbp', span: sp(), traces: [], events: [ev({ kind: 'pre' }, gates, [{ op: '+=', expr: mul(num(eta), postState('u')), span: sp() }])], stochasticRounding: false };
}

function stdp(): LearningRule {
  return {
    name: 'stdp', span: sp(), stochasticRounding: false,
    traces: [
      { name: 'x', span: sp(), side: 'pre', tau: 0.02, impulse: 1 },
      { name: 'y', span: sp(), side: 'post', tau: 0.02, impulse: 1 },
    ],
    events: [
      ev({ kind: 'pre' }, [], [{ op: '-=', expr: mul(num(0.01), trace('post', 'y')), span: sp() }]),
      ev({ kind: 'post' }, [], [{ op: '+=', expr: mul(num(0.01), trace('pre', 'x')), span: sp() }]),
    ],
  };
}

describe('sum-of-products expansion', () => {
  it('distributes, collects like terms and folds constants', () => {
    // 2·(u − 3·w) + w·4 = 2u − 2w
    const e = expand(sub(mul(num(2), sub(postState('u'), mul(num(3), weight()))), neg(mul(weight(), num(4)))));
    if ('error' in e) throw new Error(e.error);
    const byKey = Object.fromEntries(e.products.map((p) => [p.refs.map((r) => r.ref.kind).join('*'), p.c]));
    expect(byKey).toEqual({ post_state: 2, weight: -2 });
  });

  it('rejects division by a variable', () => {
    const e = expand({ kind: 'binary', op: '/', left: num(1), right: postState('u'), span: sp() });
    expect('error' in e).toBe(true);
  });

  it('mant·2^exp: nearest power of two, or an 8-bit mantissa, within its precision (property)', () => {
    fc.assert(fc.property(fc.double({ min: 1e-7, max: 1e6, noNaN: true }), fc.boolean(), (x, negative) => {
      const ideal = negative ? -x : x;
      const p = toMantExp(ideal, 127);
      expect(Math.abs(p.mant)).toBeLessThanOrEqual(127);
      expect(Math.abs(p.mant * 2 ** p.exp - ideal) / x).toBeLessThanOrEqual(1 / 128 + 1e-12);
      const s = toMantExp(ideal, 1);
      expect(Math.abs(s.mant)).toBe(1);
      expect(Math.abs(Math.log2(Math.abs(s.mant * 2 ** s.exp)) - Math.log2(x))).toBeLessThanOrEqual(0.5 + 1e-9);
    }), { numRuns: 200 });
  });
});

describe('lowerRule', () => {
  it('eRBP on nsat: a shift (hiac), an exact integer boxcar and a time window in steps', () => {
    // η·u_step/w_step = 2^-7·0.01/0.01 = 2^-7 exactly.
    const r = lowerRule(ctx(erbp(2 ** -7), 'nsat'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = r.program!;
    expect(validateProgram(p, 'learning[0]')).toEqual([]);
    expect(p.events).toHaveLength(1);
    const e = p.events[0]!;
    expect(e.trigger).toEqual({ kind: 'pre' });
    // NSAT order: x0 = membrane v, then i, u in declaration order → u = x2.
    expect(e.terms).toEqual([{ mant: 1, exp: -7, factors: [{ kind: 'post_state', state: 'x2' }] }]);
    // −1.15 < v·2^-11 < 1.15 ⇔ −2355 ≤ v ≤ 2355 (1.15·2048 = 2355.2).
    expect(e.gates[0]).toEqual({ kind: 'range', operand: { kind: 'post_state', state: 'x0' }, lo: -2355, hi: 2355, loInclusive: true, hiInclusive: true });
    expect(e.gates[1]).toEqual({ kind: 'time', period: 250, op: '>=', value: 50 });
    expect(r.report[0]!.relError).toBe(0);
    const text = describeProgram(p);
    expect(text).toMatch(/1 addition, 2 comparisons per synapse/);
    expect(eventOpCounts(e)).toMatchObject({ additions: 1, comparisons: 2, multiplications: 0, shifts: 0, perPostShifts: 1, perEventComparisons: 1 });
  });

  it('eRBP on nsat with η = 1e-3: power-of-two scale, relative error reported', () => {
    const r = lowerRule(ctx(erbp(1e-3), 'nsat'));
    expect(r.program!.events[0]!.terms[0]).toMatchObject({ mant: 1, exp: -10 });
    expect(r.report[0]!.relError).toBeCloseTo(Math.abs(2 ** -10 - 1e-3) / 1e-3, 10);
  });

  it('eRBP on default: 8-bit mantissa, cuba state names', () => {
    const r = lowerRule(ctx(erbp(1e-3), 'default'));
    const t = r.program!.events[0]!.terms[0]!;
    expect(t.factors).toEqual([{ kind: 'post_state', state: 'u' }]);
    expect(Math.abs(t.mant * 2 ** t.exp - 1e-3) / 1e-3).toBeLessThan(1 / 128);
  });

  it('eRBP on loihi1: capability errors naming the rule, the feature and the target, at the right spans', () => {
    const rule = erbp(1e-3);
    const r = lowerRule(ctx(rule, 'loihi1'));
    expect(r.program).toBeUndefined();
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    const read = errors.find((d) => d.code === 'SNN3304')!;
    expect(read.message).toMatch(/rule `erbp`.*post\.u.*loihi1/);
    const gate = errors.find((d) => d.code === 'SNN3305')!;
    expect(gate.message).toMatch(/erbp.*loihi1/);
    const gateSpans = rule.events[0]!.gates.map((g) => g.span);
    expect(gateSpans).toContainEqual(gate.span);
  });

  it('STDP on loihi1 compiles to a two-event sum of products over 7-bit stochastic traces', () => {
    const r = lowerRule(ctx(stdp(), 'loihi1'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = r.program!;
    expect(validateProgram(p, 'learning[0]')).toEqual([]);
    expect(p.traces.map((t) => [t.side, t.bits, t.stochastic, t.impulse])).toEqual([['pre', 7, true, 16], ['post', 7, true, 16]]);
    // decay factor round(exp(−1/20)·4096) = 3896
    expect(p.traces[0]!.decay).toEqual({ kind: 'multiplicative', factor: 3896, fracBits: 12 });
    // w −= 0.01·y: ideal = −0.01·(1/16)/0.01 = −2^-4; w += 2^-4·x.
    expect(p.events[0]!.terms).toEqual([{ mant: -1, exp: -4, factors: [{ kind: 'post_trace', index: 1 }] }]);
    expect(p.events[1]!.terms).toEqual([{ mant: 1, exp: -4, factors: [{ kind: 'pre_trace', index: 0 }] }]);
  });

  it('STDP on nsat is rejected (no traces, no sum-of-products form)', () => {
    const r = lowerRule(ctx(stdp(), 'nsat'));
    expect(r.program).toBeUndefined();
    expect(r.diagnostics.some((d) => d.code === 'SNN3302' && /stdp/.test(d.message) && /nsat/.test(d.message))).toBe(true);
  });

  it('a target without learning gives one error', () => {
    const r = lowerRule(ctx(stdp(), 'truenorth'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SNN3301']);
  });

  it('eCD-style modulated rule on default: signal quantised, schedule in steps', () => {
    const g: Signal = { kind: 'schedule', name: 'g', span: sp(), segments: [{ from: 0.01, to: 0.05, value: 1 }, { from: 0.06, to: 0.1, value: -1 }], otherwise: 0 };
    const rule: LearningRule = {
      name: 'ecd', span: sp(), stochasticRounding: true,
      traces: [{ name: 'x', span: sp(), side: 'pre', tau: 0.004, impulse: 1 }, { name: 'y', span: sp(), side: 'post', tau: 0.004, impulse: 1 }],
      events: [
        ev({ kind: 'pre' }, [], [{ op: '+=', expr: mul(mul(num(0.01), signal('g')), trace('post', 'y')), span: sp() }]),
        ev({ kind: 'post' }, [], [{ op: '+=', expr: mul(mul(num(0.01), signal('g')), trace('pre', 'x')), span: sp() }]),
      ],
    };
    const r = lowerRule(ctx(rule, 'default', {}, [g]));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = r.program!;
    expect(p.rounding).toBe('stochastic');
    expect(p.modulators).toEqual([{ name: 'g', initial: 0, schedule: { segments: [{ from: 10, to: 50, value: 1 }, { from: 60, to: 100, value: -1 }], otherwise: 0 } }]);
    expect(p.events[0]!.terms[0]!.factors).toEqual([{ kind: 'modulator', index: 0 }, { kind: 'post_trace', index: 1 }]);
    expect(lowerRule(ctx(rule, 'loihi1', {}, [g])).diagnostics.some((d) => d.code === 'SNN3304' && /`g`/.test(d.message))).toBe(true);
  });

  it('unknown post state and division by a variable are errors with spans', () => {
    const bad: LearningRule = { ...erbp(1e-3), events: [ev({ kind: 'pre' }, [], [{ op: '+=', expr: postState('zz'), span: sp() }])] };
    const r = lowerRule(ctx(bad, 'default'));
    expect(r.diagnostics.find((d) => d.code === 'SNN3311')?.hint).toMatch(/`u`/);
    const div: LearningRule = { ...erbp(1e-3), events: [ev({ kind: 'pre' }, [], [{ op: '+=', expr: { kind: 'binary', op: '/', left: num(1), right: postState('u'), span: sp() }, span: sp() }])] };
    expect(lowerRule(ctx(div, 'default')).diagnostics.some((d) => d.code === 'SNN3310' && d.span !== undefined)).toBe(true);
  });

  it('`-=` negates, bounds convert to weight units, drivenBy is carried', () => {
    const rule: LearningRule = { ...erbp(2 ** -7), bounds: [-1, 0.5] };
    const proj = projection('erbp', { drivenBy: 'h->out' });
    const r = lowerRule({ ...ctx(rule, 'default'), projection: proj });
    expect(r.program!.bounds).toEqual([-100, 50]);
    expect(r.program!.drivenBy).toBe('h->out');
    const minus: LearningRule = { ...erbp(2 ** -7), events: [ev({ kind: 'pre' }, [], [{ op: '-=', expr: mul(num(2 ** -7), postState('u')), span: sp() }])] };
    expect(lowerRule(ctx(minus, 'default')).program!.events[0]!.terms[0]!.mant).toBe(-1);
    const cmp: LearningRule = { ...erbp(2 ** -7), events: [ev({ kind: 'pre' }, [{ kind: 'compare', left: num(0.5), op: '<', right: v({ kind: 'post_state', name: 'v' }), span: sp() }], [{ op: '+=', expr: postState('u'), span: sp() }])] };
    // 0.5 < v·2^-11 ⇔ v ≥ 1025
    expect(lowerRule(ctx(cmp, 'default')).program!.events[0]!.gates[0]).toEqual({ kind: 'compare', operand: { kind: 'post_state', state: 'v' }, op: '>=', value: 1025 });
  });
});

describe('validateProgram', () => {
  const good = () => lowerRule(ctx(stdp(), 'loihi1')).program! as unknown as Record<string, unknown>;

  it('names the offending field', () => {
    const p = good();
    (p.events as { terms: { exp: number }[] }[])[0]!.terms[0]!.exp = 99;
    const ds = validateProgram(p, 'learning[3]');
    expect(ds).toHaveLength(1);
    expect(ds[0]!.path?.field).toBe('learning[3].events[0].terms[0].exp');
    expect(validateProgram({ ...good(), kind: 'loihi-ucode' }, 'learning[0]')[0]!.message).toMatch(/unknown learning program kind/);
    const q = good();
    (q.events as { terms: { factors: unknown[] }[] }[])[0]!.terms[0]!.factors = [{ kind: 'pre_trace', index: 1 }];
    expect(validateProgram(q, 'learning[0]')[0]!.message).toMatch(/not a pre trace/);
  });

  it('never throws on arbitrary JSON (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), (j) => {
      expect(Array.isArray(validateProgram(j, 'learning[0]'))).toBe(true);
    }), { numRuns: 200 });
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom('events', 'traces', 'modulators', 'bounds', 'rounding', 'accumulatorBits'), (j, k) => {
      expect(validateProgram({ ...good(), [k]: j }, 'learning[0]').every((d) => d.code === 'SNN4010')).toBe(true);
    }), { numRuns: 200 });
  });
});
