import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  comparePopulation,
  firingRate,
  pearson,
  relativeError,
  spikeCountCorrelation,
  stateRmse,
  vanRossum,
} from '../../analysis/compare.js';
import { spikeCounts, trainsFromLists } from '../../analysis/spike-trains.js';
import { restOffset, stateScalesFromReports } from '../../analysis/emulator-trace.js';
import { lif } from '../reference/build.js';

describe('pearson', () => {
  it('is 1 for a positive affine copy and −1 for a reversed one', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
    // Hand computation: x = [1,2,3], y = [1,3,2]: Σdxdy = 1, Σdx² = 2, Σdy² = 2 → r = 0.5.
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 14);
  });

  it('both constant and equal → 1; one constant side → undefined (NaN)', () => {
    expect(pearson([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(pearson([2, 2, 2], [1, 2, 3])).toBeNaN();
  });

  it('is invariant under positive affine maps and bounded by 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 30 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (xs, ys, a, b) => {
          const n = Math.min(xs.length, ys.length);
          const x = xs.slice(0, n);
          const y = ys.slice(0, n);
          const r = pearson(x, y);
          if (Number.isNaN(r)) return;
          expect(Math.abs(r)).toBeLessThanOrEqual(1 + 1e-12);
          expect(pearson(x.map((v) => a * v + b), y)).toBeCloseTo(r, 9);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('spike-count correlation and rates', () => {
  it('identical trains → correlation 1, van Rossum 0, rate error 0', () => {
    const t = trainsFromLists([[1, 5, 9], [2], [], [3, 4, 7, 30]]);
    expect(spikeCountCorrelation(t, t)).toBe(1);
    expect(vanRossum(t, t, 5, 40).mean).toBe(0);
    const c = comparePopulation('p', t, t, { steps: 40, dt: 0.001 });
    expect(c.count_correlation).toBe(1);
    expect(c.van_rossum).toBe(0);
    expect(c.rate_rel_error).toBe(0);
    // 8 spikes / (4 neurons · 40 ms) = 50 Hz.
    expect(c.rate_fixed_hz).toBeCloseTo(50, 12);
  });

  it('counts and firing rate of a known train', () => {
    const t = trainsFromLists([[1, 2], [], [5]]);
    expect(Array.from(spikeCounts(t))).toEqual([2, 0, 1]);
    expect(firingRate(t, 100, 0.001)).toBeCloseTo(3 / 0.3, 12);
    expect(relativeError(11, 10)).toBeCloseTo(0.1, 14);
    expect(relativeError(0, 0)).toBe(0);
    expect(relativeError(1, 0)).toBe(Infinity);
  });
});

describe('van Rossum distance (normalised: one unmatched spike = 1)', () => {
  it('one unmatched spike has distance 1 once its tail is inside the run', () => {
    const a = trainsFromLists([[10]]);
    const b = trainsFromLists([[]]);
    expect(vanRossum(a, b, 5, 400).mean).toBeCloseTo(1, 12);
    // Truncated at the end of the run: only 1 − a^(2L) of the energy, L = steps after the spike (inclusive).
    const L = 1; // spike at 390 in a 390-step run: one sample
    const a2 = trainsFromLists([[390]]);
    const decay = Math.exp(-1 / 5);
    expect(vanRossum(a2, b, 5, 390).mean).toBeCloseTo(Math.sqrt(1 - decay ** (2 * L)), 12);
  });

  it('one spike shifted by Δ steps → sqrt(2(1 − exp(−Δ/τ)))', () => {
    for (const [tau, delta] of [[5, 1], [10, 3], [2, 7], [20, 20]] as const) {
      const a = trainsFromLists([[20], [4, 50]]);
      const b = trainsFromLists([[20 + delta], [4, 50]]);
      const d = vanRossum(a, b, tau, 2000);
      expect(d.perNeuron[0]).toBeCloseTo(Math.sqrt(2 * (1 - Math.exp(-delta / tau))), 10);
      expect(d.perNeuron[1]).toBe(0);
      expect(d.mean).toBeCloseTo(d.perNeuron[0]! / 2, 14);
    }
  });

  it('is symmetric and satisfies the triangle inequality per neuron (property)', () => {
    const train = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 8 }).map((l) => trainsFromLists([l.sort((x, y) => x - y)]));
    fc.assert(
      fc.property(train, train, train, fc.integer({ min: 1, max: 15 }), (a, b, c, tau) => {
        const ab = vanRossum(a, b, tau, 80).mean;
        expect(vanRossum(b, a, tau, 80).mean).toBeCloseTo(ab, 12);
        expect(vanRossum(a, c, tau, 80).mean).toBeLessThanOrEqual(ab + vanRossum(b, c, tau, 80).mean + 1e-12);
      }),
      { numRuns: 60 },
    );
  });
});

describe('state RMSE and scales', () => {
  it('converts integers with x = int·scale + offset before comparing, matching steps', () => {
    const fixed = { population: 'p', state: 'v', steps: [1, 2, 3], rows: [Float64Array.of(10, 20), Float64Array.of(0, 0), Float64Array.of(4, 4)] };
    const float = { population: 'p', state: 'v', steps: [1, 3], rows: [Float64Array.of(6, 12), Float64Array.of(3, 3)] };
    // Step 1: [6, 11] vs [6, 12] → errors 0, 1; step 3: [3, 3] vs [3, 3] → 0, 0. RMSE = sqrt(1/4).
    expect(stateRmse(fixed, float, { scale: 0.5, offset: 1 })).toBeCloseTo(0.5, 14);
  });

  it('reads per-state scales from IR reports in either shape', () => {
    const flat = stateScalesFromReports({ state_scales: { 'h.v': 0.25, 'h.i': { scale: 0.5, offset: -1 } } });
    expect(flat.get('h.v')).toEqual({ scale: 0.25 });
    expect(flat.get('h.i')).toEqual({ scale: 0.5, offset: -1 });
    const nested = stateScalesFromReports({ scales: { h: { v: { scale: 2, offset: 0 } } } });
    expect(nested.get('h.v')).toEqual({ scale: 2, offset: 0 });
    expect(stateScalesFromReports({ quantization: [] }).size).toBe(0);
  });

  it('reads the lowering\'s `scales` array (unit per state, optional offsets)', () => {
    const m = stateScalesFromReports({ scales: [{ population: 'h', unit: { v: 0.5, i: 0.25 }, offset: { v: -0.06 } }, { population: 'bad' }] });
    expect(m.get('h.v')).toEqual({ scale: 0.5, offset: -0.06 });
    expect(m.get('h.i')).toEqual({ scale: 0.25 });
    expect(m.size).toBe(2);
  });

  it('derives the lowering\'s rest offsets: rest, except a subtract-reset membrane with non-zero rest', () => {
    expect(restOffset(lif({ rest: -0.06 }), 'v')).toBe(-0.06);
    expect(restOffset(lif({ rest: -0.06, reset: { kind: 'subtract' } }), 'v')).toBe(0);
    expect(restOffset(lif({ rest: 0, reset: { kind: 'subtract' } }), 'v')).toBe(0);
  });
});
