/**
 * Fourth performance pass: `runIr` without a learning engine and without an `onStep` hook runs with
 * `fixedWeights` (delivery reads its own copy of the weights); with a hook (which may write weights, e.g. a host
 * protocol) it keeps live weights unless told otherwise. Same results either way.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runIr } from '../../emulator/run.js';
import { Emulator } from '../../emulator/emulator.js';
import { randomIr } from './random-ir.js';

const models = ['loihi', 'cuba', 'nsat'] as const;

describe('runIr and fixedWeights', () => {
  it('the default (fixed weights) gives the same spikes, counters, cycles and energy as live weights', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const ir = randomIr(seed, { models, steps: 60, random: true });
        const fixed = runIr(ir, { seed: 3 });
        const live = runIr(ir, { seed: 3, fixedWeights: false });
        expect(fixed.spike_digest).toBe(live.spike_digest);
        expect(fixed.counters).toEqual(live.counters);
        expect(fixed.per_core).toEqual(live.per_core);
        expect(fixed.cycles).toBe(live.cycles);
        expect(fixed.energy_pj).toBe(live.energy_pj);
      }),
      { numRuns: 15 },
    );
  });

  it('an onStep hook gets live weights by default, and its weight writes take effect', () => {
    const ir = randomIr(11, { models: ['cuba'], steps: 60, random: false });
    let sawFixed: boolean | null = null;
    // Doubling every weight at step 20 from the hook must change the run exactly as in a hand-written loop.
    const hook = (emu: Emulator) => {
      sawFixed = emu.fixedWeights;
      if (emu.t === 20) for (const rt of emu.cores) for (let r = 0; r < rt.weights.length; r++) rt.weights[r] = 2 * rt.weights[r]!;
    };
    const run = runIr(ir, { seed: 5, onStep: hook });
    expect(sawFixed).toBe(false);
    const emu = new Emulator(ir, { seed: 5 });
    let spikes = 0;
    for (let s = 0; s < 60; s++) {
      emu.step();
      hook(emu);
      spikes += emu.spikeCount;
    }
    expect(run.spikes_total).toBe(spikes);
    expect(run.counters.synaptic_events).toBe(emu.cores.reduce((a, rt) => a + rt.counters.synapticEvents, 0));
    // The doubling matters on this network (else the comparison above would prove nothing).
    const plain = runIr(ir, { seed: 5 });
    expect(plain.spike_digest).not.toBe(run.spike_digest);
    let asked: boolean | null = null;
    runIr(ir, { seed: 5, fixedWeights: true, onStep: (e) => { asked = e.fixedWeights; } });
    expect(asked).toBe(true);
  });

  it('with a learning engine the run keeps live weights', () => {
    const ir = randomIr(12, { models: ['cuba'], steps: 10, random: false });
    let seen: boolean | null = null;
    runIr(ir, { learning: { onStep() {} }, onStep: (e) => { seen = e.fixedWeights; } });
    expect(seen).toBe(false);
    expect(() => runIr(ir, { learning: { onStep() {} }, fixedWeights: true })).toThrow(/fixedWeights/);
  });
});
