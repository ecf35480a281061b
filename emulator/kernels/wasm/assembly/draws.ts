/**
 * AssemblyScript source of the chip's keyed draws for a run of consecutive indices, four at a time (host side:
 * ../draws-wasm.ts). emulator/prng.ts `drawWithStreamKey` is the reference: MurmurHash3 x86-32 of the key words,
 * the (seed, step, core) words already mixed into `prefix`, the stream word's scramble `ks` given. Two uses:
 * `blankoutPass` (delivery.ts `deliverAxon`) lists the synapses of a row that transmit — draw < threshold, compared
 * as (draw XOR 2^31) < tb signed with tb = threshold − 2^31, as delivery.ts does — and `drawRun` writes the draws
 * themselves (the learning engine's stochastic rounding, learning/engine.ts `updateOpen`). Every operation is
 * 32-bit integer arithmetic (i32x4.mul keeps the low 32 bits of the product, as Math.imul), so each lane computes
 * exactly the scalar function.
 */

@inline function rotl4(x: v128, r: i32): v128 {
  return v128.or(i32x4.shl(x, r), i32x4.shr_u(x, 32 - r));
}

/**
 * Four draws for the indices in `idx` (MurmurHash3's block mix of the index and stream words, then fmix32);
 * p = splat(prefix), k2 = splat(ks).
 */
@inline function hash4(idx: v128, p: v128, k2: v128): v128 {
  const add = i32x4.splat(0xe6546b64);
  const k = i32x4.mul(rotl4(i32x4.mul(idx, i32x4.splat(0xcc9e2d51)), 15), i32x4.splat(0x1b873593));
  let h = rotl4(v128.xor(p, k), 13);
  h = i32x4.add(i32x4.add(i32x4.shl(h, 2), h), add); // h · 5 + c, the product as a shift and an add
  h = rotl4(v128.xor(h, k2), 13);
  h = i32x4.add(i32x4.add(i32x4.shl(h, 2), h), add);
  h = v128.xor(h, i32x4.splat(20));
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(0x85ebca6b));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(0xc2b2ae35));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/** The scalar draw (for the last n mod 4 synapses). */
function drawOne(prefix: i32, index: i32, ks: i32): i32 {
  let k = index * 0xcc9e2d51;
  k = rotl<i32>(k, 15);
  k = k * 0x1b873593;
  let h = prefix ^ k;
  h = rotl<i32>(h, 13);
  h = h * 5 + 0xe6546b64;
  h ^= ks;
  h = rotl<i32>(h, 13);
  h = h * 5 + 0xe6546b64;
  h ^= 20;
  h ^= <i32>(<u32>h >> 16);
  h = h * 0x85ebca6b;
  h ^= <i32>(<u32>h >> 13);
  h = h * 0xc2b2ae35;
  return h ^ <i32>(<u32>h >> 16);
}

/**
 * Writes to out[0 …) the offsets j < n (ascending) of the synapses first + j that transmit; returns their number.
 * The offsets are stored branch-free (each lane's offset is written, the count advances only if it passes).
 */
export function blankoutPass(prefix: i32, first: i32, n: i32, ks: i32, tb: i32, out: usize): i32 {
  const p = i32x4.splat(prefix);
  const k2 = i32x4.splat(ks);
  const bias = i32x4.splat(0x80000000);
  const thr = i32x4.splat(tb);
  const four = i32x4.splat(4);
  let idx = i32x4(first, first + 1, first + 2, first + 3);
  let count = 0;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const m = i32x4.bitmask(i32x4.lt_s(v128.xor(hash4(idx, p, k2), bias), thr));
    store<i32>(out + ((<usize>count) << 2), j);
    count += m & 1;
    store<i32>(out + ((<usize>count) << 2), j + 1);
    count += (m >> 1) & 1;
    store<i32>(out + ((<usize>count) << 2), j + 2);
    count += (m >> 2) & 1;
    store<i32>(out + ((<usize>count) << 2), j + 3);
    count += (m >> 3) & 1;
    idx = i32x4.add(idx, four);
  }
  for (; j < n; j++) {
    store<i32>(out + ((<usize>count) << 2), j);
    count += <i32>((drawOne(prefix, first + j, ks) ^ 0x80000000) < tb);
  }
  return count;
}

/** out[j] = the draw for index first + j (j < n), as an int32 holding the uint32 bits. */
export function drawRun(prefix: i32, first: i32, n: i32, ks: i32, out: usize): void {
  const p = i32x4.splat(prefix);
  const k2 = i32x4.splat(ks);
  const four = i32x4.splat(4);
  let idx = i32x4(first, first + 1, first + 2, first + 3);
  let j = 0;
  // two vectors per iteration: the hash is a long dependent chain, two independent ones keep the units busy
  for (; j + 8 <= n; j += 8) {
    v128.store(out + ((<usize>j) << 2), hash4(idx, p, k2));
    v128.store(out + ((<usize>j) << 2), hash4(i32x4.add(idx, four), p, k2), 16);
    idx = i32x4.add(idx, i32x4.splat(8));
  }
  for (; j + 4 <= n; j += 4) {
    v128.store(out + ((<usize>j) << 2), hash4(idx, p, k2));
    idx = i32x4.add(idx, four);
  }
  for (; j < n; j++) store<i32>(out + ((<usize>j) << 2), drawOne(prefix, first + j, ks));
}

/** ring[0..3] += weight[0..3] · scale for the lanes of `pass` (the others add +0): f64 cells, int32 weights. */
@inline function addMasked(a: usize, weights: usize, pass: v128, sc: v128): void {
  const w = v128.and(v128.load(weights), pass); // blanked weights → 0
  v128.store(a, f64x2.add(v128.load(a), f64x2.mul(f64x2.convert_low_i32x4_s(w), sc)));
  v128.store(a, f64x2.add(v128.load(a, 16), f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(w, w, 2, 3, 0, 1)), sc)), 16);
}

/**
 * A contiguous blank-out row delivered in place (rows whose ring cells are consecutive within one slot, delivery.ts
 * `CoreDelivery.contiguous`): for j < n, the f64 ring cell at ring + 8j gets weight[j] · scale added (the int32
 * weight at weights + 4j) if the draw of synapse first + j passes — the same sum as delivery.ts's loop, which adds
 * w · pass · scale (a blanked synapse adds ±0, leaving the cell unchanged; here it adds +0). Returns how many passed.
 */
export function blankoutRow(prefix: i32, first: i32, n: i32, ks: i32, tb: i32, ring: usize, weights: usize, scale: f64): i32 {
  const p = i32x4.splat(prefix);
  const k2 = i32x4.splat(ks);
  const bias = i32x4.splat(0x80000000);
  const thr = i32x4.splat(tb);
  const four = i32x4.splat(4);
  const sc = f64x2.splat(scale);
  let idx = i32x4(first, first + 1, first + 2, first + 3);
  let sent = 0;
  let j = 0;
  // two vectors per iteration (as in `drawRun`)
  for (; j + 8 <= n; j += 8) {
    const pass0 = i32x4.lt_s(v128.xor(hash4(idx, p, k2), bias), thr);
    const pass1 = i32x4.lt_s(v128.xor(hash4(i32x4.add(idx, four), p, k2), bias), thr);
    sent += <i32>popcnt(i32x4.bitmask(pass0) | (i32x4.bitmask(pass1) << 4));
    addMasked(ring + ((<usize>j) << 3), weights + ((<usize>j) << 2), pass0, sc);
    addMasked(ring + ((<usize>(j + 4)) << 3), weights + ((<usize>(j + 4)) << 2), pass1, sc);
    idx = i32x4.add(idx, i32x4.splat(8));
  }
  for (; j + 4 <= n; j += 4) {
    const pass = i32x4.lt_s(v128.xor(hash4(idx, p, k2), bias), thr);
    sent += <i32>popcnt(i32x4.bitmask(pass));
    addMasked(ring + ((<usize>j) << 3), weights + ((<usize>j) << 2), pass, sc);
    idx = i32x4.add(idx, four);
  }
  for (; j < n; j++) {
    if ((drawOne(prefix, first + j, ks) ^ 0x80000000) < tb) {
      const a = ring + ((<usize>j) << 3);
      store<f64>(a, load<f64>(a) + <f64>load<i32>(weights + ((<usize>j) << 2)) * scale);
      sent++;
    }
  }
  return sent;
}
