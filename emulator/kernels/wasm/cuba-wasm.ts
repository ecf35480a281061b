/**
 * Host side of the WebAssembly SIMD kernel for `cuba` LIF groups (AssemblyScript source: assembly/cuba.ts,
 * compiled by `npm run build` to dist/emulator/kernels/wasm/cuba.wasm). The TypeScript kernel (../cuba.ts) stays
 * the reference; this kernel computes the same integers, spikes and counters (tests/emulator/cuba-wasm.test.ts).
 *
 * Which groups: exactly those `cubaLifShape` accepts (current and v both Loihi-decayed, no clamps, no extra
 * currents, no noise, widths ≤ 30 bits; at most a dendrite on port 1 that is Loihi-decayed and unclamped — eRBP's
 * neurons) — uniform groups (equal registers, bias, threshold, refractory delay) and per-compartment ones. Every other group, and every run with `kernels: 'ts'` or the environment
 * variable DENDRITE_KERNELS=ts, keeps the TypeScript loop. The kernel needs the group's state arrays, its core's
 * delay ring and spike buffer to be views on the heap's memory (heap.ts); the emulator allocates them there when
 * it picks this kernel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../../compiler/paths.js';
import type { CubaGroup, DendriteIr } from '../../../ir/types.js';
import { countOverflow, newCounters, type CoreCounters, type GroupState } from '../../state.js';
import { cubaLifShape } from '../cuba.js';
import { packedMap } from '../../packed.js';
import type { WasmHeap } from './heap.js';

/** Kernel choice of an emulator: 'auto' = WebAssembly where implemented and available, 'ts' = TypeScript only. */
export type KernelChoice = 'auto' | 'ts';

/** The default choice: 'ts' when the environment variable DENDRITE_KERNELS is `ts`, else 'auto'. */
export function defaultKernelChoice(): KernelChoice {
  return process.env.DENDRITE_KERNELS === 'ts' ? 'ts' : 'auto';
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null when dist/ has no cuba.wasm (not built) or this runtime rejects it. */
export function cubaWasmModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const here = import.meta.url;
  const file = here.endsWith('.ts')
    ? join(packageRoot(), 'dist', 'emulator', 'kernels', 'wasm', 'cuba.wasm')
    : fileURLToPath(new URL('./cuba.wasm', here));
  try {
    compiled = existsSync(file) ? new WebAssembly.Module(readFileSync(file)) : null;
  } catch {
    compiled = null; // e.g. a runtime without SIMD or threads: the TypeScript kernel runs instead
  }
  return compiled;
}

/** True iff some group of the IR would run on the WebAssembly kernel. */
export function irHasWasmGroups(ir: DendriteIr): boolean {
  return ir.cores.some((c) => c.groups.some((g) => g.model === 'cuba' && cubaLifShape(g) !== null));
}

/** The kernel's exports, bound to one memory (one instance per thread). */
export interface CubaWasmKernel {
  readonly stepLif: (params: number, ring: number, count: number) => number;
  readonly stepLifUniform: (params: number, ring: number, count: number) => number;
  readonly stepLifDendrite: (params: number, ring: number, count: number) => number;
  readonly stepLifDendriteUniform: (params: number, ring: number, count: number) => number;
  /** Flat synaptic delivery (assembly/deliver.ts; host side: emulator/delivery.ts `FanOut`). */
  readonly deliverFlat: (ids: number, count: number, flatOf: number, pairs: number, row: number, stride: number, events: number) => void;
  /** The same with a uint16 count table (some neuron has more than 255 synapses on one core). */
  readonly deliverFlat16: CubaWasmKernel['deliverFlat'];
}

export function instantiateCuba(module: WebAssembly.Module, memory: WebAssembly.Memory): CubaWasmKernel {
  if (!primed) primeCallSites(module);
  const inst = new WebAssembly.Instance(module, { env: { memory } });
  return inst.exports as unknown as CubaWasmKernel;
}

let primed = false;

/**
 * Once per thread: calls `stepCubaWasm` and `runDeliverFlat` with three throw-away instances (on one-page memories;
 * a zero parameter block is a group of size 0), so V8 records their call sites as seeing many targets. Every
 * emulator instantiates the kernel anew, and each instance's exports are new functions: code optimised while the
 * sites had seen one target bailed out ("wrong call target", `--trace-deopt`) when the second emulator of a process
 * called its own, and ran unoptimised for ≈ 30 ms of steps until recompiled (docs/performance.md, eighth pass).
 */
function primeCallSites(module: WebAssembly.Module): void {
  primed = true;
  const ring = new Float64Array(0);
  const counters = newCounters();
  const kernels = [0, 1, 2].map(() => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as CubaWasmKernel;
  });
  const groups = [true, false].flatMap((uniform) => [null, 'u'].map((dendrite) => ({ uniform, dendrite, params: 64, stats: new Int32Array(8), first: 0, size: 0 })));
  // enough calls for V8 to give the functions their feedback vectors (allocated lazily, after a few calls) and fill them
  for (let k = 0; k < 64; k++) {
    stepCubaWasm(kernels[k % 3]!, groups[(k >> 1) & 3]!, ring, 0, counters, 0);
    // no spikes, no cores: does nothing
    runDeliverFlat((k & 1) === 0 ? kernels[k % 3]!.deliverFlat : kernels[k % 3]!.deliverFlat16, 64, 0, 64, 64, 64, 0, 64);
  }
}

/** Calls a kernel instance's `deliverFlat` or `deliverFlat16` — their one call site (FanOut's flat path), primed above. */
export function runDeliverFlat(
  run: CubaWasmKernel['deliverFlat'], ids: number, count: number, flatOf: number, pairs: number, row: number, stride: number, events: number,
): void {
  run(ids, count, flatOf, pairs, row, stride, events);
}

/** One group bound to the kernel: its parameter block and tallies on the heap (structured-clone safe). */
export interface CubaWasmGroup {
  readonly uniform: boolean;
  /** The dendrite's state name (its overflow counter), or null for a group without one. */
  readonly dendrite: string | null;
  /** Byte address of the parameter block (layout: P_* in assembly/cuba.ts). */
  readonly params: number;
  /** The call's wrap/saturation tallies: in, in; i, i; v, v; dendrite, dendrite (wraps, saturations). */
  readonly stats: Int32Array;
  readonly first: number;
  readonly size: number;
}

// Parameter block words (assembly/cuba.ts P_*).
const WORDS = 39;

function heapCopy(heap: WasmHeap, a: Int32Array): number {
  const c = heap.int32(a.length);
  c.set(a);
  return c.byteOffset;
}

/**
 * Binds the groups of one core that the kernel implements: per group its parameter block, or null (TypeScript
 * kernel). `groups` and `spikes` (the core's spike buffer) must be views on `heap`.
 */
export function bindCubaGroups(
  heap: WasmHeap,
  groups: readonly GroupState[],
  spikes: Int32Array,
  /** Ring cells from a compartment's port-0 input to its port-1 input (the core's compartment count). */
  portStride: number,
): (CubaWasmGroup | null)[] {
  return packedMap(groups, (gs): CubaWasmGroup | null => {
    if (gs.group.model !== 'cuba') return null;
    const g = gs.group as CubaGroup;
    const shape = cubaLifShape(g);
    if (shape === null) return null;
    const cur = g.current!;
    const dend = shape.dendrite ? g.dendrite! : null;
    const off = (d: CubaGroup['v']['decay']) => (d.kind === 'loihi12' ? d.offset : 0);
    const half = (bits: number) => 2 ** (bits - 1);
    const stats = heap.int32(8);
    const p = heap.int32(WORDS);
    p.set([
      g.size, g.first, gs.arrays.v!.byteOffset, gs.arrays.i!.byteOffset, gs.arrays.ref!.byteOffset, spikes.byteOffset, stats.byteOffset,
      -half(g.inputBits), half(g.inputBits) - 1, g.inputOverflow === 'wrap' ? 1 : 0, g.inputBits,
      -half(cur.bits), half(cur.bits) - 1, cur.overflow === 'wrap' ? 1 : 0, cur.bits,
      -half(g.v.bits), half(g.v.bits) - 1, g.v.overflow === 'wrap' ? 1 : 0, g.v.bits,
      4096 - off(cur.decay), 4096 - off(g.v.decay),
      g.compare === 'gt' ? 1 : 0, g.reset.mode === 'value' ? 0 : g.reset.mode === 'subtract' ? 1 : 2, g.reset.value, g.refractoryValue,
      heapCopy(heap, cur.decayReg), heapCopy(heap, g.v.decayReg), heapCopy(heap, g.bias), heapCopy(heap, g.threshold), heapCopy(heap, g.refractDelay),
      // The threshold as a strict one for the lanes: v ≥ θ ⟺ v > θ − 1 (clamped at −2^31: v is within ≤ 30 bits there).
      heapCopy(heap, g.compare === 'gt' ? g.threshold : g.threshold.map((th) => Math.max(th - 1, -(2 ** 31)))),
      // the dendrite, or zeros (never read then)
      ...(dend !== null
        ? [gs.arrays[dend.name]!.byteOffset, -half(dend.bits), half(dend.bits) - 1, dend.overflow === 'wrap' ? 1 : 0, dend.bits,
          4096 - off(dend.decay), heapCopy(heap, dend.decayReg), 8 * portStride]
        : [0, 0, 0, 0, 0, 0, 0, 0]),
    ]);
    return { uniform: shape.uniform, dendrite: dend?.name ?? null, params: p.byteOffset, stats, first: g.first, size: g.size };
  });
}

/**
 * One step of a bound group: same contract as `stepCubaGroup` (reads and clears ring[inputBase + first + k],
 * appends spiking core-local indices to the bound spike buffer from `count` on, returns the new count, counts
 * compartment updates and overflows in the same order).
 */
export function stepCubaWasm(
  kernel: CubaWasmKernel,
  b: CubaWasmGroup,
  ring: Float64Array,
  inputBase: number,
  counters: CoreCounters,
  count: number,
): number {
  const ptr = ring.byteOffset + 8 * (inputBase + b.first);
  const n = b.dendrite === null
    ? (b.uniform ? kernel.stepLifUniform(b.params, ptr, count) : kernel.stepLif(b.params, ptr, count))
    : (b.uniform ? kernel.stepLifDendriteUniform(b.params, ptr, count) : kernel.stepLifDendrite(b.params, ptr, count));
  counters.compartmentUpdates += b.size;
  const s = b.stats;
  countOverflow(counters, 'in', s[0]!, s[1]!);
  countOverflow(counters, 'i', s[2]!, s[3]!);
  countOverflow(counters, 'v', s[4]!, s[5]!);
  if (b.dendrite !== null) countOverflow(counters, b.dendrite, s[6]!, s[7]!);
  return n;
}
