/** NSAT golden trace (erbp-tiny.json): states, spikes and weights reproduced exactly; the CLI verb. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNsatGoldenShape, formatNsatResult, runNsatGolden, type NsatGolden } from '../../emulator/conformance/nsat.js';
import { main } from '../../cli/main.js';

const file = join(import.meta.dirname, '..', 'golden', 'nsat', 'erbp-tiny.json');
const load = (): NsatGolden => JSON.parse(readFileSync(file, 'utf8')) as NsatGolden;

describe('NSAT golden conformance (erbp-tiny, bit for bit)', () => {
  it('reproduces every state, spike and weight', () => {
    const g = load();
    const r = runNsatGolden(g);
    expect(formatNsatResult(r, 'erbp-tiny.json')).toMatch(/^PASS/);
    expect(r.ticks).toBe(49);
    expect(r.stateValuesChecked).toBe(50 * g.n_neurons * g.n_states);
    expect(r.spikesChecked).toBe(g.spikes_tick_neuron.length);
    expect(r.weightsChecked).toBe(g.weight_monitor.rows.length + g.final_shared_mem.length);
    // The golden README: "15 plastic weights changed during the run".
    expect(r.weightsChanged).toBe(15);
  });

  it('detects a wrong learning rate (hiac −6 instead of −7) at the first changed weight', () => {
    const g = load();
    g.params.eRBP_det.hiac = [-6, -16, -16];
    const r = runNsatGolden(g);
    expect(r.pass).toBe(false);
    expect(['weight', 'final_weight', 'state', 'spike']).toContain(r.firstDifference!.what);
    expect(r.firstDifference!.tick).toBeGreaterThanOrEqual(10); // learning starts at learn_burnin = 10
  });

  it('detects a wrong time gate (learning from tick 40)', () => {
    const g = load();
    g.params.hid_and_out.learn_burnin = 40;
    expect(runNsatGolden(g).pass).toBe(false);
  });

  it('rejects a file of the wrong shape', () => {
    expect(checkNsatGoldenShape({})).not.toEqual([]);
    expect(checkNsatGoldenShape([])).not.toEqual([]);
    expect(checkNsatGoldenShape(load())).toEqual([]);
  });

  it('`dendrite conformance nsat` exits 0 on the golden file and 2 on a non-golden file', async () => {
    let out = '';
    let err = '';
    const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; } };
    const code = await main(['conformance', 'nsat', file], io as never);
    expect(out).toMatch(/^PASS/);
    expect(code).toBe(0);
    const bad = await main(['conformance', 'nsat', join(import.meta.dirname, '..', 'golden', 'loihi', 'case-00.json')], io as never);
    expect(bad).toBe(2);
    expect(err).toMatch(/not an NSAT golden trace/);
  });
});
