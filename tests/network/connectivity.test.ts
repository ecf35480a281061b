import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { materialize, synapseCount } from '../../compiler/network/connectivity.js';
import type { Connector, Initializer, Projection } from '../../compiler/model.js';

const span = { file: 't.snn', start: 0, end: 0 };
function proj(connector: Connector, weight: Initializer, seed = 1, pre = 'a', post = 'b'): Projection {
  return {
    name: `${pre}->${post}`, span, pre, post, port: 'in', feedback: false, connector, weight, seed,
    delay: 0, pTransmit: 1, rule: null,
  };
}

describe('connectivity', () => {
  it('dense connects every pair once, rows ascending', () => {
    const t = materialize(proj({ kind: 'dense' }, { kind: 'constant', value: 0.5 }), 3, 4);
    expect(synapseCount(t)).toBe(12);
    expect(Array.from(t.post.slice(4, 8))).toEqual([0, 1, 2, 3]);
    expect(Array.from(t.weight).every((w) => w === 0.5)).toBe(true);
  });

  it('one_to_one connects i to i', () => {
    const t = materialize(proj({ kind: 'one_to_one' }, { kind: 'constant', value: 1 }), 5, 5);
    expect(Array.from(t.rowPtr)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(t.post)).toEqual([0, 1, 2, 3, 4]);
  });

  it('random(p) is deterministic in the seed, has about p·N² synapses and no self-connections', () => {
    const p = proj({ kind: 'random', p: 0.1, allowSelf: false }, { kind: 'uniform', lo: 0, hi: 1 }, 9, 'a', 'a');
    const t1 = materialize(p, 400, 400);
    const t2 = materialize(p, 400, 400);
    expect(t1.post).toEqual(t2.post);
    expect(t1.weight).toEqual(t2.weight);
    const n = synapseCount(t1);
    const mean = 0.1 * 400 * 399;
    expect(Math.abs(n - mean)).toBeLessThan(5 * Math.sqrt(mean * 0.9)); // 5 sigma
    for (let i = 0; i < 400; i++) {
      for (let k = t1.rowPtr[i]!; k < t1.rowPtr[i + 1]!; k++) expect(t1.post[k]).not.toBe(i);
    }
    const other = materialize({ ...p, seed: 10 }, 400, 400);
    expect(other.post).not.toEqual(t1.post);
  });

  it('centred initialisers sum to 0 per post neuron, and a negative scale negates exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: 0.01, max: 3, noNaN: true }), fc.boolean(), (seed, s, normal) => {
        const init = (x: number): Initializer => (normal ? { kind: 'centred_normal', std: x } : { kind: 'centred_uniform', scale: x });
        const pos = materialize(proj({ kind: 'dense' }, init(s), seed), 10, 7);
        const neg = materialize(proj({ kind: 'dense' }, init(-s), seed), 10, 7);
        for (let j = 0; j < 7; j++) {
          let sum = 0;
          for (let i = 0; i < 10; i++) sum += pos.weight[i * 7 + j]!;
          expect(Math.abs(sum)).toBeLessThan(1e-12 * s * 10);
        }
        for (let k = 0; k < pos.weight.length; k++) expect(neg.weight[k]).toBe(-pos.weight[k]!);
      }),
      { numRuns: 30 },
    );
  });

  it('uniform weights stay inside [lo, hi)', () => {
    const t = materialize(proj({ kind: 'dense' }, { kind: 'uniform', lo: -0.2, hi: 0.3 }, 4), 50, 50);
    expect(Math.min(...t.weight)).toBeGreaterThanOrEqual(-0.2);
    expect(Math.max(...t.weight)).toBeLessThan(0.3);
  });
});
