/**
 * The float64 reference simulator: a checked `Network` (compiler/model.ts) simulated on the same time grid and in
 * the same per-step order as the emulator, with no quantization. One `step()` computes step t = previous + 1:
 *   1. sources     spike lists, Poisson (data and fixed-rate), escape-noise and label sources emit the spikes of t;
 *   2. integrate   every neuron population, in declaration order, reads the input that arrives at t from its delay
 *                  ring and updates exactly as the header of compiler/model.ts states: states in declaration order
 *                  (x ← rest + α(x − rest) + Σw, then + integrated states, + bias for the membrane), clamps,
 *                  refractory hold, strict threshold, reset;
 *   3. route       every spike of t goes through its projections' CSR rows into the ring slot of t + 1 + delay
 *                  (blank-out drawn per synaptic event);
 *   4. learn       float learning rules (reference/learning.ts) see the spikes and state of t.
 *
 * Same synapses: weights come from compiler/network/connectivity.ts (`materialize`), the function the compiler
 * quantizes. Same inputs: Poisson and label sources draw from the emulator's counter-based PRNG with the
 * emulator's keys — `draw(seed, t, SOURCE_CORE + s, i, STREAM_POISSON | STREAM_LABEL)` against an integer
 * threshold — so with the same thresholds (copy them from the IR with `setSourceThresholds`) both simulators see
 * identical input spike trains. The default threshold of a rate r is `bernoulliThreshold(r·dt)`.
 *
 * Noise `poisson into v rate R amplitude A` is the emulator's: one Bernoulli draw per neuron and step against
 * bernoulliThreshold(R·dt) (at most one event of A per step), added to the state's input of that step. With
 * `compartments` (from `compartmentKeys(ir)`) the draw is keyed like the emulator's `cuba` kernel, (seed, t, core,
 * compartment, STREAM_NOISE), so both sides see the same noise events.
 *
 * DIFFERS FROM THE EMULATOR (by construction): blank-out draws are keyed by (seed, t, BLANKOUT_KEY + projection
 * index, synapse index within the projection) because the float side has no cores; without `compartments`,
 * noise is keyed by (seed, t, NOISE_KEY + population index, neuron); Gaussian noise exists on the float side
 * only. Compare fixed vs float with p_transmit = 1 (and `compartments` when there is noise) for identical input.
 */
import type { Network, NeuronModel, Population, Projection } from '../compiler/model.js';
import type { DendriteIr } from '../ir/types.js';
import { materialize, type SynapseTable } from '../compiler/network/connectivity.js';
import {
  ALWAYS,
  bernoulliThreshold,
  draw,
  SOURCE_CORE,
  STREAM_BLANKOUT,
  STREAM_LABEL,
  STREAM_NOISE,
  STREAM_POISSON,
} from '../emulator/prng.js';
import { initialStateValues } from './initial-state.js';
import { PlasticProjection, type LearningClock } from './learning.js';
import type { NeuronPopulationState, PopulationState, ProjectionState, SourcePopulationState } from './runtime.js';

/** Core-key ranges of the float side's own draws (disjoint from real cores and from SOURCE_CORE + s). */
export const BLANKOUT_KEY = 0x50000000;
export const NOISE_KEY = 0x60000000;

export interface FloatSimOptions {
  /** PRNG seed (uint32); defaults to the network's seed. */
  readonly seed?: number;
  /**
   * Source population names in the order of the emulator's `ir.sources` (the index s of the PRNG key). Default:
   * source populations in declaration order.
   */
  readonly sourceOrder?: readonly string[];
  /** Connectivity of `from_file` projections, by projection name. */
  readonly external?: (p: Projection) => SynapseTable | undefined;
  /** Run the learning rules (default true). */
  readonly learning?: boolean;
  /** Probability → integer threshold for rates set in Hz (default `bernoulliThreshold`, the emulator's). */
  readonly threshold?: (p: number) => number;
  /**
   * Where each neuron of a population lives in an IR (`compartmentKeys(ir)`): noise draws then use the emulator's
   * key (core, core-local compartment) instead of the float side's own.
   */
  readonly compartments?: ReadonlyMap<string, CompartmentKeys>;
}

/** Per neuron of a population: its core and core-local compartment index in an IR. */
export interface CompartmentKeys {
  readonly core: Int32Array;
  readonly index: Int32Array;
}

/** The (core, compartment) of every neuron of every compartment population of an IR (sources are left out). */
export function compartmentKeys(ir: DendriteIr): Map<string, CompartmentKeys> {
  const out = new Map<string, CompartmentKeys>();
  for (const p of ir.populations) {
    if (p.placement.some((pl) => pl.kind === 'source')) continue;
    const core = new Int32Array(p.size);
    const index = new Int32Array(p.size);
    let k = 0;
    for (const pl of p.placement) {
      if (pl.kind !== 'group') continue;
      const g = ir.cores[pl.core]!.groups[pl.group]!;
      for (let j = 0; j < pl.count; j++, k++) {
        core[k] = pl.core;
        index[k] = g.first + pl.offset + j;
      }
    }
    out.set(p.name, { core, index });
  }
  return out;
}

function reluctantRound(x: number): number {
  return Math.max(0, Math.round(x));
}

export class FloatSimulator {
  readonly network: Network;
  readonly seed: number;
  readonly dt: number;
  /** The last completed step (0 before the first step). */
  t = 0;
  readonly populations: readonly PopulationState[];
  readonly projections: readonly ProjectionState[];
  private readonly byName: ReadonlyMap<string, PopulationState>;
  private readonly projByName: ReadonlyMap<string, ProjectionState>;
  private readonly neurons: readonly NeuronPopulationState[];
  private readonly sources: readonly SourcePopulationState[];
  private readonly plastic: readonly PlasticProjection[];
  private readonly ringSlots: number;
  private readonly clock: LearningClock;
  private readonly signalOverride: (number | null)[];
  private readonly toThreshold: (p: number) => number;
  private readonly compartments: ReadonlyMap<string, CompartmentKeys> | undefined;
  /** Step after which the current sample started (time since sample start = (t − sampleStart − 1)·dt). */
  private sampleStart = 0;

  constructor(network: Network, options: FloatSimOptions = {}) {
    this.network = network;
    this.seed = (options.seed ?? network.seed) >>> 0;
    this.dt = network.dt;
    this.toThreshold = options.threshold ?? bernoulliThreshold;
    this.compartments = options.compartments;
    const dt = network.dt;
    let maxDelay = 0;
    for (const p of network.projections) maxDelay = Math.max(maxDelay, reluctantRound(p.delay / dt));
    this.ringSlots = maxDelay + 1;

    const sourceNames = options.sourceOrder ?? network.populations.filter((p) => p.source).map((p) => p.name);
    let base = 0;
    const pops: PopulationState[] = network.populations.map((pop, index) => {
      const b = base;
      base += pop.size;
      if (pop.neuron) return this.neuronState(pop, pop.neuron, index, b);
      const si = sourceNames.indexOf(pop.name);
      return this.sourceState(pop, index, b, si < 0 ? sourceNames.length + index : si);
    });
    this.populations = pops;
    this.byName = new Map(pops.map((p) => [p.pop.name, p]));
    this.neurons = pops.filter((p): p is NeuronPopulationState => p.kind === 'neuron');
    this.sources = pops.filter((p): p is SourcePopulationState => p.kind === 'source');

    // The very same synapses the compiler quantizes.
    const tables = new Map<string, SynapseTable>();
    for (const p of network.projections) {
      const pre = this.byName.get(p.pre)!;
      const post = this.byName.get(p.post)!;
      tables.set(p.name, materialize(p, pre.size, post.size, options.external?.(p)));
    }
    this.projections = network.projections.map((p, index) => {
      const post = this.byName.get(p.post);
      if (!post || post.kind !== 'neuron') throw new Error(`internal: projection ${p.name} targets a non-neuron population`);
      const port = post.model.ports.find((q) => q.name === p.port);
      const target = post.stateIndex.get(port ? port.target : post.model.membrane);
      if (target === undefined) throw new Error(`internal: port ${p.port} of ${p.post} has no target state`);
      const table = tables.get(p.name)!;
      return {
        index,
        projection: p,
        pre: this.byName.get(p.pre)!,
        post,
        table,
        weight: table.weight.slice(),
        delaySteps: reluctantRound(p.delay / dt),
        targetState: target,
        transmitThreshold: bernoulliThreshold(p.pTransmit),
      };
    });
    this.projByName = new Map(this.projections.map((p) => [p.projection.name, p]));

    this.clock = { t: 0, sampleStep: 0, signals: new Float64Array(network.signals.length) };
    this.signalOverride = network.signals.map(() => null);
    const rules = new Map(network.rules.map((r) => [r.name, r]));
    this.plastic =
      options.learning === false
        ? []
        : this.projections.flatMap((ps) => {
            const rule = ps.projection.rule === null ? undefined : rules.get(ps.projection.rule);
            return rule ? [new PlasticProjection(ps, rule, this.clock, network)] : [];
          });
  }

  private neuronState(pop: Population, m: NeuronModel, index: number, base: number): NeuronPopulationState {
    const n = pop.size;
    const nS = m.states.length;
    const stateIndex = new Map(m.states.map((s, i) => [s.name, i]));
    const membrane = stateIndex.get(m.membrane) ?? -1;
    const restV = membrane >= 0 ? m.states[membrane]!.rest : 0;
    return {
      kind: 'neuron',
      index,
      pop,
      size: n,
      base,
      model: m,
      stateNames: m.states.map((s) => s.name),
      stateIndex,
      states: m.states.map((s) => initialStateValues(this.network, pop, s)),
      alpha: Float64Array.from(m.states, (s) => (s.tau === null || !(s.tau > 0) ? 1 : Math.exp(-this.network.dt / s.tau))),
      rest: Float64Array.from(m.states, (s) => s.rest),
      floor: Float64Array.from(m.states, (s) => s.floor ?? -Infinity),
      ceiling: Float64Array.from(m.states, (s) => s.ceiling ?? Infinity),
      integrates: m.states.map((s) => Int32Array.from(s.integrates.map((x) => stateIndex.get(x) ?? -1).filter((i) => i >= 0))),
      membrane,
      holdValue: m.reset.kind === 'value' ? m.reset.value : restV,
      refSteps: reluctantRound(m.refractory / this.network.dt),
      ref: new Int32Array(n),
      ring: new Float64Array(this.ringSlots * nS * n),
      spiked: new Uint8Array(n),
      spikes: new Int32Array(n),
      spikeCount: 0,
    };
  }

  private sourceState(pop: Population, index: number, base: number, sourceIndex: number): SourcePopulationState {
    const src = pop.source!;
    const n = pop.size;
    const dt = this.network.dt;
    const threshold = new Float64Array(n);
    let refSteps = 0;
    let labelThreshold = 0;
    switch (src.kind) {
      case 'poisson':
        // A rate encoder is silent until the host sets its rates (as the lowering's IR source starts at 0).
        refSteps = reluctantRound(src.refractory / dt);
        break;
      case 'poisson_fixed':
        threshold.fill(this.toThreshold(src.rate * dt));
        break;
      case 'escape_noise':
        // Silent until the host sets per-unit rates (setSourceRates with the escape-noise hazard).
        refSteps = reluctantRound(src.refractory / dt);
        break;
      case 'labels':
        labelThreshold = this.toThreshold(src.rate * dt);
        break;
      case 'spike_file':
        break;
    }
    return {
      kind: 'source',
      index,
      pop,
      size: n,
      base,
      model: src,
      sourceIndex,
      threshold,
      refSteps,
      ref: new Int32Array(n),
      label: -1,
      labelThreshold,
      listSteps: new Int32Array(0),
      listIndices: new Int32Array(0),
      cursor: 0,
      spiked: new Uint8Array(n),
      spikes: new Int32Array(n),
      spikeCount: 0,
    };
  }

  // -------------------------------------------------------------------------------------------------------
  // Host interface

  population(name: string): PopulationState {
    const p = this.byName.get(name);
    if (!p) throw new Error(`no population named ${name}`);
    return p;
  }

  private source(name: string): SourcePopulationState {
    const p = this.population(name);
    if (p.kind !== 'source') throw new Error(`population ${name} is not a source`);
    return p;
  }

  /** A state variable of a neuron population (the live array, updated in place every step). */
  state(population: string, variable: string): Float64Array {
    const p = this.population(population);
    const k = p.kind === 'neuron' ? p.stateIndex.get(variable) : undefined;
    if (p.kind !== 'neuron' || k === undefined) throw new Error(`population ${population} has no state ${variable}`);
    return p.states[k]!;
  }

  /** Local indices of the neurons of `population` that spiked at the last step. */
  spikesOf(population: string): Int32Array {
    const p = this.population(population);
    return p.spikes.subarray(0, p.spikeCount);
  }

  /** The live float weights of a projection (synapse order of `materialize`). */
  weights(projection: string): Float64Array {
    const p = this.projByName.get(projection);
    if (!p) throw new Error(`no projection named ${projection}`);
    return p.weight;
  }

  /** Synapse table of a projection (rowPtr/post; weights there are the initial ones). */
  table(projection: string): SynapseTable {
    const p = this.projByName.get(projection);
    if (!p) throw new Error(`no projection named ${projection}`);
    return p.table;
  }

  /** Values of a trace of a plastic projection. */
  trace(projection: string, trace: string): Float64Array {
    const pp = this.plastic.find((x) => x.ps.projection.name === projection);
    const k = pp ? pp.rule.traces.findIndex((t) => t.name === trace) : -1;
    if (!pp || k < 0) throw new Error(`projection ${projection} has no trace ${trace}`);
    return pp.traces[k]!.values;
  }

  /** Sets per-unit rates in Hz of a Poisson-like source (thresholds = threshold(rate·dt)). */
  setSourceRates(population: string, ratesHz: ArrayLike<number>): void {
    const s = this.source(population);
    for (let i = 0; i < s.size; i++) s.threshold[i] = this.toThreshold(ratesHz[i]! * this.dt);
  }

  /** Sets per-unit integer thresholds (0..2^32) directly — copy them from the IR for identical inputs. */
  setSourceThresholds(population: string, thresholds: ArrayLike<number>): void {
    const s = this.source(population);
    for (let i = 0; i < s.size; i++) s.threshold[i] = thresholds[i]!;
  }

  /** Sets the per-step threshold of a label source's active unit (0..2^32). */
  setLabelThreshold(population: string, threshold: number): void {
    this.source(population).labelThreshold = threshold;
  }

  /** Selects the active label (−1 = silent) of a label source. */
  setLabel(population: string, label: number): void {
    this.source(population).label = label;
  }

  /** Replaces the spike list of a source (steps ≥ 1 non-decreasing, local indices). */
  setSpikeList(population: string, steps: Int32Array, indices: Int32Array): void {
    const s = this.source(population);
    s.listSteps = steps;
    s.listIndices = indices;
    s.cursor = 0;
  }

  /** Epoch (0-based) that `per_epoch(…)` signals read; the host sets it as the chip's host rewrites registers. */
  private epoch = 0;

  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epoch ${epoch} is not a non-negative integer`);
    this.epoch = epoch;
  }

  /** A signal's value at the last step (undefined if no signal has that name). */
  signal(name: string): number | undefined {
    const i = this.network.signals.findIndex((s) => s.name === name);
    return i < 0 ? undefined : this.clock.signals[i];
  }

  /** Forces a signal to a value (null: back to its declared schedule). */
  setSignal(name: string, value: number | null): void {
    const i = this.network.signals.findIndex((s) => s.name === name);
    if (i < 0) throw new Error(`no signal named ${name}`);
    this.signalOverride[i] = value;
  }

  /** Starts a new sample presentation: the next step has time 0 for gates and schedules. */
  startSample(): void {
    this.sampleStart = this.t;
  }

  /** Resets neuron states to their initial values and clears pending input and refractory counters. */
  resetState(): void {
    for (const p of this.neurons) {
      p.model.states.forEach((s, i) => p.states[i]!.set(initialStateValues(this.network, p.pop, s)));
      p.ref.fill(0);
      p.ring.fill(0);
    }
    for (const s of this.sources) s.ref.fill(0);
  }

  // -------------------------------------------------------------------------------------------------------
  // Step loop

  run(steps: number, onStep?: (sim: FloatSimulator) => void): void {
    for (let s = 0; s < steps; s++) {
      this.step();
      onStep?.(this);
    }
  }

  step(): void {
    const t = ++this.t;
    for (const p of this.populations) {
      for (let k = 0; k < p.spikeCount; k++) p.spiked[p.spikes[k]!] = 0;
      p.spikeCount = 0;
    }
    for (const s of this.sources) this.runSource(s, t);
    for (const p of this.neurons) this.integrate(p, t);
    for (const ps of this.projections) this.route(ps, t);
    if (this.plastic.length > 0) {
      this.updateClock(t);
      for (const pp of this.plastic) {
        pp.updateTraces();
        pp.runEvents();
      }
    }
  }

  private updateClock(t: number): void {
    const c = this.clock;
    c.t = t;
    c.sampleStep = t - this.sampleStart - 1;
    const time = c.sampleStep * this.dt;
    this.network.signals.forEach((s, i) => {
      const o = this.signalOverride[i];
      if (o !== null && o !== undefined) c.signals[i] = o;
      else if (s.kind === 'constant') c.signals[i] = s.value;
      else if (s.kind === 'per_epoch') c.signals[i] = s.values[Math.min(this.epoch, s.values.length - 1)]!;
      else {
        // Half-step tolerance so that segment edges given in seconds land on whole steps.
        const eps = this.dt * 1e-6;
        const seg = s.segments.find((g) => time + eps >= g.from && time + eps < g.to);
        c.signals[i] = seg ? seg.value : s.otherwise;
      }
    });
  }

  private emit(p: PopulationState, i: number): void {
    p.spikes[p.spikeCount++] = i;
    p.spiked[i] = 1;
  }

  private runSource(s: SourcePopulationState, t: number): void {
    const seed = this.seed;
    const key = SOURCE_CORE + s.sourceIndex;
    switch (s.model.kind) {
      case 'spike_file': {
        const st = s.listSteps;
        while (s.cursor < st.length && st[s.cursor]! < t) s.cursor++;
        while (s.cursor < st.length && st[s.cursor] === t) {
          const i = s.listIndices[s.cursor++]!;
          if (i >= 0 && i < s.size && s.spiked[i] === 0) this.emit(s, i);
        }
        // Spike lists are sorted by step then index; keep the emitted list ascending regardless.
        if (s.spikeCount > 1) s.spikes.subarray(0, s.spikeCount).sort();
        return;
      }
      case 'labels': {
        const l = s.label;
        if (l < 0 || l >= s.size) return;
        if (s.model.regular) {
          // Regular spiking at the mean rate: a spike whenever ⌊t·r·dt⌋ increments.
          const p = s.model.rate * this.dt;
          if (p >= 1 || Math.floor(t * p) > Math.floor((t - 1) * p)) this.emit(s, l);
          return;
        }
        const thr = s.labelThreshold;
        if (thr >= ALWAYS || (thr > 0 && draw(seed, t, key, l, STREAM_LABEL) < thr)) this.emit(s, l);
        return;
      }
      default: {
        const { threshold, ref } = s;
        for (let i = 0; i < s.size; i++) {
          if (ref[i]! > 0) {
            ref[i]!--;
            continue;
          }
          const thr = threshold[i]!;
          if (thr > 0 && (thr >= ALWAYS || draw(seed, t, key, i, STREAM_POISSON) < thr)) {
            this.emit(s, i);
            ref[i] = s.refSteps;
          }
        }
      }
    }
  }

  private integrate(p: NeuronPopulationState, t: number): void {
    const n = p.size;
    const nS = p.states.length;
    const slotBase = (t % this.ringSlots) * nS * n;
    const ring = p.ring;
    this.addNoise(p, t, slotBase);
    const { states, alpha, rest, floor, ceiling, integrates, membrane } = p;
    const bias = p.model.bias;
    // States that integrate others go second, so they add the freshly updated values whatever the declaration
    // order (compiler/model.ts; integration does not chain, so two passes suffice).
    for (let pass = 0; pass < 2; pass++) {
      for (let s = 0; s < nS; s++) {
        const integ = integrates[s]!;
        if ((integ.length > 0 ? 1 : 0) !== pass) continue;
        const x = states[s]!;
        const a = alpha[s]!;
        const r = rest[s]!;
        const lo = floor[s]!;
        const hi = ceiling[s]!;
        const b = s === membrane ? bias : 0;
        const off = slotBase + s * n;
        for (let k = 0; k < n; k++) {
          let v = r + a * (x[k]! - r) + ring[off + k]!;
          ring[off + k] = 0;
          for (let q = 0; q < integ.length; q++) v += states[integ[q]!]![k]!;
          v += b;
          x[k] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
    if (membrane < 0) return;
    const v = states[membrane]!;
    const ref = p.ref;
    const m = p.model;
    const theta = m.threshold;
    const hold = p.holdValue;
    const spiking = m.spiking;
    for (let k = 0; k < n; k++) {
      if (ref[k]! > 0) {
        v[k] = hold;
        ref[k]!--;
      } else if (spiking && v[k]! > theta) {
        this.emit(p, k);
        if (m.reset.kind === 'value') v[k] = m.reset.value;
        else if (m.reset.kind === 'subtract') v[k]! -= theta;
        ref[k] = p.refSteps;
      }
    }
  }

  /** Compartment noise, added to the target state's input of this step (see the file comment for its key). */
  private addNoise(p: NeuronPopulationState, t: number, slotBase: number): void {
    const noise = p.model.noise;
    if (!noise) return;
    const s = p.stateIndex.get(noise.target);
    if (s === undefined) return;
    const n = p.size;
    const off = slotBase + s * n;
    const key = NOISE_KEY + p.index;
    if (noise.kind === 'poisson') {
      const thr = this.toThreshold(noise.rate * this.dt);
      if (thr === 0) return;
      const at = this.compartments?.get(p.pop.name);
      for (let k = 0; k < n; k++) {
        const u = thr >= ALWAYS ? 0 : at ? draw(this.seed, t, at.core[k]!, at.index[k]!, STREAM_NOISE) : draw(this.seed, t, key, k, STREAM_NOISE);
        if (u < thr) p.ring[off + k]! += noise.amplitude;
      }
    } else {
      for (let k = 0; k < n; k++) {
        const u1 = (draw(this.seed, t, key, 2 * k, STREAM_NOISE) + 1) / 4294967296; // (0, 1]
        const u2 = draw(this.seed, t, key, 2 * k + 1, STREAM_NOISE) / 4294967296;
        p.ring[off + k]! += noise.std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      }
    }
  }

  private route(ps: ProjectionState, t: number): void {
    const pre = ps.pre;
    if (pre.spikeCount === 0) return;
    const post = ps.post;
    const n = post.size;
    const base = (((t + 1 + ps.delaySteps) % this.ringSlots) * post.states.length + ps.targetState) * n;
    const ring = post.ring;
    const { rowPtr, post: target } = ps.table;
    const w = ps.weight;
    const thr = ps.transmitThreshold;
    const key = BLANKOUT_KEY + ps.index;
    const seed = this.seed;
    for (let s = 0; s < pre.spikeCount; s++) {
      const j = pre.spikes[s]!;
      for (let r = rowPtr[j]!; r < rowPtr[j + 1]!; r++) {
        if (thr < ALWAYS && !(thr > 0 && draw(seed, t, key, r, STREAM_BLANKOUT) < thr)) continue;
        ring[base + target[r]!]! += w[r]!;
      }
    }
  }
}
