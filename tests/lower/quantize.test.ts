import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decayLoihi, discretizeWeightLoihi, LOIHI_WEIGHT_BITS_MAP } from '../../emulator/arith.js';
import {
  chooseWeightExponent,
  dequantizeWeights,
  quantizeBias,
  quantizeDecay,
  quantizeThreshold,
  quantizeWeights,
  signModeFor,
  weightFormat,
  weightStep,
} from '../../compiler/lower/quantize.js';
import { quantDiagnostics, renderQuantSummary } from '../../compiler/lower/quantReport.js';
import { applyOverrides, resolveTarget, type TargetProfile } from '../../compiler/target/index.js';

const loihi = resolveTarget('loihi1').profile!;
const dflt = resolveTarget('default').profile!;
const dflt8 = resolveTarget('default', ['synapse.weight.mant_bits=8']).profile!;
const nsat = resolveTarget('nsat').profile!;
const withBits = (p: TargetProfile, b: number) => applyOverrides(p, [`synapse.weight.mant_bits=${b}`]).profile!;
const info = { group: 'a->b weights' };

const weights = fc
  .array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 })
  .map((a) => Float64Array.from(a));

describe('weight quantization', () => {
  it('in-range values come back within half a step', () => {
    fc.assert(
      fc.property(weights, fc.constantFrom(loihi, dflt, nsat), (w, p) => {
        const fmt = weightFormat(p.synapse.weight, signModeFor(w, p.synapse.weight)!);
        const q = quantizeWeights(w, fmt, info);
        if (q.report.saturated > 0) return; // out of range even at the largest exponent
        const back = dequantizeWeights(q);
        for (let i = 0; i < w.length; i++) expect(Math.abs(back[i]! - w[i]!)).toBeLessThanOrEqual(q.step / 2);
        expect(q.report.maxError).toBeLessThanOrEqual(q.step / 2);
        for (const m of q.mant) expect(m >= fmt.mantMin && m <= fmt.mantMax).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('chooses the finest exponent that fits the largest |w|', () => {
    fc.assert(
      fc.property(weights, (w) => {
        const fmt = weightFormat(dflt.synapse.weight, 'mixed');
        const e = chooseWeightExponent(w, fmt);
        const q = quantizeWeights(w, fmt, info, e);
        if (e > fmt.expMin) {
          // One exponent finer must overflow the mantissa range.
          expect(quantizeWeights(w, fmt, info, e - 1).report.saturated).toBeGreaterThan(0);
        }
        if (e < fmt.expMax) expect(q.report.saturated).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('bounds of a plastic weight must fit within one step: the finest such exponent, never the weights saturated', () => {
    fc.assert(
      fc.property(weights, fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), (w, hiB, loFrac) => {
        const fmt = weightFormat(dflt.synapse.weight, 'mixed');
        const bounds: [number, number] = [-hiB * loFrac, hiB];
        const e = chooseWeightExponent(w, fmt, bounds);
        if (e === fmt.expMax) return;
        const s = weightStep(fmt, e);
        // The weights fit, the bounds fit to within one step...
        expect(quantizeWeights(w, fmt, info, e).report.saturated).toBe(0);
        expect(Math.round(bounds[1] / s)).toBeLessThanOrEqual(fmt.mantMax + 1);
        expect(Math.round(bounds[0] / s)).toBeGreaterThanOrEqual(fmt.mantMin - 1);
        // ...and one exponent finer, something does not.
        if (e > fmt.expMin) {
          const f = weightStep(fmt, e - 1);
          const weightsFit = quantizeWeights(w, fmt, info, e - 1).report.saturated === 0;
          const boundsFit = Math.round(bounds[1] / f) <= fmt.mantMax + 1 && Math.round(bounds[0] / f) >= fmt.mantMin - 1;
          expect(weightsFit && boundsFit).toBe(false);
        }
        // Without the bounds, never a coarser exponent.
        expect(chooseWeightExponent(w, fmt)).toBeLessThanOrEqual(e);
      }),
      { numRuns: 300 },
    );
  });

  it('a bound a hair below a power of two of the step keeps the finer step (the 8-bit eRBP bound case)', () => {
    const fmt = weightFormat(dflt8.synapse.weight, 'mixed');
    const step10 = weightStep(fmt, 10);
    const bound = 128 * step10 * (1 - 1e-7); // rounds to 128 = mantMax + 1 at exponent 10
    const w = Float64Array.from([0.2 * bound, -0.2 * bound]);
    expect(chooseWeightExponent(w, fmt, [-bound, bound])).toBe(10);
    // Two steps beyond the range is not within one step: the next exponent.
    expect(chooseWeightExponent(w, fmt, [-bound, 129.6 * step10])).toBe(11);
  });

  it('out-of-range values saturate to the range ends and are counted', () => {
    fc.assert(
      fc.property(weights, fc.integer({ min: 0, max: 16 }), (w, e) => {
        const fmt = weightFormat(dflt.synapse.weight, 'mixed');
        const q = quantizeWeights(w, fmt, info, e);
        const s = weightStep(fmt, e);
        let expected = 0;
        w.forEach((v, i) => {
          const r = Math.round(v / s); // ties cannot leave the range: the range ends are integers
          if (r > fmt.mantMax || r < fmt.mantMin) {
            expected++;
            expect(q.mant[i]).toBe(r > 0 ? fmt.mantMax : fmt.mantMin);
          }
        });
        expect(q.report.saturated).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('more mantissa bits never increase the max error', () => {
    const ladder = (p: TargetProfile, bits: number[]) => bits.map((b) => withBits(p, b));
    const loihiLadder = ladder(loihi, [2, 3, 4, 5, 6, 8]);
    const defaultLadder = ladder(dflt, [2, 3, 4, 6, 8, 10, 12, 16]);
    fc.assert(
      fc.property(weights, fc.constantFrom(loihiLadder, defaultLadder), (w, profiles) => {
        let prev = Infinity;
        for (const p of profiles) {
          const q = quantizeWeights(w, weightFormat(p.synapse.weight, 'mixed'), info);
          expect(q.report.maxError).toBeLessThanOrEqual(prev);
          prev = q.report.maxError;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rounds ties half to even', () => {
    const fmt = weightFormat(dflt.synapse.weight, 'mixed');
    const q = quantizeWeights(Float64Array.from([0.5, 1.5, 2.5, -0.5, -2.5, 3.5, 100]), fmt, info, 0);
    expect(Array.from(q.mant)).toEqual([0, 2, 2, 0, -2, 4, 100]);
    expect(q.report.underflowed).toBe(2); // ±0.5 became 0
  });

  it('Loihi mantissa/exponent pairs are exactly what nengo-loihi discretisation delivers', () => {
    fc.assert(
      fc.property(weights, fc.constantFrom(1, 2, 3, 4, 5, 6, 7), fc.boolean(), (w, field, mixed) => {
        const p = withBits(loihi, LOIHI_WEIGHT_BITS_MAP[field]!);
        const values = mixed ? w : w.map(Math.abs);
        const fmt = weightFormat(p.synapse.weight, mixed ? 'mixed' : 'excitatory');
        const q = quantizeWeights(values, fmt, info);
        for (let i = 0; i < values.length; i++) {
          // The container-aligned mantissa in −256..255, as nengo-loihi's discretize_weights takes it.
          const mant9 = q.mant[i]! * 2 ** fmt.alignShift;
          expect(discretizeWeightLoihi(mant9, q.exp, field, mixed)).toBe(q.mant[i]! * q.step);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('picks single-sign modes when the group allows and refuses mixed signs without a mixed mode', () => {
    const odin = resolveTarget('odin').profile!;
    expect(signModeFor(Float64Array.from([1, 2]), loihi.synapse.weight)).toBe('excitatory');
    expect(signModeFor(Float64Array.from([-1, 0]), loihi.synapse.weight)).toBe('inhibitory');
    expect(signModeFor(Float64Array.from([-1, 1]), loihi.synapse.weight)).toBe('mixed');
    expect(signModeFor(Float64Array.from([-1, 1]), odin.synapse.weight)).toBeUndefined();
  });

  it('strict mode turns saturation and underflow into errors', () => {
    const fmt = weightFormat(dflt.synapse.weight, 'mixed');
    const q = quantizeWeights(Float64Array.from([1e12, 0.1, 5]), fmt, info);
    expect(q.exp).toBe(16); // 1e12 does not fit even at the largest exponent
    expect(q.report.saturated).toBe(1);
    expect(q.report.underflowed).toBe(2); // 0.1 and 5 are below half a step of 2^16
    const loose = quantDiagnostics(q.report, false);
    expect(loose.map((d) => d.severity)).toEqual(['warning', 'warning']);
    const strict = quantDiagnostics(q.report, true);
    expect(strict.map((d) => [d.code, d.severity])).toEqual([
      ['SNN3101', 'error'],
      ['SNN3102', 'error'],
    ]);
    expect(renderQuantSummary([q.report])).toMatch(/a->b weights\s+3\s+16/);
  });
});

describe('scalar registers', () => {
  it('threshold: mantissa << shift, rounded half to even, clamped to 1..2^bits−1', () => {
    const t = loihi.neuron.threshold;
    expect(quantizeThreshold(1000 * 64, t, info).mant).toBe(1000);
    expect(quantizeThreshold(96, t, info).mant).toBe(2); // 1.5 → 2
    expect(quantizeThreshold(160, t, info).mant).toBe(2); // 2.5 → 2
    const big = quantizeThreshold(2 ** 30, t, info);
    expect(big.mant).toBe(2 ** 17 - 1);
    expect(big.report.saturated).toBe(1);
    expect(quantizeThreshold(10, t, info).report.underflowed).toBe(1);
  });

  it('bias: smallest exponent at which the mantissa fits', () => {
    const b = loihi.neuron.bias;
    expect(quantizeBias(6400, b, info)).toMatchObject({ mant: 3200, exp: 1, value: 6400 });
    expect(quantizeBias(-4095, b, info)).toMatchObject({ mant: -4095, exp: 0 });
    const huge = quantizeBias(4095 * 128 * 2, b, info);
    expect(huge).toMatchObject({ mant: 4095, exp: 7 });
    expect(huge.report.saturated).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: -4095 * 128, max: 4095 * 128 }), (x) => {
        const q = quantizeBias(x, b, info);
        expect(Math.abs(q.value - x)).toBeLessThanOrEqual(2 ** q.exp / 2);
        expect(Math.abs(q.mant)).toBeLessThanOrEqual(4095);
      }),
      { numRuns: 200 },
    );
  });

  it('loihi12 decay: the register reproduces exp(−1/τ) within one LSB, with the current offset', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e4, noNaN: true }), fc.constantFrom(0, 1), (tau, offset) => {
        const q = quantizeDecay(tau, loihi.neuron.decay, offset, info);
        expect(q.register).toBeGreaterThanOrEqual(0);
        expect(q.register).toBeLessThanOrEqual(4095);
        // Apply the chip's own decay to a large state and compare with the float retention.
        const x = 2 ** 24;
        const got = decayLoihi(x, q.register, offset) / x;
        expect(Math.abs(got - Math.exp(-1 / tau))).toBeLessThanOrEqual(1 / 4096 + 1e-9);
      }),
      { numRuns: 200 },
    );
    // No leak on the voltage is exact; on Loihi's current the +1 register forces a 1/4096 leak (chips.md §1.2).
    expect(quantizeDecay(null, loihi.neuron.decay, 0, info).report.maxError).toBe(0);
    const cur = quantizeDecay(null, loihi.neuron.decay, 1, info);
    expect(cur.register).toBe(0);
    expect(cur.effective).toBeCloseTo(4095.5, 0);
  });

  it('shift decay picks k with τ ≈ 2^k and linear decay rounds λ', () => {
    expect(quantizeDecay(128, nsat.neuron.decay, 0, info).register).toBe(7); // V −= V >> 7
    expect(quantizeDecay(64, nsat.neuron.decay, 0, info).register).toBe(6); // U −= U >> 6
    expect(quantizeDecay(null, nsat.neuron.decay, 0, info).register).toBe(0);
    const far = quantizeDecay(1e9, nsat.neuron.decay, 0, info);
    expect(far.register).toBe(15);
    expect(far.report.saturated).toBe(1);
    const tn = resolveTarget('truenorth').profile!;
    expect(quantizeDecay(null, tn.neuron.decay, 0, info, 2.5).register).toBe(2);
    expect(quantizeDecay(null, tn.neuron.decay, 0, info, 1000).report.saturated).toBe(1);
  });
});
