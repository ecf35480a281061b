/**
 * Synaptic delivery (phase 3 of a step) in the form the hot loop reads, shared by the single-thread `Emulator`
 * and the parallel runner (emulator/parallel/thread-share.ts).
 *
 * The rule (emulator.ts): a spike of step t on axon a puts, for every synapse r of a's rows that survives
 * blank-out, w[r] · 2^weightShift into ring[((t + 1 + delay[r]) mod R · P + port[r]) · n + target[r]].
 * Everything in that index but t is constant, so it is computed once per synapse as a cell offset from the start
 * of the slot of step t + 1: cell[r] = (delay[r] · P + port[r]) · n + target[r]. Since 0 ≤ (t + 1) mod R ≤ R − 1
 * and delay ≤ R − 1, base + cell[r] is below twice the ring's length, and one subtraction replaces the modulo.
 * A ring cell holds an exact integer sum, so the order of delivery is free (emulator.ts, docs/emulator.md).
 */
import type { Core } from '../ir/types.js';
import { ALWAYS, drawPrefix, drawWithPrefix, STREAM_BLANKOUT } from './prng.js';
import type { CoreCounters } from './state.js';

/** One core's synapse table prepared for delivery (static: built once from the IR; weights stay separate). */
export interface CoreDelivery {
  /**
   * Per axon a: axonRow[2a] = its first synapse, axonRow[2a + 1] = its synapse group, and axonRow[2a + 2] = the
   * first synapse of the next axon (the end of a's rows). Interleaved so that one route reads one cache line
   * instead of three arrays — on large networks most routes are a cache miss (64k CUBA: ~63 routes per spike of
   * ~1.3 synapses each).
   */
  readonly axonRow: Int32Array;
  /** Per synapse: ring offset from the start of the slot of step t + 1 (see the file comment). */
  readonly cell: Int32Array;
  /** Per synapse group: 2^weightShift, and the blank-out threshold (≥ ALWAYS: no draw). */
  readonly groupScale: Float64Array;
  readonly groupThreshold: Float64Array;
  /** Ring cells per slot (ports · compartments) and in the whole ring (slots · ports · compartments). */
  readonly slotSize: number;
  readonly ringSize: number;
  readonly ringSlots: number;
}

/** Builds a core's delivery table; `ringSlots` and `ports` as in its `CoreRuntime`. */
export function coreDelivery(core: Core, ringSlots: number, ports: number): CoreDelivery {
  const { axonOffsets, axonGroup, targets, delays, ports: port } = core.synapses;
  const n = core.compartmentCount;
  const slotSize = ports * n;
  const cell = new Int32Array(targets.length);
  for (let r = 0; r < targets.length; r++) cell[r] = (delays[r]! * ports + port[r]!) * n + targets[r]!;
  const axons = axonGroup.length;
  const axonRow = new Int32Array(2 * axons + 1);
  for (let a = 0; a < axons; a++) {
    axonRow[2 * a] = axonOffsets[a]!;
    axonRow[2 * a + 1] = axonGroup[a]!;
  }
  axonRow[2 * axons] = axonOffsets[axons]!;
  const sgs = core.synapseGroups;
  return {
    axonRow, cell, slotSize, ringSize: ringSlots * slotSize, ringSlots,
    groupScale: Float64Array.from(sgs, (g) => 2 ** g.weightShift),
    groupThreshold: Float64Array.from(sgs, (g) => g.transmitThreshold),
  };
}

/**
 * Delivers one spike of step t on axon `a` of a core into its ring, and counts the synaptic events and blanked-out
 * synapses on that core's counters. `core` is the core's index (the blank-out key). Specialised loops: no
 * blank-out draw and no delay (one slot; no modulo), no draw with delays (one compare per synapse instead of a
 * modulo), and the blank-out loop with the key words (seed, t, core) mixed once (prng.ts `drawPrefix`; same bits as
 * `prng.draw`).
 */
export function deliverAxon(
  d: CoreDelivery,
  ring: Float64Array,
  w: Int32Array,
  a: number,
  t: number,
  seed: number,
  core: number,
  counters: CoreCounters,
): void {
  const row = d.axonRow;
  const r0 = row[2 * a]!;
  const gi = row[2 * a + 1]!;
  const r1 = row[2 * a + 2]!;
  const cell = d.cell;
  const scale = d.groupScale[gi]!;
  const thr = d.groupThreshold[gi]!;
  if (thr >= ALWAYS) {
    if (d.ringSlots === 1) {
      for (let r = r0; r < r1; r++) ring[cell[r]!] += w[r]! * scale;
    } else {
      const size = d.ringSize;
      const base = ((t + 1) % d.ringSlots) * d.slotSize;
      for (let r = r0; r < r1; r++) {
        let i = base + cell[r]!;
        if (i >= size) i -= size;
        ring[i] += w[r]! * scale;
      }
    }
    counters.synapticEvents += r1 - r0;
    return;
  }
  if (!(thr > 0)) {
    counters.blankedOut += r1 - r0;
    return;
  }
  const size = d.ringSize;
  const base = ((t + 1) % d.ringSlots) * d.slotSize;
  const prefix = drawPrefix(seed, t, core);
  let sent = 0;
  for (let r = r0; r < r1; r++) {
    if (drawWithPrefix(prefix, r, STREAM_BLANKOUT) >= thr) continue;
    let i = base + cell[r]!;
    if (i >= size) i -= size;
    ring[i] += w[r]! * scale;
    sent++;
  }
  counters.synapticEvents += sent;
  counters.blankedOut += r1 - r0 - sent;
}

/** Σ over a neuron's routes of the mesh distance between its core and the target core, per global neuron id. */
export function hopsPerNeuron(
  offsets: Int32Array,
  routeCore: Int32Array,
  neuronCore: Int32Array,
  meshes: readonly { readonly x: number; readonly y: number }[],
): Float64Array {
  const hops = new Float64Array(neuronCore.length);
  for (let id = 0; id < neuronCore.length; id++) {
    const from = neuronCore[id]!;
    if (from < 0) continue; // host sources travel no mesh hops
    const f = meshes[from]!;
    let h = 0;
    for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
      const to = meshes[routeCore[k]!]!;
      h += Math.abs(f.x - to.x) + Math.abs(f.y - to.y);
    }
    hops[id] = h;
  }
  return hops;
}
