/**
 * Run-time state of the float reference, allocated once per simulator: struct-of-arrays Float64Array state per
 * population, a delay ring of input sums per (state variable, neuron), and per-step spike lists. Shared by the
 * step loop (float-sim.ts) and the learning rules (learning.ts); nothing here is allocated per step.
 */
import type { NeuronModel, Population, Projection, SourceModel } from '../compiler/model.js';
import type { SynapseTable } from '../compiler/network/connectivity.js';

interface PopBase {
  /** Index in `network.populations`. */
  readonly index: number;
  readonly pop: Population;
  readonly size: number;
  /** Global neuron id of neuron 0 (populations numbered in declaration order, sources included). */
  readonly base: number;
  /** 1 for every neuron that spiked at the current step. */
  readonly spiked: Uint8Array;
  /** Local indices of the neurons that spiked at the current step, ascending; first `spikeCount` valid. */
  readonly spikes: Int32Array;
  spikeCount: number;
}

export interface NeuronPopulationState extends PopBase {
  readonly kind: 'neuron';
  readonly model: NeuronModel;
  /** State variable names in update (declaration) order. */
  readonly stateNames: readonly string[];
  readonly stateIndex: ReadonlyMap<string, number>;
  /** One array per state variable, each of length `size`. */
  readonly states: readonly Float64Array[];
  /** Per state: retention α = exp(−dt/τ) (1 = no leak), rest value, clamps (±Infinity = none). */
  readonly alpha: Float64Array;
  readonly rest: Float64Array;
  readonly floor: Float64Array;
  readonly ceiling: Float64Array;
  /** Per state: indices of the states whose freshly updated values it adds. */
  readonly integrates: readonly Int32Array[];
  /** Index of the membrane state, or −1 (LI populations may have none). */
  readonly membrane: number;
  /** Value the membrane is held at while refractory: the reset value, or the membrane's rest. */
  readonly holdValue: number;
  /** Refractory steps after a spike: the membrane is held for steps t+1 … t+refSteps. */
  readonly refSteps: number;
  /** Remaining refractory steps per neuron. */
  readonly ref: Int32Array;
  /** Input ring: ring[((slot · nStates) + state) · size + neuron]. */
  readonly ring: Float64Array;
}

export interface SourcePopulationState extends PopBase {
  readonly kind: 'source';
  readonly model: SourceModel;
  /** Index of this source in the emulator's `ir.sources` (selects the PRNG key). */
  readonly sourceIndex: number;
  /** Poisson-like sources: per-neuron spike threshold 0..2^32 (probability = threshold / 2^32). */
  readonly threshold: Float64Array;
  /** Silent steps after a spike (Poisson with refractory, escape noise). */
  readonly refSteps: number;
  readonly ref: Int32Array;
  /** Label source: active label (−1 = silent); its per-step threshold. */
  label: number;
  labelThreshold: number;
  /** Spike list: steps (≥ 1, non-decreasing) and local indices, and the next unread entry. */
  listSteps: Int32Array;
  listIndices: Int32Array;
  cursor: number;
}

export type PopulationState = NeuronPopulationState | SourcePopulationState;

export interface ProjectionState {
  /** Index in `network.projections`. */
  readonly index: number;
  readonly projection: Projection;
  readonly pre: PopulationState;
  readonly post: NeuronPopulationState;
  readonly table: SynapseTable;
  /** Mutable copy of the float weights (learning rewrites it). */
  readonly weight: Float64Array;
  readonly delaySteps: number;
  /** Index of the post state variable that this projection's port feeds. */
  readonly targetState: number;
  /** Blank-out threshold 0..2^32 (2^32 = always transmit). */
  readonly transmitThreshold: number;
}
