import { describe, expect, it } from 'vitest';
import { diffNetwork, renderDiff } from '../../analysis/diff.js';
import { emulatorSpikeTrains } from '../../analysis/emulator-trace.js';
import { FloatSimulator } from '../../reference/float-sim.js';
import { FloatRecorder } from '../../reference/recorder.js';
import { vanRossum } from '../../analysis/compare.js';
import { bernoulliThreshold } from '../../emulator/prng.js';
import type { DendriteIr } from '../../ir/types.js';
import type { Network } from '../../compiler/model.js';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';
import { buildTwin, randomSpikes } from '../reference/ir-build.js';
import { SPAN, source } from '../reference/build.js';

function captureIo(): Io & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', isTTY: false, out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

const opts = {
  sources: 10, size: 20, tauI: 5, tauV: 20, scale: 2 ** -16, weightShift: 2, threshold: 1, bias: 0.002, weightRange: 0.3,
} as const;

describe('diffNetwork (fixed vs float in lockstep)', () => {
  it('identical inputs, close outputs: source metrics are exact, neuron metrics near-perfect with wide widths', () => {
    const twin = buildTwin({ ...opts, spikes: randomSpikes(10, 400, 0.3, 99) });
    const r = diffNetwork(twin.network, twin.ir, { steps: 400, seed: 5 });
    const src = r.populations.find((p) => p.population === 'in')!;
    expect(src.spikes_fixed).toBe(src.spikes_float);
    expect(src.van_rossum).toBe(0);
    expect(src.count_correlation).toBe(1);
    const out = r.populations.find((p) => p.population === 'out')!;
    expect(out.spikes_float).toBeGreaterThan(100);
    expect(out.rate_rel_error!).toBeLessThan(0.05);
    expect(out.count_correlation!).toBeGreaterThan(0.95);
    expect(out.van_rossum).toBeLessThan(0.5);
    // Scales come from the IR's reports: both states get an RMSE, small against the threshold of 1.
    expect(out.state_rmse.v).not.toBeNull();
    expect(out.state_rmse.i).not.toBeNull();
    expect(out.state_rmse.v!).toBeLessThan(0.05);
    expect(out.state_rmse.v!).toBeGreaterThan(0);
    const text = renderDiff(r);
    expect(text).toMatch(/^fixed \(twin\) vs float64 reference: 400 steps, seed 5/);
    expect(text).toMatch(/\nout\s+20\s+\d+\s+\d+/);
  });

  it('without scales in the IR reports, state RMSE is null and a note says why', () => {
    const twin = buildTwin({ ...opts, spikes: randomSpikes(10, 50, 0.3, 1) });
    const ir: DendriteIr = { ...twin.ir, reports: {} };
    const r = diffNetwork(twin.network, ir, { steps: 50 });
    expect(r.populations.find((p) => p.population === 'out')!.state_rmse).toEqual({ i: null, v: null });
    expect(r.notes.join('\n')).toMatch(/no integer→model scale for out\.i, out\.v/);
  });

  it('a coarse fixed point (threshold = 64 LSB, weights in steps of 1/8) drifts measurably further than a wide one', () => {
    const spikes = randomSpikes(10, 300, 0.3, 3);
    const wide = diffNetwork(buildTwin({ ...opts, spikes }).network, buildTwin({ ...opts, spikes }).ir, { steps: 300 });
    const coarseTwin = buildTwin({ ...opts, scale: 2 ** -6, weightShift: 3, spikes });
    const coarse = diffNetwork(coarseTwin.network, coarseTwin.ir, { steps: 300 });
    const vr = (r: typeof wide) => r.populations.find((p) => p.population === 'out')!.van_rossum;
    const rmse = (r: typeof wide) => r.populations.find((p) => p.population === 'out')!.state_rmse.v!;
    expect(rmse(coarse)).toBeGreaterThan(5 * rmse(wide));
    expect(vr(coarse)).toBeGreaterThan(vr(wide));
  });

  it('Poisson sources: the float side copies the IR thresholds and draws the very same input spikes', () => {
    const twin = buildTwin({ ...opts, spikes: randomSpikes(10, 10, 0.3, 1) });
    const thr = Float64Array.from({ length: 10 }, (_, i) => bernoulliThreshold(0.02 * (i + 1)));
    const ir: DendriteIr = { ...twin.ir, sources: [{ kind: 'poisson', name: 'in', size: 10, neuronBase: 0, rate: thr, refractory: 2 }] };
    const network: Network = {
      ...twin.network,
      populations: [source('in', 10, { kind: 'poisson', rateMax: 100, refractory: 0.002, span: SPAN }), twin.network.populations[1]!],
    };
    const fixed = emulatorSpikeTrains(ir, 300, 77).get('in')!;
    const sim = new FloatSimulator(network, { seed: 77 });
    sim.setSourceThresholds('in', thr);
    const float = new FloatRecorder(sim).run(300).spikeTrains('in');
    expect(fixed.indices.length).toBeGreaterThan(50);
    expect(Array.from(float.steps)).toEqual(Array.from(fixed.steps));
    expect(Array.from(float.indices)).toEqual(Array.from(fixed.indices));
    expect(vanRossum(fixed, float, 10, 300).mean).toBe(0);
    // And diffNetwork does the copying itself.
    const r = diffNetwork(network, ir, { steps: 300, seed: 77 });
    expect(r.populations.find((p) => p.population === 'in')!.van_rossum).toBe(0);
  });
});

describe('dendrite diff (command line)', () => {
  it('rejects a compiled IR and bad flags with usage errors (exit 2)', async () => {
    let io = captureIo();
    expect(await main(['diff', 'net.ir.json'], io)).toBe(2);
    expect(io.stderr).toMatch(/needs the network source/);
    io = captureIo();
    expect(await main(['diff', 'net.snn', '--steps', 'many'], io)).toBe(2);
    expect(io.stderr).toMatch(/--steps must be an integer/);
    io = captureIo();
    expect(await main(['diff', 'net.snn', '--tau', '0'], io)).toBe(2);
    io = captureIo();
    expect(await main(['diff', 'net.snn', '--input-level', '2'], io)).toBe(2);
  });

  it('compiles and diffs a shipped example end to end (--json): identical fixed-rate inputs on both sides', async () => {
    const io = captureIo();
    const code = await main(['diff', 'dsl-examples/stdp.snn', '--steps', '60', '--seed', '9', '--json'], io);
    expect(code, io.stderr).toBe(0);
    const r = JSON.parse(io.stdout) as { steps: number; seed: number; populations: { population: string; spikes_fixed: number; spikes_float: number; van_rossum: number }[] };
    expect(r.steps).toBe(60);
    expect(r.seed).toBe(9);
    const inputs = r.populations[0]!;
    expect(inputs.spikes_fixed).toBeGreaterThan(0);
    expect(inputs.spikes_float).toBe(inputs.spikes_fixed);
    expect(inputs.van_rossum).toBe(0);
  });
});
