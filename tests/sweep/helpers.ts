/** Small networks and helpers shared by the sweep and quantization tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PointResult, SweepOptions } from '../../sweep/result.js';

export function tempDir(prefix = 'dendrite-sweep-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fixed-rate Poisson input into one LIF population: runs without data, fast to compile and emulate. */
export function smallNetwork(o: { inputs?: number; neurons?: number; wLo?: number; wHi?: number; tau?: number; rate?: number; seed?: number } = {}): string {
  return `network small {
  dt = 1 ms
  seed = ${o.seed ?? 3}
  population inp = Poisson(${o.inputs ?? 20}) { rate = ${o.rate ?? 200} Hz }
  population hid = LIF(${o.neurons ?? 10}) { tau = ${o.tau ?? 20} ms; v_threshold = 1.0 }
  project inp -> hid : dense { w ~ uniform(${o.wLo ?? -0.2}, ${o.wHi ?? 0.6}) }
  probe spikes hid
}
`;
}

export function writeNetwork(dir: string, text: string, name = 'net.snn'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export function runOptions(file: string, steps = 200): SweepOptions {
  return { file, target: 'default', mode: 'run', epochs: 1, steps, prune: [], relearn: 0 };
}

/** A result without its wall-clock field, for equality checks. */
export function timeless(r: PointResult): Omit<PointResult, 'seconds'> {
  const { seconds: _s, ...rest } = r;
  return rest;
}
