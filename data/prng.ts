/**
 * A small seeded PRNG (mulberry32) for the fixed data split and the float baseline's initialisation and shuffles.
 * It is NOT the emulator's counter-based PRNG: encoders take that one as a `uniform(step, index)` function.
 * Every operation is a 32-bit integer op (Math.imul, >>>), so the stream is identical on every machine.
 */

export type Rng32 = () => number;

/** mulberry32 (Tommy Ettinger): a 32-bit state, period 2^32; returns integers in [0, 2^32). */
export function mulberry32(seed: number): Rng32 {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A double in [0, 1) with 32 random bits (exact: u / 2^32). */
export function unitFloat(rng: Rng32): number {
  return rng() / 4294967296;
}

/** An integer in [0, n) for n ≤ 2^21: floor(u·n / 2^32), exact in doubles (u·n < 2^53). */
export function belowInt(rng: Rng32, n: number): number {
  return Math.floor((rng() * n) / 4294967296);
}

/** In-place Fisher–Yates shuffle from the end: for i = n−1 … 1, swap a[i] with a[belowInt(i+1)]. */
export function shuffleInPlace(a: { length: number; [i: number]: number }, rng: Rng32): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = belowInt(rng, i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** A standard normal draw (Box–Muller on two 32-bit uniforms); used only for float initialisation. */
export function normal(rng: Rng32): number {
  const u1 = (rng() + 1) / 4294967297; // (0, 1], avoids log(0)
  const u2 = rng() / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
