/**
 * The step loop. One `step()` computes time step t = previous + 1 in four phases:
 *   1. sources   host inputs (spike lists, Poisson, label) emit their spikes of step t;
 *   2. integrate per core: read the delay-ring slot of step t (input summed in a wide accumulator, then
 *                wrapped/saturated once by the kernel — order independent), update every compartment, fire;
 *   3. route     every spike of step t (sources and compartments) goes through the routing table to
 *                (core, axon) and through that axon's CSR rows into the ring slot of step t + 1 + delay,
 *                after blank-out (counter-based PRNG keyed by (seed, t, target core, synapse index));
 *   4. learn     the learning engine, if any, sees the spikes and state of step t (emulator/learning-engine.ts).
 * Per-core work in phase 2 reads only that core's ring: it is the seam for running cores in parallel workers
 * (phase 3 would then pull spikes per target core). This implementation runs all cores in one thread.
 *
 * EMULATED: integer compartment dynamics per model (kernels/), synaptic delays, blank-out, sources, Bernoulli
 * noise into v (`cuba` groups), counters.
 * NOT EMULATED: mesh contention and routing time (hops are counted, not scheduled),
 * chip-specific PRNG streams. Cycles and energy are estimates from the IR's cost table.
 */
import type { DendriteIr, LabelSource, PoissonSource, SpikeListSource } from '../ir/types.js';
import { stepLoihiGroup } from './kernels/loihi.js';
import { stepCubaGroup } from './kernels/cuba.js';
import { stepNsatGroup } from './kernels/nsat.js';
import { ALWAYS, draw, drawPrefix, drawWithPrefix, SOURCE_CORE, STREAM_LABEL, STREAM_POISSON } from './prng.js';
import { coreDelivery, FanOut, hopsPerNeuron, type RingArena } from './delivery.js';
import { newCoreRuntime, ringLength, type CoreCounters, type CoreRuntime } from './state.js';
import {
  bindCubaGroups, cubaWasmModule, defaultKernelChoice, instantiateCuba, irHasWasmGroups, stepCubaWasm,
  type CubaWasmGroup, type CubaWasmKernel, type KernelChoice,
} from './kernels/wasm/cuba-wasm.js';
import { WasmHeap } from './kernels/wasm/heap.js';
import { drawKernel, heapDrawKernel, type DrawExports, type DrawKernel } from './kernels/wasm/draws-wasm.js';
import { coreStepCycles } from './cycles.js';
import { packedFill, packedMap } from './packed.js';
import type { LearningContext, LearningEngine } from './learning-engine.js';

export interface EmulatorOptions {
  /** PRNG seed (uint32); defaults to the IR's seed. */
  readonly seed?: number;
  /** The learning engine, or none. */
  readonly learning?: LearningEngine | null;
  /** Pre-allocated run-time state per core (e.g. in shared memory for emulator/parallel/); default: fresh. */
  readonly cores?: CoreRuntime[];
  /**
   * The WebAssembly heap `cores` were allocated on (with `cores` only): lets the emulator run the WebAssembly
   * kernel on them. Without `cores`, the emulator makes its own heap when it picks that kernel.
   */
  readonly heap?: WasmHeap | null;
  /**
   * 'auto' (default): `cuba` LIF groups (with or without a dendrite) run on the WebAssembly SIMD kernel
   * (kernels/wasm/) when it is built and the state can live on its heap, and the keyed draws of long synapse rows
   * (blank-out, the learning engine's stochastic rounding) are computed there too; 'ts': the TypeScript kernels only
   * (the reference; same results). Default from the environment variable DENDRITE_KERNELS (`ts`), else 'auto'.
   */
  readonly kernels?: KernelChoice;
  /**
   * The caller promises that no synapse weight changes after construction (no learning engine, no host writes
   * to `cores[c].weights`): delivery then keeps its own neuron-major copy of the weights and reads them
   * sequentially (emulator/delivery.ts `FanOut`) — much faster on networks whose spikes fan out over many
   * cores. Default false. Rejected together with a learning engine.
   */
  readonly fixedWeights?: boolean;
}

/** The WebAssembly side of an emulator: heap, this thread's kernel instance, and per core the bound groups. */
export interface EmulatorWasm {
  readonly heap: WasmHeap;
  readonly module: WebAssembly.Module;
  readonly kernel: CubaWasmKernel;
  /** Per core, per group: the binding, or null (TypeScript kernel). */
  readonly groups: readonly (readonly (CubaWasmGroup | null)[])[];
}

/** Mutable host-side state of one source. */
interface SourceRuntime {
  /** Next unread entry of a spike list. */
  cursor: number;
  /** Poisson: current per-neuron thresholds (the host may rewrite them); label: unused. */
  readonly rate: Float64Array;
  /** Poisson: remaining refractory steps per neuron. */
  readonly ref: Int32Array;
  /** Label source: active label (−1 = silent). */
  label: number;
  /**
   * Poisson: the neurons the step loop visits, ascending — those with a threshold > 0 or a refractory count
   * > 0 (every other neuron neither spikes nor changes); `activeCount` of them are valid. Rebuilt when `stale`
   * (set by everything that writes `rate` or `ref` from outside the step loop).
   */
  readonly active: Int32Array;
  activeCount: number;
  stale: boolean;
}

/** Saved state of one host source (`Emulator.saveState`). */
export interface SourceState {
  readonly cursor: number;
  readonly rate: Float64Array;
  readonly ref: Int32Array;
  readonly label: number;
}

/** Saved state of one core: per compartment group its named state arrays, the delay ring, weights, counters. */
export interface CoreState {
  readonly groups: readonly Record<string, Int32Array>[];
  readonly ring: Float64Array;
  readonly weights: Int32Array;
  readonly counters: CoreCounters;
}

/**
 * Everything mutable in an emulator, as plain numbers, objects and typed arrays (deep copies). The PRNG is
 * counter-based, so the step counter is all of its state. A learning engine keeps its own state.
 */
export interface EmulatorState {
  readonly t: number;
  /** Global ids that spiked at step t (their `spiked` flags are cleared at the next step). */
  readonly spikes: Int32Array;
  readonly sourceSpikes: number;
  readonly totalCycles: number;
  readonly cores: readonly CoreState[];
  readonly sources: readonly SourceState[];
}

/** A saved state does not fit this emulator (one built from another IR). */
export class EmulatorStateMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorStateMismatch';
  }
}

function sameLength(dst: ArrayLike<number>, src: ArrayLike<number> | undefined, what: string): void {
  if (src === undefined) throw new EmulatorStateMismatch(`${what} missing from the saved state`);
  if (dst.length !== src.length) throw new EmulatorStateMismatch(`${what}: length ${src.length} in the saved state, ${dst.length} in the emulator`);
}

/** Per-step cost snapshot used to compute each core's cycles of one step. */
const OPS = 5;

export class Emulator {
  readonly ir: DendriteIr;
  readonly seed: number;
  /** The last completed step (0 before the first step). */
  t = 0;
  readonly cores: CoreRuntime[];
  /** Global neuron ids that spiked at step t, ascending; the first `spikeCount` entries are valid. */
  readonly spikes: Int32Array;
  spikeCount = 0;
  /** 1 for every global id that spiked at step t. */
  readonly spiked: Uint8Array;
  /** Core of every global neuron id, −1 for sources. */
  readonly neuronCore: Int32Array;
  /** Spikes emitted by host sources so far. */
  sourceSpikes = 0;
  /** Σ over steps of max over cores of the step's cycles (estimate). */
  totalCycles = 0;
  readonly learning: LearningEngine | null;
  /** See `EmulatorOptions.fixedWeights`. */
  readonly fixedWeights: boolean;
  /** See `EmulatorOptions.kernels` (resolved). */
  readonly kernelChoice: KernelChoice;
  /** Set when some groups run on the WebAssembly kernel (see `EmulatorOptions.kernels`); null otherwise. */
  readonly wasm: EmulatorWasm | null;
  private readonly srcRt: SourceRuntime[];
  /** Per core: the core-local ids that spiked in phase 2 (on the WebAssembly heap when `wasm` is set). */
  protected readonly localSpikes: Int32Array[];
  private readonly opsBefore: Float64Array;
  /** Per core: the cycles of the step being accounted. */
  private readonly stepCycles: Float64Array;
  private readonly ctx: LearningContext;

  constructor(ir: DendriteIr, options: EmulatorOptions = {}) {
    this.ir = ir;
    this.seed = (options.seed ?? ir.seed) >>> 0;
    this.learning = options.learning ?? null;
    this.fixedWeights = options.fixedWeights ?? false;
    if (this.fixedWeights && this.learning !== null) throw new Error('emulator: fixedWeights with a learning engine (which rewrites weights)');
    this.kernelChoice = options.kernels ?? defaultKernelChoice();
    const want = this.kernelChoice !== 'ts' && irHasWasmGroups(ir);
    const module = want ? cubaWasmModule() : null;
    let heap = options.cores ? options.heap ?? null : null;
    if (module !== null && options.cores === undefined) heap = new WasmHeap();
    const alloc = heap !== null && options.cores === undefined ? heap.coreAllocator(ir.cores.length, (i) => ringLength(ir, i)) : undefined;
    this.cores = options.cores ?? packedFill(ir.cores.length, (i) => newCoreRuntime(ir, i, alloc));
    this.spikes = new Int32Array(ir.neuronCount);
    this.spiked = new Uint8Array(ir.neuronCount);
    this.neuronCore = new Int32Array(ir.neuronCount).fill(-1);
    ir.cores.forEach((core, ci) => {
      for (const g of core.groups) this.neuronCore.fill(ci, g.neuronBase, g.neuronBase + g.size);
    });
    this.srcRt = packedMap(ir.sources, (s) => ({
      cursor: 0,
      rate: s.kind === 'poisson' ? s.rate.slice() : new Float64Array(0),
      ref: new Int32Array(s.kind === 'poisson' ? s.size : 0),
      label: s.kind === 'label' ? s.label : -1,
      active: new Int32Array(s.kind === 'poisson' ? s.size : 0),
      activeCount: 0,
      stale: true,
    }));
    this.localSpikes = packedMap(ir.cores, (c) => (heap !== null ? heap.int32(c.compartmentCount) : new Int32Array(c.compartmentCount)));
    this.wasm = module !== null && heap !== null
      ? { heap, module, kernel: instantiateCuba(module, heap.memory), groups: packedMap(this.cores, (rt, i) => bindCubaGroups(heap, rt.groups, this.localSpikes[i]!, rt.ir.compartmentCount)) }
      : null;
    this.opsBefore = new Float64Array(ir.cores.length * OPS);
    this.stepCycles = new Float64Array(ir.cores.length);
    const self = this;
    this.ctx = {
      get step() { return self.t; },
      get seed() { return self.seed; },
      ir,
      cores: this.cores,
      spikes: this.spikes,
      get spikeCount() { return self.spikeCount; },
      spiked: this.spiked,
      neuronCore: this.neuronCore,
      addLearningOps(core: number, n: number) { self.cores[core]!.counters.learningUpdates += n; },
      kernels: this.kernelChoice,
    };
    if (this.route === Emulator.prototype.route) this.prepareRoute();
  }

  /** Sets the Poisson thresholds (0..2^32 per neuron, probability = value / 2^32) of the named source. */
  setSourceRates(name: string, rates: ArrayLike<number>): void {
    const i = this.ir.sources.findIndex((s) => s.name === name && s.kind === 'poisson');
    if (i < 0) throw new Error(`no Poisson source named ${name}`);
    this.srcRt[i]!.rate.set(rates);
    this.srcRt[i]!.stale = true;
  }

  /** Sets the active label (−1 = silent) of the named label source. */
  setLabel(name: string, label: number): void {
    const i = this.ir.sources.findIndex((s) => s.name === name && s.kind === 'label');
    if (i < 0) throw new Error(`no label source named ${name}`);
    this.srcRt[i]!.label = label;
  }

  /** A deep copy of all mutable state (see `EmulatorState`); `loadState` puts it back. */
  saveState(): EmulatorState {
    return {
      t: this.t,
      spikes: this.spikes.slice(0, this.spikeCount),
      sourceSpikes: this.sourceSpikes,
      totalCycles: this.totalCycles,
      cores: this.cores.map((rt) => ({
        groups: rt.groups.map((g) => Object.fromEntries(Object.entries(g.arrays).map(([k, a]) => [k, a.slice()]))),
        ring: rt.ring.slice(),
        weights: rt.weights.slice(),
        counters: { ...rt.counters, overflow: structuredClone(rt.counters.overflow) },
      })),
      sources: this.srcRt.map((s) => ({ cursor: s.cursor, rate: s.rate.slice(), ref: s.ref.slice(), label: s.label })),
    };
  }

  /**
   * Restores a `saveState()` value of an emulator built from the same IR (copied in; the state object stays
   * independent). Throws `EmulatorStateMismatch`, before changing anything, if the shapes differ.
   */
  loadState(s: EmulatorState): void {
    if (s.cores.length !== this.cores.length || s.sources.length !== this.srcRt.length) {
      throw new EmulatorStateMismatch('the saved state has a different number of cores or sources');
    }
    this.cores.forEach((rt, ci) => {
      const cs = s.cores[ci]!;
      rt.groups.forEach((g, gi) => {
        for (const [k, a] of Object.entries(g.arrays)) sameLength(a, cs.groups[gi]?.[k], `core ${ci} group ${gi} state \`${k}\``);
      });
      sameLength(rt.ring, cs.ring, `core ${ci} delay ring`);
      sameLength(rt.weights, cs.weights, `core ${ci} weights`);
    });
    this.srcRt.forEach((rt, si) => {
      sameLength(rt.rate, s.sources[si]!.rate, `source ${si} rates`);
      sameLength(rt.ref, s.sources[si]!.ref, `source ${si} refractory counters`);
    });
    if (s.spikes.length > this.spikes.length) throw new EmulatorStateMismatch(`the saved state has ${s.spikes.length} spikes for ${this.spikes.length} neurons`);
    this.cores.forEach((rt, ci) => {
      const cs = s.cores[ci]!;
      rt.groups.forEach((g, gi) => {
        for (const [k, a] of Object.entries(g.arrays)) a.set(cs.groups[gi]![k]!);
      });
      rt.ring.set(cs.ring);
      rt.weights.set(cs.weights);
      const { overflow, ...scalars } = cs.counters;
      Object.assign(rt.counters, scalars);
      for (const k of Object.keys(rt.counters.overflow)) delete rt.counters.overflow[k];
      Object.assign(rt.counters.overflow, structuredClone(overflow));
    });
    this.srcRt.forEach((rt, si) => {
      const ss = s.sources[si]!;
      rt.rate.set(ss.rate);
      rt.ref.set(ss.ref);
      rt.cursor = ss.cursor;
      rt.label = ss.label;
      rt.stale = true;
    });
    this.t = s.t;
    for (let k = 0; k < this.spikeCount; k++) this.spiked[this.spikes[k]!] = 0;
    this.spikes.set(s.spikes);
    this.spikeCount = s.spikes.length;
    for (const id of s.spikes) this.spiked[id] = 1;
    this.sourceSpikes = s.sourceSpikes;
    this.totalCycles = s.totalCycles;
  }

  /**
   * Resets the neuron dynamics to a saved state (normally the one right after construction): compartment state,
   * refractory counters, delay rings (spikes in flight are dropped) and Poisson refractory counters; with
   * `cursors`, also the spike-list cursors (so a presentation that restarts the step counter replays them). Keeps
   * weights, counters, the step counter, source rates and labels. For resets between samples.
   */
  resetDynamics(initial: EmulatorState, options: { readonly cursors?: boolean } = {}): void {
    this.cores.forEach((rt, ci) => {
      const cs = initial.cores[ci]!;
      rt.groups.forEach((g, gi) => {
        for (const [k, a] of Object.entries(g.arrays)) a.set(cs.groups[gi]![k]!);
      });
      rt.ring.set(cs.ring);
    });
    this.srcRt.forEach((rt, si) => {
      rt.ref.set(initial.sources[si]!.ref);
      rt.stale = true;
      if (options.cursors) rt.cursor = initial.sources[si]!.cursor;
    });
  }

  /** Runs one time step (see the file comment for the phases). */
  step(): void {
    const t = ++this.t;
    this.clearStepSpikes();
    this.snapshotOps();
    this.runSources(t);
    this.integrate(t);
    this.sortSpikes();
    this.route(t);
    if (this.learning !== null) this.learning.onStep(this.ctx);
    this.accountCycles();
  }

  /**
   * Runs `steps` steps, calling `onStep` after each. Here simply a loop over `step()`; the parallel emulator
   * pipelines it (emulator/parallel/parallel-emulator.ts), which is why `onStep` should read only `t` and the
   * spike list.
   */
  run(steps: number, onStep?: (emu: this) => void): void {
    for (let s = 0; s < steps; s++) {
      this.step();
      onStep?.(this);
    }
  }

  /** Empties the spike list (and its `spiked` flags) at the start of a step. */
  protected clearStepSpikes(): void {
    for (let k = 0; k < this.spikeCount; k++) this.spiked[this.spikes[k]!] = 0;
    this.spikeCount = 0;
  }

  /** Sorts the step's spike list ascending; cores usually emit in order, so first check (no allocation then). */
  protected sortSpikes(): void {
    const sp = this.spikes;
    const n = this.spikeCount;
    for (let k = 1; k < n; k++) {
      if (sp[k]! < sp[k - 1]!) {
        sp.subarray(0, n).sort();
        return;
      }
    }
  }

  /** Phase 2 over all cores (emulator/parallel/ overrides it to spread cores over worker threads). */
  protected integrate(t: number): void {
    const cores = this.cores;
    for (let i = 0; i < cores.length; i++) this.integrateCore(cores[i]!, t);
  }

  protected emit(id: number): void {
    this.spikes[this.spikeCount++] = id;
    this.spiked[id] = 1;
  }

  protected runSources(t: number): void {
    const seed = this.seed;
    const sources = this.ir.sources;
    for (let si = 0; si < sources.length; si++) {
      const s = sources[si]!;
      const rt = this.srcRt[si]!;
      const before = this.spikeCount;
      if (s.kind === 'spikes') {
        const src = s as SpikeListSource;
        while (rt.cursor < src.steps.length && src.steps[rt.cursor]! < t) rt.cursor++;
        while (rt.cursor < src.steps.length && src.steps[rt.cursor] === t) this.emit(src.neuronBase + src.indices[rt.cursor++]!);
      } else if (s.kind === 'poisson') {
        this.runPoisson(s as PoissonSource, rt, si, t, seed);
      } else {
        const src = s as LabelSource;
        const l = rt.label;
        if (l >= 0 && l < src.size) {
          const thr = src.threshold;
          if (thr >= ALWAYS || (thr > 0 && draw(seed, t, SOURCE_CORE + si, l, STREAM_LABEL) < thr)) this.emit(src.neuronBase + l);
        }
      }
      this.sourceSpikes += this.spikeCount - before;
    }
  }

  /**
   * One step of a Poisson source over its active list (`SourceRuntime.active`): the same spikes, in the same
   * ascending order, and the same refractory counts as a loop over every neuron — a neuron with threshold 0 and
   * refractory count 0 does nothing in that loop. MNIST digits leave most input pixels at 0.
   */
  private runPoisson(src: PoissonSource, rt: SourceRuntime, si: number, t: number, seed: number): void {
    const { rate, ref, active } = rt;
    if (rt.stale) {
      let m = 0;
      for (let i = 0; i < src.size; i++) if (rate[i]! > 0 || ref[i]! > 0) active[m++] = i;
      rt.activeCount = m;
      rt.stale = false;
    }
    const m = rt.activeCount;
    const prefix = drawPrefix(seed, t, SOURCE_CORE + si); // = draw(seed, t, SOURCE_CORE + si, i, …) per neuron
    const refractory = src.refractory;
    const base = src.neuronBase;
    for (let j = 0; j < m; j++) {
      const i = active[j]!;
      if (ref[i]! > 0) {
        ref[i]!--;
        continue;
      }
      const thr = rate[i]!;
      if (thr > 0 && (thr >= ALWAYS || drawWithPrefix(prefix, i, STREAM_POISSON) < thr)) {
        this.emit(base + i);
        ref[i] = refractory;
      }
    }
  }

  private integrateCore(rt: CoreRuntime, t: number): void {
    const n = rt.ir.compartmentCount;
    const slotBase = (t % rt.ringSlots) * rt.ports * n;
    const local = this.localSpikes[rt.index]!;
    const wasm = this.wasm;
    const bound = wasm !== null ? wasm.groups[rt.index]! : null;
    let count = 0;
    for (let gi = 0; gi < rt.groups.length; gi++) {
      const gs = rt.groups[gi]!;
      switch (gs.group.model) {
        case 'loihi':
          count = stepLoihiGroup(gs, rt.ring, slotBase, rt.counters, local, count);
          break;
        case 'cuba': {
          const b = bound !== null ? bound[gi]! : null;
          count = b !== null
            ? stepCubaWasm(wasm!.kernel, b, rt.ring, slotBase, rt.counters, count)
            : stepCubaGroup(gs, rt.ring, slotBase, n, rt.counters, local, count, this.seed, t, rt.index);
          break;
        }
        case 'nsat':
          count = stepNsatGroup(gs, rt.ring, slotBase, n, rt.counters, local, count);
          break;
      }
    }
    rt.counters.spikes += count;
    const groups = rt.ir.groups;
    const groupOf = rt.groupOf;
    for (let k = 0; k < count; k++) {
      const c = local[k]!;
      const g = groups[groupOf[c]!]!;
      this.emit(g.neuronBase + c - g.first);
    }
  }

  /** Delivery (emulator/delivery.ts) and hops per neuron, built at construction (`prepareRoute`). */
  private fanOut: FanOut | null = null;
  private hopsOf: Float64Array | null = null;
  private rings: Float64Array[] = [];
  private weightsOf: Int32Array[] = [];
  private countersOf: CoreCounters[] = [];

  /** Phase 3: every spike of step t through its routes into the target cores' rings (emulator/delivery.ts). */
  protected route(t: number): void {
    this.prepareRoute();
    const hopsOf = this.hopsOf!;
    const cores = this.cores;
    const spikes = this.spikes;
    const neuronCore = this.neuronCore;
    const count = this.spikeCount;
    for (let s = 0; s < count; s++) {
      const id = spikes[s]!;
      const from = neuronCore[id]!;
      if (from >= 0) cores[from]!.counters.hops += hopsOf[id]!;
    }
    this.fanOut!.deliver(spikes, count, t, this.seed, this.rings, this.weightsOf, this.countersOf);
  }

  /** All rings as one array over the WebAssembly heap (when the state lives there), for `FanOut`'s flat path. */
  protected ringArena(): RingArena | null {
    const wasm = this.wasm;
    if (wasm === null) return null;
    return {
      cells: new Float64Array(wasm.heap.memory.buffer), ringStart: packedMap(this.cores, (rt) => rt.ring.byteOffset / 8),
      heap: wasm.heap, deliverFlat: wasm.kernel.deliverFlat, deliverFlat16: wasm.kernel.deliverFlat16,
    };
  }

  /**
   * Builds the delivery tables of `route` (once). Called by the constructor (set-up cost, not step cost) of an
   * emulator that routes itself; subclasses that override `route` never pay for it.
   */
  protected prepareRoute(): void {
    if (this.fanOut === null || this.hopsOf === null) {
      this.fanOut = new FanOut(this.ir.routing, packedMap(this.cores, (rt) => coreDelivery(rt.ir, rt.ringSlots, rt.ports)),
        this.fixedWeights ? packedMap(this.cores, (rt) => rt.weights) : null, this.ringArena(), this.drawKernelForRoute());
      this.hopsOf = hopsPerNeuron(this.ir.routing.offsets, this.ir.routing.core, this.neuronCore, this.ir.cores.map((c) => c.mesh));
      this.rings = packedMap(this.cores, (rt) => rt.ring);
      this.weightsOf = packedMap(this.cores, (rt) => rt.weights);
      this.countersOf = packedMap(this.cores, (rt) => rt.counters);
    }
  }

  /**
   * The draw kernel for delivery: with a heap, every ring and weight array lives on it (this constructor allocates
   * them there, and `ParallelEmulator` passes cores allocated on the heap it passes), so blank-out rows can be
   * delivered in place (`heapDrawKernel`).
   */
  private drawKernelForRoute(): DrawKernel | null {
    const wasm = this.wasm;
    return wasm !== null && this.kernelChoice !== 'ts' ? heapDrawKernel(wasm.kernel as unknown as DrawExports, wasm.heap) : drawKernel(this.kernelChoice);
  }

  private snapshotOps(): void {
    const o = this.opsBefore;
    const cores = this.cores;
    for (let i = 0; i < cores.length; i++) {
      const c = cores[i]!.counters;
      o[i * OPS] = c.synapticEvents;
      o[i * OPS + 1] = c.compartmentUpdates;
      o[i * OPS + 2] = c.learningUpdates;
      o[i * OPS + 3] = c.spikes;
      o[i * OPS + 4] = c.hops;
    }
  }

  /** Cycles of this step per core (counts of this step × cycle costs); the step's latency is the max. */
  private accountCycles(): void {
    const cost = this.ir.cost;
    const o = this.opsBefore;
    const cyc = this.stepCycles;
    const cores = this.cores;
    for (let i = 0; i < cores.length; i++) {
      const c = cores[i]!.counters;
      cyc[i] = coreStepCycles(cost, c.synapticEvents - o[i * OPS]!, c.compartmentUpdates - o[i * OPS + 1]!, c.learningUpdates - o[i * OPS + 2]!,
        c.spikes - o[i * OPS + 3]!, c.hops - o[i * OPS + 4]!);
    }
    this.commitStepCycles(cyc, 0);
  }

  /** Adds one step's per-core cycles (cyc[base + core]) to the cores' counters, and the slowest core's to the total. */
  protected commitStepCycles(cyc: Float64Array, base: number): void {
    const cores = this.cores;
    let max = 0;
    for (let i = 0; i < cores.length; i++) {
      const v = cyc[base + i]!;
      cores[i]!.counters.cycles += v;
      if (v > max) max = v;
    }
    this.totalCycles += max;
  }

  /** Estimated energy so far in picojoules: Σ over cores of counts × the cost table's pJ. */
  energyPj(): number {
    const cost = this.ir.cost;
    let e = 0;
    for (const rt of this.cores) {
      const c = rt.counters;
      e += c.synapticEvents * cost.synapticOp.pj + c.compartmentUpdates * cost.compartmentUpdate.pj +
        c.learningUpdates * cost.learningOp.pj + c.spikes * cost.spike.pj + c.hops * cost.hop.pj;
    }
    return e;
  }
}
