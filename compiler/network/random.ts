/**
 * Deterministic random numbers for building networks (connectivity and initial weights) at compile time.
 * Counter-based (a pure function of (seed, stream, index)), so a synapse's weight does not depend on the order
 * in which synapses are generated, and the float reference and the compiler see identical networks.
 * (The chip's own run-time PRNG lives in emulator/prng.ts; this one never reaches the emulator.)
 */

/** A 32-bit mixing hash (splitmix32-style finaliser); full avalanche on every input bit. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** uint32 keyed by (seed, stream, index). */
export function hash3(seed: number, stream: number, index: number): number {
  return mix32(mix32(mix32(seed >>> 0) ^ (stream >>> 0)) ^ (index >>> 0));
}

/** Uniform double in [0, 1) with 53 random bits. */
export function uniform01(seed: number, stream: number, index: number): number {
  const hi = hash3(seed, stream, 2 * index) >>> 5; // 27 bits
  const lo = hash3(seed, stream, 2 * index + 1) >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Standard normal via Box–Muller on two keyed uniforms. */
export function normal01(seed: number, stream: number, index: number): number {
  const u1 = 1 - uniform01(seed, stream, 2 * index); // (0, 1]
  const u2 = uniform01(seed, stream, 2 * index + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A stable 32-bit hash of a string (FNV-1a), for deriving per-projection seeds from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Streams keep the draws of different purposes independent under one seed. */
export const STREAM = {
  connect: 1,
  weight: 2,
  initialState: 3,
} as const;
