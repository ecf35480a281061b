/**
 * Chip arithmetic rules: one small pure function per rule, shared by the emulator and the compiler's
 * discretiser (as nengo-loihi shares `decay_int`).
 *
 * All inputs and outputs are integers held in JS numbers. Products wider than 32 bits are computed as exact
 * doubles (exact while |value| < 2^53) and divided with Math.floor/Math.trunc — never with `>>`, which
 * truncates to 32 bits. `%` keeps the dividend's sign, so modular wraps add the modulus back.
 *
 * Width convention: `bits` is always the TOTAL width including the sign bit. DESIGN.md §5 writes
 * `wrap(x, b)` with b = bits − 1 ("b bits + sign"); golden README §5 writes `wrap(x, N)` with N = bits.
 */

/**
 * Two's-complement wrap to `bits` total bits: ((x + 2^(bits−1)) mod 2^bits) − 2^(bits−1).
 * Range: result in [−2^(bits−1), 2^(bits−1) − 1]; bits 1..52; |x| < 2^53.
 * Source: golden/loihi README §5 `wrap(x, N)`; nengo-loihi `overflow_signed(x, bits = N − 1)`.
 */
export function wrapSigned(x: number, bits: number): number {
  const half = 2 ** (bits - 1);
  if (x >= -half && x < half) return x; // fast path: nothing to wrap
  const m = half * 2;
  let r = (x + half) % m;
  if (r < 0) r += m;
  return r - half;
}

/** True iff x lies outside the `bits`-wide signed range (golden README §5 `ovf`). */
export function overflowsSigned(x: number, bits: number): boolean {
  const half = 2 ** (bits - 1);
  return x < -half || x >= half;
}

/** Clamp x to [lo, hi] (lo ≤ hi). Source: DESIGN.md §5 `clamp`, NSAT state clip. */
export function saturate(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Saturate x to the `bits`-wide signed range [−2^(bits−1), 2^(bits−1) − 1]. */
export function saturateSigned(x: number, bits: number): number {
  const half = 2 ** (bits - 1);
  return x < -half ? -half : x >= half ? half - 1 : x;
}

/**
 * Loihi 12-bit multiplicative decay toward zero: sign(x) · floor(|x| · (4096 − offset − d) / 4096).
 * d: decay register 0..4095; offset: 1 for the current u, 0 for the voltage v; |x| < 2^40 keeps the product
 * below 2^52 (exact). Rounds toward zero for negative x (NOT an arithmetic shift).
 * Source: nengo-loihi `discretize.decay_int`; research/chips.md §1.2; golden README §5.
 */
export function decayLoihi(x: number, d: number, offset: number): number {
  const r = 4096 - offset - d;
  if (x >= 0) return Math.floor((x * r) / 4096);
  return 0 - Math.floor((-x * r) / 4096); // 0 − … avoids −0
}

/**
 * Round half to even (numpy `np.round`, banker's rounding): 0.5 → 0, 1.5 → 2, 2.5 → 2, −0.5 → −0 → 0.
 * Exact for any double whose fractional part is representable (all the k/2^s values used here).
 */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f + 0; // +0 turns −0 into 0
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f + 0 : f + 1;
}

/** Real weight bits for each Loihi `wgtBits` register field 0..7 (nengo-loihi `WEIGHT_BITS_MAP`). */
export const LOIHI_WEIGHT_BITS_MAP: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 8];

/** A discretised Loihi weight: accumulator value = mant · 2^shift (shift ≥ 0). */
export interface LoihiWeight {
  /** Stored integer. */
  readonly mant: number;
  /** Left shift applied on delivery (6 + remaining exponent). */
  readonly shift: number;
  /** Accumulator units, mant · 2^shift. */
  readonly acc: number;
  /** The lossy path ran (s + weightExp < 0: "Lost K extra bits in weight rounding"). */
  readonly lossy: boolean;
}

/**
 * nengo-loihi `discretize_weights` (lossy_shift = True) for one mantissa, golden README §4:
 * ```
 * real = WEIGHT_BITS_MAP[weightBits]; s = 8 − real + (mixed ? 1 : 0); m = 2^(8 − s) − 1
 * x = clip(roundHalfEven(w / 2^s), −m, m); s2 = s + weightExp
 * s2 ≥ 0: x = x·2^s2                       (returned as mant x, shift 6 + s2)
 * s2 < 0: k = −s2; x = clip(roundHalfEven(x / 2^k)·2^k, −m, m); x = floor(x / 2^k)   (mant x, shift 6)
 * acc = x · 2^6
 * ```
 * w: −256..255; weightExp −7..7 (also accepts −8); weightBits 1..7 (register field, not a bit count).
 */
export function discretizeWeightLoihiParts(
  w: number,
  weightExp: number,
  weightBits: number,
  mixedSign: boolean,
): LoihiWeight {
  const real = LOIHI_WEIGHT_BITS_MAP[weightBits];
  if (real === undefined || weightBits < 1) throw new Error(`weightBits ${weightBits} outside 1..7`);
  const s = 8 - real + (mixedSign ? 1 : 0);
  const m = 2 ** (8 - s) - 1;
  let x = saturate(roundHalfEven(w / 2 ** s), -m, m) + 0; // + 0: m = 0 would give −0
  const s2 = s + weightExp;
  if (s2 >= 0) {
    return { mant: x, shift: 6 + s2, acc: x * 2 ** (6 + s2), lossy: false };
  }
  const k = -s2;
  x = saturate(roundHalfEven(x / 2 ** k) * 2 ** k, -m, m);
  x = Math.floor(x / 2 ** k) + 0;
  return { mant: x, shift: 6, acc: x * 64, lossy: true };
}

/** Accumulator-unit weight (`weight_acc` of the golden cases); see `discretizeWeightLoihiParts`. */
export function discretizeWeightLoihi(w: number, weightExp: number, weightBits: number, mixedSign: boolean): number {
  return discretizeWeightLoihiParts(w, weightExp, weightBits, mixedSign).acc;
}

/**
 * NSAT `one_bit_shift(x, a)` (dynamics): for −16 < a < 0, floor(x / 2^−a) for x ≥ 0 and
 * (x + 2^−a − 1) >> −a (i.e. toward zero) for x < 0, and if that is 0 it returns sign(x) (a leak never vanishes);
 * for a ≥ 0, x · 2^a; for a ≤ −16 ("OFF"), 0. Source: nmi-lab/NSAT `src/nsat.c`, research/papers.md §1.10.
 * Examples: one_bit_shift(−5, −7) = −1; one_bit_shift(300, −7) = 2.
 */
export function oneBitShift(x: number, a: number): number {
  if (a <= -16) return 0;
  if (a >= 0) return x * 2 ** a;
  const p = 2 ** -a;
  const r = x >= 0 ? Math.floor(x / p) : Math.floor((x + p - 1) / p);
  return r === 0 ? Math.sign(x) + 0 : r;
}

/**
 * NSAT `zero_bit_shift(x, a)` (learning, input gain): a < 0 → sign(x) · floor(|x| / 2^−a) (toward zero);
 * a ≥ 0 → x · 2^a. Example: zero_bit_shift(−300, −7) = −2. Source: NSAT `src/nsat.c`.
 */
export function zeroBitShift(x: number, a: number): number {
  if (a >= 0) return x * 2 ** a;
  const p = 2 ** -a;
  return x >= 0 ? Math.floor(x / p) : -Math.floor(-x / p);
}

/**
 * Hot-loop form of `zeroBitShift(x, a)` with scale = 2^a computed once (e.g. per compartment group). Equivalent
 * to `zeroBitShift` for every integer |x| < 2^53 and −60 ≤ a ≤ 60, including the sign of a zero result
 * (tests/emulator/arith-fast.test.ts): multiplying by a power of two only changes the exponent, so x·2^a is
 * exact and its truncation is sign(x)·floor(|x| / 2^−a); for a ≥ 0 it is the integer x·2^a itself.
 */
export function zeroBitShiftScaled(x: number, scale: number): number {
  return Math.trunc(x * scale);
}

/**
 * Hot-loop form of `oneBitShift(x, −s)` for an int32 x and 1 ≤ s ≤ 15 (the leak shifts that are not OFF), in
 * int32 operations only. Equivalent to `oneBitShift` on that domain (tests/emulator/arith-fast.test.ts): adding
 * 2^s − 1 to a negative x before the floor shift rounds toward zero (no int32 overflow: x < 0 and 2^s − 1 > 0),
 * and a zero quotient becomes sign(x), written (x >> 31) | ((0 − x) >>> 31).
 */
export function oneBitShiftRight(x: number, s: number): number {
  const r = (x + ((x >> 31) & ((1 << s) - 1))) >> s;
  return r !== 0 ? r : (x >> 31) | ((0 - x) >>> 31);
}

/**
 * NSAT randomized rounding of a weight increment: rr(dw, n) = (dw >> n) + (draw mod 2^n < (dw & (2^n − 1))).
 * dw >> n is an arithmetic shift (floor), so E[rr] = dw / 2^n also for negative dw. `draw` is a uint32 from the
 * counter-based PRNG; its low n bits are the uniform integer in [0, 2^n). n: 0..31.
 * Example: rr(1500, 10) = 1 + Bernoulli(476/1024). Source: NSAT `src/nsat.c`, research/papers.md §1.10.
 */
export function rr(dw: number, n: number, draw: number): number {
  if (n <= 0) return dw;
  const p = 2 ** n;
  const q = Math.floor(dw / p);
  const frac = dw - q * p; // dw & (2^n − 1), in [0, 2^n)
  const u = (draw >>> 0) % p;
  return q + (u < frac ? 1 : 0);
}

/**
 * Shift leak: x − (x >> k), the arithmetic shift computed as floor(x / 2^k) (exact for |x| < 2^53).
 * With `neverZero`, the leak term uses NSAT's one_bit_shift rule (toward zero, never rounding to 0 while x ≠ 0),
 * so a nonzero state always moves toward 0. k: 0..31 (k = 0 leaks everything).
 */
export function shiftLeak(x: number, k: number, neverZero: boolean): number {
  const p = 2 ** k;
  if (!neverZero) return x - Math.floor(x / p);
  const leak = Math.trunc(x / p); // equals NSAT one_bit_shift(x, −k) for 0 < k < 16
  return x - (leak === 0 ? Math.sign(x) : leak);
}

/** Linear leak toward zero: x − λ for x > 0, x + λ for x < 0, never crossing 0 (λ ≥ 0). TrueNorth/ODIN. */
export function linearLeak(x: number, lambda: number): number {
  if (x > 0) return x > lambda ? x - lambda : 0;
  if (x < 0) return -x > lambda ? x + lambda : 0;
  return 0;
}

/**
 * Stochastic rounding of a fixed-point value with `fracBits` fractional bits to an integer:
 * floor(value / 2^fracBits) + Bernoulli(frac / 2^fracBits), with the uniform integer taken from the low
 * `fracBits` bits of the uint32 `draw`. Unbiased: E = value / 2^fracBits. value integer, fracBits 0..31.
 */
export function stochasticRound(value: number, fracBits: number, draw: number): number {
  return rr(value, fracBits, draw);
}
