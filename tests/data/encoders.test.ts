import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EscapeNoiseEncoder,
  LabelSource,
  PoissonEncoder,
  erbpLabelCurrents,
  escapeRateHz,
  probabilityThreshold,
  refractorySteps,
} from '../../data/encoders.js';
import { hashUniform } from './uniform-double.js';

const u = hashUniform(12345);

/** Spike count per input over `steps` steps. */
function countSpikes(enc: { size: number; step: (t: number, uni: typeof u, s: Int32Array) => number }, steps: number, uni = u): number[] {
  const counts = new Array<number>(enc.size).fill(0);
  const buf = new Int32Array(enc.size);
  for (let t = 0; t < steps; t++) {
    const n = enc.step(t, uni, buf);
    for (let k = 0; k < n; k++) counts[buf[k]!]!++;
  }
  return counts;
}

describe('probabilityThreshold', () => {
  it('maps p to floor(p·2^32), clamped, so that P(u < threshold) = p for a uniform 32-bit u', () => {
    expect(probabilityThreshold(0)).toBe(0);
    expect(probabilityThreshold(-1)).toBe(0);
    expect(probabilityThreshold(Number.NaN)).toBe(0);
    expect(probabilityThreshold(1)).toBe(2 ** 32);
    expect(probabilityThreshold(0.5)).toBe(2 ** 31);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => {
        const t = probabilityThreshold(p);
        return Number.isInteger(t) && t >= 0 && t <= 2 ** 32 && Math.abs(t / 2 ** 32 - p) <= 2 ** -32;
      }),
      { numRuns: 200 },
    );
  });
});

describe('Poisson encoder', () => {
  const rateMaxHz = 200;
  const dtS = 1e-3;

  it('spikes at rate_max·x·dt per step within a 5σ binomial bound; pixel 0 never spikes', () => {
    const image = [0, 0.1, 0.5, 1, 0.25];
    const enc = new PoissonEncoder(image.length, { rateMaxHz, dtS }).load(image);
    const steps = 20000;
    const counts = countSpikes(enc, steps);
    expect(counts[0]).toBe(0);
    image.forEach((x, i) => {
      const p = rateMaxHz * x * dtS;
      const sd = Math.sqrt(steps * p * (1 - p));
      expect(Math.abs(counts[i]! - steps * p)).toBeLessThanOrEqual(5 * sd + 1e-9);
    });
  });

  it('compares draws as integers: spike iff uniform < floor(p·2^32)', () => {
    const enc = new PoissonEncoder(1, { rateMaxHz: 1000, dtS: 1e-3 * 0.25 }).load([1]); // p = 0.25
    const th = 2 ** 30;
    const buf = new Int32Array(1);
    expect(enc.step(0, () => th - 1, buf)).toBe(1);
    expect(enc.step(0, () => th, buf)).toBe(0);
  });

  it('does not depend on the order of calls, and uses indexOffset to pick its draws', () => {
    const image = Array.from({ length: 16 }, (_, i) => i / 15);
    const a = new PoissonEncoder(16, { rateMaxHz: 500, dtS: 1e-3 }).load(image);
    const buf = new Int32Array(16);
    const forward: string[] = [];
    for (let t = 0; t < 50; t++) forward.push(Array.from(buf.subarray(0, a.step(t, u, buf))).join(','));
    for (let t = 49; t >= 0; t--) expect(Array.from(buf.subarray(0, a.step(t, u, buf))).join(',')).toBe(forward[t]);
    const seen: number[] = [];
    const b = new PoissonEncoder(16, { rateMaxHz: 500, dtS: 1e-3, indexOffset: 1000 }).load(image);
    b.step(7, (_t, idx) => (seen.push(idx), 0), buf);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1001); // pixel 0 draws nothing
  });

  it('saturates at p = 1 and lists spikes in ascending index order', () => {
    // p = 1e6·x ≥ 1 for x ≥ 1e-6; x = 0 stays silent
    const pixel = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true }));
    fc.assert(
      fc.property(fc.array(pixel, { minLength: 1, maxLength: 30 }), fc.nat(1000), (img, t) => {
        const enc = new PoissonEncoder(img.length, { rateMaxHz: 1e6, dtS: 1 }).load(img);
        const buf = new Int32Array(img.length);
        const n = enc.step(t, u, buf);
        const expected = img.map((x, i) => (x > 0 ? i : -1)).filter((i) => i >= 0);
        return n === expected.length && expected.every((i, k) => buf[k] === i);
      }),
      { numRuns: 50 },
    );
  });
});

describe('escape-noise encoder (papers.md §1.4d)', () => {
  const o = { dtS: 1e-4 };

  it('has the reference rate function ν(x) = 1/(τ_ref + 1/ρ(x)), ρ(x) = 100·exp(10x − 6.3) Hz', () => {
    // papers.md quotes ν(0.43) ≈ 13 Hz and ν(0.996) ≈ 235 Hz for the continuous-time form
    expect(escapeRateHz(0.43, o)).toBeGreaterThan(12);
    expect(escapeRateHz(0.43, o)).toBeLessThan(14);
    expect(escapeRateHz(0.996, o)).toBeGreaterThan(225);
    expect(escapeRateHz(0.996, o)).toBeLessThan(245);
    expect(escapeRateHz(0, o)).toBe(0);
    for (let x = 0.05; x < 1; x += 0.05) expect(escapeRateHz(x + 0.05, o)).toBeGreaterThan(escapeRateHz(x, o));
    expect(refractorySteps(o)).toBe(40);
  });

  it('fires at the predicted rate within a statistical bound, never inside the refractory period, never for x = 0', () => {
    const image = [0, 0.3, 0.6, 0.9, 1];
    const enc = new EscapeNoiseEncoder(image.length, o).load(image);
    const steps = 100000; // 10 s of simulated time
    const last = new Array<number>(image.length).fill(-1e9);
    const counts = new Array<number>(image.length).fill(0);
    const buf = new Int32Array(image.length);
    let minGap = Infinity;
    for (let t = 0; t < steps; t++) {
      const n = enc.step(t, u, buf);
      for (let k = 0; k < n; k++) {
        const i = buf[k]!;
        minGap = Math.min(minGap, t - last[i]!);
        last[i] = t;
        counts[i]!++;
      }
    }
    expect(counts[0]).toBe(0);
    expect(minGap).toBeGreaterThan(40);
    image.forEach((x, i) => {
      const expected = escapeRateHz(x, o) * steps * o.dtS;
      // a renewal process with dead time is more regular than Poisson: 5·sqrt(mean) bounds it generously
      expect(Math.abs(counts[i]! - expected)).toBeLessThanOrEqual(5 * Math.sqrt(expected) + 1);
    });
  });

  it('drives label neurons: the true class near saturation, the others silent', () => {
    const enc = new EscapeNoiseEncoder(10, o).loadCurrents(erbpLabelCurrents(3, 10));
    const counts = countSpikes(enc, 10000);
    expect(counts[3]).toBeGreaterThan(230); // refractory-limited ≈ 1/(41 steps) ≈ 244 per second
    expect(counts.filter((_, k) => k !== 3).every((c) => c === 0)).toBe(true);
    const test = new EscapeNoiseEncoder(10, o).loadCurrents(erbpLabelCurrents(3, 10, false));
    expect(countSpikes(test, 2000).every((c) => c === 0)).toBe(true);
  });

  it('requires consecutive steps (its refractory state is per step)', () => {
    const enc = new EscapeNoiseEncoder(2, o).load([0.5, 0.5]);
    const buf = new Int32Array(2);
    enc.step(10, u, buf);
    expect(() => enc.step(12, u, buf)).toThrow(/consecutive/);
    enc.load([0.5, 0.5]);
    expect(() => enc.step(0, u, buf)).not.toThrow();
  });
});

describe('label source', () => {
  it('regular mode fires only the true class, exactly every 1/(rate·dt) steps', () => {
    const src = new LabelSource({ classes: 10, rateHz: 100, dtS: 1e-3, mode: 'regular' }).load(7);
    const buf = new Int32Array(10);
    const times: number[] = [];
    for (let t = 0; t < 1000; t++) {
      const n = src.step(t, () => 0, buf);
      if (n > 0) {
        expect(n).toBe(1);
        expect(buf[0]).toBe(7);
        times.push(t);
      }
    }
    expect(times.length).toBe(100);
    expect(times.slice(1).every((t, k) => t - times[k]! === 10)).toBe(true);
  });

  it('poisson mode fires at rate·dt within a 5σ bound; an unset label is silent', () => {
    const src = new LabelSource({ classes: 10, rateHz: 250, dtS: 1e-3, mode: 'poisson', indexOffset: 784 }).load(2);
    const counts = countSpikes(src, 20000);
    const p = 0.25;
    expect(Math.abs(counts[2]! - 20000 * p)).toBeLessThanOrEqual(5 * Math.sqrt(20000 * p * (1 - p)));
    expect(counts.filter((_, k) => k !== 2).every((c) => c === 0)).toBe(true);
    expect(countSpikes(src.load(undefined), 100).every((c) => c === 0)).toBe(true);
  });
});
