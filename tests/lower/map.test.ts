import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapNetwork, type Connectivity, type Mapping, type MappingProblem } from '../../compiler/lower/map.js';
import { rowBits } from '../../compiler/lower/synapseMemory.js';
import { renderUtilisation } from '../../compiler/lower/utilisation.js';
import { applyOverrides, resolveTarget, type TargetProfile } from '../../compiler/target/index.js';

const loihi = resolveTarget('loihi1').profile!;

function dense(pre: number, post: number): Connectivity {
  const rowPtr = new Int32Array(pre + 1);
  const postIdx = new Int32Array(pre * post);
  for (let i = 0; i < pre; i++) {
    rowPtr[i + 1] = (i + 1) * post;
    for (let j = 0; j < post; j++) postIdx[i * post + j] = j;
  }
  return { preSize: pre, postSize: post, rowPtr, post: postIdx };
}

function fromPairs(pre: number, post: number, mask: boolean[][]): Connectivity {
  const rowPtr = new Int32Array(pre + 1);
  const out: number[] = [];
  for (let i = 0; i < pre; i++) {
    for (let j = 0; j < post; j++) if (mask[i]![j]) out.push(j);
    rowPtr[i + 1] = out.length;
  }
  return { preSize: pre, postSize: post, rowPtr, post: Int32Array.from(out) };
}

const src = 'network erbp {\n  population img = Poisson(5120)\n  population h1 = LIF(2000)\n}\n';
const h1Span = { file: 'erbp.snn', start: src.indexOf('population h1') + 'population '.length, end: src.indexOf('population h1') + 13 };

/** Checks every limit and that each synapse lands exactly once, on the core holding its post neuron. */
function checkMapping(problem: MappingProblem, m: Mapping, p: TargetProfile): void {
  const c = p.core;
  for (const core of m.cores) {
    expect(core.use.compartments).toBeLessThanOrEqual(c.compartments);
    expect(core.use.inputAxons).toBeLessThanOrEqual(c.input_axons);
    expect(core.use.outputAxons).toBeLessThanOrEqual(c.output_axons);
    if (c.synapse_memory.counting !== 'crossbar') expect(core.use.synapseBits).toBeLessThanOrEqual(c.synapse_memory.bits);
    expect(core.use.profiles).toBeLessThanOrEqual(c.profile_slots);
  }
  expect(m.cores.length).toBeLessThanOrEqual(p.chip.cores * p.chip.max_chips);
  // Slices tile every on-chip population exactly.
  for (const pop of problem.populations.filter((x) => x.onChip)) {
    const mine = m.cores.filter((k) => k.population === pop.name).sort((a, b) => a.start - b.start);
    let next = 0;
    for (const k of mine) {
      expect(k.start).toBe(next);
      expect(k.end).toBeGreaterThan(k.start);
      next = k.end;
    }
    expect(next).toBe(pop.size);
  }
  // Which core holds each post neuron, and each core's axon set per pre population.
  const holder = new Map<string, Int32Array>();
  for (const pop of problem.populations) holder.set(pop.name, new Int32Array(pop.size).fill(-1));
  for (const k of m.cores) holder.get(k.population)!.fill(k.index, k.start, k.end);
  const axonSets = m.cores.map((k) => new Map(k.axons.map((a) => [a.population, new Set(a.neurons)])));
  for (const proj of problem.projections) {
    const conn = proj.connectivity;
    const total = m.cores.reduce((a, k) => a + (k.synapsesByProjection[proj.name] ?? 0), 0);
    expect(total).toBe(conn.rowPtr[conn.preSize]);
    // Plain loops (an expect per synapse would dominate the run time); one assertion at the end.
    let lost = 0;
    const hold = holder.get(proj.post)!;
    for (let i = 0; i < conn.preSize; i++) {
      for (let q = conn.rowPtr[i]!; q < conn.rowPtr[i + 1]!; q++) {
        const k = hold[conn.post[q]!]!;
        if (k < 0 || !axonSets[k]!.get(proj.pre)?.has(i)) lost++;
      }
    }
    expect(lost).toBe(0);
  }
}

describe('mapping', () => {
  it('splits a 2,000-neuron population with dense fan-in across loihi1 cores', () => {
    const problem: MappingProblem = {
      populations: [
        { name: 'img', size: 784, onChip: false },
        { name: 'h1', size: 2000, onChip: true, span: h1Span },
      ],
      projections: [{ name: 'img->h1', pre: 'img', post: 'h1', connectivity: dense(784, 2000) }],
    };
    const r = mapNetwork(problem, loihi);
    expect(r.diagnostics).toEqual([]);
    const m = r.mapping!;
    expect(m.cores.length).toBeGreaterThan(1);
    // Each core holds whole rows of 784 axons; memory, not compartments, binds: a slice of s neurons costs
    // 784 rows of s synapses at 8 weight + 10 index bits, in 64-synapse groups of whole 64-bit words.
    const s = m.cores[0]!.end - m.cores[0]!.start;
    expect(784 * rowBits(loihi.core.synapse_memory, s, 18)).toBeLessThanOrEqual(2 ** 20);
    expect(784 * rowBits(loihi.core.synapse_memory, s + 1, 18)).toBeGreaterThan(2 ** 20);
    checkMapping(problem, m, loihi);
    const table = renderUtilisation(m, loihi);
    expect(table).toMatch(/^total/m);
    expect(table.split('\n').filter((l) => /^\d+ /.test(l)).length).toBe(m.cores.length);
  });

  it('a fan-in no split can fix is an error naming the location, the need and the limit', () => {
    const problem: MappingProblem = {
      populations: [
        { name: 'img', size: 5120, onChip: false },
        { name: 'h1', size: 20, onChip: true, span: h1Span },
      ],
      projections: [{ name: 'img->h1', pre: 'img', post: 'h1', connectivity: dense(5120, 20), weightBits: 1 }],
      sources: new Map([['erbp.snn', src]]),
    };
    const r = mapNetwork(problem, loihi);
    expect(r.mapping).toBeUndefined();
    const d = r.diagnostics[0]!;
    expect(d.code).toBe('SNN3202');
    expect(d.message).toMatch(/^h1 \(erbp\.snn:3:14\) needs 5,120 input axons on one core; loihi1 allows 4,096 — /);
    expect(d.span).toEqual(h1Span);
  });

  it('reports a network that needs more cores than the chip has, with a --set hint', () => {
    const problem: MappingProblem = {
      populations: [{ name: 'big', size: 129 * 1024, onChip: true }],
      projections: [],
    };
    const r = mapNetwork(problem, loihi);
    expect(r.diagnostics[0]!.message).toMatch(/needs 129 cores; loihi1 has 128/);
    expect(r.diagnostics[0]!.hint).toMatch(/--set chip.max_chips=2/);
    const two = applyOverrides(loihi, ['chip.max_chips=2']).profile!;
    const ok = mapNetwork(problem, two);
    expect(ok.mapping!.chipsUsed).toBe(2);
  });

  it('TrueNorth neurons reach one core only: a fan-out to two cores is an error', () => {
    const tn = resolveTarget('truenorth').profile!;
    const problem: MappingProblem = {
      populations: [
        { name: 'a', size: 10, onChip: true },
        { name: 'b', size: 300, onChip: true },
      ],
      projections: [{ name: 'a->b', pre: 'a', post: 'b', connectivity: dense(10, 300) }],
    };
    const r = mapNetwork(problem, tn);
    expect(r.diagnostics[0]!.code).toBe('SNN3204');
    expect(r.diagnostics[0]!.message).toMatch(/needs 2 output axons for one neuron on one core; truenorth allows 1 — .*splitter/);
  });

  it('splits by profile slots when neurons use many parameter sets', () => {
    const p = applyOverrides(loihi, ['core.profile_slots=3']).profile!;
    const problem: MappingProblem = {
      populations: [{ name: 'h', size: 10, onChip: true, profileOf: Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 4, 4]) }],
      projections: [],
    };
    const m = mapNetwork(problem, p).mapping!;
    expect(m.cores.map((k) => [k.start, k.end])).toEqual([[0, 3], [3, 6], [6, 10]]); // {0,1,2} {3,0,1} {2,3,4,4}
  });

  it('rejects connectivity that does not match the populations', () => {
    const r = mapNetwork(
      {
        populations: [
          { name: 'a', size: 3, onChip: true },
          { name: 'b', size: 3, onChip: true },
        ],
        projections: [{ name: 'a->b', pre: 'a', post: 'b', connectivity: dense(3, 4) }],
      },
      loihi,
    );
    expect(r.diagnostics[0]!.code).toBe('SNN3207');
    expect(mapNetwork({ populations: [], projections: [{ name: 'x', pre: 'q', post: 'r', connectivity: dense(1, 1) }] }, loihi).diagnostics[0]!.code).toBe('SNN3201');
  });

  it('never exceeds a limit and never loses or duplicates a synapse (random networks, tight cores)', () => {
    const net = fc
      .record({
        sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 2, maxLength: 4 }),
        seed: fc.integer(),
        density: fc.double({ min: 0.05, max: 1, noNaN: true }),
        comps: fc.integer({ min: 4, max: 32 }),
        axons: fc.integer({ min: 40, max: 120 }),
        outs: fc.integer({ min: 40, max: 400 }),
        memKbits: fc.integer({ min: 8, max: 64 }),
        counting: fc.constantFrom('groups', 'per_synapse'),
        encoding: fc.constantFrom('sparse', 'dense'),
      });
    fc.assert(
      fc.property(net, (n) => {
        const p = applyOverrides(resolveTarget('default').profile!, [
          `core.compartments=${n.comps}`,
          `core.input_axons=${n.axons}`,
          `core.output_axons=${n.outs}`,
          `core.synapse_memory.bits=${n.memKbits * 1024}`,
          `core.synapse_memory.counting=${n.counting}`,
          `core.synapse_memory.encoding=${n.encoding}`,
          'core.synapse_memory.group_size=8',
          'core.synapse_memory.word_bits=32',
          'core.synapse_memory.group_header_bits=10',
        ]).profile!;
        let state = n.seed | 0;
        const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
        const pops = n.sizes.map((size, i) => ({ name: `p${i}`, size, onChip: i > 0 }));
        const projections = [];
        for (let a = 0; a < pops.length; a++) {
          for (let b = 1; b < pops.length; b++) {
            if (rand() < 0.6) {
              const mask = Array.from({ length: pops[a]!.size }, () => Array.from({ length: pops[b]!.size }, () => rand() < n.density));
              projections.push({ name: `p${a}->p${b}`, pre: `p${a}`, post: `p${b}`, connectivity: fromPairs(pops[a]!.size, pops[b]!.size, mask) });
            }
          }
        }
        const problem = { populations: pops, projections };
        const r = mapNetwork(problem, p);
        if (r.mapping) checkMapping(problem, r.mapping, p);
        else expect(r.diagnostics.every((d) => /SNN320[2-6]/.test(d.code) && d.severity === 'error')).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('maps a million synapses quickly enough for the test suite', () => {
    const problem: MappingProblem = {
      populations: [
        { name: 'in', size: 1000, onChip: false },
        { name: 'h', size: 1000, onChip: true },
      ],
      projections: [{ name: 'in->h', pre: 'in', post: 'h', connectivity: dense(1000, 1000) }],
    };
    const m = mapNetwork(problem, resolveTarget('default').profile!).mapping!;
    expect(m.cores.reduce((a, k) => a + k.use.synapses, 0)).toBe(1_000_000);
  });
});
