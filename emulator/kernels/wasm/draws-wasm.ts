/**
 * Host side of the WebAssembly keyed draws (assembly/draws.ts, in the same module as the cuba kernel): the chip's
 * draws (`prng.drawWithStreamKey`) for a run of consecutive indices, four at a time — ≈ 1.3 ns per draw against
 * ≈ 3.5–4 ns in TypeScript on the development machine. Used where a loop draws once per synapse of a row:
 * blank-out delivery (delivery.ts `deliverAxon`, which gets the list of transmitting synapses, or — for a dense row
 * whose ring and weights are on the kernel's heap — has the whole row delivered in place) and the learning engine's
 * stochastic rounding (learning/engine.ts `updateOpen`, which gets the draws). The TypeScript loops stay the
 * reference and the fallback; the bits are the same (tests/emulator/draws-wasm.test.ts).
 *
 * `drawKernel`: one instance per thread, on a private two-page memory (the module's static data may use the first
 * page, the output goes to the second). `heapDrawKernel`: the emulator's own instance on its heap (adds `row`).
 */
import { cubaWasmModule, type KernelChoice } from './cuba-wasm.js';
import type { WasmHeap } from './heap.js';

export interface DrawKernel {
  /**
   * Lists in `out` the offsets j < n of the synapses first + j whose draw (prefix, first + j, ks) passes the biased
   * threshold tb (see delivery.ts); returns how many. n ≤ capacity.
   */
  readonly blankout: (prefix: number, first: number, n: number, ks: number, tb: number, at: number) => number;
  /** Writes the draws (prefix, first + j, ks), j < n ≤ capacity, to `out` (int32 holding the uint32 bits). */
  readonly draws: (prefix: number, first: number, n: number, ks: number, at: number) => void;
  /**
   * Only on the emulator's own heap (`heapDrawKernel`): a contiguous blank-out row delivered in place — the ring
   * cells at byte address `ring` on, the weights at `weights` on, both on that heap; returns how many passed.
   */
  readonly row: ((prefix: number, first: number, n: number, ks: number, tb: number, ring: number, weights: number, scale: number) => number) | null;
  readonly out: Int32Array;
  /** Byte address of `out` in the instance's memory (the `at` of `blankout` and `draws`). */
  readonly at: number;
  readonly capacity: number;
}

/** Runs shorter than this keep the TypeScript loop (a call into WebAssembly costs about as much as a few draws). */
export const BULK_DRAWS = 16;

const PAGE = 65536;
let instance: DrawKernel | null | undefined;

/** This thread's kernel, or null with `kernels: 'ts'`, or when the module is not built or this runtime rejects it. */
export function drawKernel(choice: KernelChoice): DrawKernel | null {
  if (choice === 'ts') return null;
  if (instance !== undefined) return instance;
  const module = cubaWasmModule();
  if (module === null) return (instance = null);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as DrawExports;
  primeCallSites(module);
  instance = { blankout: e.blankoutPass, draws: e.drawRun, row: null, out: new Int32Array(memory.buffer, PAGE, PAGE / 4), at: PAGE, capacity: PAGE / 4 };
  return instance;
}

/** The exports of the module this file uses (any instance of it: cuba-wasm.ts `instantiateCuba` gives them too). */
export interface DrawExports {
  readonly blankoutPass: DrawKernel['blankout'];
  readonly drawRun: DrawKernel['draws'];
  readonly blankoutRow: NonNullable<DrawKernel['row']>;
}

/**
 * The draw kernel of an emulator whose rings and weights live on `heap` (the instance `exports` is bound to it):
 * as `drawKernel`, with its output on that heap, plus `row` (blank-out rows delivered in place).
 */
export function heapDrawKernel(exports: DrawExports, heap: WasmHeap): DrawKernel {
  const module = cubaWasmModule();
  if (module !== null) primeCallSites(module);
  const out = heap.int32(PAGE / 4);
  return { blankout: exports.blankoutPass, draws: exports.drawRun, row: exports.blankoutRow, out, at: out.byteOffset, capacity: PAGE / 4 };
}

// The one call site of each export (delivery.ts and learning/engine.ts call through these). Every emulator with a
// heap has its own instance, i.e. new functions; `primeCallSites` has these sites see several targets first, so V8
// does not bail out of code optimised for the previous emulator's (as cuba-wasm.ts does for the kernel).

export function runBlankout(k: DrawKernel, prefix: number, first: number, n: number, ks: number, tb: number): number {
  return k.blankout(prefix, first, n, ks, tb, k.at);
}

export function runDraws(k: DrawKernel, prefix: number, first: number, n: number, ks: number): void {
  k.draws(prefix, first, n, ks, k.at);
}

export function runBlankoutRow(k: DrawKernel, prefix: number, first: number, n: number, ks: number, tb: number, ring: number, weights: number, scale: number): number {
  return k.row!(prefix, first, n, ks, tb, ring, weights, scale);
}

let primed = false;

/** Once per thread: calls the three sites with throw-away instances (n = 0: nothing happens) until V8 has their feedback. */
function primeCallSites(module: WebAssembly.Module): void {
  if (primed) return;
  primed = true;
  const kernels = [0, 1, 2].map((): DrawKernel => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const e = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as DrawExports;
    return { blankout: e.blankoutPass, draws: e.drawRun, row: e.blankoutRow, out: new Int32Array(memory.buffer, PAGE, 4), at: PAGE, capacity: 4 };
  });
  for (let k = 0; k < 64; k++) {
    const dk = kernels[k % 3]!;
    runBlankout(dk, 0, 0, 0, 0, 0);
    runDraws(dk, 0, 0, 0, 0);
    runBlankoutRow(dk, 0, 0, 0, 0, 0, PAGE, PAGE, 1);
  }
}
