import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Emulator } from '../../emulator/emulator.js';
import { randomIr } from './random-ir.js';
import { ReferenceLoihi } from './reference-loihi.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';

describe('fast emulator vs BigInt reference (Loihi compartments), every tick, every state array', () => {
  it('agrees on u, v, refractory counters and spikes for random small networks', () => {
    let spikes = 0;
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (seed, blankout) => {
        const ir = randomIr(seed, { models: ['loihi'], steps: 60, random: false });
        // Optionally switch on blank-out in every synapse group (spike-list sources stay deterministic).
        const ir2 = blankout
          ? { ...ir, cores: ir.cores.map((c) => ({ ...c, synapseGroups: c.synapseGroups.map((g) => ({ ...g, transmitThreshold: 2 ** 31 })) })) }
          : ir;
        expect(loadIr(writeIr(ir2), 'r').diagnostics).toEqual([]);
        const emu = new Emulator(ir2);
        const ref = new ReferenceLoihi(ir2);
        for (let t = 1; t <= ir.steps; t++) {
          emu.step();
          ref.step();
          expect(Array.from(emu.spikes.subarray(0, emu.spikeCount))).toEqual(ref.spikes);
          spikes += emu.spikeCount;
          emu.cores.forEach((rt, ci) => {
            for (const gs of rt.groups) {
              const g = gs.group;
              for (let i = 0; i < g.size; i++) {
                const st = ref.state[ci]![g.first + i]!;
                const where = `t=${t} core ${ci} compartment ${g.first + i}`;
                expect(gs.arrays.u![i], `u ${where}`).toBe(Number(st.u));
                expect(gs.arrays.v![i], `v ${where}`).toBe(Number(st.v));
                expect(gs.arrays.ref![i], `ref ${where}`).toBe(st.ref);
              }
            }
          });
        }
      }),
      { numRuns: 40 },
    );
    expect(spikes).toBeGreaterThan(100); // the random networks do spike, so the comparison has teeth
  });
});
