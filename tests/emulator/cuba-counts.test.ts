/**
 * Brian's CUBA benchmark (dsl-examples/cuba.snn: 3,200 excitatory + 800 inhibitory LIF neurons, two current
 * states ge/gi) through the CLI, with its counters checked against an independent count: every synapse transmits
 * (p_transmit = 1), so synaptic events = Σ over neurons of spikes × fan-out, with the fan-out taken from the
 * checked network's own connectivity (compiler/network/connectivity.ts), not from the IR's routing or CSR tables.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { compileFile } from '../../compiler/compile.js';
import { materialize } from '../../compiler/network/connectivity.js';
import { runIr } from '../../emulator/run.js';

const FILE = 'dsl-examples/cuba.snn';
const STEPS = 1000;

function capture() {
  let out = '';
  let err = '';
  return { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t), isTTY: false }, get out() { return out; }, get err() { return err; } };
}

describe('dendrite run dsl-examples/cuba.snn --steps 1000 --json', () => {
  it('runs, and its counters agree with spikes × fan-out from the network', async () => {
    const c = capture();
    const code = await main(['run', FILE, '--steps', String(STEPS), '--json'], c.io);
    expect(c.err).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(c.out);
    expect(j.steps).toBe(STEPS);

    // The same compile and run in-process, recording every spike per neuron.
    const r = compileFile(FILE, { target: 'default' });
    const ir = r.ir!;
    const net = r.network!;
    const spikesOf = new Float64Array(ir.neuronCount);
    const run = runIr(ir, { steps: STEPS, onStep: (emu) => { for (let k = 0; k < emu.spikeCount; k++) spikesOf[emu.spikes[k]!]!++; } });
    expect(run.spike_digest).toBe(j.spike_digest); // the CLI ran exactly this

    // Fan-out of every neuron (global id = population base + index, populations in declaration order).
    const base = new Map<string, number>();
    let n = 0;
    for (const p of net.populations) {
      base.set(p.name, n);
      n += p.size;
    }
    expect(n).toBe(ir.neuronCount);
    const size = new Map(net.populations.map((p) => [p.name, p.size]));
    const events = new Map<string, number>(); // expected synaptic events per post population
    for (const proj of net.projections) {
      expect(proj.pTransmit).toBe(1);
      const t = materialize(proj, size.get(proj.pre)!, size.get(proj.post)!);
      let e = 0;
      for (let i = 0; i < size.get(proj.pre)!; i++) e += spikesOf[base.get(proj.pre)! + i]! * (t.rowPtr[i + 1]! - t.rowPtr[i]!);
      events.set(proj.post, (events.get(proj.post) ?? 0) + e);
    }
    const total = [...events.values()].reduce((a, b) => a + b, 0);
    const spikes = spikesOf.reduce((a, b) => a + b, 0);

    // The network is active but not saturated: Brian's CUBA fires at a few to a few tens of Hz.
    const rateHz = spikes / ir.neuronCount / (STEPS * ir.dt);
    expect(rateHz).toBeGreaterThan(1);
    expect(rateHz).toBeLessThan(100);

    expect(j.spikes_total).toBe(spikes);
    expect(j.counters.spikes).toBe(spikes);
    expect(j.population_spikes.exc + j.population_spikes.inh).toBe(spikes);
    expect(j.counters.synaptic_events).toBe(total);
    expect(j.counters.blanked_out).toBe(0);
    expect(j.counters.compartment_updates).toBe(ir.neuronCount * STEPS);
    expect(j.counters.source_spikes).toBe(0);
    // Per core: each core holds one population and receives exactly the events aimed at it.
    const mapping = ir.populations.map((p) => ({ name: p.name, core: p.placement[0]!.kind === 'group' ? p.placement[0]!.core : -1 }));
    for (const { name, core } of mapping) expect(j.per_core[core].synaptic_events).toBe(events.get(name));
  });

  it('gives the same spikes on 2 worker threads (extra-current state and counters are shared too)', () => {
    const ir = compileFile(FILE, { target: 'default' }).ir!;
    const one = runIr(ir, { steps: 200 });
    const two = runIr(ir, { steps: 200, workers: 2 });
    expect(one.spikes_total).toBeGreaterThan(0);
    expect(two.spike_digest).toBe(one.spike_digest);
    expect(two.counters).toEqual(one.counters);
  });
});
