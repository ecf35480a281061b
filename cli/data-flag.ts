/**
 * `--data SPEC` as a command-line flag: a malformed spec is a usage error (exit 2) in every command; missing or
 * broken data files stay diagnostics (exit 1), and so does a bad `data = …` inside a network's protocol.
 */
import { DiagnosticError } from '../compiler/diagnostics/diagnostic.js';
import { resolveDataSpec, type DataOptions, type ResolvedData } from '../data/registry.js';
import { UsageError } from './io.js';

/** Diagnostic codes of a spec that is malformed or names no known data set (data/registry.ts). */
const SPEC_CODES = new Set(['SNN4511', 'SNN4513']);

export function resolveDataFlag(spec: string, options: DataOptions): ResolvedData {
  try {
    return resolveDataSpec(spec, options);
  } catch (e) {
    if (e instanceof DiagnosticError && e.diagnostics.every((d) => SPEC_CODES.has(d.code))) {
      throw new UsageError(e.diagnostics.map((d) => d.message + (d.hint ? ` (${d.hint})` : '')).join('; '));
    }
    throw e;
  }
}
