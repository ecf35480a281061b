/**
 * A small, dependency-free float MLP trainer: the "BP / RBP in float" baselines that eRBP on the chip is compared
 * with (issue 6), and the feedback-alignment family of papers.md §3 (Luo, Fu & Glass).
 *
 * Network: sizes n0 (pixels) – n1 – … – nL (classes); h_l = f(a_l), a_l = W_l h_{l−1} + b_l; output ŷ = softmax(a_L)
 * with cross-entropy (or sigmoid with per-output binary cross-entropy); both give the output error e = ŷ − y.
 * Hidden error δ_l (for l < L), with f' evaluated at a_l:
 *   bp   δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ f'      — backprop
 *   fa   δ_l = (B_{l+1} δ_{l+1}) ⊙ f'       — feedback alignment, B fixed random, shaped like W_{l+1}ᵀ
 *   dfa  δ_l = (D_l e) ⊙ f'                 — direct feedback alignment ("RBP" in the eRBP paper), D_l fixed random
 *   bfa  as fa, but after each minibatch the B's are trained as a generative net y → x̂ (papers.md §3.3):
 *        g_L = y, g_{l−1} = f(B_l g_l + c_{l−1}), x̂ = σ(B_1 g_1 + c_0), loss ½‖x̂ − x‖², its errors sent back
 *        through the forward weights: ε_0 = (x̂ − x) ⊙ σ'(·), ε_l[j] = (Σ_i W_l[i][j] ε_{l−1}[i]) ⊙ f'(←a_l[j]); ΔB_l = −η_fb ε_{l−1} g_lᵀ, Δc_{l−1} = −η_fb ε_{l−1}.
 *   bdfa as dfa, with D_l trained so that D_l y matches h_l (papers.md §3.4): loss 1 − σ(←a ⊙ h), ←a = D_l y;
 *        'gradient' update ΔD_l = +η_fb [σ'(←a ⊙ h) ⊙ h] yᵀ (default) or the paper's printed ΔD_l = −η_fb (1 − σ(←a ⊙ h)) yᵀ.
 * Updates: ΔW_l = −η δ_l h_{l−1}ᵀ, Δb_l = −η δ_l, averaged over the minibatch (plain SGD).
 *
 * Storage: every matrix is a Float64Array in input-major order, M[i·n_out + j] for input i → output j, so zero
 * inputs (most MNIST pixels, silent ReLUs) are skipped in the forward pass and in the gradient.
 * Deterministic: initialisation and per-epoch shuffles come from mulberry32(seed).
 */
import { imageAt, type Dataset } from '../data/dataset.js';
import { mulberry32, shuffleInPlace, unitFloat, type Rng32 } from '../data/prng.js';


export const TRAINING_MODES = ['bp', 'fa', 'dfa', 'bfa', 'bdfa'] as const;
export type TrainingMode = (typeof TRAINING_MODES)[number];
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
export type OutputKind = 'softmax' | 'sigmoid';

export interface MlpOptions {
  /** Layer sizes, input first, e.g. [784, 200, 10]. */
  readonly layers: readonly number[];
  readonly mode: TrainingMode;
  readonly epochs: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Learning rates are multiplied by this after every epoch (epoch e uses η·decay^(e−1)). */
  readonly lrDecay?: number;
  /** Learning rate of the feedback matrices (bfa, bdfa); default: learningRate / 10 (larger rates let the
   *  feedback weights, and with them the forward updates, grow until training diverges). */
  readonly feedbackLearningRate?: number;
  readonly hidden?: Activation;
  readonly output?: OutputKind;
  readonly seed?: number;
  readonly bdfaUpdate?: 'gradient' | 'printed';
  /** Store the forward weights as integers, as a chip does (a quantization study in float; biases stay float). */
  readonly quantize?: WeightQuantization;
  /** Called after every epoch (progress output). */
  readonly onEpoch?: (e: EpochMetrics) => void;
}

/**
 * Forward weights of layer l are k·bound_l/2^(bits−1) with k an integer in −2^(bits−1)…2^(bits−1)−1 (two's complement,
 * as the chip's mantissa): initial weights are rounded to the nearest step (clipped to the range), and every update
 * W − η·g is rounded stochastically to a neighbouring step (unbiased, as the chip's learning engine does) and
 * clipped. The stochastic draws come from their own generator, mulberry32(seed ^ QUANT_STREAM).
 */
export interface WeightQuantization {
  readonly bits: number;
  /** One bound per weight matrix (layer 1 first), or one for all. */
  readonly bounds: readonly number[];
}

const QUANT_STREAM = 0x5157_0001;

export const MLP_DEFAULTS = {
  batchSize: 10,
  learningRate: 0.1,
  lrDecay: 0.8,
  hidden: 'relu' as Activation,
  output: 'softmax' as OutputKind,
  seed: 1,
  bdfaUpdate: 'gradient' as const,
};

export interface EpochMetrics {
  readonly epoch: number;
  /** Running accuracy over the epoch: each training sample's prediction just before its own update. */
  readonly trainAcc: number;
  readonly testAcc: number;
  /** Mean training loss over the epoch (same running convention). */
  readonly trainLoss: number;
  /** Wall time of this epoch (training + test evaluation), seconds. */
  readonly seconds: number;
}

export interface MlpWeights {
  readonly layers: readonly number[];
  /** W_l for l = 1…L at index l−1, input-major (W[i·n_l + j]). */
  readonly weights: readonly Float64Array[];
  readonly biases: readonly Float64Array[];
}

export interface MlpResult {
  readonly perEpoch: EpochMetrics[];
  readonly weights: MlpWeights;
  readonly seconds: number;
}

/** Problems with the options, as messages (empty when fine). */
export function checkMlpOptions(o: MlpOptions, data?: Dataset): string[] {
  const errs: string[] = [];
  if (o.layers.length < 2 || o.layers.some((n) => !Number.isInteger(n) || n < 1)) errs.push(`layer sizes must be ≥ 2 positive integers, got ${o.layers.join('-')}`);
  if (!TRAINING_MODES.includes(o.mode)) errs.push(`unknown mode ${o.mode}; one of ${TRAINING_MODES.join(', ')}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) errs.push(`epochs must be a positive integer, got ${o.epochs}`);
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 1)) errs.push(`batch size must be a positive integer, got ${o.batchSize}`);
  if (o.learningRate !== undefined && !(o.learningRate > 0 && Number.isFinite(o.learningRate))) errs.push(`learning rate must be positive, got ${o.learningRate}`);
  if (o.hidden !== undefined && !ACTIVATIONS.includes(o.hidden)) errs.push(`unknown activation ${o.hidden}; one of ${ACTIVATIONS.join(', ')}`);
  if (o.quantize) {
    const q = o.quantize;
    if (!Number.isInteger(q.bits) || q.bits < 2 || q.bits > 24) errs.push(`weight bits must be an integer in 2..24, got ${q.bits}`);
    if (q.bounds.length !== 1 && q.bounds.length !== o.layers.length - 1) errs.push(`give one weight bound or one per weight matrix (${o.layers.length - 1}), got ${q.bounds.length}`);
    if (q.bounds.some((b) => !(b > 0 && Number.isFinite(b)))) errs.push(`weight bounds must be positive, got ${q.bounds.join(', ')}`);
  }
  if (data) {
    const px = data.width * data.height;
    if (o.layers[0] !== px) errs.push(`the first layer must match the ${px} pixels of the data, got ${o.layers[0]}`);
    if (o.layers[o.layers.length - 1] !== data.classes) errs.push(`the last layer must match the ${data.classes} classes of the data, got ${o.layers[o.layers.length - 1]}`);
  }
  return errs;
}

function uniformMatrix(rng: Rng32, size: number, limit: number): Float64Array {
  const m = new Float64Array(size);
  for (let k = 0; k < size; k++) m[k] = (2 * unitFloat(rng) - 1) * limit;
  return m;
}

/** A float MLP with its work buffers. Public for tests (gradient checks) and for other baselines. */
export class Mlp {
  readonly L: number;
  readonly n: readonly number[];
  readonly W: Float64Array[] = [];
  readonly b: Float64Array[] = [];
  /** Pre-activations a_l and activations h_l, l = 0…L (a_0 unused, h_0 = input). */
  readonly a: Float64Array[] = [];
  readonly h: Float64Array[] = [];
  /** Errors δ_l, l = 1…L. */
  readonly delta: Float64Array[] = [];
  readonly gW: Float64Array[] = [];
  readonly gb: Float64Array[] = [];
  /** fa/bfa: B_l shaped like W_l (index l−1); dfa/bdfa: D_l, n_l × n_L (index l−1, l < L). */
  readonly B: Float64Array[] = [];
  readonly D: Float64Array[] = [];
  /** bfa: backward-net biases c_l (l = 0…L−1), activations, and gradients. */
  private readonly c: Float64Array[] = [];
  private readonly ba: Float64Array[] = [];
  private readonly bg: Float64Array[] = [];
  private readonly eps: Float64Array[] = [];
  private readonly gB: Float64Array[] = [];
  private readonly gc: Float64Array[] = [];
  private readonly gD: Float64Array[] = [];
  private readonly y: Float64Array;
  /** Weight step per matrix and the integer range, when the weights are quantized. */
  private qStep: number[] = [];
  private qMin = 0;
  private qMax = 0;
  private qRng: Rng32 | undefined;

  constructor(
    layers: readonly number[],
    readonly mode: TrainingMode,
    readonly hidden: Activation,
    readonly output: OutputKind,
    rng: Rng32,
  ) {
    this.n = [...layers];
    this.L = layers.length - 1;
    const n = this.n;
    const L = this.L;
    this.y = new Float64Array(n[L]!);
    for (let l = 0; l <= L; l++) {
      this.a.push(new Float64Array(n[l]!));
      this.h.push(new Float64Array(n[l]!));
      this.delta.push(new Float64Array(n[l]!));
    }
    for (let l = 1; l <= L; l++) {
      const fanIn = n[l - 1]!;
      const fanOut = n[l]!;
      // He-uniform for ReLU layers, Glorot-uniform otherwise (and for the output layer)
      const lim = hidden === 'relu' && l < L ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      this.W.push(uniformMatrix(rng, fanIn * fanOut, lim));
      this.b.push(new Float64Array(fanOut));
      this.gW.push(new Float64Array(fanIn * fanOut));
      this.gb.push(new Float64Array(fanOut));
    }
    if (mode === 'fa' || mode === 'bfa') {
      for (let l = 1; l <= L; l++) {
        const size = n[l - 1]! * n[l]!;
        this.B.push(uniformMatrix(rng, size, Math.sqrt(6 / (n[l - 1]! + n[l]!))));
        if (mode === 'bfa') this.gB.push(new Float64Array(size));
      }
      if (mode === 'bfa') {
        for (let l = 0; l <= L; l++) {
          this.c.push(new Float64Array(n[l]!));
          this.gc.push(new Float64Array(n[l]!));
          this.ba.push(new Float64Array(n[l]!));
          this.bg.push(new Float64Array(n[l]!));
          this.eps.push(new Float64Array(n[l]!));
        }
      }
    }
    if (mode === 'dfa' || mode === 'bdfa') {
      for (let l = 1; l < L; l++) {
        const size = n[l]! * n[L]!;
        this.D.push(uniformMatrix(rng, size, Math.sqrt(6 / (n[l]! + n[L]!))));
        if (mode === 'bdfa') this.gD.push(new Float64Array(size));
      }
    }
  }

  /** Quantizes the forward weights from now on (see WeightQuantization); rounds the current ones to nearest. */
  quantizeWeights(q: WeightQuantization, rng: Rng32): void {
    this.qMax = 2 ** (q.bits - 1) - 1;
    this.qMin = -(2 ** (q.bits - 1));
    this.qStep = this.W.map((_, l) => (q.bounds.length === 1 ? q.bounds[0]! : q.bounds[l]!) / 2 ** (q.bits - 1));
    this.qRng = rng;
    for (let l = 0; l < this.L; l++) {
      const W = this.W[l]!;
      const s = this.qStep[l]!;
      for (let k = 0; k < W.length; k++) W[k] = Math.min(this.qMax, Math.max(this.qMin, Math.round(W[k]! / s))) * s;
    }
  }

  private act(x: number): number {
    switch (this.hidden) {
      case 'relu':
        return x > 0 ? x : 0;
      case 'tanh':
        return Math.tanh(x);
      case 'sigmoid':
        return 1 / (1 + Math.exp(-x));
    }
  }

  /** f'(a) from the activation value h = f(a). */
  private actDeriv(h: number): number {
    switch (this.hidden) {
      case 'relu':
        return h > 0 ? 1 : 0;
      case 'tanh':
        return 1 - h * h;
      case 'sigmoid':
        return h * (1 - h);
    }
  }

  /** Forward pass; returns the output probabilities ŷ (the buffer h_L). */
  forward(x: ArrayLike<number>): Float64Array {
    const { n, L } = this;
    const h0 = this.h[0]!;
    for (let i = 0; i < n[0]!; i++) h0[i] = x[i]!;
    for (let l = 1; l <= L; l++) {
      const W = this.W[l - 1]!;
      const a = this.a[l]!;
      const hin = this.h[l - 1]!;
      const nin = n[l - 1]!;
      const nout = n[l]!;
      a.set(this.b[l - 1]!);
      for (let i = 0; i < nin; i++) {
        const v = hin[i]!;
        if (v === 0) continue;
        const row = i * nout;
        for (let j = 0; j < nout; j++) a[j] += v * W[row + j]!;
      }
      const h = this.h[l]!;
      if (l < L) {
        for (let j = 0; j < nout; j++) h[j] = this.act(a[j]!);
      } else if (this.output === 'softmax') {
        let m = -Infinity;
        for (let j = 0; j < nout; j++) if (a[j]! > m) m = a[j]!;
        let s = 0;
        for (let j = 0; j < nout; j++) {
          h[j] = Math.exp(a[j]! - m);
          s += h[j]!;
        }
        for (let j = 0; j < nout; j++) h[j]! /= s;
      } else {
        for (let j = 0; j < nout; j++) h[j] = 1 / (1 + Math.exp(-a[j]!));
      }
    }
    return this.h[L]!;
  }

  /** Index of the largest output pre-activation (after `forward`). */
  argmax(): number {
    const a = this.a[this.L]!;
    let best = 0;
    for (let j = 1; j < a.length; j++) if (a[j]! > a[best]!) best = j;
    return best;
  }

  /** Loss of the last forward pass for `label`: cross-entropy (softmax) or summed binary cross-entropy (sigmoid). */
  lossAfterForward(label: number): number {
    const yh = this.h[this.L]!;
    const tiny = 1e-300;
    if (this.output === 'softmax') return -Math.log(Math.max(yh[label]!, tiny));
    let s = 0;
    for (let j = 0; j < yh.length; j++) s -= j === label ? Math.log(Math.max(yh[j]!, tiny)) : Math.log(Math.max(1 - yh[j]!, tiny));
    return s;
  }

  loss(x: ArrayLike<number>, label: number): number {
    this.forward(x);
    return this.lossAfterForward(label);
  }

  zeroGradients(): void {
    for (const g of this.gW) g.fill(0);
    for (const g of this.gb) g.fill(0);
    for (const g of this.gB) g.fill(0);
    for (const g of this.gc) g.fill(0);
    for (const g of this.gD) g.fill(0);
  }

  /**
   * Forward pass, then adds this sample's pseudo-gradient (per `mode`) to gW/gb (and, for bdfa, the feedback
   * update to gD). Returns the loss before the update and whether the prediction was right.
   */
  accumulate(x: ArrayLike<number>, label: number, bdfaUpdate: 'gradient' | 'printed' = 'gradient'): { loss: number; correct: boolean } {
    const { n, L } = this;
    const yh = this.forward(x);
    const loss = this.lossAfterForward(label);
    const correct = this.argmax() === label;
    const e = this.delta[L]!;
    for (let j = 0; j < n[L]!; j++) e[j] = yh[j]! - (j === label ? 1 : 0);
    for (let l = L; l >= 1; l--) {
      const d = this.delta[l]!;
      const hin = this.h[l - 1]!;
      const nin = n[l - 1]!;
      const nout = n[l]!;
      // gradient of W_l, b_l
      const gW = this.gW[l - 1]!;
      const gb = this.gb[l - 1]!;
      for (let j = 0; j < nout; j++) gb[j] += d[j]!;
      for (let i = 0; i < nin; i++) {
        const v = hin[i]!;
        if (v === 0) continue;
        const row = i * nout;
        for (let j = 0; j < nout; j++) gW[row + j] += v * d[j]!;
      }
      if (l === 1) break;
      // error of layer l−1
      const dp = this.delta[l - 1]!;
      if (this.mode === 'dfa' || this.mode === 'bdfa') {
        const D = this.D[l - 2]!;
        const nL = n[L]!;
        for (let i = 0; i < nin; i++) {
          let s = 0;
          const row = i * nL;
          for (let k = 0; k < nL; k++) s += D[row + k]! * e[k]!;
          dp[i] = s * this.actDeriv(hin[i]!);
        }
      } else {
        const M = this.mode === 'bp' ? this.W[l - 1]! : this.B[l - 1]!;
        for (let i = 0; i < nin; i++) {
          const f = this.actDeriv(hin[i]!);
          if (f === 0) {
            dp[i] = 0;
            continue;
          }
          let s = 0;
          const row = i * nout;
          for (let j = 0; j < nout; j++) s += M[row + j]! * d[j]!;
          dp[i] = s * f;
        }
      }
    }
    if (this.mode === 'bdfa') {
      // train D_l so that D_l y (= column `label`) matches h_l
      const nL = n[L]!;
      for (let l = 1; l < L; l++) {
        const D = this.D[l - 1]!;
        const gD = this.gD[l - 1]!;
        const h = this.h[l]!;
        for (let i = 0; i < n[l]!; i++) {
          const back = D[i * nL + label]!;
          const s = 1 / (1 + Math.exp(-back * h[i]!));
          // gD holds the descent direction's negative (as gW does): D −= η·gD
          gD[i * nL + label] += bdfaUpdate === 'gradient' ? -(s * (1 - s) * h[i]!) : 1 - s;
        }
      }
    }
    return { loss, correct };
  }

  /** bfa backward phase for one sample: accumulates the generative net's gradient into gB/gc; returns its
   *  reconstruction loss ½‖x̂ − x‖² (before the update). */
  accumulateFeedback(x: ArrayLike<number>, label: number): number {
    const { n, L } = this;
    const g = this.bg;
    const ba = this.ba;
    g[L]!.fill(0);
    g[L]![label] = 1;
    for (let l = L; l >= 1; l--) {
      // ←a_{l−1}[i] = Σ_j B_l[i][j] g_l[j] + c_{l−1}[i]
      const B = this.B[l - 1]!;
      const gin = g[l]!;
      const nout = n[l]!;
      const nin = n[l - 1]!;
      const a = ba[l - 1]!;
      const c = this.c[l - 1]!;
      for (let i = 0; i < nin; i++) {
        let s = c[i]!;
        const row = i * nout;
        if (l === L) s += B[row + label]!;
        else for (let j = 0; j < nout; j++) s += B[row + j]! * gin[j]!;
        a[i] = s;
        g[l - 1]![i] = l - 1 >= 1 ? this.act(s) : 1 / (1 + Math.exp(-s));
      }
    }
    // ε_0 = (x̂ − x) ⊙ σ'(a_x)
    const e0 = this.eps[0]!;
    const xh = g[0]!;
    let loss = 0;
    for (let i = 0; i < n[0]!; i++) {
      const diff = xh[i]! - x[i]!;
      loss += 0.5 * diff * diff;
      const ev = diff * xh[i]! * (1 - xh[i]!);
      // saturated background pixels give vanishing errors; flushing them to 0 avoids subnormal (very slow)
      // arithmetic and lets the loops below skip them
      e0[i] = Math.abs(ev) < 1e-12 ? 0 : ev;
    }
    for (let l = 1; l <= L; l++) {
      const ein = this.eps[l - 1]!;
      const nin = n[l - 1]!;
      const nout = n[l]!;
      // one pass over row i: gradient of B_l (maps g_l → ←a_{l−1}) and c_{l−1}, and, below the top,
      // ε_l[j] = Σ_i W_l[i][j] ε_{l−1}[i] (the backward net's error routed through the forward weights)
      const gB = this.gB[l - 1]!;
      const gc = this.gc[l - 1]!;
      const gl = g[l]!;
      const top = l === L;
      const W = this.W[l - 1]!;
      const eout = this.eps[l]!;
      if (!top) eout.fill(0);
      for (let i = 0; i < nin; i++) {
        const ev = ein[i]!;
        gc[i] += ev;
        if (ev === 0) continue;
        const row = i * nout;
        if (top) {
          gB[row + label] += ev;
        } else {
          for (let j = 0; j < nout; j++) {
            gB[row + j] += ev * gl[j]!;
            eout[j] += W[row + j]! * ev;
          }
        }
      }
      if (top) break;
      for (let j = 0; j < nout; j++) eout[j] = eout[j]! * this.actDeriv(gl[j]!);
    }
    return loss;
  }

  /** Plain SGD step with the accumulated gradients, scaled by `rate` (already divided by the batch size). */
  applyForward(rate: number): void {
    for (let l = 0; l < this.L; l++) {
      const W = this.W[l]!;
      const gW = this.gW[l]!;
      if (this.qRng) {
        const s = this.qStep[l]!;
        const rng = this.qRng;
        for (let k = 0; k < W.length; k++) {
          const g = gW[k]!;
          if (g === 0) continue; // no update: no draw, the weight stays on its step
          const x = (W[k]! - rate * g) / s;
          const lo = Math.floor(x);
          const q = lo + (unitFloat(rng) < x - lo ? 1 : 0);
          W[k] = Math.min(this.qMax, Math.max(this.qMin, q)) * s;
        }
      } else {
        for (let k = 0; k < W.length; k++) W[k] -= rate * gW[k]!;
      }
      const b = this.b[l]!;
      const gb = this.gb[l]!;
      for (let k = 0; k < b.length; k++) b[k] -= rate * gb[k]!;
    }
  }

  applyFeedback(rate: number): void {
    for (let l = 0; l < this.gB.length; l++) {
      const B = this.B[l]!;
      const gB = this.gB[l]!;
      for (let k = 0; k < B.length; k++) B[k] -= rate * gB[k]!;
    }
    for (let l = 0; l < this.gc.length; l++) {
      const c = this.c[l]!;
      const gc = this.gc[l]!;
      for (let k = 0; k < c.length; k++) c[k] -= rate * gc[k]!;
    }
    for (let l = 0; l < this.gD.length; l++) {
      const D = this.D[l]!;
      const gD = this.gD[l]!;
      for (let k = 0; k < D.length; k++) D[k] -= rate * gD[k]!;
    }
  }

  /** Fraction of `data` classified correctly. */
  accuracy(data: Dataset): number {
    let right = 0;
    for (let i = 0; i < data.n; i++) {
      this.forward(imageAt(data, i));
      if (this.argmax() === data.labels[i]) right++;
    }
    return data.n === 0 ? 0 : right / data.n;
  }

  snapshot(): MlpWeights {
    return { layers: [...this.n], weights: this.W.map((w) => w.slice()), biases: this.b.map((b) => b.slice()) };
  }
}

/** Trains an MLP on `train` with SGD, evaluating on `test` after every epoch. Deterministic given `seed`. */
export function trainMlp(train: Dataset, test: Dataset, options: MlpOptions): MlpResult {
  const errs = checkMlpOptions(options, train);
  if (errs.length > 0) throw new Error(`trainMlp: ${errs.join('; ')}`);
  // options given as `undefined` (e.g. unset CLI flags) keep the defaults
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MlpOptions;
  const o = { ...MLP_DEFAULTS, ...given };
  const rng = mulberry32(o.seed);
  const net = new Mlp(o.layers, o.mode, o.hidden, o.output, rng);
  if (o.quantize) net.quantizeWeights(o.quantize, mulberry32((o.seed ^ QUANT_STREAM) >>> 0));
  const lr0 = o.learningRate;
  const fbRate0 = o.feedbackLearningRate ?? lr0 / 10;
  const order = Array.from({ length: train.n }, (_, i) => i);
  const perEpoch: EpochMetrics[] = [];
  const t0 = performance.now();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const te = performance.now();
    const decay = Math.pow(o.lrDecay, epoch - 1);
    const lr = lr0 * decay;
    const fbRate = fbRate0 * decay;
    shuffleInPlace(order, rng);
    let right = 0;
    let lossSum = 0;
    for (let start = 0; start < train.n; start += o.batchSize) {
      const end = Math.min(train.n, start + o.batchSize);
      net.zeroGradients();
      for (let k = start; k < end; k++) {
        const i = order[k]!;
        const r = net.accumulate(imageAt(train, i), train.labels[i]!, o.bdfaUpdate);
        if (r.correct) right++;
        lossSum += r.loss;
      }
      net.applyForward(lr / (end - start));
      if (o.mode === 'bfa') {
        for (let k = start; k < end; k++) net.accumulateFeedback(imageAt(train, order[k]!), train.labels[order[k]!]!);
      }
      if (o.mode === 'bfa' || o.mode === 'bdfa') net.applyFeedback(fbRate / (end - start));
    }
    const testAcc = net.accuracy(test);
    const m: EpochMetrics = { epoch, trainAcc: right / train.n, testAcc, trainLoss: lossSum / train.n, seconds: (performance.now() - te) / 1000 };
    perEpoch.push(m);
    o.onEpoch?.(m);
  }
  return { perEpoch, weights: net.snapshot(), seconds: (performance.now() - t0) / 1000 };
}
