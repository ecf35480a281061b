/**
 * Lowering of a learning rule (compiler/model.ts `LearningRule`) to the learning engine's `sop` microcode
 * (emulator/learning/program.ts) for one plastic projection on one target.
 *
 *   1. every update expression is expanded into a sum of products Σ c_i · Π refs (expr.ts-free: see `expand`);
 *   2. each factor gets its integer unit (post states: the lowering's step; traces: impulse = 2^(bits−3);
 *      modulators: the smallest power-of-two step that makes every value of the signal an integer; the
 *      weight: weightStep), so Δw_int = (c_i · Π step_j / weightStep) · Π int_j, and that scale becomes
 *      S_i = mant · 2^exp (a pure shift when the target only offers `gated_state_update`, NSAT's hiac);
 *   3. gates become integer comparisons (float bounds / the state's step, rounded so the integer gate accepts
 *      exactly the states the float gate accepts) and time windows in steps;
 *   4. what the rule needs is checked against the profile's `LearningSpec` (compiler/target/capabilities.ts).
 * The representation error of every scale is returned in `report` (and warned about above 10 %).
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.js';
import type { Expr, Gate, LearningRule, Network, NeuronModel, Projection, Signal, VarRef } from '../model.js';
import type { LearningGate, LearningRead, LearningTrigger, RuleForm, TargetProfile } from '../target/profile.js';
import { checkLearningSupport, type RuleNeeds } from '../target/capabilities.js';
import type { EventDef, FactorRef, GateDef, ModulatorDef, SopProgram, TermDef, TraceDef } from '../../emulator/learning/program.js';

export interface RuleLoweringContext {
  network: Network; projection: Projection; rule: LearningRule; profile: TargetProfile;
  postModel: 'loihi' | 'cuba' | 'nsat';
  weightStep: number;          // float value of one stored weight unit of this projection
  postStateStep: (state: string) => number | undefined;  // float value of one integer unit of a post state
  dt: number;
}

/** How well one update coefficient is represented. */
export interface ScaleReport {
  readonly event: number;
  readonly term: number;
  /** Δw_int per unit product of the integer factors, exact (float). */
  readonly ideal: number;
  readonly mant: number;
  readonly exp: number;
  /** |mant·2^exp − ideal| / |ideal|. */
  readonly relError: number;
}

export interface RuleLoweringResult {
  readonly program?: SopProgram;
  readonly diagnostics: Diagnostic[];
  readonly report: readonly ScaleReport[];
}

export const MICROCODE_CODES = {
  expr: 'SNN3310',       // expression not expressible as a sum of products
  state: 'SNN3311',      // unknown post state / trace / signal
  scale: 'SNN3312',      // scale out of range / imprecise (warning)
  gate: 'SNN3313',       // gate not lowerable
  traces: 'SNN3314',     // too many traces
  update: 'SNN3315',     // '=' mixed with other updates
} as const;

/** Relative scale error above which the lowering warns. */
const WARN_REL_ERROR = 0.1;
/** Mantissa magnitude bound for sum-of-products scales (8-bit signed). */
const SOP_MANT_MAX = 127;

/** IR state array name of a model state on each compartment model (mirrors compiler/lower/neurons.ts). */
export function irStateName(postModel: 'loihi' | 'cuba' | 'nsat', neuron: NeuronModel, state: string): string | undefined {
  const s = neuron.states.find((x) => x.name === state);
  if (!s) return undefined;
  if (postModel === 'nsat') {
    const order = [neuron.membrane, ...neuron.states.filter((x) => x.name !== neuron.membrane).map((x) => x.name)];
    return `x${order.indexOf(state)}`;
  }
  if (s.role === 'membrane') return 'v';
  if (s.role === 'current') return postModel === 'loihi' ? 'u' : 'i';
  if (s.role === 'dendrite') return postModel === 'cuba' ? s.name : undefined;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Sum-of-products expansion

/** A product c · Π refs (refs keep their spans for messages). */
interface Product { c: number; refs: { ref: VarRef; span: Span }[] }

function refKey(r: VarRef): string {
  switch (r.kind) {
    case 'trace': return `${r.side}.${r.name}`;
    case 'post_state': return `post.${r.name}`;
    case 'signal': return `signal.${r.name}`;
    case 'weight': return 'w';
    case 'time': return 't';
  }
}

/** Expands an expression into Σ c·Π refs; returns an error message with a span for a non-polynomial form. */
export function expand(e: Expr): { products: Product[] } | { error: string; span: Span } {
  switch (e.kind) {
    case 'number': return { products: [{ c: e.value, refs: [] }] };
    case 'var':
      if (e.ref.kind === 'time') return { error: 'the time `t` can only appear in a gate (`when t mod … >= …`)', span: e.span };
      return { products: [{ c: 1, refs: [{ ref: e.ref, span: e.span }] }] };
    case 'neg': {
      const x = expand(e.operand);
      if ('error' in x) return x;
      return { products: x.products.map((p) => ({ c: -p.c, refs: p.refs })) };
    }
    case 'binary': {
      const l = expand(e.left);
      if ('error' in l) return l;
      const r = expand(e.right);
      if ('error' in r) return r;
      switch (e.op) {
        case '+': return { products: merge([...l.products, ...r.products]) };
        case '-': return { products: merge([...l.products, ...r.products.map((p) => ({ c: -p.c, refs: p.refs }))]) };
        case '*': {
          const out: Product[] = [];
          for (const a of l.products) for (const b of r.products) out.push({ c: a.c * b.c, refs: [...a.refs, ...b.refs] });
          return { products: merge(out) };
        }
        case '/': {
          if (r.products.length !== 1 || r.products[0]!.refs.length !== 0) {
            return { error: 'a learning update can divide only by a constant (the chip has no divider)', span: e.right.span };
          }
          const d = r.products[0]!.c;
          if (d === 0) return { error: 'division by zero in a learning update', span: e.right.span };
          return { products: l.products.map((p) => ({ c: p.c / d, refs: p.refs })) };
        }
      }
    }
  }
}

/** Combines products with the same factors (as a multiset) and drops zero ones. */
function merge(ps: Product[]): Product[] {
  const byKey = new Map<string, Product>();
  for (const p of ps) {
    const key = p.refs.map((r) => refKey(r.ref)).sort().join('*');
    const q = byKey.get(key);
    if (q) q.c += p.c;
    else byKey.set(key, { c: p.c, refs: [...p.refs] });
  }
  return [...byKey.values()].filter((p) => p.c !== 0);
}

// ---------------------------------------------------------------------------------------------------------
// Scales

/** S ≈ ideal as mant·2^exp with |mant| ≤ mantMax (mantMax = 1: a signed power of two); exp in −31..31. */
export function toMantExp(ideal: number, mantMax: number): { mant: number; exp: number } {
  if (ideal === 0 || !Number.isFinite(ideal)) return { mant: 0, exp: 0 };
  const sign = ideal < 0 ? -1 : 1;
  const a = Math.abs(ideal);
  if (mantMax <= 1) {
    let exp = Math.round(Math.log2(a));
    exp = Math.max(-31, Math.min(31, exp));
    return { mant: sign, exp };
  }
  // Largest exp such that round(a / 2^exp) still fits: the most precise representation.
  let exp = Math.floor(Math.log2(a / mantMax));
  let mant = Math.round(a / 2 ** exp);
  while (mant > mantMax) { exp++; mant = Math.round(a / 2 ** exp); }
  if (exp < -31) { mant = Math.round(a / 2 ** -31); exp = -31; }
  if (exp > 31) { exp = 31; mant = Math.min(mantMax, Math.round(a / 2 ** 31)); }
  // Normalise: strip factors of two from the mantissa (same value, smaller shift).
  while (mant !== 0 && mant % 2 === 0 && exp < 31) { mant /= 2; exp++; }
  return { mant: sign * mant, exp };
}

// ---------------------------------------------------------------------------------------------------------
// The lowering

export function lowerRule(ctx: RuleLoweringContext): RuleLoweringResult {
  const { rule, profile, projection, network } = ctx;
  const ds: Diagnostic[] = [];
  const report: ScaleReport[] = [];
  const err = (code: string, message: string, span: Span | undefined, hint?: string) =>
    ds.push({ code, severity: 'error', message, span: span ?? rule.span, hint });
  const warn = (code: string, message: string, span: Span | undefined, hint?: string) =>
    ds.push({ code, severity: 'warning', message, span: span ?? rule.span, hint });
  const post = network.populations.find((p) => p.name === projection.post);
  const neuron = post?.neuron;
  const L = profile.learning;
  const tr = L.traces;

  // ---- what the rule needs (capability check first: a target that cannot run it gets one clear error) ----
  const expanded = rule.events.map((ev) => ev.updates.map((u) => ({ u, x: expand(u.expr) })));
  const reads: RuleNeeds['reads'][number][] = [];
  const gatesNeeded: { kind: LearningGate; span?: Span }[] = [];
  const signalsUsed = new Set<string>();
  let stateOrModInProduct = false;
  let maxTerms = 0;
  let maxFactors = 0;
  const readOf = (r: VarRef, span: Span) => {
    const what = refKey(r).replace(/^signal\./, '');
    let kind: LearningRead;
    switch (r.kind) {
      case 'trace': kind = r.side === 'pre' ? 'pre_trace' : 'post_trace'; break;
      case 'post_state': kind = 'post_state'; break;
      case 'signal': kind = 'modulator'; signalsUsed.add(r.name); break;
      case 'weight': kind = 'weight'; break;
      default: return;
    }
    if (!reads.some((x) => x.kind === kind && x.what === what)) reads.push({ kind, what, span });
  };
  expanded.forEach((ups) => {
    let terms = 0;
    for (const { x } of ups) {
      if ('error' in x) continue;
      terms += x.products.length;
      for (const p of x.products) {
        maxFactors = Math.max(maxFactors, p.refs.length);
        for (const r of p.refs) {
          readOf(r.ref, r.span);
          if (r.ref.kind === 'trace' || r.ref.kind === 'signal') stateOrModInProduct = true;
        }
      }
    }
    maxTerms = Math.max(maxTerms, terms);
  });
  for (const ev of rule.events) {
    for (const g of ev.gates) {
      if (g.kind === 'time_window') gatesNeeded.push({ kind: 'time_window', span: g.span });
      else if (g.kind === 'range') { gatesNeeded.push({ kind: 'state_compare', span: g.span }); readOf(g.ref, g.span); }
      else {
        const timeOnly = isTimeCompare(g);
        gatesNeeded.push({ kind: timeOnly ? 'time_window' : 'state_compare', span: g.span });
        for (const side of [g.left, g.right]) if (side.kind === 'var') readOf(side.ref, side.span);
      }
    }
  }
  // gated_state_update (NSAT): one term per event, factors only post state / weight, scale a power of two.
  const fitsGated = maxTerms <= 1 && !stateOrModInProduct;
  const forms: RuleForm[] = fitsGated ? ['gated_state_update', 'sum_of_products'] : ['sum_of_products'];
  const triggers: { kind: LearningTrigger; span?: Span; periodSteps?: number }[] = rule.events.map((ev) =>
    ev.trigger.kind === 'every' ? { kind: 'periodic', span: ev.span, periodSteps: ev.trigger.steps } : { kind: ev.trigger.kind, span: ev.span });
  const needs: RuleNeeds = {
    rule: rule.name, span: rule.span, forms, triggers, reads, gates: gatesNeeded,
    productTerms: maxTerms, maxFactors, modulators: signalsUsed.size, stochasticRounding: rule.stochasticRounding,
  };
  const capability = checkLearningSupport(needs, profile).map((d) => ({
    ...d,
    message: `${d.message} (projection \`${projection.name}\`, target \`${profile.name}\`)`,
  }));
  ds.push(...capability);
  const preTraces = rule.traces.filter((t) => t.side === 'pre').length;
  const postTraces = rule.traces.filter((t) => t.side === 'post').length;
  if (L.enabled && (preTraces > tr.pre || postTraces > tr.post)) {
    err(MICROCODE_CODES.traces, `rule \`${rule.name}\` declares ${preTraces} pre and ${postTraces} post traces; ${profile.name} has ${tr.pre} pre and ${tr.post} post traces per synapse group`, rule.span);
  }
  if (capability.some((d) => d.severity === 'error') || !L.enabled) return { diagnostics: ds, report };

  const useForm: RuleForm = fitsGated && L.rule_forms.includes('gated_state_update') && !L.rule_forms.includes('sum_of_products')
    ? 'gated_state_update' : 'sum_of_products';
  const mantMax = useForm === 'gated_state_update' ? 1 : SOP_MANT_MAX;

  // ---- traces ----
  const traces: TraceDef[] = rule.traces.map((t) => {
    const impulseInt = 2 ** Math.max(0, tr.bits - 3);
    const alpha = Math.exp(-ctx.dt / t.tau);
    const decay: TraceDef['decay'] = tr.decay === 'multiplicative'
      ? { kind: 'multiplicative', factor: Math.round(alpha * 4096), fracBits: 12 }
      : tr.decay === 'shift'
        ? { kind: 'shift', shift: Math.max(0, Math.min(31, Math.round(Math.log2(t.tau / ctx.dt)))) }
        : { kind: 'none' };
    return { name: t.name, side: t.side, bits: tr.bits, decay, impulse: impulseInt, impulseFracBits: 0, stochastic: tr.rounding === 'stochastic' };
  });
  const traceStep = (side: 'pre' | 'post', name: string): number | undefined => {
    const t = rule.traces.find((x) => x.side === side && x.name === name);
    return t ? t.impulse / 2 ** Math.max(0, tr.bits - 3) : undefined;
  };

  // ---- modulators ----
  const modulators: ModulatorDef[] = [];
  const modStep = new Map<string, number>();
  for (const name of signalsUsed) {
    const sig = network.signals.find((s) => s.name === name);
    if (!sig) {
      err(MICROCODE_CODES.state, `rule \`${rule.name}\` reads the signal \`${name}\`, which is not declared`, rule.span);
      continue;
    }
    const values = signalValues(sig);
    // The register holds value / step with the smallest power-of-two step that makes every value an integer; values
    // that no such step represents get MOD_VALUE_BITS significant bits (a finer step would only shrink the rule's
    // coefficient towards what the microcode can represent, for precision the values do not need).
    const maxAbs = Math.max(...values.map(Math.abs));
    const eMax = Math.min(16, Math.max(0, MOD_VALUE_BITS - Math.ceil(Math.log2(maxAbs || 1))));
    let e = 0;
    while (e < eMax && !values.every((v) => Number.isInteger(v * 2 ** e))) e++;
    if (!values.every((v) => Number.isInteger(v * 2 ** e))) {
      const worst = Math.max(...values.map((v) => Math.abs(Math.round(v * 2 ** e) / 2 ** e - v) / (Math.abs(v) || 1)));
      warn(MICROCODE_CODES.scale, `signal \`${name}\` has values that are not multiples of 2^-${e}; they are rounded to that step (largest relative error ${worst.toExponential(1)})`, sig.span);
    }
    const q = (v: number) => Math.round(v * 2 ** e);
    modStep.set(name, 2 ** -e);
    modulators.push({
      name,
      initial: sig.kind === 'constant' ? q(sig.value) : sig.kind === 'per_epoch' ? q(sig.values[0]!) : q(sig.otherwise),
      schedule: sig.kind !== 'schedule' ? null : {
        segments: sig.segments.map((s) => ({ from: Math.round(s.from / ctx.dt), to: Math.round(s.to / ctx.dt), value: q(s.value) })),
        otherwise: q(sig.otherwise),
      },
      ...(sig.kind === 'per_epoch' ? { perEpoch: sig.values.map(q) } : {}),
    });
  }

  // ---- factors ----
  const factorOf = (r: VarRef, span: Span): { f: FactorRef; step: number } | undefined => {
    switch (r.kind) {
      case 'weight': return { f: { kind: 'weight' }, step: ctx.weightStep };
      case 'signal': {
        const i = modulators.findIndex((m) => m.name === r.name);
        if (i < 0) return undefined;
        return { f: { kind: 'modulator', index: i }, step: modStep.get(r.name)! };
      }
      case 'trace': {
        const i = traces.findIndex((t) => t.side === r.side && t.name === r.name);
        const step = traceStep(r.side, r.name);
        if (i < 0 || step === undefined) {
          err(MICROCODE_CODES.state, `rule \`${rule.name}\` reads the ${r.side} trace \`${r.name}\`, which it does not declare`, span);
          return undefined;
        }
        return { f: { kind: r.side === 'pre' ? 'pre_trace' : 'post_trace', index: i }, step };
      }
      case 'post_state': {
        const irName = neuron ? irStateName(ctx.postModel, neuron, r.name) : undefined;
        const step = ctx.postStateStep(r.name);
        if (irName === undefined || step === undefined) {
          const names = neuron?.states.map((s) => s.name) ?? [];
          err(MICROCODE_CODES.state, `rule \`${rule.name}\` reads \`post.${r.name}\`, but \`${projection.post}\` (${neuron?.typeName ?? 'a source'}) has no such state on ${profile.name}`,
            span, names.length ? `its states are ${names.map((n) => `\`${n}\``).join(', ')}` : undefined);
          return undefined;
        }
        return { f: { kind: 'post_state', state: irName }, step };
      }
      case 'time': return undefined;
    }
  };

  // ---- events ----
  const events: EventDef[] = [];
  rule.events.forEach((ev, ei) => {
    const trigger: EventDef['trigger'] = ev.trigger.kind === 'every'
      ? { kind: 'periodic', log2Period: Math.round(Math.log2(ev.trigger.steps)) }
      : { kind: ev.trigger.kind };
    const gates: GateDef[] = [];
    for (const g of ev.gates) {
      const gd = lowerGate(g);
      if (gd) gates.push(gd);
    }
    const ups = expanded[ei]!;
    const sets = ups.filter(({ u }) => u.op === '=');
    if (sets.length > 0 && ups.length > 1) {
      err(MICROCODE_CODES.update, 'an event that assigns the weight (`w = …`) cannot also increment it', sets[0]!.u.span);
      return;
    }
    const terms: TermDef[] = [];
    for (const { u, x } of ups) {
      if ('error' in x) { err(MICROCODE_CODES.expr, x.error, x.span); continue; }
      for (const p of x.products) {
        let ideal = (u.op === '-=' ? -p.c : p.c) / ctx.weightStep;
        const factors: FactorRef[] = [];
        let ok = true;
        for (const r of p.refs) {
          const f = factorOf(r.ref, r.span);
          if (!f) { ok = false; continue; }
          factors.push(f.f);
          ideal *= f.step;
        }
        if (!ok) continue;
        const { mant, exp } = toMantExp(ideal, mantMax);
        const got = mant * 2 ** exp;
        const relError = Math.abs(got - ideal) / Math.abs(ideal);
        report.push({ event: ei, term: terms.length, ideal, mant, exp, relError });
        if (mant === 0) {
          warn(MICROCODE_CODES.scale, `rule \`${rule.name}\`: a coefficient of ${fmt(ideal)} weight units per unit product cannot be represented (below 2^-31); the term is dropped`, u.span);
          continue;
        }
        if (relError > WARN_REL_ERROR) {
          warn(MICROCODE_CODES.scale, `rule \`${rule.name}\`: coefficient ${fmt(ideal)} is stored as ${mant}·2^${exp} = ${fmt(got)} (${(relError * 100).toFixed(1)} % off) on ${profile.name}`, u.span,
            useForm === 'gated_state_update' ? `${profile.name} scales learning updates by powers of two only` : undefined);
        }
        terms.push({ mant, exp, factors });
      }
    }
    if (terms.length === 0) return;
    events.push({ trigger, gates, op: sets.length > 0 ? 'set' : 'add', terms });
  });

  function lowerGate(g: Gate): GateDef | undefined {
    if (g.kind === 'time_window') {
      const period = Math.round(g.period / ctx.dt);
      const value = Math.round(g.value / ctx.dt);
      if (period < 1) { err(MICROCODE_CODES.gate, `time window period ${g.period} s is shorter than one step`, g.span); return undefined; }
      if (Math.abs(period * ctx.dt - g.period) > 1e-9 * period || Math.abs(value * ctx.dt - g.value) > 1e-9 * Math.max(1, value)) {
        warn(MICROCODE_CODES.gate, `time window rounded to whole steps: t mod ${period} ${g.op} ${value} (steps)`, g.span);
      }
      return { kind: 'time', period, op: g.op, value };
    }
    if (g.kind === 'range') {
      const f = factorOf(g.ref, g.span);
      if (!f) return undefined;
      const L0 = g.lo / f.step;
      const H0 = g.hi / f.step;
      // Integer bounds accepting exactly the integers x with x·step inside the float interval.
      const lo = g.loInclusive ? Math.ceil(L0) : Math.floor(L0) + 1;
      const hi = g.hiInclusive ? Math.floor(H0) : Math.ceil(H0) - 1;
      return { kind: 'range', operand: f.f, lo, hi, loInclusive: true, hiInclusive: true };
    }
    // compare: one variable against a constant (either side).
    const lv = g.left.kind === 'var' ? g.left : undefined;
    const rv = g.right.kind === 'var' ? g.right : undefined;
    const lc = constValue(g.left);
    const rc = constValue(g.right);
    let ref: VarRef | undefined;
    let op = g.op;
    let c: number | undefined;
    let span = g.span;
    if (lv && rc !== undefined) { ref = lv.ref; c = rc; span = lv.span; }
    else if (rv && lc !== undefined) { ref = rv.ref; c = lc; op = flip(g.op); span = rv.span; }
    if (!ref || c === undefined) {
      err(MICROCODE_CODES.gate, 'a gate must compare one variable with a constant (e.g. `post.v > 0.5`)', g.span);
      return undefined;
    }
    if (ref.kind === 'time') return { kind: 'time', period: 2 ** 31 - 1, op, value: Math.round(c / ctx.dt) };
    const f = factorOf(ref, span);
    if (!f) return undefined;
    const x = c / f.step;
    // x_int op x: rewrite as an integer comparison with the same truth set.
    switch (op) {
      case '<': return { kind: 'compare', operand: f.f, op: '<=', value: Math.ceil(x) - 1 };
      case '<=': return { kind: 'compare', operand: f.f, op: '<=', value: Math.floor(x) };
      case '>': return { kind: 'compare', operand: f.f, op: '>=', value: Math.floor(x) + 1 };
      case '>=': return { kind: 'compare', operand: f.f, op: '>=', value: Math.ceil(x) };
      default:
        if (!Number.isInteger(x)) warn(MICROCODE_CODES.gate, `\`${op} ${c}\` is not a whole number of state units (${fmt(x)}); compared with ${Math.round(x)}`, g.span);
        return { kind: 'compare', operand: f.f, op, value: Math.round(x) };
    }
  }

  if (ds.some((d) => d.severity === 'error')) return { diagnostics: ds, report };
  if (events.length === 0) {
    warn(MICROCODE_CODES.scale, `rule \`${rule.name}\` has no update left after lowering; projection \`${projection.name}\` stays frozen`, rule.span);
    return { diagnostics: ds, report };
  }
  const b = projection.bounds ?? rule.bounds;
  const bounds: [number, number] | null = b ? [Math.ceil(b[0] / ctx.weightStep), Math.floor(b[1] / ctx.weightStep)] : null;
  const program: SopProgram = {
    kind: 'sop', rule: rule.name, projection: projection.name,
    rounding: rule.stochasticRounding ? 'stochastic' : 'toward_zero',
    accumulatorBits: Math.max(2, Math.min(48, L.accumulator_bits)),
    bounds, traces, modulators, events, drivenBy: projection.drivenBy ?? null,
  };
  return { program, diagnostics: ds, report };
}

function isTimeCompare(g: Extract<Gate, { kind: 'compare' }>): boolean {
  return (g.left.kind === 'var' && g.left.ref.kind === 'time') || (g.right.kind === 'var' && g.right.ref.kind === 'time');
}

function constValue(e: Expr): number | undefined {
  const x = expand(e);
  if ('error' in x) return undefined;
  if (x.products.length === 0) return 0;
  if (x.products.length === 1 && x.products[0]!.refs.length === 0) return x.products[0]!.c;
  return undefined;
}

function flip(op: Extract<Gate, { kind: 'compare' }>['op']): Extract<Gate, { kind: 'compare' }>['op'] {
  switch (op) {
    case '<': return '>';
    case '<=': return '>=';
    case '>': return '<';
    case '>=': return '<=';
    default: return op;
  }
}

/** Significant bits of a modulator value that is not a short binary fraction. */
const MOD_VALUE_BITS = 10;

function signalValues(s: Signal): number[] {
  if (s.kind === 'constant') return [s.value];
  if (s.kind === 'per_epoch') return [...s.values];
  return [s.otherwise, ...s.segments.map((x) => x.value)];
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
