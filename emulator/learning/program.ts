/**
 * The learning microcode (`LearningProgram` of kind `"sop"`, sum of products): what the compiler emits for a
 * plastic projection and what `engine.ts` executes. JSON-serialisable (it lives in `DendriteIr.learning`);
 * `validateProgram` checks every field on load. Format reference: docs/learning.md.
 *
 * One program per plastic projection. Per event (trigger + gates), for each affected synapse:
 * ```
 * F   = max(0, −min_i exp_i)                                      (fraction bits of the sum)
 * acc = Σ_i mant_i · 2^(exp_i + F) · Π_j factor_ij                 (exact integer)
 * Δ   = round(acc / 2^F)          rounding: toward_zero | floor | stochastic (chip PRNG)
 * Δ   = saturate(Δ, accumulatorBits)                               (signed, total width)
 * w   = clamp(op == add ? w + Δ : Δ, max(weightMin, lo), min(weightMax, hi))
 * ```
 */
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { LearningProgram } from '../../ir/types.js';

// ---------------------------------------------------------------------------------------------------------
// Data types

export const SOP_KIND = 'sop' as const;

export type Rounding = 'toward_zero' | 'floor' | 'stochastic';

/** A value an update or gate reads. Traces and modulators are indices into the program's lists. */
export type FactorRef =
  | { readonly kind: 'pre_trace'; readonly index: number }
  | { readonly kind: 'post_trace'; readonly index: number }
  /** A state array of the post compartment's group (`x0`, `x1` for NSAT; `v`, `i`, `u` or the dendrite's name). */
  | { readonly kind: 'post_state'; readonly state: string }
  | { readonly kind: 'modulator'; readonly index: number }
  | { readonly kind: 'weight' };

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type GateDef =
  /** lo < x < hi with per-side inclusivity (integer bounds in the operand's units). */
  | { readonly kind: 'range'; readonly operand: FactorRef; readonly lo: number; readonly hi: number; readonly loInclusive: boolean; readonly hiInclusive: boolean }
  | { readonly kind: 'compare'; readonly operand: FactorRef; readonly op: CompareOp; readonly value: number }
  /** (t mod period) op value, t = steps since the start of the current sample (see engine `setSampleStart`). */
  | { readonly kind: 'time'; readonly period: number; readonly op: CompareOp; readonly value: number };

export type TriggerDef =
  | { readonly kind: 'pre' }
  | { readonly kind: 'post' }
  /** Every 2^log2Period steps (at steps t with t mod 2^k = 0), for every synapse of the group. */
  | { readonly kind: 'periodic'; readonly log2Period: number };

/** One product term S·Π factors with S = mant · 2^exp. */
export interface TermDef {
  readonly mant: number;
  readonly exp: number;
  readonly factors: readonly FactorRef[];
}

export interface EventDef {
  readonly trigger: TriggerDef;
  /** All must hold. */
  readonly gates: readonly GateDef[];
  /** `add`: w += Δ (a `-=` rule is lowered with negated mantissas); `set`: w = Δ. */
  readonly op: 'add' | 'set';
  readonly terms: readonly TermDef[];
}

export type TraceDecay =
  /** x ← round(x · factor / 2^fracBits); factor in 0..2^fracBits. */
  | { readonly kind: 'multiplicative'; readonly factor: number; readonly fracBits: number }
  /** x ← x − floor(x / 2^shift). */
  | { readonly kind: 'shift'; readonly shift: number }
  | { readonly kind: 'none' };

/** A spike trace: unsigned integer 0..2^bits − 1, one per presynaptic axon (pre) or post compartment (post). */
export interface TraceDef {
  readonly name: string;
  readonly side: 'pre' | 'post';
  readonly bits: number;
  readonly decay: TraceDecay;
  /** Added on each spike of its side, in units of 2^−impulseFracBits trace units. */
  readonly impulse: number;
  readonly impulseFracBits: number;
  /** Round decay and impulse fractions stochastically (Loihi) instead of down. */
  readonly stochastic: boolean;
}

/** A global modulatory register, shared by name across programs. */
export interface ModulatorDef {
  readonly name: string;
  /** Register value before any schedule or host write. */
  readonly initial: number;
  /**
   * Optional schedule over the sample time t (steps since sample start): value of the first segment with
   * from ≤ t < to, else `otherwise`. Without a schedule, the host sets the register (`engine.setModulator`).
   */
  readonly schedule: {
    readonly segments: readonly { readonly from: number; readonly to: number; readonly value: number }[];
    readonly otherwise: number;
  } | null;
  /**
   * Optional per-epoch values (a learning-rate schedule): the host writes `perEpoch[min(e, length − 1)]` into the
   * register at the start of epoch e (0-based; `engine.setEpoch`), as a chip's host rewrites a register between
   * runs. Absent or empty: no per-epoch writes. Exclusive with `schedule`.
   */
  readonly perEpoch?: readonly number[];
}

export interface SopProgram {
  readonly kind: typeof SOP_KIND;
  /** Rule and projection names (for listings and reports). */
  readonly rule: string;
  readonly projection: string;
  readonly rounding: Rounding;
  /** Δ is saturated to this signed total width (2..48). */
  readonly accumulatorBits: number;
  /** Optional bounds tighter than the synapse group's [weightMin, weightMax]. */
  readonly bounds: readonly [number, number] | null;
  readonly traces: readonly TraceDef[];
  readonly modulators: readonly ModulatorDef[];
  readonly events: readonly EventDef[];
  /**
   * Name of the projection (synapse groups with this `name`) whose spikes and post state drive this rule, or
   * null. When set, `pre`/`post` in triggers, traces and post-state factors refer to the driving projection's
   * pre and post neurons, and the synapse updated is this projection's synapse between the same two neurons in
   * the opposite direction (this.pre = driver.post, this.post = driver.pre): feedback weights that learn from
   * forward activity (BFA, Kolen–Pollack-style alignment, SG modules trained on delivered signals).
   */
  readonly drivenBy: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Validation (called by the IR loader on every `learning[i]`)

export const LEARNING_CODE = 'SNN4010';

type Obj = Record<string, unknown>;

class V {
  readonly out: Diagnostic[] = [];
  constructor(readonly file: string) {}
  err(field: string, message: string, hint?: string): void {
    this.out.push({ code: LEARNING_CODE, severity: 'error', message: `${field}: ${message}`, path: { file: this.file, field }, hint });
  }
  obj(v: unknown, f: string): Obj | undefined {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.err(f, `must be an object, found ${describe(v)}`);
      return undefined;
    }
    return v as Obj;
  }
  arr(v: unknown, f: string): unknown[] {
    if (!Array.isArray(v)) {
      this.err(f, `must be an array, found ${describe(v)}`);
      return [];
    }
    return v;
  }
  int(v: unknown, f: string, lo: number, hi: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.err(f, `must be an integer, found ${describe(v)}`);
      return lo;
    }
    if (v < lo || v > hi) this.err(f, `${v} is out of range`, `allowed range: ${lo}..${hi}`);
    return v;
  }
  bool(v: unknown, f: string): void {
    if (typeof v !== 'boolean') this.err(f, `must be true or false, found ${describe(v)}`);
  }
  oneOf(v: unknown, f: string, allowed: readonly string[]): string {
    if (typeof v !== 'string' || !allowed.includes(v)) {
      this.err(f, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, found ${describe(v)}`);
      return allowed[0]!;
    }
    return v;
  }
  str(v: unknown, f: string): void {
    if (typeof v !== 'string') this.err(f, `must be a string, found ${describe(v)}`);
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

const OPS: readonly CompareOp[] = ['<', '<=', '>', '>=', '==', '!='];
const INT_LIMIT = 2 ** 31 - 1;

/**
 * Checks one learning program (`ir.learning[i]`, given as `field`, e.g. `learning[0]`) and returns one
 * diagnostic per problem (code SNN4010, `path.field` names the offending field). Programs of another `kind`
 * are rejected: the engine executes only `sop`.
 */
export function validateProgram(p: unknown, field: string, file = '<ir>'): Diagnostic[] {
  const v = new V(file);
  const o = v.obj(p, field);
  if (!o) return v.out;
  if (o.kind !== SOP_KIND) {
    v.err(`${field}.kind`, `unknown learning program kind ${describe(o.kind)}`, 'the learning engine executes kind "sop"');
    return v.out;
  }
  v.str(o.rule, `${field}.rule`);
  v.str(o.projection, `${field}.projection`);
  v.oneOf(o.rounding, `${field}.rounding`, ['toward_zero', 'floor', 'stochastic']);
  v.int(o.accumulatorBits, `${field}.accumulatorBits`, 2, 48);
  if (o.bounds !== null) {
    const b = v.arr(o.bounds, `${field}.bounds`);
    if (b.length !== 2) v.err(`${field}.bounds`, 'must be [lo, hi] or null');
    else {
      const lo = v.int(b[0], `${field}.bounds[0]`, -INT_LIMIT, INT_LIMIT);
      const hi = v.int(b[1], `${field}.bounds[1]`, -INT_LIMIT, INT_LIMIT);
      if (lo > hi) v.err(`${field}.bounds`, `lower bound ${lo} exceeds upper bound ${hi}`);
    }
  }
  if (o.drivenBy !== null) v.str(o.drivenBy, `${field}.drivenBy`);
  const traces = v.arr(o.traces, `${field}.traces`);
  traces.forEach((t, i) => checkTrace(v, t, `${field}.traces[${i}]`));
  const mods = v.arr(o.modulators, `${field}.modulators`);
  mods.forEach((m, i) => checkModulator(v, m, `${field}.modulators[${i}]`));
  const sides = traces.map((t) => (t as Obj | null)?.side);
  const events = v.arr(o.events, `${field}.events`);
  if (events.length === 0) v.err(`${field}.events`, 'a program needs at least one event');
  events.forEach((e, i) => checkEvent(v, e, `${field}.events[${i}]`, sides, mods.length));
  return v.out;
}

function checkTrace(v: V, t: unknown, f: string): void {
  const o = v.obj(t, f);
  if (!o) return;
  v.str(o.name, `${f}.name`);
  v.oneOf(o.side, `${f}.side`, ['pre', 'post']);
  v.int(o.bits, `${f}.bits`, 1, 24);
  v.int(o.impulseFracBits, `${f}.impulseFracBits`, 0, 16);
  v.int(o.impulse, `${f}.impulse`, 0, 2 ** 30);
  v.bool(o.stochastic, `${f}.stochastic`);
  const d = v.obj(o.decay, `${f}.decay`);
  if (!d) return;
  const kind = v.oneOf(d.kind, `${f}.decay.kind`, ['multiplicative', 'shift', 'none']);
  if (kind === 'multiplicative') {
    const fb = v.int(d.fracBits, `${f}.decay.fracBits`, 0, 24);
    v.int(d.factor, `${f}.decay.factor`, 0, 2 ** fb);
  } else if (kind === 'shift') v.int(d.shift, `${f}.decay.shift`, 0, 31);
}

function checkModulator(v: V, m: unknown, f: string): void {
  const o = v.obj(m, f);
  if (!o) return;
  v.str(o.name, `${f}.name`);
  v.int(o.initial, `${f}.initial`, -INT_LIMIT, INT_LIMIT);
  if (o.perEpoch !== undefined) {
    v.arr(o.perEpoch, `${f}.perEpoch`).forEach((x, i) => v.int(x, `${f}.perEpoch[${i}]`, -INT_LIMIT, INT_LIMIT));
    if (o.schedule !== null) v.err(`${f}.perEpoch`, 'a modulator has either a per-sample schedule or per-epoch values, not both');
  }
  if (o.schedule === null) return;
  const s = v.obj(o.schedule, `${f}.schedule`);
  if (!s) return;
  v.int(s.otherwise, `${f}.schedule.otherwise`, -INT_LIMIT, INT_LIMIT);
  v.arr(s.segments, `${f}.schedule.segments`).forEach((seg, i) => {
    const g = v.obj(seg, `${f}.schedule.segments[${i}]`);
    if (!g) return;
    const from = v.int(g.from, `${f}.schedule.segments[${i}].from`, 0, INT_LIMIT);
    const to = v.int(g.to, `${f}.schedule.segments[${i}].to`, 0, INT_LIMIT);
    if (to < from) v.err(`${f}.schedule.segments[${i}]`, `segment ends (${to}) before it starts (${from})`);
    v.int(g.value, `${f}.schedule.segments[${i}].value`, -INT_LIMIT, INT_LIMIT);
  });
}

function checkFactor(v: V, x: unknown, f: string, sides: readonly unknown[], nMods: number): void {
  const o = v.obj(x, f);
  if (!o) return;
  const kind = v.oneOf(o.kind, `${f}.kind`, ['pre_trace', 'post_trace', 'post_state', 'modulator', 'weight']);
  if (kind === 'pre_trace' || kind === 'post_trace') {
    const i = v.int(o.index, `${f}.index`, 0, Math.max(0, sides.length - 1));
    if (sides.length === 0) v.err(`${f}.index`, 'the program declares no traces');
    else if (sides[i] !== kind.slice(0, kind.indexOf('_'))) v.err(`${f}.index`, `trace ${i} is not a ${kind.replace('_', ' ')}`);
  } else if (kind === 'modulator') {
    if (nMods === 0) v.err(`${f}.index`, 'the program declares no modulators');
    else v.int(o.index, `${f}.index`, 0, nMods - 1);
  } else if (kind === 'post_state') {
    if (typeof o.state !== 'string' || o.state === '' || o.state === 'ref') v.err(`${f}.state`, `must name a state variable, found ${describe(o.state)}`);
  }
}

function checkEvent(v: V, e: unknown, f: string, sides: readonly unknown[], nMods: number): void {
  const o = v.obj(e, f);
  if (!o) return;
  const t = v.obj(o.trigger, `${f}.trigger`);
  if (t) {
    const k = v.oneOf(t.kind, `${f}.trigger.kind`, ['pre', 'post', 'periodic']);
    if (k === 'periodic') v.int(t.log2Period, `${f}.trigger.log2Period`, 0, 30);
  }
  v.oneOf(o.op, `${f}.op`, ['add', 'set']);
  v.arr(o.gates, `${f}.gates`).forEach((g, i) => {
    const gf = `${f}.gates[${i}]`;
    const go = v.obj(g, gf);
    if (!go) return;
    const kind = v.oneOf(go.kind, `${gf}.kind`, ['range', 'compare', 'time']);
    if (kind === 'range') {
      checkFactor(v, go.operand, `${gf}.operand`, sides, nMods);
      const lo = v.int(go.lo, `${gf}.lo`, -(2 ** 52), 2 ** 52);
      const hi = v.int(go.hi, `${gf}.hi`, -(2 ** 52), 2 ** 52);
      if (lo > hi) v.err(gf, `empty range: lo ${lo} > hi ${hi}`);
      v.bool(go.loInclusive, `${gf}.loInclusive`);
      v.bool(go.hiInclusive, `${gf}.hiInclusive`);
    } else if (kind === 'compare') {
      checkFactor(v, go.operand, `${gf}.operand`, sides, nMods);
      v.oneOf(go.op, `${gf}.op`, OPS);
      v.int(go.value, `${gf}.value`, -(2 ** 52), 2 ** 52);
    } else {
      v.int(go.period, `${gf}.period`, 1, INT_LIMIT);
      v.oneOf(go.op, `${gf}.op`, OPS);
      v.int(go.value, `${gf}.value`, -INT_LIMIT, INT_LIMIT);
    }
  });
  const terms = v.arr(o.terms, `${f}.terms`);
  if (terms.length === 0) v.err(`${f}.terms`, 'an event needs at least one product term');
  terms.forEach((x, i) => {
    const tf = `${f}.terms[${i}]`;
    const to = v.obj(x, tf);
    if (!to) return;
    v.int(to.mant, `${tf}.mant`, -(2 ** 24), 2 ** 24);
    v.int(to.exp, `${tf}.exp`, -31, 31);
    v.arr(to.factors, `${tf}.factors`).forEach((fx, j) => checkFactor(v, fx, `${tf}.factors[${j}]`, sides, nMods));
  });
}

// ---------------------------------------------------------------------------------------------------------
// Shared helpers

/** Fraction bits F of an event's sum: max(0, −min exp). */
export function eventFracBits(e: EventDef): number {
  let f = 0;
  for (const t of e.terms) if (-t.exp > f) f = -t.exp;
  return f;
}

export function compare(x: number, op: CompareOp, y: number): boolean {
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
    case '==': return x === y;
    case '!=': return x !== y;
  }
}

/** The program as the IR's opaque `LearningProgram` (same object; the IR only fixes `kind`). */
export function toIrProgram(p: SopProgram): LearningProgram {
  return p as unknown as LearningProgram;
}

/** Does `p` look like a sop program (after `validateProgram` passed)? */
export function isSopProgram(p: { readonly kind: string }): p is SopProgram & { readonly [k: string]: unknown } {
  return p.kind === SOP_KIND;
}
