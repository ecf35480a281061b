/**
 * A bump allocator over one shared `WebAssembly.Memory`: the emulator's run-time arrays (state, delay rings,
 * weights, spike buffers) are typed-array views on it, so the WebAssembly kernels read and write them in place —
 * no copy per step. The memory is shared (its buffer is a SharedArrayBuffer), which gives two properties used
 * here: growing it never detaches the views made before (so allocation needs no size known in advance), and the
 * same memory can be handed to worker threads (emulator/parallel/), each instantiating the kernel on it and
 * allocating its own tables from the shared bump pointer. Allocation happens at set-up only; nothing is ever freed
 * (a heap lives as long as its emulator).
 */

import type { ArrayAllocator } from '../../state.js';

const PAGE = 65536;
/** WebAssembly's 32-bit address space in pages (4 GiB); also the kernel's declared maximum (asconfig.json). */
export const MAX_PAGES = 65536;

export class WasmHeap implements ArrayAllocator {
  readonly memory: WebAssembly.Memory;
  /**
   * The next free byte, kept in the memory's first word so that every thread attached to the memory allocates
   * from the same pointer (`Atomics.add`). The first page stays otherwise unused (address 0 is never an array).
   */
  private readonly top: Uint32Array;

  /** A new memory, or (`memory` given) the heap of a memory another thread created — e.g. in a worker. */
  constructor(memory?: WebAssembly.Memory) {
    this.memory = memory ?? new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    this.top = new Uint32Array(this.memory.buffer, 0, 1);
    if (memory === undefined) Atomics.store(this.top, 0, PAGE);
  }

  /** Reserves n bytes aligned to 16 (a v128), zero-filled (fresh pages are zero and nothing is reused). */
  alloc(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 0) / 16) * 16;
    const at = Atomics.add(this.top, 0, size);
    const end = at + size;
    if (end > MAX_PAGES * PAGE) throw new RangeError(`WebAssembly heap: ${end} bytes exceed the 4 GiB address space`);
    // Another thread may grow concurrently; growing more than needed is harmless.
    for (let have = this.memory.buffer.byteLength; end > have; have = this.memory.buffer.byteLength) {
      const pages = Math.ceil((end - have) / PAGE);
      this.memory.grow(Math.min(Math.max(pages, have / PAGE), MAX_PAGES - have / PAGE)); // at least double: few grows
    }
    return at;
  }

  int32(n: number): Int32Array {
    const at = this.alloc(4 * n); // first: a grow replaces `memory.buffer`
    return new Int32Array(this.memory.buffer, at, n);
  }

  uint16(n: number): Uint16Array {
    const at = this.alloc(2 * n);
    return new Uint16Array(this.memory.buffer, at, n);
  }

  uint8(n: number): Uint8Array {
    const at = this.alloc(n);
    return new Uint8Array(this.memory.buffer, at, n);
  }

  float64(n: number): Float64Array {
    const at = this.alloc(8 * n);
    return new Float64Array(this.memory.buffer, at, n);
  }

  /**
   * An allocator for `newCoreRuntime` that puts the delay rings of all `cores` side by side (allocated here,
   * first): synaptic delivery writes to scattered cells of every ring, and one compact region keeps those
   * writes within fewer cache lines' neighbourhoods and pages. `ringLength(i)` is core i's ring length.
   */
  coreAllocator(cores: number, ringLength: (index: number) => number): ArrayAllocator {
    const rings = Array.from({ length: cores }, (_, i) => this.float64(ringLength(i)));
    return {
      int32: (n) => this.int32(n),
      float64: (n) => this.float64(n),
      ring: (index, n) => {
        const r = rings[index]!;
        if (r.length !== n) throw new Error(`WebAssembly heap: ring ${index} has ${r.length} cells, ${n} wanted`);
        return r;
      },
    };
  }
}
