/**
 * The target profile: one parametric chip model. A YAML file in `targets/` is validated field by field
 * (`validate.ts`, against the field table in `schema.ts`) into this frozen, fully defaulted object.
 * Field names follow the YAML keys (snake_case) so that `--set a.b.c=v` paths read the same as the file.
 * Widths (`bits`) are TOTAL widths including the sign bit, as in `emulator/arith.ts`.
 */

export type Overflow = 'wrap' | 'saturate';
export type NeuronModel = 'loihi' | 'cuba' | 'nsat';
export type DecayMode = 'loihi12' | 'shift' | 'linear' | 'none';
export type StateRole = 'current' | 'membrane' | 'dendrite' | 'other';
export type ResetMode = 'zero' | 'value' | 'subtract' | 'none';
export type ThresholdCompare = 'gt' | 'ge';
export type VoltageClamp = 'none' | 'loihi_exponents';
export type SynapseCounting = 'groups' | 'per_synapse' | 'crossbar';
export type SynapseEncoding = 'sparse' | 'dense';
export type SignMode = 'mixed' | 'excitatory' | 'inhibitory';
export type WeightRange = 'symmetric' | 'twos_complement';
export type ExpApplied = 'per_synapse' | 'per_sum';
export type LearningTrigger = 'pre' | 'post' | 'periodic';
export type LearningRead = 'pre_trace' | 'post_trace' | 'post_state' | 'pre_state' | 'modulator' | 'weight';
export type LearningGate = 'state_compare' | 'time_window';
export type RuleForm = 'sum_of_products' | 'gated_state_update' | 'sdsp';
export type TraceDecay = 'multiplicative' | 'shift' | 'none';
export type Rounding = 'stochastic' | 'toward_zero' | 'floor';

export interface MeshSpec {
  /** Routers along x. */
  readonly width: number;
  /** Routers along y. */
  readonly height: number;
  /** Cores attached to one router (Loihi: 4 per tile). */
  readonly cores_per_router: number;
}

export interface ChipSpec {
  /** Neuro-cores per chip. */
  readonly cores: number;
  readonly mesh: MeshSpec;
  readonly clock_mhz: number;
  /** How many chips the mapper may use. */
  readonly max_chips: number;
}

export interface SynapseMemorySpec {
  /** Synapse memory per core, in bits. */
  readonly bits: number;
  /**
   * How a synapse is counted: `groups` = Loihi's per-axon groups of `group_size` synapses, each
   * n·bits_per_synapse + header, rounded up to `word_bits`; `per_synapse` = n·bits_per_synapse;
   * `crossbar` = a fixed input_axons × compartments array, full whenever it fits (TrueNorth, ODIN).
   */
  readonly counting: SynapseCounting;
  readonly word_bits: number;
  readonly group_size: number;
  readonly group_header_bits: number;
  /** `sparse`: each synapse stores its compartment index; `dense`: a row stores every compartment of the core. */
  readonly encoding: SynapseEncoding;
  readonly index_bits_min: number;
  readonly index_bits_max: number;
  readonly delay_bits: number;
  readonly tag_bits: number;
}

export interface CoreSpec {
  readonly compartments: number;
  /** Distinct presynaptic sources (pre population, neuron) that may reach one core. */
  readonly input_axons: number;
  /** Output axon slots: Σ over the core's neurons of the number of destination cores. */
  readonly output_axons: number;
  /** Per neuron limit on destination cores (TrueNorth: 1); 0 = unlimited. */
  readonly output_axons_per_neuron: number;
  /** Axon types per core (TrueNorth: 4); 0 = unrestricted (not enforced by the mapper, see docs). */
  readonly axon_types: number;
  /** Distinct neuron parameter sets per core. */
  readonly profile_slots: number;
  readonly synapse_memory: SynapseMemorySpec;
}

export interface StateSpec {
  readonly role: StateRole;
  readonly bits: number;
  readonly overflow: Overflow;
}

export interface WidthSpec {
  readonly bits: number;
  readonly overflow: Overflow;
}

export interface DecaySpec {
  readonly mode: DecayMode;
  /** Decay register width: 12 for loihi12; width of the shift k (shift) or of λ (linear). */
  readonly bits: number;
  /** Loihi's +1 register on the current decay (factor (2^bits − offset − d)/2^bits). */
  readonly current_offset: number;
  readonly membrane_offset: number;
  /** Shift leak: a non-zero state never decays to 0 in one step (NSAT one_bit_shift). */
  readonly never_zero: boolean;
}

export interface ThresholdSpec {
  /** Unsigned threshold mantissa width (Loihi 17). */
  readonly mant_bits: number;
  /** Threshold = mantissa << shift (Loihi 6). */
  readonly shift: number;
  readonly compare: ThresholdCompare;
}

export interface BiasSpec {
  /** Signed mantissa width including sign (Loihi 13: |mant| ≤ 4095). */
  readonly mant_bits: number;
  readonly exp_min: number;
  readonly exp_max: number;
}

export interface RangeSpec {
  readonly min: number;
  readonly max: number;
}

export interface NeuronSpec {
  readonly model: NeuronModel;
  /** State variables by name; the lowering matches DSL states to them by role. */
  readonly states: Readonly<Record<string, StateSpec>>;
  /** Most state variables one neuron may use. */
  readonly max_states: number;
  /** The per-step synaptic input accumulator (Loihi q). */
  readonly accumulator: WidthSpec;
  readonly decay: DecaySpec;
  readonly threshold: ThresholdSpec;
  readonly bias: BiasSpec;
  /** Loihi: v clamped to [−2^a + 1, 2^(9+2b) − 1] with per-core exponents. */
  readonly voltage_clamp: VoltageClamp;
  /** Steps from a spike to its arrival (Loihi 1). */
  readonly delivery_latency: number;
  /** Largest extra synaptic delay in steps; 0 = no delays. */
  readonly max_delay: number;
  readonly refractory: RangeSpec;
  readonly reset_modes: readonly ResetMode[];
}

export interface WeightSpec {
  /** Stored weight bits including the sign bit in mixed-sign mode. */
  readonly mant_bits: number;
  /** If non-empty, the only legal mant_bits values (Loihi: 1,2,3,4,5,6,8). */
  readonly mant_bits_allowed: readonly number[];
  /**
   * Width of the mantissa field the stored bits are aligned to (Loihi 9: −256..255); fewer stored bits shift
   * left by container_bits − mant_bits (− 1 in single-sign modes). 0 = no container (no alignment shift).
   */
  readonly container_bits: number;
  readonly exp_min: number;
  readonly exp_max: number;
  /** Extra left shift into accumulator units (Loihi 6). */
  readonly base_shift: number;
  readonly exp_applied: ExpApplied;
  readonly sign_modes: readonly SignMode[];
  /** Mixed-sign range: symmetric ±(2^(b−1) − 1) (Loihi) or two's complement [−2^(b−1), 2^(b−1) − 1]. */
  readonly range: WeightRange;
}

export interface SynapseSpec {
  readonly weight: WeightSpec;
  /** Blank-out (transmission probability) register width; 0 = no blank-out. NSAT 4 (p = k/15). */
  readonly blankout_prob_bits: number;
}

export interface TraceSpec {
  readonly pre: number;
  readonly post: number;
  readonly bits: number;
  readonly decay: TraceDecay;
  readonly impulse_frac_bits: number;
  readonly rounding: Rounding;
}

export interface LearningSpec {
  readonly enabled: boolean;
  readonly rule_forms: readonly RuleForm[];
  readonly triggers: readonly LearningTrigger[];
  readonly reads: readonly LearningRead[];
  readonly gates: readonly LearningGate[];
  readonly traces: TraceSpec;
  readonly accumulator_bits: number;
  readonly stochastic_rounding: boolean;
  /** Most product terms Σ S_i·Π factors in one rule. */
  readonly max_product_terms: number;
  /** Most factors in one product term. */
  readonly max_factors: number;
  /** Global modulatory signals (e.g. eCD's g). */
  readonly modulators: number;
  /** Largest k for `every 2^k steps` triggers. */
  readonly period_log2_max: number;
}

export interface OpCost {
  readonly cycles: number;
  readonly pj: number;
}

export interface CostTable {
  readonly synaptic_op: OpCost;
  readonly compartment_update: OpCost;
  readonly learning_op: OpCost;
  readonly spike: OpCost;
  readonly hop: OpCost;
}

export interface TargetProfile {
  readonly name: string;
  readonly description: string;
  readonly chip: ChipSpec;
  readonly core: CoreSpec;
  readonly neuron: NeuronSpec;
  readonly synapse: SynapseSpec;
  readonly learning: LearningSpec;
  readonly cost: CostTable;
  /** Where the profile came from (a file path, or "<text>"); not a YAML field. */
  readonly source: string;
}

/** Total cores available to the mapper. */
export function totalCores(p: TargetProfile): number {
  return p.chip.cores * p.chip.max_chips;
}

/** Stored-mantissa range of one weight in the given sign mode: [min, max] integers. */
export function weightMantissaRange(w: WeightSpec, mode: SignMode): { min: number; max: number } {
  const b = w.mant_bits;
  if (mode === 'excitatory') return { min: 0, max: 2 ** b - 1 };
  if (mode === 'inhibitory') return { min: -(2 ** b - 1), max: 0 };
  const half = 2 ** (b - 1);
  return w.range === 'symmetric' ? { min: -(half - 1), max: half - 1 } : { min: -half, max: half - 1 };
}

/** Left shift aligning the stored mantissa to the container field (Loihi `shift_bits`). */
export function weightAlignShift(w: WeightSpec, mode: SignMode): number {
  if (w.container_bits === 0) return 0;
  return Math.max(0, w.container_bits - w.mant_bits - (mode === 'mixed' ? 0 : 1));
}
