/**
 * The quantization report: for every group of parameters turned into integer registers (a projection's
 * weights, a population's threshold, bias, decays), how much was lost. Pure data plus a text renderer.
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.js';

export type QuantKind = 'weights' | 'threshold' | 'bias' | 'decay' | 'initial' | 'noise';

export interface QuantReport {
  /** What was quantized, e.g. `img->h1 weights` or `h1.v decay`. */
  readonly group: string;
  readonly kind: QuantKind;
  readonly span?: Span;
  /** Values in the group. */
  readonly count: number;
  /** Chosen exponent register (weights, bias), the decay register (decay), or null when not applicable. */
  readonly exponent: number | null;
  /** Size of one integer step, in the units of the float input. */
  readonly step: number;
  /** Largest |input|. */
  readonly maxAbs: number;
  /** Largest and RMS |dequantized − input|. */
  readonly maxError: number;
  readonly rmsError: number;
  /** The same relative to maxAbs (0 when maxAbs is 0). */
  readonly maxRelError: number;
  readonly rmsRelError: number;
  /** Values clamped to the register range. */
  readonly saturated: number;
  /** Non-zero values that became integer 0. */
  readonly underflowed: number;
  /** Free text, e.g. the effective time constant of a decay. */
  readonly note?: string;
}

export const QUANT_CODES = {
  saturated: 'SNN3101',
  underflowed: 'SNN3102',
  unsupported: 'SNN3103',
} as const;

/** Lossy steps (saturation, underflow) as warnings, or as errors in strict mode. */
export function quantDiagnostics(r: QuantReport, strict: boolean): Diagnostic[] {
  const severity = strict ? 'error' : 'warning';
  const out: Diagnostic[] = [];
  const hint = strict ? 'drop --strict to accept the loss, or change the parameters or the target widths' : undefined;
  if (r.saturated > 0) {
    out.push({
      code: QUANT_CODES.saturated,
      severity,
      message: `${r.group}: ${r.saturated} of ${r.count} value${r.count === 1 ? '' : 's'} saturated (largest |value| ${fmt(r.maxAbs)} exceeds the register range)`,
      span: r.span,
      hint,
    });
  }
  if (r.underflowed > 0) {
    out.push({
      code: QUANT_CODES.underflowed,
      severity,
      message: `${r.group}: ${r.underflowed} of ${r.count} non-zero value${r.count === 1 ? '' : 's'} rounded to 0 (step ${fmt(r.step)})`,
      span: r.span,
      hint,
    });
  }
  return out;
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.001 ? 3 : 2)}%`;
}

/** A fixed-width table of reports (one line each), for `dendrite compile`. */
export function renderQuantSummary(reports: readonly QuantReport[]): string {
  const header = ['group', 'n', 'exp', 'step', 'max err', 'rms err', 'max rel', 'sat', 'zeroed'];
  const rows = reports.map((r) => [
    r.group,
    String(r.count),
    r.exponent === null ? '-' : String(r.exponent),
    fmt(r.step),
    fmt(r.maxError),
    fmt(r.rmsError),
    pct(r.maxRelError),
    String(r.saturated),
    String(r.underflowed),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const notes = reports.filter((r) => r.note).map((r) => `  ${r.group}: ${r.note}`);
  return [line(header), ...rows.map(line), ...(notes.length ? ['notes:', ...notes] : [])].join('\n') + '\n';
}
