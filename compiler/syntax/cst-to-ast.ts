/**
 * CST → AST. Chevrotain's recovery can leave any child missing (and inserts tokens with NaN offsets), so
 * every accessor here is defensive: a construct whose required parts are missing is dropped (the parser has
 * already reported why), and the names it declared are remembered in `partialNames` so the checker does not
 * pile "unknown population" errors on top of one syntax error.
 */
import type { CstNode, IToken } from 'chevrotain';
import type { Span } from '../diagnostics/diagnostic.js';
import type * as A from '../ast/ast.js';

type Child = CstNode | IToken;
type Ctx = Record<string, Child[] | undefined>;

function isToken(c: Child): c is IToken {
  return (c as IToken).image !== undefined;
}

function validToken(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

export class AstBuilder {
  /** Names declared by declarations that were dropped because of syntax errors. */
  readonly partialNames = new Set<string>();

  constructor(private readonly fileName: string) {}

  // -------------------------------------------------------------------------------------------------------
  // Accessors

  private tok(ctx: Ctx, key: string, i = 0): IToken | undefined {
    const c = ctx[key]?.[i];
    return c && isToken(c) && validToken(c) ? c : undefined;
  }

  private toks(ctx: Ctx, key: string): IToken[] {
    return (ctx[key] ?? []).filter((c): c is IToken => isToken(c) && validToken(c));
  }

  private node(ctx: Ctx, key: string, i = 0): CstNode | undefined {
    const c = ctx[key]?.[i];
    return c && !isToken(c) ? c : undefined;
  }

  private nodes(ctx: Ctx, key: string): CstNode[] {
    return (ctx[key] ?? []).filter((c): c is CstNode => !isToken(c));
  }

  private tokSpan(t: IToken): Span {
    return { file: this.fileName, start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
  }

  /** The span from the first to the last real token under a node. */
  span(n: CstNode): Span {
    let start = Infinity;
    let end = -Infinity;
    const walk = (node: CstNode): void => {
      for (const list of Object.values(node.children)) {
        for (const c of list) {
          if (isToken(c)) {
            if (!validToken(c)) continue;
            start = Math.min(start, c.startOffset);
            end = Math.max(end, (c.endOffset ?? c.startOffset) + 1);
          } else walk(c);
        }
      }
    };
    walk(n);
    if (!Number.isFinite(start)) return { file: this.fileName, start: 0, end: 0 };
    return { file: this.fileName, start, end };
  }

  private join(a: Span, b: Span): Span {
    return { file: this.fileName, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  private ident(t: IToken | undefined): A.Ident | undefined {
    return t ? { kind: 'ident', name: t.image, span: this.tokSpan(t) } : undefined;
  }

  private nameOf(ctx: Ctx, key: string, i = 0): A.Ident | undefined {
    return this.ident(this.tok(ctx, key, i));
  }

  // -------------------------------------------------------------------------------------------------------
  // File and members

  sourceFile(n: CstNode, textLength: number): A.SourceFile {
    const items: A.TopItem[] = [];
    const ctx = n.children as Ctx;
    for (const c of [...this.nodes(ctx, 'importDecl'), ...this.nodes(ctx, 'networkDecl'), ...this.nodes(ctx, 'member')].sort(
      (a, b) => this.span(a).start - this.span(b).start,
    )) {
      const item = c.name === 'importDecl' ? this.importDecl(c) : c.name === 'networkDecl' ? this.networkDecl(c) : this.member(c);
      if (item) items.push(item);
    }
    return { kind: 'file', file: this.fileName, items, span: { file: this.fileName, start: 0, end: textLength } };
  }

  private importDecl(n: CstNode): A.ImportDecl | undefined {
    const ctx = n.children as Ctx;
    const p = this.tok(ctx, 'path');
    if (!p) return undefined;
    return { kind: 'import', path: unquote(p.image), pathSpan: this.tokSpan(p), span: this.span(n) };
  }

  private networkDecl(n: CstNode): A.NetworkDecl | undefined {
    const ctx = n.children as Ctx;
    const name = this.nameOf(ctx, 'name');
    const members = this.nodes(ctx, 'member')
      .map((m) => this.member(m))
      .filter((m): m is A.Member => m !== undefined);
    if (!name) return undefined;
    return { kind: 'network', name, members, span: this.span(n) };
  }

  member(n: CstNode): A.Member | undefined {
    const ctx = n.children as Ctx;
    const [key] = Object.keys(ctx);
    const child = key ? this.node(ctx, key) : undefined;
    if (!child) return undefined;
    switch (child.name) {
      case 'letDecl':
        return this.letDecl(child);
      case 'setting':
        return this.setting(child);
      case 'neuronDecl':
        return this.neuronDecl(child);
      case 'populationDecl':
        return this.populationDecl(child);
      case 'projectionDecl':
        return this.projectionDecl(child);
      case 'ruleDecl':
        return this.ruleDecl(child);
      case 'signalDecl':
        return this.signalDecl(child);
      case 'probeDecl':
        return this.probeDecl(child);
      case 'protocolDecl':
        return this.protocolDecl(child);
      default:
        return undefined;
    }
  }

  private partial(name: A.Ident | undefined): undefined {
    if (name) this.partialNames.add(name.name);
    return undefined;
  }

  private letDecl(n: CstNode): A.LetDecl | undefined {
    const ctx = n.children as Ctx;
    const name = this.nameOf(ctx, 'name');
    const value = this.exprOf(ctx, 'value');
    if (!name || !value) return this.partial(name);
    return { kind: 'let', name, value, span: this.span(n) };
  }

  private setting(n: CstNode): A.Setting | undefined {
    const ctx = n.children as Ctx;
    const target = this.toks(ctx, 'target').map((t) => this.ident(t)!);
    const op = this.tok(ctx, 'op');
    const value = this.exprOf(ctx, 'value');
    if (target.length === 0 || !op || !value) return undefined;
    return { kind: 'setting', target, op: op.image === '~' ? '~' : '=', value, span: this.span(n) };
  }

  private neuronDecl(n: CstNode): A.NeuronDecl | undefined {
    const ctx = n.children as Ctx;
    const name = this.nameOf(ctx, 'name');
    const base = this.nameOf(ctx, 'base');
    const body = this.node(ctx, 'neuronBody');
    if (!name || !base) return this.partial(name);
    return { kind: 'neuron', name, base, items: body ? this.neuronBody(body) : [], span: this.span(n) };
  }

  private neuronBody(n: CstNode): A.NeuronItem[] {
    const out: A.NeuronItem[] = [];
    for (const item of this.nodes(n.children as Ctx, 'neuronItem')) {
      const ctx = item.children as Ctx;
      const [key] = Object.keys(ctx);
      const c = key ? this.node(ctx, key) : undefined;
      if (!c) continue;
      const built = this.neuronItem(c);
      if (built) out.push(built);
    }
    return out;
  }

  private neuronItem(c: CstNode): A.NeuronItem | undefined {
    const ctx = c.children as Ctx;
    const span = this.span(c);
    switch (c.name) {
      case 'stateDecl': {
        const name = this.nameOf(ctx, 'name');
        if (!name) return undefined;
        const role = this.nameOf(ctx, 'role');
        const init = this.exprOf(ctx, 'init');
        return { kind: 'state', name, ...(role ? { role } : {}), ...(init ? { init } : {}), span };
      }
      case 'inputDecl': {
        const name = this.nameOf(ctx, 'name');
        const target = this.nameOf(ctx, 'target');
        return name && target ? { kind: 'input', name, target, span } : undefined;
      }
      case 'leakDecl': {
        const state = this.nameOf(ctx, 'state');
        const tau = this.exprOf(ctx, 'tau');
        return state && tau ? { kind: 'leak', state, tau, span } : undefined;
      }
      case 'integrateDecl': {
        const source = this.nameOf(ctx, 'source');
        const target = this.nameOf(ctx, 'target');
        return source && target ? { kind: 'integrate', source, target, span } : undefined;
      }
      case 'noiseDecl': {
        const model = this.nameOf(ctx, 'model');
        const target = this.nameOf(ctx, 'target');
        const params: A.NoiseParam[] = [];
        for (const p of this.nodes(ctx, 'noiseParam')) {
          const pc = p.children as Ctx;
          const name = this.nameOf(pc, 'name');
          const value = this.exprOf(pc, 'value');
          if (name && value) params.push({ name, value });
        }
        return model && target ? { kind: 'noise', model, target, params, span } : undefined;
      }
      case 'setting':
        return this.setting(c);
      default:
        return undefined;
    }
  }

  private populationDecl(n: CstNode): A.PopulationDecl | undefined {
    const ctx = n.children as Ctx;
    const name = this.nameOf(ctx, 'name');
    const type = this.nameOf(ctx, 'type');
    const size = this.exprOf(ctx, 'size');
    const like = this.nameOf(ctx, 'like');
    const body = this.node(ctx, 'neuronBody');
    if (!name || !type || !size) return this.partial(name);
    return {
      kind: 'population',
      name,
      type,
      size,
      ...(like ? { like } : {}),
      ...(body ? { items: this.neuronBody(body) } : {}),
      span: this.span(n),
    };
  }

  private projectionDecl(n: CstNode): A.ProjectionDecl | undefined {
    const ctx = n.children as Ctx;
    const kw = this.tok(ctx, 'keyword');
    const pre = this.nameOf(ctx, 'pre');
    const post = this.nameOf(ctx, 'post');
    const port = this.nameOf(ctx, 'port');
    const conn = this.node(ctx, 'connector');
    const connector = conn ? this.connector(conn) : undefined;
    if (!kw || !pre || !post || !connector) return undefined;
    const hasBody = this.tok(ctx, 'LBrace') !== undefined;
    const items = this.nodes(ctx, 'projectionItem')
      .map((i) => this.projectionItem(i))
      .filter((i): i is A.ProjectionItem => i !== undefined);
    return {
      kind: 'projection',
      feedback: kw.image === 'feedback',
      pre,
      post,
      ...(port ? { port } : {}),
      connector,
      ...(hasBody || items.length > 0 ? { items } : {}),
      span: this.span(n),
    };
  }

  private connector(n: CstNode): A.Expr | undefined {
    const ctx = n.children as Ctx;
    const name = this.nameOf(ctx, 'name');
    if (!name) return undefined;
    if (!this.tok(ctx, 'LParen')) return { kind: 'name', path: [name], span: name.span };
    const argsNode = this.node(ctx, 'args');
    const args = argsNode ? this.args(argsNode) : [];
    return { kind: 'call', callee: name, args, span: this.span(n) };
  }

  private projectionItem(n: CstNode): A.ProjectionItem | undefined {
    const ctx = n.children as Ctx;
    const span = this.span(n);
    if (ctx['Kw_learn']) {
      const rule = this.nameOf(ctx, 'rule');
      return rule ? { kind: 'learn', rule, span } : undefined;
    }
    if (ctx['Kw_frozen']) return { kind: 'frozen', span };
    const b = this.node(ctx, 'boundsItem');
    if (b) return this.boundsItem(b);
    if (ctx['Kw_driven_by']) {
      const r = this.node(ctx, 'projectionRef');
      const ref = r ? this.projectionRef(r) : undefined;
      return ref ? { kind: 'driven_by', ref, span } : undefined;
    }
    const s = this.node(ctx, 'setting');
    return s ? this.setting(s) : undefined;
  }

  private projectionRef(n: CstNode): A.ProjectionRef | undefined {
    const ctx = n.children as Ctx;
    const pre = this.nameOf(ctx, 'pre');
    const post = this.nameOf(ctx, 'post');
    const port = this.nameOf(ctx, 'port');
    if (!pre || !post) return undefined;
    return { kind: 'projection_ref', pre, post, ...(port ? { port } : {}), span: this.span(n) };
  }

  private boundsItem(n: CstNode): A.BoundsItem | undefined {
    const i = this.node(n.children as Ctx, 'interval');
    const interval = i ? this.interval(i) : undefined;
    return interval ? { kind: 'bounds', interval, span: this.span(n) } : undefined;
  }

  private interval(n: CstNode): A.Interval | undefined {
    const ctx = n.children as Ctx;
    const open = this.tok(ctx, 'open');
    const close = this.tok(ctx, 'close');
    const lo = this.exprOf(ctx, 'lo');
    const hi = this.exprOf(ctx, 'hi');
    if (!open || !close || !lo || !hi) return undefined;
    return { kind: 'interval', loInclusive: open.image === '[', lo, hi, hiInclusive: close.image === ']', span: this.span(n) };
  }

  // -------------------------------------------------------------------------------------------------------
  // Rules

  private ruleDecl(n: CstNode): A.RuleDecl | undefined {
    const ctx = n.children as Ctx;
    const name = this.nameOf(ctx, 'name');
    if (!name) return undefined;
    const items: A.RuleItem[] = [];
    for (const it of this.nodes(ctx, 'ruleItem')) {
      const built = this.ruleItem(it);
      if (built) items.push(built);
    }
    return { kind: 'rule', name, items, span: this.span(n) };
  }

  private ruleItem(n: CstNode): A.RuleItem | undefined {
    const ctx = n.children as Ctx;
    const sr = this.tok(ctx, 'Kw_stochastic_rounding');
    if (sr) return { kind: 'flag', name: 'stochastic_rounding', span: this.tokSpan(sr) };
    const b = this.node(ctx, 'boundsItem');
    if (b) return this.boundsItem(b);
    const t = this.node(ctx, 'traceDecl');
    if (t) {
      const c = t.children as Ctx;
      const name = this.nameOf(c, 'name');
      const side = this.tok(c, 'side');
      const tau = this.exprOf(c, 'tau');
      const impulse = this.exprOf(c, 'impulse');
      if (!name || !side || !tau) return undefined;
      return { kind: 'trace', name, side: side.image === 'pre' ? 'pre' : 'post', tau, ...(impulse ? { impulse } : {}), span: this.span(t) };
    }
    const on = this.node(ctx, 'onBlock');
    if (on) {
      const c = on.children as Ctx;
      const trig = this.tok(c, 'trigger');
      const ub = this.node(c, 'updateBlock');
      if (!trig || !ub) return undefined;
      const g = this.node(c, 'gate');
      return {
        kind: 'on',
        trigger: trig.image === 'pre' ? 'pre' : 'post',
        triggerSpan: this.tokSpan(trig),
        gates: g ? this.gate(g) : [],
        updates: this.updates(ub),
        span: this.span(on),
      };
    }
    const ev = this.node(ctx, 'everyBlock');
    if (ev) {
      const c = ev.children as Ctx;
      const steps = this.exprOf(c, 'steps');
      const ub = this.node(c, 'updateBlock');
      if (!steps || !ub) return undefined;
      const g = this.node(c, 'gate');
      return { kind: 'every', steps, gates: g ? this.gate(g) : [], updates: this.updates(ub), span: this.span(ev) };
    }
    return undefined;
  }

  private gate(n: CstNode): A.Condition[] {
    const out: A.Condition[] = [];
    for (const c of this.nodes(n.children as Ctx, 'condition')) {
      const ctx = c.children as Ctx;
      const left = this.exprOf(ctx, 'left');
      if (!left) continue;
      const iv = this.node(ctx, 'interval');
      if (iv) {
        const interval = this.interval(iv);
        if (interval) out.push({ kind: 'in', subject: left, interval, span: this.span(c) });
        continue;
      }
      const opNode = this.node(ctx, 'compareOp');
      const op = opNode ? this.tok(opNode.children as Ctx, 'op') : undefined;
      const right = this.exprOf(ctx, 'right');
      if (op && right) out.push({ kind: 'compare', left, op: op.image as A.CompareOp, right, span: this.span(c) });
    }
    return out;
  }

  private updates(n: CstNode): A.Update[] {
    const out: A.Update[] = [];
    for (const u of this.nodes(n.children as Ctx, 'update')) {
      const ctx = u.children as Ctx;
      const target = this.nameOf(ctx, 'target');
      const op = this.tok(ctx, 'op');
      const value = this.exprOf(ctx, 'value');
      if (target && op && value) out.push({ kind: 'update', target, op: op.image as A.Update['op'], value, span: this.span(u) });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------------
  // Signals, probes, protocol

  private signalDecl(n: CstNode): A.SignalDecl | A.ScheduleDecl | undefined {
    const ctx = n.children as Ctx;
    const name = this.nameOf(ctx, 'name');
    const value = this.exprOf(ctx, 'value');
    if (!name || !value) return this.partial(name);
    const span = this.span(n);
    if (!this.tok(ctx, 'LBrace')) return { kind: 'signal', name, value, span };
    // A body makes it a schedule; the value must then be `schedule(period)`.
    if (value.kind !== 'call' || value.callee.name !== 'schedule' || value.args.length !== 1) {
      this.malformed.push({ span: value.span, message: 'a signal with a `{ … }` body must be `schedule(PERIOD)`' });
      return this.partial(name);
    }
    const entries: (A.ScheduleSegment | A.ScheduleOtherwise)[] = [];
    for (const e of this.nodes(ctx, 'scheduleEntry')) {
      const c = e.children as Ctx;
      const v = this.exprOf(c, 'value');
      if (!v) continue;
      if (this.tok(c, 'Kw_otherwise')) entries.push({ kind: 'otherwise', value: v, span: this.span(e) });
      else {
        const from = this.exprOf(c, 'from');
        const to = this.exprOf(c, 'to');
        if (from && to) entries.push({ kind: 'segment', from, to, value: v, span: this.span(e) });
      }
    }
    return { kind: 'schedule', name, period: value.args[0]!, entries, span };
  }

  /** Malformed-but-parsed constructs, reported as SNN1006 by `parseSource`. */
  readonly malformed: { span: Span; message: string }[] = [];

  private probeDecl(n: CstNode): A.ProbeDecl | undefined {
    const ctx = n.children as Ctx;
    const every = this.exprOf(ctx, 'every');
    const span = this.span(n);
    const ev = every ? { every } : {};
    if (ctx['Kw_spikes']) {
      const pops = this.toks(ctx, 'population').map((t) => this.ident(t)!);
      return pops.length > 0 ? { kind: 'probe', target: { kind: 'spikes', populations: pops }, ...ev, span } : undefined;
    }
    if (ctx['Kw_weights']) {
      const r = this.node(ctx, 'projectionRef');
      const ref = r ? this.projectionRef(r) : undefined;
      return ref ? { kind: 'probe', target: { kind: 'weights', projection: ref }, ...ev, span } : undefined;
    }
    if (ctx['Kw_trace']) {
      const trace = this.nameOf(ctx, 'trace');
      const r = this.node(ctx, 'projectionRef');
      const ref = r ? this.projectionRef(r) : undefined;
      return trace && ref ? { kind: 'probe', target: { kind: 'trace', trace, projection: ref }, ...ev, span } : undefined;
    }
    const population = this.nameOf(ctx, 'population');
    const variable = this.nameOf(ctx, 'variable');
    return population && variable ? { kind: 'probe', target: { kind: 'state', population, variable }, ...ev, span } : undefined;
  }

  private protocolDecl(n: CstNode): A.ProtocolDecl {
    const items = this.nodes(n.children as Ctx, 'setting')
      .map((s) => this.setting(s))
      .filter((s): s is A.Setting => s !== undefined);
    return { kind: 'train', items, span: this.span(n) };
  }

  // -------------------------------------------------------------------------------------------------------
  // Expressions

  private exprOf(ctx: Ctx, key: string): A.Expr | undefined {
    const n = this.node(ctx, key);
    return n ? this.expr(n) : undefined;
  }

  private args(n: CstNode): A.Expr[] {
    return this.nodes(n.children as Ctx, 'arg')
      .map((a) => this.expr(a))
      .filter((a): a is A.Expr => a !== undefined);
  }

  /** `expr` and `multiplicative` share the shape operand (op operand)*. */
  expr(n: CstNode): A.Expr | undefined {
    const ctx = n.children as Ctx;
    if (n.name === 'unary') return this.unary(n);
    const operands = this.nodes(ctx, 'operand');
    const ops = this.toks(ctx, 'op');
    if (operands.length === 0 || ops.length !== operands.length - 1) return undefined;
    const build = (c: CstNode): A.Expr | undefined => (c.name === 'unary' ? this.unary(c) : this.expr(c));
    let left = build(operands[0]!);
    for (let i = 0; i < ops.length; i++) {
      const right = build(operands[i + 1]!);
      if (!left || !right) return undefined;
      const op = ops[i]!.image as A.BinaryOp;
      left = { kind: 'binary', op, left, right, opSpan: this.tokSpan(ops[i]!), span: this.join(left.span, right.span) };
    }
    return left;
  }

  private unary(n: CstNode): A.Expr | undefined {
    const ctx = n.children as Ctx;
    const op = this.tok(ctx, 'op');
    if (op) {
      const inner = this.node(ctx, 'operand');
      const operand = inner ? this.unary(inner) : undefined;
      if (!operand) return undefined;
      return { kind: 'unary', op: op.image === '-' ? '-' : '+', operand, span: this.join(this.tokSpan(op), operand.span) };
    }
    const p = this.node(ctx, 'primary');
    return p ? this.primary(p) : undefined;
  }

  private primary(n: CstNode): A.Expr | undefined {
    const ctx = n.children as Ctx;
    const num = this.tok(ctx, 'NumberLit');
    if (num) {
      const unit = this.nameOf(ctx, 'unit');
      const span = unit ? this.join(this.tokSpan(num), unit.span) : this.tokSpan(num);
      return { kind: 'number', value: Number(num.image), text: num.image, ...(unit ? { unit } : {}), span };
    }
    const str = this.tok(ctx, 'StringLit');
    if (str) return { kind: 'string', value: unquote(str.image), span: this.tokSpan(str) };
    const inner = this.node(ctx, 'inner');
    if (inner) {
      const e = this.expr(inner);
      return e ? { kind: 'paren', inner: e, span: this.span(n) } : undefined;
    }
    const path = this.toks(ctx, 'name').map((t) => this.ident(t)!);
    if (path.length === 0) return undefined;
    if (ctx['call']) {
      if (!this.tok(ctx, 'RParen')) return undefined;
      const argsNode = this.node(ctx, 'args');
      const callee: A.Ident =
        path.length === 1
          ? path[0]!
          : { kind: 'ident', name: path.map((p) => p.name).join('.'), span: this.join(path[0]!.span, path[path.length - 1]!.span) };
      return { kind: 'call', callee, args: argsNode ? this.args(argsNode) : [], span: this.span(n) };
    }
    return { kind: 'name', path, span: this.join(path[0]!.span, path[path.length - 1]!.span) };
  }
}

/** The value of a string literal: `"a\"b"` → `a"b`. */
export function unquote(image: string): string {
  const body = image.startsWith('"') ? image.slice(1, image.endsWith('"') && image.length > 1 ? -1 : undefined) : image;
  return body.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
