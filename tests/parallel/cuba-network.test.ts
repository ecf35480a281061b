/**
 * The CUBA benchmark network (bench/cuba-network.mjs) is a valid IR, has the connection statistics it claims,
 * maps Brian's parameters as documented, and runs identically on the reference and the parallel emulator.
 */
import { describe, expect, it } from 'vitest';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import { Emulator } from '../../emulator/emulator.js';
import { ParallelEmulator } from '../../emulator/parallel/parallel-emulator.js';
import type { DendriteIr } from '../../ir/types.js';
// @ts-expect-error plain ESM bench module without type declarations
import { buildCubaIr, cubaIntegers, setInitialV } from '../../bench/cuba-network.mjs';

type Built = { ir: DendriteIr; synapses: number; k: ReturnType<typeof cubaIntegers> };

describe('CUBA benchmark network', () => {
  it('is a valid IR with ≈ p·N² synapses, 80/20 E/I weights and one axon per (neuron, target core)', () => {
    const N = 1200;
    const p = 0.05;
    const { ir, synapses, k } = buildCubaIr({ N, p, coreSize: 256, seed: 3, steps: 100 }) as Built;
    expect(loadIr(writeIr(ir), 'cuba').diagnostics).toEqual([]);
    expect(ir.cores.length).toBe(Math.ceil(N / 256));
    // Binomial(N², p): mean p·N² = 72,000, sd ≈ 263; allow 5 sd.
    expect(Math.abs(synapses - p * N * N)).toBeLessThan(5 * Math.sqrt(p * (1 - p) * N * N));
    const Ne = 0.8 * N;
    let checked = 0;
    const { offsets, core: rc, axon: ra } = ir.routing;
    for (let n = 0; n < N; n += 37) {
      const seen = new Set<number>();
      for (let q = offsets[n]!; q < offsets[n + 1]!; q++) {
        const c = rc[q]!;
        expect(seen.has(c)).toBe(false); // one axon per target core
        seen.add(c);
        const syn = ir.cores[c]!.synapses;
        for (let r = syn.axonOffsets[ra[q]!]!; r < syn.axonOffsets[ra[q]! + 1]!; r++) {
          expect(syn.weights[r]).toBe(n < Ne ? k.we : k.wi);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('maps the Brian2 parameters as documented (threshold gap 2^17, exact-exponential decay registers)', () => {
    const k = cubaIntegers();
    expect(k.threshold).toBe(2 ** 17);
    expect(k.dV).toBe(Math.round(4096 * (1 - Math.exp(-0.1 / 20)))); // 20
    expect(k.dI).toBe(Math.round(4096 * (1 - Math.exp(-0.1 / 5)))); // 81
    // Steady state of v without input, bias / δ, lies (El − Vr)/(Vt − Vr) = 1.1 thresholds up: within 0.1 %.
    expect(Math.abs(k.bias / (k.dV / 4096) / k.threshold - 1.1)).toBeLessThan(1e-3);
    expect(k.we).toBeGreaterThan(0);
    expect(k.wi).toBeLessThan(0);
    expect(k.refractDelay).toBe(49);
  });

  it('spikes identically on the reference emulator and on 2 threads, at a plausible rate', () => {
    const { ir, k } = buildCubaIr({ N: 600, p: 0.05, coreSize: 128, seed: 5, steps: 1500 }) as Built;
    const ref = new Emulator(ir);
    const par = new ParallelEmulator(ir, { workers: 2 });
    try {
      setInitialV(ref, k);
      setInitialV(par, k);
      let spikes = 0;
      for (let t = 0; t < ir.steps; t++) {
        ref.step();
        par.step();
        expect(par.spikeCount).toBe(ref.spikeCount);
        for (let j = 0; j < ref.spikeCount; j++) expect(par.spikes[j]).toBe(ref.spikes[j]);
        spikes += ref.spikeCount;
      }
      const rateHz = spikes / 600 / (ir.steps * 1e-4);
      expect(rateHz).toBeGreaterThan(1);
      expect(rateHz).toBeLessThan(200); // refractory 5 ms caps it at 200 Hz
    } finally {
      par.close();
    }
  });
});
