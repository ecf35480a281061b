/**
 * Materialises a projection's synapses: connector + initialiser + seed → a presynaptic-major CSR table of
 * float64 weights. The compiler (which quantizes these weights) and the float reference simulator both call
 * this, so they simulate the very same synapses.
 */
import type { Initializer, Projection } from '../model.js';
import { STREAM, normal01, uniform01, hash3 } from './random.js';

/** Synapses of one projection, grouped by presynaptic neuron (an axon's fan-out row). */
export interface SynapseTable {
  readonly preSize: number;
  readonly postSize: number;
  /** rowPtr[i]..rowPtr[i+1] index the synapses of pre neuron i; length preSize + 1. */
  readonly rowPtr: Int32Array;
  /** Post neuron of each synapse, ascending within a row. */
  readonly post: Int32Array;
  readonly weight: Float64Array;
}

export function synapseCount(t: SynapseTable): number {
  return t.rowPtr[t.preSize]!;
}

/** Connection mask as CSR (no weights yet). Deterministic in (seed, pre, post). */
function connect(p: Projection, preSize: number, postSize: number): { rowPtr: Int32Array; post: Int32Array } {
  const c = p.connector;
  const rowPtr = new Int32Array(preSize + 1);
  switch (c.kind) {
    case 'dense': {
      const post = new Int32Array(preSize * postSize);
      for (let i = 0; i < preSize; i++) {
        rowPtr[i + 1] = (i + 1) * postSize;
        for (let j = 0; j < postSize; j++) post[i * postSize + j] = j;
      }
      return { rowPtr, post };
    }
    case 'one_to_one': {
      const n = Math.min(preSize, postSize);
      const post = new Int32Array(n);
      for (let i = 0; i < preSize; i++) {
        rowPtr[i + 1] = Math.min(i + 1, n);
        if (i < n) post[i] = i;
      }
      return { rowPtr, post };
    }
    case 'random': {
      // Bernoulli(p) per (pre, post) pair; compare 32-bit draws against an integer threshold (exact, fast).
      const threshold = Math.min(2 ** 32, Math.round(c.p * 2 ** 32));
      const samePop = p.pre === p.post;
      let buf = new Int32Array(Math.max(16, Math.ceil(preSize * postSize * c.p * 1.1) + 16));
      let n = 0;
      for (let i = 0; i < preSize; i++) {
        for (let j = 0; j < postSize; j++) {
          if (samePop && !c.allowSelf && i === j) continue;
          if (hash3(p.seed, STREAM.connect, i * postSize + j) < threshold) {
            if (n === buf.length) {
              const grown = new Int32Array(buf.length * 2);
              grown.set(buf);
              buf = grown;
            }
            buf[n++] = j;
          }
        }
        rowPtr[i + 1] = n;
      }
      return { rowPtr, post: buf.slice(0, n) };
    }
    case 'from_file':
      throw new Error('internal: from_file connectivity must be resolved by the caller (readConnectivityFile)');
  }
}

function drawWeights(init: Initializer, seed: number, rowPtr: Int32Array, post: Int32Array, postSize: number): Float64Array {
  const n = post.length;
  const w = new Float64Array(n);
  switch (init.kind) {
    case 'constant':
      w.fill(init.value);
      return w;
    case 'uniform':
      for (let k = 0; k < n; k++) w[k] = init.lo + (init.hi - init.lo) * uniform01(seed, STREAM.weight, k);
      return w;
    case 'normal':
      for (let k = 0; k < n; k++) w[k] = init.mean + init.std * normal01(seed, STREAM.weight, k);
      return w;
    case 'centred_uniform':
    case 'centred_normal': {
      for (let k = 0; k < n; k++) {
        w[k] =
          init.kind === 'centred_uniform'
            ? init.scale * (2 * uniform01(seed, STREAM.weight, k) - 1)
            : init.std * normal01(seed, STREAM.weight, k);
      }
      // Centre each post neuron's incoming weights to sum 0 (the column of the feedback matrix).
      const sum = new Float64Array(postSize);
      const cnt = new Int32Array(postSize);
      for (let k = 0; k < n; k++) {
        sum[post[k]!] += w[k]!;
        cnt[post[k]!]++;
      }
      for (let k = 0; k < n; k++) w[k] -= sum[post[k]!]! / cnt[post[k]!]!;
      void rowPtr;
      return w;
    }
  }
}

/**
 * Builds the synapse table of `p`; `external` supplies `from_file` connectivity. The checker guarantees shapes
 * and names are valid.
 */
export function materialize(p: Projection, preSize: number, postSize: number, external?: SynapseTable): SynapseTable {
  if (p.connector.kind === 'from_file') {
    if (!external) throw new Error(`internal: from_file connectivity of ${p.name} not supplied`);
    // A file may carry weights; without them the projection's initialiser draws them.
    if (external.weight.length === external.post.length) return external;
    return { ...external, weight: drawWeights(p.weight, p.seed, external.rowPtr, external.post, postSize) };
  }
  const { rowPtr, post } = connect(p, preSize, postSize);
  return { preSize, postSize, rowPtr, post, weight: drawWeights(p.weight, p.seed, rowPtr, post, postSize) };
}
