/**
 * Host side of the WebAssembly blank-out test (assembly/blankout.ts, in the same module as the cuba kernel): for a
 * row of consecutive synapses, the chip's keyed draws four at a time and the list of the synapses that transmit.
 * Used by delivery.ts `deliverAxon` for rows of at least BULK_BLANKOUT synapses; the TypeScript loop there is the
 * reference and the fallback, and both give the same transmitting synapses, bit for bit
 * (tests/emulator/blankout-wasm.test.ts). Why: on blank-out rows the draw (a MurmurHash3 per synapse) was most of
 * delivery's cost, and the transmitting list lets the ring update skip the blanked synapses without a branch per
 * synapse (docs/performance.md, eighth pass).
 *
 * One instance per thread, on a private two-page memory: the module's static data may use the first page, the
 * list goes to the second.
 */
import { cubaWasmModule, type KernelChoice } from './cuba-wasm.js';

export interface BlankoutKernel {
  /**
   * Lists in `out` the offsets j < n of the synapses first + j whose draw (prefix, first + j, ks) passes the biased
   * threshold tb (see delivery.ts); returns how many. n ≤ capacity.
   */
  readonly run: (prefix: number, first: number, n: number, ks: number, tb: number, at: number) => number;
  readonly out: Int32Array;
  /** Byte address of `out` in the instance's memory (the `at` of `run`). */
  readonly at: number;
  readonly capacity: number;
}

/** Rows shorter than this keep the TypeScript loop (a call into WebAssembly costs about as much as a few draws). */
export const BULK_BLANKOUT = 16;

const PAGE = 65536;
let instance: BlankoutKernel | null | undefined;

/** This thread's kernel, or null with `kernels: 'ts'`, or when the module is not built or this runtime rejects it. */
export function blankoutKernel(choice: KernelChoice): BlankoutKernel | null {
  if (choice === 'ts') return null;
  if (instance !== undefined) return instance;
  const module = cubaWasmModule();
  if (module === null) return (instance = null);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as { blankoutPass: BlankoutKernel['run'] };
  instance = { run: exports.blankoutPass, out: new Int32Array(memory.buffer, PAGE, PAGE / 4), at: PAGE, capacity: PAGE / 4 };
  return instance;
}
