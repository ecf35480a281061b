/**
 * `runIr(ir, options) → RunSummary`: the one entry point that runs an IR for N steps, records probes, and
 * summarises spikes (with an order-defined SHA-256 digest), counters, cycles and energy. The CLI's `run` verb
 * and the lead's `.snn` pipeline both call it.
 */
import { createHash } from 'node:crypto';
import type { DendriteIr, Probe } from '../ir/types.js';
import { Emulator } from './emulator.js';
import { ParallelEmulator } from './parallel/parallel-emulator.js';
import type { LearningEngine } from './learning-engine.js';
import { Recorder, writeProbes } from './probes.js';
import type { OverflowCount } from './state.js';
import { toolVersion } from '../compiler/paths.js';

export interface RunOptions {
  /** Steps to run (default: the IR's `steps`). */
  readonly steps?: number;
  /** PRNG seed (default: the IR's seed). */
  readonly seed?: number;
  /** Probe names to record (default: all of the IR's probes). */
  readonly probes?: readonly string[];
  /** Directory for probe CSV/JSON and the manifest; nothing is written when absent. */
  readonly outDir?: string;
  readonly learning?: LearningEngine | null;
  /** Resolved settings to record in the manifest (e.g. CLI flags, --set overrides). */
  readonly settings?: Record<string, unknown>;
  /**
   * Threads stepping the cores (main thread included; emulator/parallel/). Absent: the single-thread reference
   * emulator. Results are identical either way.
   */
  readonly workers?: number;
  /** Called after every step (e.g. for a progress bar or a host protocol). */
  readonly onStep?: (emu: Emulator) => void;
  /**
   * Weights never change during the run (`EmulatorOptions.fixedWeights`: delivery reads its own sequential copy).
   * Default: true when there is no learning engine and no `onStep` (nothing else can write a weight), else false.
   */
  readonly fixedWeights?: boolean;
}

/** Totals over all cores (and per core) of the emulator's counters. */
export interface CounterSummary {
  synaptic_events: number;
  blanked_out: number;
  compartment_updates: number;
  learning_updates: number;
  spikes: number;
  source_spikes: number;
  hops: number;
  overflow: Record<string, OverflowCount>;
}

export interface RunSummary {
  readonly target: string;
  readonly steps: number;
  readonly seed: number;
  readonly spikes_total: number;
  /** SHA-256 (hex) over the spikes in (step, neuron id) order, each as two little-endian int32. */
  readonly spike_digest: string;
  readonly counters: CounterSummary;
  readonly per_core: (Omit<CounterSummary, 'source_spikes'> & { cycles: number })[];
  /** Estimated cycles: Σ over steps of the slowest core's cycles. */
  readonly cycles: number;
  /** Estimated energy in picojoules. */
  readonly energy_pj: number;
  /** Spike counts per population (named results). */
  readonly population_spikes: Record<string, number>;
  /** Files written to outDir, if any. */
  readonly files: string[];
  /** The recorder, for callers that want probe data in memory (not serialised by --json). */
  readonly recorder?: Recorder;
}

export function runIr(ir: DendriteIr, options: RunOptions = {}): RunSummary {
  const steps = options.steps ?? ir.steps;
  const learning = options.learning ?? null;
  const fixedWeights = options.fixedWeights ?? (learning === null && options.onStep === undefined);
  const emu = options.workers !== undefined
    ? new ParallelEmulator(ir, { seed: options.seed, learning, workers: options.workers, fixedWeights })
    : new Emulator(ir, { seed: options.seed, learning, fixedWeights });
  const wanted = options.probes;
  const probes: Probe[] = wanted ? ir.probes.filter((p) => wanted.includes(p.name)) : [...ir.probes];
  const rec = new Recorder(ir, probes);
  const hash = createHash('sha256');
  const popOf = new Int32Array(ir.neuronCount).fill(-1);
  ir.populations.forEach((p, i) => popOf.fill(i, p.neuronBase, p.neuronBase + p.size));
  const popCounts = new Float64Array(ir.populations.length);
  let buf = Buffer.alloc(8 * 64);
  let total = 0;
  try {
    const afterStep = (): void => {
      const n = emu.spikeCount;
      if (n > 0) {
        if (buf.length < 8 * n) buf = Buffer.alloc(8 * n * 2);
        for (let k = 0; k < n; k++) {
          const id = emu.spikes[k]!;
          buf.writeInt32LE(emu.t, 8 * k);
          buf.writeInt32LE(id, 8 * k + 4);
          const p = popOf[id]!;
          if (p >= 0) popCounts[p]!++;
        }
        hash.update(buf.subarray(0, 8 * n));
        total += n;
      }
      rec.record(emu);
      options.onStep?.(emu);
    };
    // A pipelined parallel run when the host reads only spikes (and fixed weights) between steps: no learning,
    // no state probes, no caller hook that could read or write state (ParallelEmulator.run).
    if (emu instanceof ParallelEmulator && learning === null && options.onStep === undefined && probes.every((p) => p.kind !== 'state')) {
      emu.run(steps, afterStep);
    } else {
      for (let s = 0; s < steps; s++) {
        emu.step();
        afterStep();
      }
    }
  } finally {
    if (emu instanceof ParallelEmulator) emu.close();
  }
  const perCore = emu.cores.map((rt) => {
    const c = rt.counters;
    return {
      synaptic_events: c.synapticEvents, blanked_out: c.blankedOut, compartment_updates: c.compartmentUpdates,
      learning_updates: c.learningUpdates, spikes: c.spikes, hops: c.hops, overflow: structuredClone(c.overflow), cycles: c.cycles,
    };
  });
  const overflow: Record<string, OverflowCount> = {};
  for (const c of perCore) {
    for (const [k, v] of Object.entries(c.overflow)) {
      const o = (overflow[k] ??= { wrap: 0, saturate: 0 });
      o.wrap += v.wrap;
      o.saturate += v.saturate;
    }
  }
  const sum = (f: (c: (typeof perCore)[number]) => number) => perCore.reduce((s, c) => s + f(c), 0);
  const counters: CounterSummary = {
    synaptic_events: sum((c) => c.synaptic_events), blanked_out: sum((c) => c.blanked_out),
    compartment_updates: sum((c) => c.compartment_updates), learning_updates: sum((c) => c.learning_updates),
    spikes: sum((c) => c.spikes), source_spikes: emu.sourceSpikes, hops: sum((c) => c.hops), overflow,
  };
  const population_spikes: Record<string, number> = {};
  ir.populations.forEach((p, i) => (population_spikes[p.name] = popCounts[i]!));
  let files: string[] = [];
  if (options.outDir !== undefined) {
    files = writeProbes(options.outDir, rec, {
      tool: 'dendrite', version: toolVersion(), target: ir.target.name, seed: emu.seed, steps,
      settings: { ...(options.settings ?? {}), probes: probes.map((p) => p.name) },
    });
  }
  return {
    target: ir.target.name, steps, seed: emu.seed, spikes_total: total, spike_digest: hash.digest('hex'), counters,
    per_core: perCore, cycles: emu.totalCycles, energy_pj: emu.energyPj(), population_spikes, files, recorder: rec,
  };
}
