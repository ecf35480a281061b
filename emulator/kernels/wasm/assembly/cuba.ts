/**
 * AssemblyScript source of the WebAssembly SIMD kernel for the `cuba` LIF configuration (compiled by `asc`, see
 * ../asconfig.json; NOT part of the main `tsc` build). The TypeScript kernel `stepCubaLif` in ../../cuba.ts is the
 * reference: this file computes the same integers, compartment by compartment, in the same order of spikes.
 *
 * Groups with a dendrite (port 1, Loihi-decayed, unclamped: eRBP's neurons) update it in the same lanes
 * (`stepLifDendrite*`); it is independent of i and v, as in the TS kernel's `stepDendrite`.
 *
 * Four compartments per iteration in i32x4 lanes. The lanes take the fast arithmetic of the TS kernel (states
 * within ±2^19 decay by an exact int32 product and shift); a block of four where any lane needs a rare path
 * (a state at or beyond ±2^19, an input, current or voltage to wrap or saturate) is done by `scalarOne`, a
 * line-by-line port of the TS kernel with the wide arithmetic in f64, before anything of that block is stored. Spiking lanes are reset one by one
 * (spikes are rare), which also keeps the spike list in ascending compartment order.
 *
 * Memory is imported (the emulator's state arrays are views on it); the kernel allocates nothing.
 */

// Parameter block of one compartment group (i32 words at params + 4·index); written by ../cuba-wasm.ts.
const P_SIZE = 0;
const P_FIRST = 1;
const P_V = 2;
const P_I = 3;
const P_REF = 4;
const P_SPIKES = 5;
const P_STATS = 6;
const P_IN_LO = 7;
const P_IN_HI = 8;
const P_IN_WRAP = 9;
const P_IN_BITS = 10;
const P_I_LO = 11;
const P_I_HI = 12;
const P_I_WRAP = 13;
const P_I_BITS = 14;
const P_V_LO = 15;
const P_V_HI = 16;
const P_V_WRAP = 17;
const P_V_BITS = 18;
const P_RI0 = 19;
const P_RV0 = 20;
const P_STRICT = 21;
const P_RESET_MODE = 22;
const P_RESET_VALUE = 23;
const P_REFRACTORY_VALUE = 24;
const P_REG_I = 25;
const P_REG_V = 26;
const P_BIAS = 27;
const P_TH = 28;
const P_RD = 29;
/** Per compartment: the threshold as a strict one, θ for `gt`, θ − 1 for `ge` (see `bindCubaGroups`). */
const P_TH_GT = 30;
// The dendrite (groups with one: eRBP's hidden and prediction neurons; input on port 1): its state array, width,
// decay (4096 − offset, per-compartment registers) and the byte distance from a port-0 ring cell to its port-1 cell.
const P_D = 31;
const P_D_LO = 32;
const P_D_HI = 33;
const P_D_WRAP = 34;
const P_D_BITS = 35;
const P_RD0 = 36;
const P_REG_D = 37;
const P_PORT = 38;

// Wrap/saturation tallies of one call (written to the group's stats block at the end).
let inW: i32 = 0;
let inS: i32 = 0;
let iW: i32 = 0;
let iS: i32 = 0;
let vW: i32 = 0;
let vS: i32 = 0;
let dW: i32 = 0;
let dS: i32 = 0;

@inline function par(p: usize, k: i32): i32 {
  return load<i32>(p + ((<usize>k) << 2));
}

@inline function at(base: i32, k: i32): i32 {
  return load<i32>((<usize>base) + ((<usize>k) << 2));
}

/** arith.ts `wrapSigned` in doubles (exact for |x| < 2^53). */
function wrapF(x: f64, bits: i32): f64 {
  const half = Math.pow(2, <f64>(bits - 1));
  if (x >= -half && x < half) return x;
  const m = half * 2;
  let r = (x + half) % m;
  if (r < 0) r += m;
  return r - half;
}

/** decayLoihi for any int32 state: sign(x)·floor(|x|·r/4096), in doubles (exact). */
function decayWide(x: f64, r: f64): f64 {
  return x >= 0 ? Math.floor((x * r) / 4096) : 0 - Math.floor((-x * r) / 4096);
}

/** PreparedVar.fit of the current (which = 0), v (1) or the dendrite (2): the overflow rule, counted. */
function fit(p: usize, y: f64, which: i32): f64 {
  const lo = <f64>par(p, which == 0 ? P_I_LO : which == 1 ? P_V_LO : P_D_LO);
  const hi = <f64>par(p, which == 0 ? P_I_HI : which == 1 ? P_V_HI : P_D_HI);
  if (y >= lo && y <= hi) return y;
  if (par(p, which == 0 ? P_I_WRAP : which == 1 ? P_V_WRAP : P_D_WRAP) != 0) {
    if (which == 0) iW++;
    else if (which == 1) vW++;
    else dW++;
    return wrapF(y, par(p, which == 0 ? P_I_BITS : which == 1 ? P_V_BITS : P_D_BITS));
  }
  if (which == 0) iS++;
  else if (which == 1) vS++;
  else dS++;
  return y < 0 ? lo : hi;
}

/** The input rule (wrap or saturate to the input width, counted under `in`) for a ring value. */
function fitInput(p: usize, d: f64): f64 {
  const inLo = <f64>par(p, P_IN_LO);
  const inHi = <f64>par(p, P_IN_HI);
  if (d >= inLo && d <= inHi) return d;
  if (par(p, P_IN_WRAP) != 0) {
    inW++;
    return wrapF(d, par(p, P_IN_BITS));
  }
  inS++;
  return d < 0 ? inLo : inHi;
}

/** arith `applyOverflow(x, bits, mode)` (not counted), for the subtract reset. */
function applyOverflowF(x: f64, bits: i32, wrap: bool): f64 {
  const half = Math.pow(2, <f64>(bits - 1));
  if (x >= -half && x < half) return x;
  return wrap ? wrapF(x, bits) : x < 0 ? -half : half - 1;
}

/** The reset of a compartment that fires with value v and threshold th. */
@inline function resetValue(p: usize, v: i32, th: i32): i32 {
  const mode = par(p, P_RESET_MODE);
  if (mode == 0) return par(p, P_RESET_VALUE);
  if (mode == 1) return <i32>applyOverflowF(<f64>v - <f64>th, par(p, P_V_BITS), par(p, P_V_WRAP) != 0);
  return v;
}

/** One compartment k, exactly as the TS kernel's `stepCubaLif` loop body; returns the new spike count. */
function scalarOne(p: usize, ring: usize, k: i32, count: i32): i32 {
  const slot = ring + ((<usize>k) << 3);
  let d = load<f64>(slot);
  const xI = at(par(p, P_I), k);
  const yV = at(par(p, P_V), k);
  const refAt = par(p, P_REF) + (k << 2);
  let ref = load<i32>(<usize>refAt);
  const b = at(par(p, P_BIAS), k);
  const th = at(par(p, P_TH), k);
  const strict = par(p, P_STRICT) != 0;
  const pD = par(p, P_D);
  const slot1 = slot + <usize>par(p, P_PORT);
  // The silent-compartment skip of the TS kernel (state, inputs and bias 0, threshold out of reach) changes
  // nothing: the update below maps such a compartment to itself. Kept for the same memory traffic only.
  if (b == 0 && d == 0 && xI == 0 && yV == 0 && ref == 0 && (strict ? th >= 0 : th > 0) &&
    (pD == 0 || (at(pD, k) == 0 && load<f64>(slot1) == 0))) return count;
  store<f64>(slot, 0);
  d = fitInput(p, d);
  const in0 = <i32>d;
  const ri = par(p, P_RI0) - at(par(p, P_REG_I), k);
  let i: i32;
  if (<u32>(xI + 524287) <= 1048574) {
    const q = xI * ri;
    i = ((q + ((q >> 31) & 4095)) >> 12) + in0;
  } else {
    i = <i32>fit(p, decayWide(<f64>xI, <f64>ri) + <f64>in0, 0);
  }
  if (i < par(p, P_I_LO) || i > par(p, P_I_HI)) i = <i32>fit(p, <f64>i, 0);
  store<i32>(<usize>(par(p, P_I) + (k << 2)), i);
  const rv = par(p, P_RV0) - at(par(p, P_REG_V), k);
  let v: i32;
  if (<u32>(yV + 524287) <= 1048574) {
    const q = yV * rv;
    v = ((q + ((q >> 31) & 4095)) >> 12) + i + b;
  } else {
    v = <i32>fit(p, decayWide(<f64>yV, <f64>rv) + (<f64>i + <f64>b), 1);
  }
  if (v < par(p, P_V_LO) || v > par(p, P_V_HI)) v = <i32>fit(p, <f64>v, 1);
  if (pD != 0) {
    // the dendrite: its own input (port 1), decay and width; independent of i and v (kernels/cuba.ts stepDendrite)
    const in1 = <i32>fitInput(p, load<f64>(slot1));
    store<f64>(slot1, 0);
    const z = at(pD, k);
    const rd = par(p, P_RD0) - at(par(p, P_REG_D), k);
    let u: f64;
    if (<u32>(z + 524287) <= 1048574) {
      const q = z * rd;
      u = <f64>(((q + ((q >> 31) & 4095)) >> 12) + in1);
    } else {
      u = decayWide(<f64>z, <f64>rd) + <f64>in1;
    }
    store<i32>(<usize>(pD + (k << 2)), <i32>fit(p, u, 2));
  }
  if (ref > 0) {
    v = par(p, P_REFRACTORY_VALUE);
    ref--;
  } else if (strict ? v > th : v >= th) {
    store<i32>(<usize>(par(p, P_SPIKES) + (count << 2)), par(p, P_FIRST) + k);
    count++;
    v = resetValue(p, v, th);
    ref = at(par(p, P_RD), k);
  }
  store<i32>(<usize>(par(p, P_V) + (k << 2)), v);
  store<i32>(<usize>refAt, ref);
  return count;
}

/** Loihi decay of four int32 states (|x| < 2^19: x · r is an exact int32): round toward zero, then the shift. */
@inline function decay32(x: v128, r: v128): v128 {
  const px = i32x4.mul(x, r);
  return i32x4.shr_s(i32x4.add(px, v128.and(i32x4.shr_s(px, 31), i32x4.splat(4095))), 12);
}

/** The same for any int32 states, with 64-bit products (|x · r| < 2^43); the quotient fits in int32 (r ≤ 4096). */
@inline function decay64(x: v128, r: v128): v128 {
  const c = i64x2.splat(4095);
  const lo = i64x2.extmul_low_i32x4_s(x, r);
  const hi = i64x2.extmul_high_i32x4_s(x, r);
  const ql = i64x2.shr_s(i64x2.add(lo, v128.and(i64x2.shr_s(lo, 63), c)), 12);
  const qh = i64x2.shr_s(i64x2.add(hi, v128.and(i64x2.shr_s(hi, 63), c)), 12);
  return i32x4.shuffle(ql, qh, 0, 2, 4, 6);
}

/** One block of four compartments from k (see `stepBody`); returns the new spike count. */
@inline function block(
  p: usize, ring: usize, k: i32, count: i32, uniform: bool, first: i32, pV: usize, pI: usize, pR: usize, pRegI: usize, pRegV: usize,
  pB: usize, pTh: usize, pThGt: usize, pRd: usize, spikes: usize, inLift: v128, inTop: v128, iLift: v128, iTop: v128, vLift: v128,
  vTop: v128, rI0: v128, rV0: v128, refValue: v128, riU: v128, rvU: v128, bU: v128, thU: v128,
  dend: bool, pD: usize, pRegD: usize, port: usize, dLift: v128, dTop: v128, rD0: v128, rdU: v128,
  /** States may be anywhere within ±2^29: decays with 64-bit products (`blockWide`); else within ±2^19. */
  wide: bool,
): i32 {
  const lift19 = i32x4.splat(wide ? 536870912 - 0x80000000 : 524288 - 0x80000000);
  const magic = f64x2.splat(6755399441055744.0);
  const hiWord = i32x4.splat(0x43380000);
  const top19 = i32x4.splat(wide ? -0x80000000 + 1073741823 : -0x80000000 + 1048575);
  const zero = i32x4.splat(0);
  const o4 = (<usize>k) << 2;
  const o8 = (<usize>k) << 3;
  const x = v128.load(pI + o4);
  const y = v128.load(pV + o4);
  // Input: adding 1.5 · 2^52 puts an integer |d| < 2^51 into the low 32 bits of the double (two's complement);
  // the high word is then 0x43380000, minus 1 for d < 0, exactly when d is an int32 — else `notInt` is non-zero.
  const a01 = f64x2.add(v128.load(ring + o8), magic);
  const a23 = f64x2.add(v128.load(ring + o8, 16), magic);
  const in0 = i32x4.shuffle(a01, a23, 0, 2, 4, 6);
  const notInt = v128.xor(i32x4.sub(i32x4.shuffle(a01, a23, 1, 3, 5, 7), i32x4.shr_s(in0, 31)), hiWord);
  // Current: Loihi decay (round toward zero: add 4095 to negative products before the floor shift) + input.
  const ri = uniform ? riU : i32x4.sub(rI0, v128.load(pRegI + o4));
  const i = i32x4.add(wide ? decay64(x, ri) : decay32(x, ri), in0);
  // Voltage: decay + current + bias.
  const rv = uniform ? rvU : i32x4.sub(rV0, v128.load(pRegV + o4));
  const b = uniform ? bU : v128.load(pB + o4);
  const v = i32x4.add(i32x4.add(wide ? decay64(y, rv) : decay32(y, rv), i), b);
  // x is within [−2^(b−1), 2^(b−1)) iff x + 2^(b−1) − 2^31 (wrapping) is at most −2^31 + 2^b − 1: one add and
  // one signed compare per range (`lift`, `top`); states must be within [−2^19, 2^19), as in the TS kernel.
  let rare = v128.or(
    v128.or(notInt, v128.or(i32x4.gt_s(i32x4.max_s(i32x4.add(x, lift19), i32x4.add(y, lift19)), top19), i32x4.gt_s(i32x4.add(in0, inLift), inTop))),
    v128.or(i32x4.gt_s(i32x4.add(i, iLift), iTop), i32x4.gt_s(i32x4.add(v, vLift), vTop)));
  // The dendrite (port 1): the same input conversion and decay, its own width; the same rare-path test.
  let u = zero;
  if (dend) {
    const z = v128.load(pD + o4);
    const b01 = f64x2.add(v128.load(ring + port + o8), magic);
    const b23 = f64x2.add(v128.load(ring + port + o8, 16), magic);
    const in1 = i32x4.shuffle(b01, b23, 0, 2, 4, 6);
    const notInt1 = v128.xor(i32x4.sub(i32x4.shuffle(b01, b23, 1, 3, 5, 7), i32x4.shr_s(in1, 31)), hiWord);
    const rd = uniform ? rdU : i32x4.sub(rD0, v128.load(pRegD + o4));
    u = i32x4.add(wide ? decay64(z, rd) : decay32(z, rd), in1);
    rare = v128.or(rare, v128.or(
      v128.or(notInt1, i32x4.gt_s(i32x4.add(z, lift19), top19)),
      v128.or(i32x4.gt_s(i32x4.add(in1, inLift), inTop), i32x4.gt_s(i32x4.add(u, dLift), dTop))));
  }
  if (v128.any_true(rare)) {
    // A state at or beyond ±2^19 (learned currents often are) but within ±2^29: `blockWide` redoes the block with
    // 64-bit products, whose sums stay int32 (inputs and bias are below 2^29). Anything else: lane by lane.
    // (returned as ~count: the caller calls `blockWide`, so `block` never calls itself)
    if (!wide && v128.any_true(i32x4.gt_s(i32x4.max_s(i32x4.add(x, lift19), i32x4.add(y, lift19)), top19))) return ~count;
    if (!wide && dend && v128.any_true(i32x4.gt_s(i32x4.add(v128.load(pD + o4), lift19), top19))) return ~count;
    count = scalarOne(p, ring, k, count);
    count = scalarOne(p, ring, k + 1, count);
    count = scalarOne(p, ring, k + 2, count);
    count = scalarOne(p, ring, k + 3, count);
    return count;
  }
  v128.store(ring + o8, zero);
  v128.store(ring + o8, zero, 16);
  v128.store(pI + o4, i);
  if (dend) {
    v128.store(ring + port + o8, zero);
    v128.store(ring + port + o8, zero, 16);
    v128.store(pD + o4, u);
  }
  // Refractory lanes hold refractoryValue and count down; the others may fire.
  const ref = v128.load(pR + o4);
  const refM = i32x4.gt_s(ref, zero);
  // v ≥ θ ⟺ v > θ − 1 for v within its width (≤ 30 bits), also when θ − 1 is clamped at −2^31.
  const over = i32x4.gt_s(v, uniform ? thU : v128.load(pThGt + o4));
  v128.store(pV + o4, v128.bitselect(refValue, v, refM));
  v128.store(pR + o4, i32x4.add(ref, refM));
  let fire = i32x4.bitmask(v128.andnot(over, refM));
  while (fire != 0) {
    const j = ctz(fire);
    fire &= fire - 1;
    const kk = k + j;
    const a = (<usize>kk) << 2;
    store<i32>(spikes + ((<usize>count) << 2), first + kk);
    count++;
    store<i32>(pV + a, resetValue(p, load<i32>(pV + a), load<i32>(pTh + a)));
    store<i32>(pR + a, load<i32>(pRd + a));
  }
  return count;
}

/**
 * `block` for a block with a state at or beyond ±2^19 (not inlined: the common blocks keep their code small). It
 * reads the group's constants itself, like `stepBody`; the rest of the block — including the rare-path test
 * (states now within ±2^29), and lane-by-lane `scalarOne` beyond — is `block`'s.
 */
function blockWide(p: usize, ring: usize, k: i32, count: i32, uniform: bool, dend: bool): i32 {
  if (uniform) return dend ? blockFromParams(p, ring, k, count, true, true) : blockFromParams(p, ring, k, count, true, false);
  return dend ? blockFromParams(p, ring, k, count, false, true) : blockFromParams(p, ring, k, count, false, false);
}

@inline function blockFromParams(p: usize, ring: usize, k: i32, count: i32, uniform: bool, dend: bool): i32 {
  const rI0 = i32x4.splat(par(p, P_RI0));
  const rV0 = i32x4.splat(par(p, P_RV0));
  const rD0 = i32x4.splat(par(p, P_RD0));
  const pRegI = <usize>par(p, P_REG_I);
  const pRegV = <usize>par(p, P_REG_V);
  const pRegD = <usize>par(p, P_REG_D);
  const pB = <usize>par(p, P_BIAS);
  const pThGt = <usize>par(p, P_TH_GT);
  return block(p, ring, k, count, uniform, par(p, P_FIRST), <usize>par(p, P_V), <usize>par(p, P_I), <usize>par(p, P_REF), pRegI, pRegV, pB,
    <usize>par(p, P_TH), pThGt, <usize>par(p, P_RD), <usize>par(p, P_SPIKES),
    i32x4.splat(par(p, P_IN_HI) + 1 - 0x80000000), i32x4.splat(-0x80000000 + 2 * par(p, P_IN_HI) + 1),
    i32x4.splat(par(p, P_I_HI) + 1 - 0x80000000), i32x4.splat(-0x80000000 + 2 * par(p, P_I_HI) + 1),
    i32x4.splat(par(p, P_V_HI) + 1 - 0x80000000), i32x4.splat(-0x80000000 + 2 * par(p, P_V_HI) + 1),
    rI0, rV0, i32x4.splat(par(p, P_REFRACTORY_VALUE)),
    i32x4.sub(rI0, i32x4.splat(load<i32>(pRegI))), i32x4.sub(rV0, i32x4.splat(load<i32>(pRegV))), i32x4.splat(load<i32>(pB)),
    i32x4.splat(load<i32>(pThGt)),
    dend, <usize>par(p, P_D), pRegD, <usize>par(p, P_PORT),
    i32x4.splat(par(p, P_D_HI) + 1 - 0x80000000), i32x4.splat(-0x80000000 + 2 * par(p, P_D_HI) + 1),
    rD0, i32x4.sub(rD0, i32x4.splat(load<i32>(pRegD))), true);
}

/**
 * The lane form. `uniform`: every compartment has the same registers and bias (read once, splatted); otherwise
 * they are loaded per lane. Both specialisations come from inlining with a constant flag.
 *
 * A block of four is first computed on the fast path without storing anything; one combined test then checks
 * that no lane needed a rare path — a state outside [−2^19, 2^19) (where x · r, r ≤ 4096, may leave int32), an
 * input that is not an int32 or is outside its width, a current or a voltage outside its
 * width. A block with a state beyond ±2^19 is redone by `blockWide` (64-bit products; states within ±2^29), any
 * other by `scalarOne` lane by lane, both from the untouched state. Ring cells
 * hold integers (weights · 2^shift, shift ≥ 0), so truncating them is exact.
 */
@inline function stepBody(p: usize, ring: usize, count: i32, uniform: bool, dend: bool): i32 {
  inW = inS = iW = iS = vW = vS = dW = dS = 0;
  const size = par(p, P_SIZE);
  const first = par(p, P_FIRST);
  const pV = <usize>par(p, P_V);
  const pI = <usize>par(p, P_I);
  const pR = <usize>par(p, P_REF);
  const pRegI = <usize>par(p, P_REG_I);
  const pRegV = <usize>par(p, P_REG_V);
  const pB = <usize>par(p, P_BIAS);
  const pTh = <usize>par(p, P_TH);
  const pThGt = <usize>par(p, P_TH_GT);
  const pRd = <usize>par(p, P_RD);
  const spikes = <usize>par(p, P_SPIKES);
  // Ranges as (lift, top) = (2^(b−1) − 2^31, −2^31 + 2^b − 1): see `block`.
  const inLift = i32x4.splat(par(p, P_IN_HI) + 1 - 0x80000000);
  const inTop = i32x4.splat(-0x80000000 + 2 * par(p, P_IN_HI) + 1);
  const iLift = i32x4.splat(par(p, P_I_HI) + 1 - 0x80000000);
  const iTop = i32x4.splat(-0x80000000 + 2 * par(p, P_I_HI) + 1);
  const vLift = i32x4.splat(par(p, P_V_HI) + 1 - 0x80000000);
  const vTop = i32x4.splat(-0x80000000 + 2 * par(p, P_V_HI) + 1);
  const rI0 = i32x4.splat(par(p, P_RI0));
  const rV0 = i32x4.splat(par(p, P_RV0));
  const refValue = i32x4.splat(par(p, P_REFRACTORY_VALUE));
  // Uniform groups: the per-lane values, once.
  const riU = i32x4.sub(rI0, i32x4.splat(load<i32>(pRegI)));
  const rvU = i32x4.sub(rV0, i32x4.splat(load<i32>(pRegV)));
  const bU = i32x4.splat(load<i32>(pB));
  const thU = i32x4.splat(load<i32>(pThGt));
  // The dendrite (read only when `dend`; its pointers are 0 otherwise).
  const pD = <usize>par(p, P_D);
  const pRegD = <usize>par(p, P_REG_D);
  const port = <usize>par(p, P_PORT);
  const dLift = i32x4.splat(par(p, P_D_HI) + 1 - 0x80000000);
  const dTop = i32x4.splat(-0x80000000 + 2 * par(p, P_D_HI) + 1);
  const rD0 = i32x4.splat(par(p, P_RD0));
  const rdU = i32x4.sub(rD0, i32x4.splat(load<i32>(pRegD)));
  let k: i32 = 0;
  // Two blocks per iteration: more independent work between the (rarely taken) branches.
  for (; k + 8 <= size; k += 8) {
    count = block(p, ring, k, count, uniform, first, pV, pI, pR, pRegI, pRegV, pB, pTh, pThGt, pRd, spikes, inLift, inTop, iLift, iTop, vLift,
      vTop, rI0, rV0, refValue, riU, rvU, bU, thU, dend, pD, pRegD, port, dLift, dTop, rD0, rdU, false);
    if (count < 0) count = blockWide(p, ring, k, ~count, uniform, dend);
    count = block(p, ring, k + 4, count, uniform, first, pV, pI, pR, pRegI, pRegV, pB, pTh, pThGt, pRd, spikes, inLift, inTop, iLift, iTop, vLift,
      vTop, rI0, rV0, refValue, riU, rvU, bU, thU, dend, pD, pRegD, port, dLift, dTop, rD0, rdU, false);
    if (count < 0) count = blockWide(p, ring, k + 4, ~count, uniform, dend);
  }
  for (; k + 4 <= size; k += 4) {
    count = block(p, ring, k, count, uniform, first, pV, pI, pR, pRegI, pRegV, pB, pTh, pThGt, pRd, spikes, inLift, inTop, iLift, iTop, vLift,
      vTop, rI0, rV0, refValue, riU, rvU, bU, thU, dend, pD, pRegD, port, dLift, dTop, rD0, rdU, false);
    if (count < 0) count = blockWide(p, ring, k, ~count, uniform, dend);
  }
  for (; k < size; k++) count = scalarOne(p, ring, k, count);
  const stats = <usize>par(p, P_STATS);
  store<i32>(stats, inW);
  store<i32>(stats, inS, 4);
  store<i32>(stats, iW, 8);
  store<i32>(stats, iS, 12);
  store<i32>(stats, vW, 16);
  store<i32>(stats, vS, 20);
  store<i32>(stats, dW, 24);
  store<i32>(stats, dS, 28);
  return count;
}

/** One step of a LIF group whose registers, bias and threshold are equal across compartments. */
export function stepLifUniform(params: usize, ring: usize, count: i32): i32 {
  return stepBody(params, ring, count, true, false);
}

/** One step of a LIF group with per-compartment registers, bias and threshold. */
export function stepLif(params: usize, ring: usize, count: i32): i32 {
  return stepBody(params, ring, count, false, false);
}

/** `stepLifUniform` for a group with a dendrite (port 1). */
export function stepLifDendriteUniform(params: usize, ring: usize, count: i32): i32 {
  return stepBody(params, ring, count, true, true);
}

/** `stepLif` for a group with a dendrite (port 1). */
export function stepLifDendrite(params: usize, ring: usize, count: i32): i32 {
  return stepBody(params, ring, count, false, true);
}
