import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lower } from '../../compiler/lower/lower.js';
import { resolveTarget } from '../../compiler/target/load.js';
import type { TargetProfile } from '../../compiler/target/profile.js';
import { materialize, type SynapseTable } from '../../compiler/network/connectivity.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import type { DendriteIr } from '../../ir/types.js';
import type { Network } from '../../compiler/model.js';
import { SOURCES, cubaLif, erbpLif, erbpRule, lif, network, neurons, poisson, project } from './net.js';

function target(name: string, sets: string[] = []): TargetProfile {
  const r = resolveTarget(name, sets);
  if (!r.profile) throw new Error(JSON.stringify(r.diagnostics));
  return r.profile;
}

const errors = (ds: readonly { severity: string }[]) => ds.filter((d) => d.severity === 'error');

/** Every synapse in the IR as `proj|pre|post` → dequantized weight (model units). */
function irSynapses(ir: DendriteIr, unitOf: (proj: string) => number): Map<string, number> {
  const byAxon = new Map<string, number>();
  for (let n = 0; n < ir.neuronCount; n++) {
    for (let k = ir.routing.offsets[n]!; k < ir.routing.offsets[n + 1]!; k++) byAxon.set(`${ir.routing.core[k]}/${ir.routing.axon[k]}`, n);
  }
  const popOf = (g: number) => ir.populations.find((p) => g >= p.neuronBase && g < p.neuronBase + p.size)!;
  const out = new Map<string, number>();
  ir.cores.forEach((core, c) => {
    const group = core.groups[0]!;
    for (let a = 0; a < core.axonCount; a++) {
      const sg = core.synapseGroups[core.synapses.axonGroup[a]!]!;
      const pre = byAxon.get(`${c}/${a}`)!;
      expect(pre).toBeDefined();
      const prePop = popOf(pre);
      for (let r = core.synapses.axonOffsets[a]!; r < core.synapses.axonOffsets[a + 1]!; r++) {
        const post = group.neuronBase + core.synapses.targets[r]! - group.first;
        const postPop = popOf(post);
        const key = `${sg.name}|${pre - prePop.neuronBase}|${post - postPop.neuronBase}`;
        expect(out.has(key)).toBe(false); // never duplicated
        out.set(key, core.synapses.weights[r]! * 2 ** sg.weightShift * unitOf(sg.name));
      }
    }
  });
  return out;
}

function tablesOf(net: Network): Map<string, SynapseTable> {
  const sizes = new Map(net.populations.map((p) => [p.name, p.size]));
  const t = new Map<string, SynapseTable>();
  for (const p of net.projections) t.set(p.name, materialize(p, sizes.get(p.pre)!, sizes.get(p.post)!));
  return t;
}

function roundTrip(ir: DendriteIr): void {
  const text = writeIr(ir);
  const loaded = loadIr(text, 'x.ir.json');
  expect(loaded.diagnostics).toEqual([]);
  expect(writeIr(loaded.ir!)).toBe(text);
}

describe('lower: small networks on every shipped neuron model', () => {
  const net = network(
    [poisson('in', 30), neurons('h', 20, cubaLif()), neurons('o', 5, lif({ threshold: 0.5 }))],
    [
      project('in', 'h', { kind: 'dense' }, { kind: 'uniform', lo: -0.2, hi: 0.3 }),
      project('h', 'o', { kind: 'random', p: 0.5, allowSelf: false }, { kind: 'normal', mean: 0.1, std: 0.05 }),
    ],
  );
  for (const name of ['default', 'loihi1', 'nsat']) {
    it(`compiles for ${name}; the IR loads without diagnostics and write→load→write is byte-identical`, () => {
      const r = lower(net, target(name));
      expect(errors(r.diagnostics)).toEqual([]);
      expect(r.ir).toBeDefined();
      roundTrip(r.ir!);
      expect(r.ir!.neuronCount).toBe(55);
      expect(r.ir!.cores.length).toBeGreaterThanOrEqual(2);
    });
  }

  it('every weight report has an exponent, step, max/RMS error and saturation/underflow counts', () => {
    const r = lower(net, target('loihi1'));
    const w = r.quantization.filter((q) => q.kind === 'weights');
    expect(w.map((q) => q.group).sort()).toEqual(['h->o weights', 'in->h weights']);
    for (const q of w) {
      expect(q.exponent).not.toBeNull();
      expect(q.maxError).toBeLessThanOrEqual(q.step / 2 + 1e-12);
      expect(q.rmsError).toBeLessThanOrEqual(q.maxError + 1e-12);
      expect(q.saturated).toBe(0);
    }
  });

  it('thresholds land exactly on Loihi registers: vth = vthMant·64 in the population\'s state unit', () => {
    const r = lower(net, target('loihi1'));
    const core = r.ir!.cores.find((c) => c.groups[0]!.name === 'h')!;
    const g = core.groups[0]!;
    if (g.model !== 'loihi') throw new Error('expected loihi');
    const unit = r.scales.find((s) => s.population === 'h')!.unit.v!;
    expect(Math.abs(g.vthMant[0]! * 64 * unit - 1)).toBeLessThanOrEqual(32 * unit);
    // u = q for a LIF without a current state (decayU 4095 with Loihi's +1 offset).
    const o = r.ir!.cores.find((c) => c.groups[0]!.name === 'o')!.groups[0]!;
    if (o.model !== 'loihi') throw new Error('expected loihi');
    expect(o.decayU[0]).toBe(4095);
    expect(o.refractDelay[0]).toBe(3); // 2 ms at 1 ms steps: 2 held steps + Loihi's 1
  });
});

describe('lower: diagnostics', () => {
  it('a neuron with two current states is rejected on a one-current model', () => {
    const two = cubaLif({
      states: [
        { name: 'ge', span: cubaLif().span, role: 'current', tau: 0.005, rest: 0, initial: 0, integrates: [] },
        { name: 'gi', span: cubaLif().span, role: 'current', tau: 0.01, rest: 0, initial: 0, integrates: [] },
        { name: 'v', span: cubaLif().span, role: 'membrane', tau: 0.02, rest: 0, initial: 0, integrates: ['ge', 'gi'] },
      ],
      ports: [{ name: 'in', span: cubaLif().span, target: 'ge' }],
    });
    const r = lower(network([neurons('h', 4, two)], []), target('loihi1'));
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics.some((d) => d.code === 'SNN3401' && /2 current states \(ge, gi\)/.test(d.message))).toBe(true);
  });

  it('a threshold at or below rest is rejected (unsigned thresholds), with the population span', () => {
    const r = lower(network([neurons('h', 4, lif({ threshold: -0.5 }))], []), target('default'));
    const d = r.diagnostics.find((x) => x.code === 'SNN3402');
    expect(d?.severity).toBe('error');
    expect(d?.span).toBeDefined();
  });

  it('a dendrite is rejected on loihi1 but accepted on default and nsat', () => {
    const net = network([poisson('e', 3), neurons('h', 4, erbpLif())], [project('e', 'h', { kind: 'dense' }, { kind: 'constant', value: 0.1 }, { port: 'err' })]);
    expect(lower(net, target('loihi1')).diagnostics.some((d) => d.code === 'SNN3401' && /dendritic state `u`/.test(d.message))).toBe(true);
    for (const t of ['default', 'nsat']) {
      const r = lower(net, target(t));
      expect(errors(r.diagnostics)).toEqual([]);
      roundTrip(r.ir!);
      // The dendrite input goes to its own port on every synapse (cuba port 1; nsat x2 after v, i).
      const core = r.ir!.cores[0]!;
      expect([...core.synapses.ports]).toEqual(new Array(12).fill(t === 'nsat' ? 2 : 1));
    }
  });

  it('resting potentials are offsets: reset to rest on Loihi is legal, the threshold is stored relative to rest', () => {
    const n = lif({ states: [{ ...lif().states[0]!, rest: -0.065 }], threshold: -0.05, reset: { kind: 'value', value: -0.065 } });
    const r = lower(network([neurons('h', 2, n)], []), target('loihi1'));
    expect(errors(r.diagnostics)).toEqual([]);
    const g = r.ir!.cores[0]!.groups[0]!;
    if (g.model !== 'loihi') throw new Error('loihi');
    const unit = r.scales[0]!.unit.v!;
    expect(g.vthMant[0]! * 64 * unit).toBeCloseTo(0.015, 6);
  });

  it('saturation and underflow are warnings, and errors with strict', () => {
    const net = network(
      [poisson('in', 10), neurons('h', 3, lif())],
      // one large weight and many tiny ones: the tiny ones round to 0 on 8-bit weights
      [project('in', 'h', { kind: 'dense' }, { kind: 'uniform', lo: -1e-6, hi: 1e-6 }), project('in', 'h', { kind: 'one_to_one' }, { kind: 'constant', value: 0.5 }, { name: 'big' })],
    );
    const loose = lower(net, target('loihi1'));
    expect(loose.ir).toBeDefined();
    const w = loose.diagnostics.filter((d) => d.code === 'SNN3102');
    expect(w.length).toBeGreaterThan(0);
    expect(w.every((d) => d.severity === 'warning')).toBe(true);
    const strict = lower(net, target('loihi1'), { strict: true });
    expect(strict.ir).toBeUndefined();
    expect(strict.diagnostics.some((d) => d.code === 'SNN3102' && d.severity === 'error')).toBe(true);
  });

  it('a plastic projection on the TrueNorth-like target fails naming the rule, the projection and the capability', () => {
    const net = network([poisson('in', 4), neurons('h', 4, lif())], [project('in', 'h', { kind: 'dense' }, { kind: 'constant', value: 0.1 }, { rule: 'erbp' })], [erbpRule]);
    const r = lower(net, target('truenorth'));
    expect(r.ir).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === 'SNN3301')!;
    expect(d.message).toMatch(/rule `erbp` cannot run on truenorth: the target has no on-chip learning/);
    expect(d.message).toMatch(/in->h/);
    expect(d.span).toEqual(erbpRule.span);
    expect(d.notes?.[0]?.span).toBeDefined();
  });

  it('blank-out on a target without it is an error; on nsat p is rounded to k/15 with a warning', () => {
    const net = network([poisson('in', 4), neurons('h', 4, lif())], [project('in', 'h', { kind: 'dense' }, { kind: 'constant', value: 0.1 }, { pTransmit: 0.5 })]);
    expect(lower(net, target('loihi1')).diagnostics.some((d) => d.code === 'SNN3513' && d.severity === 'error')).toBe(true);
    const r = lower(net, target('nsat'));
    expect(r.ir).toBeDefined();
    expect(r.ir!.cores[0]!.synapseGroups[0]!.transmitThreshold).toBe(Math.round((8 / 15) * 2 ** 32));
  });
});

describe('lower: mapping', () => {
  it('a 2,000-neuron population with dense fan-in is split across loihi1 cores within every limit', () => {
    const net = network([poisson('in', 500), neurons('h1', 2000, lif())], [project('in', 'h1', { kind: 'dense' }, { kind: 'uniform', lo: -0.1, hi: 0.1 })]);
    const p = target('loihi1');
    const r = lower(net, p, { sources: SOURCES });
    expect(errors(r.diagnostics)).toEqual([]);
    const ir = r.ir!;
    expect(ir.cores.length).toBeGreaterThan(1);
    let comps = 0;
    let syn = 0;
    for (const c of ir.cores) {
      expect(c.compartmentCount).toBeLessThanOrEqual(p.core.compartments);
      expect(c.axonCount).toBeLessThanOrEqual(p.core.input_axons);
      comps += c.compartmentCount;
      syn += c.synapses.targets.length;
    }
    for (const u of r.mapping!.cores) expect(u.use.synapseBits).toBeLessThanOrEqual(p.core.synapse_memory.bits);
    expect(comps).toBe(2000);
    expect(syn).toBe(500 * 2000);
    roundTrip(ir);
  });

  it('a fan-in that cannot be split gets the DSL location, the resource, the need and the limit', () => {
    const net = network([poisson('img', 5120), neurons('h1', 10, lif(), 12)], [project('img', 'h1', { kind: 'dense' }, { kind: 'constant', value: 0.01 })]);
    const r = lower(net, target('loihi1'), { sources: SOURCES });
    expect(r.ir).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === 'SNN3202')!;
    expect(d.message).toMatch(/^h1 \(net\.snn:12:1\) needs 5,120 input axons on one core; loihi1 allows 4,096 — /);
    expect(d.span).toEqual(net.populations[1]!.span);
  });
});

describe('lower: the mapper and emitter never lose or duplicate a synapse (property)', () => {
  const arbNet = fc.record({
    nIn: fc.integer({ min: 1, max: 40 }),
    nH: fc.integer({ min: 1, max: 60 }),
    nO: fc.integer({ min: 1, max: 20 }),
    p: fc.double({ min: 0.05, max: 1, noNaN: true }),
    scale: fc.double({ min: 1e-3, max: 10, noNaN: true }),
    recurrent: fc.boolean(),
    targetName: fc.constantFrom('default', 'loihi1', 'nsat'),
    compartments: fc.constantFrom(0, 7, 16),
  });
  it('Σ CSR rows = Σ synapses; every (pre, post) is found once with its quantized weight', () => {
    fc.assert(
      fc.property(arbNet, (a) => {
        const projs = [
          project('in', 'h', { kind: 'random', p: a.p, allowSelf: false }, { kind: 'uniform', lo: -a.scale, hi: a.scale }),
          project('h', 'o', { kind: 'dense' }, { kind: 'normal', mean: 0, std: a.scale / 3 }),
          ...(a.recurrent ? [project('h', 'h', { kind: 'random', p: a.p, allowSelf: false }, { kind: 'constant', value: -a.scale / 2 })] : []),
        ];
        const net = network([poisson('in', a.nIn), neurons('h', a.nH, cubaLif()), neurons('o', a.nO, lif())], projs);
        // A small core size forces splitting.
        const sets = a.compartments ? [`core.compartments=${a.compartments}`] : [];
        const r = lower(net, target(a.targetName, sets));
        expect(errors(r.diagnostics)).toEqual([]);
        const ir = r.ir!;
        const unit = new Map<string, number>();
        for (const pr of projs) unit.set(pr.name, r.scales.find((s) => s.population === pr.post)!.unit[pr.post === 'h' ? 'i' : 'v']!);
        const got = irSynapses(ir, (n) => unit.get(n)!);
        const tables = tablesOf(net);
        let expected = 0;
        for (const pr of projs) {
          const t = tables.get(pr.name)!;
          const q = r.quantization.find((x) => x.group === `${pr.name} weights`)!;
          expected += t.rowPtr[t.preSize]!;
          for (let i = 0; i < t.preSize; i++) {
            for (let k = t.rowPtr[i]!; k < t.rowPtr[i + 1]!; k++) {
              const w = got.get(`${pr.name}|${i}|${t.post[k]}`);
              expect(w).toBeDefined();
              // nsat applies its per-sum gain in the compartment (wgain), not per synapse
              const gain = a.targetName === 'nsat' ? q.step / unit.get(pr.name)! : 1;
              if (q.saturated === 0) expect(Math.abs(w! * gain - t.weight[k]!)).toBeLessThanOrEqual(q.step / 2 + 1e-9 * q.step);
            }
          }
        }
        const rows = ir.cores.reduce((s, c) => s + c.synapses.axonOffsets[c.axonCount]!, 0);
        expect(rows).toBe(expected);
        expect(got.size).toBe(expected);
      }),
      { numRuns: 25 },
    );
  });
});
