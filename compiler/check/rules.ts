/**
 * Learning rules. A rule may read only: the traces it declares (by name), `post.X` for a state variable X of
 * the post-synaptic neuron type (checked later against every projection that uses the rule), declared
 * signals, `w`, `let` constants, and `t` — the latter only in a time gate `t mod PERIOD op VALUE`.
 */
import { didYouMean, type Span } from '../diagnostics/diagnostic.js';
import type * as A from '../ast/ast.js';
import type { CompareOp, Expr, Gate, LearningRule, RuleEvent, TraceDecl, Trigger, VarRef, WeightUpdate } from '../model.js';
import { CheckCodes } from './codes.js';
import { AMPLITUDE, CheckContext } from './context.js';
import { DIMENSIONLESS, TIME } from './units.js';

export interface CheckedRule {
  readonly rule: LearningRule;
  /** Every `post.X` the rule reads, for the per-projection check. */
  readonly postReads: readonly { readonly name: string; readonly span: Span }[];
}

const FLIP: Record<CompareOp, CompareOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

export function checkRule(ctx: CheckContext, decl: A.RuleDecl, signals: ReadonlySet<string>): CheckedRule {
  const traces: TraceDecl[] = [];
  const traceSpans = new Map<string, Span>();
  const postReads: { name: string; span: Span }[] = [];
  let bounds: readonly [number, number] | undefined;
  let boundsSpan: Span | undefined;
  let stochasticRounding = false;

  for (const it of decl.items) {
    if (it.kind !== 'trace') continue;
    const prev = traceSpans.get(it.name.name);
    if (prev) {
      ctx.duplicate('trace', it.name, prev);
      continue;
    }
    if (it.name.name === 'w' || it.name.name === 't') {
      ctx.error(CheckCodes.Conflict, `\`${it.name.name}\` is reserved in rules (${it.name.name === 'w' ? 'the weight' : 'the time'}); pick another trace name`, it.name.span);
      continue;
    }
    traceSpans.set(it.name.name, it.name.span);
    const tau = ctx.num(it.tau, [TIME], `the time constant of trace \`${it.name.name}\``, { min: 0, minExclusive: true });
    const impulse = it.impulse ? ctx.num(it.impulse, [DIMENSIONLESS], 'the trace impulse') : 1;
    if (tau !== undefined && impulse !== undefined) traces.push({ name: it.name.name, span: it.name.span, side: it.side, tau, impulse });
  }

  const traceSide = new Map(traces.map((t) => [t.name, t.side] as const));
  const allowedNames = (): string[] => [...traceSpans.keys(), ...signals, 'w', ...ctx.ev.lets.keys()];

  /** Is this the time variable `t`? */
  const isT = (e: A.Expr): boolean => e.kind === 'name' && e.path.length === 1 && e.path[0]!.name === 't' && !traceSpans.has('t');
  const mentionsT = (e: A.Expr): boolean => {
    switch (e.kind) {
      case 'name':
        return isT(e);
      case 'paren':
        return mentionsT(e.inner);
      case 'unary':
        return mentionsT(e.operand);
      case 'binary':
        return mentionsT(e.left) || mentionsT(e.right);
      case 'call':
        return e.args.some(mentionsT);
      default:
        return false;
    }
  };
  /** Does the expression read any rule variable (so it cannot be folded to a constant)? */
  const isVariable = (e: A.Expr): boolean => {
    switch (e.kind) {
      case 'name': {
        if (e.path.length > 1) return true;
        const n = e.path[0]!.name;
        return !ctx.ev.lets.has(n);
      }
      case 'paren':
        return isVariable(e.inner);
      case 'unary':
        return isVariable(e.operand);
      case 'binary':
        return isVariable(e.left) || isVariable(e.right);
      case 'call':
        return e.args.some(isVariable);
      default:
        return false;
    }
  };

  const varRef = (e: A.NameExpr): VarRef | undefined => {
    const [head, field] = e.path;
    if (e.path.length === 1) {
      const n = head!.name;
      const side = traceSide.get(n);
      if (side) return { kind: 'trace', side, name: n };
      if (traceSpans.has(n)) return undefined; // a broken trace, already reported
      if (n === 'w') return { kind: 'weight' };
      if (signals.has(n)) return { kind: 'signal', name: n };
      if (n === 't') {
        ctx.error(CheckCodes.RuleTime, '`t` may only appear in a time gate such as `when t mod 250 ms >= 50 ms`', e.span);
        return undefined;
      }
      if (n === 'post' || n === 'pre') {
        ctx.error(CheckCodes.RuleReadsUnknown, `\`${n}\` alone is not a value; write \`post.v\` for a post-synaptic state or declare a trace`, e.span);
        return undefined;
      }
      ctx.error(CheckCodes.RuleReadsUnknown, `rule \`${decl.name.name}\` cannot read \`${n}\`: it is not a trace of this rule, a signal, \`w\` or a constant`, e.span,
        suggest(n, allowedNames()) ?? `declare it with \`trace ${n} pre tau 20 ms\` or \`signal ${n} = …\``);
      return undefined;
    }
    if (e.path.length === 2 && head!.name === 'post') {
      postReads.push({ name: field!.name, span: e.span });
      return { kind: 'post_state', name: field!.name };
    }
    if (e.path.length === 2 && head!.name === 'pre') {
      ctx.error(CheckCodes.RuleReadsUnknown, `a rule cannot read pre-synaptic state \`${e.path.map((p) => p.name).join('.')}\``, e.span,
        'pre-synaptic activity is visible through traces: `trace x pre tau 20 ms`');
      return undefined;
    }
    ctx.error(CheckCodes.RuleReadsUnknown, `rule \`${decl.name.name}\` cannot read \`${e.path.map((p) => p.name).join('.')}\``, e.span, 'only `post.X` is a dotted name in rules');
    return undefined;
  };

  const expr = (e: A.Expr): Expr | undefined => {
    if (!isVariable(e)) {
      const n = ctx.num(e, [DIMENSIONLESS, ...AMPLITUDE.slice(1), TIME], 'a constant in a rule');
      return n === undefined ? undefined : { kind: 'number', value: n, span: e.span };
    }
    switch (e.kind) {
      case 'name': {
        const ref = varRef(e);
        return ref && { kind: 'var', ref, span: e.span };
      }
      case 'paren':
        return expr(e.inner);
      case 'unary': {
        const o = expr(e.operand);
        if (!o) return undefined;
        return e.op === '-' ? { kind: 'neg', operand: o, span: e.span } : o;
      }
      case 'binary': {
        if (e.op === 'mod') {
          ctx.error(mentionsT(e) ? CheckCodes.RuleTime : CheckCodes.RuleReadsUnknown, '`mod` is only allowed in a time gate `t mod PERIOD op VALUE`', e.opSpan);
          return undefined;
        }
        const l = expr(e.left);
        const r = expr(e.right);
        return l && r ? { kind: 'binary', op: e.op, left: l, right: r, span: e.span } : undefined;
      }
      case 'call':
        ctx.error(CheckCodes.RuleReadsUnknown, `functions such as \`${e.callee.name}(…)\` cannot be used in rule expressions`, e.span);
        return undefined;
      default:
        ctx.error(CheckCodes.WrongValueKind, 'strings cannot be used in rule expressions', e.span);
        return undefined;
    }
  };

  /** `t mod P` → P (s), or undefined (reported) if the expression is a different use of `t`. */
  const timeModulo = (e: A.Expr): number | undefined | null => {
    const inner = e.kind === 'paren' ? e.inner : e;
    if (inner.kind === 'binary' && inner.op === 'mod' && isT(inner.left) && !mentionsT(inner.right)) {
      return ctx.num(inner.right, [TIME], 'the period of the time gate', { min: 0, minExclusive: true }) ?? null;
    }
    ctx.error(CheckCodes.RuleTime, '`t` may only appear as `t mod PERIOD` in a time gate, e.g. `t mod 250 ms >= 50 ms`', e.span);
    return null;
  };

  const gates = (conds: readonly A.Condition[]): Gate[] | undefined => {
    const out: Gate[] = [];
    let ok = true;
    for (const c of conds) {
      if (c.kind === 'in') {
        if (mentionsT(c.subject)) {
          const period = timeModulo(c.subject);
          const lo = ctx.num(c.interval.lo, [TIME], 'the start of the time window');
          const hi = ctx.num(c.interval.hi, [TIME], 'the end of the time window');
          if (period == null || lo === undefined || hi === undefined) {
            ok = false;
            continue;
          }
          out.push({ kind: 'time_window', period, op: c.interval.loInclusive ? '>=' : '>', value: lo, span: c.span });
          out.push({ kind: 'time_window', period, op: c.interval.hiInclusive ? '<=' : '<', value: hi, span: c.span });
          continue;
        }
        const subject = expr(c.subject);
        const lo = ctx.num(c.interval.lo, AMPLITUDE, 'the lower end of the gate');
        const hi = ctx.num(c.interval.hi, AMPLITUDE, 'the upper end of the gate');
        if (!subject || lo === undefined || hi === undefined) {
          ok = false;
          continue;
        }
        if (!(lo < hi)) {
          ctx.error(CheckCodes.OutOfRange, `the gate interval needs lo < hi, found [${lo}, ${hi}]`, c.interval.span);
          ok = false;
          continue;
        }
        if (subject.kind === 'var') {
          out.push({ kind: 'range', ref: subject.ref, lo, hi, loInclusive: c.interval.loInclusive, hiInclusive: c.interval.hiInclusive, span: c.span });
        } else {
          out.push({ kind: 'compare', left: subject, op: c.interval.loInclusive ? '>=' : '>', right: { kind: 'number', value: lo, span: c.interval.lo.span }, span: c.span });
          out.push({ kind: 'compare', left: subject, op: c.interval.hiInclusive ? '<=' : '<', right: { kind: 'number', value: hi, span: c.interval.hi.span }, span: c.span });
        }
        continue;
      }
      const lt = mentionsT(c.left);
      const rt = mentionsT(c.right);
      if (lt || rt) {
        const [timeSide, valueSide, op] = lt && !rt ? [c.left, c.right, c.op] : !lt && rt ? [c.right, c.left, FLIP[c.op]] : [c.left, c.right, c.op];
        if (lt && rt) {
          ctx.error(CheckCodes.RuleTime, 'compare `t mod PERIOD` with a constant time', c.span);
          ok = false;
          continue;
        }
        const period = timeModulo(timeSide);
        const value = ctx.num(valueSide, [TIME], 'the time in the gate');
        if (period == null || value === undefined) {
          ok = false;
          continue;
        }
        out.push({ kind: 'time_window', period, op, value, span: c.span });
        continue;
      }
      const l = expr(c.left);
      const r = expr(c.right);
      if (!l || !r) {
        ok = false;
        continue;
      }
      out.push({ kind: 'compare', left: l, op: c.op, right: r, span: c.span });
    }
    return ok ? out : undefined;
  };

  const updates = (us: readonly A.Update[], blockSpan: Span): WeightUpdate[] => {
    const out: WeightUpdate[] = [];
    for (const u of us) {
      if (u.target.name !== 'w') {
        ctx.error(CheckCodes.RuleUpdate, `a rule can only update the weight \`w\`, not \`${u.target.name}\``, u.target.span,
          traceSpans.has(u.target.name) ? 'traces are updated automatically by their `impulse` on each spike' : undefined);
        continue;
      }
      const e = expr(u.value);
      if (e) out.push({ op: u.op, expr: e, span: u.span });
    }
    if (us.length === 0) ctx.bag.warning(CheckCodes.Unused, 'this block updates nothing', blockSpan);
    return out;
  };

  const events: RuleEvent[] = [];
  for (const it of decl.items) {
    switch (it.kind) {
      case 'on':
      case 'every': {
        let trigger: Trigger | undefined;
        if (it.kind === 'on') trigger = { kind: it.trigger };
        else {
          const steps = ctx.steps(it.steps, 'the period of `every`');
          if (steps !== undefined) trigger = { kind: 'every', steps };
        }
        const g = gates(it.gates);
        const u = updates(it.updates, it.span);
        if (trigger && g) events.push({ trigger, gates: g, updates: u, span: it.span });
        break;
      }
      case 'bounds': {
        if (boundsSpan) {
          ctx.error(CheckCodes.Duplicate, 'the rule already has bounds', it.span, undefined, [{ message: 'first bounds here', span: boundsSpan }]);
          break;
        }
        boundsSpan = it.span;
        bounds = ctx.interval(it.interval, AMPLITUDE, 'the weight bounds');
        break;
      }
      case 'flag':
        stochasticRounding = true;
        break;
      case 'trace':
        break;
    }
  }
  if (events.length === 0 && !decl.items.some((i) => i.kind === 'on' || i.kind === 'every')) {
    ctx.bag.warning(CheckCodes.Unused, `rule \`${decl.name.name}\` has no \`on pre\`, \`on post\` or \`every\` block, so it never changes a weight`, decl.name.span);
  }
  const rule: LearningRule = {
    name: decl.name.name,
    span: decl.name.span,
    traces,
    events,
    ...(bounds ? { bounds } : {}),
    stochasticRounding,
  };
  return { rule, postReads };
}

function suggest(name: string, candidates: readonly string[]): string | undefined {
  return didYouMean(name, candidates);
}
