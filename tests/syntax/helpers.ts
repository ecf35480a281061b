/** Test helpers: ASTs without positions, the example files, and a tokenizer-based mutator. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Deep copy without `span`-like fields, so two parses of differently laid-out text compare equal. */
export function stripSpans(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripSpans);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === 'span' || k === 'opSpan' || k === 'pathSpan' || k === 'triggerSpan' || k === 'file') continue;
      out[k] = stripSpans(v);
    }
    return out;
  }
  return x;
}

export const examplesDir = join(import.meta.dirname, '../../dsl-examples');

export function exampleFiles(): string[] {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith('.snn'))
    .sort();
}

export function readExample(name: string): string {
  return readFileSync(join(examplesDir, name), 'utf8');
}

export { captureIo } from '../helpers/io.js';
