/**
 * The one diagnostic type of Dendrite. Every stage (parser, checker, target loader, lowering, IR loader,
 * emulator) reports problems as `Diagnostic`s; they are rendered in exactly one place (`cli/render.ts`).
 * User errors never throw: throwing is reserved for bugs in Dendrite itself.
 */

export type Severity = 'error' | 'warning' | 'note';

/** A source range. Offsets are 0-based UTF-16 indices into the file text; line/col are derived when rendering. */
export interface Span {
  readonly file: string;
  readonly start: number;
  /** Exclusive end offset (start === end is a zero-width span, rendered as one caret). */
  readonly end: number;
}

export interface RelatedNote {
  readonly message: string;
  readonly span?: Span;
}

export interface Diagnostic {
  /** Stable id, grouped by phase: SNN1xxx syntax, SNN2xxx names/units/shapes, SNN3xxx target/lowering, SNN4xxx IR/emulator. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Where in a `.snn` file. Absent for diagnostics about YAML/JSON files, which use `path` instead. */
  readonly span?: Span;
  /** For data files (target YAML, IR JSON): the file and the field path, e.g. `synapse.weight.mant_bits`. */
  readonly path?: { readonly file: string; readonly field?: string };
  /** A suggestion such as "did you mean `h1`?". */
  readonly hint?: string;
  readonly notes?: readonly RelatedNote[];
}

/** Collects diagnostics; deduplicates identical (code, span, message) triples reported twice by recovery. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  report(d: Diagnostic): void {
    const key = `${d.code}|${d.span?.file}:${d.span?.start}:${d.span?.end}|${d.path?.file}:${d.path?.field}|${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
  }

  error(code: string, message: string, span?: Span, hint?: string, notes?: readonly RelatedNote[]): void {
    this.report({ code, severity: 'error', message, span, hint, notes });
  }

  warning(code: string, message: string, span?: Span, hint?: string): void {
    this.report({ code, severity: 'warning', message, span, hint });
  }

  addAll(ds: Iterable<Diagnostic>): void {
    for (const d of ds) this.report(d);
  }

  get all(): readonly Diagnostic[] {
    return this.items;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Thrown by APIs that cannot return a value when the user's input is bad; the CLI renders its diagnostics. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
    this.name = 'DiagnosticError';
  }
}

/** Edit distance, used for "did you mean" hints. */
export function levenshtein(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n]!;
}

/** The closest candidate within a small edit distance, for "did you mean `x`?" hints. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestD <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const c = closest(name, candidates);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}
