/**
 * The in-memory form of a labelled image data set, shared by the bundled MNIST subset, IDX files, the encoders,
 * the float baseline and the trainer.
 */

export interface Dataset {
  /** Where it came from, e.g. `mnist-bundled/train` or `fashion-mnist/t10k`. */
  readonly name: string;
  /** n × (width·height) pixel intensities, row-major per image, values in [0, 1] (byte / 255). */
  readonly images: Float32Array;
  /** n class labels in [0, classes). */
  readonly labels: Uint8Array;
  readonly n: number;
  readonly width: number;
  readonly height: number;
  readonly classes: number;
}

export interface DatasetSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}

export function pixelsPerImage(ds: Dataset): number {
  return ds.width * ds.height;
}

/** Image `i` as a view into `ds.images` (no copy). */
export function imageAt(ds: Dataset, i: number): Float32Array {
  const p = ds.width * ds.height;
  return ds.images.subarray(i * p, (i + 1) * p);
}

/** How many samples of each class. */
export function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classes).fill(0);
  for (let i = 0; i < ds.n; i++) counts[ds.labels[i]!]!++;
  return counts;
}

/** A new data set holding the samples at `indices` (in that order); pixels are copied. */
export function selectSamples(ds: Dataset, indices: ArrayLike<number>, name: string): Dataset {
  const p = ds.width * ds.height;
  const n = indices.length;
  const images = new Float32Array(n * p);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    images.set(ds.images.subarray(i * p, (i + 1) * p), k * p);
    labels[k] = ds.labels[i]!;
  }
  return { name, images, labels, n, width: ds.width, height: ds.height, classes: ds.classes };
}

/**
 * Integer quotas proportional to `counts` that add up to `total` (largest-remainder method: floor of each
 * exact share, then one more for the largest fractional parts; ties go to the lower class index).
 * Exact shares are computed as counts[c]·total / sum in doubles, exact for the sizes used here (< 2^53).
 */
export function proportionalQuotas(counts: readonly number[], total: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum === 0) return counts.map(() => 0);
  const quotas = counts.map((c) => Math.floor((c * total) / sum));
  let left = total - quotas.reduce((a, b) => a + b, 0);
  // remainder numerators (c·total mod sum) compare exactly as integers
  const order = counts
    .map((c, k) => ({ k, r: (c * total) % sum }))
    .sort((a, b) => b.r - a.r || a.k - b.k);
  for (const { k } of order) {
    if (left === 0) break;
    if (quotas[k]! < counts[k]!) {
      quotas[k]!++;
      left--;
    }
  }
  return quotas;
}

/**
 * The first `n` samples with class proportions preserved: per-class quotas by `proportionalQuotas`, then the
 * first quota[c] samples of each class in data-set order, kept in data-set order. With n ≥ ds.n, the whole set.
 */
export function takeStratified(ds: Dataset, n: number, name = ds.name): Dataset {
  if (n >= ds.n) return ds;
  const quotas = proportionalQuotas(classCounts(ds), n);
  const taken = new Array<number>(ds.classes).fill(0);
  const indices: number[] = [];
  for (let i = 0; i < ds.n && indices.length < n; i++) {
    const c = ds.labels[i]!;
    if (taken[c]! < quotas[c]!) {
      taken[c]!++;
      indices.push(i);
    }
  }
  return selectSamples(ds, indices, name);
}
