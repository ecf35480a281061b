/**
 * Fixed vs float: runs a compiled IR on the bit-accurate emulator and the checked network on the float64
 * reference in lockstep, for the same steps and seed, with identical inputs (the float side copies the IR's
 * source thresholds, labels and spike lists and draws Poisson/label spikes with the emulator's PRNG keys), and
 * compares them per population (analysis/compare.ts). State errors are accumulated while stepping, so nothing
 * proportional to neurons × steps is stored.
 */
import type { Network } from '../compiler/model.js';
import type { DendriteIr } from '../ir/types.js';
import { Emulator } from '../emulator/emulator.js';
import { compartmentKeys, FloatSimulator } from '../reference/float-sim.js';
import { FloatRecorder } from '../reference/recorder.js';
import { comparePopulation, type PopulationComparison, type StateScale } from './compare.js';
import { EmulatorTap, restOffset, stateScalesFromReports } from './emulator-trace.js';
import { createLearningEngine } from '../emulator/learning/engine.js';

export interface DiffOptions {
  readonly steps: number;
  /** PRNG seed for both sides (default: the IR's seed). */
  readonly seed?: number;
  /** Van Rossum time constant in steps (default 10). */
  readonly tauSteps?: number;
  /** Integer → model scales keyed `population.state` (default: read from `ir.reports`). */
  readonly scales?: ReadonlyMap<string, StateScale>;
  /**
   * Drive data-driven Poisson sources (silent in a compiled IR until the host sets rates) at this fraction of
   * their rate_max on both sides, using the threshold the lowering reports (`ir.reports.sources[name].maxThreshold`).
   */
  readonly inputLevel?: number;
  /** Run the learning rules on both sides (default true): the IR's microcode on the emulator, float rules on the reference. */
  readonly learning?: boolean;
}

export interface DiffResult {
  readonly target: string;
  readonly steps: number;
  readonly seed: number;
  readonly dt: number;
  readonly tau_steps: number;
  readonly populations: PopulationComparison[];
  /** Things the reader should know (missing scales, blank-out, populations absent from the IR). */
  readonly notes: string[];
}

interface StateAcc {
  readonly population: string;
  readonly state: string;
  readonly arrays: (Int32Array | null)[];
  readonly index: Int32Array;
  readonly float: Float64Array;
  readonly scale: StateScale;
  sumSq: number;
  count: number;
}

/** Copies the IR's source settings into the float simulator so both see the same input spikes. */
export function copySources(ir: DendriteIr, sim: FloatSimulator): void {
  for (const s of ir.sources) {
    const p = sim.network.populations.find((x) => x.name === s.name);
    if (!p?.source) continue;
    if (s.kind === 'poisson') sim.setSourceThresholds(s.name, s.rate);
    else if (s.kind === 'label') {
      sim.setLabelThreshold(s.name, s.threshold);
      sim.setLabel(s.name, s.label);
    } else sim.setSpikeList(s.name, s.steps, s.indices);
  }
}

/**
 * Sets data-driven Poisson sources to `level`·maxThreshold on both sides; returns the names of data-driven
 * sources left silent (no level given).
 */
function driveDataSources(ir: DendriteIr, emu: Emulator, sim: FloatSimulator, level: number | undefined): string[] {
  const info = ir.reports['sources'];
  const silent: string[] = [];
  if (info === null || typeof info !== 'object' || Array.isArray(info)) return silent;
  for (const s of ir.sources) {
    const e = info[s.name];
    if (s.kind !== 'poisson' || e === null || typeof e !== 'object' || Array.isArray(e) || e.kind !== 'poisson') continue;
    const max = e.maxThreshold;
    if (typeof max !== 'number') continue;
    if (level === undefined || level <= 0) {
      if (s.rate.every((x) => x === 0)) silent.push(s.name);
      continue;
    }
    const rates = new Float64Array(s.size).fill(Math.min(2 ** 32, Math.round(Math.min(1, level) * max)));
    emu.setSourceRates(s.name, rates);
    sim.setSourceThresholds(s.name, rates);
  }
  return silent;
}

export function diffNetwork(network: Network, ir: DendriteIr, options: DiffOptions): DiffResult {
  const steps = options.steps;
  const seed = (options.seed ?? ir.seed) >>> 0;
  const tau = options.tauSteps ?? 10;
  const notes: string[] = [];
  let engine = null;
  if (options.learning !== false && ir.learning.length > 0) {
    const made = createLearningEngine(ir);
    if (made.engine) engine = made.engine;
    else notes.push(`the IR's learning programs are invalid (${made.diagnostics[0]?.message ?? 'unknown'}); the emulator side runs without learning`);
  }
  const emu = new Emulator(ir, { seed, learning: engine });
  const tap = new EmulatorTap(ir, emu);
  // Keyed like the emulator's kernels, so both sides draw the same noise events.
  const sim = new FloatSimulator(network, {
    seed, sourceOrder: ir.sources.map((s) => s.name), learning: options.learning, compartments: compartmentKeys(ir),
  });
  copySources(ir, sim);
  const silent = driveDataSources(ir, emu, sim, options.inputLevel);
  if (silent.length > 0) notes.push(`data-driven sources ${silent.join(', ')} are silent; drive them with --input-level x (x·rate_max)`);
  const rec = new FloatRecorder(sim);
  const scales = options.scales ?? stateScalesFromReports(ir.reports);

  const accs: StateAcc[] = [];
  const missingScale: string[] = [];
  for (const p of network.populations) {
    const m = p.neuron;
    if (!m) continue;
    for (const sv of m.states) {
      const key = `${p.name}.${sv.name}`;
      const found = scales.get(key);
      // Offsets the report does not carry follow the lowering's documented rest-offset rule.
      const scale = found && found.offset === undefined ? { scale: found.scale, offset: restOffset(m, sv.name) } : found;
      if (!scale) {
        missingScale.push(key);
        continue;
      }
      const view = tap.stateView({ population: p.name, state: sv.name, role: sv.role });
      if (!view) continue;
      accs.push({ population: p.name, state: sv.name, ...view, float: sim.state(p.name, sv.name), scale, sumSq: 0, count: 0 });
    }
  }
  if (missingScale.length > 0) {
    notes.push(`no integer→model scale for ${missingScale.join(', ')} (the IR's reports carry none): state RMSE not computed`);
  }
  if (network.projections.some((p) => p.pTransmit < 1)) {
    notes.push('blank-out synapses draw different random numbers on the two sides; compare with p_transmit = 1 for identical input');
  }

  for (let s = 0; s < steps; s++) {
    emu.step();
    tap.recordSpikes();
    sim.step();
    rec.record();
    for (const a of accs) {
      const off = a.scale.offset ?? 0;
      const sc = a.scale.scale;
      for (let k = 0; k < a.index.length; k++) {
        const arr = a.arrays[k];
        if (!arr) continue;
        const d = arr[a.index[k]!]! * sc + off - a.float[k]!;
        a.sumSq += d * d;
        a.count++;
      }
    }
  }

  const populations: PopulationComparison[] = [];
  for (const p of network.populations) {
    const fixed = tap.spikeTrains(p.name);
    if (!fixed) {
      notes.push(`population ${p.name} is not in the IR`);
      continue;
    }
    const cmp = comparePopulation(p.name, fixed, rec.spikeTrains(p.name), { steps, dt: network.dt, tauSteps: tau });
    const state_rmse: Record<string, number | null> = {};
    for (const sv of p.neuron?.states ?? []) {
      const a = accs.find((x) => x.population === p.name && x.state === sv.name);
      state_rmse[sv.name] = a && a.count > 0 ? Math.sqrt(a.sumSq / a.count) : null;
    }
    populations.push({ ...cmp, state_rmse });
  }
  return { target: ir.target.name, steps, seed, dt: network.dt, tau_steps: tau, populations, notes };
}

/** A fixed-width table of a diff result. */
export function renderDiff(r: DiffResult): string {
  const f = (x: number | null, digits = 4): string => (x === null ? 'n/a' : Number.isInteger(x) ? String(x) : x.toPrecision(digits));
  const header = ['population', 'n', 'spikes fixed', 'spikes float', 'rate err', 'count r', `vR(τ=${r.tau_steps})`, 'state RMSE'];
  const rows = r.populations.map((p) => [
    p.population,
    String(p.size),
    String(p.spikes_fixed),
    String(p.spikes_float),
    p.rate_rel_error === null ? 'n/a' : `${(p.rate_rel_error * 100).toFixed(2)}%`,
    f(p.count_correlation),
    f(p.van_rossum),
    Object.entries(p.state_rmse).map(([k, v]) => `${k}=${f(v)}`).join(' ') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const head = `fixed (${r.target}) vs float64 reference: ${r.steps} steps, seed ${r.seed}, dt ${r.dt} s\n`;
  const notes = r.notes.map((n) => `note: ${n}`);
  return head + [line(header), ...rows.map(line), ...notes].join('\n') + '\n';
}
