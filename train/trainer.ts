/**
 * The training harness: presents a data set to a compiled network on the emulator, with on-chip learning, and
 * evaluates it.
 *
 * Per epoch e (0-based):
 *   order   the training split's indices 0..n−1, shuffled (unless `shuffle: false`) by mulberry32(orderSeed(seed, e));
 *   train   for each sample in order: [reset states if reset_between] → set the input source's Poisson thresholds
 *           from the pixels, set the label source to the sample's class, tell the learning engine the sample starts
 *           at step t+1 → `present` steps (readout spikes counted) → inputs and label silent → `settle` steps;
 *           train prediction = argmax of the readout counts over the presentation;
 *   test    on a second emulator without learning and with the current weights: for test sample k, every state is
 *           reset, the step counter is set to k·presentTest (so sample k's random draws depend on k alone, not on
 *           what ran before), labels are silent, `presentTest` steps; prediction = argmax of readout counts.
 * Argmax: the readout neuron with the most spikes; ties go to the lowest index; a readout that stays silent for
 * the whole presentation predicts nothing and counts as wrong.
 *
 * The trainer's mutable state is (emulator state, learning-engine state, epoch, position in the epoch, the epoch's
 * order, the epoch's running tallies, past epochs' metrics): exactly what a `Checkpoint` holds, so a run resumed
 * from a checkpoint continues bit-identically (wall-clock fields excepted).
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { imageAt, type Dataset, type DatasetSplit } from '../data/dataset.js';
import { EscapeNoiseEncoder, PoissonEncoder } from '../data/encoders.js';
import { mulberry32, shuffleInPlace } from '../data/prng.js';
import { Emulator } from '../emulator/emulator.js';
import type { DendriteIr } from '../ir/types.js';
import { writeIr } from '../ir/write.js';
import { LearningStateMismatch } from '../emulator/learning/engine.js';
import { asHosted, type HostedLearningEngine, type LearningEngineFactory } from './host-engine.js';
import { checkProtocol, inputSource, readoutRange, type ReadoutRange, type TrainProtocol } from './protocol.js';
import {
  copyWeights, decodeValue, encodeValue, resetDynamics, restoreEmulator, snapshotEmulator, zeroCounters, type EmulatorSnapshot,
} from './snapshot.js';

export const CHECKPOINT_FORMAT = 'dendrite-checkpoint/1' as const;

export interface TrainOptions {
  readonly protocol: TrainProtocol;
  /** The data, already cut to the protocol's sample counts. */
  readonly data: DatasetSplit;
  /** Emulator PRNG seed and shuffle seed (default: the IR's seed). */
  readonly seed?: number;
  /** Shuffle the training order every epoch (default true). */
  readonly shuffle?: boolean;
  readonly learning?: LearningEngineFactory;
  /** Write a checkpoint after every N training samples (counted over the whole run); 0/undefined = only per epoch. */
  readonly checkpointEvery?: number;
  /** Receives every checkpoint (the CLI writes it atomically to disk). */
  readonly onCheckpoint?: (c: Checkpoint, why: CheckpointReason) => void;
  readonly onSample?: (p: SampleProgress) => void;
  readonly onEpoch?: (m: EpochMetrics) => void;
  /** Called after each test sample (progress). */
  readonly onTestSample?: (done: number, total: number) => void;
}

export type CheckpointReason = 'every' | 'epoch' | 'interrupt';

export interface SampleProgress {
  readonly epoch: number; // 1-based
  readonly epochs: number;
  /** Training samples done in this epoch. */
  readonly done: number;
  readonly total: number;
  /** Running training accuracy in this epoch. */
  readonly trainAccuracy: number;
  readonly label: number;
  /** Prediction of the last sample, −1 = silent readout. */
  readonly prediction: number;
}

/** Metrics of one epoch (snake_case: written as-is to metrics.json / metrics.csv). */
export interface EpochMetrics {
  readonly epoch: number; // 1-based
  readonly train_accuracy: number;
  readonly test_accuracy: number;
  readonly train_samples: number;
  readonly test_samples: number;
  /** Emulated steps of the training phase of this epoch. */
  readonly train_steps: number;
  readonly synaptic_events: number;
  readonly learning_updates: number;
  readonly spikes: number;
  readonly energy_pj: number;
  readonly energy_pj_per_sample: number;
  readonly test_synaptic_events: number;
  readonly test_energy_pj_per_sample: number;
  /** Wall-clock: the only fields that differ between a resumed and an uninterrupted run. */
  readonly train_seconds: number;
  readonly test_seconds: number;
  readonly samples_per_s: number;
  readonly ms_per_sample: number;
  /** CPU time (user + system) of the training phase: a load-independent speed measure on shared machines. */
  readonly train_cpu_seconds: number;
}

export const WALL_CLOCK_FIELDS = ['train_seconds', 'test_seconds', 'samples_per_s', 'ms_per_sample', 'train_cpu_seconds'] as const;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface TrainResult {
  readonly status: 'completed' | 'interrupted';
  readonly epochs: readonly EpochMetrics[];
}

/** Running tallies of the epoch in progress. */
interface EpochTally {
  trainCorrect: number;
  trainSeen: number;
  steps: number;
  synapticEvents0: number;
  learningUpdates0: number;
  spikes0: number;
  energy0: number;
  trainSeconds: number;
  trainCpuSeconds: number;
}

/** Everything needed to continue a run exactly (see the file comment). */
export interface Checkpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** SHA-256 of the IR (ir/write.ts text) and of the data (pixels, labels): resume refuses anything else. */
  readonly irDigest: string;
  readonly dataDigest: string;
  readonly protocol: TrainProtocol;
  readonly seed: number;
  readonly shuffle: boolean;
  /** Epoch in progress (0-based) and the number of its training samples already presented. */
  readonly epoch: number;
  readonly next: number;
  /** The epoch's sample order (null before the epoch has started). */
  readonly order: Int32Array | null;
  readonly tally: EpochTally;
  readonly history: readonly EpochMetrics[];
  readonly emulator: EmulatorSnapshot;
  /** The learning engine's `saveState()`, or null (no engine, or one that cannot save). */
  readonly learning: unknown;
  readonly learningSaved: boolean;
}

export function irDigest(ir: DendriteIr): string {
  return createHash('sha256').update(writeIr(ir)).digest('hex');
}

export function dataDigest(d: DatasetSplit): string {
  const h = createHash('sha256');
  for (const ds of [d.train, d.test]) {
    h.update(`${ds.n}x${ds.width}x${ds.height}/${ds.classes};`);
    h.update(Buffer.from(ds.images.buffer, ds.images.byteOffset, ds.images.byteLength));
    h.update(Buffer.from(ds.labels.buffer, ds.labels.byteOffset, ds.labels.byteLength));
  }
  return h.digest('hex');
}

/** Seed of epoch e's shuffle: the run seed mixed with the epoch number (golden-ratio increment). */
export function orderSeed(seed: number, epoch: number): number {
  return (seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
}

export function epochOrder(n: number, seed: number, epoch: number, shuffle: boolean): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (shuffle) shuffleInPlace(order, mulberry32(orderSeed(seed, epoch)));
  return order;
}

/** argmax with ties → lowest index; −1 when every count is 0 (a silent readout predicts nothing). */
export function argmaxCounts(counts: ArrayLike<number>): number {
  let best = -1;
  let max = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! > max) {
      max = counts[i]!;
      best = i;
    }
  }
  return best;
}

/** Turns images into the input source's per-neuron Poisson thresholds. */
interface ThresholdEncoder {
  thresholds(image: Float32Array): Float64Array;
}

function makeEncoder(p: TrainProtocol, size: number, dt: number): ThresholdEncoder {
  const e = p.encoding;
  if (e.kind === 'poisson') {
    const enc = new PoissonEncoder(size, { rateMaxHz: e.rateMaxHz, dtS: dt });
    return { thresholds: (img) => enc.load(img).thresholds };
  }
  const enc = new EscapeNoiseEncoder(size, { dtS: dt, rho0Hz: e.rho0Hz, beta: e.beta, gamma: e.gamma });
  return { thresholds: (img) => enc.load(img).thresholds };
}

/** A configuration or data problem found before training starts (reported to the user, not a bug). */
export class TrainSetupError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'TrainSetupError';
  }
}

function totals(emu: Emulator): { syn: number; learn: number; spikes: number } {
  let syn = 0;
  let learn = 0;
  let spikes = 0;
  for (const rt of emu.cores) {
    syn += rt.counters.synapticEvents;
    learn += rt.counters.learningUpdates;
    spikes += rt.counters.spikes;
  }
  return { syn, learn, spikes };
}

export class Trainer {
  readonly ir: DendriteIr;
  readonly protocol: TrainProtocol;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly emulator: Emulator;
  readonly engine: HostedLearningEngine | null;
  private readonly options: TrainOptions;
  private readonly train: Dataset;
  private readonly test: Dataset;
  private readonly readout: ReadoutRange;
  private readonly counts: Int32Array;
  private readonly encoder: ThresholdEncoder;
  private readonly silent: Float64Array;
  private readonly initial: EmulatorSnapshot;
  private testEmu: Emulator | null = null;
  private testInitial: EmulatorSnapshot | null = null;
  private readonly irHash: string;
  private readonly dataHash: string;

  private epoch = 0;
  private next = 0;
  private order: Int32Array | null = null;
  private tally: EpochTally;
  private history: EpochMetrics[] = [];
  private stopRequested = false;

  constructor(ir: DendriteIr, options: TrainOptions) {
    this.ir = ir;
    this.options = options;
    this.protocol = options.protocol;
    const problems = checkProtocol(this.protocol, ir);
    const { train, test } = options.data;
    const src = problems.length === 0 ? inputSource(this.protocol, ir) : null;
    if (src !== null) {
      for (const ds of [train, test]) {
        if (ds.width * ds.height !== src.size) {
          problems.push(`the input \`${src.name}\` has ${src.size} neurons but ${ds.name} images have ${ds.width * ds.height} pixels`);
        }
      }
    }
    if (problems.length === 0) {
      const ro = readoutRange(this.protocol, ir);
      if (ro.size < train.classes) problems.push(`the readout \`${this.protocol.readout}\` has ${ro.size} neurons but the data has ${train.classes} classes`);
      const lab = this.protocol.labels === null ? null : ir.sources.find((s) => s.name === this.protocol.labels);
      if (lab && lab.size < train.classes) problems.push(`the label source \`${lab.name}\` has ${lab.size} neurons but the data has ${train.classes} classes`);
    }
    if (train.n < 1 || test.n < 1) problems.push('the training and test sets must each hold at least one sample');
    if (problems.length > 0) throw new TrainSetupError(problems);
    this.train = train;
    this.test = test;
    this.seed = (options.seed ?? ir.seed) >>> 0;
    this.shuffle = options.shuffle ?? true;
    const engine = options.learning?.(ir, this.seed) ?? null;
    this.engine = asHosted(engine);
    this.emulator = new Emulator(ir, { seed: this.seed, learning: engine });
    this.initial = snapshotEmulator(this.emulator);
    this.readout = readoutRange(this.protocol, ir);
    this.counts = new Int32Array(this.readout.size);
    this.encoder = makeEncoder(this.protocol, src!.size, ir.dt);
    this.silent = new Float64Array(src!.size);
    this.irHash = irDigest(ir);
    this.dataHash = dataDigest(options.data);
    this.tally = this.freshTally();
  }

  /** Rebuilds a trainer from a checkpoint; the IR, data and protocol must be the ones it was taken with. */
  static resume(ir: DendriteIr, options: TrainOptions, c: Checkpoint): Trainer {
    if (c.format !== CHECKPOINT_FORMAT) throw new TrainSetupError([`not a ${CHECKPOINT_FORMAT} checkpoint`]);
    const t = new Trainer(ir, { ...options, protocol: c.protocol, seed: c.seed, shuffle: c.shuffle });
    const problems: string[] = [];
    if (t.irHash !== c.irDigest) problems.push('the network (IR) differs from the one the checkpoint was taken with');
    if (t.dataHash !== c.dataDigest) problems.push('the data set differs from the one the checkpoint was taken with');
    if (problems.length) throw new TrainSetupError(problems);
    restoreEmulator(t.emulator, c.emulator);
    if (c.learningSaved) {
      if (t.engine?.loadState === undefined) throw new TrainSetupError(['the checkpoint holds learning-engine state but this engine cannot load it']);
      try {
        t.engine.loadState(c.learning, t.emulator.cores);
      } catch (e) {
        if (e instanceof LearningStateMismatch) throw new TrainSetupError([`damaged checkpoint: ${e.message}`]);
        throw e;
      }
    }
    t.epoch = c.epoch;
    t.next = c.next;
    t.order = c.order === null ? null : c.order.slice();
    t.tally = { ...c.tally };
    t.history = c.history.map((m) => ({ ...m }));
    return t;
  }

  /** Asks the run to stop after the current sample (SIGINT); `run()` then checkpoints and returns 'interrupted'. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** True when the engine cannot save its state, so a resumed run may differ from an uninterrupted one. */
  get resumeIsExact(): boolean {
    return this.engine === null || (this.engine.saveState !== undefined && this.engine.loadState !== undefined);
  }

  /** Training samples per epoch. */
  get trainSize(): number {
    return this.train.n;
  }

  get epochsDone(): number {
    return this.history.length;
  }

  get metrics(): readonly EpochMetrics[] {
    return this.history;
  }

  private freshTally(): EpochTally {
    const c = totals(this.emulator);
    return {
      trainCorrect: 0, trainSeen: 0, steps: 0, synapticEvents0: c.syn, learningUpdates0: c.learn, spikes0: c.spikes,
      energy0: this.emulator.energyPj(), trainSeconds: 0, trainCpuSeconds: 0,
    };
  }

  /** The complete state of the run now (deep copies). */
  checkpoint(): Checkpoint {
    const learningSaved = this.engine?.saveState !== undefined;
    return {
      format: CHECKPOINT_FORMAT, irDigest: this.irHash, dataDigest: this.dataHash, protocol: this.protocol, seed: this.seed,
      shuffle: this.shuffle, epoch: this.epoch, next: this.next, order: this.order?.slice() ?? null, tally: { ...this.tally },
      history: this.history.map((m) => ({ ...m })), emulator: snapshotEmulator(this.emulator),
      learning: learningSaved ? this.engine!.saveState!() : null, learningSaved,
    };
  }

  private emitCheckpoint(why: CheckpointReason): void {
    this.options.onCheckpoint?.(this.checkpoint(), why);
  }

  /**
   * Runs from the current position to the last epoch, or until `requestStop()`. Yields to the event loop after
   * every sample so a SIGINT handler can run (Node delivers signals only between tasks).
   */
  async run(): Promise<TrainResult> {
    const p = this.protocol;
    const every = this.options.checkpointEvery ?? 0;
    const nTrain = this.train.n;
    while (this.epoch < p.epochs) {
      if (this.order === null) {
        this.order = epochOrder(nTrain, this.seed, this.epoch, this.shuffle);
        this.next = 0;
        // Per-epoch registers (`per_epoch(…)` signals, e.g. a learning-rate schedule) change only here, so a run
        // resumed mid-epoch keeps the value saved with the engine's registers.
        this.engine?.setEpoch?.(this.epoch);
        this.tally = this.freshTally();
      }
      let t0 = performance.now();
      let c0 = cpuSeconds();
      const lap = () => {
        this.tally.trainSeconds += (performance.now() - t0) / 1000;
        this.tally.trainCpuSeconds += cpuSeconds() - c0;
      };
      while (this.next < nTrain) {
        if (this.stopRequested) {
          lap();
          this.emitCheckpoint('interrupt');
          return { status: 'interrupted', epochs: this.history };
        }
        const idx = this.order[this.next]!;
        const label = this.train.labels[idx]!;
        const pred = this.trainSample(imageAt(this.train, idx), label);
        this.tally.trainSeen++;
        if (pred === label) this.tally.trainCorrect++;
        this.next++;
        this.options.onSample?.({
          epoch: this.epoch + 1, epochs: p.epochs, done: this.next, total: nTrain,
          trainAccuracy: this.tally.trainCorrect / this.tally.trainSeen, label, prediction: pred,
        });
        if (every > 0 && (this.epoch * nTrain + this.next) % every === 0 && this.next < nTrain) {
          lap();
          this.emitCheckpoint('every');
          t0 = performance.now();
          c0 = cpuSeconds();
        }
        await yieldToEventLoop();
      }
      lap();
      const tt = performance.now();
      const test = await this.evaluate();
      if (test === null) {
        this.emitCheckpoint('interrupt');
        return { status: 'interrupted', epochs: this.history };
      }
      const testSeconds = (performance.now() - tt) / 1000;
      const m = this.epochMetrics(test, testSeconds);
      this.history.push(m);
      this.epoch++;
      this.order = null;
      this.next = 0;
      this.options.onEpoch?.(m);
      this.emitCheckpoint('epoch');
    }
    return { status: 'completed', epochs: this.history };
  }

  private epochMetrics(test: TestResult, testSeconds: number): EpochMetrics {
    const c = totals(this.emulator);
    const t = this.tally;
    const energy = this.emulator.energyPj() - t.energy0;
    const n = t.trainSeen;
    return {
      epoch: this.epoch + 1,
      train_accuracy: n ? t.trainCorrect / n : 0,
      test_accuracy: test.correct / test.n,
      train_samples: n,
      test_samples: test.n,
      train_steps: t.steps,
      synaptic_events: c.syn - t.synapticEvents0,
      learning_updates: c.learn - t.learningUpdates0,
      spikes: c.spikes - t.spikes0,
      energy_pj: energy,
      energy_pj_per_sample: n ? energy / n : 0,
      test_synaptic_events: test.synapticEvents,
      test_energy_pj_per_sample: test.energyPj / test.n,
      train_seconds: t.trainSeconds,
      test_seconds: testSeconds,
      samples_per_s: t.trainSeconds > 0 ? n / t.trainSeconds : 0,
      ms_per_sample: n ? (1000 * t.trainSeconds) / n : 0,
      train_cpu_seconds: t.trainCpuSeconds,
    };
  }

  private countReadout(emu: Emulator): void {
    const { base, size } = this.readout;
    const end = base + size;
    const sp = emu.spikes;
    for (let k = 0; k < emu.spikeCount; k++) {
      const id = sp[k]!;
      if (id >= base && id < end) this.counts[id - base]!++;
    }
  }

  /** Presents one training sample; returns the prediction over the presentation. */
  private trainSample(image: Float32Array, label: number): number {
    const p = this.protocol;
    const emu = this.emulator;
    if (p.resetBetween) {
      resetDynamics(emu, this.initial);
      this.engine?.resetState?.();
    }
    emu.setSourceRates(p.input, this.encoder.thresholds(image));
    if (p.labels !== null) emu.setLabel(p.labels, label);
    this.engine?.setSampleStart?.(emu.t + 1);
    this.counts.fill(0);
    for (let s = 0; s < p.presentSteps; s++) {
      emu.step();
      this.countReadout(emu);
    }
    emu.setSourceRates(p.input, this.silent);
    if (p.labels !== null) emu.setLabel(p.labels, -1);
    for (let s = 0; s < p.settleSteps; s++) emu.step();
    this.tally.steps += p.presentSteps + p.settleSteps;
    return argmaxCounts(this.counts);
  }

  /** Test accuracy with the current weights; null if a stop was requested meanwhile. */
  async evaluate(): Promise<TestResult | null> {
    const p = this.protocol;
    if (this.testEmu === null) {
      this.testEmu = new Emulator(this.ir, { seed: this.seed, learning: null });
      this.testInitial = snapshotEmulator(this.testEmu);
    }
    const emu = this.testEmu;
    copyWeights(this.emulator, emu);
    zeroCounters(emu);
    let correct = 0;
    const n = this.test.n;
    for (let k = 0; k < n; k++) {
      if (this.stopRequested) return null;
      resetDynamics(emu, this.testInitial!, { cursors: true });
      emu.t = k * p.presentTestSteps;
      emu.setSourceRates(p.input, this.encoder.thresholds(imageAt(this.test, k)));
      if (p.labels !== null) emu.setLabel(p.labels, -1);
      this.counts.fill(0);
      for (let s = 0; s < p.presentTestSteps; s++) {
        emu.step();
        this.countReadout(emu);
      }
      if (argmaxCounts(this.counts) === this.test.labels[k]) correct++;
      this.options.onTestSample?.(k + 1, n);
      await yieldToEventLoop();
    }
    return { n, correct, synapticEvents: totals(emu).syn, energyPj: emu.energyPj() };
  }

  /** Current weights of every core (copies), e.g. for writing final weights. */
  weights(): Int32Array[] {
    return this.emulator.cores.map((rt) => rt.weights.slice());
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface TestResult {
  readonly n: number;
  readonly correct: number;
  readonly synapticEvents: number;
  readonly energyPj: number;
}

/** Checkpoint ⇄ JSON text (exact: typed arrays as base64, see snapshot.ts). */
export function checkpointToJson(c: Checkpoint): string {
  return JSON.stringify(encodeValue(c)) + '\n';
}

export function checkpointFromJson(text: string): Checkpoint {
  const v = decodeValue(JSON.parse(text)) as Checkpoint;
  if (v === null || typeof v !== 'object' || v.format !== CHECKPOINT_FORMAT) throw new TrainSetupError([`not a ${CHECKPOINT_FORMAT} checkpoint`]);
  const problems = checkpointProblems(v);
  if (problems.length) throw new TrainSetupError(problems.map((m) => `damaged checkpoint: ${m}`));
  return v;
}

/**
 * Field-by-field check of a decoded checkpoint (shapes and ranges the trainer relies on; the emulator and engine
 * states are checked against the network when they are loaded). Empty = usable.
 */
export function checkpointProblems(c: Checkpoint): string[] {
  const out: string[] = [];
  const o = c as unknown as Record<string, unknown>;
  const isInt = (x: unknown, lo: number, hi: number) => typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
  for (const k of ['irDigest', 'dataDigest'] as const) if (typeof o[k] !== 'string') out.push(`field \`${k}\` must be a string`);
  for (const k of ['shuffle', 'learningSaved'] as const) if (typeof o[k] !== 'boolean') out.push(`field \`${k}\` must be true or false`);
  if (!isInt(o.seed, 0, 0xffffffff)) out.push('field `seed` must be an integer in 0..4294967295');
  const p = o.protocol as TrainProtocol | undefined;
  const epochs = p !== null && typeof p === 'object' && isInt(p.epochs, 1, 1e9) ? p.epochs : undefined;
  if (epochs === undefined) out.push('field `protocol` must be an object with an integer `epochs` ≥ 1');
  if (!isInt(o.epoch, 0, epochs ?? 1e9)) out.push(`field \`epoch\` must be an integer in 0..${epochs ?? 'protocol.epochs'}`);
  if (!isInt(o.next, 0, 2 ** 31 - 1)) out.push('field `next` must be a non-negative integer');
  const order = o.order;
  if (order !== null) {
    if (!(order instanceof Int32Array)) out.push('field `order` must be null or an Int32Array');
    else {
      const seen = new Uint8Array(order.length);
      let perm = true;
      for (const i of order) {
        if (i < 0 || i >= order.length || seen[i]) { perm = false; break; }
        seen[i] = 1;
      }
      if (!perm) out.push('field `order` must be a permutation of 0..n−1');
      else if (isInt(o.next, 0, 2 ** 31 - 1) && (o.next as number) > order.length) out.push(`field \`next\` (${o.next as number}) is past the end of the epoch (${order.length} samples)`);
    }
  }
  const tally = o.tally as Record<string, unknown> | null;
  if (tally === null || typeof tally !== 'object') out.push('field `tally` must be an object');
  else {
    const fields: (keyof EpochTally)[] = ['trainCorrect', 'trainSeen', 'steps', 'synapticEvents0', 'learningUpdates0', 'spikes0', 'energy0', 'trainSeconds', 'trainCpuSeconds'];
    for (const k of fields) if (typeof tally[k] !== 'number' || !Number.isFinite(tally[k])) out.push(`field \`tally.${k}\` must be a finite number`);
  }
  if (!Array.isArray(o.history) || o.history.some((m) => m === null || typeof m !== 'object')) out.push('field `history` must be an array of per-epoch metrics');
  if (o.emulator === null || typeof o.emulator !== 'object') out.push('field `emulator` must be an object (the emulator state)');
  return out;
}
