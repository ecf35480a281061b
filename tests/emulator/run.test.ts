import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runIr } from '../../emulator/run.js';
import { writeIr } from '../../ir/write.js';
import { randomIr } from './random-ir.js';
import { main } from '../../cli/main.js';
import type { Io } from '../../cli/io.js';

function captureIo(): Io & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', isTTY: false, out(t: string) { io.stdout += t; }, err(t: string) { io.stderr += t; } };
  return io;
}

const models = ['loihi', 'cuba', 'nsat'] as const;

describe('runIr', () => {
  it('same IR and seed ⇒ same spike digest; another seed changes a random run', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const ir = randomIr(seed, { models, steps: 80, random: true });
        const a = runIr(ir, { seed: 1 });
        const b = runIr(ir, { seed: 1 });
        expect(b.spike_digest).toBe(a.spike_digest);
        expect(b.counters).toEqual(a.counters);
      }),
      { numRuns: 20 },
    );
    // A network with Poisson inputs at p = 1/2 almost surely differs between two seeds.
    let differ = 0;
    for (let s = 0; s < 10; s++) {
      const ir = randomIr(s, { models, steps: 80, random: true });
      if (ir.sources.some((x) => x.kind === 'poisson') && runIr(ir, { seed: 1 }).spike_digest !== runIr(ir, { seed: 2 }).spike_digest) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });

  it('counts: spikes × fan-out = synaptic events without blank-out; compartment updates = steps × compartments', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const ir = randomIr(seed, { models, steps: 50, random: false });
        let expectedEvents = 0;
        let expectedHops = 0;
        const coreOf = new Int32Array(ir.neuronCount).fill(-1);
        ir.cores.forEach((c, ci) => c.groups.forEach((g) => coreOf.fill(ci, g.neuronBase, g.neuronBase + g.size)));
        const s = runIr(ir, {
          onStep: (emu) => {
            for (let k = 0; k < emu.spikeCount; k++) {
              const n = emu.spikes[k]!;
              for (let r = ir.routing.offsets[n]!; r < ir.routing.offsets[n + 1]!; r++) {
                const core = ir.cores[ir.routing.core[r]!]!;
                const a = ir.routing.axon[r]!;
                expectedEvents += core.synapses.axonOffsets[a + 1]! - core.synapses.axonOffsets[a]!;
                const from = coreOf[n]!;
                if (from >= 0) expectedHops += Math.abs(ir.cores[from]!.mesh.x - core.mesh.x) + Math.abs(ir.cores[from]!.mesh.y - core.mesh.y);
              }
            }
          },
        });
        expect(s.counters.synaptic_events).toBe(expectedEvents);
        expect(s.counters.blanked_out).toBe(0);
        expect(s.counters.hops).toBe(expectedHops);
        const comps = ir.cores.reduce((x, c) => x + c.compartmentCount, 0);
        expect(s.counters.compartment_updates).toBe(50 * comps);
        expect(s.spikes_total).toBe(s.counters.spikes + s.counters.source_spikes);
        const c = ir.cost;
        expect(s.energy_pj).toBeCloseTo(
          s.counters.synaptic_events * c.synapticOp.pj + s.counters.compartment_updates * c.compartmentUpdate.pj + s.counters.spikes * c.spike.pj + s.counters.hops * c.hop.pj,
          6,
        );
        // Latency is the max over cores per step, so it lies between the slowest core's total and the sum.
        const perCore = s.per_core.map((p) => p.cycles);
        expect(s.cycles).toBeGreaterThanOrEqual(Math.max(...perCore));
        expect(s.cycles).toBeLessThanOrEqual(perCore.reduce((a, b) => a + b, 0));
      }),
      { numRuns: 30 },
    );
  });

  it('blank-out at p = 1/2 transmits about half of the synaptic events', () => {
    let sent = 0;
    let dropped = 0;
    for (let seed = 0; seed < 30; seed++) {
      const ir = randomIr(seed, { models: ['cuba'], steps: 100, random: false });
      const half = { ...ir, cores: ir.cores.map((c) => ({ ...c, synapseGroups: c.synapseGroups.map((g) => ({ ...g, transmitThreshold: 2 ** 31 })) })) };
      const s = runIr(half);
      sent += s.counters.synaptic_events;
      dropped += s.counters.blanked_out;
    }
    const n = sent + dropped;
    expect(n).toBeGreaterThan(1000);
    expect(Math.abs(sent / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n) + 0.01);
  });

  it('writes probes as CSV and JSON with a manifest', () => {
    const ir = randomIr(4, { models, steps: 30, random: true });
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-run-'));
    const s = runIr(ir, { outDir: dir, seed: 77 });
    expect(s.files).toContain('manifest.json');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ tool: 'dendrite', seed: 77, steps: 30, target: 'test' });
    const st = readFileSync(join(dir, 'st.csv'), 'utf8').trim().split('\n');
    const dec = (ir.probes[2] as { decimation: number }).decimation;
    expect(st.length - 1).toBe(Math.floor(30 / dec));
    const spk = readFileSync(join(dir, 'spk.csv'), 'utf8').trim().split('\n');
    const pop = ir.populations.find((p) => p.name === (ir.probes[0] as { population: string }).population)!;
    expect(spk.length - 1).toBe(s.population_spikes[pop.name]);
  });
});

describe('dendrite run / conformance CLI', () => {
  it('run --json prints the summary; bad flags are usage errors; bad IR names the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-cli-'));
    const ir = randomIr(9, { models, steps: 40, random: true });
    const file = join(dir, 'net.ir.json');
    writeFileSync(file, writeIr(ir));
    let io = captureIo();
    expect(await main(['run', file, '--steps', '25', '--seed', '3', '--json'], io)).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.steps).toBe(25);
    expect(j.seed).toBe(3);
    expect(j.spike_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(j.spikes_total).toBe(runIr(ir, { steps: 25, seed: 3 }).spikes_total);
    for (const k of ['counters', 'cycles', 'energy_pj']) expect(j).toHaveProperty(k);
    io = captureIo();
    expect(await main(['run', file, '--steps', '10'], io)).toBe(0);
    expect(io.stdout).toMatch(/synaptic events/);
    io = captureIo();
    expect(await main(['run', file, '--steps', 'ten'], io)).toBe(2);
    expect(io.stderr).toMatch(/--steps/);
    io = captureIo();
    expect(await main(['run', join(dir, 'missing.ir.json')], io)).toBe(2);
    const bad = JSON.parse(writeIr(ir));
    bad.cores[0].compartmentCount = -1;
    writeFileSync(join(dir, 'bad.ir.json'), JSON.stringify(bad));
    io = captureIo();
    expect(await main(['run', join(dir, 'bad.ir.json')], io)).toBe(1);
    expect(io.stderr).toMatch(/cores\[0\]\.compartmentCount/);
  });

  it('conformance loihi passes the golden cases and fails (exit 1) a tampered one with the first difference', async () => {
    const golden = join(import.meta.dirname, '..', 'golden', 'loihi');
    let io = captureIo();
    expect(await main(['conformance', 'loihi', join(golden, 'case-00.json'), join(golden, 'case-01.json')], io)).toBe(0);
    expect(io.stdout.match(/^PASS/gm)?.length).toBe(2);
    const gc = JSON.parse(readFileSync(join(golden, 'case-01.json'), 'utf8'));
    gc.expected.A.v[41][0] += 1;
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-conf-'));
    writeFileSync(join(dir, 't.json'), JSON.stringify(gc));
    io = captureIo();
    expect(await main(['conformance', 'loihi', join(dir, 't.json')], io)).toBe(1);
    expect(io.stdout).toMatch(/first difference at step 42: v of block A compartment 0/);
    const gc2 = JSON.parse(readFileSync(join(golden, 'case-00.json'), 'utf8'));
    gc2.synapses[0].weight_acc[0][0] += 64;
    writeFileSync(join(dir, 'w.json'), JSON.stringify(gc2));
    io = captureIo();
    expect(await main(['conformance', 'loihi', join(dir, 'w.json')], io)).toBe(1);
    expect(io.stdout).toMatch(/weight_acc mismatch/);
    writeFileSync(join(dir, 'n.json'), '{"format":"x"}');
    io = captureIo();
    expect(await main(['conformance', 'loihi', join(dir, 'n.json')], io)).toBe(2);
  });
});
