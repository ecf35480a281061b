/**
 * Fourth performance pass (docs/performance.md): the branch-free blank-out loop of `deliverAxon` with the
 * pre-scrambled stream word, and the Poisson sources' active list (only neurons with a threshold or a refractory
 * count are visited). Both against direct transcriptions of the rules: blank-out passes a synapse iff
 * draw(seed, t, core, r, STREAM_BLANKOUT) < threshold; a Poisson neuron counts down its refractory steps, else
 * spikes iff its threshold is > 0 and (≥ 2^32 or draw(seed, t, SOURCE_CORE + s, i, STREAM_POISSON) < threshold).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { coreDelivery, deliverAxon } from '../../emulator/delivery.js';
import { Emulator } from '../../emulator/emulator.js';
import { ALWAYS, draw, drawPrefix, drawWithPrefix, drawWithStreamKey, SOURCE_CORE, STREAM_BLANKOUT, STREAM_POISSON, streamKey } from '../../emulator/prng.js';
import type { CoreCounters } from '../../emulator/state.js';
import type { Core, DendriteIr, PoissonSource } from '../../ir/types.js';
import { randomIr } from './random-ir.js';

const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

describe('drawWithStreamKey', () => {
  it('has the bits of draw(seed, step, core, index, stream)', () => {
    fc.assert(
      fc.property(u32, u32, u32, u32, u32, (seed, step, core, index, stream) => {
        expect(drawWithStreamKey(drawPrefix(seed, step, core), index, streamKey(stream)) >>> 0).toBe(draw(seed, step, core, index, stream));
        expect(drawWithStreamKey(drawPrefix(seed, step, core), index, streamKey(stream)) >>> 0).toBe(drawWithPrefix(drawPrefix(seed, step, core), index, stream));
      }),
      { numRuns: 200 },
    );
  });
});

/** A one-axon core table with `n` synapses; only the fields `coreDelivery` reads. */
function oneAxonCore(targets: number[], delays: number[], ports: number[], compartments: number, threshold: number, shift: number): Core {
  return {
    compartmentCount: compartments,
    synapses: {
      axonOffsets: Int32Array.of(0, targets.length), axonGroup: Int32Array.of(0), targets: Int32Array.from(targets),
      delays: Int32Array.from(delays), ports: Int32Array.from(ports),
    },
    synapseGroups: [{ weightShift: shift, transmitThreshold: threshold }],
  } as unknown as Core;
}

/** Thresholds that probe the biased compare: the int32 edges, 2^32 − 1, fractions, and anything in between. */
const threshold = fc.oneof(
  fc.constantFrom(1, 2, 0.5, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 31 + 0.25, 2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32 - 0.5, 2 ** 32 - 1e-6),
  fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  fc.double({ min: 1e-3, max: 2 ** 32 - 1e-3, noNaN: true }),
);

describe('deliverAxon: branch-free blank-out loop', () => {
  it('delivers exactly the synapses whose keyed draw is below the threshold, with the same ring sums and counters', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 60 }), compartments: fc.integer({ min: 1, max: 9 }), slots: fc.integer({ min: 1, max: 4 }),
          ports: fc.integer({ min: 1, max: 2 }), shift: fc.integer({ min: 0, max: 6 }), thr: threshold, t: fc.integer({ min: 0, max: 5000 }),
          seed: u32, core: fc.integer({ min: 0, max: 70 }), salt: fc.integer(),
        }),
        ({ n, compartments, slots, ports, shift, thr, t, seed, core, salt }) => {
          let x = salt | 0;
          const next = (m: number) => {
            x = (Math.imul(x, 1103515245) + 12345) | 0;
            return ((x >>> 8) % m + m) % m;
          };
          const targets = Array.from({ length: n }, () => next(compartments));
          const delays = Array.from({ length: n }, () => next(slots));
          const port = Array.from({ length: n }, () => next(ports));
          const w = Int32Array.from({ length: n }, () => next(2001) - 1000);
          const d = coreDelivery(oneAxonCore(targets, delays, port, compartments, thr, shift), slots, ports);
          const ring = new Float64Array(slots * ports * compartments).map(() => next(100) - 50);
          const want = ring.slice();
          const counters = { synapticEvents: 3, blankedOut: 4 } as CoreCounters;
          deliverAxon(d, ring, w, 0, t, seed, core, counters);
          let sent = 0;
          for (let r = 0; r < n; r++) {
            if (!(draw(seed, t, core, r, STREAM_BLANKOUT) < thr)) continue;
            want[(((t + 1 + delays[r]!) % slots) * ports + port[r]!) * compartments + targets[r]!]! += w[r]! * 2 ** shift;
            sent++;
          }
          expect(Array.from(ring)).toEqual(Array.from(want));
          expect(ring.some((v) => Object.is(v, -0))).toBe(false);
          expect(counters.synapticEvents).toBe(3 + sent);
          expect(counters.blankedOut).toBe(4 + n - sent);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Source spikes of a run, per step, from the emulator's spike list (source ids only). */
function sourceSpikes(emu: Emulator, src: PoissonSource): number[] {
  const out: number[] = [];
  for (let k = 0; k < emu.spikeCount; k++) {
    const id = emu.spikes[k]!;
    if (id >= src.neuronBase && id < src.neuronBase + src.size) out.push(id - src.neuronBase);
  }
  return out;
}

/** The rule of a Poisson source, over every neuron (the pre-pass loop). */
class PoissonOracle {
  rate: Float64Array;
  ref: Int32Array;
  constructor(readonly src: PoissonSource, readonly si: number, readonly seed: number) {
    this.rate = src.rate.slice();
    this.ref = new Int32Array(src.size);
  }
  step(t: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.src.size; i++) {
      if (this.ref[i]! > 0) {
        this.ref[i]!--;
        continue;
      }
      const thr = this.rate[i]!;
      if (thr > 0 && (thr >= ALWAYS || draw(this.seed, t, SOURCE_CORE + this.si, i, STREAM_POISSON) < thr)) {
        out.push(i);
        this.ref[i] = this.src.refractory;
      }
    }
    return out;
  }
}

function irWithPoisson(seed: number, size: number, refractory: number): { ir: DendriteIr; src: PoissonSource; si: number } {
  const base = randomIr(seed, { models: ['cuba'], steps: 40, random: true });
  const neuronBase = base.neuronCount;
  // Mostly silent inputs (like MNIST's background), some certain, some likely.
  const rate = Float64Array.from({ length: size }, (_, i) => (i % 3 === 0 ? 0 : i % 7 === 0 ? ALWAYS : ((i * 2654435761) % 2 ** 31)));
  const src: PoissonSource = { kind: 'poisson', name: 'extra', size, neuronBase, rate, refractory };
  const ir: DendriteIr = {
    ...base, neuronCount: base.neuronCount + size, sources: [...base.sources, src],
    populations: [...base.populations, { name: 'extra', neuronBase, size, placement: [{ kind: 'source', source: base.sources.length }] }],
    routing: {
      ...base.routing,
      offsets: Int32Array.from([...base.routing.offsets, ...Array.from({ length: size }, () => base.routing.offsets[base.routing.offsets.length - 1]!)]),
    },
  };
  return { ir, src, si: base.sources.length };
}

describe('Poisson sources: the active list', () => {
  it('emits what the all-neuron loop emits, across rate changes (also to 0 while refractory), resetDynamics and loadState', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 90 }), (seed, refractory, size) => {
        const { ir, src, si } = irWithPoisson(seed, size, refractory);
        const emu = new Emulator(ir, { seed: 5, kernels: 'ts' });
        const initial = emu.saveState();
        const oracle = new PoissonOracle(src, si, 5);
        let saved: { emu: ReturnType<Emulator['saveState']>; rate: Float64Array; ref: Int32Array } | null = null;
        for (let t = 1; t <= 40; t++) {
          if (t % 9 === 0) {
            // New rates: some neurons go silent (possibly while refractory), others wake up.
            const r = Float64Array.from({ length: size }, (_, i) => ((i + t) % 4 === 0 ? 0 : ((i + 1) * (t + 3) * 40503) % 2 ** 32));
            emu.setSourceRates('extra', r);
            oracle.rate.set(r);
          }
          if (t === 15) saved = { emu: emu.saveState(), rate: oracle.rate.slice(), ref: oracle.ref.slice() };
          if (t === 22) {
            emu.resetDynamics(initial);
            oracle.ref.fill(0);
          }
          if (t === 30) {
            emu.loadState(saved!.emu);
            oracle.rate.set(saved!.rate);
            oracle.ref.set(saved!.ref);
          }
          emu.step();
          expect(sourceSpikes(emu, src)).toEqual(oracle.step(emu.t));
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('Poisson sources: refractory neurons whose threshold drops to 0', () => {
  it('keep counting down (they stay on the active list), so they fire again on time', () => {
    const { ir, src, si } = irWithPoisson(3, 8, 3);
    const emu = new Emulator(ir, { seed: 2, kernels: 'ts' });
    const oracle = new PoissonOracle(src, si, 2);
    const all = new Float64Array(8).fill(ALWAYS);
    const none = new Float64Array(8);
    const plan = [all, none, all, all, all, all];
    const fired: number[][] = [];
    for (const r of plan) {
      emu.setSourceRates('extra', r);
      oracle.rate.set(r);
      emu.step();
      const got = sourceSpikes(emu, src);
      expect(got).toEqual(oracle.step(emu.t));
      fired.push(got);
    }
    // Step 1 fires all; the refractory count (3) runs through steps 2–4 although step 2 had threshold 0; step 5 fires.
    expect(fired.map((f) => f.length)).toEqual([8, 0, 0, 0, 8, 0]);
  });
});
