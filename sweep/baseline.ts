/**
 * The float baseline drawn as a dashed line on train-mode accuracy plots: a float64 MLP (baseline/mlp.ts) with
 * the layers of the network's plastic feed-forward path (input size, then the post-synaptic population of each
 * plastic non-feedback projection in declaration order, ending at the readout), trained with direct feedback
 * alignment (eRBP is its spiking, event-driven form) online (batch size 1, learning rate 0.05, like the on-chip
 * rule's per-sample updates) on the same data, sample counts and epochs, seed 1.
 * Run-mode plots need no training: the float reference is the comparison itself (r = 1, rate error 0).
 */
import type { Network } from '../compiler/model.js';
import { trainMlp, type TrainingMode } from '../baseline/mlp.js';
import type { TrainProtocol } from '../train/protocol.js';
import { loadData } from './point.js';

export interface FloatBaseline {
  readonly kind: string;
  readonly layers: readonly number[];
  readonly mode: TrainingMode;
  readonly epochs: number;
  readonly batch_size: number;
  readonly test_accuracy: number;
  readonly train_samples: number;
  readonly test_samples: number;
}

/** Layer sizes of the plastic path from the protocol's input to its readout, or null when there is none. */
export function plasticLayers(net: Network, protocol: TrainProtocol): number[] | null {
  const size = (name: string) => net.populations.find((p) => p.name === name)?.size;
  const inSize = size(protocol.input);
  if (inSize === undefined) return null;
  const posts: string[] = [];
  for (const p of net.projections) if (p.rule !== null && !p.feedback && !posts.includes(p.post)) posts.push(p.post);
  if (posts.length === 0 || posts[posts.length - 1] !== protocol.readout) return null;
  return [inSize, ...posts.map((n) => size(n)!)];
}

export function floatBaseline(net: Network, protocol: TrainProtocol, mode: TrainingMode = 'dfa'): FloatBaseline | null {
  const layers = plasticLayers(net, protocol);
  if (layers === null) return null;
  const data = loadData(protocol.data, protocol.trainSamples, protocol.testSamples);
  if (layers[layers.length - 1] !== data.train.classes || layers[0] !== data.train.width * data.train.height) return null;
  const r = trainMlp(data.train, data.test, { layers, mode, epochs: protocol.epochs, seed: 1, batchSize: 1, learningRate: 0.05 });
  const last = r.perEpoch[r.perEpoch.length - 1]!;
  return {
    kind: `float64 MLP ${layers.join('-')} (${mode})`, layers, mode, epochs: protocol.epochs, batch_size: 1, test_accuracy: last.testAcc,
    train_samples: data.train.n, test_samples: data.test.n,
  };
}
