/**
 * Determinism with learning on (issue 5): a plastic network split over several cores gives the same spikes and
 * the same final weights with 1, 2 and 4 threads, and with the single-thread reference emulator.
 */
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { Emulator } from '../../emulator/emulator.js';
import { ParallelEmulator } from '../../emulator/parallel/parallel-emulator.js';
import { createLearningEngine } from '../../emulator/learning/engine.js';

describe('learning is deterministic for any worker count', () => {
  it('STDP on a network split over cores: same spikes and weights for 1, 2, 4 threads', () => {
    // Four compartments per core split the 10 STDP neurons over 3 cores.
    const res = compileFile('dsl-examples/stdp.snn', { sets: ['core.compartments=4'] });
    expect(res.ir, res.diagnostics.map((d) => d.message).join('\n')).toBeDefined();
    const ir = res.ir!;
    expect(ir.cores.length).toBeGreaterThanOrEqual(3);
    const steps = 150;
    const initial = ir.cores.map((c) => Array.from(c.synapses.weights));
    const engine = () => createLearningEngine(ir).engine!;
    const ref = new Emulator(ir, { seed: 11, learning: engine() });
    const par = [1, 2, 4].map((w) => new ParallelEmulator(ir, { seed: 11, workers: w, learning: engine() }));
    try {
      let spikes = 0;
      for (let t = 1; t <= steps; t++) {
        ref.step();
        const want = Array.from(ref.spikes.subarray(0, ref.spikeCount));
        spikes += want.length;
        for (const p of par) {
          p.step();
          expect(Array.from(p.spikes.subarray(0, p.spikeCount)), `t=${t} threads=${p.threads}`).toEqual(want);
        }
      }
      expect(spikes).toBeGreaterThan(100);
      const weights = (e: Emulator) => e.cores.map((c) => Array.from(c.weights));
      const w0 = weights(ref);
      expect(w0).not.toEqual(initial); // learning really changed weights
      for (const p of par) expect(weights(p)).toEqual(w0);
    } finally {
      for (const p of par) p.close();
    }
  });
});
