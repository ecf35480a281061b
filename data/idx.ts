/**
 * IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed (detected by the gzip magic 1f 8b, not
 * by the file name). Layout: bytes 0–1 zero, byte 2 the element type, byte 3 the number of dimensions d, then d
 * big-endian uint32 sizes, then the elements in row-major order. Only element type 0x08 (unsigned byte) is read;
 * that is what MNIST-style image and label files use.
 *
 * Bad files never throw raw errors: `parseIdx` returns diagnostics (SNN45xx) naming the file and what is wrong,
 * and `loadIdxDataset` throws a `DiagnosticError` carrying them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DiagnosticError, type Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import type { Dataset, DatasetSplit } from './dataset.js';

export const IDX_UBYTE = 0x08;
const DTYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
/** Refuse tensors larger than this many elements (a corrupted header must not allocate gigabytes). */
const MAX_ELEMENTS = 2 ** 31 - 1;

export interface IdxTensor {
  readonly dims: readonly number[];
  /** Row-major elements. */
  readonly data: Uint8Array;
}

export type IdxResult = { readonly ok: true; readonly tensor: IdxTensor } | { readonly ok: false; readonly diagnostics: Diagnostic[] };

function bad(code: string, file: string, field: string, message: string, hint?: string): IdxResult {
  return { ok: false, diagnostics: [{ code, severity: 'error', message, path: { file, field }, hint }] };
}

/** Parses IDX bytes (gzip-compressed or not). `file` is only used to name the file in diagnostics. */
export function parseIdx(input: Uint8Array, file: string): IdxResult {
  let bytes = input;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      return bad('SNN4502', file, 'gzip', `not a valid gzip stream: ${(e as Error).message}`, 'the download may be incomplete; fetch the file again');
    }
  }
  if (bytes.length < 4) return bad('SNN4505', file, 'header', `truncated: ${bytes.length} bytes, an IDX header needs at least 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return bad('SNN4503', file, 'magic', `bad magic number ${magic}: an IDX file starts with 00 00 <type> <rank>`, 'is this an IDX file (e.g. train-images-idx3-ubyte)?');
  }
  const dtype = bytes[2]!;
  if (dtype !== IDX_UBYTE) {
    const name = DTYPE_NAMES[dtype];
    return bad('SNN4504', file, 'dtype', name ? `unsupported element type ${name} (0x${dtype.toString(16).padStart(2, '0')}); only unsigned bytes (0x08) are read` : `unknown element type 0x${dtype.toString(16).padStart(2, '0')}`);
  }
  const rank = bytes[3]!;
  if (rank === 0) return bad('SNN4507', file, 'dims', 'rank 0: an IDX file needs at least one dimension');
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen) return bad('SNN4505', file, 'dims', `truncated header: rank ${rank} needs ${headerLen} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let k = 0; k < rank; k++) {
    const d = view.getUint32(4 + 4 * k, false);
    dims.push(d);
    count *= d;
  }
  if (count > MAX_ELEMENTS) return bad('SNN4507', file, 'dims', `dimensions ${dims.join('×')} are implausibly large (${count} elements)`);
  const have = bytes.length - headerLen;
  if (have < count) return bad('SNN4505', file, 'data', `truncated: dimensions ${dims.join('×')} need ${count} data bytes, the file has ${have}`, 'the download may be incomplete; fetch the file again');
  if (have > count) return bad('SNN4506', file, 'data', `${have - count} unexpected bytes after the ${count} data bytes of dimensions ${dims.join('×')}`);
  return { ok: true, tensor: { dims, data: bytes.slice(headerLen) } };
}

/** Encodes a tensor as IDX unsigned-byte bytes; gzip-compressed when `gzip` is true. */
export function encodeIdx(tensor: IdxTensor, gzip = false): Uint8Array {
  const rank = tensor.dims.length;
  const out = new Uint8Array(4 + 4 * rank + tensor.data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UBYTE;
  out[3] = rank;
  tensor.dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(tensor.data, 4 + 4 * rank);
  return gzip ? new Uint8Array(gzipSync(out)) : out;
}

/** Reads and parses one IDX file. */
export function readIdxFile(path: string): IdxResult {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? e);
    return bad('SNN4501', path, 'file', `cannot read IDX file: ${why}`);
  }
  return parseIdx(bytes, path);
}

/** The standard MNIST file stems; each may be plain or end in `.gz`. */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * Finds `<stem>` or `<stem>.gz` in `dir` (also accepting the common `<stem with the last '-' as '.'>` spelling,
 * e.g. `train-images.idx3-ubyte`); undefined when none exists.
 */
export function findIdxFile(dir: string, stem: string): string | undefined {
  const dotted = stem.replace(/-(idx\d-ubyte)$/, '.$1');
  for (const name of [stem, `${stem}.gz`, dotted, `${dotted}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Builds a Dataset from an image tensor (n×h×w) and a label tensor (n); diagnostics when they do not fit. */
export function datasetFromIdx(
  images: IdxTensor,
  labels: IdxTensor,
  files: { images: string; labels: string },
  name: string,
  classes = 10,
): { dataset?: Dataset; diagnostics: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const err = (code: string, file: string, field: string, message: string) =>
    ds.push({ code, severity: 'error', message, path: { file, field } });
  if (images.dims.length !== 3) err('SNN4507', files.images, 'dims', `an image file must have 3 dimensions (count × rows × columns), this one has ${images.dims.length} (${images.dims.join('×')})`);
  if (labels.dims.length !== 1) err('SNN4507', files.labels, 'dims', `a label file must have 1 dimension (count), this one has ${labels.dims.length} (${labels.dims.join('×')})`);
  if (ds.length > 0) return { diagnostics: ds };
  const [n, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) err('SNN4508', files.labels, 'dims', `count mismatch: ${labels.dims[0]} labels for ${n} images in ${files.images}`);
  if (n === 0) err('SNN4507', files.images, 'dims', 'the file holds no images');
  for (let i = 0; i < labels.data.length && ds.length === 0; i++) {
    if (labels.data[i]! >= classes) err('SNN4509', files.labels, `data[${i}]`, `label ${labels.data[i]} is out of range 0…${classes - 1}`);
  }
  if (ds.length > 0) return { diagnostics: ds };
  const pixels = new Float32Array(images.data.length);
  for (let k = 0; k < pixels.length; k++) pixels[k] = images.data[k]! / 255;
  return {
    dataset: { name, images: pixels, labels: labels.data.slice(), n, width, height, classes },
    diagnostics: ds,
  };
}

/**
 * Loads train-images/train-labels/t10k-images/t10k-labels (plain or .gz) from `dir`. Throws a DiagnosticError
 * listing every problem (missing files, malformed files, mismatched counts) — never a raw exception.
 */
export function loadIdxDataset(dir: string, name = 'idx'): DatasetSplit {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir) {
    throw new DiagnosticError([
      { code: 'SNN4510', severity: 'error', message: `IDX data directory not found: ${dir}`, path: { file: dir }, hint: `expected a directory holding ${Object.values(IDX_FILES).join(', ')} (each optionally .gz)` },
    ]);
  }
  const diagnostics: Diagnostic[] = [];
  const paths: Partial<Record<keyof typeof IDX_FILES, string>> = {};
  for (const [key, stem] of Object.entries(IDX_FILES) as [keyof typeof IDX_FILES, string][]) {
    const p = findIdxFile(dir, stem);
    if (p === undefined) {
      diagnostics.push({ code: 'SNN4510', severity: 'error', message: `missing IDX file ${stem} (or ${stem}.gz) in ${dir}`, path: { file: join(dir, stem) } });
    } else paths[key] = p;
  }
  if (diagnostics.length > 0) throw new DiagnosticError(diagnostics);
  const tensors: Partial<Record<keyof typeof IDX_FILES, IdxTensor>> = {};
  for (const key of Object.keys(IDX_FILES) as (keyof typeof IDX_FILES)[]) {
    const r = readIdxFile(paths[key]!);
    if (r.ok) tensors[key] = r.tensor;
    else diagnostics.push(...r.diagnostics);
  }
  if (diagnostics.length > 0) throw new DiagnosticError(diagnostics);
  const train = datasetFromIdx(tensors.trainImages!, tensors.trainLabels!, { images: paths.trainImages!, labels: paths.trainLabels! }, `${name}/train`);
  const test = datasetFromIdx(tensors.testImages!, tensors.testLabels!, { images: paths.testImages!, labels: paths.testLabels! }, `${name}/t10k`);
  diagnostics.push(...train.diagnostics, ...test.diagnostics);
  if (train.dataset && test.dataset && (train.dataset.width !== test.dataset.width || train.dataset.height !== test.dataset.height)) {
    diagnostics.push({ code: 'SNN4508', severity: 'error', message: `image size mismatch: train images are ${train.dataset.height}×${train.dataset.width}, test images ${test.dataset.height}×${test.dataset.width}`, path: { file: paths.testImages!, field: 'dims' } });
  }
  if (diagnostics.length > 0 || !train.dataset || !test.dataset) throw new DiagnosticError(diagnostics);
  return { train: train.dataset, test: test.dataset };
}
