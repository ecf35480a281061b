import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FloatSimulator } from '../../reference/float-sim.js';
import { FloatRecorder } from '../../reference/recorder.js';
import { materialize } from '../../compiler/network/connectivity.js';
import { bernoulliThreshold, draw, SOURCE_CORE, STREAM_LABEL, STREAM_POISSON } from '../../emulator/prng.js';
import { cubaLif, lif, network, neurons, project, source, spikeFile, SPAN } from './build.js';

const dt = 0.001;

describe('single LIF neuron', () => {
  it('follows the closed form rest + b·(1 − α^t)/(1 − α) under a constant bias', () => {
    fc.assert(
      fc.property(fc.double({ min: 2, max: 100, noNaN: true }), fc.double({ min: -0.1, max: 0.1, noNaN: true }), fc.double({ min: -0.07, max: 0.07, noNaN: true }), (tauSteps, b, rest) => {
        const m = lif({ tau: tauSteps * dt, rest, threshold: 1e9, bias: b });
        const n = network([neurons('p', 1, { ...m, states: [{ ...m.states[0]!, initial: rest }] })], []);
        const sim = new FloatSimulator(n);
        const a = Math.exp(-1 / tauSteps);
        for (let t = 1; t <= 50; t++) {
          sim.step();
          const want = rest + (b * (1 - a ** t)) / (1 - a);
          expect(sim.state('p', 'v')[0]).toBeCloseTo(want, 12);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('a spike emitted at step s arrives at s + 1 + delay and then decays as w·α^(t − arrival)', () => {
    const m = lif({ tau: 0.01, threshold: 1e9 });
    const proj = project('src', 'p', { kind: 'one_to_one' }, { kind: 'constant', value: 0.5 }, { delay: 0.002 });
    const sim = new FloatSimulator(network([source('src', 1, spikeFile()), neurons('p', 1, m)], [proj]));
    sim.setSpikeList('src', Int32Array.of(3), Int32Array.of(0));
    const a = Math.exp(-0.1);
    for (let t = 1; t <= 20; t++) {
      sim.step();
      const arrival = 3 + 1 + 2;
      const want = t < arrival ? 0 : 0.5 * a ** (t - arrival);
      expect(sim.state('p', 'v')[0]).toBeCloseTo(want, 14);
    }
  });

  it('CubaLIF: v integrates the freshly updated current in the same step', () => {
    const m = cubaLif(0.005, 0.02, { threshold: 1e9 });
    const proj = project('src', 'p', { kind: 'one_to_one' }, { kind: 'constant', value: 1 });
    const sim = new FloatSimulator(network([source('src', 1, spikeFile()), neurons('p', 1, m)], [proj]));
    sim.setSpikeList('src', Int32Array.of(1), Int32Array.of(0));
    const ai = Math.exp(-0.2);
    const av = Math.exp(-0.05);
    let i = 0;
    let v = 0;
    for (let t = 1; t <= 30; t++) {
      sim.step();
      i = ai * i + (t === 2 ? 1 : 0);
      v = av * v + i;
      expect(sim.state('p', 'i')[0]).toBeCloseTo(i, 14);
      expect(sim.state('p', 'v')[0]).toBeCloseTo(v, 14);
    }
    // Closed form of the current: α_i^(t−2) from step 2 on.
    expect(i).toBeCloseTo(ai ** 28, 14);
  });
});

describe('spike counts on a tiny network (hand computation)', () => {
  // A source spiking every step drives a non-leaky IF neuron through one synapse of weight 0.25, threshold 1.
  const everyStep = (n: number) => ({ steps: Int32Array.from({ length: n }, (_, k) => k + 1), indices: new Int32Array(n) });
  const run = (reset: 'value' | 'subtract', refractory: number, steps: number) => {
    const m = lif({ tau: null, threshold: 1, refractory, reset: reset === 'value' ? { kind: 'value', value: 0 } : { kind: 'subtract' } });
    const proj = project('src', 'p', { kind: 'one_to_one' }, { kind: 'constant', value: 0.25 });
    const sim = new FloatSimulator(network([source('src', 1, spikeFile()), neurons('p', 1, m)], [proj]));
    const l = everyStep(steps);
    sim.setSpikeList('src', l.steps, l.indices);
    const rec = new FloatRecorder(sim).run(steps);
    return Array.from(rec.spikeTrains('p').steps);
  };

  it('strict threshold with reset to 0: v = .25,.5,.75,1.0 (no spike: not > 1),1.25 → spikes every 5 steps from step 6', () => {
    // Input arrives from step 2; v reaches 1.25 at step 6, resets to 0, and the cycle repeats.
    expect(run('value', 0, 20)).toEqual([6, 11, 16]);
  });

  it('subtractive reset keeps the remainder: spikes at 6, then every 4 steps', () => {
    expect(run('subtract', 0, 20)).toEqual([6, 10, 14, 18]);
  });

  it('a refractory period of 2 steps holds v for steps t+1, t+2 (input during them is lost)', () => {
    // Spike at 6; held at 7, 8; then .25 (9) … 1.25 (13) → spike at 13, then 20.
    expect(run('value', 0.002, 20)).toEqual([6, 13, 20]);
  });
});

describe('sources use the emulator PRNG keys', () => {
  it('Poisson unit i of source s spikes at t iff draw(seed, t, SOURCE_CORE + s, i, STREAM_POISSON) < threshold', () => {
    const pop = source('noise', 50, { kind: 'poisson_fixed', rate: 100, span: SPAN });
    const other = source('first', 3, spikeFile());
    const sim = new FloatSimulator(network([other, pop], []), { seed: 42 });
    const thr = bernoulliThreshold(100 * dt);
    let spikes = 0;
    for (let t = 1; t <= 100; t++) {
      sim.step();
      const got = Array.from(sim.spikesOf('noise'));
      const want: number[] = [];
      for (let i = 0; i < 50; i++) if (draw(42, t, SOURCE_CORE + 1, i, STREAM_POISSON) < thr) want.push(i);
      expect(got).toEqual(want);
      spikes += got.length;
    }
    // 5000 unit-steps at p = 0.1: the count is far from 0 and from 5000.
    expect(spikes).toBeGreaterThan(350);
    expect(spikes).toBeLessThan(650);
  });

  it('sourceOrder selects the source index of the key; a Poisson refractory period silences a unit', () => {
    const pop = source('enc', 20, { kind: 'poisson', rateMax: 1000, refractory: 0.003, span: SPAN });
    const sim = new FloatSimulator(network([pop], []), { seed: 3, sourceOrder: ['x', 'enc'] });
    sim.setSourceRates('enc', new Float64Array(20).fill(500));
    const thr = bernoulliThreshold(0.5);
    const ref = new Int32Array(20);
    for (let t = 1; t <= 60; t++) {
      sim.step();
      const want: number[] = [];
      for (let i = 0; i < 20; i++) {
        if (ref[i]! > 0) {
          ref[i]!--;
          continue;
        }
        if (draw(3, t, SOURCE_CORE + 1, i, STREAM_POISSON) < thr) {
          want.push(i);
          ref[i] = 3;
        }
      }
      expect(Array.from(sim.spikesOf('enc'))).toEqual(want);
    }
  });

  it('the active label unit draws with STREAM_LABEL; label −1 is silent', () => {
    const pop = source('lab', 10, { kind: 'labels', rate: 300, regular: false, duringTest: false, span: SPAN });
    const sim = new FloatSimulator(network([pop], []), { seed: 9 });
    sim.run(20);
    expect(sim.spikesOf('lab').length).toBe(0);
    sim.setLabel('lab', 4);
    const thr = bernoulliThreshold(0.3);
    for (let t = 21; t <= 80; t++) {
      sim.step();
      const want = draw(9, t, SOURCE_CORE, 4, STREAM_LABEL) < thr ? [4] : [];
      expect(Array.from(sim.spikesOf('lab'))).toEqual(want);
    }
  });
});

describe('synapses and determinism', () => {
  const build = (pTransmit: number) => {
    const noise = source('noise', 40, { kind: 'poisson_fixed', rate: 50, span: SPAN });
    const exc = neurons('exc', 60, lif({ tau: 0.02, threshold: 0.5 }));
    return network(
      [noise, exc],
      [
        project('noise', 'exc', { kind: 'random', p: 0.3, allowSelf: false }, { kind: 'uniform', lo: 0, hi: 0.4 }, { pTransmit }),
        project('exc', 'exc', { kind: 'random', p: 0.1, allowSelf: false }, { kind: 'normal', mean: 0, std: 0.1 }, { delay: 0.003, seed: 11 }),
      ],
    );
  };

  it('uses exactly the synapses of compiler/network/connectivity.ts materialize()', () => {
    const net = build(1);
    const sim = new FloatSimulator(net);
    for (const p of net.projections) {
      const t = materialize(p, p.pre === 'noise' ? 40 : 60, 60);
      expect(Array.from(sim.table(p.name).post)).toEqual(Array.from(t.post));
      expect(Array.from(sim.weights(p.name))).toEqual(Array.from(t.weight));
    }
  });

  it('same seed → same spikes; another seed → different spikes (with blank-out)', () => {
    const spikes = (seed: number) => {
      const sim = new FloatSimulator(build(0.5), { seed });
      const rec = new FloatRecorder(sim).run(200);
      return Array.from(rec.spikeTrains('exc').steps).join(',') + '|' + Array.from(rec.spikeTrains('exc').indices).join(',');
    };
    const a = spikes(5);
    expect(a.length).toBeGreaterThan(10);
    expect(spikes(5)).toBe(a);
    expect(spikes(6)).not.toBe(a);
  });

  it('blank-out transmits about p_transmit of the synaptic events', () => {
    // Total input delivered to a non-leaky, non-spiking population = Σ over transmitted events of w = 1.
    const make = (p: number) =>
      network(
        [source('s', 100, { kind: 'poisson_fixed', rate: 200, span: SPAN }), neurons('acc', 1, lif({ tau: null, threshold: 1e12 }))],
        [project('s', 'acc', { kind: 'dense' }, { kind: 'constant', value: 1 }, { pTransmit: p })],
      );
    const full = new FloatSimulator(make(1), { seed: 2 });
    const half = new FloatSimulator(make(0.5), { seed: 2 });
    full.run(100);
    half.run(100);
    const ratio = half.state('acc', 'v')[0]! / full.state('acc', 'v')[0]!;
    expect(full.state('acc', 'v')[0]).toBeGreaterThan(1500);
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
  });

  it('clamps: a floor of 0 rectifies the membrane', () => {
    const m = lif({ tau: null, threshold: 1e9, floor: 0 });
    const proj = project('src', 'p', { kind: 'one_to_one' }, { kind: 'constant', value: -1 });
    const sim = new FloatSimulator(network([source('src', 1, spikeFile()), neurons('p', 1, m)], [proj]));
    sim.setSpikeList('src', Int32Array.of(1, 2, 3), Int32Array.of(0, 0, 0));
    sim.run(6);
    expect(sim.state('p', 'v')[0]).toBe(0);
  });
});
