/**
 * Generalised current-based compartment kernel (IR model `cuba`, the default target).
 *
 * EMULATED: per state variable a decay mode (Loihi 12-bit multiplicative with offset, shift leak with NSAT's
 * never-zero option, linear leak toward zero, none), a width with wrap or saturate, floor/ceiling clamps; input
 * sums wrapped/saturated once per step; bias; strict or non-strict threshold; reset to a value, by subtracting
 * the threshold, or none; refractory hold; an optional dendritic compartment fed by port 1; further synaptic
 * currents (`extraCurrents`, ports 2, 3, …) that v integrates like the main current.
 * Optional Bernoulli noise into v (`CubaGroup.noise`, eRBP+), keyed by (seed, step, core, compartment).
 */
import { decayLoihi, linearLeak, saturate, shiftLeak, wrapSigned } from '../arith.js';
import { countOverflow, type CoreCounters, type GroupState } from '../state.js';
import { ALWAYS, draw, STREAM_NOISE } from '../prng.js';
import type { CubaGroup, StateVar } from '../../ir/types.js';

/** One step of leak for a state variable, by its decay mode; `reg` is the compartment's decay register. */
export function leakState(sv: StateVar, x: number, reg: number): number {
  const d = sv.decay;
  switch (d.kind) {
    case 'loihi12':
      return decayLoihi(x, reg, d.offset);
    case 'shift':
      return shiftLeak(x, reg, d.neverZero);
    case 'linear':
      return linearLeak(x, reg);
    case 'none':
      return x;
  }
}

/** Applies a width's overflow rule; returns the new value (callers compare to count events). */
export function applyOverflow(x: number, bits: number, mode: 'wrap' | 'saturate'): number {
  const half = 2 ** (bits - 1);
  if (x >= -half && x < half) return x;
  return mode === 'wrap' ? wrapSigned(x, bits) : x < 0 ? -half : half - 1;
}

/** Decay-mode codes of the prepared form. */
const LEAK_LOIHI = 0;
const LEAK_SHIFT = 1;
const LEAK_LINEAR = 2;
const LEAK_NONE = 3;

/**
 * One state variable with everything the hot loop needs precomputed (range, overflow, clamps, leak code),
 * and its wrap/saturation tallies of the current kernel call. Built once per group (cached), so a step
 * allocates nothing. Same arithmetic as `leakState` + `applyOverflow` + the clamps, bit for bit.
 */
class PreparedVar {
  readonly lo: number;
  readonly hi: number;
  readonly bits: number;
  readonly wrap: boolean;
  readonly floor: number;
  readonly ceiling: number;
  readonly leak: number;
  readonly offset: number;
  readonly neverZero: boolean;
  readonly reg: Int32Array;
  /** 0 stays 0 under the leak and the clamps (so an all-zero compartment may be skipped). */
  readonly zeroStable: boolean;
  wraps = 0;
  sats = 0;

  constructor(sv: StateVar) {
    const half = 2 ** (sv.bits - 1);
    this.lo = -half;
    this.hi = half - 1;
    this.bits = sv.bits;
    this.wrap = sv.overflow === 'wrap';
    this.floor = sv.floor ?? -Infinity;
    this.ceiling = sv.ceiling ?? Infinity;
    const d = sv.decay;
    this.leak = d.kind === 'loihi12' ? LEAK_LOIHI : d.kind === 'shift' ? LEAK_SHIFT : d.kind === 'linear' ? LEAK_LINEAR : LEAK_NONE;
    this.offset = d.kind === 'loihi12' ? d.offset : 0;
    this.neverZero = d.kind === 'shift' ? d.neverZero : false;
    this.reg = sv.decayReg;
    this.zeroStable = this.floor <= 0 && this.ceiling >= 0;
  }

  /** The overflow rule alone (no leak, no clamps): y itself if within the width, else wrapped or saturated and counted. */
  fit(y: number): number {
    if (y >= this.lo && y <= this.hi) return y;
    if (this.wrap) {
      this.wraps++;
      return wrapSigned(y, this.bits);
    }
    this.sats++;
    return y < 0 ? this.lo : this.hi;
  }

  /** Leak + add + overflow + clamp of compartment k's value x; counts wraps and saturations (clamps as such). */
  integrate(x: number, k: number, add: number): number {
    let y: number;
    switch (this.leak) {
      case LEAK_LOIHI: {
        // decayLoihi; below 2^19 the product fits 31 bits, so an integer shift gives the same floor.
        const r = 4096 - this.offset - this.reg[k]!;
        if (x >= 0) y = x < 524288 ? (x * r) >> 12 : Math.floor((x * r) / 4096);
        else y = x > -524288 ? 0 - ((-x * r) >> 12) : 0 - Math.floor((-x * r) / 4096);
        break;
      }
      case LEAK_SHIFT:
        y = shiftLeak(x, this.reg[k]!, this.neverZero);
        break;
      case LEAK_LINEAR:
        y = linearLeak(x, this.reg[k]!);
        break;
      default:
        y = x;
    }
    y += add;
    if (y < this.lo || y > this.hi) {
      if (this.wrap) {
        y = wrapSigned(y, this.bits);
        this.wraps++;
      } else {
        y = y < 0 ? this.lo : this.hi;
        this.sats++;
      }
    }
    if (y < this.floor || y > this.ceiling) {
      y = saturate(y, this.floor, this.ceiling);
      this.sats++;
    }
    return y;
  }
}

/** A group's prepared variables (cached per group object). */
interface Prepared {
  readonly current: PreparedVar | null;
  readonly v: PreparedVar;
  readonly dendrite: PreparedVar | null;
  /** `extraCurrents`, in port order (empty when the group has none). */
  readonly extra: readonly PreparedVar[];
  readonly inLo: number;
  readonly inHi: number;
  readonly inWrap: boolean;
  /** Every variable keeps 0 at 0, so a compartment with all state, input and bias 0 is skipped (see below). */
  readonly zeroStable: boolean;
  /**
   * Current and v both Loihi-decayed, no clamps, no dendrite, no extra currents, widths ≤ 30 bits and |bias| < 2^29: the
   * specialised loop `stepCubaLif` applies (its int32 sums cannot overflow under these bounds).
   */
  readonly lif: boolean;
  /**
   * `lif` but with a dendritic compartment (port 1) that is Loihi-decayed, unclamped and ≤ 30 bits wide (eRBP's
   * hidden and prediction neurons): the LIF loops run with the dendrite's update added (so does the WebAssembly
   * kernel, `cubaLifShape`).
   */
  readonly lifDendrite: boolean;
  /** All per-compartment registers the LIF loop reads are equal across the group. */
  readonly uniform: boolean;
}

const prepared = new WeakMap<CubaGroup, Prepared>();

function prepare(g: CubaGroup): Prepared {
  let p = prepared.get(g);
  if (p === undefined) {
    const current = g.current ? new PreparedVar(g.current) : null;
    const v = new PreparedVar(g.v);
    const dendrite = g.dendrite ? new PreparedVar(g.dendrite) : null;
    const extra = (g.extraCurrents ?? []).map((x) => new PreparedVar(x));
    const half = 2 ** (g.inputBits - 1);
    const lifCore = current !== null && extra.length === 0 && current.leak === LEAK_LOIHI && v.leak === LEAK_LOIHI &&
      current.floor === -Infinity && current.ceiling === Infinity && v.floor === -Infinity && v.ceiling === Infinity &&
      g.inputBits <= 30 && current.bits <= 30 && v.bits <= 30 && g.bias.every((b) => Math.abs(b) < 2 ** 29);
    p = {
      current, v, dendrite, extra, inLo: -half, inHi: half - 1, inWrap: g.inputOverflow === 'wrap',
      zeroStable: v.zeroStable && (current === null || current.zeroStable) && (dendrite === null || dendrite.zeroStable) && extra.every((x) => x.zeroStable),
      lif: lifCore && dendrite === null,
      lifDendrite: lifCore && dendrite !== null && dendrite.leak === LEAK_LOIHI && dendrite.floor === -Infinity &&
        dendrite.ceiling === Infinity && dendrite.bits <= 30,
      uniform: [current?.reg, v.reg, dendrite?.reg, g.bias, g.threshold, g.refractDelay].every((a) => a === undefined || a.every((x) => x === a[0])),
    };
    prepared.set(g, p);
  }
  return p;
}

/**
 * The group runs the LIF loop (`Prepared.lif`, no noise) — the configuration the WebAssembly kernel
 * (kernels/wasm/) implements; `uniform` when its registers, bias, threshold and refractory delay are equal across
 * compartments. null: the group needs the general TypeScript loop.
 */
export function cubaLifShape(g: CubaGroup): { readonly uniform: boolean; readonly dendrite: boolean } | null {
  const P = prepare(g);
  const nThr = g.noise ? g.noise.threshold : 0;
  return (P.lif || P.lifDendrite) && nThr === 0 ? { uniform: P.uniform, dendrite: P.lifDendrite } : null;
}

/**
 * Updates every compartment of a `cuba` group for one step; see `stepLoihiGroup` for the calling convention.
 *
 * Silent compartments: when every variable keeps 0 at 0 (no floor above 0 or ceiling below 0), a compartment
 * whose inputs, state, bias and refractory counter are all 0 and whose threshold cannot be met at v = 0 ends
 * the step exactly as it began (every leak maps 0 to 0), so it is skipped.
 */
export function stepCubaGroup(
  gs: GroupState,
  input: Float64Array,
  inputBase: number,
  portStride: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
  /** Noise key (only read when the group has `noise`): run seed, step t, core index. */
  seed = 0,
  step = -1,
  core = 0,
): number {
  const g = gs.group as CubaGroup;
  const nThr = g.noise ? g.noise.threshold : 0;
  const nAmp = g.noise ? g.noise.amplitude : 0;
  if (nThr > 0 && step < 0) throw new Error(`cuba group ${g.name}: noise needs the (seed, step, core) key from the caller`);
  const P = prepare(g);
  if ((P.lif || P.lifDendrite) && nThr === 0) {
    return P.uniform
      ? stepCubaLifUniform(gs, P, input, inputBase, portStride, counters, spiked, count)
      : stepCubaLif(gs, P, input, inputBase, portStride, counters, spiked, count);
  }
  const { first, size, bias, threshold, compare, reset, refractDelay, refractoryValue } = g;
  const pv = P.v;
  const pi = P.current;
  const pd = P.dendrite;
  const V = gs.arrays.v!;
  const I = pi !== null ? gs.arrays.i! : null;
  const D = pd !== null ? gs.arrays[g.dendrite!.name]! : null;
  const REF = gs.arrays.ref!;
  const pe = P.extra;
  const nExtra = pe.length;
  const G = nExtra > 0 ? extraArrays(gs) : EMPTY_STATES;
  pv.wraps = pv.sats = 0;
  if (pi !== null) pi.wraps = pi.sats = 0;
  if (pd !== null) pd.wraps = pd.sats = 0;
  for (let j = 0; j < nExtra; j++) pe[j]!.wraps = pe[j]!.sats = 0;
  const { inLo, inHi, inWrap, zeroStable } = P;
  const inBits = g.inputBits;
  let inWraps = 0;
  let inSats = 0;
  const strict = compare === 'gt';
  const resetMode = reset.mode === 'value' ? 0 : reset.mode === 'subtract' ? 1 : 2;
  const resetValue = reset.value;
  for (let k = 0; k < size; k++) {
    const slot = inputBase + first + k;
    let in0 = input[slot]!;
    if (zeroStable && nThr === 0 && bias[k] === 0 && in0 === 0 && V[k] === 0 && REF[k] === 0 && (I === null || I[k] === 0) &&
      (D === null || (D[k] === 0 && input[slot + portStride] === 0)) && (strict ? threshold[k]! >= 0 : threshold[k]! > 0) &&
      (nExtra === 0 || extraQuiet(G, input, slot, portStride, k))) {
      continue;
    }
    input[slot] = 0;
    if (in0 < inLo || in0 > inHi) {
      if (inWrap) {
        in0 = wrapSigned(in0, inBits);
        inWraps++;
      } else {
        in0 = in0 < 0 ? inLo : inHi;
        inSats++;
      }
    }
    let i = in0;
    if (pi !== null) {
      i = pi.integrate(I![k]!, k, in0);
      I![k] = i;
    }
    // Extra currents (ports 2, 3, …), each updated like i and added to v with it.
    let gSum = 0;
    for (let j = 0; j < nExtra; j++) {
      const sj = slot + (2 + j) * portStride;
      let inj = input[sj]!;
      input[sj] = 0;
      if (inj < inLo || inj > inHi) {
        if (inWrap) {
          inj = wrapSigned(inj, inBits);
          inWraps++;
        } else {
          inj = inj < 0 ? inLo : inHi;
          inSats++;
        }
      }
      const Gj = G[j]!;
      const x = pe[j]!.integrate(Gj[k]!, k, inj);
      Gj[k] = x;
      gSum += x;
    }
    const noise = nThr > 0 && (nThr >= ALWAYS || draw(seed, step, core, first + k, STREAM_NOISE) < nThr) ? nAmp : 0;
    let v = pv.integrate(V[k]!, k, i + gSum + bias[k]! + noise);
    if (pd !== null) {
      const s1 = slot + portStride;
      let in1 = input[s1]!;
      input[s1] = 0;
      if (in1 < inLo || in1 > inHi) {
        if (inWrap) {
          in1 = wrapSigned(in1, inBits);
          inWraps++;
        } else {
          in1 = in1 < 0 ? inLo : inHi;
          inSats++;
        }
      }
      D![k] = pd.integrate(D![k]!, k, in1);
    }
    let ref = REF[k]!;
    if (ref > 0) {
      v = refractoryValue;
      ref--;
    } else {
      const th = threshold[k]!;
      if (strict ? v > th : v >= th) {
        spiked[count++] = first + k;
        if (resetMode === 0) v = resetValue;
        else if (resetMode === 1) v = applyOverflow(v - th, pv.bits, g.v.overflow);
        ref = refractDelay[k]!;
      }
    }
    V[k] = v;
    REF[k] = ref;
  }
  counters.compartmentUpdates += size;
  countOverflow(counters, 'in', inWraps, inSats);
  if (pi !== null) countOverflow(counters, 'i', pi.wraps, pi.sats);
  countOverflow(counters, 'v', pv.wraps, pv.sats);
  if (pd !== null) countOverflow(counters, g.dendrite!.name, pd.wraps, pd.sats);
  for (let j = 0; j < nExtra; j++) countOverflow(counters, g.extraCurrents![j]!.name, pe[j]!.wraps, pe[j]!.sats);
  return count;
}

const EMPTY_STATES: readonly Int32Array[] = [];
const extraCache = new WeakMap<GroupState, readonly Int32Array[]>();

/** The state arrays of a group's extra currents, in port order (cached per group state: no allocation per step). */
function extraArrays(gs: GroupState): readonly Int32Array[] {
  let a = extraCache.get(gs);
  if (a === undefined) {
    a = ((gs.group as CubaGroup).extraCurrents ?? []).map((x) => gs.arrays[x.name]!);
    extraCache.set(gs, a);
  }
  return a;
}

/** Every extra current of compartment k is 0 and receives no input this step. */
function extraQuiet(G: readonly Int32Array[], input: Float64Array, slot: number, portStride: number, k: number): boolean {
  for (let j = 0; j < G.length; j++) if (G[j]![k] !== 0 || input[slot + (2 + j) * portStride] !== 0) return false;
  return true;
}

/**
 * The dendrite of a `lifDendrite` group, compartment k: its port-1 input cell is read, cleared and brought into
 * the input width, then the dendrite decays (Loihi) and adds it — the general loop's steps in the same order.
 * Returns the input's overflow: 1 wrapped, 2 saturated, 0 neither. Its value feeds no other state of the kernel
 * (the learning rules read it).
 */
function stepDendrite(pd: PreparedVar, P: Prepared, bits: number, D: Int32Array, input: Float64Array, s1: number, k: number): number {
  let in1 = input[s1]!;
  input[s1] = 0;
  let o = 0;
  if (in1 < P.inLo || in1 > P.inHi) {
    if (P.inWrap) {
      in1 = wrapSigned(in1, bits);
      o = 1;
    } else {
      in1 = in1 < 0 ? P.inLo : P.inHi;
      o = 2;
    }
  }
  const z = D[k]!;
  const r = 4096 - pd.offset - pd.reg[k]!;
  let y: number;
  if ((((z + 524287) | 0) >>> 0) <= 1048574) {
    const p = z * r;
    y = (((p + ((p >> 31) & 4095)) >> 12) + in1) | 0;
  } else {
    y = decayWide(z, r) + in1;
  }
  D[k] = y < pd.lo || y > pd.hi ? pd.fit(y) : y;
  return o;
}

/** decayLoihi for the rare states beyond ±2^19 (exact in doubles); r = 4096 − offset − register. */
function decayWide(x: number, r: number): number {
  return x >= 0 ? Math.floor((x * r) / 4096) : 0 - Math.floor((-x * r) / 4096);
}

/**
 * The common current-based LIF configuration (see `Prepared.lif`) as one flat loop: the same operations as the
 * general loop above, in the same order. Why it may use int32 arithmetic (`| 0`): a state within ±2^19 decays
 * to within ±2^19 by an exact shift (product < 2^31); the input is first brought into its ≤ 30-bit width, the
 * current into its ≤ 30-bit width before it is added to v, and |bias| < 2^29, so every int32 sum here is below
 * 2^31 in magnitude. States outside ±2^19 (host-written or wide) take the exact double path.
 */
function stepCubaLif(
  gs: GroupState,
  P: Prepared,
  input: Float64Array,
  inputBase: number,
  portStride: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
): number {
  const g = gs.group as CubaGroup;
  const { first, size, bias, threshold, refractDelay, refractoryValue } = g;
  const pi = P.current!;
  const pv = P.v;
  const V = gs.arrays.v!;
  const I = gs.arrays.i!;
  const REF = gs.arrays.ref!;
  const pd = P.dendrite;
  const D = pd !== null ? gs.arrays[g.dendrite!.name]! : null;
  if (pd !== null) pd.wraps = pd.sats = 0;
  const regI = pi.reg;
  const regV = pv.reg;
  const rI0 = 4096 - pi.offset;
  const rV0 = 4096 - pv.offset;
  // `| 0`: the bounds come from 2 ** (bits − 1), a double; as int32 locals the compares stay integer (≤ 30 bits).
  const inLo = P.inLo | 0;
  const inHi = P.inHi | 0;
  const inWrap = P.inWrap;
  const inBits = g.inputBits;
  const iLo = pi.lo | 0;
  const iHi = pi.hi | 0;
  const vLo = pv.lo | 0;
  const vHi = pv.hi | 0;
  const vBits = pv.bits;
  pi.wraps = pi.sats = pv.wraps = pv.sats = 0;
  const strict = g.compare === 'gt';
  const resetMode = g.reset.mode === 'value' ? 0 : g.reset.mode === 'subtract' ? 1 : 2;
  const resetValue = g.reset.value;
  let inWraps = 0;
  let inSats = 0;
  for (let k = 0; k < size; k++) {
    const slot = inputBase + first + k;
    let d = input[slot]!;
    const x = I[k]!;
    const y = V[k]!;
    let ref = REF[k]!;
    const b = bias[k]!;
    if (b === 0 && d === 0 && x === 0 && y === 0 && ref === 0 && (strict ? threshold[k]! >= 0 : threshold[k]! > 0) &&
      (D === null || (D[k] === 0 && input[slot + portStride] === 0))) continue;
    input[slot] = 0;
    if (d < inLo || d > inHi) {
      if (inWrap) {
        d = wrapSigned(d, inBits);
        inWraps++;
      } else {
        d = d < 0 ? inLo : inHi;
        inSats++;
      }
    }
    const in0 = d | 0;
    const ri = rI0 - regI[k]!;
    // Both arms end in an int32 (`fit` returns a value within the ≤ 30-bit width), so i and v stay int32.
    let i: number;
    if ((((x + 524287) | 0) >>> 0) <= 1048574) {
      // |x| < 2^19: p = x·r is an exact int32; adding 4095 to a negative p before the floor shift rounds it
      // toward zero, which is decayLoihi's rounding (sign(x)·floor(|x|·r/4096)) without a branch.
      const p = x * ri;
      i = (((p + ((p >> 31) & 4095)) >> 12) + in0) | 0;
    } else {
      i = pi.fit(decayWide(x, ri) + in0) | 0;
    }
    if (i < iLo || i > iHi) i = pi.fit(i) | 0;
    I[k] = i;
    const rv = rV0 - regV[k]!;
    let v: number;
    if ((((y + 524287) | 0) >>> 0) <= 1048574) {
      const p = y * rv;
      v = (((p + ((p >> 31) & 4095)) >> 12) + i + b) | 0;
    } else {
      v = pv.fit(decayWide(y, rv) + (i + b)) | 0;
    }
    if (v < vLo || v > vHi) v = pv.fit(v) | 0;
    if (D !== null) {
      const o = stepDendrite(pd!, P, inBits, D, input, slot + portStride, k);
      if (o === 1) inWraps++;
      else if (o === 2) inSats++;
    }
    if (ref > 0) {
      v = refractoryValue;
      ref--;
    } else {
      const th = threshold[k]!;
      if (strict ? v > th : v >= th) {
        spiked[count++] = first + k;
        if (resetMode === 0) v = resetValue;
        else if (resetMode === 1) v = applyOverflow(v - th, vBits, g.v.overflow);
        ref = refractDelay[k]!;
      }
    }
    V[k] = v;
    REF[k] = ref;
  }
  counters.compartmentUpdates += size;
  countOverflow(counters, 'in', inWraps, inSats);
  countOverflow(counters, 'i', pi.wraps, pi.sats);
  countOverflow(counters, 'v', pv.wraps, pv.sats);
  if (pd !== null) countOverflow(counters, g.dendrite!.name, pd.wraps, pd.sats);
  return count;
}

/** `stepCubaLif` for a group whose per-compartment registers are all equal (the usual case): constants in locals. */
function stepCubaLifUniform(
  gs: GroupState,
  P: Prepared,
  input: Float64Array,
  inputBase: number,
  portStride: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
): number {
  const g = gs.group as CubaGroup;
  const { first, size, refractoryValue } = g;
  const pi = P.current!;
  const pv = P.v;
  const V = gs.arrays.v!;
  const I = gs.arrays.i!;
  const REF = gs.arrays.ref!;
  const pd = P.dendrite;
  const D = pd !== null ? gs.arrays[g.dendrite!.name]! : null;
  if (pd !== null) pd.wraps = pd.sats = 0;
  // Every compartment has the same registers (Prepared.uniform): read them once.
  const ri = 4096 - pi.offset - pi.reg[0]!;
  const rv = 4096 - pv.offset - pv.reg[0]!;
  const b = g.bias[0]!;
  const th = g.threshold[0]!;
  const rd = g.refractDelay[0]!;
  const quiet = b === 0 && (g.compare === 'gt' ? th >= 0 : th > 0);
  // v ≥ θ ⟺ v > θ − 1 for integers: one comparison for both modes.
  const thStrict = g.compare === 'gt' ? th : Math.max(th - 1, -2147483648) | 0; // v ≥ −2^29 > −2^31 either way
  // `| 0`: the bounds come from 2 ** (bits − 1), a double; as int32 locals the compares stay integer (≤ 30 bits).
  const inLo = P.inLo | 0;
  const inHi = P.inHi | 0;
  const inWrap = P.inWrap;
  const inBits = g.inputBits;
  const iLo = pi.lo | 0;
  const iHi = pi.hi | 0;
  const vLo = pv.lo | 0;
  const vHi = pv.hi | 0;
  const vBits = pv.bits;
  pi.wraps = pi.sats = pv.wraps = pv.sats = 0;
  const resetMode = g.reset.mode === 'value' ? 0 : g.reset.mode === 'subtract' ? 1 : 2;
  const resetValue = g.reset.value;
  let inWraps = 0;
  let inSats = 0;
  for (let k = 0; k < size; k++) {
    const slot = inputBase + first + k;
    let d = input[slot]!;
    const x = I[k]!;
    const y = V[k]!;
    let ref = REF[k]!;
    if (quiet && d === 0 && x === 0 && y === 0 && ref === 0 && (D === null || (D[k] === 0 && input[slot + portStride] === 0))) continue;
    input[slot] = 0;
    if (d < inLo || d > inHi) {
      if (inWrap) {
        d = wrapSigned(d, inBits);
        inWraps++;
      } else {
        d = d < 0 ? inLo : inHi;
        inSats++;
      }
    }
    const in0 = d | 0;
    // Both arms end in an int32 (`fit` returns a value within the ≤ 30-bit width), so i and v stay int32.
    let i: number;
    if ((((x + 524287) | 0) >>> 0) <= 1048574) {
      // |x| < 2^19: p = x·r is an exact int32; adding 4095 to a negative p before the floor shift rounds it
      // toward zero, which is decayLoihi's rounding (sign(x)·floor(|x|·r/4096)) without a branch.
      const p = x * ri;
      i = (((p + ((p >> 31) & 4095)) >> 12) + in0) | 0;
    } else {
      i = pi.fit(decayWide(x, ri) + in0) | 0;
    }
    if (i < iLo || i > iHi) i = pi.fit(i) | 0;
    I[k] = i;
    let v: number;
    if ((((y + 524287) | 0) >>> 0) <= 1048574) {
      const p = y * rv;
      v = (((p + ((p >> 31) & 4095)) >> 12) + i + b) | 0;
    } else {
      v = pv.fit(decayWide(y, rv) + (i + b)) | 0;
    }
    if (v < vLo || v > vHi) v = pv.fit(v) | 0;
    if (D !== null) {
      const o = stepDendrite(pd!, P, inBits, D, input, slot + portStride, k);
      if (o === 1) inWraps++;
      else if (o === 2) inSats++;
    }
    if (ref > 0) {
      v = refractoryValue;
      ref--;
    } else {
      if (v > thStrict) {
        spiked[count++] = first + k;
        if (resetMode === 0) v = resetValue;
        else if (resetMode === 1) v = applyOverflow(v - th, vBits, g.v.overflow);
        ref = rd;
      }
    }
    V[k] = v;
    REF[k] = ref;
  }
  counters.compartmentUpdates += size;
  countOverflow(counters, 'in', inWraps, inSats);
  countOverflow(counters, 'i', pi.wraps, pi.sats);
  countOverflow(counters, 'v', pv.wraps, pv.sats);
  if (pd !== null) countOverflow(counters, g.dendrite!.name, pd.wraps, pd.sats);
  return count;
}
