import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALWAYS, bernoulliThreshold, draw, uniformInt } from '../../emulator/prng.js';

describe('counter-based PRNG', () => {
  it('is a pure function of its key (determinism) and returns uint32', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.nat({ max: 20 }), (s, t, c, i, st) => {
        const a = draw(s, t, c, i, st);
        expect(draw(s, t, c, i, st)).toBe(a);
        expect(Number.isInteger(a) && a >= 0 && a < ALWAYS).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('is uniform: chi-square over 64 buckets of 64k draws along the index axis stays within bound', () => {
    const B = 64;
    const N = 65536;
    const counts = new Array<number>(B).fill(0);
    for (let i = 0; i < N; i++) counts[Math.floor(draw(1234, 7, 3, i, 1) / 2 ** 26)]!++;
    const e = N / B;
    const chi = counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0);
    // 63 degrees of freedom: the 99.99th percentile is about 117.
    expect(chi).toBeLessThan(117);
  });

  it('is uniform along the step axis too (the axis a Poisson source walks)', () => {
    const B = 32;
    const N = 32768;
    const counts = new Array<number>(B).fill(0);
    for (let t = 0; t < N; t++) counts[Math.floor(draw(99, t, 0x40000000, 5, 2) / 2 ** 27)]!++;
    const e = N / B;
    const chi = counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0);
    expect(chi).toBeLessThan(70); // 31 dof, 99.99th percentile ≈ 67
  });

  it('neighbouring keys are independent: each output bit flips about half the time, bits uncorrelated', () => {
    let flips = 0;
    let n = 0;
    for (let i = 0; i < 4000; i++) {
      for (const [a, b] of [
        [draw(1, i, 0, 0, 1), draw(1, i + 1, 0, 0, 1)],
        [draw(1, 0, i, 0, 1), draw(1, 0, i, 1, 1)],
        [draw(i, 0, 0, 0, 1), draw(i + 1, 0, 0, 0, 1)],
        [draw(1, 0, 0, i, 1), draw(1, 0, 0, i, 2)],
      ] as const) {
        let x = (a ^ b) >>> 0;
        while (x) {
          flips += x & 1;
          x >>>= 1;
        }
        n += 32;
      }
    }
    expect(Math.abs(flips / n - 0.5)).toBeLessThan(0.005);
    // Pearson correlation between consecutive-index draws is near 0.
    const xs: number[] = [];
    for (let i = 0; i < 20001; i++) xs.push(draw(5, 1, 2, i, 1) / ALWAYS);
    let sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
    const m = xs.length - 1;
    for (let i = 0; i < m; i++) {
      const x = xs[i]!, y = xs[i + 1]!;
      sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y;
    }
    const r = (m * sxy - sx * sy) / Math.sqrt((m * sxx - sx * sx) * (m * syy - sy * sy));
    expect(Math.abs(r)).toBeLessThan(0.03);
  });

  it('bernoulliThreshold gives the right frequency and the exact ends', () => {
    expect(bernoulliThreshold(0)).toBe(0);
    expect(bernoulliThreshold(1)).toBe(ALWAYS);
    expect(bernoulliThreshold(0.5)).toBe(2 ** 31);
    const thr = bernoulliThreshold(0.3);
    let hits = 0;
    const N = 40000;
    for (let i = 0; i < N; i++) if (draw(7, i, 1, 2, 1) < thr) hits++;
    // binomial sd = sqrt(N·0.21) ≈ 92; allow 5 sd
    expect(Math.abs(hits - 0.3 * N)).toBeLessThan(460);
  });

  it('uniformInt stays in range', () => {
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 1, max: 1 << 20 }), (i, n) => {
      const u = uniformInt(draw(3, 3, 3, i, 3), n);
      expect(u >= 0 && u < n).toBe(true);
    }), { numRuns: 200 });
  });
});
