/**
 * NSAT multi-state neuron kernel (IR model `nsat`), after nmi-lab/NSAT b0b278d `src/nsat.c` as summarised in
 * research/papers.md §1.10. Input port k feeds state k; the summed input of a tick (NSAT's acm_k) is gained by
 * zero_bit_shift(acm, Wgain[k]), clipped to [accLow, accHigh] and integrated at the next tick — the IR's
 * one-step delivery latency gives exactly that timing.
 *
 * EMULATED: leak matrix Σ sA·one_bit_shift(x_l, A), constant inputs, refractory (with reset of state 0 while
 * refractory if resetOn[0]), threshold on state 0 (or x0 ≥ x1), per-state clamp, reset or increment on a spike.
 * NOT EMULATED: Gaussian state noise (sigma), NSAT's PCG32 stream; learning (the learning engine's job).
 *
 * Speed: everything constant per group (the input gains 2^Wgain, the leak terms that are not OFF with their
 * shift or multiplier and sign, clamps, resets) is prepared once per group object, so the loop does integer
 * shifts and double additions only. The rules are arith.ts's `zeroBitShift` / `oneBitShift`, through their
 * proven-equivalent hot-loop forms; the pre-optimisation kernel is kept as the test oracle
 * (tests/parallel/nsat-reference.ts, tests/parallel/kernels-identical.test.ts).
 */
import { oneBitShiftRight, zeroBitShiftScaled } from '../arith.js';
import { countOverflow, type CoreCounters, type GroupState } from '../state.js';
import type { NsatGroup } from '../../ir/types.js';

const MAX_STATES = 8;
const xNew = new Float64Array(MAX_STATES);
const acm = new Float64Array(MAX_STATES);
/** The group's state arrays of the current call (filled per call; typed so the loads stay monomorphic). */
const X: Int32Array[] = Array.from({ length: MAX_STATES }, () => new Int32Array(0));

/** A group's constants in the form the loop reads. */
interface PreparedNsat {
  readonly K: number;
  readonly names: readonly string[];
  /** 2^Wgain[k]: zero_bit_shift(acm, Wgain) = trunc(acm · 2^Wgain) (arith.zeroBitShiftScaled). */
  readonly gain: Float64Array;
  readonly bias: Float64Array;
  /**
   * Leak terms of state k: termStart[k] .. termStart[k+1] − 1, only those with A > −16 and sA ≠ 0 (OFF terms
   * contribute nothing). termShift = −A for A < 0 (oneBitShiftRight), 0 for A ≥ 0 (multiply by termMul = 2^A).
   */
  readonly termStart: Int32Array;
  readonly termState: Int32Array;
  readonly termShift: Int32Array;
  readonly termMul: Float64Array;
  readonly termSign: Float64Array;
  readonly clampLow: Float64Array;
  readonly clampHigh: Float64Array;
  readonly resetOn: Uint8Array;
  /** The value a state takes on a spike before clamping: resetValue if resetOn, else x + spikeIncrement. */
  readonly resetValue: Float64Array;
  readonly spikeIncrement: Float64Array;
  /** The x0 ≥ x1 threshold applies (flag set and at least two states). */
  readonly fromState1: boolean;
  /**
   * Every state has at most one leak term, on itself, with a right shift (NSAT's eRBP neurons: hidden/output
   * leak x_k by x_k >> s; error neurons do not leak). Then selfShift/selfSign give it per state, 0/0 for none.
   */
  readonly diagonalShift: boolean;
  /** Bias, clamps, accumulator bounds, reset values and increments are all int32 (see stepNsat2Diagonal). */
  readonly int32: boolean;
  readonly selfShift: Int32Array;
  readonly selfSign: Float64Array;
}

const preparedGroups = new WeakMap<NsatGroup, PreparedNsat>();

function prepare(g: NsatGroup): PreparedNsat {
  let p = preparedGroups.get(g);
  if (p !== undefined) return p;
  const K = g.states;
  const termStart = new Int32Array(K + 1);
  const state: number[] = [];
  const shift: number[] = [];
  const mul: number[] = [];
  const sign: number[] = [];
  let diagonalShift = true;
  for (let k = 0; k < K; k++) {
    const A = g.leakShift[k]!;
    const sA = g.leakSign[k]!;
    for (let l = 0; l < K; l++) {
      if (A[l]! <= -16 || sA[l] === 0) continue;
      state.push(l);
      shift.push(A[l]! < 0 ? -A[l]! : 0);
      mul.push(A[l]! < 0 ? 0 : 2 ** A[l]!);
      sign.push(sA[l]!);
      if (l !== k || A[l]! >= 0) diagonalShift = false;
    }
    termStart[k + 1] = state.length;
    if (termStart[k + 1]! - termStart[k]! > 1) diagonalShift = false;
  }
  // A missing term is sign 0 with shift 0: 0 · oneBitShiftRight(x, 0) = ±0, and x + ±0 = x for the integer sums here.
  const selfShift = new Int32Array(K);
  const selfSign = new Float64Array(K);
  if (diagonalShift) {
    for (let k = 0; k < K; k++) {
      if (termStart[k + 1]! > termStart[k]!) {
        selfShift[k] = shift[termStart[k]!]!;
        selfSign[k] = sign[termStart[k]!]!;
      }
    }
  }
  const f64 = (a: readonly number[]) => Float64Array.from(a);
  const isInt32 = (x: number) => x === (x | 0);
  const int32 = [...g.bias, ...g.clampLow, ...g.clampHigh, ...g.resetValue, ...g.spikeIncrement, g.accLow, g.accHigh].every(isInt32);
  p = {
    K, names: Array.from({ length: K }, (_, k) => `x${k}`), gain: Float64Array.from(g.wgain, (a) => 2 ** a), bias: f64(g.bias),
    termStart, termState: Int32Array.from(state), termShift: Int32Array.from(shift), termMul: f64(mul), termSign: f64(sign),
    clampLow: f64(g.clampLow), clampHigh: f64(g.clampHigh), resetOn: Uint8Array.from(g.resetOn, (b) => (b ? 1 : 0)),
    resetValue: f64(g.resetValue), spikeIncrement: f64(g.spikeIncrement), fromState1: g.thresholdFromState1 && K > 1,
    diagonalShift, int32, selfShift, selfSign,
  };
  preparedGroups.set(g, p);
  return p;
}

export function stepNsatGroup(
  gs: GroupState,
  input: Float64Array,
  inputBase: number,
  portStride: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
): number {
  const g = gs.group as NsatGroup;
  const P = prepare(g);
  if (P.K === 2 && P.diagonalShift && P.int32) return stepNsat2Diagonal(gs, P, input, inputBase, portStride, counters, spiked, count);
  const K = P.K;
  for (let k = 0; k < K; k++) X[k] = gs.arrays[P.names[k]!]!;
  const REF = gs.arrays.ref!;
  const { gain, bias, termStart, termState, termShift, termMul, termSign, clampLow, clampHigh, resetOn, resetValue, spikeIncrement, fromState1 } = P;
  const accLow = g.accLow;
  const accHigh = g.accHigh;
  const threshold = g.threshold;
  const refractory = g.refractory;
  const first = g.first;
  const size = g.size;
  const reset0 = resetOn[0] === 1;
  const resetValue0 = resetValue[0]!;
  let accSat = 0;
  let clamps = 0;
  for (let j = 0; j < size; j++) {
    const slot = inputBase + first + j;
    for (let k = 0, s = slot; k < K; k++, s += portStride) {
      const raw = zeroBitShiftScaled(input[s]!, gain[k]!);
      input[s] = 0;
      const a = raw < accLow ? accLow : raw > accHigh ? accHigh : raw;
      if (a !== raw) accSat++;
      acm[k] = a;
    }
    for (let k = 0; k < K; k++) {
      let x = X[k]![j]! + acm[k]! + bias[k]!;
      for (let m = termStart[k]!; m < termStart[k + 1]!; m++) {
        const xl = X[termState[m]!]![j]!;
        const s = termShift[m]!;
        x += termSign[m]! * (s !== 0 ? oneBitShiftRight(xl, s) : xl * termMul[m]!);
      }
      xNew[k] = x;
    }
    let ref = REF[j]!;
    if (ref > 0) {
      if (reset0) xNew[0] = resetValue0;
      ref--;
    }
    const fire = ref === 0 && (fromState1 ? xNew[0]! >= xNew[1]! : xNew[0]! >= threshold);
    for (let k = 0; k < K; k++) {
      const x = xNew[k]!;
      const lo = clampLow[k]!;
      const hi = clampHigh[k]!;
      const c = x < lo ? lo : x > hi ? hi : x;
      if (c !== x) clamps++;
      xNew[k] = c;
    }
    if (fire) {
      ref = refractory;
      spiked[count++] = first + j;
      for (let k = 0; k < K; k++) {
        const y = resetOn[k] === 1 ? resetValue[k]! : xNew[k]! + spikeIncrement[k]!;
        const lo = clampLow[k]!;
        const hi = clampHigh[k]!;
        xNew[k] = y < lo ? lo : y > hi ? hi : y;
      }
    }
    for (let k = 0; k < K; k++) X[k]![j] = xNew[k]!;
    REF[j] = ref;
  }
  counters.compartmentUpdates += size;
  countOverflow(counters, 'acc', 0, accSat);
  countOverflow(counters, 'x', 0, clamps);
  return count;
}

/**
 * The eRBP configuration (two states, each leaking by a right shift of itself or not at all) with every constant
 * in a local: the same operations as the general loop above, in the same order.
 *
 * Why the int32 locals (`| 0`, exact: `PreparedNsat.int32`): the clamped input lies in [accLow, accHigh] and the
 * state is an Int32Array element, so every operand of the sums is an int32 and V8 adds them as int32 with an
 * overflow check (falling back to doubles on overflow — plain JS semantics, so no result can change); with double
 * operands it would add, compare and convert in floating point, measured ≈ 1.3× slower.
 */
function stepNsat2Diagonal(
  gs: GroupState,
  P: PreparedNsat,
  input: Float64Array,
  inputBase: number,
  portStride: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
): number {
  const g = gs.group as NsatGroup;
  const X0 = gs.arrays.x0!;
  const X1 = gs.arrays.x1!;
  const REF = gs.arrays.ref!;
  const gain0 = P.gain[0]!;
  const gain1 = P.gain[1]!;
  const b0 = P.bias[0]! | 0;
  const b1 = P.bias[1]! | 0;
  const s0 = P.selfShift[0]!;
  const s1 = P.selfShift[1]!;
  // The self-leak term ±oneBitShiftRight(x, s) or 0, as masks: neg = −1 negates ((r ^ −1) − (−1) = −r), has = 0
  // drops the term. Multiplying by the sign instead would produce −0 for 0 · (negative r), which makes V8 leave
  // int32 arithmetic for the whole loop.
  const m0 = (1 << s0) - 1;
  const m1 = (1 << s1) - 1;
  const neg0 = P.selfSign[0]! < 0 ? -1 : 0;
  const neg1 = P.selfSign[1]! < 0 ? -1 : 0;
  const has0 = P.selfSign[0]! !== 0 ? -1 : 0;
  const has1 = P.selfSign[1]! !== 0 ? -1 : 0;
  const lo0 = P.clampLow[0]! | 0;
  const hi0 = P.clampHigh[0]! | 0;
  const lo1 = P.clampLow[1]! | 0;
  const hi1 = P.clampHigh[1]! | 0;
  const reset0 = P.resetOn[0] === 1;
  const reset1 = P.resetOn[1] === 1;
  const rv0 = P.resetValue[0]! | 0;
  const rv1 = P.resetValue[1]! | 0;
  const inc0 = P.spikeIncrement[0]! | 0;
  const inc1 = P.spikeIncrement[1]! | 0;
  const fromState1 = P.fromState1;
  const accLow = g.accLow | 0;
  const accHigh = g.accHigh | 0;
  const threshold = g.threshold;
  const refractory = g.refractory;
  const first = g.first;
  const size = g.size;
  let accSat = 0;
  let clamps = 0;
  for (let j = 0; j < size; j++) {
    const slot0 = inputBase + first + j;
    const slot1 = slot0 + portStride;
    const raw0 = Math.trunc(input[slot0]! * gain0); // zeroBitShiftScaled, inlined
    input[slot0] = 0;
    let a0: number;
    if (raw0 < accLow) {
      a0 = accLow;
      accSat++;
    } else if (raw0 > accHigh) {
      a0 = accHigh;
      accSat++;
    } else a0 = raw0 | 0; // within [accLow, accHigh] ⊂ int32: exact (−0 becomes 0, the same sum)
    const raw1 = Math.trunc(input[slot1]! * gain1);
    input[slot1] = 0;
    let a1: number;
    if (raw1 < accLow) {
      a1 = accLow;
      accSat++;
    } else if (raw1 > accHigh) {
      a1 = accHigh;
      accSat++;
    } else a1 = raw1 | 0;
    const x0 = X0[j]!;
    const x1 = X1[j]!;
    // oneBitShiftRight(x, s), inlined (0 − x, not −x: +0 for x = 0 keeps the expression int32).
    let r0 = (x0 + ((x0 >> 31) & m0)) >> s0;
    if (r0 === 0) r0 = (x0 >> 31) | ((0 - x0) >>> 31);
    let r1 = (x1 + ((x1 >> 31) & m1)) >> s1;
    if (r1 === 0) r1 = (x1 >> 31) | ((0 - x1) >>> 31);
    let y0 = x0 + a0 + b0 + (((r0 ^ neg0) - neg0) & has0);
    let y1 = x1 + a1 + b1 + (((r1 ^ neg1) - neg1) & has1);
    let ref = REF[j]!;
    if (ref > 0) {
      if (reset0) y0 = rv0;
      ref--;
    }
    const fire = ref === 0 && (fromState1 ? y0 >= y1 : y0 >= threshold);
    if (y0 < lo0) {
      y0 = lo0;
      clamps++;
    } else if (y0 > hi0) {
      y0 = hi0;
      clamps++;
    }
    if (y1 < lo1) {
      y1 = lo1;
      clamps++;
    } else if (y1 > hi1) {
      y1 = hi1;
      clamps++;
    }
    if (fire) {
      ref = refractory;
      spiked[count++] = first + j;
      const z0 = reset0 ? rv0 : y0 + inc0;
      const z1 = reset1 ? rv1 : y1 + inc1;
      y0 = z0 < lo0 ? lo0 : z0 > hi0 ? hi0 : z0;
      y1 = z1 < lo1 ? lo1 : z1 > hi1 ? hi1 : z1;
    }
    X0[j] = y0;
    X1[j] = y1;
    REF[j] = ref;
  }
  counters.compartmentUpdates += size;
  countOverflow(counters, 'acc', 0, accSat);
  countOverflow(counters, 'x', 0, clamps);
  return count;
}
