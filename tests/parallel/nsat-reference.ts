/**
 * TEST ORACLE: the straightforward `nsat` kernel as it was before the second performance pass
 * (emulator/kernels/nsat.ts, calling arith.ts's `zeroBitShift` / `oneBitShift` per state and leak term), kept
 * verbatim in behaviour so the prepared kernel can be checked against it bit for bit
 * (tests/parallel/kernels-identical.test.ts).
 */
/**
 * NSAT multi-state neuron kernel (IR model `nsat`), after nmi-lab/NSAT b0b278d `src/nsat.c` as summarised in
 * research/papers.md §1.10. Input port k feeds state k; the summed input of a tick (NSAT's acm_k) is gained by
 * zero_bit_shift(acm, Wgain[k]), clipped to [accLow, accHigh] and integrated at the next tick — the IR's
 * one-step delivery latency gives exactly that timing.
 *
 * EMULATED: leak matrix Σ sA·one_bit_shift(x_l, A), constant inputs, refractory (with reset of state 0 while
 * refractory if resetOn[0]), threshold on state 0 (or x0 ≥ x1), per-state clamp, reset or increment on a spike.
 * NOT EMULATED: Gaussian state noise (sigma), NSAT's PCG32 stream; learning (the learning engine's job).
 */
import { oneBitShift, saturate, zeroBitShift } from '../../emulator/arith.js';
import { countOverflow, type CoreCounters, type GroupState } from '../../emulator/state.js';
import type { NsatGroup } from '../../ir/types.js';

const MAX_STATES = 8;
const xNew = new Float64Array(MAX_STATES);
const acm = new Float64Array(MAX_STATES);

export function stepNsatGroupReference(
  gs: GroupState,
  input: Float64Array,
  inputBase: number,
  portStride: number,
  counters: CoreCounters,
  spiked: Int32Array,
  count: number,
): number {
  const g = gs.group as NsatGroup;
  const K = g.states;
  const X: Int32Array[] = [];
  for (let k = 0; k < K; k++) X.push(gs.arrays[`x${k}`]!);
  const REF = gs.arrays.ref!;
  let accSat = 0;
  let clamps = 0;
  for (let j = 0; j < g.size; j++) {
    const slot = inputBase + g.first + j;
    for (let k = 0; k < K; k++) {
      const raw = zeroBitShift(input[slot + k * portStride]!, g.wgain[k]!);
      input[slot + k * portStride] = 0;
      const a = saturate(raw, g.accLow, g.accHigh);
      if (a !== raw) accSat++;
      acm[k] = a;
    }
    for (let k = 0; k < K; k++) {
      let x = X[k]![j]! + acm[k]! + g.bias[k]!;
      const A = g.leakShift[k]!;
      const sA = g.leakSign[k]!;
      for (let l = 0; l < K; l++) {
        if (A[l]! <= -16 || sA[l] === 0) continue;
        x += sA[l]! * oneBitShift(X[l]![j]!, A[l]!);
      }
      xNew[k] = x;
    }
    let ref = REF[j]!;
    if (ref > 0) {
      if (g.resetOn[0]) xNew[0] = g.resetValue[0]!;
      ref--;
    }
    const fire = ref === 0 && (g.thresholdFromState1 && K > 1 ? xNew[0]! >= xNew[1]! : xNew[0]! >= g.threshold);
    for (let k = 0; k < K; k++) {
      const c = saturate(xNew[k]!, g.clampLow[k]!, g.clampHigh[k]!);
      if (c !== xNew[k]) clamps++;
      xNew[k] = c;
    }
    if (fire) {
      ref = g.refractory;
      spiked[count++] = g.first + j;
      for (let k = 0; k < K; k++) {
        const y = g.resetOn[k] ? g.resetValue[k]! : xNew[k]! + g.spikeIncrement[k]!;
        xNew[k] = saturate(y, g.clampLow[k]!, g.clampHigh[k]!);
      }
    }
    for (let k = 0; k < K; k++) X[k]![j] = xNew[k]!;
    REF[j] = ref;
  }
  counters.compartmentUpdates += g.size;
  countOverflow(counters, 'acc', 0, accSat);
  countOverflow(counters, 'x', 0, clamps);
  return count;
}
