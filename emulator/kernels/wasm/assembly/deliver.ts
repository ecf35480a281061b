/**
 * AssemblyScript source of the flat synaptic delivery (host side: emulator/delivery.ts `FanOut`, whose JS loop
 * `deliverFlat` is the reference and the fallback). Same module and memory as the cuba kernel.
 *
 * Per spike: the neuron's row of the dense neuron × core synapse-count table (bytes, row stride a multiple of 16)
 * is added to the per-core event counts (int32) sixteen cores at a time; then each of its (arena cell, contribution)
 * int32 pairs adds the contribution to the f64 ring cell at byte address 8 · cell. The ring sums are exact
 * integers in doubles, so the order of the additions does not matter.
 */
export function deliverFlat(ids: usize, count: i32, flatOf: usize, pairs: usize, row: usize, stride: i32, events: usize): void {
  memory.fill(events, 0, (<usize>stride) << 2);
  for (let s = 0; s < count; s++) {
    const id = load<i32>(ids + ((<usize>s) << 2));
    const r = row + <usize>id * <usize>stride;
    for (let c = 0; c < stride; c += 16) {
      const b = v128.load(r + <usize>c);
      const lo = i16x8.extend_low_i8x16_u(b);
      const hi = i16x8.extend_high_i8x16_u(b);
      const a = events + ((<usize>c) << 2);
      v128.store(a, i32x4.add(v128.load(a), i32x4.extend_low_i16x8_u(lo)));
      v128.store(a, i32x4.add(v128.load(a, 16), i32x4.extend_high_i16x8_u(lo)), 16);
      v128.store(a, i32x4.add(v128.load(a, 32), i32x4.extend_low_i16x8_u(hi)), 32);
      v128.store(a, i32x4.add(v128.load(a, 48), i32x4.extend_high_i16x8_u(hi)), 48);
    }
    const end = pairs + ((<usize>load<i32>(flatOf + ((<usize>(id + 1)) << 2))) << 2);
    for (let w = pairs + ((<usize>load<i32>(flatOf + ((<usize>id) << 2))) << 2); w < end; w += 8) {
      const cell = (<usize>load<i32>(w)) << 3;
      store<f64>(cell, load<f64>(cell) + <f64>load<i32>(w, 4));
    }
  }
}

/**
 * `deliverFlat` for networks where some neuron has more than 255 synapses on one core: the count table holds
 * uint16 (row stride 2 · stride bytes), added to the per-core event counts eight cores at a time.
 */
export function deliverFlat16(ids: usize, count: i32, flatOf: usize, pairs: usize, row: usize, stride: i32, events: usize): void {
  memory.fill(events, 0, (<usize>stride) << 2);
  for (let s = 0; s < count; s++) {
    const id = load<i32>(ids + ((<usize>s) << 2));
    const r = row + ((<usize>id * <usize>stride) << 1);
    for (let c = 0; c < stride; c += 8) {
      const b = v128.load(r + ((<usize>c) << 1));
      const a = events + ((<usize>c) << 2);
      v128.store(a, i32x4.add(v128.load(a), i32x4.extend_low_i16x8_u(b)));
      v128.store(a, i32x4.add(v128.load(a, 16), i32x4.extend_high_i16x8_u(b)), 16);
    }
    const end = pairs + ((<usize>load<i32>(flatOf + ((<usize>(id + 1)) << 2))) << 2);
    for (let w = pairs + ((<usize>load<i32>(flatOf + ((<usize>id) << 2))) << 2); w < end; w += 8) {
      const cell = (<usize>load<i32>(w)) << 3;
      store<f64>(cell, load<f64>(cell) + <f64>load<i32>(w, 4));
    }
  }
}
