/**
 * The chip's cycle estimate for one core in one step: each kind of operation it did that step times its cycle
 * cost from the target's table (`ir.cost`). A step's latency is the slowest core's (Emulator.accountCycles).
 * One function, shared by the single-thread emulator and the threads of a pipelined parallel run, so that both
 * sum exactly the same doubles in the same order (results are bit-identical for every thread count).
 */
import type { CostTable } from '../ir/types.js';

export function coreStepCycles(
  cost: CostTable, synapticOps: number, compartmentUpdates: number, learningOps: number, spikes: number, hops: number,
): number {
  return (
    synapticOps * cost.synapticOp.cycles +
    compartmentUpdates * cost.compartmentUpdate.cycles +
    learningOps * cost.learningOp.cycles +
    spikes * cost.spike.cycles +
    hops * cost.hop.cycles
  );
}
