/**
 * Shared state of one check run: the diagnostic bag, the constant evaluator, and helpers that read a
 * setting's value as a quantity of an expected dimension (converted to SI), an integer, a string, a name or a
 * boolean, each reporting a precise diagnostic when the value does not fit.
 */
import { DiagnosticBag, didYouMean, type RelatedNote, type Span } from '../diagnostics/diagnostic.js';
import type * as A from '../ast/ast.js';
import type { Initializer } from '../model.js';
import { CheckCodes } from './codes.js';
import { describeValue, Evaluator, expectedDims, type Value } from './evaluate.js';
import { CURRENT, DIMENSIONLESS, dimEquals, TIME, VOLTAGE, type Dim } from './units.js';

/** Values added to neuron states (thresholds, weights, rests): plain numbers, voltages or currents. */
export const AMPLITUDE: readonly Dim[] = [DIMENSIONLESS, VOLTAGE, CURRENT];

export interface Range {
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is not allowed (e.g. tau > 0). */
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
}

export class CheckContext {
  readonly bag = new DiagnosticBag();
  readonly ev: Evaluator;
  /** Simulation step (s), known once the network's `dt` is read. */
  dt = 1e-3;

  constructor(
    lets: ReadonlyMap<string, A.LetDecl>,
    /** Names of declarations dropped by syntax errors: unknown-name errors about them would only be noise. */
    private readonly partialNames: ReadonlySet<string>,
  ) {
    this.ev = new Evaluator(lets, this.bag);
  }

  error(code: string, message: string, span: Span, hint?: string, notes?: readonly RelatedNote[]): void {
    this.bag.error(code, message, span, hint, notes);
  }

  unknown(what: string, id: A.Ident, candidates: Iterable<string>, extraHint?: string): void {
    if (this.partialNames.has(id.name)) return;
    this.error(CheckCodes.UnknownName, `unknown ${what} \`${id.name}\``, id.span, didYouMean(id.name, candidates) ?? extraHint);
  }

  duplicate(what: string, id: A.Ident, previous: Span): void {
    this.error(CheckCodes.Duplicate, `${what} \`${id.name}\` is already defined`, id.span, undefined, [
      { message: `\`${id.name}\` was first defined here`, span: previous },
    ]);
  }

  eval(e: A.Expr): Value | undefined {
    return this.ev.eval(e);
  }

  /** A quantity of one of `dims`, in SI, within `range`. */
  num(e: A.Expr, dims: readonly Dim[], what: string, range: Range = {}): number | undefined {
    const v = this.eval(e);
    if (!v) return undefined;
    return this.numValue(v, dims, what, range);
  }

  numValue(v: Value, dims: readonly Dim[], what: string, range: Range = {}): number | undefined {
    if (v.kind !== 'num') {
      this.error(CheckCodes.WrongValueKind, `${what} must be ${expectedDims(dims)}, found ${describeValue(v)}`, v.span,
        v.kind === 'sym' ? didYouMean(v.name, this.ev.lets.keys()) : undefined);
      return undefined;
    }
    if (!dims.some((d) => dimEquals(d, v.dim))) {
      const hint = dimEquals(v.dim, DIMENSIONLESS) && dims.some((d) => dimEquals(d, TIME)) ? 'add a unit, e.g. `20 ms`' : undefined;
      this.error(CheckCodes.DimensionMismatch, `${what} must be ${expectedDims(dims)}, found ${describeValue(v)}`, v.span, hint);
      return undefined;
    }
    if (!Number.isFinite(v.value)) {
      this.error(CheckCodes.OutOfRange, `${what} is not a finite number`, v.span);
      return undefined;
    }
    const { min, max, minExclusive, maxExclusive } = range;
    const low = min !== undefined && (minExclusive ? v.value <= min : v.value < min);
    const high = max !== undefined && (maxExclusive ? v.value >= max : v.value > max);
    if (low || high) {
      this.error(CheckCodes.OutOfRange, `${what} must be ${rangeText(range)}, found ${fmtNum(v.value)}`, v.span);
      return undefined;
    }
    return v.value;
  }

  /** A plain integer ≥ `min`. */
  int(e: A.Expr, what: string, min = 0): number | undefined {
    const n = this.num(e, [DIMENSIONLESS], what);
    if (n === undefined) return undefined;
    if (!Number.isInteger(n) || n < min || n > Number.MAX_SAFE_INTEGER) {
      this.error(CheckCodes.OutOfRange, `${what} must be a whole number ≥ ${min}, found ${fmtNum(n)}`, e.span);
      return undefined;
    }
    return n;
  }

  /** A step count: a plain integer ≥ 1, or a time that is a whole number of `dt` steps. */
  steps(e: A.Expr, what: string): number | undefined {
    const v = this.eval(e);
    if (!v) return undefined;
    if (v.kind === 'num' && dimEquals(v.dim, TIME)) {
      const s = v.value / this.dt;
      const r = Math.round(s);
      if (r < 1 || Math.abs(s - r) > 1e-6 * Math.max(1, r)) {
        this.error(CheckCodes.OutOfRange, `${what} must be a whole number of time steps (dt = ${fmtNum(this.dt * 1e3)} ms), found ${fmtNum(s)} steps`, e.span);
        return undefined;
      }
      return r;
    }
    const n = this.numValue(v, [DIMENSIONLESS, TIME], what);
    if (n === undefined) return undefined;
    if (!Number.isInteger(n) || n < 1) {
      this.error(CheckCodes.OutOfRange, `${what} must be a whole number of steps ≥ 1, found ${fmtNum(n)}`, e.span);
      return undefined;
    }
    return n;
  }

  str(e: A.Expr, what: string): string | undefined {
    const v = this.eval(e);
    if (!v) return undefined;
    if (v.kind !== 'str') {
      this.error(CheckCodes.WrongValueKind, `${what} must be a string in double quotes, found ${describeValue(v)}`, v.span);
      return undefined;
    }
    return v.value;
  }

  /** A bare name (`mnist`) or a string (`"fashion:/data"`). */
  nameOrString(e: A.Expr, what: string): string | undefined {
    const v = this.eval(e);
    if (!v) return undefined;
    if (v.kind === 'str' || v.kind === 'sym') return v.kind === 'str' ? v.value : v.name;
    this.error(CheckCodes.WrongValueKind, `${what} must be a name or a string, found ${describeValue(v)}`, v.span);
    return undefined;
  }

  /** A bare name referring to something (a population), as an Ident for further lookup. */
  ident(e: A.Expr, what: string): A.Ident | undefined {
    if (e.kind === 'name' && e.path.length === 1) return e.path[0];
    this.error(CheckCodes.WrongValueKind, `${what} must be a name`, e.span);
    return undefined;
  }

  bool(e: A.Expr, what: string): boolean | undefined {
    const v = this.eval(e);
    if (!v) return undefined;
    if (v.kind === 'sym' && (v.name === 'true' || v.name === 'false')) return v.name === 'true';
    this.error(CheckCodes.WrongValueKind, `${what} must be \`true\` or \`false\`, found ${describeValue(v)}`, v.span);
    return undefined;
  }

  /** `uniform(a, b)`, `normal(m, s)`, `constant(x)`, `centred_uniform(s)`, `centred_normal(s)`, or a number. */
  initializer(e: A.Expr, dims: readonly Dim[], what: string): Initializer | undefined {
    const v = this.eval(e);
    if (!v) return undefined;
    if (v.kind === 'num') {
      const n = this.numValue(v, dims, what);
      return n === undefined ? undefined : { kind: 'constant', value: n };
    }
    if (v.kind !== 'call') {
      this.error(CheckCodes.WrongValueKind, `${what} must be a number or an initialiser such as \`uniform(a, b)\`, found ${describeValue(v)}`, v.span);
      return undefined;
    }
    const arity: Record<string, number> = { constant: 1, uniform: 2, normal: 2, centred_uniform: 1, centred_normal: 1 };
    const n = arity[v.name];
    if (n === undefined) {
      this.error(CheckCodes.UnknownName, `unknown initialiser \`${v.name}\``, v.nameSpan, didYouMean(v.name, Object.keys(arity)) ?? 'initialisers: uniform, normal, constant, centred_uniform, centred_normal');
      return undefined;
    }
    if (v.args.length !== n) {
      this.error(CheckCodes.WrongValueKind, `\`${v.name}\` takes ${n} argument${n === 1 ? '' : 's'}, found ${v.args.length}`, v.span);
      return undefined;
    }
    const a = v.args.map((x) => this.numValue(x, dims, `an argument of \`${v.name}\``));
    if (a.some((x) => x === undefined)) return undefined;
    const [p, q] = a as number[];
    switch (v.name) {
      case 'constant':
        return { kind: 'constant', value: p! };
      case 'uniform':
        if (!(p! < q!)) {
          this.error(CheckCodes.OutOfRange, `\`uniform(lo, hi)\` needs lo < hi, found ${fmtNum(p!)} ≥ ${fmtNum(q!)}`, v.span);
          return undefined;
        }
        return { kind: 'uniform', lo: p!, hi: q! };
      case 'normal':
        if (q! < 0) {
          this.error(CheckCodes.OutOfRange, `the standard deviation of \`normal\` must be ≥ 0, found ${fmtNum(q!)}`, v.args[1]!.span);
          return undefined;
        }
        return { kind: 'normal', mean: p!, std: q! };
      // A negative scale negates the matrix: with the same seed, `centred_uniform(-a)` is exactly
      // −1 × `centred_uniform(a)` (eRBP's E− feedback pathway mirrors the E+ one).
      case 'centred_uniform':
        return { kind: 'centred_uniform', scale: p! };
      default:
        return { kind: 'centred_normal', std: p! };
    }
  }

  /** Both ends of an interval as numbers of one of `dims`, with lo < hi. */
  interval(iv: A.Interval, dims: readonly Dim[], what: string): readonly [number, number] | undefined {
    const lo = this.num(iv.lo, dims, `the lower end of ${what}`);
    const hi = this.num(iv.hi, dims, `the upper end of ${what}`);
    if (lo === undefined || hi === undefined) return undefined;
    if (!(lo < hi)) {
      this.error(CheckCodes.OutOfRange, `${what} needs lo < hi, found [${fmtNum(lo)}, ${fmtNum(hi)}]`, iv.span);
      return undefined;
    }
    return [lo, hi];
  }
}

export function fmtNum(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(6)));
}

function rangeText(r: Range): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`${r.minExclusive ? '>' : '≥'} ${fmtNum(r.min)}`);
  if (r.max !== undefined) parts.push(`${r.maxExclusive ? '<' : '≤'} ${fmtNum(r.max)}`);
  return parts.join(' and ');
}

/** The setting's name as written (`v.tau`). */
export function settingName(s: A.Setting): string {
  return s.target.map((t) => t.name).join('.');
}

export function settingSpan(s: A.Setting): Span {
  const first = s.target[0]!.span;
  const last = s.target[s.target.length - 1]!.span;
  return { file: first.file, start: first.start, end: last.end };
}
