/**
 * TEST ORACLE: the straightforward `cuba` kernel as it was before the performance work (emulator/kernels/cuba.ts
 * at the first commit), kept verbatim in behaviour so the optimised kernel can be checked against it bit for bit.
 * Generalised current-based compartment kernel (IR model `cuba`, the default target).
 *
 * EMULATED: per state variable a decay mode (Loihi 12-bit multiplicative with offset, shift leak with NSAT's
 * never-zero option, linear leak toward zero, none), a width with wrap or saturate, floor/ceiling clamps; input
 * sums wrapped/saturated once per step; bias; strict or non-strict threshold; reset to a value, by subtracting
 * the threshold, or none; refractory hold; an optional dendritic compartment fed by port 1.
 * NOT EMULATED: noise inside the compartment (use a Poisson source projecting into the compartment instead).
 */
import { decayLoihi, linearLeak, saturate, shiftLeak, wrapSigned } from '../../emulator/arith.js';
import { countOverflow, type CoreCounters, type GroupState } from '../../emulator/state.js';
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

/** Tallies of one state variable during one kernel call. */
class Tally {
  wraps = 0;
  sats = 0;
}

/** Leak + add + overflow + clamp for one state variable; counts wraps and saturations (clamps count as such). */
function integrate(sv: StateVar, x: number, reg: number, add: number, t: Tally): number {
  const raw = leakState(sv, x, reg) + add;
  let y = applyOverflow(raw, sv.bits, sv.overflow);
  if (y !== raw) {
    if (sv.overflow === 'wrap') t.wraps++;
    else t.sats++;
  }
  const lo = sv.floor ?? -Infinity;
  const hi = sv.ceiling ?? Infinity;
  if (y < lo || y > hi) {
    y = saturate(y, lo, hi);
    t.sats++;
  }
  return y;
}

/** Updates every compartment of a `cuba` group for one step; see `stepLoihiGroup` for the calling convention. */
export function stepCubaGroupReference(
  gs: GroupState,
  input: Float64Array,
  inputBase: number,
  portStride: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
): number {
  const g = gs.group as CubaGroup;
  const { first, size, current, v: vs, dendrite, bias, threshold, compare, reset, refractDelay, refractoryValue } = g;
  const V = gs.arrays.v!;
  const I = current ? gs.arrays.i! : null;
  const D = dendrite ? gs.arrays[dendrite.name]! : null;
  const REF = gs.arrays.ref!;
  const tIn = new Tally();
  const tI = new Tally();
  const tV = new Tally();
  const tD = new Tally();
  const strict = compare === 'gt';
  for (let k = 0; k < size; k++) {
    const slot = inputBase + first + k;
    const raw0 = input[slot]!;
    input[slot] = 0;
    const in0 = applyOverflow(raw0, g.inputBits, g.inputOverflow);
    if (in0 !== raw0) g.inputOverflow === 'wrap' ? tIn.wraps++ : tIn.sats++;
    let i = in0;
    if (I !== null) {
      i = integrate(current!, I[k]!, current!.decayReg[k]!, in0, tI);
      I[k] = i;
    }
    let v = integrate(vs, V[k]!, vs.decayReg[k]!, i + bias[k]!, tV);
    if (D !== null) {
      const s1 = slot + portStride;
      const raw1 = input[s1]!;
      input[s1] = 0;
      const in1 = applyOverflow(raw1, g.inputBits, g.inputOverflow);
      if (in1 !== raw1) g.inputOverflow === 'wrap' ? tIn.wraps++ : tIn.sats++;
      D[k] = integrate(dendrite!, D[k]!, dendrite!.decayReg[k]!, in1, tD);
    }
    let ref = REF[k]!;
    if (ref > 0) {
      v = refractoryValue;
      ref--;
    } else {
      const th = threshold[k]!;
      if (strict ? v > th : v >= th) {
        spiked[count++] = first + k;
        if (reset.mode === 'value') v = reset.value;
        else if (reset.mode === 'subtract') v = applyOverflow(v - th, vs.bits, vs.overflow);
        ref = refractDelay[k]!;
      }
    }
    V[k] = v;
    REF[k] = ref;
  }
  counters.compartmentUpdates += size;
  countOverflow(counters, 'in', tIn.wraps, tIn.sats);
  countOverflow(counters, 'i', tI.wraps, tI.sats);
  countOverflow(counters, 'v', tV.wraps, tV.sats);
  if (dendrite) countOverflow(counters, dendrite.name, tD.wraps, tD.sats);
  return count;
}
