/**
 * Reading target profiles: YAML text → validated TargetProfile, by name (a file in the package's `targets/`)
 * or by path, with `--set` overrides applied last. Nothing here throws on user input.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNode, parseDocument, type Document } from 'yaml';
import { didYouMean, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import { packageRoot } from '../paths.js';
import { applyOverrides } from './overrides.js';
import type { TargetProfile } from './profile.js';
import { TARGET_CODES, validateProfile, type Locator, type ValidateResult } from './validate.js';

export type TargetResult =
  | { readonly profile: TargetProfile; readonly diagnostics?: undefined }
  | { readonly profile?: undefined; readonly diagnostics: readonly Diagnostic[] };

/** The folder of the shipped profiles. */
export function targetsDir(): string {
  return join(packageRoot(), 'targets');
}

/** Names of the shipped profiles (files `targets/<name>.yaml`), sorted. */
export function listTargets(): string[] {
  const dir = targetsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

function locatorFor(doc: Document, file: string): Locator {
  return (path) => {
    // The deepest node that exists along the path: the field itself, or its parent when it is missing.
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return { file, start: node.range[0], end: node.range[1] };
    }
    return undefined;
  };
}

/** Parses and validates profile text. `file` names it in diagnostics. */
export function parseTargetText(text: string, file: string): ValidateResult {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e): Diagnostic => {
        const span: Span = { file, start: e.pos[0], end: Math.max(e.pos[0], e.pos[1]) };
        const line = e.linePos?.[0];
        return {
          code: TARGET_CODES.yamlSyntax,
          severity: 'error',
          message: `YAML syntax error${line ? ` at line ${line.line}, column ${line.col}` : ''}: ${e.message.split('\n')[0]}`,
          path: { file },
          notes: [{ message: 'here', span }],
        };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // yaml throws for alias bombs and unresolvable aliases; those are input errors, not bugs.
    return {
      diagnostics: [
        {
          code: TARGET_CODES.yamlSyntax,
          severity: 'error',
          message: `YAML error: ${(e as Error).message.split('\n')[0]}`,
          path: { file },
        },
      ],
    };
  }
  return validateProfile(value, { file, locate: locatorFor(doc, file) });
}

/** Reads and validates a profile file. */
export function loadTargetFile(path: string): ValidateResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return {
      diagnostics: [
        { code: TARGET_CODES.notFound, severity: 'error', message: `cannot read target profile: ${why}`, path: { file: path } },
      ],
    };
  }
  return parseTargetText(text, path);
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || /\.ya?ml$/i.test(s);
}

/**
 * `--target NAME|PATH` plus `--set k=v` overrides → a validated profile or diagnostics. A bare name is looked
 * up in the package's `targets/` folder; anything with a slash or a .yaml suffix is a path.
 */
export function resolveTarget(nameOrPath: string, sets: readonly string[] = []): TargetResult {
  let base: ValidateResult;
  if (looksLikePath(nameOrPath)) {
    base = loadTargetFile(nameOrPath);
  } else {
    const names = listTargets();
    if (!names.includes(nameOrPath)) {
      return {
        diagnostics: [
          {
            code: TARGET_CODES.notFound,
            severity: 'error',
            message: `unknown target \`${nameOrPath}\``,
            path: { file: '--target' },
            hint: didYouMean(nameOrPath, names) ?? `shipped targets: ${names.join(', ')}; or give a path to a .yaml file`,
          },
        ],
      };
    }
    base = loadTargetFile(join(targetsDir(), `${nameOrPath}.yaml`));
  }
  if (base.profile === undefined) return base;
  if (sets.length === 0) return base;
  return applyOverrides(base.profile, sets);
}
