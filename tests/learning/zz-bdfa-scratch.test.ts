import { it } from 'vitest';
import { N_H, N_OUT, bfaRule, cosine, matmul, randomB, trainToy, transpose, type ToyResult } from './toy.js';
const effective = (r: ToyResult, layer: number, initial: boolean) => {
  const p = r.matrix(`e_pos->hid${layer}.u`, N_OUT, N_H, initial);
  const n = r.matrix(`e_neg->hid${layer}.u`, N_OUT, N_H, initial);
  return p.map((row, k) => row.map((x, j) => (x - n[k]![j]!) / 2));
};
it('scan', () => {
  for (const n of [200, 300]) for (const sh of [14]) for (const seed of [1, 2, 3, 4, 5]) {
    const r = trainToy({ seed, hidden: 2, trainSamples: n, feedback: { matrix: randomB(seed, 30), programs: (l) => ({ pos: bfaRule(`e_pos->hid${l + 1}.u`, sh), neg: bfaRule(`e_neg->hid${l + 1}.u`, sh) }) } });
    const W2 = (i: boolean) => r.matrix('hid1->hid2', N_H, N_H, i), W3 = (i: boolean) => r.matrix('hid2->out', N_H, N_OUT, i);
    const c2 = [cosine(effective(r, 2, true), transpose(W3(true))), cosine(effective(r, 2, false), transpose(W3(false)))];
    const c1 = [cosine(effective(r, 1, true), transpose(matmul(W2(true), W3(true)))), cosine(effective(r, 1, false), transpose(matmul(W2(false), W3(false))))];
    const d = randomB(seed, 30);
    const r0 = { after: 0 };
    console.log(n, sh, seed, 'bdfa', r.before, r.after, c2.map((x) => x.toFixed(2)), c1.map((x) => x.toFixed(2)), 'dfa', r0.after);
  }
}, 120000);
