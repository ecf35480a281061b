/**
 * Host side of the WebAssembly keyed draws (assembly/draws.ts, in the same module as the cuba kernel): the chip's
 * draws (`prng.drawWithStreamKey`) for a run of consecutive indices, four at a time — ≈ 1.3 ns per draw against
 * ≈ 3.5–4 ns in TypeScript on the development machine. Used where a loop draws once per synapse of a row:
 * blank-out delivery (delivery.ts `deliverAxon`, which gets the list of transmitting synapses) and the learning
 * engine's stochastic rounding (learning/engine.ts `updateOpen`, which gets the draws). The TypeScript loops stay the
 * reference and the fallback; the bits are the same (tests/emulator/draws-wasm.test.ts).
 *
 * One instance per thread, on a private two-page memory: the module's static data may use the first page, the
 * output goes to the second.
 */
import { cubaWasmModule, type KernelChoice } from './cuba-wasm.js';

export interface DrawKernel {
  /**
   * Lists in `out` the offsets j < n of the synapses first + j whose draw (prefix, first + j, ks) passes the biased
   * threshold tb (see delivery.ts); returns how many. n ≤ capacity.
   */
  readonly blankout: (prefix: number, first: number, n: number, ks: number, tb: number, at: number) => number;
  /** Writes the draws (prefix, first + j, ks), j < n ≤ capacity, to `out` (int32 holding the uint32 bits). */
  readonly draws: (prefix: number, first: number, n: number, ks: number, at: number) => void;
  readonly out: Int32Array;
  /** Byte address of `out` in the instance's memory (the `at` of both functions). */
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
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as { blankoutPass: DrawKernel['blankout']; drawRun: DrawKernel['draws'] };
  instance = { blankout: e.blankoutPass, draws: e.drawRun, out: new Int32Array(memory.buffer, PAGE, PAGE / 4), at: PAGE, capacity: PAGE / 4 };
  return instance;
}
