/**
 * Run-time state of the emulator, allocated once from the IR: struct-of-arrays typed arrays per compartment
 * group, a delay ring of wide input accumulators per core, mutable copies of the synapse weights, and counters.
 * Hot loops index these arrays; nothing here is allocated per step or per spike.
 */
import type { CompartmentGroup, Core, DendriteIr } from '../ir/types.js';
import { portCount } from '../ir/types.js';
import { packedMap } from './packed.js';

/** Where the typed arrays of the run-time state come from (default: ordinary arrays; kernels/wasm/heap.ts). */
export interface ArrayAllocator {
  int32(n: number): Int32Array;
  float64(n: number): Float64Array;
  /** Core `index`'s delay ring of n cells, if this allocator places rings apart (default: `float64(n)`). */
  ring?(index: number, n: number): Float64Array;
}

const plainArrays: ArrayAllocator = { int32: (n) => new Int32Array(n), float64: (n) => new Float64Array(n) };

/** Named state arrays of one compartment group, with the width each is kept at (for probes and docs). */
export interface GroupState {
  readonly group: CompartmentGroup;
  /**
   * State variables by name (`u`, `v`, `i`, dendrite and extra-current names, `x0`…, and `ref`), each of length
   * group.size, starting at the group's `initial` values (0 where none are given).
   */
  readonly arrays: Readonly<Record<string, Int32Array>>;
}

/** Overflow counts of one state variable on one core. */
export interface OverflowCount {
  wrap: number;
  saturate: number;
}

/** Operation counters of one core, cumulative since the start of the run. */
export interface CoreCounters {
  /** Synaptic events transmitted to this core's compartments (after blank-out). */
  synapticEvents: number;
  /** Synaptic events dropped by blank-out. */
  blankedOut: number;
  /** Compartment updates (one per compartment per step). */
  compartmentUpdates: number;
  /** Learning updates, incremented by the learning engine via `LearningContext.addLearningOps`. */
  learningUpdates: number;
  /** Spikes emitted by this core's compartments. */
  spikes: number;
  /** Mesh hops travelled by spikes leaving this core (Manhattan distance per (core, axon) route). */
  hops: number;
  /** Wraps and saturations per state variable name (`q`, `u`, `u2`, `i`, `v`, `in0`, `x0`, `acc0`, …). */
  readonly overflow: Record<string, OverflowCount>;
  /** Estimated cycles, Σ over steps of this core's per-step cycle cost. */
  cycles: number;
}

export interface CoreRuntime {
  readonly index: number;
  readonly ir: Core;
  readonly groups: readonly GroupState[];
  /** Input ports per compartment slot in the ring (max over groups). */
  readonly ports: number;
  /** Ring length = max synaptic delay + 1. */
  readonly ringSlots: number;
  /**
   * Wide input accumulators: ring[(slot · ports + port) · compartmentCount + compartment], summed in doubles
   * (exact: every contribution fits in 31 bits, so sums of < 2^22 events are exact).
   */
  readonly ring: Float64Array;
  /** Mutable copy of the synapse weights (learning rewrites these; the IR is left untouched). */
  readonly weights: Int32Array;
  /** Core-local compartment → index of its group. */
  readonly groupOf: Int32Array;
  readonly counters: CoreCounters;
}

export function newCounters(): CoreCounters {
  return { synapticEvents: 0, blankedOut: 0, compartmentUpdates: 0, learningUpdates: 0, spikes: 0, hops: 0, overflow: {}, cycles: 0 };
}

/** Adds n wraps (or saturations) of state `name` to a core's counters. */
export function countOverflow(c: CoreCounters, name: string, wraps: number, saturations: number): void {
  if (wraps === 0 && saturations === 0) return;
  const o = (c.overflow[name] ??= { wrap: 0, saturate: 0 });
  o.wrap += wraps;
  o.saturate += saturations;
}

/** Copies a group's optional per-compartment initial values (IR `initial`, validated on load) into its arrays. */
function applyInitial(arrays: Record<string, Int32Array>, initial: Readonly<Record<string, Int32Array>> | undefined): void {
  if (initial === undefined) return;
  for (const [name, values] of Object.entries(initial)) arrays[name]?.set(values);
}

function groupState(g: CompartmentGroup, alloc: ArrayAllocator): GroupState {
  const n = g.size;
  const z = () => alloc.int32(n);
  switch (g.model) {
    case 'loihi': {
      const arrays: Record<string, Int32Array> = { u: z(), v: z(), ref: z() };
      applyInitial(arrays, g.initial);
      return { group: g, arrays };
    }
    case 'cuba': {
      const arrays: Record<string, Int32Array> = { v: z(), ref: z() };
      if (g.current) arrays.i = z();
      if (g.dendrite) arrays[g.dendrite.name] = z();
      for (const x of g.extraCurrents ?? []) arrays[x.name] = z();
      applyInitial(arrays, g.initial);
      return { group: g, arrays };
    }
    case 'nsat': {
      const arrays: Record<string, Int32Array> = { ref: z() };
      for (let k = 0; k < g.states; k++) {
        arrays[`x${k}`] = z().fill(g.initial[k]!);
      }
      return { group: g, arrays };
    }
  }
}

/**
 * The run-time state of core `index`; `alloc` places its arrays (e.g. on a WebAssembly memory so that a
 * WebAssembly kernel works on them in place).
 */
export function newCoreRuntime(ir: DendriteIr, index: number, alloc: ArrayAllocator = plainArrays): CoreRuntime {
  const core = ir.cores[index]!;
  const groups = packedMap(core.groups, (g) => groupState(g, alloc));
  const { ports, ringSlots } = ringShape(core);
  const groupOf = new Int32Array(core.compartmentCount);
  core.groups.forEach((g, gi) => groupOf.fill(gi, g.first, g.first + g.size));
  return {
    index,
    ir: core,
    groups,
    ports,
    ringSlots,
    ring: alloc.ring ? alloc.ring(index, ringSlots * ports * core.compartmentCount) : alloc.float64(ringSlots * ports * core.compartmentCount),
    weights: copyInto(alloc.int32(core.synapses.weights.length), core.synapses.weights),
    groupOf,
    counters: newCounters(),
  };
}

/** Input ports per compartment slot (max over groups) and ring slots (max delay + 1) of a core. */
export function ringShape(core: Core): { readonly ports: number; readonly ringSlots: number } {
  let ports = 1;
  for (const g of core.groups) ports = Math.max(ports, portCount(g));
  let maxDelay = 0;
  const d = core.synapses.delays;
  for (let r = 0; r < d.length; r++) if (d[r]! > maxDelay) maxDelay = d[r]!;
  return { ports, ringSlots: maxDelay + 1 };
}

/** Cells of core `index`'s delay ring (what `newCoreRuntime` allocates). */
export function ringLength(ir: DendriteIr, index: number): number {
  const core = ir.cores[index]!;
  const { ports, ringSlots } = ringShape(core);
  return ringSlots * ports * core.compartmentCount;
}

function copyInto(dst: Int32Array, src: Int32Array): Int32Array {
  dst.set(src);
  return dst;
}
