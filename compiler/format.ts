/**
 * `dendrite fmt`: prints an AST back as canonical `.snn` text. Layout: 2-space indentation, one item per line,
 * short blocks without comments on one line (`{ a = 1; b = 2 }`), blank lines between items kept (at most
 * one), numbers as written. Comments are kept: a comment on its own line stays before the item that follows
 * it, a comment at the end of a line stays at the end of that item's line.
 *
 * Invariant (tested): parse(format(ast)) equals ast once spans are removed, and format is idempotent.
 */
import type { IToken } from 'chevrotain';
import type * as A from './ast/ast.js';
import type { Span } from './diagnostics/diagnostic.js';

const INDENT = '  ';
const MAX_INLINE = 100;

type Item = { readonly span: Span };

class Printer {
  private readonly lines: string[] = [];
  private next = 0;
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly comments: readonly IToken[],
    private readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  result(): string {
    return this.lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  emit(indent: number, text: string): void {
    this.lines.push(INDENT.repeat(indent) + text);
  }

  blank(): void {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  /** Was there an empty line in the source between `from` and `to`? */
  private gapBetween(from: number, to: number): boolean {
    return /\n[ \t\r]*\n/.test(this.text.slice(from, to));
  }

  /** Comments that start before `offset`, each on its own line; returns the end of the last one (or `prevEnd`). */
  leading(offset: number, indent: number, prevEnd: number): number {
    let last = prevEnd;
    while (this.next < this.comments.length && this.comments[this.next]!.startOffset < offset) {
      const c = this.comments[this.next++]!;
      if (last !== prevEnd && this.gapBetween(last, c.startOffset)) this.blank();
      const [first, ...rest] = c.image.split('\n');
      this.emit(indent, first!.trimEnd());
      for (const r of rest) this.lines.push(r.trimEnd());
      last = c.endOffset! + 1;
    }
    return last;
  }

  /** A comment on the same line right after `end` joins the last printed line. */
  trailing(end: number): void {
    const c = this.comments[this.next];
    if (!c || c.startOffset < end - 1 || this.lineOf(c.startOffset) !== this.lineOf(Math.max(0, end - 1))) return;
    if (c.image.includes('\n')) return;
    // Only a comment that directly follows the item (nothing but `;` and spaces between) belongs to it.
    if (!/^[\s;,]*$/.test(this.text.slice(end, c.startOffset))) return;
    this.next++;
    this.lines[this.lines.length - 1] += ' ' + c.image.trimEnd();
  }

  hasCommentIn(span: Span): boolean {
    for (let i = this.next; i < this.comments.length; i++) {
      const c = this.comments[i]!;
      if (c.startOffset >= span.end) return false;
      if (c.startOffset >= span.start) return true;
    }
    return false;
  }

  /** Prints the items of a block, with blank lines and comments as in the source. */
  items<T extends Item>(items: readonly T[], indent: number, print: (it: T, indent: number) => void, blockStart: number): void {
    let prevEnd = blockStart;
    for (const it of items) {
      const c = this.comments[this.next];
      const leadStart = c && c.startOffset < it.span.start ? c.startOffset : it.span.start;
      if (prevEnd !== blockStart && this.gapBetween(prevEnd, leadStart)) this.blank();
      const lastComment = this.leading(it.span.start, indent, prevEnd);
      if (lastComment !== prevEnd && this.gapBetween(lastComment, it.span.start)) this.blank();
      print(it, indent);
      this.trailing(it.span.end);
      prevEnd = it.span.end;
    }
  }

  /** `header { … }`: inline when short, simple and comment-free, otherwise one item per line. */
  block<T extends Item>(
    indent: number,
    header: string,
    span: Span,
    items: readonly T[],
    inline: (it: T) => string | undefined,
    print: (it: T, indent: number) => void,
    sep = '; ',
    forceMulti = false,
  ): void {
    const open = header === '' ? '{' : `${header} {`;
    if (!forceMulti && !this.hasCommentIn(span)) {
      const parts = items.map(inline);
      if (parts.every((p): p is string => p !== undefined)) {
        const one = parts.length === 0 ? `${open} }` : `${open} ${parts.join(sep)} }`;
        if (INDENT.length * indent + one.length <= MAX_INLINE) {
          this.emit(indent, one);
          return;
        }
      }
    }
    this.emit(indent, open);
    this.items(items, indent + 1, print, span.start);
    this.leading(span.end - 1, indent + 1, items.length > 0 ? items[items.length - 1]!.span.end : span.start);
    this.emit(indent, '}');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Expressions

function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t') + '"';
}

export function formatExpr(e: A.Expr): string {
  switch (e.kind) {
    case 'number':
      return e.unit ? `${e.text} ${e.unit.name}` : e.text;
    case 'string':
      return quote(e.value);
    case 'name':
      return e.path.map((p) => p.name).join('.');
    case 'call':
      return `${e.callee.name}(${e.args.map(formatExpr).join(', ')})`;
    case 'unary':
      return `${e.op}${formatExpr(e.operand)}`;
    case 'binary':
      return `${formatExpr(e.left)} ${e.op} ${formatExpr(e.right)}`;
    case 'paren':
      return `(${formatExpr(e.inner)})`;
  }
}

function interval(i: A.Interval): string {
  return `${i.loInclusive ? '[' : '('}${formatExpr(i.lo)}, ${formatExpr(i.hi)}${i.hiInclusive ? ']' : ')'}`;
}

/** `steps` after a plain count reads well (`every 16 steps`); after a time (`every 1 ms`) it would not. */
function stepsSuffix(e: A.Expr): string {
  return e.kind === 'number' && !e.unit ? ' steps' : '';
}

function projRef(r: A.ProjectionRef): string {
  return `${r.pre.name} -> ${r.post.name}${r.port ? '.' + r.port.name : ''}`;
}

function setting(s: A.Setting): string {
  return `${s.target.map((t) => t.name).join('.')} ${s.op} ${formatExpr(s.value)}`;
}

function condition(c: A.Condition): string {
  return c.kind === 'in' ? `${formatExpr(c.subject)} in ${interval(c.interval)}` : `${formatExpr(c.left)} ${c.op} ${formatExpr(c.right)}`;
}

function gates(g: readonly A.Condition[]): string {
  return g.length === 0 ? '' : ' when ' + g.map(condition).join(' and ');
}

// ---------------------------------------------------------------------------------------------------------
// Items

function neuronItem(it: A.NeuronItem): string {
  switch (it.kind) {
    case 'state':
      return `state ${it.name.name}${it.role ? ' : ' + it.role.name : ''}${it.init ? ' = ' + formatExpr(it.init) : ''}`;
    case 'input':
      return `input ${it.name.name} -> ${it.target.name}`;
    case 'leak':
      return `leak ${it.state.name} tau ${formatExpr(it.tau)}`;
    case 'integrate':
      return `integrate ${it.source.name} into ${it.target.name}`;
    case 'noise':
      return `noise ${it.model.name} into ${it.target.name}${it.params.map((p) => ` ${p.name.name} ${formatExpr(p.value)}`).join('')}`;
    case 'setting':
      return setting(it);
  }
}

function projectionItem(it: A.ProjectionItem): string {
  switch (it.kind) {
    case 'learn':
      return `learn ${it.rule.name}`;
    case 'frozen':
      return 'frozen';
    case 'bounds':
      return `bounds ${interval(it.interval)}`;
    case 'driven_by':
      return `driven_by ${projRef(it.ref)}`;
    case 'setting':
      return setting(it);
  }
}

function update(u: A.Update): string {
  return `${u.target.name} ${u.op} ${formatExpr(u.value)}`;
}

function ruleItemInline(it: A.RuleItem): string | undefined {
  switch (it.kind) {
    case 'trace':
      return `trace ${it.name.name} ${it.side} tau ${formatExpr(it.tau)}${it.impulse ? ' impulse ' + formatExpr(it.impulse) : ''}`;
    case 'bounds':
      return `bounds ${interval(it.interval)}`;
    case 'flag':
      return it.name;
    default:
      return undefined;
  }
}

function printMember(p: Printer, m: A.Member | A.ImportDecl | A.NetworkDecl, indent: number): void {
  switch (m.kind) {
    case 'import':
      p.emit(indent, `import ${quote(m.path)}`);
      return;
    case 'network':
      p.block(indent, `network ${m.name.name}`, m.span, m.members, () => undefined, (x, i) => printMember(p, x, i), '; ', true);
      return;
    case 'let':
      p.emit(indent, `let ${m.name.name} = ${formatExpr(m.value)}`);
      return;
    case 'setting':
      p.emit(indent, setting(m));
      return;
    case 'neuron':
      p.block(indent, `neuron ${m.name.name} extends ${m.base.name}`, bodySpan(m.span, m.items), m.items, neuronItem, (x, i) => p.emit(i, neuronItem(x)));
      return;
    case 'population': {
      const head = `population ${m.name.name} = ${m.type.name}(${formatExpr(m.size)})${m.like ? ' like ' + m.like.name : ''}`;
      if (m.items === undefined) p.emit(indent, head);
      else p.block(indent, head, bodySpan(m.span, m.items), m.items, neuronItem, (x, i) => p.emit(i, neuronItem(x)));
      return;
    }
    case 'projection': {
      const head = `${m.feedback ? 'feedback' : 'project'} ${m.pre.name} -> ${m.post.name}${m.port ? '.' + m.port.name : ''} : ${formatExpr(m.connector)}`;
      if (m.items === undefined) p.emit(indent, head);
      else p.block(indent, head, bodySpan(m.span, m.items), m.items, projectionItem, (x, i) => p.emit(i, projectionItem(x)));
      return;
    }
    case 'rule':
      p.block(indent, `rule ${m.name.name}`, m.span, m.items, ruleItemInline, (x, i) => printRuleItem(p, x, i), '; ', true);
      return;
    case 'signal':
      p.emit(indent, `signal ${m.name.name} = ${formatExpr(m.value)}`);
      return;
    case 'schedule': {
      const entry = (e: A.ScheduleSegment | A.ScheduleOtherwise): string =>
        e.kind === 'otherwise' ? `otherwise: ${formatExpr(e.value)}` : `${formatExpr(e.from)}..${formatExpr(e.to)}: ${formatExpr(e.value)}`;
      p.block(indent, `signal ${m.name.name} = schedule(${formatExpr(m.period)})`, m.span, m.entries, entry, (x, i) => p.emit(i, entry(x)), ', ');
      return;
    }
    case 'probe': {
      const t = m.target;
      const target =
        t.kind === 'spikes'
          ? `spikes ${t.populations.map((x) => x.name).join(', ')}`
          : t.kind === 'state'
            ? `${t.population.name}.${t.variable.name}`
            : t.kind === 'weights'
              ? `weights ${projRef(t.projection)}`
              : `trace ${t.trace.name} on ${projRef(t.projection)}`;
      p.emit(indent, `probe ${target}${m.every ? ` every ${formatExpr(m.every)}${stepsSuffix(m.every)}` : ''}`);
      return;
    }
    case 'train':
      p.block(indent, 'train', m.span, m.items, setting, (x, i) => p.emit(i, setting(x)), '; ', true);
      return;
  }
}

function printRuleItem(p: Printer, it: A.RuleItem, indent: number): void {
  const inline = ruleItemInline(it);
  if (inline !== undefined) {
    p.emit(indent, inline);
    return;
  }
  if (it.kind === 'on' || it.kind === 'every') {
    const head = it.kind === 'on' ? `on ${it.trigger}${gates(it.gates)}` : `every ${formatExpr(it.steps)}${stepsSuffix(it.steps)}${gates(it.gates)}`;
    p.block(indent, head, it.span, it.updates, update, (u, i) => p.emit(i, update(u)));
  }
}

/** The part of a declaration's span from the first item on (so comments in the header are not "inside"). */
function bodySpan(span: Span, items: readonly Item[]): Span {
  return items.length > 0 ? { ...span, start: Math.min(items[0]!.span.start, span.end) - 1 } : span;
}

export function formatAst(ast: A.SourceFile, comments: readonly IToken[], text: string): string {
  const p = new Printer(comments, text);
  p.items(ast.items, 0, (it, i) => printMember(p, it, i), 0);
  p.leading(Infinity, 0, ast.items.length > 0 ? ast.items[ast.items.length - 1]!.span.end : 0);
  return p.result();
}
