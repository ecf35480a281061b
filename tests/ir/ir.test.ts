import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import { randomIr } from '../emulator/random-ir.js';
import { runIr } from '../../emulator/run.js';
import { Emulator } from '../../emulator/emulator.js';
import type { CompartmentGroup, DendriteIr } from '../../ir/types.js';

/**
 * The optional fields of issues 3/4 added to every group of a random IR: each `cuba` group gets an extra current
 * (a copy of v's format named `g0`) and per-compartment `initial` values; each `loihi` group `initial` u and v.
 * With `zero`, every initial value is 0, so the run must equal the undecorated IR's.
 */
function decorate(ir: DendriteIr, seed: number, zero: boolean): DendriteIr {
  let x = seed >>> 0;
  const rnd = (lo: number, hi: number) => (zero ? 0 : lo + ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) % (hi - lo + 1)));
  const vals = (n: number, lo: number, hi: number) => Int32Array.from({ length: n }, () => rnd(lo, hi));
  const group = (g: CompartmentGroup): CompartmentGroup => {
    if (g.model === 'cuba') {
      const vLo = Math.max(g.v.floor ?? -(2 ** (g.v.bits - 1)), -50);
      const vHi = Math.min(g.v.ceiling ?? 2 ** (g.v.bits - 1) - 1, 50);
      return { ...g, extraCurrents: [{ ...g.v, name: 'g0' }], initial: { v: vals(g.size, Math.min(vLo, 0), Math.max(vHi, 0)), g0: new Int32Array(g.size) } };
    }
    if (g.model === 'loihi') return { ...g, initial: { u: vals(g.size, -30, 30), v: vals(g.size, Math.max(g.vmin, -30), Math.min(g.vmax, 30)) } };
    return g;
  };
  return { ...ir, cores: ir.cores.map((c) => ({ ...c, groups: c.groups.map(group) })) };
}

const models = ['loihi', 'cuba', 'nsat'] as const;

describe('IR writer and loader', () => {
  it('random IRs load without diagnostics, and write → load → write is byte-identical', () => {
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (seed, random) => {
        const ir = randomIr(seed, { models, steps: 20, random });
        const text = writeIr(ir);
        const { ir: back, diagnostics } = loadIr(text, 'x.ir.json');
        expect(diagnostics).toEqual([]);
        expect(writeIr(back!)).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it('encodes long arrays as base64 typed arrays and short ones inline', () => {
    const ir = randomIr(3, { models: ['loihi'], steps: 200, random: false });
    const j = JSON.parse(writeIr(ir));
    const steps = j.sources[0].steps;
    if (ir.sources[0]!.kind === 'spikes' && ir.sources[0].steps.length > 16) expect(steps).toHaveProperty('b64');
    expect(Array.isArray(j.cores[0].synapses.axonOffsets) || 'b64' in j.cores[0].synapses.axonOffsets).toBe(true);
    // Keys are sorted at every level.
    expect(Object.keys(j)).toEqual([...Object.keys(j)].sort());
  });

  it('names the field and the allowed range of an out-of-range register', () => {
    const ir = randomIr(11, { models: ['loihi'], steps: 5, random: false });
    const j = JSON.parse(writeIr(ir));
    j.cores[0].groups[0].decayU = Array.from({ length: ir.cores[0]!.groups[0]!.size }, (_, i) => (i === 0 ? 4096 : 0));
    const { ir: out, diagnostics } = loadIr(JSON.stringify(j), 'bad.ir.json');
    expect(out).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ code: 'SNN4004', path: { file: 'bad.ir.json', field: 'cores[0].groups[0].decayU[0]' }, hint: 'allowed range: 0..4095' });
  });

  it('reports a weight outside its synapse group range with the synapse index', () => {
    const ir = randomIr(5, { models: ['loihi'], steps: 5, random: false });
    const core = ir.cores.findIndex((c) => c.synapses.targets.length > 0);
    if (core < 0) return;
    const j = JSON.parse(writeIr(ir));
    const w = Array.from(ir.cores[core]!.synapses.weights);
    w[w.length - 1] = 300;
    j.cores[core].synapses.weights = w;
    const { diagnostics } = loadIr(JSON.stringify(j), 'f');
    expect(diagnostics.map((d) => d.path?.field)).toContain(`cores[${core}].synapses.weights[${w.length - 1}]`);
  });

  it('rejects non-monotone CSR offsets, dangling routes, unknown learning programs and probe states', () => {
    const ir = randomIr(8, { models: ['loihi'], steps: 5, random: false });
    const j = JSON.parse(writeIr(ir));
    j.cores[0].synapseGroups[0].learning = 2;
    j.probes[2].state = 'voltage';
    j.routing.core = Array.from(ir.routing.core, () => 99);
    const { diagnostics } = loadIr(JSON.stringify(j), 'f');
    const fields = diagnostics.map((d) => d.path?.field);
    expect(fields).toContain('cores[0].synapseGroups[0].learning');
    if (ir.routing.core.length > 0) expect(fields).toContain('routing.core[0]');
    const j2 = JSON.parse(writeIr(ir));
    j2.routing.offsets = Array.from(ir.routing.offsets, (x, i) => (i === 1 ? ir.routing.core.length + 5 : x));
    expect(loadIr(JSON.stringify(j2), 'f').diagnostics.some((d) => d.code === 'SNN4006' || d.code === 'SNN4004')).toBe(true);
    const j3 = JSON.parse(writeIr(ir));
    j3.probes[2].state = 'voltage';
    const d3 = loadIr(JSON.stringify(j3), 'f').diagnostics;
    expect(d3[0]).toMatchObject({ path: { field: 'probes[2].state' } });
  });

  it('rejects non-JSON and a wrong format tag with one clear diagnostic', () => {
    expect(loadIr('{', 'a').diagnostics[0]!.code).toBe('SNN4001');
    expect(loadIr('{"format":"dendrite-ir/9"}', 'a').diagnostics[0]!.code).toBe('SNN4002');
    expect(loadIr('[]', 'a').diagnostics[0]!.code).toBe('SNN4003');
  });

  it('fuzz: random mutations of valid IR JSON give diagnostics or an IR, never an exception', () => {
    const base = JSON.parse(writeIr(randomIr(21, { models, steps: 30, random: true })));
    const junk = fc.oneof(
      fc.constant(undefined), fc.constant(null), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double(), fc.string(),
      fc.boolean(), fc.constant([]), fc.constant({}), fc.array(fc.integer({ min: -5, max: 300 }), { maxLength: 5 }),
      fc.constant({ dtype: 'int32', b64: 'AAAA' }), fc.constant({ dtype: 'int64', b64: '' }), fc.constant({ dtype: 'uint8', b64: '!!' }),
    );
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]) => {
      paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: paths.length - 1 }), junk), { minLength: 1, maxLength: 4 }), (muts) => {
        const j = structuredClone(base);
        for (const [pi, value] of muts) {
          const p = paths[pi]!;
          if (p.length === 0) continue;
          let o = j;
          for (const k of p.slice(0, -1)) o = o?.[k];
          // a fresh copy: fc.constant hands out one shared object, which a later mutation could make cyclic
          if (o && typeof o === 'object') o[p[p.length - 1]!] = structuredClone(value);
        }
        const res = loadIr(JSON.stringify(j), 'fuzz.ir.json');
        expect(res.ir !== undefined || res.diagnostics.length > 0).toBe(true);
        for (const d of res.diagnostics) {
          expect(d.code).toMatch(/^SNN40\d\d$/); // IR loader (SNN400x) and learning-program validation (SNN4010)
          expect(d.path?.file).toBe('fuzz.ir.json');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('fuzz: arbitrary JSON values never crash the loader', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const res = loadIr(JSON.stringify({ format: 'dendrite-ir/1', ...(typeof v === 'object' && v && !Array.isArray(v) ? v : { x: v }) }), 'f');
        expect(res.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('extra currents, initial values and noise: write → load → write is byte-identical', () => {
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (seed, random) => {
        const ir = decorate(randomIr(seed, { models, steps: 20, random }), seed, false);
        const text = writeIr(ir);
        const { ir: back, diagnostics } = loadIr(text, 'x.ir.json');
        expect(diagnostics).toEqual([]);
        expect(writeIr(back!)).toBe(text);
      }),
      { numRuns: 40 },
    );
  });

  it('zero initial values and an idle extra current run exactly like the IR without them', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const ir = randomIr(seed, { models, steps: 30, random: true });
        const plain = runIr(ir, { steps: 30 });
        const decorated = runIr(decorate(ir, seed, true), { steps: 30 });
        expect(decorated.spike_digest).toBe(plain.spike_digest);
        expect(decorated.counters).toEqual(plain.counters);
      }),
      { numRuns: 15 },
    );
  });

  it('the emulator starts from the IR\'s initial values', () => {
    const ir = decorate(randomIr(5, { models: ['loihi', 'cuba'], steps: 5, random: false }), 77, false);
    const back = loadIr(writeIr(ir), 'x').ir!;
    const emu = new Emulator(back);
    let seen = 0;
    back.cores.forEach((core, c) => {
      core.groups.forEach((g, gi) => {
        if (g.model === 'nsat' || !g.initial) return;
        for (const [name, values] of Object.entries(g.initial)) {
          expect(emu.cores[c]!.groups[gi]!.arrays[name]).toEqual(values);
          if (values.some((v) => v !== 0)) seen++;
        }
      });
    });
    expect(seen).toBeGreaterThan(0);
  });

  it('fuzz: mutations of an IR with extra currents and initial values give diagnostics or an IR, never an exception', () => {
    const base = JSON.parse(writeIr(decorate(randomIr(23, { models, steps: 30, random: true }), 23, false)));
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]) => {
      if (p.some((k) => k === 'extraCurrents' || k === 'initial')) paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, k]);
    };
    walk(base, []);
    expect(paths.length).toBeGreaterThan(10);
    const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double(), fc.string(), fc.constant([]), fc.constant({}),
      fc.array(fc.integer({ min: -5, max: 300 }), { maxLength: 5 }), fc.constant({ dtype: 'int32', b64: 'AAAA' }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: paths.length - 1 }), junk), { minLength: 1, maxLength: 3 }), (muts) => {
        const j = structuredClone(base);
        for (const [pi, value] of muts) {
          const p = paths[pi]!;
          let o = j;
          for (const k of p.slice(0, -1)) o = o?.[k];
          if (o && typeof o === 'object') o[p[p.length - 1]!] = structuredClone(value);
        }
        const res = loadIr(JSON.stringify(j), 'fuzz.ir.json');
        expect(res.ir !== undefined || res.diagnostics.length > 0).toBe(true);
        for (const d of res.diagnostics) {
          expect(d.code).toMatch(/^SNN400\d$/);
          expect(d.path?.field).toMatch(/extraCurrents|initial|ports|probes/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
