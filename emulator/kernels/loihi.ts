/**
 * Loihi-1 CUBA compartment kernel (IR model `loihi`), exactly the nengo-loihi emulator in integer mode
 * (golden/loihi README §5, research/chips.md §1.7).
 *
 * EMULATED: 12-bit decays with the u offset of 1, q/u/u2 two's-complement wraps at the group's widths, bias
 * mantissa·2^exp added after the u update, v clamp to [vmin, vmax] before the strict threshold test, reset to 0,
 * refractory counter (v held at 0 for refractDelay − 1 steps while u integrates), optional v wrap (vBits).
 * NOT EMULATED: compartment noise (nengo-loihi draws it from numpy; never chip-exact), multi-compartment joins,
 * the chip's reuse of the v register as the refractory counter (golden README §7.1).
 */
import { wrapSigned } from '../arith.js';
import { countOverflow, type CoreCounters, type GroupState } from '../state.js';
import type { LoihiGroup } from '../../ir/types.js';

/** 2^0 … 2^31 (a table lookup instead of a power per compartment). */
const POW2 = Float64Array.from({ length: 32 }, (_, k) => 2 ** k);

/**
 * Updates every compartment of a `loihi` group for one step. `input` holds the summed synaptic input q of the
 * core's compartments starting at `inputBase` (the group's compartment `first` is at inputBase + first); it is
 * consumed (zeroed). Core-local indices of spiking compartments are appended to `spiked` from `count`; returns
 * the new count.
 */
export function stepLoihiGroup(
  gs: GroupState,
  input: Float64Array,
  inputBase: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
): number {
  const g = gs.group as LoihiGroup;
  const U = gs.arrays.u!;
  const V = gs.arrays.v!;
  const REF = gs.arrays.ref!;
  const { decayU, decayV, vthMant, biasMant, biasExp, refractDelay, vmin, vmax, qBits, uBits, vBits, first, size } = g;
  const qHalf = 2 ** (qBits - 1);
  const uHalf = 2 ** (uBits - 1);
  const vHalf = vBits === null ? Infinity : 2 ** (vBits - 1);
  let qWraps = 0;
  let uWraps = 0;
  let u2Wraps = 0;
  let vWraps = 0;
  let vClamps = 0;
  for (let i = 0; i < size; i++) {
    const slot = inputBase + first + i;
    let q = input[slot]!;
    input[slot] = 0;
    if (q < -qHalf || q >= qHalf) {
      qWraps++;
      q = wrapSigned(q, qBits);
    }
    // decayLoihi inlined; below 2^19 the product fits 31 bits, so an integer shift gives the same floor.
    const x = U[i]!;
    const ru = 4095 - decayU[i]!;
    let u = (x >= 0
      ? (x < 524288 ? (x * ru) >> 12 : Math.floor((x * ru) / 4096))
      : (x > -524288 ? 0 - ((-x * ru) >> 12) : 0 - Math.floor((-x * ru) / 4096))) + q;
    if (u < -uHalf || u >= uHalf) {
      uWraps++;
      u = wrapSigned(u, uBits);
    }
    U[i] = u;
    const be = biasExp[i]!;
    let u2 = u + biasMant[i]! * (be >= 0 && be < 32 ? POW2[be]! : 2 ** be);
    if (u2 < -uHalf || u2 >= uHalf) {
      u2Wraps++;
      u2 = wrapSigned(u2, uBits);
    }
    const y = V[i]!;
    const rv = 4096 - decayV[i]!;
    let v = (y >= 0
      ? (y < 524288 ? (y * rv) >> 12 : Math.floor((y * rv) / 4096))
      : (y > -524288 ? 0 - ((-y * rv) >> 12) : 0 - Math.floor((-y * rv) / 4096))) + u2;
    if (v < -vHalf || v >= vHalf) {
      vWraps++;
      v = wrapSigned(v, vBits!);
    }
    if (v < vmin) {
      v = vmin;
      vClamps++;
    } else if (v > vmax) {
      v = vmax;
      vClamps++;
    }
    let ref = REF[i]!;
    if (ref > 0) v = 0;
    if (v > vthMant[i]! * 64) {
      v = 0;
      ref = refractDelay[i]!;
      spiked[count++] = first + i;
    }
    V[i] = v;
    REF[i] = ref > 0 ? ref - 1 : 0;
  }
  counters.compartmentUpdates += size;
  countOverflow(counters, 'q', qWraps, 0);
  countOverflow(counters, 'u', uWraps, 0);
  countOverflow(counters, 'u2', u2Wraps, 0);
  countOverflow(counters, 'v', vWraps, vClamps);
  return count;
}
