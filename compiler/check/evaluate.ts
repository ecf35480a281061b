/**
 * Constant evaluation of expressions with units: `1.62 mV * 0.1 ms / 20 ms` → 8.1e-6 (V). `let` constants are
 * evaluated on first use (in any order, cycles reported). Names that are not constants evaluate to symbols
 * (`subtract`, `mnist`, `true`) and calls to call values (`uniform(-1, 1)`), which the caller interprets.
 */
import type { DiagnosticBag } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/diagnostic.js';
import type * as A from '../ast/ast.js';
import type { Span } from '../diagnostics/diagnostic.js';
import { CheckCodes } from './codes.js';
import {
  describeDim,
  dimDiv,
  dimEquals,
  dimMul,
  DIMENSIONLESS,
  exampleUnit,
  isDimensionless,
  UNITS,
  type Dim,
} from './units.js';

export type Value =
  | { readonly kind: 'num'; readonly value: number; readonly dim: Dim; readonly span: Span }
  | { readonly kind: 'str'; readonly value: string; readonly span: Span }
  | { readonly kind: 'sym'; readonly name: string; readonly span: Span }
  | { readonly kind: 'call'; readonly name: string; readonly nameSpan: Span; readonly args: readonly Value[]; readonly span: Span };

export class Evaluator {
  private readonly cache = new Map<string, Value | null>();
  private readonly active = new Set<string>();

  constructor(
    readonly lets: ReadonlyMap<string, A.LetDecl>,
    private readonly bag: DiagnosticBag,
  ) {}

  /** The value of a `let` constant, or undefined (already reported) if it is broken. */
  letValue(name: string, useSpan: Span): Value | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const decl = this.lets.get(name);
    if (!decl) return undefined;
    if (this.active.has(name)) {
      this.bag.error(CheckCodes.Conflict, `\`${name}\` is defined in terms of itself`, useSpan);
      return undefined;
    }
    this.active.add(name);
    const v = this.eval(decl.value);
    this.active.delete(name);
    this.cache.set(name, v ?? null);
    return v;
  }

  eval(e: A.Expr): Value | undefined {
    switch (e.kind) {
      case 'number': {
        if (!e.unit) return { kind: 'num', value: e.value, dim: DIMENSIONLESS, span: e.span };
        const u = UNITS.get(e.unit.name);
        if (!u) {
          const isConst = this.lets.has(e.unit.name);
          this.bag.error(
            CheckCodes.UnknownUnit,
            `unknown unit \`${e.unit.name}\``,
            e.unit.span,
            isConst ? `to multiply by the constant \`${e.unit.name}\`, write \`${e.text} * ${e.unit.name}\`` : didYouMean(e.unit.name, UNITS.keys()),
          );
          return undefined;
        }
        return { kind: 'num', value: e.value * u.scale, dim: u.dim, span: e.span };
      }
      case 'string':
        return { kind: 'str', value: e.value, span: e.span };
      case 'paren': {
        const v = this.eval(e.inner);
        return v && { ...v, span: e.span };
      }
      case 'name': {
        if (e.path.length > 1) {
          this.bag.error(CheckCodes.WrongValueKind, `\`${e.path.map((p) => p.name).join('.')}\` is not a constant`, e.span, 'dotted names are only meaningful inside learning rules (`post.u`)');
          return undefined;
        }
        const name = e.path[0]!.name;
        if (this.lets.has(name)) {
          const v = this.letValue(name, e.span);
          return v && { ...v, span: e.span };
        }
        return { kind: 'sym', name, span: e.span };
      }
      case 'call': {
        const args: Value[] = [];
        for (const a of e.args) {
          const v = this.eval(a);
          if (!v) return undefined;
          args.push(v);
        }
        return { kind: 'call', name: e.callee.name, nameSpan: e.callee.span, args, span: e.span };
      }
      case 'unary': {
        const v = this.eval(e.operand);
        if (!v) return undefined;
        const n = this.expectNumber(v);
        if (!n) return undefined;
        return { ...n, value: e.op === '-' ? -n.value : n.value, span: e.span };
      }
      case 'binary': {
        const l = this.eval(e.left);
        const r = this.eval(e.right);
        if (!l || !r) return undefined;
        const a = this.expectNumber(l);
        const b = this.expectNumber(r);
        if (!a || !b) return undefined;
        return this.binary(e, a, b);
      }
    }
  }

  private binary(e: A.BinaryExpr, a: NumValue, b: NumValue): Value | undefined {
    switch (e.op) {
      case '+':
      case '-':
      case 'mod':
        if (!dimEquals(a.dim, b.dim)) {
          const verb = e.op === '+' ? 'add' : e.op === '-' ? 'subtract' : 'take `mod` of';
          this.bag.error(
            CheckCodes.DimensionMismatch,
            `cannot ${verb} ${describeDim(a.dim)} and ${describeDim(b.dim)}`,
            e.opSpan,
            isDimensionless(a.dim) || isDimensionless(b.dim) ? 'give both sides a unit' : undefined,
          );
          return undefined;
        }
        return {
          kind: 'num',
          value: e.op === '+' ? a.value + b.value : e.op === '-' ? a.value - b.value : a.value - b.value * Math.floor(a.value / b.value),
          dim: a.dim,
          span: e.span,
        };
      case '*':
        return { kind: 'num', value: a.value * b.value, dim: dimMul(a.dim, b.dim), span: e.span };
      case '/':
        if (b.value === 0) {
          this.bag.error(CheckCodes.OutOfRange, 'division by zero', e.right.span);
          return undefined;
        }
        return { kind: 'num', value: a.value / b.value, dim: dimDiv(a.dim, b.dim), span: e.span };
    }
  }

  expectNumber(v: Value): NumValue | undefined {
    if (v.kind === 'num') return v;
    this.bag.error(CheckCodes.WrongValueKind, `expected a number, found ${describeValue(v)}`, v.span, v.kind === 'sym' ? didYouMean(v.name, this.lets.keys()) : undefined);
    return undefined;
  }
}

export type NumValue = Extract<Value, { kind: 'num' }>;

export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'num':
      return describeDim(v.dim);
    case 'str':
      return 'a string';
    case 'sym':
      return `the name \`${v.name}\``;
    case 'call':
      return `\`${v.name}(…)\``;
  }
}

/** "a time (e.g. `20 ms`)" for messages. */
export function expectedDims(dims: readonly Dim[]): string {
  return dims
    .map((d) => {
      const u = exampleUnit(d);
      return u ? `${describeDim(d)} (e.g. \`1 ${u}\`)` : describeDim(d);
    })
    .join(' or ');
}
