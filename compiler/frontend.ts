/**
 * The front end's public entry points: `.snn` text → checked `Network` (or diagnostics), AST for tests and
 * the formatter, and canonical formatting. Imports (`import "lib.snn"`) are resolved relative to the file
 * that contains them; each file is read once, cycles are reported.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve, relative, isAbsolute } from 'node:path';
import { hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import type { SourceFile } from './ast/ast.js';
import type { Network } from './model.js';
import { parseText } from './syntax/parse.js';
import { checkNetwork } from './check/network.js';
import { CheckCodes } from './check/codes.js';
import { formatAst } from './format.js';

export interface FrontendResult {
  /** Set only when there are no errors. */
  readonly network?: Network;
  /** The root file's AST (absent only if nothing could be parsed). */
  readonly ast?: SourceFile;
  readonly diagnostics: Diagnostic[];
  /** Text of every file read (root and imports), keyed by the name used in spans, for the renderer. */
  readonly sources: Map<string, string>;
}

export type ReadFile = (path: string) => string | undefined;

function defaultReadFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parses and checks `text` (named `file` in diagnostics). `readFile` resolves imports (default: the file system). */
export function checkSource(text: string, file: string, readFile: ReadFile = defaultReadFile): FrontendResult {
  const sources = new Map<string, string>([[file, text]]);
  const diagnostics: Diagnostic[] = [];
  const root = parseText(text, file);
  diagnostics.push(...root.diagnostics);
  if (!root.ast) return { diagnostics, sources };
  const files: { ast: SourceFile; imported: boolean }[] = [{ ast: root.ast, imported: false }];
  const partialNames = new Set(root.partialNames);

  // Imports, depth first; a file is identified by its resolved path.
  const seen = new Set<string>([resolve(file)]);
  const visit = (ast: SourceFile, stack: string[]): void => {
    for (const item of ast.items) {
      if (item.kind !== 'import') continue;
      const fromDir = dirname(ast.file);
      const target = isAbsolute(item.path) ? item.path : resolve(fromDir, item.path);
      if (stack.includes(target)) {
        diagnostics.push({ code: CheckCodes.Import, severity: 'error', message: `import cycle: \`${item.path}\` imports this file again`, span: item.pathSpan });
        continue;
      }
      if (seen.has(target)) continue;
      seen.add(target);
      const content = readFile(target);
      if (content === undefined) {
        diagnostics.push({ code: CheckCodes.Import, severity: 'error', message: `cannot read imported file \`${item.path}\``, span: item.pathSpan, hint: `looked for ${target}` });
        continue;
      }
      const shownName = displayName(target, file);
      sources.set(shownName, content);
      const r = parseText(content, shownName);
      diagnostics.push(...r.diagnostics);
      for (const n of r.partialNames) partialNames.add(n);
      if (!r.ast) continue;
      // Spans use the display name, but nested imports resolve against the real location.
      files.push({ ast: r.ast, imported: true });
      visit({ ...r.ast, file: target }, [...stack, target]);
    }
  };
  visit({ ...root.ast, file: resolve(file) }, [resolve(file)]);

  const checked = checkNetwork({ files, partialNames });
  diagnostics.push(...checked.diagnostics);
  // Report in reading order: by file (root first), then by position.
  const fileOrder = [...sources.keys()];
  diagnostics.sort((a, b) => {
    const fa = a.span ? fileOrder.indexOf(a.span.file) : -1;
    const fb = b.span ? fileOrder.indexOf(b.span.file) : -1;
    return fa !== fb ? fa - fb : (a.span?.start ?? 0) - (b.span?.start ?? 0);
  });
  const ok = !hasErrors(diagnostics);
  return { ...(ok && checked.network ? { network: checked.network } : {}), ast: root.ast, diagnostics, sources };
}

/** A path relative to the root file's directory when that is shorter, so messages stay readable. */
function displayName(target: string, rootFile: string): string {
  const rel = relative(dirname(resolve(rootFile)), target);
  const base = dirname(rootFile);
  return rel.startsWith('..') ? target : base === '.' ? rel : `${base}/${rel}`;
}

/** Reads and checks a file from disk. An unreadable root file is a diagnostic (the CLI turns it into a usage error first). */
export function checkFile(path: string): FrontendResult {
  const text = defaultReadFile(path);
  if (text === undefined) {
    return {
      diagnostics: [{ code: CheckCodes.Import, severity: 'error', message: `cannot read ${path}`, path: { file: path } }],
      sources: new Map(),
    };
  }
  return checkSource(text, path);
}

/** Syntax only: AST and SNN1xxx diagnostics. */
export function parseSource(text: string, file: string): { ast?: SourceFile; diagnostics: Diagnostic[] } {
  const r = parseText(text, file);
  return { ...(r.ast ? { ast: r.ast } : {}), diagnostics: r.diagnostics };
}

/** Canonical formatting (comments kept). Refuses files with syntax errors. */
export function formatSource(text: string, file: string): { text?: string; diagnostics: Diagnostic[] } {
  const r = parseText(text, file);
  if (!r.ast || hasErrors(r.diagnostics)) return { diagnostics: r.diagnostics };
  return { text: formatAst(r.ast, r.comments, text), diagnostics: r.diagnostics };
}
