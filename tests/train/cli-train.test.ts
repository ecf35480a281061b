import { mkdtempSync, readFileSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { writeIr } from '../../ir/write.js';
import { handbuiltErbpIr } from '../../train/handbuilt-ir.js';
import { checkpointFromJson, WALL_CLOCK_FIELDS } from '../../train/trainer.js';
import { captureIo as capture } from '../helpers/io.js';


/** A small eRBP network over the bundled MNIST images: 784 → 8 → 10, 8 + 2 steps per sample. */
function irFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-train-'));
  const file = join(dir, 'net.ir.json');
  writeFileSync(file, writeIr(handbuiltErbpIr({ hidden: [8], presentSteps: 8, settleSteps: 2, presentTestSteps: 8, burnInSteps: 2, etaShift: 6 })));
  return { dir, file };
}

const ARGS = ['--train-samples', '24', '--test-samples', '10', '--epochs', '2', '--seed', '5'];

function stripWall(epochs: Record<string, number>[]) {
  return epochs.map((m) => ({ ...m, ...Object.fromEntries(WALL_CLOCK_FIELDS.map((k) => [k, 0])) }));
}

describe('dendrite train', () => {
  it('trains a compiled IR, prints the --json summary and writes metrics, weights and a checkpoint', async () => {
    const { dir, file } = irFile();
    const out = join(dir, 'run');
    const io = capture();
    const code = await main(['train', file, ...ARGS, '--out', out, '--json'], io);
    expect(io.stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    const s = JSON.parse(io.stdout);
    for (const k of ['train_accuracy', 'test_accuracy', 'epochs', 'samples_per_s', 'synaptic_events', 'energy_pj_per_sample']) expect(s).toHaveProperty(k);
    expect(s.epochs).toBe(2);
    expect(s.per_epoch).toHaveLength(2);
    expect(s.per_epoch[0].train_samples).toBe(24);
    expect(s.per_epoch[0].test_samples).toBe(10);
    expect(s.synaptic_events).toBe(s.per_epoch[0].synaptic_events + s.per_epoch[1].synaptic_events);
    expect(s.test_accuracy).toBeGreaterThanOrEqual(0);
    expect(s.test_accuracy).toBeLessThanOrEqual(1);
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^epoch,train_accuracy,test_accuracy,/);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).epochs).toHaveLength(2);
    const manifest = JSON.parse(readFileSync(join(out, 'weights', 'manifest.json'), 'utf8'));
    const plastic = manifest.groups.filter((g: { plastic: boolean }) => g.plastic);
    expect(plastic.map((g: { projection: string }) => g.projection)).toEqual(['img->h1', 'h1->out']);
    expect(plastic[0].synapses).toBe(784 * 8);
    const npy = readFileSync(join(out, 'weights', plastic[0].files.weights));
    expect(npy.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect((npy.length - npy.readUInt16LE(8) - 10) / 4).toBe(784 * 8);
    expect(checkpointFromJson(readFileSync(join(out, 'checkpoint.json'), 'utf8')).epoch).toBe(2);
    expect(existsSync(join(out, 'network.ir.json'))).toBe(true);
    expect(readdirSync(out).some((f) => f.includes('.tmp-'))).toBe(false);
    // non-TTY progress: plain lines
    expect(io.stderr).toMatch(/epoch 1\/2 {2}sample \d+\/24 .* samples\/s/);
    expect(io.stderr).toMatch(/epoch 2\/2: train acc/);
  });

  it('Ctrl-C writes a checkpoint, exits 130, and --resume finishes bit-identically to an uninterrupted run', async () => {
    const { dir, file } = irFile();
    const ref = capture();
    expect(await main(['train', file, ...ARGS, '--out', join(dir, 'ref'), '--json'], ref)).toBe(0);
    const refSummary = JSON.parse(ref.stdout);

    const out = join(dir, 'cut');
    let fired = false;
    // At the first progress line of epoch 2, call the SIGINT handler the command installed (as Node would).
    const io = capture((t) => {
      if (!fired && t.includes('epoch 2/2  sample')) {
        fired = true;
        const handler = process.listeners('SIGINT').at(-1) as () => void;
        handler();
      }
    });
    const code = await main(['train', file, ...ARGS, '--out', out, '--log-every', '5', '--json'], io);
    expect(fired).toBe(true);
    expect(code).toBe(130);
    expect(io.stderr).toMatch(/resume with: dendrite train --resume /);
    expect(process.listeners('SIGINT').length).toBeLessThan(10);
    const ck = checkpointFromJson(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect(ck.epoch).toBe(1);
    expect(ck.next).toBe(5);

    const io2 = capture();
    expect(await main(['train', '--resume', out, '--json'], io2)).toBe(0);
    const resumed = JSON.parse(io2.stdout);
    expect(stripWall(resumed.per_epoch)).toEqual(stripWall(refSummary.per_epoch));
    const w = (d: string) => readFileSync(join(d, 'weights', 'c0-g0.weights.npy'));
    expect(w(out).equals(w(join(dir, 'ref')))).toBe(true);
  });

  it('reports bad flags as usage errors (exit 2) and a protocol mismatch as a diagnostic (exit 1)', async () => {
    const { dir, file } = irFile();
    let io = capture();
    expect(await main(['train', file, '--epochs', 'many'], io)).toBe(2);
    expect(io.stderr).toMatch(/--epochs must be an integer/);
    io = capture();
    expect(await main(['train'], io)).toBe(2);
    expect(io.stderr).toMatch(/missing the network/);
    io = capture();
    expect(await main(['train', join(dir, 'nope.snn')], io)).toBe(2);
    io = capture();
    expect(await main(['train', file, '--resume', dir], io)).toBe(2);
    io = capture();
    expect(await main(['train', file, '--set', 'neuron.v.bits=3'], io)).toBe(2);
    expect(io.stderr).toMatch(/already compiled/);
    io = capture();
    expect(await main(['train', '--resume', join(dir, 'missing')], io)).toBe(2);
    // an IR whose readout is not a population
    const bad = join(dir, 'bad.ir.json');
    const ir = handbuiltErbpIr({ hidden: [4] });
    writeFileSync(bad, writeIr({ ...ir, reports: { protocol: { ...(ir.reports['protocol'] as object), readout: 'nowhere' } } }));
    io = capture();
    expect(await main(['train', bad, '--train-samples', '2', '--test-samples', '2'], io)).toBe(1);
    expect(io.stderr).toMatch(/readout `nowhere` is not a population.*\[SNN4601\]/);
  });
});
