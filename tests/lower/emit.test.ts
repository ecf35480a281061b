import { describe, expect, it } from 'vitest';
import { lower } from '../../compiler/lower/lower.js';
import { resolveTarget } from '../../compiler/target/load.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import type { Network } from '../../compiler/model.js';
import { at, cubaLif, lif, network, neurons, poisson, project } from './net.js';

const profile = (name: string, sets: string[] = []) => resolveTarget(name, sets).profile!;

function withProbes(net: Network): Network {
  return {
    ...net,
    probes: [
      { span: at(30), target: { kind: 'spikes', population: 'h' }, every: 1 },
      { span: at(31), target: { kind: 'state', population: 'h', variable: 'i' }, every: 2 },
      { span: at(32), target: { kind: 'weights', projection: 'in->h' }, every: 10 },
      { span: at(33), target: { kind: 'spikes', population: 'h' }, every: 1 },
    ],
  };
}

describe('emit', () => {
  const net = withProbes(
    network(
      [poisson('in', 12), neurons('h', 40, cubaLif())],
      [project('in', 'h', { kind: 'dense' }, { kind: 'uniform', lo: -0.1, hi: 0.2 }), project('h', 'h', { kind: 'random', p: 0.3, allowSelf: false }, { kind: 'constant', value: -0.05 })],
    ),
  );
  // 16 compartments per core: h is split into three slices.
  const r = lower(net, profile('default', ['core.compartments=16']));
  const ir = r.ir!;

  it('splits the population into slices whose placements tile its neuron ids', () => {
    expect(ir.cores.length).toBe(3);
    const h = ir.populations.find((p) => p.name === 'h')!;
    expect(h.placement.map((p) => (p.kind === 'group' ? p.count : -1))).toEqual([16, 16, 8]);
    let next = h.neuronBase;
    for (const pl of h.placement) {
      if (pl.kind !== 'group') throw new Error('group');
      const g = ir.cores[pl.core]!.groups[pl.group]!;
      expect(g.neuronBase + pl.offset).toBe(next);
      next += pl.count;
    }
    expect(ir.populations.find((p) => p.name === 'in')!.placement).toEqual([{ kind: 'source', source: 0 }]);
  });

  it('routes every source neuron of a dense projection to one axon on every core', () => {
    for (let n = 0; n < 12; n++) {
      const cores = [...ir.routing.core.subarray(ir.routing.offsets[n]!, ir.routing.offsets[n + 1]!)];
      expect(cores).toEqual([0, 1, 2]);
    }
    // Entries of one neuron are in (core, axon) order and every axon is the target of exactly one route.
    const seen = new Set<string>();
    for (let k = 0; k < ir.routing.core.length; k++) {
      const key = `${ir.routing.core[k]}/${ir.routing.axon[k]}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(seen.size).toBe(ir.cores.reduce((s, c) => s + c.axonCount, 0));
  });

  it('gives each projection its own synapse group per core, with its shift and range', () => {
    for (const c of ir.cores) {
      expect(c.synapseGroups.map((g) => g.name).sort()).toEqual(['h->h', 'in->h']);
      for (const g of c.synapseGroups) {
        if (g.name === 'in->h') expect([g.weightMin, g.weightMax]).toEqual([-2048, 2047]); // mixed signs: 12-bit two's complement
        else expect([g.weightMin, g.weightMax]).toEqual([-4095, 0]); // all inhibitory: the sign bit becomes a magnitude bit
        expect(g.transmitThreshold).toBe(2 ** 32);
      }
    }
  });

  it('names probes uniquely and expands a weight probe to every core holding the projection', () => {
    expect(ir.probes.map((p) => p.name)).toEqual(['h.spikes', 'h.i', 'in->h.w@0', 'in->h.w@1', 'in->h.w@2', 'h.spikes#2']);
    const st = ir.probes[1]!;
    expect(st.kind === 'state' && st.state).toBe('i');
    expect(st.decimation).toBe(2);
  });

  it('copies the cost table and carries the reports; the file round-trips byte-identically', () => {
    const p = profile('default');
    expect(ir.cost.synapticOp).toEqual(p.cost.synaptic_op);
    expect(Object.keys(ir.reports).sort()).toEqual(['mapping', 'quantization', 'scales', 'sources']);
    const text = writeIr(ir);
    const back = loadIr(text, 'e.ir.json');
    expect(back.diagnostics).toEqual([]);
    expect(writeIr(back.ir!)).toBe(text);
  });

  it('names the ports: sources are inputs, populations nothing listens to are outputs', () => {
    const n2 = network([poisson('in', 3), neurons('h', 4, lif()), neurons('o', 2, lif())], [project('in', 'h', { kind: 'dense' }, { kind: 'constant', value: 0.3 }), project('h', 'o', { kind: 'dense' }, { kind: 'constant', value: 0.3 })]);
    const ir2 = lower(n2, profile('loihi1')).ir!;
    expect(ir2.ports).toEqual({ inputs: ['in'], outputs: ['o'] });
  });
});
