/**
 * `prng.draw(seed, step, core, index, stream)` split in two, for the learning engine's per-synapse loops: the
 * key words that are the same for every synapse of one step and core (seed, step, core) are mixed once into a
 * prefix, and each synapse then mixes only its own (index, stream) and the finaliser. The mixing is
 * MurmurHash3's block mix, applied word by word, so prefix-then-suffix gives exactly the bits of `draw` (checked
 * against it in tests/learning/perf-equivalence.test.ts). Kept here rather than in prng.ts because only the
 * engine's hot loops need it; the two must change together.
 */

function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The hash state after the key words (seed, step, core). */
export function drawPrefix(seed: number, step: number, core: number): number {
  let h = seed | 0;
  h = mixWord(h, step | 0);
  return mixWord(h, core | 0);
}

/** `draw(seed, step, core, index, stream)` given `drawPrefix(seed, step, core)`: one uint32. */
export function drawWithPrefix(prefix: number, index: number, stream: number): number {
  let h = mixWord(prefix, index | 0);
  h = mixWord(h, stream | 0) ^ 20; // 20 = key length in bytes, as in prng.draw
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
