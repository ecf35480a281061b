/**
 * Shared-memory layout of a parallel run: the control words (step signal, barrier counters, error flag), the
 * per-core counter slots, and the data every thread needs to step the cores it owns. All large arrays live in
 * SharedArrayBuffers, so handing them to a worker shares them instead of copying them.
 *
 * Ownership rule (why results cannot depend on the thread count): a core's compartment state, delay ring,
 * spike buffer and counter slots are written only by the thread that owns the core; every thread reads the
 * step's spike lists (sources and all cores) and delivers only the routes that end in its own cores.
 */
import type { CompartmentGroup, Core, CostTable, DendriteIr, Routing } from '../../ir/types.js';
import { newCoreRuntime, type ArrayAllocator, type CoreRuntime } from '../state.js';
import { packedFill, packedMap } from '../packed.js';
import type { CubaWasmGroup, KernelChoice } from '../kernels/wasm/cuba-wasm.js';

// Control words (Int32Array on a SharedArrayBuffer).
/** Step sequence number posted by the main thread: workers start step `seq` when it reaches seq. */
export const CTL_START = 0;
/** Arrivals at the barrier after the integrate phase (all threads, cumulative). */
export const CTL_ARRIVE_INTEGRATE = 1;
/** Arrivals at the end of the route phase (worker threads only, cumulative). */
export const CTL_ARRIVE_ROUTE = 2;
/** The step t being computed. */
export const CTL_STEP = 3;
/** Number of source spikes of an even step in the shared source spike list (odd steps: CTL_SOURCE_COUNT_ODD). */
export const CTL_SOURCE_COUNT = 4;
/** 1 = workers must exit. */
export const CTL_STOP = 5;
/** Workers that finished initialising. */
export const CTL_READY = 6;
/** 1 = a worker failed (its message is on the error port). */
export const CTL_ERROR = 7;
/**
 * Threads currently asleep in `Atomics.wait` (any word): a thread that arrives or signals calls `Atomics.notify`
 * only when this is non-zero, so a step whose waits all end while spinning makes no notify call.
 */
export const CTL_SLEEPERS = 8;
/** Bumped by the main thread whenever it rewrites the shared counter slots (loadState): threads re-read them. */
export const CTL_COUNTERS_EPOCH = 9;
/** Number of source spikes of an odd step. */
export const CTL_SOURCE_COUNT_ODD = 10;
/**
 * 0: the START signal asks for one step (the host may read and write any state between steps). n > 0: a
 * pipelined run of n steps from ctrl[CTL_STEP] (ParallelEmulator.run): threads meet once per step and the host
 * touches no thread's state until the run ends.
 */
export const CTL_RUN_STEPS = 11;
export const CTL_WORDS = 12;

/** The control word holding step t's source spike count. */
export function sourceCountWord(t: number): number {
  return (t & 1) === 0 ? CTL_SOURCE_COUNT : CTL_SOURCE_COUNT_ODD;
}

/** Counter slots per core, in this order; learning updates and cycles stay on the main thread. */
export const CNT_SYNAPTIC = 0;
export const CNT_BLANKED = 1;
export const CNT_UPDATES = 2;
export const CNT_SPIKES = 3;
export const CNT_HOPS = 4;
export const CNT_SLOTS = 5;
/** Maximum distinct overflow counter names per core. */
export const MAX_OVERFLOW_NAMES = 16;

/** Everything a thread needs to integrate and deliver into its own cores (structured-clone safe). */
export interface ThreadInit {
  readonly thread: number;
  readonly threads: number;
  readonly seed: number;
  /** Maximum spin in µs before a blocking wait (0 when threads outnumber CPUs); see `SpinBudget`. */
  readonly spin: number;
  readonly ctrl: Int32Array;
  readonly owned: readonly number[];
  readonly neuronCount: number;
  readonly routing: Routing;
  /** Mesh position of every core (hops are counted on the sending core). */
  readonly meshes: readonly { x: number; y: number }[];
  /** Per core: the IR core (synapse tables shared) and its run-time arrays; only owned cores are read. */
  readonly cores: readonly SharedCore[];
  /**
   * Step lists come in two copies, indexed by the step's parity (t & 1), so that in a pipelined run a thread can
   * write step t + 1's list while a slower thread still reads step t's (the barrier after step t + 1's integrate
   * phase orders the next reuse). sourceSpikes[p]: global ids of the step's source spikes (first
   * ctrl[sourceCountWord(t)] valid).
   */
  readonly sourceSpikes: readonly Int32Array[];
  /** coreSpikes[p][core]: global ids that spiked at a step of parity p; the count is in coreSpikeCount[p][core]. */
  readonly coreSpikes: readonly (readonly Int32Array[])[];
  readonly coreSpikeCount: readonly Int32Array[];
  /**
   * Pipelined runs: each thread writes its cores' cycles of step t at [(t & 1)·cores + core] after its route
   * phase (the host cannot compute them: it does not read the counters between steps).
   */
  readonly stepCycles: Float64Array;
  /** The IR's cost table (for `stepCycles`). */
  readonly cost: CostTable;
  /** Per core CNT_SLOTS counters (Float64, cumulative). */
  readonly counters: Float64Array;
  /** Per core: overflow names (slot order) and their cumulative [wrap, saturate] pairs. */
  readonly overflowNames: readonly (readonly string[])[];
  readonly overflow: Float64Array;
  /**
   * Set when `cuba` groups run on the WebAssembly kernel: the compiled module, the shared memory all run-time
   * arrays live on (each thread instantiates the module on it), per core its spike buffer on that memory and
   * per group its binding (null: TypeScript kernel). Bindings are made once by the main thread.
   */
  readonly wasm: ThreadWasm | null;
  /** Weights never change (EmulatorOptions.fixedWeights): delivery may copy them. */
  readonly fixedWeights: boolean;
  /** The emulator's kernel choice (`EmulatorOptions.kernels`, resolved). */
  readonly kernels: KernelChoice;
}

export interface ThreadWasm {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly spikes: readonly Int32Array[];
  readonly groups: readonly (readonly (CubaWasmGroup | null)[])[];
}

/** One core's IR and run-time arrays, as passed to threads. */
export interface SharedCore {
  readonly ir: Core;
  readonly ringSlots: number;
  readonly ports: number;
  readonly ring: Float64Array;
  readonly weights: Int32Array;
  readonly groupOf: Int32Array;
  /** State arrays per compartment group, by name (shared). */
  readonly arrays: readonly Record<string, Int32Array>[];
}

function sharedCopy<T extends Int32Array | Uint8Array | Float64Array>(a: T): T {
  const C = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new C(new SharedArrayBuffer(Math.max(a.length, 1) * C.BYTES_PER_ELEMENT));
  (out as Int32Array).set(a as unknown as Int32Array);
  return (a.length === 0 ? out.subarray(0, 0) : out) as T;
}

export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(n, 1) * 4));
}

/** Places every run-time array in its own SharedArrayBuffer (zero-length arrays get a one-element buffer). */
const sharedArrays: ArrayAllocator = {
  int32: (n) => new Int32Array(new SharedArrayBuffer(Math.max(n, 1) * 4), 0, n),
  float64: (n) => new Float64Array(new SharedArrayBuffer(Math.max(n, 1) * 8), 0, n),
};

/**
 * Run-time state of one core in shared memory: the emulator's own `newCoreRuntime` (so every state array, its
 * initial values and the ring size stay defined in one place, and the object has one shape for every emulator —
 * see ../packed.ts) with its arrays allocated in SharedArrayBuffers.
 */
export function sharedCoreRuntime(ir: DendriteIr, index: number): CoreRuntime {
  return newCoreRuntime(ir, index, sharedArrays);
}

/** The IR core with its synapse table in shared memory (weights: the run-time copy, which learning edits). */
export function sharedIrCore(core: Core, weights: Int32Array): Core {
  const s = core.synapses;
  return {
    mesh: core.mesh, compartmentCount: core.compartmentCount, groups: core.groups, axonCount: core.axonCount, synapseGroups: core.synapseGroups,
    synapses: {
      axonOffsets: sharedCopy(s.axonOffsets), axonGroup: sharedCopy(s.axonGroup), targets: sharedCopy(s.targets),
      weights, delays: sharedCopy(s.delays), ports: sharedCopy(s.ports),
    },
  };
}

export function sharedRouting(r: Routing): Routing {
  return { offsets: sharedCopy(r.offsets), core: sharedCopy(r.core), axon: sharedCopy(r.axon) };
}

/** Overflow counter names the kernels of these groups may report (kernels/*.ts). */
export function overflowNamesOf(groups: readonly CompartmentGroup[]): string[] {
  const names: string[] = [];
  const add = (n: string) => { if (!names.includes(n)) names.push(n); };
  for (const g of groups) {
    if (g.model === 'loihi') ['q', 'u', 'u2', 'v'].forEach(add);
    else if (g.model === 'cuba') {
      ['in', 'i', 'v'].forEach(add);
      if (g.dendrite) add(g.dendrite.name);
      for (const x of g.extraCurrents ?? []) add(x.name);
    } else ['acc', 'x'].forEach(add);
  }
  return names.slice(0, MAX_OVERFLOW_NAMES);
}

/**
 * Assigns cores to threads as contiguous runs of core indices with about equal estimated per-step work
 * (compartments plus synapse rows / 8); thread 0 is the main thread. Contiguous, because every per-core slot
 * array (counters, spike counts, cycles) is then written by one thread per cache line except at the run
 * boundaries: interleaved cores made the two threads fight over the same cache lines every step. Any assignment
 * gives the same results; this one only evens out the load. Every thread gets at least one core.
 */
export function assignCores(ir: DendriteIr, threads: number): number[][] {
  const n = ir.cores.length;
  const t = Math.max(1, Math.min(threads, n));
  const cost = ir.cores.map((c) => c.compartmentCount + c.synapses.targets.length / 8);
  const total = cost.reduce((a, b) => a + b, 0);
  const owned: number[][] = packedFill(threads, () => []);
  let k = 0;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    // move on to the next thread once this one has its share, or when the rest of the cores are needed to give
    // every later thread one
    const share = ((k + 1) * total) / t;
    if (k < t - 1 && owned[k]!.length > 0 && (acc + cost[i]! / 2 > share || n - i <= t - 1 - k)) k++;
    owned[k]!.push(i);
    acc += cost[i]!;
  }
  return owned;
}
