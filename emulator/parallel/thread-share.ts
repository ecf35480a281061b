/**
 * The work of one thread in a parallel run: phase 2 (integrate and fire) for the cores it owns, and phase 3
 * (route) as a pull: it reads every spike of the step (sources and all cores) and delivers only the routes that
 * end in its own cores. The arithmetic is the single-thread emulator's (same kernels, same ring indexing, same
 * blank-out key), and a ring slot holds an exact integer sum, so the order of delivery cannot matter.
 * Used by the main thread (thread 0) and by every worker (worker.ts).
 */
import { stepLoihiGroup } from '../kernels/loihi.js';
import { stepCubaGroup } from '../kernels/cuba.js';
import { stepNsatGroup } from '../kernels/nsat.js';
import { coreDelivery, FanOut, hopsPerNeuron, type CoreDelivery, type RingArena } from '../delivery.js';
import { WasmHeap } from '../kernels/wasm/heap.js';
import { drawKernel, heapDrawKernel, type DrawExports } from '../kernels/wasm/draws-wasm.js';
import { instantiateCuba, stepCubaWasm, type CubaWasmGroup, type CubaWasmKernel } from '../kernels/wasm/cuba-wasm.js';
import { newCounters, type CoreCounters, type GroupState } from '../state.js';
import { coreStepCycles } from '../cycles.js';
import { packedMap } from '../packed.js';
import {
  CNT_BLANKED, CNT_HOPS, CNT_SLOTS, CNT_SPIKES, CNT_SYNAPTIC, CNT_UPDATES, CTL_COUNTERS_EPOCH, CTL_ERROR, CTL_SLEEPERS, CTL_STOP,
  MAX_OVERFLOW_NAMES, type SharedCore, type ThreadInit,
} from './layout.js';

/** Per owned core: the views and constants the hot loops need. */
interface OwnedCore {
  readonly index: number;
  readonly sc: SharedCore;
  readonly groups: GroupState[];
  readonly counters: CoreCounters;
  readonly local: Int32Array;
  /** The core's synapse table prepared for delivery (cell offsets, per-axon scale and blank-out threshold). */
  readonly delivery: CoreDelivery;
  /** Per group: its WebAssembly kernel binding, or null (TypeScript kernel). */
  readonly wasmGroups: readonly (CubaWasmGroup | null)[];
}

export class ThreadShare {
  private readonly owned: OwnedCore[];
  /** Every neuron's routes into the owned cores (emulator/delivery.ts), with per-core arrays indexed by core. */
  private readonly fanOut: FanOut;
  private readonly rings: Float64Array[];
  private readonly weights: Int32Array[];
  private readonly countersOf: CoreCounters[];
  /** Σ of mesh hops over all routes of each neuron (counted on its own core when it spikes). */
  private readonly hopsOf: Float64Array;

  /** This thread's instance of the WebAssembly kernel on the shared memory, or null. */
  private readonly kernel: CubaWasmKernel | null;
  /** The step's spikes (sources, then every core's list) in one list, so route makes one `FanOut.deliver` call. */
  private readonly stepSpikes: Int32Array;
  /** The CTL_COUNTERS_EPOCH value this thread's working counters were last read at (−1: never). */
  private countersEpoch = -1;
  /** Per owned core (in `owned` order): its op counts at the end of the last step accounted by `stepCycles`. */
  private readonly opsBefore: Float64Array;

  constructor(private readonly init: ThreadInit) {
    const { cores, routing, meshes, neuronCount } = init;
    const wasm = init.wasm;
    this.kernel = wasm !== null ? instantiateCuba(wasm.module, wasm.memory) : null;
    this.owned = packedMap(init.owned, (c) => {
      const sc = cores[c]!;
      const groups: GroupState[] = packedMap(sc.ir.groups, (group, gi) => ({ group, arrays: sc.arrays[gi]! }));
      return {
        index: c, sc, groups, counters: newCounters(),
        local: wasm !== null ? wasm.spikes[c]! : new Int32Array(sc.ir.compartmentCount),
        delivery: coreDelivery(sc.ir, sc.ringSlots, sc.ports),
        wasmGroups: wasm !== null ? wasm.groups[c]! : packedMap(sc.ir.groups, () => null),
      };
    });
    const { offsets, core: rc } = routing;
    const deliveries: (CoreDelivery | null)[] = packedMap(cores, () => null);
    const weights: (Int32Array | null)[] = packedMap(cores, () => null);
    this.rings = packedMap(cores, () => EMPTY_RING);
    this.weights = packedMap(cores, () => EMPTY_WEIGHTS);
    this.countersOf = packedMap(cores, () => newCounters());
    for (const o of this.owned) {
      deliveries[o.index] = o.delivery;
      weights[o.index] = o.sc.weights;
      this.rings[o.index] = o.sc.ring;
      this.weights[o.index] = o.sc.weights;
      this.countersOf[o.index] = o.counters;
    }
    // Tables of the flat path on the shared heap (this thread allocates its own from the shared pointer), run by
    // this thread's kernel instance.
    const heap = wasm !== null ? new WasmHeap(wasm.memory) : null;
    const arena: RingArena | null = wasm !== null
      ? {
        cells: new Float64Array(wasm.memory.buffer), ringStart: packedMap(cores, (sc) => sc.ring.byteOffset / 8),
        heap: heap!, deliverFlat: this.kernel!.deliverFlat, deliverFlat16: this.kernel!.deliverFlat16,
      }
      : null;
    // blank-out rows in place: with a heap, every core's ring and weights live on it (ParallelEmulator allocates them there)
    const draws = wasm !== null && init.kernels !== 'ts' ? heapDrawKernel(this.kernel as unknown as DrawExports, heap!) : drawKernel(init.kernels);
    this.fanOut = new FanOut(routing, deliveries, init.fixedWeights ? weights : null, arena, draws);
    this.stepSpikes = new Int32Array(Math.max(neuronCount, 1));
    this.opsBefore = new Float64Array(this.owned.length * 4);
    // Hops only for neurons of owned cores (the sending core counts them): the others count as host neurons (−1).
    const ownedCore = new Int32Array(neuronCount).fill(-1);
    for (const o of this.owned) for (const g of o.sc.ir.groups) ownedCore.fill(o.index, g.neuronBase, g.neuronBase + g.size);
    this.hopsOf = hopsPerNeuron(offsets, rc, ownedCore, meshes);
  }

  /**
   * The shared counter slots are the source of truth (the main thread may rewrite them, e.g. when it restores a
   * saved state, and then bumps CTL_COUNTERS_EPOCH): a step whose epoch is new starts by reading them into the
   * thread's working counters. Between rewrites only this thread writes its cores' slots, so they already agree.
   */
  private pullCounters(o: OwnedCore): void {
    const sh = this.init.counters;
    const b = o.index * CNT_SLOTS;
    const c = o.counters;
    c.synapticEvents = sh[b + CNT_SYNAPTIC]!;
    c.blankedOut = sh[b + CNT_BLANKED]!;
    c.compartmentUpdates = sh[b + CNT_UPDATES]!;
    c.spikes = sh[b + CNT_SPIKES]!;
    c.hops = sh[b + CNT_HOPS]!;
    const names = this.init.overflowNames[o.index]!;
    const ov = this.init.overflow;
    const ob = o.index * MAX_OVERFLOW_NAMES * 2;
    for (let k = 0; k < names.length; k++) {
      const w = ov[ob + 2 * k]!;
      const sat = ov[ob + 2 * k + 1]!;
      const cur = c.overflow[names[k]!];
      if (w === 0 && sat === 0) {
        if (cur !== undefined) delete c.overflow[names[k]!];
      } else if (cur === undefined) c.overflow[names[k]!] = { wrap: w, saturate: sat };
      else {
        cur.wrap = w;
        cur.saturate = sat;
      }
    }
  }

  /** Phase 2 for the owned cores: kernels, then the core's spikes as global ids, then publish counters. */
  integrate(t: number): void {
    const par = t & 1;
    const coreSpikes = this.init.coreSpikes[par]!;
    const coreSpikeCount = this.init.coreSpikeCount[par]!;
    const shared = this.init.counters;
    const epoch = Atomics.load(this.init.ctrl, CTL_COUNTERS_EPOCH);
    const pull = epoch !== this.countersEpoch;
    this.countersEpoch = epoch;
    for (const o of this.owned) {
      if (pull) this.pullCounters(o);
      const sc = o.sc;
      const n = sc.ir.compartmentCount;
      const slotBase = (t % sc.ringSlots) * sc.ports * n;
      const local = o.local;
      const ctr = o.counters;
      let count = 0;
      for (let gi = 0; gi < o.groups.length; gi++) {
        const gs = o.groups[gi]!;
        switch (gs.group.model) {
          case 'loihi':
            count = stepLoihiGroup(gs, sc.ring, slotBase, ctr, local, count);
            break;
          case 'cuba': {
            const b = o.wasmGroups[gi]!;
            count = b !== null
              ? stepCubaWasm(this.kernel!, b, sc.ring, slotBase, ctr, count)
              : stepCubaGroup(gs, sc.ring, slotBase, n, ctr, local, count, this.init.seed, t, o.index);
            break;
          }
          case 'nsat':
            count = stepNsatGroup(gs, sc.ring, slotBase, n, ctr, local, count);
            break;
        }
      }
      ctr.spikes += count;
      const out = coreSpikes[o.index]!;
      const groups = sc.ir.groups;
      const groupOf = sc.groupOf;
      let hops = 0;
      for (let k = 0; k < count; k++) {
        const c = local[k]!;
        const g = groups[groupOf[c]!]!;
        const id = g.neuronBase + c - g.first;
        out[k] = id;
        hops += this.hopsOf[id]!;
      }
      ctr.hops += hops;
      coreSpikeCount[o.index] = count;
      const base = o.index * CNT_SLOTS;
      shared[base + CNT_UPDATES] = ctr.compartmentUpdates;
      shared[base + CNT_SPIKES] = ctr.spikes;
      shared[base + CNT_HOPS] = ctr.hops;
      this.publishOverflow(o);
    }
  }

  private publishOverflow(o: OwnedCore): void {
    const names = this.init.overflowNames[o.index]!;
    const ov = this.init.overflow;
    const base = o.index * MAX_OVERFLOW_NAMES * 2;
    const counts = o.counters.overflow;
    // for…in rather than Object.entries: no per-step allocation (this runs every step for every core).
    for (const name in counts) {
      const c = counts[name]!;
      const k = names.indexOf(name);
      if (k < 0) throw new Error(`parallel emulator: overflow counter "${name}" of core ${o.index} has no shared slot`);
      ov[base + 2 * k] = c.wrap;
      ov[base + 2 * k + 1] = c.saturate;
    }
  }

  /**
   * Start of a pipelined run: brings the working counters up to date (as `integrate` would) and takes them as the
   * base of the first step's cycles (`stepCycles`).
   */
  beginRun(): void {
    const epoch = Atomics.load(this.init.ctrl, CTL_COUNTERS_EPOCH);
    if (epoch !== this.countersEpoch) for (const o of this.owned) this.pullCounters(o);
    this.countersEpoch = epoch;
    for (let k = 0; k < this.owned.length; k++) this.recordOps(k);
  }

  /** Owned core k's op counts now, as the base of its next step's cycles. */
  private recordOps(k: number): void {
    const ops = this.opsBefore;
    const c = this.owned[k]!.counters;
    ops[4 * k] = c.synapticEvents;
    ops[4 * k + 1] = c.compartmentUpdates;
    ops[4 * k + 2] = c.spikes;
    ops[4 * k + 3] = c.hops;
  }

  /**
   * After step t's route phase in a pipelined run: each owned core's cycles of the step (`coreStepCycles`, as
   * Emulator.accountCycles computes them; no learning in a pipelined run), written to stepCycles[(t & 1)·cores + core].
   */
  stepCycles(t: number): void {
    const cost = this.init.cost;
    const out = this.init.stepCycles;
    const base = (t & 1) * this.init.cores.length;
    const ops = this.opsBefore;
    const owned = this.owned;
    for (let k = 0; k < owned.length; k++) {
      const o = owned[k]!;
      const c = o.counters;
      out[base + o.index] = coreStepCycles(cost, c.synapticEvents - ops[4 * k]!, c.compartmentUpdates - ops[4 * k + 1]!, 0,
        c.spikes - ops[4 * k + 2]!, c.hops - ops[4 * k + 3]!);
      this.recordOps(k);
    }
  }

  /** Phase 3 into the owned cores: every spike of step t, its routes into owned cores, that axon's rows. */
  route(t: number, sourceCount: number): void {
    const par = t & 1;
    const sourceSpikes = this.init.sourceSpikes[par]!;
    const coreSpikes = this.init.coreSpikes[par]!;
    const coreSpikeCount = this.init.coreSpikeCount[par]!;
    // One list, one delivery call: per call FanOut resets and sums per-core bookkeeping (and the WebAssembly
    // path crosses into the module), which with one call per core cost more than the spikes at 16k–64k.
    const all = this.stepSpikes;
    let m = 0;
    for (let k = 0; k < sourceCount; k++) all[m++] = sourceSpikes[k]!;
    for (let c = 0; c < coreSpikes.length; c++) {
      const n = coreSpikeCount[c]!;
      const list = coreSpikes[c]!;
      for (let k = 0; k < n; k++) all[m++] = list[k]!;
    }
    if (m > 0) this.fanOut.deliver(all, m, t, this.init.seed, this.rings, this.weights, this.countersOf);
    const shared = this.init.counters;
    for (const o of this.owned) {
      const base = o.index * CNT_SLOTS;
      shared[base + CNT_SYNAPTIC] = o.counters.synapticEvents;
      shared[base + CNT_BLANKED] = o.counters.blankedOut;
    }
  }
}

const EMPTY_RING = new Float64Array(0);
const EMPTY_WEIGHTS = new Int32Array(0);

/** While a wait site's budget is at its minimum, every PROBE_EVERY-th wait spins the full maximum once. */
export const PROBE_EVERY = 32;

/** Loads between two clock reads while spinning (a clock read costs as much as ≈ 20–50 loads). */
const LOADS_PER_CLOCK = 128;

/**
 * The spin budget of one wait site (µs of spinning before sleeping), adapted to what the spins meet. A wait that
 * ended while spinning, after at least one load, sets it to `max`: spinning avoided a sleep and a wake-up (tens of
 * µs in a virtual machine, as much as a CUBA 16k step's work). A wait that slept divides it by 4 (down to `min`):
 * the partner was not running — on a loaded machine another process had its CPU, or both threads share one CPU
 * and the partner runs only once this thread sleeps — and a long spin only takes a CPU from someone. At `min`,
 * every PROBE_EVERY-th wait spins up to `max` once, so the budget comes back when both threads run again. Timing
 * only: results never depend on it.
 */
export class SpinBudget {
  budget: number;
  readonly min: number;
  private waits = 0;

  constructor(readonly max: number, min = 2) {
    this.min = Math.min(min, max);
    this.budget = max;
  }

  /** The spin time (µs) the next wait may use. */
  next(): number {
    if (this.budget > this.min) return this.budget;
    return ++this.waits % PROBE_EVERY === 0 ? this.max : this.min;
  }

  /** After a wait: it ended during its spin after `loads` loads (≥ 1), or slept (`loads` = −1). */
  done(loads: number): void {
    if (loads > 0) this.budget = this.max;
    else if (loads < 0) this.budget = Math.max(this.min, this.budget >> 2);
  }
}

/**
 * Waits until ctrl[idx] ≥ target: spins for up to `spin.next()` µs (the clock is read every LOADS_PER_CLOCK
 * loads: a load takes ≈ 1 ns, so a budget in loads would be machine-dependent and was far shorter than intended),
 * then sleeps in Atomics.wait (counted in CTL_SLEEPERS while asleep); tells `spin` how it went; throws if a worker
 * failed.
 *
 * Why the sleeper count is enough for `signal`/`arrive` to skip the notify: a sleeper adds itself before the
 * final check inside Atomics.wait, a signaller stores before it reads the count (all sequentially consistent).
 * Either the signaller sees the sleeper and notifies, or the sleeper's check sees the new value and does not sleep.
 */
export function waitAtLeast(ctrl: Int32Array, idx: number, target: number, spin: SpinBudget, onError: () => never): void {
  const us = spin.next();
  if (Atomics.load(ctrl, idx) >= target) {
    spin.done(0);
    return;
  }
  if (us > 0) {
    const loads = spinUntil(ctrl, idx, target, us);
    if (loads > 0) {
      spin.done(loads);
      return;
    }
  }
  sleepUntil(ctrl, idx, target, onError);
  spin.done(us > 0 ? -1 : 0);
}

/**
 * The spinning half of `waitAtLeast`: loads ctrl[idx] until it reaches `target` (returns the loads it took, ≥ 1)
 * or `us` µs have passed (returns 0). Its own function because V8 compiles a long-running loop on-stack (OSR) and
 * reuses that code: with the code after the loop in the same function, an OSR compile made while no wait had yet
 * slept had no type feedback there and bailed out at every later sleep — hundreds of bail-outs per run
 * (`--trace-deopt`, docs/performance.md, eighth pass). Nothing follows this loop but a return.
 */
function spinUntil(ctrl: Int32Array, idx: number, target: number, us: number): number {
  const deadline = performance.now() + us / 1000;
  for (let i = 1; ; i++) {
    if (Atomics.load(ctrl, idx) >= target) return i;
    if (i % LOADS_PER_CLOCK === 0 && performance.now() >= deadline) return 0;
  }
}

/**
 * The sleeping half of `waitAtLeast`, a function of its own for the reason given at `spinUntil` (an untaken sleep
 * path inside optimised spin code had no type feedback, and every later sleep bailed out of it).
 */
function sleepUntil(ctrl: Int32Array, idx: number, target: number, onError: () => never): void {
  Atomics.add(ctrl, CTL_SLEEPERS, 1);
  for (;;) {
    const v = Atomics.load(ctrl, idx);
    if (v >= target) break;
    // a failed thread, or an emulator closed while this thread waits (e.g. a run abandoned after an error)
    if (Atomics.load(ctrl, CTL_ERROR) !== 0 || Atomics.load(ctrl, CTL_STOP) !== 0) {
      Atomics.sub(ctrl, CTL_SLEEPERS, 1);
      onError();
    }
    Atomics.wait(ctrl, idx, v, 200);
  }
  Atomics.sub(ctrl, CTL_SLEEPERS, 1);
}

/** Adds one arrival to a barrier counter and wakes its waiters, if any thread sleeps. */
export function arrive(ctrl: Int32Array, idx: number): void {
  Atomics.add(ctrl, idx, 1);
  if (Atomics.load(ctrl, CTL_SLEEPERS) !== 0) Atomics.notify(ctrl, idx);
}

/** Stores a control word and wakes its waiters, if any thread sleeps. */
export function signal(ctrl: Int32Array, idx: number, value: number): void {
  Atomics.store(ctrl, idx, value);
  if (Atomics.load(ctrl, CTL_SLEEPERS) !== 0) Atomics.notify(ctrl, idx);
}

