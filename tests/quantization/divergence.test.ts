/**
 * Wider weights and states never make the fixed-vs-float divergence worse by more than a tolerance, on average
 * over random small networks.
 *
 * Divergence here is the relative firing-rate error of the neuron population against the float64 reference
 * (sweep/point.ts, run mode, analysis/diff.ts). It is not monotone for a single network: near threshold, a finer
 * weight can move one compartment across it either way, and one flipped spike with later refractory effects
 * shifts the rate by a few tenths of a percent in these ~1,000-spike runs. Averaged over networks the error
 * must not grow; TOLERANCE = 0.01 (one percentage point of rate error) allows that per-network jitter while a
 * real regression (coarser arithmetic at more bits) shows up as several points.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runPoint } from '../../sweep/point.js';
import { runOptions, smallNetwork, tempDir, writeNetwork } from '../sweep/helpers.js';

const TOLERANCE = 0.01;

async function rateError(file: string, sets: string[], seed: number): Promise<number> {
  const r = await runPoint(runOptions(file, 200), { id: 'x', index: 0, values: {}, sets, seed });
  expect(r.status).toBe('ok');
  return r.divergence!.rate_rel_error ?? 0;
}

describe('fixed-vs-float divergence vs width', () => {
  it('on average, more weight bits or more membrane bits do not increase the rate error beyond the tolerance', async () => {
    const dir = tempDir('dendrite-qdiv-');
    const nets = fc.sample(
      fc.record({
        inputs: fc.integer({ min: 10, max: 30 }), neurons: fc.integer({ min: 4, max: 12 }),
        wLo: fc.double({ min: -0.3, max: 0, noNaN: true }), wSpan: fc.double({ min: 0.3, max: 0.9, noNaN: true }),
        tau: fc.integer({ min: 5, max: 40 }), seed: fc.integer({ min: 1, max: 10_000 }),
      }),
      { numRuns: 8, seed: 42 },
    );
    const widen: [string[], string[]][] = [
      [['synapse.weight.mant_bits=3'], ['synapse.weight.mant_bits=6']],
      [['synapse.weight.mant_bits=5'], ['synapse.weight.mant_bits=8']],
      [['neuron.states.v.bits=10'], ['neuron.states.v.bits=16']],
    ];
    for (const [narrow, wide] of widen) {
      let sum = 0;
      for (const [k, n] of nets.entries()) {
        const file = writeNetwork(dir, smallNetwork({ ...n, wHi: n.wLo + n.wSpan }), `n${k}.snn`);
        sum += (await rateError(file, wide, n.seed)) - (await rateError(file, narrow, n.seed));
      }
      expect(sum / nets.length, `${narrow} → ${wide}`).toBeLessThanOrEqual(TOLERANCE);
    }
  }, 60_000);
});
