/**
 * eRBP learns a 2-class linearly separable toy problem on-chip (8 inputs, 8 hidden, 2 outputs, E+/E− pairs,
 * column-centred random feedback into the hidden dendrites), and learning is deterministic per seed.
 * The network and protocol are the shared toy of ./toy.ts.
 */
import { describe, expect, it } from 'vitest';
import { init, N_H, N_IN, N_OUT, trainToy } from './toy.js';

/** Column-centred random feedback: each hidden neuron's feedback weights over the error channels sum to 0. */
const centred = (seed: number) => () => {
  const g = init(seed, N_OUT, N_H, -40, 40, 3);
  for (let j = 0; j < N_H; j++) {
    const m = Math.round((g[0]![j]! + g[1]![j]!) / 2);
    g[0]![j]! -= m;
    g[1]![j] = -g[0]![j]!;
  }
  return g;
};

function erbpToy(seed: number, trainSamples = 200, testSamples = 100) {
  const r = trainToy({ seed, hidden: 1, feedback: { matrix: centred(seed) }, trainSamples, testSamples });
  const weights = [...r.matrix('in->hid1', N_IN, N_H).flat(), ...r.matrix('hid1->out', N_H, N_OUT).flat()];
  return { before: r.before, after: r.after, weights, learningOps: r.emu.cores[0]!.counters.learningUpdates };
}

describe('eRBP on-chip, 2-class toy (8-8-2, E± pairs, random feedback)', () => {
  it('learns to ≥ 95 % test accuracy', () => {
    const r = erbpToy(1);
    expect(r.learningOps).toBeGreaterThan(0);
    // Before training the random network is near chance; after 200 samples (20,000 steps) ≥ 95 %.
    expect(r.before).toBeLessThan(0.8);
    expect(r.after).toBeGreaterThanOrEqual(0.95);
  });

  it('is deterministic: same seed ⇒ same final weights; another seed ⇒ different weights', () => {
    const a = erbpToy(2, 40, 10);
    const b = erbpToy(2, 40, 10);
    expect(a.weights).toEqual(b.weights);
    expect(erbpToy(3, 40, 10).weights).not.toEqual(a.weights);
  });
});
