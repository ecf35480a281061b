/**
 * The grid of a quantization study: `--vary path=v1,v2,…` (repeatable), `--seeds K` and fixed `--set`s expand to
 * the Cartesian product of the varied values × seeds. Every value is checked with the target's own override
 * validation (the messages of `--set`, naming `--vary`), and every combination is checked as a whole profile (so
 * cross-field rules hold at every point). Each point has a stable id: a hash of everything that determines its
 * result (network file, target, all settings in order, seed, run options), so a rerun can skip finished points.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { applyOverrides, resolveTarget, TARGET_CODES, type TargetProfile } from '../compiler/target/index.js';

/** One `--vary`: a dotted profile path and the values it takes, in the order given. */
export interface VarySpec {
  readonly path: string;
  readonly values: readonly string[];
}

export interface GridSpec {
  /** Target profile name or YAML path. */
  readonly target: string;
  /** Fixed `--set k=v` overrides, applied before the varied ones. */
  readonly sets: readonly string[];
  readonly vary: readonly VarySpec[];
  /** Seeds of every grid cell (one point per seed). */
  readonly seeds: readonly number[];
}

export interface SweepPoint {
  /** Stable id: hex prefix of a SHA-256 over the point's resolved settings, seed and run key. */
  readonly id: string;
  /** Position in grid order (varied parameters in the order given, first one slowest; seeds fastest). */
  readonly index: number;
  /** The varied values of this point, by path. */
  readonly values: Readonly<Record<string, string>>;
  /** All overrides of this point: fixed sets first, then the varied ones. */
  readonly sets: readonly string[];
  readonly seed: number;
}

export type GridResult =
  | { readonly points: readonly SweepPoint[]; readonly vary: readonly VarySpec[]; readonly diagnostics?: undefined }
  | { readonly points?: undefined; readonly vary?: undefined; readonly diagnostics: readonly Diagnostic[] };

const VARY = '--vary';

function varyError(message: string, hint?: string): Diagnostic {
  return { code: TARGET_CODES.badOverride, severity: 'error', message, path: { file: VARY }, hint };
}

/**
 * `path=v1,v2,…` → a VarySpec (values trimmed, duplicates rejected), or a diagnostic. Only the shape is checked
 * here; `buildGrid` checks paths and values against the target.
 */
export function parseVary(text: string): VarySpec | Diagnostic {
  const eq = text.indexOf('=');
  if (eq <= 0) return varyError(`expected \`field.path=v1,v2,…\`, got ${JSON.stringify(text)}`, 'for example `--vary synapse.weight.mant_bits=2,4,8`');
  const path = text.slice(0, eq).trim();
  const values = text.slice(eq + 1).split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) return varyError(`\`--vary ${text}\` has an empty value`, 'separate values with single commas: `path=2,4,8`');
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return varyError(`\`--vary ${path}\` lists the value ${v} twice`);
    seen.add(v);
  }
  return { path, values };
}

/**
 * Shorthand `neuron.<state>.<field>` (as in `--vary neuron.v.bits=12,16`) → the profile's
 * `neuron.states.<state>.<field>` when <state> is a state of this profile and not a field of `neuron`.
 */
export function normalizePath(profile: TargetProfile, path: string): string {
  const segs = path.split('.');
  if (segs.length === 3 && segs[0] === 'neuron') {
    const name = segs[1]!;
    if (!(name in profile.neuron) && Object.prototype.hasOwnProperty.call(profile.neuron.states, name)) {
      return `neuron.states.${name}.${segs[2]}`;
    }
  }
  return path;
}

/** Rewrites `--set` as the source of target diagnostics raised for a `--vary` value. */
function asVary(d: Diagnostic): Diagnostic {
  return d.path?.file === '--set' ? { ...d, path: { ...d.path, file: VARY } } : d;
}

/** Cartesian product of the varied values, first parameter slowest. */
function product(vary: readonly VarySpec[]): string[][] {
  let out: string[][] = [[]];
  for (const v of vary) out = out.flatMap((prefix) => v.values.map((x) => [...prefix, x]));
  return out;
}

/** SHA-256 hex of a canonical JSON value (object keys sorted). */
export function stableHash(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canon(value))).digest('hex');
}

/** The id of a point: settings in application order + seed + the run key (file, mode, sample counts, …). */
export function pointId(target: string, sets: readonly string[], seed: number, runKey: unknown): string {
  return stableHash({ target, sets, seed, run: runKey }).slice(0, 16);
}

/**
 * Validates the grid against the target and expands it. `runKey` is everything else that determines a point's
 * result (it goes into the ids, so a rerun with other run options never reuses a stale result).
 */
export function buildGrid(spec: GridSpec, runKey: unknown): GridResult {
  const base = resolveTarget(spec.target, spec.sets);
  if (base.profile === undefined) return { diagnostics: base.diagnostics };
  if (spec.seeds.length === 0) return { diagnostics: [varyError('a sweep needs at least one seed')] };
  const diagnostics: Diagnostic[] = [];
  const vary: VarySpec[] = [];
  const paths = new Set<string>();
  for (const v of spec.vary) {
    const path = normalizePath(base.profile, v.path);
    if (paths.has(path)) {
      diagnostics.push(varyError(`\`${path}\` is varied twice; give all its values in one \`--vary ${path}=…\``));
      continue;
    }
    paths.add(path);
    if (spec.sets.some((s) => normalizePath(base.profile!, s.slice(0, s.indexOf('=')).trim()) === path)) {
      diagnostics.push(varyError(`\`${path}\` is both fixed with --set and varied with --vary`, 'drop one of them'));
      continue;
    }
    let bad = false;
    for (const value of v.values) {
      const r = applyOverrides(base.profile, [`${path}=${value}`]);
      if (r.profile === undefined) {
        diagnostics.push(...r.diagnostics.map(asVary));
        bad = true;
        // An unknown path fails for every value alike: report it once.
        if (r.diagnostics.some((d) => d.code === TARGET_CODES.unknownField)) break;
      }
    }
    if (!bad) vary.push({ path, values: v.values });
  }
  if (diagnostics.length > 0) return { diagnostics };

  const points: SweepPoint[] = [];
  for (const combo of product(vary)) {
    const varied = combo.map((value, k) => `${vary[k]!.path}=${value}`);
    const sets = [...spec.sets, ...varied];
    // Each value was valid alone; the combination must also pass the whole-profile checks.
    const whole = resolveTarget(spec.target, sets);
    if (whole.profile === undefined) {
      diagnostics.push(
        ...whole.diagnostics.map((d) => ({ ...asVary(d), notes: [...(d.notes ?? []), { message: `in the grid point ${varied.join(' ')}` }] })),
      );
      continue;
    }
    const values: Record<string, string> = {};
    combo.forEach((value, k) => (values[vary[k]!.path] = value));
    for (const seed of spec.seeds) {
      points.push({ id: pointId(spec.target, sets, seed, runKey), index: points.length, values, sets, seed });
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { points, vary };
}

/** `--seeds K` → K consecutive seeds starting at `first` (uint32). */
export function seedList(count: number, first: number): number[] {
  return Array.from({ length: count }, (_, k) => (first + k) >>> 0);
}
