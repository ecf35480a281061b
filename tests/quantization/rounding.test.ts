/**
 * Quantization error bounds and unbiased stochastic rounding.
 *   - round-half-even is within ½ LSB; wrap is congruent mod 2^bits and in range; saturate is the nearest
 *     in-range value;
 *   - compiled weights: without saturation every weight is within ½ step of its float value, the step covers the
 *     largest |w| with the declared mantissa, and one more mantissa bit never coarsens the step;
 *   - stochastic rounding (emulator/arith.ts with draws from emulator/prng.ts) is unbiased: over N draws with
 *     fixed seeds the mean error is within 5 standard errors of 0 (σ ≤ ½ for a Bernoulli step, so the bound is
 *     5·0.5/√N; a false alarm has probability < 1e-6 per case).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundHalfEven, saturateSigned, stochasticRound, wrapSigned } from '../../emulator/arith.js';
import { draw, STREAM_STOCHASTIC_ROUND } from '../../emulator/prng.js';
import { compileFile } from '../../compiler/compile.js';
import { smallNetwork, tempDir, writeNetwork } from '../sweep/helpers.js';

describe('integer rounding and overflow rules', () => {
  it('roundHalfEven is within ½ and rounds ties to even', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 12 }), (m, s) => {
        const x = m / 2 ** s;
        const r = roundHalfEven(x);
        expect(Number.isInteger(r)).toBe(true);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(0.5);
        if (Math.abs(r - x) === 0.5) expect(Math.abs(r) % 2).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('wrapSigned is congruent mod 2^bits and in range; saturateSigned is the nearest in-range value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 32 }), fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), (bits, x) => {
        const lo = -(2 ** (bits - 1));
        const hi = 2 ** (bits - 1) - 1;
        const w = wrapSigned(x, bits);
        expect(w).toBeGreaterThanOrEqual(lo);
        expect(w).toBeLessThanOrEqual(hi);
        expect((((x - w) % 2 ** bits) + 2 ** bits) % 2 ** bits).toBe(0);
        const s = saturateSigned(x, bits);
        expect(s).toBe(Math.min(hi, Math.max(lo, x)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('compiled weights', () => {
  it('are within ½ step without saturation; the step fits the largest weight; more bits never coarsen it', () => {
    const dir = tempDir('dendrite-qerr-');
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 0, noNaN: true }), fc.double({ min: 0.05, max: 4, noNaN: true }), fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 1, max: 1000 }),
        (lo, span, bits, seed) => {
          const file = writeNetwork(dir, smallNetwork({ wLo: lo, wHi: lo + span, seed }));
          const report = (b: number) => {
            const c = compileFile(file, { target: 'default', sets: [`synapse.weight.mant_bits=${b}`] });
            expect(c.ir).toBeDefined();
            return c.reports.quantization.find((q) => q.kind === 'weights')!;
          };
          const q = report(bits);
          const q2 = report(bits + 1);
          const tol = 1e-9 * q.maxAbs;
          expect(q.rmsError).toBeLessThanOrEqual(q.maxError + tol);
          if (q.saturated === 0) {
            expect(q.maxError).toBeLessThanOrEqual(q.step / 2 + tol);
            // the group's step covers its largest |w|: a mixed-sign mantissa holds up to 2^(b−1) steps, a single-sign
            // (excitatory/inhibitory) one up to 2^b − 1 (rounding may add ½ step)
            expect(q.step * (2 ** bits - 1) + q.step / 2).toBeGreaterThanOrEqual(q.maxAbs - tol);
          }
          expect(q2.step).toBeLessThanOrEqual(q.step);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('stochastic rounding', () => {
  it('is unbiased: mean error within 5 standard errors of 0 over N counter-based draws', () => {
    const N = 4000;
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (value, frac, seed) => {
        const exact = value / 2 ** frac;
        let sum = 0;
        for (let i = 0; i < N; i++) {
          const r = stochasticRound(value, frac, draw(seed, i, 0, 7, STREAM_STOCHASTIC_ROUND));
          expect(r === Math.floor(exact) || r === Math.floor(exact) + 1).toBe(true);
          sum += r - exact;
        }
        expect(Math.abs(sum / N)).toBeLessThanOrEqual((5 * 0.5) / Math.sqrt(N));
      }),
      { numRuns: 40 },
    );
  });

  it('has the exact expected value over all 2^n draws of its uniform integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 8 }), (value, frac) => {
        const p = 2 ** frac;
        let sum = 0;
        for (let u = 0; u < p; u++) sum += stochasticRound(value, frac, u);
        expect(sum / p).toBe(value / p);
      }),
      { numRuns: 100 },
    );
  });
});
