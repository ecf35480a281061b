/**
 * One point of a sweep, computed in the calling thread: compile the network with the point's `--set`s, then
 *   train mode: train and test it exactly as `dendrite train --epochs E --train-samples N --test-samples M
 *               --seed S --set …` does (same protocol, data, learning engine, shuffle), then optionally prune;
 *   run mode:   run it for `steps` as `dendrite run` does (counters, energy) and compare it with the float64
 *               reference as `dendrite diff` does (learning off on both sides: run mode studies the dynamics).
 * Deterministic: the result depends only on (file, options, point settings, seed), never on which worker runs it.
 */
import { performance } from 'node:perf_hooks';
import { compileFile, type CompileResult } from '../compiler/compile.js';
import { hasErrors, type Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { diffNetwork, type DiffResult } from '../analysis/diff.js';
import { runIr } from '../emulator/run.js';
import type { OverflowCount } from '../emulator/state.js';
import type { Emulator } from '../emulator/emulator.js';
import { resolveDataSpec, type ResolvedData } from '../data/registry.js';
import { applyOverrides as applyProtocolOverrides, protocolFromNetwork, type TrainProtocol } from '../train/protocol.js';
import { sopEngine } from '../train/sop-engine.js';
import { Trainer } from '../train/trainer.js';
import type { LearningEngineFactory } from '../train/host-engine.js';
import { maskedEngine, prunePlastic } from './prune.js';
import type { SweepPoint } from './grid.js';
import type { Divergence, PointResult, PruneResult, SweepOptions } from './result.js';

/** Loaded data sets, per (spec, counts): a worker loads the bundled subset once for all its points. */
const dataCache = new Map<string, ResolvedData>();

export function loadData(spec: string, trainSamples: number | undefined, testSamples: number | undefined): ResolvedData {
  const key = JSON.stringify([spec, trainSamples, testSamples]);
  let d = dataCache.get(key);
  if (d === undefined) dataCache.set(key, (d = resolveDataSpec(spec, { trainSamples, testSamples })));
  return d;
}

/** The protocol a train-mode point uses (the network's, with the sweep's epochs and sample counts). */
export function sweepProtocol(compiled: CompileResult, o: SweepOptions): TrainProtocol {
  const base = protocolFromNetwork(compiled.network!);
  return applyProtocolOverrides({ ...base, epochs: 1 }, { data: o.data, epochs: o.epochs, trainSamples: o.trainSamples, testSamples: o.testSamples });
}

export function sumOverflow(emu: Pick<Emulator, 'cores'>): Record<string, OverflowCount> {
  const out: Record<string, OverflowCount> = {};
  for (const rt of emu.cores) {
    for (const [k, v] of Object.entries(rt.counters.overflow)) {
      const o = (out[k] ??= { wrap: 0, saturate: 0 });
      o.wrap += v.wrap;
      o.saturate += v.saturate;
    }
  }
  return out;
}

/** Aggregates a diff over its neuron populations (those the IR holds compartments for). */
export function divergenceOf(d: DiffResult, neuronPopulations: ReadonlySet<string>): Divergence {
  const pops = d.populations.filter((p) => neuronPopulations.has(p.population));
  const rs = pops.map((p) => p.count_correlation).filter((r): r is number => r !== null);
  const fixed = pops.reduce((s, p) => s + p.spikes_fixed, 0);
  const float = pops.reduce((s, p) => s + p.spikes_float, 0);
  const neurons = pops.reduce((s, p) => s + p.size, 0);
  return {
    count_correlation: rs.length ? rs.reduce((s, r) => s + r, 0) / rs.length : null,
    rate_rel_error: float > 0 ? Math.abs(fixed - float) / float : fixed === 0 ? 0 : null,
    van_rossum: neurons > 0 ? pops.reduce((s, p) => s + p.van_rossum * p.size, 0) / neurons : 0,
    spikes_fixed: fixed,
    spikes_float: float,
    per_population: pops.map((p) => ({
      population: p.population, count_correlation: p.count_correlation, rate_rel_error: p.rate_rel_error, van_rossum: p.van_rossum,
    })),
  };
}

function staticMetrics(c: CompileResult): { synapse_memory_bits: number | null; weight_rms_rel_error: number | null } {
  const m = c.reports.mapping;
  const bits = m ? m.cores.reduce((s, core) => s + core.use.synapseBits, 0) : null;
  // Pool the weight groups: RMS of absolute error over all weights, relative to the largest |w| of all groups.
  let sq = 0;
  let n = 0;
  let maxAbs = 0;
  for (const q of c.reports.quantization) {
    if (q.kind !== 'weights' || q.count === 0) continue;
    sq += q.rmsError * q.rmsError * q.count;
    n += q.count;
    maxAbs = Math.max(maxAbs, q.maxAbs);
  }
  return { synapse_memory_bits: bits, weight_rms_rel_error: n > 0 && maxAbs > 0 ? Math.sqrt(sq / n) / maxAbs : null };
}

function blank(point: SweepPoint, o: SweepOptions): Omit<PointResult, 'status' | 'seconds'> {
  return {
    id: point.id, index: point.index, seed: point.seed, values: point.values, sets: point.sets, mode: o.mode,
    train_accuracy: null, test_accuracy: null, synaptic_events: null, learning_updates: null, spikes: null, energy_pj: null,
    overflow: {}, saturations: 0, wraps: 0, divergence: null, synapse_memory_bits: null, weight_rms_rel_error: null, prune: [],
  };
}

function overflowTotals(o: Record<string, OverflowCount>): { saturations: number; wraps: number } {
  let saturations = 0;
  let wraps = 0;
  for (const v of Object.values(o)) {
    saturations += v.saturate;
    wraps += v.wrap;
  }
  return { saturations, wraps };
}

const describe = (ds: readonly Diagnostic[]): string =>
  ds.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`).join('; ');

/** Computes one point. User-level problems (compile errors, protocol mismatches) give status `diagnostics`. */
export async function runPoint(o: SweepOptions, point: SweepPoint): Promise<PointResult> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const base = blank(point, o);
  const compiled = compileFile(o.file, { target: o.target, sets: point.sets });
  if (compiled.ir === undefined || hasErrors(compiled.diagnostics) || compiled.network === undefined) {
    return { ...base, status: 'diagnostics', error: describe(compiled.diagnostics) || 'compilation failed', seconds: seconds() };
  }
  const ir = compiled.ir;
  const stat = staticMetrics(compiled);
  if (o.mode === 'run') {
    const summary = runIr(ir, { steps: o.steps, seed: point.seed });
    const diff = diffNetwork(compiled.network, ir, { steps: o.steps, seed: point.seed, learning: false });
    const neuronPops = new Set(compiled.network.populations.filter((p) => p.neuron).map((p) => p.name));
    const overflow = summary.counters.overflow;
    return {
      ...base, ...stat, status: 'ok',
      synaptic_events: summary.counters.synaptic_events, learning_updates: summary.counters.learning_updates,
      spikes: summary.counters.spikes, energy_pj: summary.energy_pj,
      overflow, ...overflowTotals(overflow), divergence: divergenceOf(diff, neuronPops), seconds: seconds(),
    };
  }

  let protocol: TrainProtocol;
  let trainer: Trainer;
  const learning: LearningEngineFactory = (x) => sopEngine(x);
  try {
    protocol = sweepProtocol(compiled, o);
    const data = loadData(protocol.data, protocol.trainSamples, protocol.testSamples);
    trainer = new Trainer(ir, { protocol, data, seed: point.seed, learning });
  } catch (e) {
    return { ...base, ...stat, status: 'diagnostics', error: (e as Error).message, seconds: seconds() };
  }
  await trainer.run();
  const ms = trainer.metrics;
  const last = ms[ms.length - 1]!;
  const overflow = sumOverflow(trainer.emulator);
  const prune = o.prune.length > 0 ? await pruneStudy(trainer, o, protocol, learning) : [];
  return {
    ...base, ...stat, status: 'ok',
    train_accuracy: last.train_accuracy, test_accuracy: last.test_accuracy,
    synaptic_events: ms.reduce((s, m) => s + m.synaptic_events, 0),
    learning_updates: ms.reduce((s, m) => s + m.learning_updates, 0),
    spikes: ms.reduce((s, m) => s + m.spikes, 0),
    energy_pj: last.energy_pj_per_sample,
    overflow, ...overflowTotals(overflow), prune, seconds: seconds(),
  };
}

/**
 * For each fraction: start from the trained weights, prune, test; then (relearn > 0) train `relearn` samples
 * of the training split (its stratified first N) for one epoch with pruned synapses held at 0, and test again.
 */
async function pruneStudy(trainer: Trainer, o: SweepOptions, protocol: TrainProtocol, learning: LearningEngineFactory): Promise<PruneResult[]> {
  const trained = trainer.weights();
  const restore = () => trainer.emulator.cores.forEach((rt, c) => rt.weights.set(trained[c]!));
  const out: PruneResult[] = [];
  for (const fraction of o.prune) {
    restore();
    const { mask, stats } = prunePlastic(trainer.ir, trainer.emulator.cores, fraction);
    const pruned = await trainer.evaluate();
    let relearned: number | null = null;
    if (o.relearn > 0) {
      const p: TrainProtocol = { ...protocol, epochs: 1, trainSamples: o.relearn };
      const data = loadData(p.data, o.relearn, protocol.testSamples);
      const again = new Trainer(trainer.ir, { protocol: p, data, seed: trainer.seed, learning: maskedEngine(learning, mask) });
      again.emulator.cores.forEach((rt, c) => rt.weights.set(trainer.emulator.cores[c]!.weights));
      await again.run();
      relearned = again.metrics[0]!.test_accuracy;
    }
    out.push({
      fraction, pruned: stats.pruned, plastic: stats.total,
      accuracy_pruned: pruned!.correct / pruned!.n, accuracy_relearned: relearned,
    });
  }
  restore();
  return out;
}
