/**
 * Generalised current-based compartment kernel (IR model `cuba`, the default target).
 *
 * EMULATED: per state variable a decay mode (Loihi 12-bit multiplicative with offset, shift leak with NSAT's
 * never-zero option, linear leak toward zero, none), a width with wrap or saturate, floor/ceiling clamps; input
 * sums wrapped/saturated once per step; bias; strict or non-strict threshold; reset to a value, by subtracting
 * the threshold, or none; refractory hold; an optional dendritic compartment fed by port 1.
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
  readonly inLo: number;
  readonly inHi: number;
  readonly inWrap: boolean;
  /** Every variable keeps 0 at 0, so a compartment with all state, input and bias 0 is skipped (see below). */
  readonly zeroStable: boolean;
  /** Current and v both Loihi-decayed, no clamps, no dendrite: the specialised loop `stepCubaLif` applies. */
  readonly lif: boolean;
}

const prepared = new WeakMap<CubaGroup, Prepared>();

function prepare(g: CubaGroup): Prepared {
  let p = prepared.get(g);
  if (p === undefined) {
    const current = g.current ? new PreparedVar(g.current) : null;
    const v = new PreparedVar(g.v);
    const dendrite = g.dendrite ? new PreparedVar(g.dendrite) : null;
    const half = 2 ** (g.inputBits - 1);
    p = {
      current, v, dendrite, inLo: -half, inHi: half - 1, inWrap: g.inputOverflow === 'wrap',
      zeroStable: v.zeroStable && (current === null || current.zeroStable) && (dendrite === null || dendrite.zeroStable),
      lif: current !== null && dendrite === null && current.leak === LEAK_LOIHI && v.leak === LEAK_LOIHI &&
        current.floor === -Infinity && current.ceiling === Infinity && v.floor === -Infinity && v.ceiling === Infinity,
    };
    prepared.set(g, p);
  }
  return p;
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
  if (P.lif && nThr === 0) return stepCubaLif(gs, P, input, inputBase, counters, spiked, count);
  const { first, size, bias, threshold, compare, reset, refractDelay, refractoryValue } = g;
  const pv = P.v;
  const pi = P.current;
  const pd = P.dendrite;
  const V = gs.arrays.v!;
  const I = pi !== null ? gs.arrays.i! : null;
  const D = pd !== null ? gs.arrays[g.dendrite!.name]! : null;
  const REF = gs.arrays.ref!;
  pv.wraps = pv.sats = 0;
  if (pi !== null) pi.wraps = pi.sats = 0;
  if (pd !== null) pd.wraps = pd.sats = 0;
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
      (D === null || (D[k] === 0 && input[slot + portStride] === 0)) && (strict ? threshold[k]! >= 0 : threshold[k]! > 0)) {
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
    const noise = nThr > 0 && (nThr >= ALWAYS || draw(seed, step, core, first + k, STREAM_NOISE) < nThr) ? nAmp : 0;
    let v = pv.integrate(V[k]!, k, i + bias[k]! + noise);
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
  return count;
}

/**
 * The common current-based LIF configuration (two Loihi-decayed states, no clamps, no dendrite) as one flat
 * loop: the same operations as the general loop above, in the same order, with every constant in a local.
 */
function stepCubaLif(
  gs: GroupState,
  P: Prepared,
  input: Float64Array,
  inputBase: number,
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
  const regI = pi.reg;
  const regV = pv.reg;
  const rI0 = 4096 - pi.offset;
  const rV0 = 4096 - pv.offset;
  const { inLo, inHi, inWrap } = P;
  const inBits = g.inputBits;
  const iLo = pi.lo;
  const iHi = pi.hi;
  const iWrap = pi.wrap;
  const iBits = pi.bits;
  const vLo = pv.lo;
  const vHi = pv.hi;
  const vWrap = pv.wrap;
  const vBits = pv.bits;
  const strict = g.compare === 'gt';
  const resetMode = g.reset.mode === 'value' ? 0 : g.reset.mode === 'subtract' ? 1 : 2;
  const resetValue = g.reset.value;
  let inWraps = 0;
  let inSats = 0;
  let iWraps = 0;
  let iSats = 0;
  let vWraps = 0;
  let vSats = 0;
  for (let k = 0; k < size; k++) {
    const slot = inputBase + first + k;
    let in0 = input[slot]!;
    let x = I[k]!;
    let y = V[k]!;
    let ref = REF[k]!;
    const b = bias[k]!;
    if (b === 0 && in0 === 0 && x === 0 && y === 0 && ref === 0 && (strict ? threshold[k]! >= 0 : threshold[k]! > 0)) continue;
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
    const ri = rI0 - regI[k]!;
    let i = (x >= 0
      ? (x < 524288 ? (x * ri) >> 12 : Math.floor((x * ri) / 4096))
      : (x > -524288 ? 0 - ((-x * ri) >> 12) : 0 - Math.floor((-x * ri) / 4096))) + in0;
    if (i < iLo || i > iHi) {
      if (iWrap) {
        i = wrapSigned(i, iBits);
        iWraps++;
      } else {
        i = i < 0 ? iLo : iHi;
        iSats++;
      }
    }
    I[k] = i;
    const rv = rV0 - regV[k]!;
    let v = (y >= 0
      ? (y < 524288 ? (y * rv) >> 12 : Math.floor((y * rv) / 4096))
      : (y > -524288 ? 0 - ((-y * rv) >> 12) : 0 - Math.floor((-y * rv) / 4096))) + (i + b);
    if (v < vLo || v > vHi) {
      if (vWrap) {
        v = wrapSigned(v, vBits);
        vWraps++;
      } else {
        v = v < 0 ? vLo : vHi;
        vSats++;
      }
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
  countOverflow(counters, 'i', iWraps, iSats);
  countOverflow(counters, 'v', vWraps, vSats);
  return count;
}
