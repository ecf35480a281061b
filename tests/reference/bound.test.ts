/**
 * The fixed-point membrane trajectory stays within the bound of docs/reference.md §Bound of the float one.
 * Fixed side: the real emulator running a hand-built `cuba` IR (32-bit states, 16-bit weight mantissas, 12-bit
 * decay registers); float side: the reference simulator on the same network and the same input spikes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { FloatSimulator } from '../../reference/float-sim.js';
import { buildTwin, randomSpikes, type TwinOptions } from './ir-build.js';

interface Check {
  maxErrV: number;
  maxErrI: number;
  maxBoundV: number;
  maxV: number;
  closedFormV: number;
  violations: number;
}

/** Runs both sides in lockstep and checks |s·I − i| ≤ E^i_t and |s·V − v| ≤ E^v_t at every step and neuron. */
function check(o: TwinOptions, steps: number, readScale = 1): Check {
  const twin = buildTwin(o);
  const emu = new Emulator(twin.ir);
  const sim = new FloatSimulator(twin.network);
  sim.setSpikeList('in', o.spikes.steps, o.spikes.indices);
  const gs = emu.cores[0]!.groups[0]!;
  const I = gs.arrays.i!;
  const V = gs.arrays.v!;
  const fi = sim.state('out', 'i');
  const fv = sim.state('out', 'v');
  const s = o.scale;
  const qw = s * 2 ** o.weightShift;
  const epsI = Math.abs(twin.alphaIq - twin.alphaI);
  const epsV = Math.abs(twin.alphaVq - twin.alphaV);
  const biasErr = Math.abs(twin.biasInt * s - o.bias);
  // Events arriving at step t = source spikes at t − 1 (dense: every post neuron receives all of them).
  const perStep = new Int32Array(steps + 2);
  for (let k = 0; k < o.spikes.steps.length; k++) if (o.spikes.steps[k]! + 1 <= steps) perStep[o.spikes.steps[k]! + 1]!++;
  const P = o.size;
  const EI = new Float64Array(P);
  const EV = new Float64Array(P);
  const prevI = new Float64Array(P);
  const prevV = new Float64Array(P);
  const r: Check = { maxErrV: 0, maxErrI: 0, maxBoundV: 0, maxV: 0, closedFormV: 0, violations: 0 };
  let maxI = 0;
  let maxEvents = 0;
  for (let t = 1; t <= steps; t++) {
    emu.step();
    sim.step();
    const n = perStep[t]!;
    maxEvents = Math.max(maxEvents, n);
    for (let k = 0; k < P; k++) {
      EI[k] = twin.alphaIq * EI[k]! + epsI * Math.abs(prevI[k]!) + s + (n * qw) / 2;
      EV[k] = twin.alphaVq * EV[k]! + epsV * Math.abs(prevV[k]!) + s + biasErr + EI[k]!;
      const ei = Math.abs(I[k]! * s * readScale - fi[k]!);
      const ev = Math.abs(V[k]! * s * readScale - fv[k]!);
      if (ei > EI[k]! || ev > EV[k]!) r.violations++;
      r.maxErrI = Math.max(r.maxErrI, ei);
      r.maxErrV = Math.max(r.maxErrV, ev);
      r.maxBoundV = Math.max(r.maxBoundV, EV[k]!);
      r.maxV = Math.max(r.maxV, Math.abs(fv[k]!));
      maxI = Math.max(maxI, Math.abs(fi[k]!));
      prevI[k] = fi[k]!;
      prevV[k] = fv[k]!;
    }
  }
  // The closed form (docs/reference.md): sup E^i ≤ (ε_i·M_i + s + N·q_w/2)/(1 − α_iq), then the same for v.
  const supI = (epsI * maxI + s + (maxEvents * qw) / 2) / (1 - twin.alphaIq);
  r.closedFormV = (epsV * r.maxV + s + biasErr + supI) / (1 - twin.alphaVq);
  expect(emu.cores[0]!.counters.spikes).toBe(0); // sub-threshold: the bound is about trajectories, not spike times
  return r;
}

const base: Omit<TwinOptions, 'spikes'> = {
  sources: 8, size: 4, tauI: 5, tauV: 20, scale: 2 ** -20, weightShift: 4, threshold: 1e9, bias: 0.001, weightRange: 0.5,
};

describe('fixed-point vs float trajectory bound (wide widths)', () => {
  it('a driven CubaLIF neuron stays within E_t at every step, and E_t stays within the closed form', () => {
    const r = check({ ...base, spikes: randomSpikes(8, 300, 0.2, 12345) }, 300);
    expect(r.violations).toBe(0);
    expect(r.maxErrV).toBeGreaterThan(0); // the two sides really differ …
    expect(r.maxBoundV).toBeLessThanOrEqual(r.closedFormV * (1 + 1e-12)); // … the step bound obeys the formula …
    expect(r.closedFormV).toBeLessThan(0.05 * r.maxV); // … and the formula is not vacuous
  });

  it('holds for random time constants, weight steps, biases and spike trains (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 0, max: 8 }),
        fc.double({ min: -0.01, max: 0.01, noNaN: true }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (tauI, tauV, weightShift, bias, seed) => {
          const r = check({ ...base, tauI, tauV, weightShift, bias, spikes: randomSpikes(8, 150, 0.15, seed) }, 150);
          expect(r.violations).toBe(0);
          expect(r.maxBoundV).toBeLessThanOrEqual(r.closedFormV * (1 + 1e-12));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('reading the integers with a 1 % wrong scale violates the bound (the check can fail)', () => {
    const r = check({ ...base, spikes: randomSpikes(8, 100, 0.2, 7) }, 100, 1.01);
    expect(r.violations).toBeGreaterThan(0);
  });
});
