/**
 * Field-by-field validation of a parsed target profile against `PROFILE_SCHEMA`, then the cross-field rules
 * (exp_min ≤ exp_max, the mesh holds the cores, …). Every problem is a Diagnostic naming the file, the dotted
 * field, the bad value and the allowed range; nothing here throws on user input.
 */
import { closest, didYouMean, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import type { TargetProfile } from './profile.js';
import { describeAllowed, fmtNum, PROFILE_SCHEMA, type FieldSpec, type ObjectField } from './schema.js';

/** Diagnostic codes of the target loader (SNN30xx). */
export const TARGET_CODES = {
  badValue: 'SNN3001',
  unknownField: 'SNN3002',
  missingField: 'SNN3003',
  inconsistent: 'SNN3004',
  yamlSyntax: 'SNN3005',
  notFound: 'SNN3006',
  badOverride: 'SNN3007',
} as const;

/** Finds where a field is written in the source file, for a "written here" note. */
export type Locator = (path: readonly string[]) => Span | undefined;

export interface ValidateContext {
  /** Shown as `path.file` (a YAML path, or `--set`). */
  readonly file: string;
  readonly locate?: Locator;
}

export type ValidateResult =
  | { readonly profile: TargetProfile; readonly diagnostics?: undefined }
  | { readonly profile?: undefined; readonly diagnostics: readonly Diagnostic[] };

/** Short, safe rendering of any value for messages (never throws, never huge). */
export function showValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) + ' (a string)';
  if (typeof v === 'number' || typeof v === 'boolean') return fmtNum(v as number);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

export function fieldDiagnostic(
  ctx: ValidateContext,
  path: readonly string[],
  code: string,
  message: string,
  hint?: string,
): Diagnostic {
  const span = ctx.locate?.(path);
  return {
    code,
    severity: 'error',
    message,
    path: { file: ctx.file, field: path.join('.') },
    hint,
    notes: span
      ? [
          {
            message:
              code === TARGET_CODES.missingField
                ? `the mapping that lacks \`${path[path.length - 1]}\``
                : `\`${path.join('.')}\` is written here`,
            span,
          },
        ]
      : undefined,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks one leaf value against its spec. Returns the (normalised) value, or pushes a diagnostic and returns
 * undefined. Exported for `--set`, which validates single fields with the same messages.
 */
export function checkLeaf(
  spec: FieldSpec,
  value: unknown,
  path: readonly string[],
  ctx: ValidateContext,
  out: Diagnostic[],
): unknown {
  const bad = (extra = '') => {
    out.push(
      fieldDiagnostic(ctx, path, TARGET_CODES.badValue, `must be ${describeAllowed(spec)}, got ${showValue(value)}${extra}`),
    );
    return undefined;
  };
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) return bad();
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max) return bad();
      return value;
    case 'bool':
      if (typeof value !== 'boolean') return bad();
      return value;
    case 'string':
      if (typeof value !== 'string' || value.length === 0 || (spec.pattern && !spec.pattern.test(value))) return bad();
      return value;
    case 'enum': {
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        const hint = typeof value === 'string' ? didYouMean(value, spec.values) : undefined;
        out.push(
          fieldDiagnostic(
            ctx,
            path,
            TARGET_CODES.badValue,
            `must be ${describeAllowed(spec)}, got ${showValue(value)}`,
            hint,
          ),
        );
        return undefined;
      }
      return value;
    }
    case 'enum_list': {
      if (!Array.isArray(value)) return bad();
      const seen = new Set<string>();
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item !== 'string' || !spec.values.includes(item)) {
          const hint = typeof item === 'string' ? didYouMean(item, spec.values) : undefined;
          out.push(
            fieldDiagnostic(
              ctx,
              [...path, String(i)],
              TARGET_CODES.badValue,
              `must be one of ${spec.values.map((v) => `\`${v}\``).join(', ')}, got ${showValue(item)}`,
              hint,
            ),
          );
          return undefined;
        }
        if (seen.has(item)) return bad(` (\`${item}\` is listed twice)`);
        seen.add(item);
      }
      if (value.length < spec.minItems) return bad();
      return Object.freeze([...(value as string[])]);
    }
    case 'int_list': {
      if (!Array.isArray(value)) return bad();
      for (const item of value) {
        if (typeof item !== 'number' || !Number.isInteger(item) || item < spec.min || item > spec.max) return bad();
      }
      return Object.freeze([...(value as number[])]);
    }
    case 'object':
    case 'map':
      // Containers are walked by `walk`; reaching here means a leaf was expected.
      return bad();
  }
}

function walk(spec: FieldSpec, value: unknown, path: string[], ctx: ValidateContext, out: Diagnostic[]): unknown {
  if (spec.kind === 'object') {
    if (!isPlainObject(value)) {
      out.push(fieldDiagnostic(ctx, path, TARGET_CODES.badValue, `must be a mapping, got ${showValue(value)}`));
      return undefined;
    }
    return walkObject(spec, value, path, ctx, out);
  }
  if (spec.kind === 'map') {
    if (!isPlainObject(value)) {
      out.push(fieldDiagnostic(ctx, path, TARGET_CODES.badValue, `must be ${describeAllowed(spec)}, got ${showValue(value)}`));
      return undefined;
    }
    const keys = Object.keys(value);
    if (keys.length < spec.minEntries || keys.length > spec.maxEntries) {
      out.push(
        fieldDiagnostic(ctx, path, TARGET_CODES.badValue, `must be ${describeAllowed(spec)}, got ${keys.length} entries`),
      );
    }
    const result: Record<string, unknown> = {};
    for (const k of keys) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
        out.push(fieldDiagnostic(ctx, [...path, k], TARGET_CODES.badValue, `names must be identifiers, got ${JSON.stringify(k)}`));
        continue;
      }
      result[k] = walk(spec.value, value[k], [...path, k], ctx, out);
    }
    return Object.freeze(result);
  }
  return checkLeaf(spec, value, path, ctx, out);
}

function walkObject(
  spec: ObjectField,
  value: Record<string, unknown>,
  path: string[],
  ctx: ValidateContext,
  out: Diagnostic[],
): Record<string, unknown> {
  const known = Object.keys(spec.fields);
  // A misspelt field already says "did you mean X"; do not also report X as missing.
  const suggested = new Set<string>();
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) {
      const near = closest(k, known);
      if (near !== undefined) suggested.add(near);
      out.push(
        fieldDiagnostic(
          ctx,
          [...path, k],
          TARGET_CODES.unknownField,
          `unknown field \`${k}\`${path.length ? ` in \`${path.join('.')}\`` : ''}`,
          didYouMean(k, known) ?? `known fields: ${known.join(', ')}`,
        ),
      );
    }
  }
  const result: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(spec.fields)) {
    const here = [...path, k];
    const present = Object.prototype.hasOwnProperty.call(value, k) && value[k] !== undefined;
    if (!present) {
      if (f.default === undefined && !suggested.has(k)) {
        out.push(
          fieldDiagnostic(
            ctx,
            here,
            TARGET_CODES.missingField,
            `missing required field \`${here.join('.')}\` (${describeAllowed(f)}: ${f.doc})`,
          ),
        );
        continue;
      }
      if (f.default === undefined) continue;
      // Defaults of containers are themselves walked so their own defaults fill in.
      result[k] = f.kind === 'object' ? walk(f, f.default, here, ctx, out) : f.default;
      continue;
    }
    result[k] = walk(f, value[k], here, ctx, out);
  }
  return Object.freeze(result);
}

/** Rules between fields. Runs only on a structurally valid profile. */
export function crossCheck(p: TargetProfile, ctx: ValidateContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (path: string, message: string, hint?: string) =>
    out.push(fieldDiagnostic(ctx, path.split('.'), TARGET_CODES.inconsistent, message, hint));
  const { chip, core, neuron, synapse, learning } = p;

  const slots = chip.mesh.width * chip.mesh.height * chip.mesh.cores_per_router;
  if (slots < chip.cores) {
    err(
      'chip.cores',
      `${fmtNum(chip.cores)} cores do not fit the mesh (${chip.mesh.width} × ${chip.mesh.height} routers × ${chip.mesh.cores_per_router} cores = ${fmtNum(slots)})`,
      'enlarge chip.mesh or lower chip.cores',
    );
  }
  const ranges: [string, string, number, number][] = [
    ['neuron.bias.exp_min', 'neuron.bias.exp_max', neuron.bias.exp_min, neuron.bias.exp_max],
    ['synapse.weight.exp_min', 'synapse.weight.exp_max', synapse.weight.exp_min, synapse.weight.exp_max],
    ['neuron.refractory.min', 'neuron.refractory.max', neuron.refractory.min, neuron.refractory.max],
    [
      'core.synapse_memory.index_bits_min',
      'core.synapse_memory.index_bits_max',
      core.synapse_memory.index_bits_min,
      core.synapse_memory.index_bits_max,
    ],
  ];
  for (const [loPath, hiPath, lo, hi] of ranges) {
    if (lo > hi) err(loPath, `must be ≤ \`${hiPath}\` (${fmtNum(hi)}), got ${fmtNum(lo)}`);
  }
  const w = synapse.weight;
  if (w.mant_bits_allowed.length > 0 && !w.mant_bits_allowed.includes(w.mant_bits)) {
    err('synapse.weight.mant_bits', `must be one of ${w.mant_bits_allowed.join(', ')} on this target, got ${w.mant_bits}`);
  }
  if (w.container_bits !== 0 && w.mant_bits > w.container_bits) {
    err(
      'synapse.weight.mant_bits',
      `must be ≤ synapse.weight.container_bits (${w.container_bits}), got ${w.mant_bits}`,
    );
  }
  if (w.sign_modes.includes('mixed') && w.mant_bits < 2 && w.range === 'twos_complement') {
    err('synapse.weight.mant_bits', `a mixed-sign weight needs at least 2 bits (sign + magnitude), got ${w.mant_bits}`);
  }
  const stateNames = Object.keys(neuron.states);
  if (stateNames.length > neuron.max_states) {
    err('neuron.max_states', `must be ≥ the ${stateNames.length} states listed in neuron.states, got ${neuron.max_states}`);
  }
  if (!stateNames.some((n) => neuron.states[n]!.role === 'membrane')) {
    err('neuron.states', 'needs one state with role `membrane` (the state compared with the threshold)');
  }
  if (neuron.decay.mode === 'loihi12' && neuron.decay.bits < 1) {
    err('neuron.decay.bits', 'loihi12 decay needs a register of at least 1 bit, got 0');
  }
  if (neuron.decay.mode === 'shift' && neuron.decay.bits < 1) {
    err('neuron.decay.bits', 'a shift leak needs a shift register of at least 1 bit, got 0');
  }
  if (neuron.threshold.mant_bits + neuron.threshold.shift > 52) {
    err('neuron.threshold.shift', `mant_bits + shift must stay ≤ 52, got ${neuron.threshold.mant_bits + neuron.threshold.shift}`);
  }
  if (learning.enabled) {
    if (learning.rule_forms.length === 0) err('learning.rule_forms', 'an enabled learning engine needs at least one rule form');
    if (learning.triggers.length === 0) err('learning.triggers', 'an enabled learning engine needs at least one trigger');
  }
  return out;
}

/** Validates a parsed YAML document (any JS value) into a frozen TargetProfile. */
export function validateProfile(doc: unknown, ctx: ValidateContext): ValidateResult {
  const out: Diagnostic[] = [];
  if (!isPlainObject(doc)) {
    out.push({
      code: TARGET_CODES.badValue,
      severity: 'error',
      message: `a target profile must be a YAML mapping, got ${showValue(doc)}`,
      path: { file: ctx.file },
    });
    return { diagnostics: out };
  }
  const value = walkObject(PROFILE_SCHEMA, doc, [], ctx, out);
  if (out.length > 0) return { diagnostics: out };
  const profile = deepFreeze({ ...value, source: ctx.file }) as unknown as TargetProfile;
  const cross = crossCheck(profile, ctx);
  if (cross.length > 0) return { diagnostics: cross };
  return { profile };
}

export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  } else if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
