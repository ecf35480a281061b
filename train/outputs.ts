/**
 * Files of a training run (`--out DIR`, documented in docs/training.md):
 *   network.ir.json   the IR that was trained (a resume reloads it)
 *   run.json          resolved settings (protocol, seed, data, flags) and tool version
 *   metrics.json/.csv per-epoch metrics, rewritten after every epoch
 *   checkpoint.json   the latest checkpoint (written atomically: temp file + rename)
 *   weights/          final weights: manifest.json + one .npy triple (weights, pre, post) per synapse group
 *   summary.json      the final summary (also what `--json` prints)
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DendriteIr } from '../ir/types.js';
import type { EpochMetrics } from './trainer.js';

/** Writes `text` to `path` so that readers see the old file or the new one, never a partial one. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const METRIC_COLUMNS: readonly (keyof EpochMetrics)[] = [
  'epoch', 'train_accuracy', 'test_accuracy', 'train_samples', 'test_samples', 'train_steps', 'synaptic_events',
  'learning_updates', 'spikes', 'energy_pj', 'energy_pj_per_sample', 'test_synaptic_events', 'test_energy_pj_per_sample',
  'train_seconds', 'test_seconds', 'samples_per_s', 'ms_per_sample', 'train_cpu_seconds',
];

export function metricsCsv(ms: readonly EpochMetrics[]): string {
  const rows = ms.map((m) => METRIC_COLUMNS.map((k) => String(m[k])).join(','));
  return [METRIC_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

export function writeMetrics(dir: string, ms: readonly EpochMetrics[]): string[] {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'metrics.csv'), metricsCsv(ms));
  writeFileAtomic(join(dir, 'metrics.json'), JSON.stringify({ epochs: ms }, null, 2) + '\n');
  return ['metrics.csv', 'metrics.json'];
}

/** A NumPy `.npy` (format 1.0) file holding a 1-D little-endian int32 array. */
export function npyInt32(a: Int32Array): Uint8Array {
  let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${a.length},), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) body.writeInt32LE(a[i]!, i * 4);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

export interface WeightFileEntry {
  readonly projection: string;
  readonly core: number;
  readonly synapse_group: number;
  readonly synapses: number;
  /** Delivered value = stored weight · 2^weight_shift. */
  readonly weight_shift: number;
  readonly weight_min: number;
  readonly weight_max: number;
  readonly plastic: boolean;
  /** .npy files: stored weights, presynaptic global neuron id, postsynaptic global neuron id (same order). */
  readonly files: { readonly weights: string; readonly pre: string; readonly post: string };
}

/**
 * Writes the weights of every synapse group (one entry per core × group) as .npy triples plus manifest.json.
 * `weights[c]` is core c's current weight array (the IR's CSR order).
 */
export function writeWeights(dir: string, ir: DendriteIr, weights: readonly Int32Array[]): WeightFileEntry[] {
  mkdirSync(dir, { recursive: true });
  const entries: WeightFileEntry[] = [];
  ir.cores.forEach((core, c) => {
    const syn = core.synapses;
    const preOfAxon = new Int32Array(core.axonCount).fill(-1);
    const { offsets, core: rc, axon: ra } = ir.routing;
    for (let n = 0; n < ir.neuronCount; n++) {
      for (let k = offsets[n]!; k < offsets[n + 1]!; k++) if (rc[k] === c) preOfAxon[ra[k]!] = n;
    }
    const postOf = new Int32Array(core.compartmentCount);
    for (const g of core.groups) for (let i = 0; i < g.size; i++) postOf[g.first + i] = g.neuronBase + i;
    core.synapseGroups.forEach((sg, gi) => {
      const w: number[] = [];
      const pre: number[] = [];
      const post: number[] = [];
      for (let a = 0; a < core.axonCount; a++) {
        if (syn.axonGroup[a] !== gi) continue;
        for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) {
          w.push(weights[c]![r]!);
          pre.push(preOfAxon[a]!);
          post.push(postOf[syn.targets[r]!]!);
        }
      }
      if (w.length === 0) return;
      const stem = `c${c}-g${gi}`;
      const files = { weights: `${stem}.weights.npy`, pre: `${stem}.pre.npy`, post: `${stem}.post.npy` };
      writeFileSync(join(dir, files.weights), npyInt32(Int32Array.from(w)));
      writeFileSync(join(dir, files.pre), npyInt32(Int32Array.from(pre)));
      writeFileSync(join(dir, files.post), npyInt32(Int32Array.from(post)));
      entries.push({
        projection: sg.name, core: c, synapse_group: gi, synapses: w.length, weight_shift: sg.weightShift,
        weight_min: sg.weightMin, weight_max: sg.weightMax, plastic: sg.learning !== null, files,
      });
    });
  });
  writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify({ format: 'dendrite-weights/1', groups: entries }, null, 2) + '\n');
  return entries;
}

/** Default output directory: out/train-YYYYMMDD-HHMMSS (local time). */
export function defaultOutDir(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return join('out', `train-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`);
}
