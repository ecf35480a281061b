/**
 * The field table of a target profile: kind, allowed range, default and meaning of every YAML field. The
 * validator, the `--set` overrides and the docs test all walk this one table, so a field added here is
 * validated, overridable and (by test) documented at once.
 */

interface Common {
  readonly doc: string;
  readonly unit?: string;
  /** Absent from the file → this value. Fields without a default are required. */
  readonly default?: unknown;
}

export interface IntField extends Common {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
}
export interface NumberField extends Common {
  readonly kind: 'number';
  readonly min: number;
  readonly max: number;
}
export interface BoolField extends Common {
  readonly kind: 'bool';
}
export interface StringField extends Common {
  readonly kind: 'string';
  readonly pattern?: RegExp;
  readonly patternText?: string;
}
export interface EnumField extends Common {
  readonly kind: 'enum';
  readonly values: readonly string[];
}
export interface EnumListField extends Common {
  readonly kind: 'enum_list';
  readonly values: readonly string[];
  readonly minItems: number;
}
export interface IntListField extends Common {
  readonly kind: 'int_list';
  readonly min: number;
  readonly max: number;
}
export interface ObjectField extends Common {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, FieldSpec>>;
}
/** A map from user-chosen names (identifiers) to objects of one shape (neuron.states). */
export interface MapField extends Common {
  readonly kind: 'map';
  readonly value: ObjectField;
  readonly minEntries: number;
  readonly maxEntries: number;
}

export type FieldSpec =
  | IntField
  | NumberField
  | BoolField
  | StringField
  | EnumField
  | EnumListField
  | IntListField
  | ObjectField
  | MapField;

const int = (min: number, max: number, doc: string, extra: Partial<IntField> = {}): IntField => ({
  kind: 'int',
  min,
  max,
  doc,
  ...extra,
});
const num = (min: number, max: number, doc: string, extra: Partial<NumberField> = {}): NumberField => ({
  kind: 'number',
  min,
  max,
  doc,
  ...extra,
});
const bool = (doc: string, extra: Partial<BoolField> = {}): BoolField => ({ kind: 'bool', doc, ...extra });
const oneOf = (values: readonly string[], doc: string, extra: Partial<EnumField> = {}): EnumField => ({
  kind: 'enum',
  values,
  doc,
  ...extra,
});
const listOf = (values: readonly string[], doc: string, extra: Partial<EnumListField> = {}): EnumListField => ({
  kind: 'enum_list',
  values,
  minItems: 0,
  doc,
  ...extra,
});
const obj = (fields: Record<string, FieldSpec>, doc: string, extra: Partial<ObjectField> = {}): ObjectField => ({
  kind: 'object',
  fields,
  doc,
  ...extra,
});

const MAX_BITS = 52; // every register must stay an exact integer in a JS double
const opCost = (what: string): ObjectField =>
  obj(
    {
      cycles: num(0, 1e6, `core cycles per ${what}`, { unit: 'cycles' }),
      pj: num(0, 1e9, `energy per ${what}`, { unit: 'pJ' }),
    },
    `cost of one ${what}`,
  );

const width = (doc: string): ObjectField =>
  obj(
    {
      bits: int(2, MAX_BITS, 'total width including the sign bit', { unit: 'bits' }),
      overflow: oneOf(['wrap', 'saturate'], 'what happens outside the range: two\u2019s-complement wrap or clamp'),
    },
    doc,
  );

export const PROFILE_SCHEMA: ObjectField = obj(
  {
    name: {
      kind: 'string',
      doc: 'profile name, used by `--target NAME`',
      pattern: /^[a-z][a-z0-9_-]{0,63}$/,
      patternText: 'lower-case letters, digits, `_` or `-`, starting with a letter',
    },
    description: { kind: 'string', doc: 'one line saying what the profile models and where its numbers come from' },
    chip: obj(
      {
        cores: int(1, 1 << 20, 'neuro-cores per chip', { unit: 'cores' }),
        mesh: obj(
          {
            width: int(1, 4096, 'routers along x', { unit: 'routers' }),
            height: int(1, 4096, 'routers along y', { unit: 'routers' }),
            cores_per_router: int(1, 64, 'cores sharing one router (Loihi: 4 per tile)', { unit: 'cores' }),
          },
          'the on-chip mesh; width × height × cores_per_router must hold `chip.cores`',
        ),
        clock_mhz: num(0.001, 100000, 'core clock used to turn cycles into time', { unit: 'MHz' }),
        max_chips: int(1, 65536, 'chips the mapper may use', { unit: 'chips', default: 1 }),
      },
      'chip-level numbers',
    ),
    core: obj(
      {
        compartments: int(1, 1 << 20, 'compartments (neuron state slots) per core', { unit: 'compartments' }),
        input_axons: int(1, 1 << 24, 'distinct presynaptic sources (pre population, neuron) reaching one core', {
          unit: 'axons',
        }),
        output_axons: int(1, 1 << 24, 'output axon slots: Σ over the core\u2019s neurons of their destination cores', {
          unit: 'axons',
        }),
        output_axons_per_neuron: int(0, 1 << 24, 'destination cores one neuron may reach; 0 = unlimited', {
          unit: 'axons',
          default: 0,
        }),
        axon_types: int(0, 256, 'axon types per core (TrueNorth 4); 0 = unrestricted; not enforced by the mapper', {
          default: 0,
        }),
        profile_slots: int(1, 4096, 'distinct neuron parameter sets per core', { unit: 'profiles' }),
        synapse_memory: obj(
          {
            bits: int(1, 2 ** 40, 'synapse memory per core', { unit: 'bits' }),
            counting: oneOf(['groups', 'per_synapse', 'crossbar'], 'how synapses are charged to the memory'),
            word_bits: int(1, 1024, '`groups`: each group rounds up to whole words', { unit: 'bits', default: 64 }),
            group_size: int(1, 1 << 16, '`groups`: synapses per group sharing one header', {
              unit: 'synapses',
              default: 64,
            }),
            group_header_bits: int(0, 1024, '`groups`: header bits per group (Loihi 4 + 6)', {
              unit: 'bits',
              default: 10,
            }),
            encoding: oneOf(['sparse', 'dense'], '`sparse`: a compartment index per synapse; `dense`: full rows', {
              default: 'sparse',
            }),
            index_bits_min: int(0, 32, 'smallest compartment-index width', { unit: 'bits', default: 0 }),
            index_bits_max: int(0, 32, 'largest compartment-index width', { unit: 'bits', default: 32 }),
            delay_bits: int(0, 16, 'delay field per synapse', { unit: 'bits', default: 0 }),
            tag_bits: int(0, 32, 'learning tag field per synapse', { unit: 'bits', default: 0 }),
          },
          'synapse memory and how a synapse is counted',
        ),
      },
      'per-core limits',
    ),
    neuron: obj(
      {
        model: oneOf(['loihi', 'cuba', 'nsat'], 'compartment update order: Loihi CUBA, generic CUBA or NSAT state space'),
        states: {
          kind: 'map',
          doc: 'state variables by name (e.g. `u`, `v`); the lowering matches DSL states to them by role',
          minEntries: 1,
          maxEntries: 16,
          value: obj(
            {
              role: oneOf(['current', 'membrane', 'dendrite', 'other'], 'what the state holds'),
              bits: int(2, MAX_BITS, 'total width including the sign bit', { unit: 'bits' }),
              overflow: oneOf(['wrap', 'saturate'], 'two\u2019s-complement wrap or clamp at the width'),
            },
            'one state variable',
          ),
        },
        max_states: int(1, 16, 'most state variables one neuron may use'),
        accumulator: width('per-step synaptic input accumulator (Loihi q: 22 bits, wrap)'),
        decay: obj(
          {
            mode: oneOf(['loihi12', 'shift', 'linear', 'none'], 'leak arithmetic'),
            bits: int(0, 32, 'decay register width (loihi12: 12; shift: width of k; linear: width of λ)', {
              unit: 'bits',
            }),
            current_offset: int(0, 1, 'loihi12: the +1 register added to the current decay', { default: 0 }),
            membrane_offset: int(0, 1, 'loihi12: the +1 register added to the membrane decay', { default: 0 }),
            never_zero: bool('shift: a non-zero state never leaks to 0 in one step (NSAT)', { default: false }),
          },
          'leak',
        ),
        threshold: obj(
          {
            mant_bits: int(1, 40, 'unsigned threshold mantissa width', { unit: 'bits' }),
            shift: int(0, 24, 'threshold = mantissa << shift', { unit: 'bits' }),
            compare: oneOf(['gt', 'ge'], 'spike when v > threshold (gt) or v ≥ threshold (ge)'),
          },
          'spike threshold',
        ),
        bias: obj(
          {
            mant_bits: int(1, 40, 'signed bias mantissa width including sign', { unit: 'bits' }),
            exp_min: int(-32, 32, 'smallest bias exponent; bias = mantissa · 2^exp'),
            exp_max: int(-32, 32, 'largest bias exponent'),
          },
          'constant input per step',
        ),
        voltage_clamp: oneOf(['none', 'loihi_exponents'], 'extra membrane clamp: Loihi per-core vmin/vmax exponents', {
          default: 'none',
        }),
        delivery_latency: int(0, 16, 'steps from a spike to its arrival', { unit: 'steps' }),
        max_delay: int(0, 4096, 'largest extra synaptic delay; 0 = none', { unit: 'steps' }),
        refractory: obj(
          {
            min: int(0, 1 << 16, 'smallest refractory register value', { unit: 'steps' }),
            max: int(0, 1 << 16, 'largest refractory register value', { unit: 'steps' }),
          },
          'refractory register range',
        ),
        reset_modes: listOf(['zero', 'value', 'subtract', 'none'], 'reset modes the chip supports', { minItems: 1 }),
      },
      'neuron arithmetic',
    ),
    synapse: obj(
      {
        weight: obj(
          {
            mant_bits: int(1, 24, 'stored weight bits, including the sign bit in mixed-sign mode', { unit: 'bits' }),
            mant_bits_allowed: {
              kind: 'int_list',
              min: 1,
              max: 24,
              doc: 'if non-empty, the only legal `mant_bits` values',
              default: [],
            },
            container_bits: int(0, 24, 'mantissa field the stored bits align to (Loihi 9); 0 = none', { default: 0 }),
            exp_min: int(-32, 32, 'smallest weight exponent'),
            exp_max: int(-32, 32, 'largest weight exponent'),
            base_shift: int(0, 24, 'extra left shift into accumulator units (Loihi 6)', { default: 0 }),
            exp_applied: oneOf(['per_synapse', 'per_sum'], 'exponent applied to each weight or to the summed input'),
            sign_modes: listOf(['mixed', 'excitatory', 'inhibitory'], 'weight sign modes', { minItems: 1 }),
            range: oneOf(['symmetric', 'twos_complement'], 'mixed-sign mantissa range', { default: 'twos_complement' }),
          },
          'weight format',
        ),
        blankout_prob_bits: int(0, 16, 'transmission-probability register width; 0 = no blank-out', {
          unit: 'bits',
          default: 0,
        }),
      },
      'synapse format',
    ),
    learning: obj(
      {
        enabled: bool('whether the chip learns on-chip'),
        rule_forms: listOf(['sum_of_products', 'gated_state_update', 'sdsp'], 'rule shapes the engine executes', {
          default: [],
        }),
        triggers: listOf(['pre', 'post', 'periodic'], 'events that start an update', { default: [] }),
        reads: listOf(
          ['pre_trace', 'post_trace', 'post_state', 'pre_state', 'modulator', 'weight'],
          'variables a rule may read',
          { default: [] },
        ),
        gates: listOf(['state_compare', 'time_window'], 'conditions a rule may test', { default: [] }),
        traces: obj(
          {
            pre: int(0, 16, 'presynaptic traces per synapse group', { default: 0 }),
            post: int(0, 16, 'postsynaptic traces per compartment', { default: 0 }),
            bits: int(1, 32, 'trace width (unsigned)', { unit: 'bits', default: 8 }),
            decay: oneOf(['multiplicative', 'shift', 'none'], 'trace decay arithmetic', { default: 'none' }),
            impulse_frac_bits: int(0, 16, 'fractional bits of a trace impulse', { unit: 'bits', default: 0 }),
            rounding: oneOf(['stochastic', 'toward_zero', 'floor'], 'trace rounding', { default: 'toward_zero' }),
          },
          'traces',
          { default: {} },
        ),
        accumulator_bits: int(2, MAX_BITS, 'learning accumulator width including sign', { unit: 'bits', default: 16 }),
        stochastic_rounding: bool('weight updates may be stochastically rounded', { default: false }),
        max_product_terms: int(0, 64, 'most product terms in one rule', { default: 0 }),
        max_factors: int(0, 16, 'most factors in one product term', { default: 0 }),
        modulators: int(0, 64, 'global modulatory signals', { default: 0 }),
        period_log2_max: int(0, 31, 'largest k of an `every 2^k steps` trigger', { default: 0 }),
      },
      'on-chip learning engine',
    ),
    cost: obj(
      {
        synaptic_op: opCost('synaptic event'),
        compartment_update: opCost('compartment update'),
        learning_op: opCost('synapse learning update'),
        spike: opCost('spike generated'),
        hop: opCost('mesh hop'),
      },
      'cost table (estimates unless the profile cites a measurement)',
    ),
  },
  'a target profile',
);

/** The spec at a dotted path (map keys of `neuron.states` are free names), or undefined. */
export function specAt(path: readonly string[]): FieldSpec | undefined {
  let spec: FieldSpec = PROFILE_SCHEMA;
  for (const key of path) {
    if (spec.kind === 'object') {
      const next: FieldSpec | undefined = Object.prototype.hasOwnProperty.call(spec.fields, key)
        ? spec.fields[key]
        : undefined;
      if (next === undefined) return undefined;
      spec = next;
    } else if (spec.kind === 'map') {
      spec = spec.value;
    } else {
      return undefined;
    }
  }
  return spec;
}

/** Every leaf path of the schema, map entries written as `<name>` (for docs and tests). */
export function leafPaths(spec: FieldSpec = PROFILE_SCHEMA, prefix = ''): string[] {
  if (spec.kind === 'object') {
    return Object.entries(spec.fields).flatMap(([k, f]) => leafPaths(f, prefix ? `${prefix}.${k}` : k));
  }
  if (spec.kind === 'map') return leafPaths(spec.value, `${prefix}.<name>`);
  return [prefix];
}

/** The allowed range of a leaf, as text for messages and docs. */
export function describeAllowed(spec: FieldSpec): string {
  switch (spec.kind) {
    case 'int':
      return `an integer in ${fmtNum(spec.min)}..${fmtNum(spec.max)}`;
    case 'number':
      return `a number in ${fmtNum(spec.min)}..${fmtNum(spec.max)}`;
    case 'bool':
      return '`true` or `false`';
    case 'string':
      return spec.patternText ? `a string of ${spec.patternText}` : 'a string';
    case 'enum':
      return `one of ${spec.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'enum_list':
      return `a list of ${spec.values.map((v) => `\`${v}\``).join(', ')}${
        spec.minItems > 0 ? ` (at least ${spec.minItems})` : ''
      }`;
    case 'int_list':
      return `a list of integers in ${spec.min}..${spec.max}`;
    case 'object':
      return 'a mapping';
    case 'map':
      return `a mapping of ${spec.minEntries}..${spec.maxEntries} named entries`;
  }
}

/** 4096 → "4,096": the grouping users read in limits. */
export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) >= 1000) return n.toLocaleString('en-US');
  return String(n);
}
