/**
 * The seam where on-chip learning plugs into the step loop. The emulator calls `onStep(ctx)` once per step,
 * after the fire phase and after this step's spikes have been routed into the delay rings (so synaptic input
 * of spikes emitted at step t uses the weights as they were before learning at step t — NSAT's order: events
 * first, then learning). The engine (in `emulator/learning/`) reads spikes, compartment state (e.g. a dendrite
 * `u`) and rewrites `core.weights` in place, keeping each weight in its synapse group's [weightMin, weightMax].
 * Random draws must use `emulator/prng.ts` with (ctx.seed, ctx.step, core, synapse index, STREAM_LEARNING_BASE+k)
 * so results stay independent of processing order.
 */
import type { DendriteIr } from '../ir/types.js';
import type { CoreRuntime } from './state.js';
import type { KernelChoice } from './kernels/wasm/cuba-wasm.js';

export interface LearningContext {
  /** The step just computed (1-based). */
  readonly step: number;
  /** The run's PRNG seed. */
  readonly seed: number;
  readonly ir: DendriteIr;
  /** Per-core run-time state: `weights` (mutable), `groups[g].arrays` (post state after this step's update). */
  readonly cores: readonly CoreRuntime[];
  /** Global neuron ids (sources and compartments) that spiked at this step, ascending; first `spikeCount` valid. */
  readonly spikes: Int32Array;
  readonly spikeCount: number;
  /** 1 for each global neuron id that spiked at this step, else 0. */
  readonly spiked: Uint8Array;
  /** For each global neuron id: its core, or −1 for host sources. */
  readonly neuronCore: Int32Array;
  /** Adds n learning operations to a core's counters (for the cycle and energy estimates). */
  addLearningOps(core: number, n: number): void;
  /** The emulator's kernel choice (`EmulatorOptions.kernels`): 'ts' asks engines for their TypeScript loops only. */
  readonly kernels?: KernelChoice;
}

export interface LearningEngine {
  /** Called once per step; must not allocate per synapse. */
  onStep(ctx: LearningContext): void;
}
