/**
 * The chip's counter-based pseudo-random generator. Every random draw (blank-out, stochastic rounding, Poisson
 * and label sources, noise) is a pure function of its key (seed, step, core, index, stream): no state, so the
 * order in which events are processed, and the number of workers, cannot change any result.
 *
 * Construction: MurmurHash3 (x86, 32-bit) of the five 32-bit key words, i.e. five rounds of its block mix
 * followed by its finaliser `fmix32`, all with Math.imul so every operation is exact 32-bit integer arithmetic.
 * This is a hash, not a cryptographic generator; its statistical quality (avalanche of fmix32) is ample for
 * Bernoulli and rounding draws and is checked by tests (tests/emulator/prng.test.ts).
 *
 * NOT EMULATED: the actual LFSRs of Loihi or NSAT's PCG32, so noisy runs are reproducible here but do not
 * match those chips draw for draw (neither does nengo-loihi's own emulator; golden README §7.5).
 */

/** Stream ids: separate the purposes that may share a (step, core, index) key. */
export const STREAM_BLANKOUT = 1;
export const STREAM_POISSON = 2;
export const STREAM_LABEL = 3;
export const STREAM_STOCHASTIC_ROUND = 4;
export const STREAM_NOISE = 5;
/** First stream id free for the learning engine's own purposes (traces etc.). */
export const STREAM_LEARNING_BASE = 16;

/** Core key used for draws of host-side sources: SOURCE_CORE + source index (never a real core index). */
export const SOURCE_CORE = 0x40000000;

function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * One uint32 draw for the key (seed, step, core, index, stream). All arguments are taken modulo 2^32.
 * Same key → same value, on every machine.
 */
export function draw(seed: number, step: number, core: number, index: number, stream: number): number {
  return drawWithPrefix(drawPrefix(seed, step, core), index, stream);
}

/**
 * `draw` split in two for hot loops: the key words shared by every event of one step and core (seed, step,
 * core) are mixed once into a prefix; each event then mixes only its (index, stream) and the finaliser. The
 * mixing is MurmurHash3's block mix applied word by word, so prefix-then-suffix is exactly `draw`.
 */
export function drawPrefix(seed: number, step: number, core: number): number {
  return mixWord(mixWord(seed | 0, step | 0), core | 0);
}

/** `draw(seed, step, core, index, stream)` given `drawPrefix(seed, step, core)`. */
export function drawWithPrefix(prefix: number, index: number, stream: number): number {
  return fmix32(mixWord(mixWord(prefix, index | 0), stream | 0) ^ 20); // 20 = key length in bytes (MurmurHash3)
}

/**
 * MurmurHash3's scramble of one key word (`mixWord` before it touches the hash). It depends on the word alone,
 * so a loop whose draws share a stream scrambles the stream word once (`drawWithStreamKey`).
 */
export function streamKey(stream: number): number {
  let k = Math.imul(stream | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/**
 * `drawWithPrefix(prefix, index, stream)` given ks = `streamKey(stream)`, as an int32 holding the same 32 bits
 * (`>>> 0` gives the uint32; hot loops compare it biased, see delivery.ts). Written out so the loop that calls it
 * has no function boundary and no uint32-as-double result.
 */
export function drawWithStreamKey(prefix: number, index: number, ks: number): number {
  let k = Math.imul(index | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = prefix ^ k;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= ks;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 20;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** 2^32: a threshold that every uint32 draw is below ("always"). */
export const ALWAYS = 4294967296;

/**
 * Integer threshold for an event of probability p (0..1): the event happens iff draw < threshold, so its
 * probability is exactly threshold / 2^32. p = 1 gives 2^32 (always), p = 0 gives 0 (never).
 */
export function bernoulliThreshold(p: number): number {
  if (!(p > 0)) return 0;
  if (p >= 1) return ALWAYS;
  return Math.min(ALWAYS - 1, Math.round(p * ALWAYS));
}

/** Uniform integer in [0, n) from a uint32 draw (n ≥ 1), by multiply-high: floor(draw · n / 2^32). */
export function uniformInt(drawValue: number, n: number): number {
  return Math.floor((drawValue * n) / ALWAYS);
}
