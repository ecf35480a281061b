/**
 * Probe recording and output. A `Recorder` reads the emulator after every step: spike probes keep every
 * (step, local index) event (decimation does not drop spikes); state and weight probes copy their values every
 * `decimation` steps (at steps t with t mod decimation = 0). `writeProbes` writes one CSV per probe, one
 * `probes.json` with all of them, and `manifest.json` (tool version, target, seed, resolved settings).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DendriteIr, Probe } from '../ir/types.js';
import type { Emulator } from './emulator.js';

/** Where one population neuron's state lives. */
interface StateRef { core: number; group: number; index: number }

export interface ProbeData {
  readonly probe: Probe;
  /** spikes: flat [step, index, step, index, …]; state/weights: one row per recorded step. */
  readonly spikes: number[];
  readonly steps: number[];
  readonly rows: Int32Array[];
}

export class Recorder {
  readonly data: ProbeData[];
  private readonly refs: (StateRef[] | null)[];
  private readonly popBase: number[];
  private readonly popSize: number[];
  private readonly weightRows: (Int32Array | null)[];

  constructor(readonly ir: DendriteIr, probes: readonly Probe[] = ir.probes) {
    this.data = probes.map((probe) => ({ probe, spikes: [], steps: [], rows: [] }));
    const pops = new Map(ir.populations.map((p) => [p.name, p]));
    this.popBase = probes.map((p) => (p.kind === 'weights' ? 0 : pops.get(p.population)?.neuronBase ?? 0));
    this.popSize = probes.map((p) => (p.kind === 'weights' ? 0 : pops.get(p.population)?.size ?? 0));
    this.refs = probes.map((p) => {
      if (p.kind !== 'state') return null;
      const refs: StateRef[] = [];
      for (const pl of pops.get(p.population)?.placement ?? []) {
        if (pl.kind !== 'group') continue;
        for (let k = 0; k < pl.count; k++) refs.push({ core: pl.core, group: pl.group, index: pl.offset + k });
      }
      return refs;
    });
    this.weightRows = probes.map((p) => {
      if (p.kind !== 'weights') return null;
      const syn = ir.cores[p.core]!.synapses;
      const rows: number[] = [];
      for (let a = 0; a < syn.axonGroup.length; a++) {
        if (syn.axonGroup[a] !== p.synapseGroup) continue;
        for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) rows.push(r);
      }
      return Int32Array.from(rows);
    });
  }

  /** Records the step the emulator just computed. */
  record(emu: Emulator): void {
    const t = emu.t;
    this.data.forEach((d, pi) => {
      const p = d.probe;
      if (p.kind === 'spikes') {
        const lo = this.popBase[pi]!;
        const hi = lo + this.popSize[pi]!;
        for (let k = 0; k < emu.spikeCount; k++) {
          const id = emu.spikes[k]!;
          if (id >= lo && id < hi) d.spikes.push(t, id - lo);
        }
        return;
      }
      if (t % p.decimation !== 0) return;
      d.steps.push(t);
      if (p.kind === 'state') {
        const refs = this.refs[pi]!;
        const row = new Int32Array(refs.length);
        refs.forEach((r, k) => {
          row[k] = emu.cores[r.core]!.groups[r.group]!.arrays[p.state]![r.index]!;
        });
        d.rows.push(row);
      } else {
        const rows = this.weightRows[pi]!;
        const w = emu.cores[p.core]!.weights;
        d.rows.push(Int32Array.from(rows, (r) => w[r]!));
      }
    });
  }
}

export interface Manifest {
  readonly tool: string;
  readonly version: string;
  readonly target: string;
  readonly seed: number;
  readonly steps: number;
  readonly settings: Record<string, unknown>;
  readonly files: string[];
}

/** Writes probes as CSV + probes.json + manifest.json into `dir` (created if needed); returns the file names. */
export function writeProbes(dir: string, rec: Recorder, manifest: Omit<Manifest, 'files'>): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const json: Record<string, unknown> = {};
  for (const d of rec.data) {
    const p = d.probe;
    const safe = p.name.replace(/[^A-Za-z0-9_.-]/g, '_');
    const file = `${safe}.csv`;
    let csv: string;
    if (p.kind === 'spikes') {
      const lines = ['step,index'];
      for (let k = 0; k < d.spikes.length; k += 2) lines.push(`${d.spikes[k]},${d.spikes[k + 1]}`);
      csv = lines.join('\n') + '\n';
      json[p.name] = { kind: p.kind, population: p.population, spikes: d.spikes };
    } else {
      const width = d.rows[0]?.length ?? 0;
      const lines = ['step,' + Array.from({ length: width }, (_, i) => `${p.kind === 'state' ? p.state : 'w'}${i}`).join(',')];
      d.rows.forEach((row, k) => lines.push(`${d.steps[k]},${Array.from(row).join(',')}`));
      csv = lines.join('\n') + '\n';
      json[p.name] = { ...p, steps: d.steps, values: d.rows.map((r) => Array.from(r)) };
    }
    writeFileSync(join(dir, file), csv);
    files.push(file);
  }
  writeFileSync(join(dir, 'probes.json'), JSON.stringify(json) + '\n');
  files.push('probes.json');
  files.push('manifest.json');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, files }, null, 2) + '\n');
  return files;
}
