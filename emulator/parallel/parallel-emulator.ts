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
 * Results (spikes, state, counters, digest) are identical for every thread count, and identical to the
 * single-thread `Emulator`: each core is written by one thread only, every random draw is keyed by
 * (seed, step, core, index, stream), and a ring slot holds an exact integer sum (emulator.ts, docs/emulator.md).
 * The learning engine runs on the main thread after the route barrier, so it sees the same state as in a
 * single-thread run; the weights it writes are shared, and workers see them at the next step signal.
 *
 * Waiting: a thread spins on the control words for an adaptive budget (`SpinBudget`, at most `spin` µs),
 * then sleeps in `Atomics.wait` (no spinning when there are more threads than CPUs); arrivals and the step signal
 * call `Atomics.notify` only when some thread sleeps (CTL_SLEEPERS). `close()` stops the workers; they are unref'd so an
 * unclosed run cannot keep the process alive.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DendriteIr } from '../../ir/types.js';
import { Emulator, type EmulatorOptions } from '../emulator.js';
import { newCoreRuntime, ringLength, type CoreRuntime } from '../state.js';
import { cubaWasmModule, defaultKernelChoice, irHasWasmGroups } from '../kernels/wasm/cuba-wasm.js';
import { WasmHeap } from '../kernels/wasm/heap.js';
import { packageRoot } from '../../compiler/paths.js';
import {
  assignCores, CNT_BLANKED, CNT_HOPS, CNT_SLOTS, CNT_SPIKES, CNT_SYNAPTIC, CNT_UPDATES, CTL_ARRIVE_INTEGRATE, CTL_ARRIVE_ROUTE,
  CTL_COUNTERS_EPOCH, CTL_READY, CTL_SOURCE_COUNT, CTL_START, CTL_STEP, CTL_STOP, CTL_WORDS, MAX_OVERFLOW_NAMES, overflowNamesOf,
  sharedCoreRuntime, sharedInt32, sharedIrCore, sharedRouting, type SharedCore, type ThreadInit,
} from './layout.js';
import { arrive, signal, SpinBudget, ThreadShare, waitAtLeast } from './thread-share.js';

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
  private readonly workers: Worker[] = [];
  private readonly errorPorts: MessagePort[] = [];
  private readonly spin: number;
  /** Spin budgets of the main thread's two wait sites (see `SpinBudget`). */
  private readonly atIntegrate: SpinBudget;
  private readonly atRoute: SpinBudget;
  private seq = 0;
  private closed = false;

  constructor(ir: DendriteIr, options: ParallelOptions) {
    // With the WebAssembly kernel, every run-time array lives on its (shared) memory; otherwise on plain
    // SharedArrayBuffers.
    const heap = (options.kernels ?? defaultKernelChoice()) !== 'ts' && irHasWasmGroups(ir) && cubaWasmModule() !== null ? new WasmHeap() : null;
    const alloc = heap !== null ? heap.coreAllocator(ir.cores.length, (i) => ringLength(ir, i)) : null;
    const cores: CoreRuntime[] = ir.cores.map((_, i) => (alloc !== null ? newCoreRuntime(ir, i, alloc) : sharedCoreRuntime(ir, i)));
    super(ir, { ...options, cores, heap });
    const threads = threadCount(ir, options.workers);
    this.threads = threads;
    this.spin = options.spin ?? (threads <= availableParallelism() ? DEFAULT_SPIN : 0);
    this.atIntegrate = new SpinBudget(this.spin);
    this.atRoute = new SpinBudget(this.spin);
    this.ctrl = sharedInt32(CTL_WORDS);
    const sharedCores: SharedCore[] = cores.map((rt) => ({
      ir: sharedIrCore(rt.ir, rt.weights), ringSlots: rt.ringSlots, ports: rt.ports, ring: rt.ring, weights: rt.weights,
      groupOf: rt.groupOf, arrays: rt.groups.map((g) => g.arrays as Record<string, Int32Array>),
    }));
    const owned = assignCores(ir, threads);
    const base = {
      threads, seed: this.seed, spin: this.spin, ctrl: this.ctrl, neuronCount: ir.neuronCount, routing: sharedRouting(ir.routing),
      meshes: ir.cores.map((c) => ({ x: c.mesh.x, y: c.mesh.y })), cores: sharedCores,
      sourceSpikes: sharedInt32(ir.neuronCount), coreSpikes: ir.cores.map((c) => sharedInt32(c.compartmentCount)),
      coreSpikeCount: sharedInt32(ir.cores.length),
      counters: new Float64Array(new SharedArrayBuffer(Math.max(1, ir.cores.length) * CNT_SLOTS * 8)),
      overflowNames: ir.cores.map((c) => overflowNamesOf(c.groups)),
      overflow: new Float64Array(new SharedArrayBuffer(Math.max(1, ir.cores.length) * MAX_OVERFLOW_NAMES * 2 * 8)),
      wasm: this.wasm !== null
        ? { module: this.wasm.module, memory: this.wasm.heap.memory, spikes: this.localSpikes, groups: this.wasm.groups }
        : null,
      fixedWeights: this.fixedWeights,
    };
    this.init0 = { ...base, thread: 0, owned: owned[0]! };
    this.share = new ThreadShare(this.init0);
    if (threads > 1) {
      const url = workerScript();
      try {
        for (let k = 1; k < threads; k++) {
          const { port1, port2 } = new MessageChannel();
          const init: ThreadInit = { ...base, thread: k, owned: owned[k]! };
          const w = new Worker(url, { workerData: { init, errorPort: port2 }, transferList: [port2] });
          w.unref();
          port1.unref();
          this.workers.push(w);
          this.errorPorts.push(port1);
        }
        waitAtLeast(this.ctrl, CTL_READY, threads - 1, new SpinBudget(0), () => this.fail());
      } catch (e) {
        this.close();
        throw e;
      }
    }
  }

  private fail(): never {
    const msgs: string[] = [];
    for (const p of this.errorPorts) {
      const m = receiveMessageOnPort(p);
      if (m) msgs.push(String(m.message));
    }
    this.close();
    throw new Error(`parallel emulator: ${msgs.join('\n') || 'a worker thread failed'}`);
  }

  protected override integrate(t: number): void {
    if (this.closed) throw new Error('parallel emulator: step() after close()');
    const ctrl = this.ctrl;
    const seq = ++this.seq;
    const n = this.spikeCount;
    const spikes = this.spikes;
    const sourceSpikes = this.init0.sourceSpikes;
    for (let k = 0; k < n; k++) sourceSpikes[k] = spikes[k]!; // no subarray view per step
    Atomics.store(ctrl, CTL_SOURCE_COUNT, n);
    Atomics.store(ctrl, CTL_STEP, t);
    if (this.threads > 1) signal(ctrl, CTL_START, seq);
    this.share.integrate(t);
    if (this.threads > 1) {
      arrive(ctrl, CTL_ARRIVE_INTEGRATE);
      waitAtLeast(ctrl, CTL_ARRIVE_INTEGRATE, this.threads * seq, this.atIntegrate, () => this.fail());
    }
    const { coreSpikes, coreSpikeCount } = this.init0;
    for (let c = 0; c < coreSpikes.length; c++) {
      const list = coreSpikes[c]!;
      const m = coreSpikeCount[c]!;
      for (let k = 0; k < m; k++) this.emit(list[k]!);
    }
  }

  protected override route(t: number): void {
    this.share.route(t, Atomics.load(this.ctrl, CTL_SOURCE_COUNT));
    if (this.threads > 1) waitAtLeast(this.ctrl, CTL_ARRIVE_ROUTE, (this.threads - 1) * this.seq, this.atRoute, () => this.fail());
    this.syncCounters();
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

  /** Stops the worker threads (idempotent). The emulator cannot step afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CTL_STOP, 1);
    Atomics.add(this.ctrl, CTL_START, 1 << 20);
    Atomics.notify(this.ctrl, CTL_START);
    for (const w of this.workers) void w.terminate();
    for (const p of this.errorPorts) p.close();
  }
}
