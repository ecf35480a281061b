import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildGrid, normalizePath, parseVary, pointId, seedList, stableHash, type VarySpec } from '../../sweep/grid.js';
import { resolveTarget } from '../../compiler/target/index.js';

const mant: VarySpec = { path: 'synapse.weight.mant_bits', values: ['2', '4', '8'] };
const vbits: VarySpec = { path: 'neuron.states.v.bits', values: ['12', '16'] };

describe('parseVary', () => {
  it('splits path and values', () => {
    expect(parseVary('synapse.weight.mant_bits= 2, 4,8')).toEqual({ path: 'synapse.weight.mant_bits', values: ['2', '4', '8'] });
  });
  it('rejects malformed text with a diagnostic naming --vary', () => {
    for (const bad of ['mant_bits', '=2,3', 'a.b=2,,3', 'a.b=2,2']) {
      const r = parseVary(bad);
      expect('values' in r, bad).toBe(false);
      if (!('values' in r)) expect(r.path?.file).toBe('--vary');
    }
  });
  it('round-trips any list of distinct values (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9_.]{1,6}$/), { minLength: 1, maxLength: 6 }), (vals) => {
        const r = parseVary(`x.y=${vals.join(',')}`);
        expect(r).toEqual({ path: 'x.y', values: vals });
      }),
      { numRuns: 100 },
    );
  });
});

describe('buildGrid', () => {
  it('expands the Cartesian product × seeds in grid order (first parameter slowest, seeds fastest)', () => {
    const g = buildGrid({ target: 'default', sets: [], vary: [mant, vbits], seeds: [1, 2] }, { k: 1 });
    expect(g.diagnostics).toBeUndefined();
    const pts = g.points!;
    expect(pts).toHaveLength(3 * 2 * 2);
    expect(pts.map((p) => [p.values['synapse.weight.mant_bits'], p.values['neuron.states.v.bits'], p.seed]).slice(0, 5)).toEqual([
      ['2', '12', 1], ['2', '12', 2], ['2', '16', 1], ['2', '16', 2], ['4', '12', 1],
    ]);
    expect(pts.map((p) => p.index)).toEqual(pts.map((_, i) => i));
    expect(new Set(pts.map((p) => p.id)).size).toBe(pts.length);
    expect(pts[0]!.sets).toEqual(['synapse.weight.mant_bits=2', 'neuron.states.v.bits=12']);
  });

  it('ids are stable across calls and change with the run key, the seed and the settings', () => {
    const a = buildGrid({ target: 'default', sets: [], vary: [mant], seeds: [1] }, { epochs: 1 }).points!;
    const b = buildGrid({ target: 'default', sets: [], vary: [mant], seeds: [1] }, { epochs: 1 }).points!;
    const c = buildGrid({ target: 'default', sets: [], vary: [mant], seeds: [1] }, { epochs: 2 }).points!;
    const d = buildGrid({ target: 'default', sets: ['neuron.states.v.bits=16'], vary: [mant], seeds: [1] }, { epochs: 1 }).points!;
    expect(a.map((p) => p.id)).toEqual(b.map((p) => p.id));
    a.forEach((p, i) => {
      expect(p.id).not.toBe(c[i]!.id);
      expect(p.id).not.toBe(d[i]!.id);
    });
    expect(pointId('default', ['a=1'], 1, {})).not.toBe(pointId('default', ['a=1'], 2, {}));
  });

  it('stableHash ignores key order', () => {
    expect(stableHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(stableHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
  });

  it('accepts the neuron.<state>.bits shorthand', () => {
    const p = resolveTarget('default').profile!;
    expect(normalizePath(p, 'neuron.v.bits')).toBe('neuron.states.v.bits');
    expect(normalizePath(p, 'neuron.decay.bits')).toBe('neuron.decay.bits');
    const g = buildGrid({ target: 'default', sets: [], vary: [{ path: 'neuron.v.bits', values: ['12'] }], seeds: [1] }, {});
    expect(g.points![0]!.sets).toEqual(['neuron.states.v.bits=12']);
  });

  it('a bad path gives the target validation message once, naming --vary and suggesting the right field', () => {
    const g = buildGrid({ target: 'default', sets: [], vary: [{ path: 'synapse.weight.mant_bit', values: ['2', '3'] }], seeds: [1] }, {});
    expect(g.points).toBeUndefined();
    expect(g.diagnostics).toHaveLength(1);
    const d = g.diagnostics![0]!;
    expect(d.message).toMatch(/unknown field `synapse\.weight\.mant_bit`/);
    expect(d.hint).toMatch(/mant_bits/);
    expect(d.path?.file).toBe('--vary');
  });

  it('a bad value gives the same message as --set with that value', () => {
    const g = buildGrid({ target: 'default', sets: [], vary: [{ path: 'synapse.weight.mant_bits', values: ['4', '99'] }], seeds: [1] }, {});
    const viaSet = resolveTarget('default', ['synapse.weight.mant_bits=99']);
    expect(g.diagnostics).toHaveLength(1);
    expect(g.diagnostics![0]!.message).toBe(viaSet.diagnostics![0]!.message);
  });

  it('rejects a path that is both fixed and varied, or varied twice', () => {
    const both = buildGrid({ target: 'default', sets: ['synapse.weight.mant_bits=4'], vary: [mant], seeds: [1] }, {});
    expect(both.diagnostics?.[0]?.message).toMatch(/both fixed/);
    const twice = buildGrid({ target: 'default', sets: [], vary: [mant, { path: 'synapse.weight.mant_bits', values: ['3'] }], seeds: [1] }, {});
    expect(twice.diagnostics?.[0]?.message).toMatch(/varied twice/);
  });

  it('an unknown target is reported as by --target', () => {
    const g = buildGrid({ target: 'loihi9', sets: [], vary: [mant], seeds: [1] }, {});
    expect(g.diagnostics?.[0]?.message).toMatch(/unknown target/);
  });

  it('seedList counts up from the first seed', () => {
    expect(seedList(3, 7)).toEqual([7, 8, 9]);
    expect(seedList(2, 2 ** 32 - 1)).toEqual([2 ** 32 - 1, 0]);
  });
});
