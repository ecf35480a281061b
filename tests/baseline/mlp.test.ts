import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Dataset } from '../../data/dataset.js';
import { mulberry32, normal, unitFloat } from '../../data/prng.js';
import { Mlp, TRAINING_MODES, checkMlpOptions, trainMlp, type Activation, type OutputKind } from '../../baseline/mlp.js';

/** Three Gaussian blobs in [0,1]^16 around random prototypes: linearly separable with a margin. */
function blobs(n: number, seed: number): Dataset {
  const rng = mulberry32(seed);
  const protoRng = mulberry32(99);
  const protos = Array.from({ length: 3 }, () => Array.from({ length: 16 }, () => unitFloat(protoRng)));
  const images = new Float32Array(n * 16);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let k = 0; k < 16; k++) images[i * 16 + k] = Math.min(1, Math.max(0, protos[c]![k]! + 0.08 * normal(rng)));
  }
  return { name: 'blobs', images, labels, n, width: 4, height: 4, classes: 3 };
}

function gradientCheck(layers: number[], hidden: Activation, output: OutputKind, seed: number): number {
  const rng = mulberry32(seed);
  const net = new Mlp(layers, 'bp', hidden, output, rng);
  for (const b of net.b) for (let k = 0; k < b.length; k++) b[k] = 0.1 * normal(rng);
  const x = Array.from({ length: layers[0]! }, () => unitFloat(rng));
  const label = seed % layers[layers.length - 1]!;
  net.zeroGradients();
  net.accumulate(x, label);
  let worst = 0;
  const eps = 1e-6;
  const check = (param: Float64Array, grad: Float64Array) => {
    for (let k = 0; k < param.length; k++) {
      const keep = param[k]!;
      param[k] = keep + eps;
      const up = net.loss(x, label);
      param[k] = keep - eps;
      const down = net.loss(x, label);
      param[k] = keep;
      const numeric = (up - down) / (2 * eps);
      worst = Math.max(worst, Math.abs(numeric - grad[k]!) / Math.max(1e-4, Math.abs(numeric) + Math.abs(grad[k]!)));
    }
  };
  net.W.forEach((w, l) => check(w, net.gW[l]!));
  net.b.forEach((b, l) => check(b, net.gb[l]!));
  return worst;
}

describe('float MLP baseline', () => {
  it('backprop gradients match finite differences (tanh/sigmoid/relu, softmax and sigmoid outputs, 1–2 hidden layers)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Activation>('tanh', 'sigmoid', 'relu'),
        fc.constantFrom<OutputKind>('softmax', 'sigmoid'),
        fc.constantFrom([5, 4, 3], [6, 5, 4, 3]),
        fc.nat(10000),
        (hidden, output, layers, seed) => {
          expect(gradientCheck([...layers], hidden, output, seed)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 24 },
    );
  });

  for (const mode of TRAINING_MODES) {
    it(`${mode} learns a linearly separable problem to ≥ 95 % quickly`, () => {
      const train = blobs(600, 1);
      const test = blobs(300, 2);
      const t0 = performance.now();
      const r = trainMlp(train, test, { layers: [16, 20, 3], mode, epochs: 5, seed: 3 });
      expect(performance.now() - t0).toBeLessThan(5000); // generous: well under a second when the machine is idle
      expect(r.perEpoch.length).toBe(5);
      expect(r.perEpoch[4]!.testAcc).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('two hidden layers work in every mode', () => {
    const train = blobs(600, 1);
    const test = blobs(300, 2);
    for (const mode of TRAINING_MODES) {
      const r = trainMlp(train, test, { layers: [16, 12, 12, 3], mode, epochs: 8, seed: 5 });
      expect(r.perEpoch[7]!.testAcc).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('treats options given as undefined as unset (defaults apply)', () => {
    const train = blobs(300, 1);
    const r = trainMlp(train, train, { layers: [16, 8, 3], mode: 'bp', epochs: 2, seed: 1, batchSize: undefined, learningRate: undefined });
    const d = trainMlp(train, train, { layers: [16, 8, 3], mode: 'bp', epochs: 2, seed: 1 });
    expect(r.perEpoch[1]!.testAcc).toBe(d.perEpoch[1]!.testAcc);
    expect(r.perEpoch[1]!.testAcc).toBeGreaterThan(0.9);
  });

  it('is deterministic given the seed, and the seed matters', () => {
    const train = blobs(90, 1);
    const test = blobs(30, 2);
    const a = trainMlp(train, test, { layers: [16, 8, 3], mode: 'dfa', epochs: 2, seed: 7 });
    const b = trainMlp(train, test, { layers: [16, 8, 3], mode: 'dfa', epochs: 2, seed: 7 });
    const c = trainMlp(train, test, { layers: [16, 8, 3], mode: 'dfa', epochs: 2, seed: 8 });
    expect(Array.from(a.weights.weights[0]!)).toEqual(Array.from(b.weights.weights[0]!));
    expect(Array.from(a.weights.weights[0]!)).not.toEqual(Array.from(c.weights.weights[0]!));
  });

  it('feedback alignment differs from backprop only through the feedback path', () => {
    // with one training sample and a single layer there is no hidden error: every mode gives the same update
    const train = blobs(3, 1);
    const w = TRAINING_MODES.map((mode) => trainMlp(train, train, { layers: [16, 3], mode, epochs: 1, seed: 4 }).weights.weights[0]!);
    for (const m of w) expect(Array.from(m)).toEqual(Array.from(w[0]!));
  });

  it('bfa trains its feedback matrices as a generative net: the reconstruction loss falls', () => {
    const data = blobs(300, 1);
    const net = new Mlp([16, 10, 3], 'bfa', 'tanh', 'softmax', mulberry32(2));
    const epochLoss = () => {
      let sum = 0;
      for (let i = 0; i < data.n; i++) {
        net.zeroGradients();
        sum += net.accumulateFeedback(data.images.subarray(i * 16, i * 16 + 16), data.labels[i]!);
        net.applyFeedback(0.5);
      }
      return sum / data.n;
    };
    const first = epochLoss();
    for (let e = 0; e < 5; e++) epochLoss();
    expect(epochLoss()).toBeLessThan(0.5 * first);
  });

  it('bdfa aligns its direct feedback D·y with the hidden activity h', () => {
    const data = blobs(300, 1);
    const net = new Mlp([16, 10, 3], 'bdfa', 'tanh', 'softmax', mulberry32(2));
    const alignment = () => {
      let sum = 0;
      for (let i = 0; i < data.n; i++) {
        net.forward(data.images.subarray(i * 16, i * 16 + 16));
        const h = net.h[1]!;
        for (let j = 0; j < 10; j++) sum += (net.D[0]![j * 3 + data.labels[i]!]! * h[j]!) / (data.n * 10);
      }
      return sum;
    };
    const before = alignment();
    for (let e = 0; e < 5; e++) {
      for (let i = 0; i < data.n; i++) {
        net.zeroGradients();
        net.accumulate(data.images.subarray(i * 16, i * 16 + 16), data.labels[i]!);
        net.applyFeedback(0.2); // feedback only: the forward weights stay fixed
      }
    }
    expect(alignment()).toBeGreaterThan(before + 0.1);
  });

  describe('quantized weights (--weight-bits)', () => {
    it('every weight stays a whole step in the two\'s-complement range of its matrix, before and after training', () => {
      const train = blobs(90, 1);
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 10 }), fc.double({ min: 0.05, max: 2, noNaN: true }), fc.double({ min: 0.05, max: 2, noNaN: true }), fc.nat(1000), (bits, b1, b2, seed) => {
          const r = trainMlp(train, train, { layers: [16, 8, 3], mode: 'dfa', epochs: 1, seed, batchSize: 3, quantize: { bits, bounds: [b1, b2] } });
          r.weights.weights.forEach((w, l) => {
            const step = [b1, b2][l]! / 2 ** (bits - 1);
            for (const x of w) {
              const k = x / step;
              expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
              expect(Math.round(k)).toBeGreaterThanOrEqual(-(2 ** (bits - 1)));
              expect(Math.round(k)).toBeLessThanOrEqual(2 ** (bits - 1) - 1);
            }
          });
        }),
        { numRuns: 20 },
      );
    });

    it('rounds updates stochastically without bias: a 0.3-step update moves 30 % of the weights one step', () => {
      const net = new Mlp([100, 100], 'bp', 'relu', 'softmax', mulberry32(5));
      net.quantizeWeights({ bits: 8, bounds: [1] }, mulberry32(6));
      const step = 1 / 128;
      const before = net.W[0]!.slice();
      net.zeroGradients();
      net.gW[0]!.fill(-0.3 * step); // W − 1·g = W + 0.3 step
      net.applyForward(1);
      let up = 0;
      let other = 0;
      for (let k = 0; k < before.length; k++) {
        const d = Math.round((net.W[0]![k]! - before[k]!) / step);
        if (before[k]! / step >= 127) continue; // clipped at the top of the range
        if (d === 1) up++;
        else if (d !== 0) other++;
      }
      expect(other).toBe(0);
      // 10,000 draws at p = 0.3: mean 3,000, σ ≈ 46
      expect(up).toBeGreaterThan(2800);
      expect(up).toBeLessThan(3200);
    });

    it('still learns a separable problem with 8-bit weights, and the weights differ from the float ones', () => {
      const train = blobs(600, 1);
      const test = blobs(300, 2);
      const q8 = trainMlp(train, test, { layers: [16, 20, 3], mode: 'dfa', epochs: 5, seed: 3, quantize: { bits: 8, bounds: [1] } });
      expect(q8.perEpoch[4]!.testAcc).toBeGreaterThanOrEqual(0.95);
      const fl = trainMlp(train, test, { layers: [16, 20, 3], mode: 'dfa', epochs: 5, seed: 3 });
      expect(Array.from(q8.weights.weights[0]!)).not.toEqual(Array.from(fl.weights.weights[0]!));
    });

    it('checks the quantization options', () => {
      const d = blobs(3, 1);
      expect(checkMlpOptions({ layers: [16, 5, 3], mode: 'bp', epochs: 1, quantize: { bits: 8, bounds: [0.5, 1] } }, d)).toEqual([]);
      expect(checkMlpOptions({ layers: [16, 5, 3], mode: 'bp', epochs: 1, quantize: { bits: 1, bounds: [1] } }, d)[0]).toMatch(/weight bits/);
      expect(checkMlpOptions({ layers: [16, 5, 3], mode: 'bp', epochs: 1, quantize: { bits: 8, bounds: [1, 1, 1] } }, d)[0]).toMatch(/one per weight matrix/);
      expect(checkMlpOptions({ layers: [16, 5, 3], mode: 'bp', epochs: 1, quantize: { bits: 8, bounds: [0] } }, d)[0]).toMatch(/positive/);
    });
  });

  it('checks its options against the data', () => {
    const d = blobs(3, 1);
    expect(checkMlpOptions({ layers: [16, 5, 3], mode: 'bp', epochs: 1 }, d)).toEqual([]);
    expect(checkMlpOptions({ layers: [15, 5, 3], mode: 'bp', epochs: 1 }, d)[0]).toMatch(/16 pixels/);
    expect(checkMlpOptions({ layers: [16, 5, 4], mode: 'bp', epochs: 1 }, d)[0]).toMatch(/3 classes/);
    expect(checkMlpOptions({ layers: [16, 5, 3], mode: 'bp', epochs: 0 }, d)[0]).toMatch(/epochs/);
  });
});
