/** Process-facing helpers shared by every command: output streams, exit codes, reading user files. */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { renderDiagnostics, type SourceMap } from './render.js';

export const EXIT_OK = 0;
/** The input had errors (diagnostics were printed) or a run/check failed. */
export const EXIT_DIAGNOSTICS = 1;
/** Bad command line: unknown option, missing argument, unreadable file. */
export const EXIT_USAGE = 2;

/** Where commands write; tests replace it to capture output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  get isTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

/** Thrown inside a command for a usage error (exit 2); main() prints the message without a stack. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function readUserFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? e);
    throw new UsageError(`cannot read ${path}: ${why}`);
  }
}

export function printDiagnostics(io: Io, ds: readonly Diagnostic[], sources: SourceMap): void {
  if (ds.length > 0) io.err(renderDiagnostics(ds, sources));
}
