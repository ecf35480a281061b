/**
 * The check every kernel differential test makes after one step of an optimised kernel (`b`) and its reference
 * (`a`) on copies of the same group and input: the same spike count and spike list, every state array equal,
 * and the same input slots consumed (read and cleared).
 */
import { expect } from 'vitest';
import type { GroupState } from '../../emulator/state.js';

export function expectSameStep(
  t: number,
  names: readonly string[],
  a: { readonly gs: GroupState; readonly n: number; readonly spikes: Int32Array; readonly input: Float64Array },
  b: { readonly gs: GroupState; readonly n: number; readonly spikes: Int32Array; readonly input: Float64Array },
): void {
  expect(b.n).toBe(a.n);
  expect(Array.from(b.spikes.subarray(0, b.n))).toEqual(Array.from(a.spikes.subarray(0, a.n)));
  for (const n of names) expect(Array.from(b.gs.arrays[n]!), `${n} t=${t}`).toEqual(Array.from(a.gs.arrays[n]!));
  expect(Array.from(b.input)).toEqual(Array.from(a.input));
}
