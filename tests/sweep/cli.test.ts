import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';
import { smallNetwork, tempDir, writeNetwork } from './helpers.js';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  return { code: await main(args, io), out: () => out, err: () => err };
}

describe('dendrite sweep', () => {
  it('runs a run-mode grid and writes CSV, JSON with manifest, and SVGs (heat map for two parameters)', async () => {
    const dir = tempDir();
    const file = writeNetwork(dir, smallNetwork());
    const out = join(dir, 'out');
    const r = await cli(['sweep', file, '--mode', 'run', '--steps', '100', '--vary', 'synapse.weight.mant_bits=2,6', '--vary', 'neuron.v.bits=12,16', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.err()).toMatch(/\[4\/4\]/);
    const j = JSON.parse(r.out());
    expect(j.results).toHaveLength(4);
    const doc = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(doc.manifest.command).toContain('--vary synapse.weight.mant_bits=2,6');
    expect(doc.manifest.grid.vary.map((v: { path: string }) => v.path)).toEqual(['synapse.weight.mant_bits', 'neuron.states.v.bits']);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(5);
    expect(existsSync(join(out, 'count_correlation_heatmap.svg'))).toBe(true);
    expect(existsSync(join(out, 'rate_rel_error_vs_synapse_weight_mant_bits.svg'))).toBe(true);
  }, 60_000);

  it('a bad --vary path is a diagnostic (exit 1) naming --vary; bad flags are usage errors (exit 2)', async () => {
    const dir = tempDir();
    const file = writeNetwork(dir, smallNetwork());
    const bad = await cli(['sweep', file, '--mode', 'run', '--vary', 'synapse.weight.mant_bit=2,4']);
    expect(bad.code).toBe(1);
    expect(bad.err()).toMatch(/--vary/);
    expect(bad.err()).toMatch(/mant_bits/);
    expect((await cli(['sweep', file, '--mode', 'run', '--vary', 'synapse.weight.mant_bits=2', '--prune', '0.5'])).code).toBe(2);
    expect((await cli(['sweep', file, '--vary', 'synapse.weight.mant_bits=2', '--prune', '1.5'])).code).toBe(2);
    expect((await cli(['sweep', file, '--mode', 'run'])).code).toBe(2);
  });
});
