/**
 * The only place diagnostics are turned into text:
 *   file:line:col: error: message
 *     12 | population h1 = LIF(200)
 *        |                 ^^^
 *   hint: did you mean `h1`?
 */
import type { Diagnostic, Span } from '../compiler/diagnostics/diagnostic.js';

/** Source texts by file name, so spans can be shown with their line. */
export type SourceMap = ReadonlyMap<string, string>;

export interface LineCol {
  readonly line: number; // 1-based
  readonly col: number; // 1-based
}

export function lineColOf(text: string, offset: number): LineCol {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
}

/** Longest source line shown whole; longer lines (minified JSON, binary files) are cut around the caret. */
const MAX_LINE = 160;
const CONTEXT = 60;

function frame(text: string, span: Span): string {
  const start = Math.min(Math.max(span.start, 0), text.length);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', start);
  if (lineEnd < 0) lineEnd = text.length;
  let lineText = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  const { line } = lineColOf(text, start);
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  let caretStart = start - lineStart;
  let caretLen = Math.max(1, Math.min(span.end, lineEnd) - start);
  if (lineText.length > MAX_LINE) {
    const from = Math.max(0, caretStart - CONTEXT);
    const to = Math.min(lineText.length, caretStart + Math.min(caretLen, CONTEXT) + CONTEXT);
    const head = from > 0 ? '…' : '';
    caretLen = Math.max(1, Math.min(caretLen, to - caretStart));
    caretStart = caretStart - from + head.length;
    lineText = head + lineText.slice(from, to) + (to < lineText.length ? '…' : '');
  }
  // Control characters (binary files) would garble the terminal: one visible placeholder each, so columns stay.
  lineText = lineText.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
  // Tabs keep their width under the caret so it lines up in any terminal.
  const lead = lineText.slice(0, caretStart).replace(/[^\t]/g, ' ');
  return `${pad} |\n${gutter} | ${lineText}\n${pad} | ${lead}${'^'.repeat(caretLen)}`;
}

/** `file:line:col` when the file's text is known, else just `file` (never a made-up position). */
function location(file: string, offset: number, sources: SourceMap): string {
  const text = sources.get(file);
  if (text === undefined) return file;
  const loc = lineColOf(text, offset);
  return `${file}:${loc.line}:${loc.col}`;
}

export function renderDiagnostic(d: Diagnostic, sources: SourceMap): string {
  const parts: string[] = [];
  if (d.span) {
    const text = sources.get(d.span.file);
    parts.push(`${location(d.span.file, d.span.start, sources)}: ${d.severity}: ${d.message} [${d.code}]`);
    if (text !== undefined) parts.push(frame(text, d.span));
  } else if (d.path) {
    const field = d.path.field ? `: field \`${d.path.field}\`` : '';
    parts.push(`${d.path.file}${field}: ${d.severity}: ${d.message} [${d.code}]`);
  } else {
    parts.push(`dendrite: ${d.severity}: ${d.message} [${d.code}]`);
  }
  if (d.hint) parts.push(`hint: ${d.hint}`);
  for (const n of d.notes ?? []) {
    if (n.span) {
      parts.push(`${location(n.span.file, n.span.start, sources)}: note: ${n.message}`);
    } else {
      parts.push(`note: ${n.message}`);
    }
  }
  return parts.join('\n');
}

export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceMap): string {
  if (ds.length === 0) return '';
  const errors = ds.filter((d) => d.severity === 'error').length;
  const warnings = ds.filter((d) => d.severity === 'warning').length;
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return ds.map((d) => renderDiagnostic(d, sources)).join('\n\n') + '\n\n' + summary + '\n';
}
