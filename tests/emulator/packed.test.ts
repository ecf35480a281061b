/** packed.ts builds the same arrays as `map` / `Array.from` (its point — always PACKED — is tested in tests/parallel/deopt.test.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packedFill, packedMap } from '../../emulator/packed.js';

describe('packedMap / packedFill', () => {
  it('packedMap(src, f) equals src.map(f), indices included, for arrays and typed arrays', () => {
    fc.assert(fc.property(fc.array(fc.integer()), (xs) => {
      const f = (x: number, i: number) => [x, i];
      expect(packedMap(xs, f)).toEqual(xs.map(f));
      expect(packedMap(Int32Array.from(xs), f)).toEqual(Array.from(Int32Array.from(xs), f));
    }));
  });

  it('packedFill(n, f) equals Array.from({ length: n }, (_, i) => f(i)) and has no holes', () => {
    fc.assert(fc.property(fc.nat(200), (n) => {
      const a = packedFill(n, (i) => i * i);
      expect(a).toEqual(Array.from({ length: n }, (_, i) => i * i));
      expect(Object.keys(a).length).toBe(n);
    }));
  });
});
