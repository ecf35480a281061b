/** Process-facing helpers shared by every command: output streams, exit codes, reading user files. */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** Why a file operation failed, in words (errno codes mean little to most users). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a parent of it is not a directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EEXIST': return 'already exists';
    case 'ENOSPC': return 'no space left on the device';
    case 'EROFS': return 'read-only file system';
    default: return code ?? (e as Error)?.message ?? String(e);
  }
}

export function readUserFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
}

/** Fails with a usage error unless `path` is an existing, readable regular file (checked before long work). */
export function checkReadableFile(path: string): void {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
}

/** Writes a file the user named (e.g. `-o`), turning failures into usage errors. */
export function writeUserFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${describeFsError(e)}`);
  }
}

/**
 * Fails with a usage error unless `dir` (given with `flag`, e.g. `--out`) is, or can be made, a writable
 * directory: no file stands at it or at any of its parents. Creates nothing, so commands call it before any
 * long work (compiling, training) and `ensureOutDir` when they start writing.
 */
export function checkOutDir(dir: string, flag = '--out'): void {
  let p = resolve(dir);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  let isDir: boolean;
  try {
    isDir = statSync(p).isDirectory();
    accessSync(p, constants.W_OK);
  } catch (e) {
    throw new UsageError(`${flag} ${dir}: cannot create or write the directory: ${describeFsError(e)}`);
  }
  if (!isDir) throw new UsageError(p === resolve(dir) ? `${flag} ${dir}: is a file, not a directory` : `${flag} ${dir}: ${p} is a file, not a directory`);
}

/**
 * Makes `dir` (checked as in `checkOutDir`) and its missing parents. The parents are created one by one:
 * `mkdirSync(…, { recursive: true })` spins forever under directories that refuse new entries (e.g. /proc).
 */
export function ensureOutDir(dir: string, flag = '--out'): void {
  checkOutDir(dir, flag);
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p) && dirname(p) !== p; p = dirname(p)) missing.push(p);
  try {
    for (const m of missing.reverse()) mkdirSync(m);
  } catch (e) {
    throw new UsageError(`${flag} ${dir}: cannot create the directory: ${describeFsError(e)}`);
  }
}

/**
 * Parses an integer flag in min..max (decimal digits only: no sign, exponent, hex or fraction), or throws a usage
 * error naming the flag and the range. `undefined` (flag not given) stays undefined.
 */
export function parseIntFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${flag} must be an integer in ${min}..${max}, got "${value}"`);
  }
  return Number(v);
}

/** Parses a decimal number flag in min..max (no hex, no `Infinity`, no empty string), or throws a usage error. */
export function parseNumberFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const x = Number(v);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) || !Number.isFinite(x) || x < min || x > max) {
    throw new UsageError(`${flag} must be a number in ${min}..${max}, got "${value}"`);
  }
  return x;
}

/** Seeds are 32-bit: 0..2^32-1. */
export const MAX_SEED = 2 ** 32 - 1;

export function printDiagnostics(io: Io, ds: readonly Diagnostic[], sources: SourceMap): void {
  if (ds.length > 0) io.err(renderDiagnostics(ds, withSpanFiles(ds, sources)));
}

/**
 * Adds the text of files that spans point into but `sources` lacks (target YAML files, whose diagnostics carry
 * spans in notes), so their line and column can be shown. Unreadable files are left out: the renderer then prints
 * the file name without a position.
 */
function withSpanFiles(ds: readonly Diagnostic[], sources: SourceMap): SourceMap {
  const files = new Set<string>();
  for (const d of ds) {
    if (d.span) files.add(d.span.file);
    for (const n of d.notes ?? []) if (n.span) files.add(n.span.file);
  }
  const missing = [...files].filter((f) => !sources.has(f));
  if (missing.length === 0) return sources;
  const all = new Map(sources);
  for (const f of missing) {
    try {
      if (statSync(f).isFile()) all.set(f, readFileSync(f, 'utf8'));
    } catch {
      // not a file on disk (e.g. `--set`): no position to show
    }
  }
  return all;
}
