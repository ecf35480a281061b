import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../compiler/diagnostics/diagnostic.js';
import { classCounts } from '../../data/dataset.js';
import { encodeIdx } from '../../data/idx.js';
import { FASHION_MNIST_DIR, resolveDataSpec } from '../../data/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-reg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function err(f: () => unknown): DiagnosticError {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e;
    throw e;
  }
  throw new Error('expected a DiagnosticError');
}

describe('--data specs', () => {
  it('mnist (the default) is the bundled 8,000/2,000 split', () => {
    const d = resolveDataSpec();
    expect([d.train.n, d.test.n]).toEqual([8000, 2000]);
    expect(d.spec).toBe('mnist');
  });

  it('takes stratified first-N subsets and refuses more than there are', () => {
    const d = resolveDataSpec('mnist', { trainSamples: 500, testSamples: 100 });
    expect([d.train.n, d.test.n]).toEqual([500, 100]);
    for (const c of classCounts(d.test)) expect(c).toBeGreaterThanOrEqual(8);
    const e = err(() => resolveDataSpec('mnist', { testSamples: 2001 }));
    expect(e.diagnostics[0]!.code).toBe('SNN4513');
  });

  it('mnist:/dir reads IDX files', () => {
    const n = 20;
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), encodeIdx({ dims: [n, 28, 28], data: new Uint8Array(n * 784).fill(255) }, true));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), encodeIdx({ dims: [n], data: Uint8Array.from({ length: n }, (_, k) => k % 10) }, true));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx({ dims: [10, 28, 28], data: new Uint8Array(10 * 784) }));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx({ dims: [10], data: Uint8Array.from({ length: 10 }, (_, k) => k) }));
    const d = resolveDataSpec(`mnist:${dir}`, { trainSamples: 10 });
    expect([d.train.n, d.test.n]).toEqual([10, 10]);
    expect(classCounts(d.train)).toEqual(new Array(10).fill(1));
    expect(d.train.images[0]).toBe(1);
  });

  it('rejects unknown specs, listing the accepted forms and suggesting a spelling', () => {
    const e = err(() => resolveDataSpec('fashion-mnsit'));
    expect(e.diagnostics[0]!.code).toBe('SNN4511');
    expect(e.diagnostics[0]!.message).toMatch(/mnist:\/path\/to\/idx-dir/);
    expect(e.diagnostics[0]!.hint).toMatch(/fashion-mnist/);
    expect(err(() => resolveDataSpec('mnist:')).diagnostics[0]!.code).toBe('SNN4511');
  });

  it('tells how to install Fashion-MNIST when it is absent', () => {
    const e = err(() => resolveDataSpec('fashion-mnist', { fashionDir: join(dir, 'absent') }));
    expect(e.diagnostics[0]!.code).toBe('SNN4512');
    expect(e.diagnostics[0]!.hint).toMatch(/sudo apt-get install dataset-fashion-mnist/);
  });

  it.skipIf(!existsSync(FASHION_MNIST_DIR))('loads Debian\'s Fashion-MNIST (60,000 / 10,000)', () => {
    const d = resolveDataSpec('fashion-mnist', { trainSamples: 1000 });
    expect(d.train.n).toBe(1000);
    expect(d.test.n).toBe(10000);
    expect([d.test.width, d.test.height]).toEqual([28, 28]);
    expect(classCounts(d.test)).toEqual(new Array(10).fill(1000));
  });
});
