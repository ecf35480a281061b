import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DiagnosticError } from '../../compiler/diagnostics/diagnostic.js';
import { encodeIdx, loadIdxDataset, parseIdx, readIdxFile, type IdxTensor } from '../../data/idx.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dendrite-idx-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const tensorArb = fc
  .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
  .chain((dims) => {
    const n = dims.reduce((a, b) => a * b, 1);
    return fc.uint8Array({ minLength: n, maxLength: n }).map((data): IdxTensor => ({ dims, data }));
  });

/** Writes an MNIST-style directory of IDX files; `gz` picks compression per file. */
function writeSet(dir: string, nTrain: number, nTest: number, gz: boolean, side = 3) {
  const make = (n: number, seed: number) => {
    const images = Uint8Array.from({ length: n * side * side }, (_, k) => (k * 37 + seed) % 256);
    const labels = Uint8Array.from({ length: n }, (_, k) => (k + seed) % 10);
    return { images, labels };
  };
  const tr = make(nTrain, 1);
  const te = make(nTest, 2);
  const sfx = gz ? '.gz' : '';
  writeFileSync(join(dir, `train-images-idx3-ubyte${sfx}`), encodeIdx({ dims: [nTrain, side, side], data: tr.images }, gz));
  writeFileSync(join(dir, `train-labels-idx1-ubyte${sfx}`), encodeIdx({ dims: [nTrain], data: tr.labels }, gz));
  writeFileSync(join(dir, `t10k-images-idx3-ubyte${sfx}`), encodeIdx({ dims: [nTest, side, side], data: te.images }, gz));
  writeFileSync(join(dir, `t10k-labels-idx1-ubyte${sfx}`), encodeIdx({ dims: [nTest], data: te.labels }, gz));
  return { tr, te };
}

function diagnosticsOf(f: () => unknown): DiagnosticError {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e;
    throw e;
  }
  throw new Error('expected a DiagnosticError');
}

describe('IDX reader', () => {
  it('round-trips random uint8 tensors through files, plain and gzip', () => {
    const dir = tempDir();
    let k = 0;
    fc.assert(
      fc.property(tensorArb, fc.boolean(), (t, gz) => {
        const file = join(dir, `t${k++}${gz ? '.gz' : ''}`);
        writeFileSync(file, encodeIdx(t, gz));
        const r = readIdxFile(file);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.tensor.dims).toEqual(t.dims);
        expect(Array.from(r.tensor.data)).toEqual(Array.from(t.data));
      }),
      { numRuns: 60 },
    );
  });

  it('reads the header big-endian: dims 2 × 300 as 00 00 00 02 / 00 00 01 2c', () => {
    const bytes = new Uint8Array(4 + 8 + 600);
    bytes.set([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 1, 0x2c]);
    const r = parseIdx(bytes, 'x');
    expect(r.ok && r.tensor.dims).toEqual([2, 300]);
  });

  it('reports mutated or truncated files as diagnostics naming the file, never by crashing', () => {
    fc.assert(
      fc.property(
        tensorArb,
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (t, gz, mutations, cut) => {
          let bytes = encodeIdx(t, gz);
          for (const [pos, v] of mutations) bytes[pos % bytes.length] = v;
          if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1));
          const r = parseIdx(bytes, 'bad.idx');
          if (!r.ok) {
            expect(r.diagnostics.length).toBeGreaterThan(0);
            for (const d of r.diagnostics) {
              expect(d.code).toMatch(/^SNN45\d\d$/);
              expect(d.path?.file).toBe('bad.idx');
              expect(d.severity).toBe('error');
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names what is wrong: bad magic, unsupported type, truncation, trailing bytes, bad gzip', () => {
    const good = encodeIdx({ dims: [2, 2], data: Uint8Array.of(1, 2, 3, 4) });
    const code = (b: Uint8Array) => {
      const r = parseIdx(b, 'f');
      return r.ok ? 'ok' : r.diagnostics[0]!.code;
    };
    expect(code(good)).toBe('ok');
    expect(code(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0))).toBe('SNN4503');
    const f32 = good.slice();
    f32[2] = 0x0d;
    const r = parseIdx(f32, 'f');
    expect(!r.ok && r.diagnostics[0]!.message).toMatch(/float32/);
    expect(code(good.subarray(0, 3))).toBe('SNN4505');
    expect(code(good.subarray(0, 9))).toBe('SNN4505');
    expect(code(good.subarray(0, good.length - 1))).toBe('SNN4505');
    expect(code(Uint8Array.of(...good, 7))).toBe('SNN4506');
    const gz = encodeIdx({ dims: [2, 2], data: Uint8Array.of(1, 2, 3, 4) }, true);
    expect(code(gz.subarray(0, gz.length - 6))).toBe('SNN4502');
    const miss = readIdxFile('/nonexistent/file');
    expect(!miss.ok && miss.diagnostics[0]!.message).toMatch(/no such file/);
  });
});

describe('loadIdxDataset', () => {
  for (const gz of [false, true]) {
    it(`loads an MNIST-style directory (${gz ? 'gzip' : 'plain'}) as byte/255 images with labels`, () => {
      const dir = tempDir();
      const { tr, te } = writeSet(dir, 12, 5, gz);
      const { train, test } = loadIdxDataset(dir, 'toy');
      expect([train.n, train.width, train.height, train.classes]).toEqual([12, 3, 3, 10]);
      expect(test.n).toBe(5);
      expect(Array.from(train.labels)).toEqual(Array.from(tr.labels));
      expect(Array.from(test.images)).toEqual(Array.from(te.images, (b) => Math.fround(b / 255)));
    });
  }

  it('lists every missing file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx({ dims: [1, 1, 1], data: Uint8Array.of(0) }));
    const e = diagnosticsOf(() => loadIdxDataset(dir));
    expect(e.diagnostics.length).toBe(3);
    expect(e.diagnostics.every((d) => d.code === 'SNN4510')).toBe(true);
    expect(diagnosticsOf(() => loadIdxDataset(join(dir, 'nope'))).diagnostics[0]!.message).toMatch(/not found/);
  });

  it('reports a count mismatch, a wrong rank and an out-of-range label against the right file', () => {
    const dir = tempDir();
    writeSet(dir, 4, 4, false);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx({ dims: [3], data: Uint8Array.of(1, 2, 3) }));
    let e = diagnosticsOf(() => loadIdxDataset(dir));
    expect(e.diagnostics[0]!.code).toBe('SNN4508');
    expect(e.diagnostics[0]!.path?.file).toBe(join(dir, 't10k-labels-idx1-ubyte'));
    expect(e.diagnostics[0]!.message).toMatch(/3 labels for 4 images/);

    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx({ dims: [4], data: Uint8Array.of(1, 2, 3, 12) }));
    e = diagnosticsOf(() => loadIdxDataset(dir));
    expect(e.diagnostics[0]!.code).toBe('SNN4509');

    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx({ dims: [4, 9], data: new Uint8Array(36) }));
    e = diagnosticsOf(() => loadIdxDataset(dir));
    expect(e.diagnostics.some((d) => d.code === 'SNN4507' && d.path?.file === join(dir, 'train-images-idx3-ubyte'))).toBe(true);
  });
});
