/**
 * The compiled eRBP example learns: dsl-examples/erbp-mnist.snn, lowered for the default target and trained with
 * the on-chip learning engine on a small stratified subset of the bundled MNIST split, classifies held-out digits
 * far better than the same compiled network without learning (which is at chance: its weights are random).
 *
 * The file's own protocol is used (100 ms per digit, learning after a 20 ms burn-in); to keep the test at a
 * few seconds of CPU only 200 training and 100 test digits are used. Both runs share the seed, the data and
 * the test draws (the trainer keys every test sample's random draws by its index), so the only difference is
 * learning. Margins: in full runs the example reaches 86 % after one epoch of 8,000 digits
 * (docs/results.md); this test gives 62 % against 9 % frozen (38 % with 150 digits). We require 40 %,
 * 25 points above the frozen network, and the frozen network below 25 %.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compileFile } from '../../compiler/compile.js';
import { packageRoot } from '../../compiler/paths.js';
import { resolveDataSpec } from '../../data/registry.js';
import type { DendriteIr } from '../../ir/types.js';
import { protocolFromNetwork, type TrainProtocol } from '../../train/protocol.js';
import { sopEngine } from '../../train/sop-engine.js';
import { Trainer } from '../../train/trainer.js';

const FILE = join(packageRoot(), 'dsl-examples', 'erbp-mnist.snn');
const TRAIN = 200;
const TEST = 100;
const SEED = 3;

async function testAccuracy(ir: DendriteIr, protocol: TrainProtocol, learn: boolean, trainSamples: number) {
  const data = resolveDataSpec('mnist', { trainSamples, testSamples: TEST });
  const trainer = new Trainer(ir, {
    protocol: { ...protocol, trainSamples, testSamples: TEST },
    data,
    seed: SEED,
    learning: learn ? (x) => sopEngine(x) : undefined,
  });
  const r = await trainer.run();
  expect(r.status).toBe('completed');
  return r.epochs[0]!;
}

describe('eRBP example learns MNIST on the emulated chip', () => {
  it('training 200 digits lifts test accuracy well above the untrained network and chance', async () => {
    const res = compileFile(FILE, { target: 'default', sets: [] });
    expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ir = res.ir!;
    expect(ir.learning.length).toBe(2); // img->h1 and h1->out are plastic
    const protocol: TrainProtocol = { ...protocolFromNetwork(res.network!), epochs: 1 };
    expect(protocol.presentSteps).toBe(100);

    // Untrained: the same network without a learning engine (ten training digits without learning, then the test set).
    const frozen = await testAccuracy(ir, protocol, false, 10);
    expect(frozen.learning_updates).toBe(0);
    const trained = await testAccuracy(ir, protocol, true, TRAIN);
    expect(trained.learning_updates).toBeGreaterThan(0);

    expect(frozen.test_accuracy).toBeLessThan(0.25);
    expect(trained.test_accuracy).toBeGreaterThanOrEqual(0.4);
    expect(trained.test_accuracy - frozen.test_accuracy).toBeGreaterThanOrEqual(0.25);
  });
});
