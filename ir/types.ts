/**
 * The Dendrite IR (`dendrite-ir/1`): what the compiler emits and the emulator runs.
 *
 * Self-contained: everything the emulator needs (registers, synapse tables, routing, sources, probes, cost
 * table) is here; the emulator never reads the target YAML. All register values are integers.
 *
 * Conventions used by every field below:
 * - **Bit widths are total widths including the sign bit** ("bits: 22" is a 22-bit two's-complement value in
 *   [−2^21, 2^21 − 1]). DESIGN.md §5 writes `wrap(x, 21)` for "21 bits + sign"; that is `bits: 22` here.
 * - **Indices are 0-based.** Global neuron ids number every source neuron and every compartment that can spike,
 *   0..neuronCount−1. Compartment indices are core-local, 0..core.compartmentCount−1.
 * - **Steps** are numbered t = 1, 2, …; spikes emitted at step t arrive at step t + 1 + delay.
 * - In memory, per-element arrays are typed arrays; on disk they are either plain JSON arrays or
 *   `{"dtype": "int32", "b64": "…"}` (little-endian), see `ir/write.ts`.
 * The file format is documented field by field in `docs/ir.md`.
 */

/** The format tag of this version of the IR. Bumped on any incompatible change. */
export const IR_FORMAT = 'dendrite-ir/1' as const;

/** Element types a typed array may be stored as in the JSON file. */
export type Dtype = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float64';

/** Arbitrary JSON (reports, target details): carried through, not interpreted by the emulator. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------------------------

export interface DendriteIr {
  /** Always `"dendrite-ir/1"`. */
  readonly format: typeof IR_FORMAT;
  /** The target profile the IR was compiled for. Informational: all semantics are in the registers below. */
  readonly target: TargetInfo;
  /** The tool that wrote the file, e.g. `"dendrite 0.1.0"`. */
  readonly producer: string;
  /** Default PRNG seed (uint32, 0..2^32−1); a run may override it. */
  readonly seed: number;
  /** Length of one step in seconds (informational; e.g. 0.001). */
  readonly dt: number;
  /** Default number of steps for `dendrite run` when none is given (≥ 0). */
  readonly steps: number;
  /** Number of global neuron ids (sources + spiking compartments). */
  readonly neuronCount: number;
  /** Host-driven input neurons. */
  readonly sources: readonly Source[];
  /** Neuro-cores, indexed by position in this array. */
  readonly cores: readonly Core[];
  /** Where each neuron's spikes go. */
  readonly routing: Routing;
  /**
   * Learning microcode programs, referenced by index from `SynapseGroup.learning`. The format of a program is
   * defined by the learning engine (`emulator/learning/`); the IR only requires a string `kind`.
   */
  readonly learning: readonly LearningProgram[];
  /** Named populations, so results and probes can be named. */
  readonly populations: readonly Population[];
  /** Population names used as the network's inputs and outputs (e.g. for a classifier's readout). */
  readonly ports: Ports;
  /** What to record during a run. */
  readonly probes: readonly Probe[];
  /** Cost of each counted operation, used for cycle and energy estimates. */
  readonly cost: CostTable;
  /** Compiler reports (quantization, mapping); opaque to the emulator, carried through to run outputs. */
  readonly reports: { readonly [name: string]: Json };
}

export interface TargetInfo {
  /** Profile name, e.g. `"loihi1"`, `"nsat"`, `"default"`. */
  readonly name: string;
  /** Anything else about the target worth keeping (resolved `--set` overrides, profile hash); opaque. */
  readonly details: Json;
}

export interface Ports {
  /** Population names the host drives (sources). */
  readonly inputs: readonly string[];
  /** Population names read as the network's output. */
  readonly outputs: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Sources: input neurons driven by the host
// ---------------------------------------------------------------------------------------------------------------

export type Source = SpikeListSource | PoissonSource | LabelSource;

interface SourceBase {
  /** Population name of these input neurons. */
  readonly name: string;
  /** Number of input neurons (≥ 1). */
  readonly size: number;
  /** Global neuron id of neuron 0 of this source; neurons are neuronBase..neuronBase+size−1. */
  readonly neuronBase: number;
}

/** Replays a fixed spike list: neuron `indices[k]` spikes at step `steps[k]`. Sorted by step, then index. */
export interface SpikeListSource extends SourceBase {
  readonly kind: 'spikes';
  /** Step of each spike (≥ 1), non-decreasing. */
  readonly steps: Int32Array;
  /** Local neuron index of each spike (0..size−1), same length as `steps`. */
  readonly indices: Int32Array;
}

/**
 * Poisson (Bernoulli per step) neurons: neuron i spikes at step t iff `draw(seed, t, SOURCE_CORE + s, i,
 * STREAM_POISSON) < rate[i]`, i.e. with probability rate[i] / 2^32. The host may rewrite `rate` between steps
 * (e.g. per presented image).
 */
export interface PoissonSource extends SourceBase {
  readonly kind: 'poisson';
  /** Per-neuron spike threshold, 0..2^32 (2^32 = spike every step), as a Float64Array of integers. */
  readonly rate: Float64Array;
  /** Steps a neuron stays silent after a spike (0 = none), like a refractory encoder. */
  readonly refractory: number;
}

/**
 * A label source for supervised rules: neuron `label` spikes with probability threshold / 2^32 each step; all
 * other neurons are silent. The host sets the current label (−1 = silent) during training.
 */
export interface LabelSource extends SourceBase {
  readonly kind: 'label';
  /** Spike threshold for the active label neuron, 0..2^32. */
  readonly threshold: number;
  /** Initial label (−1 = silent). */
  readonly label: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Cores
// ---------------------------------------------------------------------------------------------------------------

export interface Core {
  /** Position on the mesh, for hop counts (Manhattan distance). */
  readonly mesh: { readonly x: number; readonly y: number };
  /** Number of compartments on this core; the groups tile 0..compartmentCount−1 without gaps or overlaps. */
  readonly compartmentCount: number;
  /** Compartment groups, each of one model, in ascending `first`. */
  readonly groups: readonly CompartmentGroup[];
  /** Number of input axons of this core. */
  readonly axonCount: number;
  /** The synapse table (CSR over input axons). */
  readonly synapses: SynapseTable;
  /** Per-synapse-group format, blank-out and learning; referenced by `synapses.axonGroup`. */
  readonly synapseGroups: readonly SynapseGroup[];
}

/**
 * CSR synapse table. Synapses of axon a are rows `axonOffsets[a] .. axonOffsets[a+1]−1`. When axon a receives a
 * spike emitted at step t, each row r adds `weights[r] · 2^group.weightShift` to input port `ports[r]` of
 * compartment `targets[r]` at step t + 1 + delays[r] (unless blanked out).
 */
export interface SynapseTable {
  /** Length axonCount + 1, non-decreasing, starts at 0, ends at the number of synapses. */
  readonly axonOffsets: Int32Array;
  /** Synapse group of each axon (index into `Core.synapseGroups`); length axonCount. */
  readonly axonGroup: Int32Array;
  /** Core-local target compartment of each synapse. */
  readonly targets: Int32Array;
  /** Stored weight of each synapse (signed integer within the group's weight range). Learning rewrites these. */
  readonly weights: Int32Array;
  /** Extra delay of each synapse in steps (0..255); total latency is 1 + delay. */
  readonly delays: Uint8Array;
  /** Input port of the target compartment (0..model's port count − 1), e.g. 0 = main input, 1 = dendrite. */
  readonly ports: Uint8Array;
}

export interface SynapseGroup {
  /** Projection name this group was lowered from (for reports and weight probes). */
  readonly name: string;
  /**
   * Left shift applied to each stored weight when it is delivered: contribution = weight · 2^weightShift
   * (0..30). For Loihi this is 6 + wgtExp (the nengo-loihi per-synapse shift, before summation). Every
   * |weight · 2^weightShift| must fit in 2^31 − 1 (checked on load), so a step's input sum stays exact.
   */
  readonly weightShift: number;
  /** Stored weight range, inclusive (learning saturates to it; the loader checks every weight against it). */
  readonly weightMin: number;
  readonly weightMax: number;
  /**
   * Blank-out: a synaptic event is transmitted iff `draw(seed, t, core, synapse index, STREAM_BLANKOUT) <
   * transmitThreshold`. 2^32 (4294967296) = always transmit (no PRNG draw), 0 = never.
   */
  readonly transmitThreshold: number;
  /** Index into `DendriteIr.learning` if the group is plastic, else null. */
  readonly learning: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Compartment groups
// ---------------------------------------------------------------------------------------------------------------

export type CompartmentGroup = LoihiGroup | CubaGroup | NsatGroup;
export type CompartmentModel = CompartmentGroup['model'];

interface GroupBase {
  /** Population (or population part) name. */
  readonly name: string;
  /** First core-local compartment index of this group. */
  readonly first: number;
  /** Number of compartments (≥ 1). */
  readonly size: number;
  /** Global neuron id of the group's first compartment; compartment first+k is neuron neuronBase+k. */
  readonly neuronBase: number;
}

/**
 * Loihi-1 CUBA compartment, exactly as the nengo-loihi emulator (golden README §5, DESIGN.md §5). One input
 * port (0 → q). Per step:
 * ```
 * q0 = wrap(q, qBits); u = wrap(decay(u, decayU, 1) + q0, uBits); u2 = wrap(u + biasMant·2^biasExp, uBits)
 * v = decay(v, decayV, 0) + u2  (wrapped to vBits only if vBits ≠ null); v = clamp(v, vmin, vmax)
 * if ref > 0: v = 0;  spike = v > vthMant·2^6;  if spike: v = 0, ref = refractDelay;  ref = max(ref − 1, 0)
 * ```
 */
export interface LoihiGroup extends GroupBase {
  readonly model: 'loihi';
  /** Width of the dendritic accumulator q, total bits (Loihi: 22). 2..32. */
  readonly qBits: number;
  /** Width of u and of u2 = u + bias, total bits (Loihi: 24). 2..32. */
  readonly uBits: number;
  /** Width v is wrapped to before clamping, or null = never wrapped (nengo-loihi; golden README §7.2). */
  readonly vBits: number | null;
  /** Lower clamp of v: −(2^vminExp) + 1 on Loihi; here any integer in −(2^31 − 1)..0. */
  readonly vmin: number;
  /** Upper clamp of v: 2^(9 + 2·vmaxExp) − 1 on Loihi; here any integer in 0..2^31 − 1. */
  readonly vmax: number;
  /** Per compartment: current decay register decayU, 0..4095 (factor (4095 − decayU)/4096). */
  readonly decayU: Int32Array;
  /** Per compartment: voltage decay register decayV, 0..4095 (factor (4096 − decayV)/4096). */
  readonly decayV: Int32Array;
  /** Per compartment: threshold mantissa, 1..2^17 − 1; threshold = vthMant·2^6. */
  readonly vthMant: Int32Array;
  /** Per compartment: bias mantissa, −4095..4095. */
  readonly biasMant: Int32Array;
  /** Per compartment: bias exponent, 0..7. */
  readonly biasExp: Int32Array;
  /** Per compartment: refractory delay register, 1..63 (1 = no refractory period). */
  readonly refractDelay: Int32Array;
  /**
   * Optional initial values: state name (`u`, `v`) → one int32 per compartment (u within uBits, v within
   * [vmin, vmax] and vBits). States not listed, and the whole field when absent, start at 0.
   */
  readonly initial?: Readonly<Record<string, Int32Array>>;
}

/** How a state variable leaks each step. `decay` registers are per compartment (`StateVar.decay`). */
export type DecayMode =
  /** Loihi 12-bit multiplicative: sign(x)·floor(|x|·(4096 − offset − d)/4096), d = register 0..4095. */
  | { readonly kind: 'loihi12'; readonly offset: 0 | 1 }
  /** Shift leak: x − (x >> k), k = register 0..31; with `neverZero`, a nonzero leak never rounds to 0 (NSAT). */
  | { readonly kind: 'shift'; readonly neverZero: boolean }
  /** Linear leak toward zero by λ = register ≥ 0 (TrueNorth/ODIN); never crosses zero. */
  | { readonly kind: 'linear' }
  /** No leak. */
  | { readonly kind: 'none' };

export type OverflowMode = 'wrap' | 'saturate';

/** One state variable of a `cuba` compartment: width, overflow, leak and clamps. */
export interface StateVar {
  /** Total width in bits including sign, 2..32. */
  readonly bits: number;
  /** What happens when a result leaves the width. */
  readonly overflow: OverflowMode;
  readonly decay: DecayMode;
  /** Per-compartment decay register (meaning depends on `decay.kind`; all 0 for `none`). */
  readonly decayReg: Int32Array;
  /** Clamp applied after the overflow rule (e.g. a floor of 0 for rectified error neurons); null = none. */
  readonly floor: number | null;
  readonly ceiling: number | null;
}

/**
 * Generalised current-based compartment (default target). Ports: 0 = `in` (into the current, or into v when
 * there is no current state), 1 = dendrite (only when `dendrite` ≠ null), 2 + k = `extraCurrents[k]` (see
 * `portCount` and `hasInputPort`). Per step, input sums in[p] first wrapped/saturated to `inputBits`:
 * ```
 * i = ovf_i(decay_i(i) + in[0])                        (if current ≠ null, else i = in[0])
 * g_k = clamp(ovf_k(decay_k(g_k) + in[2 + k]))          (each extra current, k = 0, 1, …)
 * v = clamp(ovf_v(decay_v(v) + i + Σ_k g_k + bias + noise))
 * d = clamp(ovf_d(decay_d(d) + in[1]))                 (if dendrite ≠ null)
 * if ref > 0: v = refractoryValue, ref −= 1
 * else spike = v > θ (or ≥); on spike: reset v (value / subtract θ / none), ref = refractDelay
 * ```
 * A spike at t holds v for steps t+1 … t+refractDelay (refractDelay 0 = no refractory period).
 */
export interface CubaGroup extends GroupBase {
  readonly model: 'cuba';
  /** Width and overflow of each port's summed input (applied once per step, after summing). */
  readonly inputBits: number;
  readonly inputOverflow: OverflowMode;
  /** Synaptic current state `i`, or null for a plain LIF whose input goes straight into v. */
  readonly current: StateVar | null;
  /** Membrane `v`. */
  readonly v: StateVar;
  /** Optional dendritic compartment (e.g. eRBP's `u`), fed by port 1, readable by the learning engine. */
  readonly dendrite: NamedStateVar | null;
  /**
   * Optional further synaptic currents, each with its own leak and width (e.g. Brian's CUBA: ge is `current`,
   * gi is `extraCurrents[0]`). Current k is fed by input port 2 + k and, like `current`, added to v every step.
   * Names are unique and differ from `i`, `v`, `ref`, `in` and the dendrite's name. Absent = none (1..6 when
   * present).
   */
  readonly extraCurrents?: readonly NamedStateVar[];
  /** Per compartment: bias added to v every step (already scaled, integer). */
  readonly bias: Int32Array;
  /** Per compartment: threshold θ. */
  readonly threshold: Int32Array;
  /** Spike iff v > θ (`gt`, Loihi) or v ≥ θ (`ge`, NSAT). */
  readonly compare: 'gt' | 'ge';
  readonly reset: { readonly mode: 'value' | 'subtract' | 'none'; readonly value: number };
  /** Per compartment: refractory steps after a spike (0..255). */
  readonly refractDelay: Int32Array;
  /** Value v is held at while refractory. */
  readonly refractoryValue: number;
  /**
   * Optional noise into v (eRBP+; research/papers.md §1.4b): each step each compartment k draws
   * n = [draw(seed, t, core, first + k, STREAM_NOISE) < threshold] and adds n·amplitude to v's input, with
   * i and bias, before the threshold compare. threshold 0..2^32 (probability threshold / 2^32 = rate·dt);
   * amplitude a signed integer in v's units. Absent or null = no noise (no draw).
   */
  readonly noise?: CubaNoise | null;
  /**
   * Optional initial values: state name (`i`, `v`, the dendrite's or an extra current's name) → one int32 per
   * compartment, within the state's width and clamps. States not listed, and the whole field when absent, start
   * at 0.
   */
  readonly initial?: Readonly<Record<string, Int32Array>>;
}

/** Most extra currents of a `cuba` group (each costs a port slot of the core's delay ring per compartment). */
export const MAX_EXTRA_CURRENTS = 6;

/** A `cuba` state variable that carries its own name (the dendrite, extra currents). */
export interface NamedStateVar extends StateVar {
  readonly name: string;
}

/** Bernoulli noise into a `cuba` compartment's membrane (see `CubaGroup.noise`). */
export interface CubaNoise {
  /** Per-step probability · 2^32, integer 0..2^32. */
  readonly threshold: number;
  /** Added to v on a noise event (integer, may be negative). */
  readonly amplitude: number;
}

/**
 * NSAT multi-state neuron (research/papers.md §1.10; nmi-lab/NSAT). States x_0 = V, x_1 = U, …; input port k
 * feeds state k. All parameters are per group (an NSAT neuron type). Per tick:
 * ```
 * x'_k = x_k + Σ_l sA[k][l]·one_bit_shift(x_l, A[k][l]) (A = −16 skipped) + acm_k + b_k
 * if ref > 0: (if resetOn[0]: x'_0 = resetValue[0]); ref −= 1
 * spike iff ref == 0 and x'_0 ≥ threshold (or x'_0 ≥ x'_1 if thresholdFromState1) → ref = refractory
 * clip x' to [clampLow, clampHigh]; on spike x'_k = resetOn[k] ? resetValue[k] : x'_k + spikeIncrement[k]; clip
 * acm_k(next) = clip(zero_bit_shift(Σ w, wgain[k]), accLow, accHigh)
 * ```
 */
export interface NsatGroup extends GroupBase {
  readonly model: 'nsat';
  /** Number of state variables, 1..8. */
  readonly states: number;
  /** Leak shift matrix A[k][l] (states × states), −16..15; −16 = OFF. */
  readonly leakShift: readonly (readonly number[])[];
  /** Leak sign matrix sA[k][l], each −1, 0 or 1. */
  readonly leakSign: readonly (readonly number[])[];
  /** Constant input b_k per state. */
  readonly bias: readonly number[];
  /** Firing threshold Xth on state 0. */
  readonly threshold: number;
  /** NSAT `flagXth`: compare x_0 ≥ x_1 instead of x_0 ≥ threshold. */
  readonly thresholdFromState1: boolean;
  /** Refractory period t_ref in ticks (0..255). */
  readonly refractory: number;
  /** Per state: reset to `resetValue` on a spike (true) or add `spikeIncrement` (false). */
  readonly resetOn: readonly boolean[];
  readonly resetValue: readonly number[];
  readonly spikeIncrement: readonly number[];
  /** Per state clamp [Xthlo, Xthup]. */
  readonly clampLow: readonly number[];
  readonly clampHigh: readonly number[];
  /** Per state input gain exponent Wgain (zero_bit_shift of the summed input). */
  readonly wgain: readonly number[];
  /** Accumulator clip, NSAT: −32768..32767. */
  readonly accLow: number;
  readonly accHigh: number;
  /** Initial value of each state. */
  readonly initial: readonly number[];
}

// ---------------------------------------------------------------------------------------------------------------
// Routing, populations, probes, costs, learning
// ---------------------------------------------------------------------------------------------------------------

/** CSR over global neuron ids: neuron n sends to (core[k], axon[k]) for k in offsets[n] .. offsets[n+1]−1. */
export interface Routing {
  /** Length neuronCount + 1, non-decreasing from 0. */
  readonly offsets: Int32Array;
  readonly core: Int32Array;
  readonly axon: Int32Array;
}

/** One place (part) of a population: a source, or a range of a compartment group on a core. */
export type Placement =
  | { readonly kind: 'source'; readonly source: number }
  | { readonly kind: 'group'; readonly core: number; readonly group: number; readonly offset: number; readonly count: number };

export interface Population {
  readonly name: string;
  /** Global neuron id of the population's neuron 0; neurons are contiguous ids. */
  readonly neuronBase: number;
  readonly size: number;
  /** Where its neurons live, in neuron order; counts add up to `size`. */
  readonly placement: readonly Placement[];
}

export type Probe =
  /** Spikes of a population: (step, local index) lists. */
  | { readonly name: string; readonly kind: 'spikes'; readonly population: string; readonly decimation: number }
  /** A state variable (`v`, `u`, `i`, `ref`, NSAT `x0`/`x1`, or the dendrite's name) of a population. */
  | {
      readonly name: string;
      readonly kind: 'state';
      readonly population: string;
      readonly state: string;
      readonly decimation: number;
    }
  /** The stored weights of one synapse group on one core. */
  | {
      readonly name: string;
      readonly kind: 'weights';
      readonly core: number;
      readonly synapseGroup: number;
      readonly decimation: number;
    };

/**
 * Costs per counted operation. These are profile estimates, not measurements. Cycles of a step on a core =
 * Σ count × cycles; step latency = max over cores; energy = Σ over cores and kinds of count × pJ.
 */
export interface CostTable {
  readonly synapticOp: OpCost;
  readonly compartmentUpdate: OpCost;
  readonly learningOp: OpCost;
  readonly spike: OpCost;
  readonly hop: OpCost;
}

export interface OpCost {
  /** Cycles per operation (≥ 0). */
  readonly cycles: number;
  /** Picojoules per operation (≥ 0). */
  readonly pj: number;
}

/**
 * Learning microcode, defined by the learning engine (`emulator/learning/`). The IR only fixes `kind`; all other
 * fields are validated by that engine.
 */
export interface LearningProgram {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/**
 * Number of input port slots of a compartment group: `loihi` 1; `cuba` 1, 2 with a dendrite, 2 + k with k extra
 * currents (port 1 is then a slot even without a dendrite: see `hasInputPort`); `nsat` one per state.
 */
export function portCount(g: CompartmentGroup): number {
  switch (g.model) {
    case 'loihi':
      return 1;
    case 'cuba': {
      const extra = g.extraCurrents?.length ?? 0;
      return extra > 0 ? 2 + extra : g.dendrite === null ? 1 : 2;
    }
    case 'nsat':
      return g.states;
  }
}

/** Whether synapses may target input port `p` of the group (a `cuba` group without a dendrite has no port 1). */
export function hasInputPort(g: CompartmentGroup, p: number): boolean {
  if (p < 0 || p >= portCount(g)) return false;
  return !(g.model === 'cuba' && p === 1 && g.dendrite === null);
}
