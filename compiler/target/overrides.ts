/**
 * `--set a.b.c=value`: override any leaf field of a profile by its dotted path. Each value is checked with the
 * same messages as the file (naming `--set`), then the whole profile is re-checked for cross-field rules.
 */
import { didYouMean, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { TargetProfile } from './profile.js';
import { leafPaths, PROFILE_SCHEMA, type FieldSpec } from './schema.js';
import { checkLeaf, fieldDiagnostic, TARGET_CODES, validateProfile, type ValidateResult } from './validate.js';

const SET_FILE = '--set';

/** Text of a `--set` value → the JS value the field's kind expects (unchanged text when it cannot convert). */
function parseValue(spec: FieldSpec, text: string): unknown {
  const t = text.trim();
  const asNumber = (s: string): unknown => (/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : s);
  switch (spec.kind) {
    case 'int':
    case 'number':
      return asNumber(t);
    case 'bool':
      return t === 'true' ? true : t === 'false' ? false : t;
    case 'enum_list':
      return t === '' ? [] : t.split(',').map((s) => s.trim());
    case 'int_list':
      return t === '' ? [] : t.split(',').map((s) => asNumber(s.trim()));
    default:
      return t;
  }
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  }
  return v;
}

/** All overridable paths, with map entries spelled out for this profile (`neuron.states.v.bits`). */
export function overridablePaths(profile: TargetProfile): string[] {
  const states = Object.keys(profile.neuron.states);
  return leafPaths().flatMap((p) =>
    p.includes('<name>') ? states.map((s) => p.replace('<name>', s)) : [p],
  );
}

/** Applies `path=value` overrides in order; returns the new frozen profile or every diagnostic found. */
export function applyOverrides(profile: TargetProfile, sets: readonly string[]): ValidateResult {
  const out: Diagnostic[] = [];
  const draft = clone(profile) as Record<string, unknown>;
  delete draft.source;
  const ctx = { file: SET_FILE };
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) {
      out.push({
        code: TARGET_CODES.badOverride,
        severity: 'error',
        message: `expected \`field.path=value\`, got ${JSON.stringify(set)}`,
        path: { file: SET_FILE },
        hint: 'for example `--set synapse.weight.mant_bits=4`',
      });
      continue;
    }
    const path = set.slice(0, eq).trim().split('.');
    const text = set.slice(eq + 1);
    // Walk schema and draft together so map entries (state names) are checked against this profile.
    let spec: FieldSpec = PROFILE_SCHEMA;
    let node: Record<string, unknown> = draft;
    let ok = true;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = i === path.length - 1;
      let candidates: string[];
      let next: FieldSpec | undefined;
      if (spec.kind === 'object') {
        candidates = Object.keys(spec.fields);
        next = candidates.includes(key) ? spec.fields[key] : undefined;
      } else if (spec.kind === 'map') {
        candidates = Object.keys(node);
        next = candidates.includes(key) ? spec.value : undefined;
      } else {
        candidates = [];
        next = undefined;
      }
      if (next === undefined) {
        const prefix = path.slice(0, i).join('.');
        const full = path.slice(0, i + 1).join('.');
        out.push(
          fieldDiagnostic(
            ctx,
            path,
            TARGET_CODES.unknownField,
            `unknown field \`${full}\``,
            didYouMean(key, candidates)?.replace(/`([^`]*)`/, `\`${prefix ? prefix + '.' : ''}$1\``) ??
              (candidates.length ? `fields of \`${prefix || '(top)'}\`: ${candidates.join(', ')}` : undefined),
          ),
        );
        ok = false;
        break;
      }
      spec = next;
      if (last) break;
      const child = node[key];
      if (typeof child !== 'object' || child === null || Array.isArray(child)) {
        ok = false;
        out.push(fieldDiagnostic(ctx, path, TARGET_CODES.unknownField, `\`${path.slice(0, i + 1).join('.')}\` has no fields`));
        break;
      }
      node = child as Record<string, unknown>;
    }
    if (!ok) continue;
    if (spec.kind === 'object' || spec.kind === 'map') {
      out.push(
        fieldDiagnostic(ctx, path, TARGET_CODES.badOverride, `\`${path.join('.')}\` is a group of fields; set one of its fields`),
      );
      continue;
    }
    const before = out.length;
    const value = checkLeaf(spec, parseValue(spec, text), path, ctx, out);
    if (out.length === before) node[path[path.length - 1]!] = value;
  }
  if (out.length > 0) return { diagnostics: out };
  const result = validateProfile(draft, ctx);
  if (result.profile === undefined) return result;
  const source = `${profile.source} (with --set ${sets.join(' ')})`;
  return { profile: Object.freeze({ ...result.profile, source }) };
}
