/**
 * A sweep point's result equals a single `dendrite train` / `dendrite compile` + `run` + `diff` with the same
 * settings (the CLI paths are independent of sweep/point.ts apart from the shared library calls).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';
import { runPoint } from '../../sweep/point.js';
import { runOptions, smallNetwork, tempDir, writeNetwork } from '../sweep/helpers.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  const code = await main(args, io);
  return { code, out, err };
}

describe('sweep point = single command', () => {
  it('run mode: counters, energy and divergence equal compile + run + diff', async () => {
    const dir = tempDir('dendrite-qeq-');
    const file = writeNetwork(dir, smallNetwork({ neurons: 8, inputs: 25 }));
    const sets = ['synapse.weight.mant_bits=3', 'neuron.states.v.bits=12'];
    const r = await runPoint(runOptions(file, 300), { id: 'p', index: 0, values: {}, sets, seed: 5 });
    const setArgs = sets.flatMap((s) => ['--set', s]);
    const irFile = join(dir, 'net.ir.json');
    expect((await cli(['compile', file, ...setArgs, '-o', irFile])).code).toBe(0);
    const run = await cli(['run', irFile, '--steps', '300', '--seed', '5', '--json']);
    expect(run.code).toBe(0);
    const s = JSON.parse(run.out);
    expect(r.synaptic_events).toBe(s.counters.synaptic_events);
    expect(r.spikes).toBe(s.counters.spikes);
    expect(r.energy_pj).toBe(s.energy_pj);
    expect(r.overflow).toEqual(s.counters.overflow);
    const diff = await cli(['diff', file, ...setArgs, '--steps', '300', '--seed', '5', '--json']);
    expect(diff.code).toBe(0);
    const hid = JSON.parse(diff.out).populations.find((p: { population: string }) => p.population === 'hid');
    expect(r.divergence!.count_correlation).toBe(hid.count_correlation);
    expect(r.divergence!.rate_rel_error).toBeCloseTo(hid.rate_rel_error, 12);
    expect(r.divergence!.spikes_fixed).toBe(hid.spikes_fixed);
  }, 60_000);

  it('train mode: accuracies, events and energy equal `dendrite train` with the same flags', async () => {
    const file = 'dsl-examples/erbp-mnist.snn';
    const sets = ['synapse.weight.mant_bits=4'];
    const o = { file, target: 'default', mode: 'train' as const, epochs: 1, trainSamples: 4, testSamples: 4, steps: 0, prune: [], relearn: 0 };
    const r = await runPoint(o, { id: 'p', index: 0, values: {}, sets, seed: 3 });
    expect(r.status).toBe('ok');
    const dir = tempDir('dendrite-qeq-train-');
    const t = await cli(['train', file, '--set', sets[0]!, '--seed', '3', '--epochs', '1', '--train-samples', '4', '--test-samples', '4', '--out', dir, '--json']);
    expect(t.code).toBe(0);
    const s = JSON.parse(t.out);
    expect(r.train_accuracy).toBe(s.train_accuracy);
    expect(r.test_accuracy).toBe(s.test_accuracy);
    expect(r.synaptic_events).toBe(s.synaptic_events);
    expect(r.energy_pj).toBeCloseTo(s.energy_pj_per_sample, 6);
    expect(r.synapse_memory_bits).toBeGreaterThan(0);
  }, 120_000);
});
