/**
 * `ParallelEmulator`: the emulator with its cores spread over `threads` threads — the main thread (thread 0)
 * and threads − 1 `worker_threads` — sharing all state through SharedArrayBuffers. It is an `Emulator` (same
 * sources, spike list, learning hook, counters, cycles), only phases 2 and 3 differ. One step:
 *
 *   main:    sources → publish source spikes → START(seq) ─┐
 *   all:     integrate own cores → arrive INTEGRATE → wait for all threads
 *   all:     route every spike of the step into own cores (pull) ; workers → arrive ROUTE
 *   main:    merge core spike lists → sort → wait ROUTE → sync counters → learning (main thread) → cycles
 *
 * `run(n)` is the pipelined form for runs in which the host reads nothing but the spike list between steps (no
 * learning): after one START the threads compute n steps and meet only at each step's integrate barrier. A thread
 * goes from routing step t straight into integrating step t + 1 — route(t) writes only its own cores' rings,
 * which is all integrate(t + 1) reads — and the step lists are double-buffered by parity (layout.ts), so a thread
 * that is ahead never overwrites a list a slower one still reads. Each thread accounts its cores' cycles per step.
 *
 * Results (spikes, state, counters, digest) are identical for every thread count, and identical to the
 * single-thread `Emulator`: each core is written by one thread only, every random draw is keyed by
 * (seed, step, core, index, stream), and a ring slot holds an exact integer sum (emulator.ts, docs/emulator.md).
 * The learning engine runs on the main thread after the route barrier, so it sees the same state as in a
 * single-thread run; the weights it writes are shared, and workers see them at the next step signal.
 *
 * Waiting: a thread spins on the control words for an adaptive budget (`SpinBudget`, at most `spin` µs),
 * then sleeps in `Atomics.wait` (no spinning when there are more threads than CPUs); arrivals and the step signal
 * call `Atomics.notify` only when some thread sleeps (CTL_SLEEPERS). Workers come from a process-wide pool (pool.ts)
 * and go back to it on `close()`, so the next emulator in the process starts with compiled code; they are unref'd
 * so an unclosed run cannot keep the process alive.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { receiveMessageOnPort } from 'node:worker_threads';
import type { DendriteIr } from '../../ir/types.js';
import { Emulator, type EmulatorOptions } from '../emulator.js';
import { newCoreRuntime, ringLength, type CoreRuntime } from '../state.js';
import { cubaWasmModule, defaultKernelChoice, irHasWasmGroups } from '../kernels/wasm/cuba-wasm.js';
import { WasmHeap } from '../kernels/wasm/heap.js';
import { packedFill, packedMap } from '../packed.js';
import { packageRoot } from '../../compiler/paths.js';
import {
  assignCores, CNT_BLANKED, CNT_HOPS, CNT_SLOTS, CNT_SPIKES, CNT_SYNAPTIC, CNT_UPDATES, CTL_ARRIVE_INTEGRATE, CTL_ARRIVE_ROUTE,
  CTL_COUNTERS_EPOCH, CTL_ERROR, CTL_READY, CTL_RUN_STEPS, CTL_START, CTL_STEP, CTL_STOP, CTL_WORDS, MAX_OVERFLOW_NAMES, overflowNamesOf, sourceCountWord,
  sharedCoreRuntime, sharedInt32, sharedIrCore, sharedRouting, type SharedCore, type ThreadInit,
} from './layout.js';
import { arrive, signal, SpinBudget, ThreadShare, waitAtLeast } from './thread-share.js';
import { acquireWorker, discardWorker, releaseWorker, type PooledWorker } from './pool.js';

/**
 * Default maximum spin (µs) before a wait sleeps; each wait site adapts its budget below it (`SpinBudget`). A step
 * of CUBA 64k is ≈ 170 µs of work, and a wait that sleeps costs a wake-up of tens of µs, so the spin has to
 * outlast the partner's share of a step with room for its hiccups (docs/performance.md, sixth pass).
 */
export const DEFAULT_SPIN = 1000;

export interface ParallelOptions extends Omit<EmulatorOptions, 'cores' | 'heap'> {
  /** Threads computing cores, the main thread included (≥ 1; capped at the number of cores). */
  readonly workers: number;
  /**
   * Maximum spin in µs before a blocking `Atomics.wait` (default DEFAULT_SPIN if threads ≤ CPUs, else 0).
   * Each wait site adapts its budget between 2 µs and this (`SpinBudget`): long spins that end in long sleeps mean
   * the partner was descheduled, and a spinning thread would only take the CPU someone else needs.
   */
  readonly spin?: number;
}

/** Threads a run of `ir` with `workers` requested actually uses. */
export function threadCount(ir: DendriteIr, workers: number): number {
  return Math.max(1, Math.min(Math.floor(workers), ir.cores.length));
}

/** The compiled worker script: next to this module in dist/, or dist/ of the package when running from sources. */
export function workerScript(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? pathToFileURL(join(packageRoot(), 'dist', 'emulator', 'parallel', 'worker.js'))
    : new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`parallel emulator: worker script ${fileURLToPath(url)} not found (build with \`npm run build\`)`);
  }
  return url;
}

export class ParallelEmulator extends Emulator {
  /** Threads used (main thread included). */
  readonly threads: number;
  private readonly ctrl: Int32Array;
  private readonly share: ThreadShare;
  private readonly init0: ThreadInit;
  private readonly workers: PooledWorker[] = [];
  /** False while the threads may be anywhere inside a step or run (then close() cannot return them to the pool). */
  private atBoundary = true;
  private readonly spin: number;
  /** Spin budgets of the main thread's two wait sites (see `SpinBudget`). */
  private readonly atIntegrate: SpinBudget;
  private readonly atRoute: SpinBudget;
  /** START signals sent. */
  private starts = 0;
  /** Integrate barriers passed (one per step). */
  private rounds = 0;
  /** Arrivals of the workers at the end of a command (one step, or a pipelined run) expected so far. */
  private routeArrivals = 0;
  private closed = false;

  constructor(ir: DendriteIr, options: ParallelOptions) {
    // With the WebAssembly kernel, every run-time array lives on its (shared) memory; otherwise on plain
    // SharedArrayBuffers.
    const heap = (options.kernels ?? defaultKernelChoice()) !== 'ts' && irHasWasmGroups(ir) && cubaWasmModule() !== null ? new WasmHeap() : null;
    const alloc = heap !== null ? heap.coreAllocator(ir.cores.length, (i) => ringLength(ir, i)) : null;
    const cores: CoreRuntime[] = packedFill(ir.cores.length, (i) => (alloc !== null ? newCoreRuntime(ir, i, alloc) : sharedCoreRuntime(ir, i)));
    super(ir, { ...options, cores, heap });
    const threads = threadCount(ir, options.workers);
    this.threads = threads;
    this.spin = options.spin ?? (threads <= availableParallelism() ? DEFAULT_SPIN : 0);
    this.atIntegrate = new SpinBudget(this.spin);
    this.atRoute = new SpinBudget(this.spin);
    this.ctrl = sharedInt32(CTL_WORDS);
    const sharedCores: SharedCore[] = packedMap(cores, (rt) => ({
      ir: sharedIrCore(rt.ir, rt.weights), ringSlots: rt.ringSlots, ports: rt.ports, ring: rt.ring, weights: rt.weights,
      groupOf: rt.groupOf, arrays: packedMap(rt.groups, (g) => g.arrays as Record<string, Int32Array>),
    }));
    const owned = assignCores(ir, threads);
    const base = {
      threads, seed: this.seed, spin: this.spin, ctrl: this.ctrl, neuronCount: ir.neuronCount, routing: sharedRouting(ir.routing),
      meshes: packedMap(ir.cores, (c) => ({ x: c.mesh.x, y: c.mesh.y })), cores: sharedCores,
      sourceSpikes: packedFill(2, () => sharedInt32(ir.neuronCount)),
      coreSpikes: packedFill(2, () => packedMap(ir.cores, (c) => sharedInt32(c.compartmentCount))),
      coreSpikeCount: packedFill(2, () => sharedInt32(ir.cores.length)),
      stepCycles: new Float64Array(new SharedArrayBuffer(Math.max(1, 2 * ir.cores.length) * 8)),
      cost: ir.cost,
      counters: new Float64Array(new SharedArrayBuffer(Math.max(1, ir.cores.length) * CNT_SLOTS * 8)),
      overflowNames: packedMap(ir.cores, (c) => overflowNamesOf(c.groups)),
      overflow: new Float64Array(new SharedArrayBuffer(Math.max(1, ir.cores.length) * MAX_OVERFLOW_NAMES * 2 * 8)),
      wasm: this.wasm !== null
        ? { module: this.wasm.module, memory: this.wasm.heap.memory, spikes: this.localSpikes, groups: this.wasm.groups }
        : null,
      fixedWeights: this.fixedWeights,
      kernels: this.kernelChoice,
    };
    // Each thread's init as one explicit literal (not a spread of `base`): its shape, and so the code optimised for
    // it, is the same for every emulator of the process (see packed.ts).
    const initOf = (thread: number): ThreadInit => ({
      thread, owned: owned[thread]!, threads: base.threads, seed: base.seed, spin: base.spin, ctrl: base.ctrl,
      neuronCount: base.neuronCount, routing: base.routing, meshes: base.meshes, cores: base.cores, sourceSpikes: base.sourceSpikes,
      coreSpikes: base.coreSpikes, coreSpikeCount: base.coreSpikeCount, stepCycles: base.stepCycles, cost: base.cost,
      counters: base.counters, overflowNames: base.overflowNames, overflow: base.overflow, wasm: base.wasm, fixedWeights: base.fixedWeights,
      kernels: base.kernels,
    });
    this.init0 = initOf(0);
    this.share = new ThreadShare(this.init0);
    if (threads > 1) {
      const url = workerScript();
      try {
        for (let k = 1; k < threads; k++) {
          const w = acquireWorker(url);
          this.workers.push(w);
          w.worker.postMessage({ init: initOf(k) });
        }
        waitAtLeast(this.ctrl, CTL_READY, threads - 1, new SpinBudget(0), () => this.fail());
      } catch (e) {
        this.atBoundary = false;
        this.close();
        throw e;
      }
    }
  }

  private fail(): never {
    const msgs: string[] = [];
    for (const w of this.workers) {
      const m = receiveMessageOnPort(w.errors);
      if (m) msgs.push(String(m.message));
    }
    this.atBoundary = false;
    this.close();
    throw new Error(`parallel emulator: ${msgs.join('\n') || 'a worker thread failed'}`);
  }

  /** Puts step t's source spikes (the head of the spike list, from runSources) where every thread reads them. */
  private publishSources(t: number): void {
    const n = this.spikeCount;
    const spikes = this.spikes;
    const sourceSpikes = this.init0.sourceSpikes[t & 1]!;
    for (let k = 0; k < n; k++) sourceSpikes[k] = spikes[k]!; // no subarray view per step
    Atomics.store(this.ctrl, sourceCountWord(t), n);
  }

  /** Integrates the main thread's cores, meets the other threads, then appends every core's spikes of step t. */
  private integrateAndCollect(t: number): void {
    this.share.integrate(t);
    if (this.threads > 1) {
      arrive(this.ctrl, CTL_ARRIVE_INTEGRATE);
      waitAtLeast(this.ctrl, CTL_ARRIVE_INTEGRATE, this.threads * ++this.rounds, this.atIntegrate, () => this.fail());
    }
    const coreSpikes = this.init0.coreSpikes[t & 1]!;
    const coreSpikeCount = this.init0.coreSpikeCount[t & 1]!;
    for (let c = 0; c < coreSpikes.length; c++) {
      const list = coreSpikes[c]!;
      const m = coreSpikeCount[c]!;
      for (let k = 0; k < m; k++) this.emit(list[k]!);
    }
  }

  protected override integrate(t: number): void {
    if (this.closed) throw new Error('parallel emulator: step() after close()');
    this.publishSources(t);
    if (this.threads > 1) {
      this.atBoundary = false;
      Atomics.store(this.ctrl, CTL_RUN_STEPS, 0);
      Atomics.store(this.ctrl, CTL_STEP, t);
      signal(this.ctrl, CTL_START, ++this.starts);
    }
    this.integrateAndCollect(t);
  }

  protected override route(t: number): void {
    this.share.route(t, Atomics.load(this.ctrl, sourceCountWord(t)));
    if (this.threads > 1) {
      waitAtLeast(this.ctrl, CTL_ARRIVE_ROUTE, (this.routeArrivals += this.threads - 1), this.atRoute, () => this.fail());
      this.atBoundary = true;
    }
    this.syncCounters();
  }

  /**
   * Runs `steps` steps; the same results as as many `step()` calls (spikes, state, counters, cycles). Without
   * learning and with more than one thread it is pipelined (file comment): the threads meet once per step
   * instead of three times, and no thread waits for the host between steps. `onStep` is called after each step;
   * during a pipelined run it may read `t` and the spike list (`spikes`, `spikeCount`, `spiked`) only — the
   * other threads are already computing the next step — and counters and cycles are brought up to date when the
   * run ends.
   */
  override run(steps: number, onStep?: (emu: this) => void): void {
    if (this.closed) throw new Error('parallel emulator: run() after close()');
    if (this.threads === 1 || this.learning !== null || steps < 2) {
      super.run(steps, onStep);
      return;
    }
    const ctrl = this.ctrl;
    this.atBoundary = false;
    Atomics.store(ctrl, CTL_RUN_STEPS, steps);
    Atomics.store(ctrl, CTL_STEP, this.t + 1);
    signal(ctrl, CTL_START, ++this.starts);
    this.share.beginRun();
    try {
      this.pipeline(steps, onStep);
    } catch (e) {
      // the other threads are somewhere inside the run and cannot be brought back to a step boundary
      this.close();
      throw e;
    }
    waitAtLeast(ctrl, CTL_ARRIVE_ROUTE, (this.routeArrivals += this.threads - 1), this.atRoute, () => this.fail());
    this.atBoundary = true;
    this.accountStep(this.t);
    this.syncCounters();
  }

  /**
   * Emulator.accountCycles' sums for step t of a pipelined run, with the per-core cycles the threads computed
   * (ThreadShare.stepCycles). A method, not a closure made per run: a new closure is a new call target, and the
   * optimised `pipeline` would bail out at the first call of every run.
   */
  private accountStep(t: number): void {
    this.commitStepCycles(this.init0.stepCycles, (t & 1) * this.cores.length);
  }

  private pipeline(steps: number, onStep?: (emu: this) => void): void {
    const ctrl = this.ctrl;
    for (let s = 0; s < steps; s++) {
      const t = ++this.t;
      this.clearStepSpikes();
      this.runSources(t);
      this.publishSources(t);
      this.integrateAndCollect(t);
      // every thread has finished route(t − 1), so its cycles of step t − 1 are written
      if (s > 0) this.accountStep(t - 1);
      this.sortSpikes();
      this.share.route(t, Atomics.load(ctrl, sourceCountWord(t)));
      this.share.stepCycles(t);
      onStep?.(this);
    }
  }

  /** Copies the threads' published counters into the public `cores[c].counters` (learning updates and cycles stay). */
  private syncCounters(): void {
    const { counters: sh, overflow: ov, overflowNames } = this.init0;
    const cores = this.cores;
    for (let c = 0; c < cores.length; c++) {
      const pub = cores[c]!.counters;
      const b = c * CNT_SLOTS;
      pub.synapticEvents = sh[b + CNT_SYNAPTIC]!;
      pub.blankedOut = sh[b + CNT_BLANKED]!;
      pub.compartmentUpdates = sh[b + CNT_UPDATES]!;
      pub.spikes = sh[b + CNT_SPIKES]!;
      pub.hops = sh[b + CNT_HOPS]!;
      const names = overflowNames[c]!;
      const ob = c * MAX_OVERFLOW_NAMES * 2;
      for (let k = 0; k < names.length; k++) {
        const w = ov[ob + 2 * k]!;
        const s = ov[ob + 2 * k + 1]!;
        if (w === 0 && s === 0) {
          if (pub.overflow[names[k]!] !== undefined) delete pub.overflow[names[k]!];
          continue;
        }
        const o = (pub.overflow[names[k]!] ??= { wrap: 0, saturate: 0 });
        o.wrap = w;
        o.saturate = s;
      }
    }
  }

  /** Restores a saved state (Emulator.loadState), then publishes its counters to the threads' shared slots. */
  override loadState(s: Parameters<Emulator['loadState']>[0]): void {
    super.loadState(s);
    const { counters: sh, overflow: ov, overflowNames } = this.init0;
    this.cores.forEach((rt, c) => {
      const pub = rt.counters;
      const b = c * CNT_SLOTS;
      sh[b + CNT_SYNAPTIC] = pub.synapticEvents;
      sh[b + CNT_BLANKED] = pub.blankedOut;
      sh[b + CNT_UPDATES] = pub.compartmentUpdates;
      sh[b + CNT_SPIKES] = pub.spikes;
      sh[b + CNT_HOPS] = pub.hops;
      const names = overflowNames[c]!;
      const ob = c * MAX_OVERFLOW_NAMES * 2;
      for (let k = 0; k < names.length; k++) {
        const o = pub.overflow[names[k]!];
        ov[ob + 2 * k] = o?.wrap ?? 0;
        ov[ob + 2 * k + 1] = o?.saturate ?? 0;
      }
    });
    Atomics.add(this.ctrl, CTL_COUNTERS_EPOCH, 1);
  }

  /**
   * Stops the worker threads (idempotent) and returns them to the pool (pool.ts), or terminates them if they
   * failed or were stopped in the middle of a step. The emulator cannot step afterwards.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const ctrl = this.ctrl;
    Atomics.store(ctrl, CTL_STOP, 1);
    Atomics.add(ctrl, CTL_START, 1 << 20);
    for (const i of [CTL_START, CTL_ARRIVE_INTEGRATE, CTL_ARRIVE_ROUTE, CTL_READY]) Atomics.notify(ctrl, i);
    const reuse = this.atBoundary && Atomics.load(ctrl, CTL_ERROR) === 0;
    for (const w of this.workers) (reuse ? releaseWorker : discardWorker)(w);
  }
}
