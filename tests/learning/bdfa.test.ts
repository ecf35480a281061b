/**
 * BDFA on-chip (research/papers.md §3.4): the 2-class toy of toy.ts with two hidden layers (8-8-8-2); the error
 * neurons project *directly* into both hidden layers' dendrites (as DFA), and every one of those feedback
 * projections is plastic with the BFA rule of feedback-alignment.test.ts / docs/learning.md §7.4: on a hidden
 * spike (the feedback projection's post), dB = 2^−11·(x_e − B), x_e the error neuron's activity trace. B_k then
 * tracks ⟨e | spike of hidden layer k⟩, the papers' "feedback matrix of layer k trained to match →h_k" in a local,
 * spiking form. For the last hidden layer that correlation is what the forward update accumulates into W3
 * (hid2 → out), so B2 aligns with W3ᵀ; for the first layer the forward counterpart is the product path W2·W3.
 */
import { describe, expect, it } from 'vitest';
import { N_H, N_OUT, bfaRule, cosine, matmul, randomB, trainToy, transpose, type ToyResult } from './toy.js';

/** The effective feedback of layer l for e = E+ − E−: (B+ − B−)/2. */
const effective = (r: ToyResult, layer: number, initial: boolean) => {
  const p = r.matrix(`e_pos->hid${layer}.u`, N_OUT, N_H, initial);
  const n = r.matrix(`e_neg->hid${layer}.u`, N_OUT, N_H, initial);
  return p.map((row, k) => row.map((x, j) => (x - n[k]![j]!) / 2));
};

describe('BDFA: direct, plastic feedback into every hidden layer', () => {
  it('learns the toy (8-8-8-2) and the feedback aligns with the forward path', () => {
    const seed = 2;
    const r = trainToy({
      seed, hidden: 2,
      feedback: {
        matrix: randomB(seed, 30),
        programs: (l) => ({ pos: bfaRule(`e_pos->hid${l + 1}.u`), neg: bfaRule(`e_neg->hid${l + 1}.u`) }),
      },
    });
    // Forward counterparts: W3ᵀ for layer 2, (W2·W3)ᵀ for layer 1 (the path from hidden layer 1 to the output).
    const W2 = (init: boolean) => r.matrix('hid1->hid2', N_H, N_H, init);
    const W3 = (init: boolean) => r.matrix('hid2->out', N_H, N_OUT, init);
    const cos2 = [cosine(effective(r, 2, true), transpose(W3(true))), cosine(effective(r, 2, false), transpose(W3(false)))];
    const cos1 = [
      cosine(effective(r, 1, true), transpose(matmul(W2(true), W3(true)))),
      cosine(effective(r, 1, false), transpose(matmul(W2(false), W3(false)))),
    ];
    // The feedback weights really moved (a frozen B would leave them bit-identical).
    expect(effective(r, 1, false)).not.toEqual(effective(r, 1, true));
    expect(r.after).toBeGreaterThanOrEqual(0.9);
    // MEASURED-PLACEHOLDER
    expect(cos2[1]).toBeGreaterThan(cos2[0]! + 0.3);
    expect(cos1[1]).toBeGreaterThan(cos1[0]!);
    console.log(JSON.stringify({ before: r.before, after: r.after, cos2, cos1 }));
  });
});
