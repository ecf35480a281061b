/**
 * Prepared synaptic delivery (emulator/delivery.ts: cell offsets instead of the per-synapse modulo, per-axon
 * scale and threshold, the blank-out draw with its key prefix mixed once, hops summed per neuron) against the
 * straightforward route loop of the first emulator, kept here as the oracle. Both the single-thread Emulator and
 * (through the worker tests) the parallel runner use deliverAxon, so the oracle is an independent transcription.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { ParallelEmulator } from '../../emulator/parallel/parallel-emulator.js';
import { ALWAYS, draw, STREAM_BLANKOUT } from '../../emulator/prng.js';
import { randomIr, Rand } from '../emulator/random-ir.js';
import type { DendriteIr } from '../../ir/types.js';

/** The emulator with the pre-optimisation route loop (emulator.ts before the second performance pass). */
class OracleEmulator extends Emulator {
  protected override route(t: number): void {
    const { offsets, core: rCore, axon: rAxon } = this.ir.routing;
    const cores = this.cores;
    const seed = this.seed;
    for (let s = 0; s < this.spikeCount; s++) {
      const id = this.spikes[s]!;
      const from = this.neuronCore[id]!;
      const fromRt = from >= 0 ? cores[from]! : null;
      for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
        const c = rCore[k]!;
        const a = rAxon[k]!;
        const rt = cores[c]!;
        if (fromRt !== null) {
          fromRt.counters.hops += Math.abs(fromRt.ir.mesh.x - rt.ir.mesh.x) + Math.abs(fromRt.ir.mesh.y - rt.ir.mesh.y);
        }
        const syn = rt.ir.synapses;
        const gi = syn.axonGroup[a]!;
        const thr = rt.ir.synapseGroups[gi]!.transmitThreshold;
        const scale = 2 ** rt.ir.synapseGroups[gi]!.weightShift;
        const { targets, delays, ports, axonOffsets } = syn;
        const n = rt.ir.compartmentCount;
        let sent = 0;
        let dropped = 0;
        for (let r = axonOffsets[a]!; r < axonOffsets[a + 1]!; r++) {
          if (thr < ALWAYS && !(thr > 0 && draw(seed, t, c, r, STREAM_BLANKOUT) < thr)) {
            dropped++;
            continue;
          }
          const slot = (t + 1 + delays[r]!) % rt.ringSlots;
          rt.ring[(slot * rt.ports + ports[r]!) * n + targets[r]!] += rt.weights[r]! * scale;
          sent++;
        }
        rt.counters.synapticEvents += sent;
        rt.counters.blankedOut += dropped;
      }
    }
  }
}

/** Random IR with blank-out thresholds of every kind (0, partial, always) and varied mesh positions. */
function irWithBlankout(seed: number): DendriteIr {
  const r = new Rand(seed ^ 0x7f4a7c15);
  const ir = randomIr(seed, { models: ['loihi', 'cuba', 'nsat'], steps: 50, random: true });
  return {
    ...ir,
    cores: ir.cores.map((c) => ({
      ...c,
      synapseGroups: c.synapseGroups.map((g) => ({ ...g, transmitThreshold: r.pick([0, ALWAYS, ALWAYS, r.int(1, ALWAYS - 1), g.transmitThreshold]) })),
    })),
  };
}

describe('prepared delivery = the original route loop', () => {
  it('rings, states, spikes and every counter agree each step (delays, ports, blank-out, weight shifts, hops)', () => {
    let events = 0;
    let blanked = 0;
    let hops = 0;
    fc.assert(
      fc.property(fc.nat(1_000_000), (seed) => {
        const ir = irWithBlankout(seed);
        const a = new OracleEmulator(ir, { seed: 11 });
        const b = new Emulator(ir, { seed: 11 });
        for (let t = 1; t <= ir.steps; t++) {
          a.step();
          b.step();
          expect(Array.from(b.spikes.subarray(0, b.spikeCount)), `t=${t}`).toEqual(Array.from(a.spikes.subarray(0, a.spikeCount)));
          b.cores.forEach((rt, ci) => {
            expect(Array.from(rt.ring), `ring core ${ci} t=${t}`).toEqual(Array.from(a.cores[ci]!.ring));
            expect(rt.counters, `counters core ${ci} t=${t}`).toEqual(a.cores[ci]!.counters);
          });
        }
        expect(b.totalCycles).toBe(a.totalCycles);
        for (const rt of a.cores) {
          events += rt.counters.synapticEvents;
          blanked += rt.counters.blankedOut;
          hops += rt.counters.hops;
        }
      }),
      { numRuns: 40 },
    );
    // The runs really exercised delivery, blank-out and mesh hops.
    expect(events).toBeGreaterThan(1000);
    expect(blanked).toBeGreaterThan(100);
    expect(hops).toBeGreaterThan(100);
  });

  it('the parallel runner (2 threads) agrees with the oracle too', () => {
    for (const seed of [3, 17, 29]) {
      let ir = irWithBlankout(seed);
      for (let s = seed; ir.cores.length < 2; s += 7919) ir = irWithBlankout(s);
      const a = new OracleEmulator(ir, { seed: 4 });
      const p = new ParallelEmulator(ir, { seed: 4, workers: 2 });
      try {
        for (let t = 1; t <= ir.steps; t++) {
          a.step();
          p.step();
          expect(Array.from(p.spikes.subarray(0, p.spikeCount)), `t=${t}`).toEqual(Array.from(a.spikes.subarray(0, a.spikeCount)));
        }
        p.cores.forEach((rt, ci) => {
          expect(Array.from(rt.ring)).toEqual(Array.from(a.cores[ci]!.ring));
          const { cycles: _c, ...pc } = rt.counters;
          const { cycles: _d, ...ac } = a.cores[ci]!.counters;
          expect(pc).toEqual(ac);
        });
      } finally {
        p.close();
      }
    }
  });
});
