import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { captureIo } from '../helpers/io.js';

async function run(args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('dendrite run on .snn sources', () => {
  it('compiles on the fly, learns, and is deterministic', async () => {
    const a = await run(['run', 'dsl-examples/stdp.snn', '--steps', '60', '--json']);
    const b = await run(['run', 'dsl-examples/stdp.snn', '--steps', '60', '--json']);
    expect(a.code).toBe(0);
    const sa = JSON.parse(a.out);
    expect(sa.spike_digest).toBe(JSON.parse(b.out).spike_digest);
    expect(sa.steps).toBe(60);
    expect(sa.counters.learning_updates).toBeGreaterThan(0);
    expect(sa.spikes_total).toBeGreaterThan(0);
  });

  it('a different --seed changes the Poisson input', async () => {
    const a = JSON.parse((await run(['run', 'dsl-examples/stdp.snn', '--steps', '60', '--json', '--seed', '1'])).out);
    const b = JSON.parse((await run(['run', 'dsl-examples/stdp.snn', '--steps', '60', '--json', '--seed', '2'])).out);
    expect(a.spike_digest).not.toBe(b.spike_digest);
  });

  it('an unknown target is a diagnostic (exit 1), --set on a compiled IR a usage error (exit 2)', async () => {
    const bad = await run(['run', 'dsl-examples/stdp.snn', '--target', 'nosuchchip', '--steps', '5']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/nosuchchip/);
    expect(bad.err).not.toMatch(/\n\s+at /);
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-run-'));
    const ir = join(dir, 'stdp.ir.json');
    expect((await run(['compile', 'dsl-examples/stdp.snn', '-o', ir])).code).toBe(0);
    expect((await run(['run', ir, '--set', 'synapse.weight.mant_bits=4'])).code).toBe(2);
    const fromIr = JSON.parse((await run(['run', ir, '--steps', '60', '--json'])).out);
    const fromSnn = JSON.parse((await run(['run', 'dsl-examples/stdp.snn', '--steps', '60', '--json'])).out);
    expect(fromIr.spike_digest).toBe(fromSnn.spike_digest);
  });

  it('--probe takes comma-separated or repeated names and does not swallow the file argument', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-probe-'));
    const files = (out: string) => readdirSync(out).filter((f) => f.endsWith('.csv')).sort();
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const one = join(dir, 'one');
    expect((await run(['run', '--probe', 'neurons.spikes,inputs->neurons.w', 'dsl-examples/stdp.snn', '--steps', '20', '--out', a])).code).toBe(0);
    expect((await run(['run', '--probe', 'neurons.spikes', '--probe', 'inputs->neurons.w', 'dsl-examples/stdp.snn', '--steps', '20', '--out', b])).code).toBe(0);
    expect((await run(['run', 'dsl-examples/stdp.snn', '--probe', 'neurons.spikes', '--steps', '20', '--out', one])).code).toBe(0);
    expect(files(a)).toEqual(files(b));
    expect(files(a).length).toBe(2);
    expect(files(one).length).toBe(1);
  });
});
