/**
 * `dendrite train <file.snn | file.ir.json>`: trains a network on a data set on the emulated chip with on-chip
 * learning, evaluates it, and writes metrics, final weights and checkpoints (docs/training.md).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import type { Io } from '../io.js';
import { checkOutDir, describeFsError, ensureOutDir, EXIT_DIAGNOSTICS, EXIT_OK, MAX_SEED, parseIntFlag, printDiagnostics, readUserFile, UsageError } from '../io.js';
import { addTargetOptions, loadNetworkInput, type TargetFlags } from '../network-input.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { toolVersion } from '../../compiler/paths.js';
import { resolveDataSpec } from '../../data/registry.js';
import { resolveDataFlag } from '../data-flag.js';
import { loadIr } from '../../ir/load.js';
import type { DendriteIr } from '../../ir/types.js';
import { writeIr } from '../../ir/write.js';
import { defaultOutDir, writeFileAtomic, writeMetrics, writeWeights } from '../../train/outputs.js';
import { barProgress, logProgress, type ProgressSink } from '../../train/progress.js';
import { applyOverrides, ProtocolError, protocolFromIr, protocolFromNetwork, type TrainProtocol } from '../../train/protocol.js';
import { LearningSetupError, sopEngine } from '../../train/sop-engine.js';
import {
  checkpointFromJson, checkpointToJson, Trainer, TrainSetupError, type EpochMetrics, type TrainOptions,
} from '../../train/trainer.js';
import { SnapshotMismatch } from '../../train/snapshot.js';

/** Exit code after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Diagnostic codes of the training harness. */
export const TRAIN_CODES = {
  setup: 'SNN4601', // protocol / IR / data do not fit together
  checkpoint: 'SNN4602', // unreadable or mismatched checkpoint
} as const;

interface TrainFlags extends TargetFlags {
  epochs?: string;
  trainSamples?: string;
  testSamples?: string;
  data?: string;
  seed?: string;
  workers?: string;
  out?: string;
  checkpointEvery?: string;
  resume?: string;
  json?: boolean;
  full?: boolean;
  shuffle?: boolean;
  logEvery?: string;
}

/** What `run.json` records, and what `--resume` reads back. */
interface RunRecord {
  readonly tool: string;
  readonly version: string;
  readonly file: string | null;
  readonly target: string;
  readonly protocol: TrainProtocol;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly data: { readonly spec: string; readonly description: string; readonly train_samples: number; readonly test_samples: number };
  readonly flags: Record<string, unknown>;
}

interface Loaded {
  ir: DendriteIr;
  protocol: TrainProtocol;
  sources: Map<string, string>;
}

function diag(code: string, message: string, file: string, field?: string, hint?: string): Diagnostic {
  return { code, severity: 'error', message, path: { file, field }, hint };
}

/** `.snn` (compiled with the target flags) or `.ir.json` → IR and its training protocol. Null after diagnostics. */
function loadNetwork(file: string, flags: TrainFlags, io: Io): Loaded | null {
  const input = loadNetworkInput(file, flags, io);
  if (input === undefined) return null;
  if (input.network !== undefined) return { ir: input.ir, protocol: protocolFromNetwork(input.network), sources: input.sources };
  const protocol = protocolFromIr(input.ir);
  if (protocol === null) {
    printDiagnostics(io, [diag(TRAIN_CODES.setup, 'the IR carries no training protocol (reports.protocol)', file, 'reports.protocol', 'train the .snn source instead, whose `protocol { … }` block says what to present')], new Map());
    return null;
  }
  return { ir: input.ir, protocol, sources: input.sources };
}

/** The parts of `run.json` that `--resume` reads; a hand-edited or foreign file is a diagnostic, not a crash. */
function runRecordProblems(r: unknown): string[] {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return ['run.json must hold a JSON object'];
  const rec = r as Record<string, unknown>;
  const problems: string[] = [];
  const d = rec['data'] as Record<string, unknown> | undefined;
  if (d === null || typeof d !== 'object' || Array.isArray(d)) problems.push('field `data` must be an object');
  else {
    if (typeof d['spec'] !== 'string') problems.push('field `data.spec` must be a string');
    if (typeof d['description'] !== 'string') problems.push('field `data.description` must be a string');
    for (const k of ['train_samples', 'test_samples']) {
      const v = d[k];
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) problems.push(`field \`data.${k}\` must be a positive integer`);
    }
  }
  if (typeof rec['target'] !== 'string') problems.push('field `target` must be a string');
  if (!(typeof rec['seed'] === 'number' && Number.isInteger(rec['seed']) && rec['seed'] >= 0 && rec['seed'] <= MAX_SEED)) problems.push(`field \`seed\` must be an integer in 0..${MAX_SEED}`);
  return problems;
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new UsageError(`--resume: ${path} does not exist (${what})`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--resume: cannot read ${path}: ${describeFsError(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--resume: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

function fmtPct(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

/** The `--json` summary: the last epoch's accuracies, rates over the whole run, and every epoch. */
export function summarize(ms: readonly EpochMetrics[], status: string, outDir: string, extra: Record<string, unknown> = {}) {
  const last = ms[ms.length - 1];
  const samples = ms.reduce((s, m) => s + m.train_samples, 0);
  const seconds = ms.reduce((s, m) => s + m.train_seconds, 0);
  const cpu = ms.reduce((s, m) => s + m.train_cpu_seconds, 0);
  const energy = ms.reduce((s, m) => s + m.energy_pj, 0);
  return {
    status,
    train_accuracy: last?.train_accuracy ?? null,
    test_accuracy: last?.test_accuracy ?? null,
    epochs: ms.length,
    samples_per_s: seconds > 0 ? samples / seconds : 0,
    ms_per_sample: samples > 0 ? (1000 * seconds) / samples : 0,
    cpu_ms_per_sample: samples > 0 ? (1000 * cpu) / samples : 0,
    synaptic_events: ms.reduce((s, m) => s + m.synaptic_events, 0),
    energy_pj_per_sample: samples > 0 ? energy / samples : 0,
    ...extra,
    out_dir: outDir,
    per_epoch: ms,
  };
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('train')
    .description('train a network with on-chip learning on the emulated chip and evaluate it (short run by default; --full for the protocol\'s settings)')
    .argument('[file]', '.snn source (or a compiled .ir.json carrying reports.protocol); not needed with --resume')
    .option('--epochs <n>', 'epochs (default 1; with --full, the protocol\'s)')
    .option('--train-samples <n>', 'training samples per epoch (default: the whole training split)')
    .option('--test-samples <n>', 'test samples (default: the whole test split)')
    .option('--data <spec>', 'data set: mnist | mnist:/idx-dir | fashion-mnist[:/idx-dir] (default: the protocol\'s)')
    .option('--seed <s>', 'PRNG seed for the emulator and the sample order, 0..4294967295 (default: the network\'s)')
    .option('--workers <w>', 'worker threads (results never depend on it; training currently runs in one thread)')
    .option('--out <dir>', 'output directory (default: out/train-<timestamp>; with --resume, the resumed directory)')
    .option('--checkpoint-every <n>', 'also write a checkpoint every N training samples (always: at the end of each epoch)')
    .option('--resume <dir>', 'continue the run whose output directory (or checkpoint.json) is given, bit-identically')
    .option('--no-shuffle', 'present training samples in the split\'s fixed order every epoch')
    .option('--log-every <n>', 'without a terminal, print a progress line every N samples (default: 5 % of an epoch)')
    .option('--full', 'use the protocol\'s full settings (epochs, sample counts) instead of the short default run')
    .option('--json', 'print one JSON summary object on stdout');
  addTargetOptions(cmd).action(async (file: string | undefined, flags: TrainFlags) => {
    ctx.exitCode = await trainAction(file, flags, ctx.io);
  });
}

async function trainAction(file: string | undefined, flags: TrainFlags, io: Io): Promise<number> {
  const epochs = parseIntFlag(flags.epochs, '--epochs', 1, 1_000_000);
  const trainSamples = parseIntFlag(flags.trainSamples, '--train-samples', 1, 100_000_000);
  const testSamples = parseIntFlag(flags.testSamples, '--test-samples', 1, 100_000_000);
  const seed = parseIntFlag(flags.seed, '--seed', 0, MAX_SEED);
  parseIntFlag(flags.workers, '--workers', 1, 256); // accepted for symmetry with run; training uses one thread
  const every = parseIntFlag(flags.checkpointEvery, '--checkpoint-every', 0, 2 ** 31 - 1);
  const logEvery = parseIntFlag(flags.logEvery, '--log-every', 1, 2 ** 31 - 1);
  if (flags.out !== undefined) checkOutDir(flags.out);

  let trainer!: Trainer;
  let record: RunRecord;
  let sources = new Map<string, string>();
  const learning = (ir: DendriteIr) => sopEngine(ir);
  // Callbacks delegate to `progress` and `outDir`, which are known only once the trainer exists.
  let progress: ProgressSink | null = null;
  let outDir = '';
  const handlers: Pick<TrainOptions, 'onCheckpoint' | 'onEpoch' | 'onSample' | 'onTestSample'> = {
    onSample: (p) => progress?.sample(p),
    onTestSample: (d, n) => progress?.testSample(d, n),
    onEpoch: (m) => {
      progress?.epoch(m);
      writeMetrics(outDir, trainer.metrics);
    },
    onCheckpoint: (c) => writeFileAtomic(join(outDir, 'checkpoint.json'), checkpointToJson(c)),
  };

  try {
    if (flags.resume !== undefined) {
      if (file !== undefined) throw new UsageError('--resume continues a run from its own saved network; do not name a file as well');
      const given = ['epochs', 'trainSamples', 'testSamples', 'data', 'target', 'set', 'strict', 'seed', 'full'].filter((k) => {
        const v = (flags as Record<string, unknown>)[k];
        return v !== undefined && !(Array.isArray(v) && v.length === 0);
      });
      if (given.length) throw new UsageError(`--resume continues the saved run with its own settings; drop ${given.map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')}`);
      if (!existsSync(flags.resume)) throw new UsageError(`--resume ${flags.resume}: no such directory (give the output directory of a \`dendrite train\` run)`);
      const dir = statSync(flags.resume).isFile() ? resolve(flags.resume, '..') : flags.resume;
      const ckPath = join(dir, 'checkpoint.json');
      if (!existsSync(ckPath)) throw new UsageError(`--resume: no checkpoint.json in ${dir} (not the output directory of a \`dendrite train\` run)`);
      const rec = readJson(join(dir, 'run.json'), 'the settings of the run');
      const recordProblems = runRecordProblems(rec);
      if (recordProblems.length > 0) {
        printDiagnostics(io, recordProblems.map((m) => diag(TRAIN_CODES.checkpoint, `damaged run record: ${m}`, join(dir, 'run.json'))), new Map());
        return EXIT_DIAGNOSTICS;
      }
      record = rec as RunRecord;
      const irPath = join(dir, 'network.ir.json');
      const { ir, diagnostics } = loadIr(readUserFile(irPath), irPath);
      if (ir === undefined) {
        printDiagnostics(io, diagnostics, new Map());
        return EXIT_DIAGNOSTICS;
      }
      let ck;
      try {
        ck = checkpointFromJson(readFileSync(ckPath, 'utf8'));
      } catch (e) {
        printDiagnostics(io, [diag(TRAIN_CODES.checkpoint, `cannot read the checkpoint: ${(e as Error).message}`, ckPath)], new Map());
        return EXIT_DIAGNOSTICS;
      }
      const data = resolveDataSpec(record.data.spec, { trainSamples: record.data.train_samples, testSamples: record.data.test_samples });
      outDir = flags.out ?? dir;
      ensureOutDir(outDir);
      try {
        trainer = Trainer.resume(ir, { protocol: ck.protocol, data, learning, checkpointEvery: every, ...handlers }, ck);
      } catch (e) {
        // The checkpoint parsed but its contents do not fit together (hand-edited or from another tool): the
        // restore code trips over it. That is bad input, not a bug; setup errors keep their own report below.
        if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
        printDiagnostics(io, [diag(TRAIN_CODES.checkpoint, `damaged checkpoint: ${e.message}`, ckPath)], new Map());
        return EXIT_DIAGNOSTICS;
      }
      io.err(`resuming ${dir} at epoch ${ck.epoch + 1}, sample ${ck.next} (${data.description})\n`);
      if (!trainer.resumeIsExact) io.err('warning: the learning engine cannot save its state; the resumed run may differ from an uninterrupted one\n');
    } else {
      if (file === undefined) throw new UsageError('missing the network to train: dendrite train <file.snn>');
      const loaded = loadNetwork(file, flags, io);
      if (loaded === null) return EXIT_DIAGNOSTICS;
      sources = loaded.sources;
      const base = loaded.protocol;
      // Short run by default (1 epoch); --full keeps the protocol's epochs and sample counts.
      const short: TrainProtocol = flags.full ? base : { ...base, epochs: 1 };
      const protocol = applyOverrides(short, { data: flags.data, epochs, trainSamples, testSamples });
      const dataOptions = { trainSamples: protocol.trainSamples, testSamples: protocol.testSamples };
      const data = flags.data !== undefined ? resolveDataFlag(protocol.data, dataOptions) : resolveDataSpec(protocol.data, dataOptions);
      outDir = flags.out ?? defaultOutDir();
      trainer = new Trainer(loaded.ir, { protocol, data, seed, shuffle: flags.shuffle !== false, learning, checkpointEvery: every, ...handlers });
      record = {
        tool: 'dendrite', version: toolVersion(), file, target: loaded.ir.target.name, protocol, seed: trainer.seed, shuffle: trainer.shuffle,
        data: { spec: protocol.data, description: data.description, train_samples: data.train.n, test_samples: data.test.n },
        flags: { ...flags, workers_used: 1 },
      };
      ensureOutDir(outDir);
      writeFileSync(join(outDir, 'network.ir.json'), writeIr(loaded.ir));
      writeFileAtomic(join(outDir, 'run.json'), JSON.stringify(record, null, 2) + '\n');
      io.err(`training ${file} (target ${loaded.ir.target.name}) on ${data.description}; ${protocol.epochs} epoch(s), ` +
        `${protocol.presentSteps}+${protocol.settleSteps} steps per sample; output in ${outDir}\n`);
      if (trainer.engine === null) io.err('note: the network has no learning programs; weights stay frozen\n');
    }
  } catch (e) {
    if (e instanceof TrainSetupError || e instanceof ProtocolError) {
      const problems = e instanceof TrainSetupError ? e.problems : [e.message];
      printDiagnostics(io, problems.map((m) => diag(TRAIN_CODES.setup, m, file ?? flags.resume ?? 'train', 'protocol')), sources);
      return EXIT_DIAGNOSTICS;
    }
    if (e instanceof SnapshotMismatch) {
      printDiagnostics(io, [diag(TRAIN_CODES.checkpoint, e.message, flags.resume ?? 'checkpoint')], new Map());
      return EXIT_DIAGNOSTICS;
    }
    if (e instanceof LearningSetupError) {
      printDiagnostics(io, e.diagnostics, sources);
      return EXIT_DIAGNOSTICS;
    }
    throw e;
  }

  const sink: ProgressSink = io.isTTY && process.stderr.isTTY && !flags.json
    ? barProgress(process.stderr, (l) => io.err(l))
    : logProgress((l) => io.err(l), logEvery ?? Math.max(1, Math.round(trainer.trainSize / 20)));
  progress = sink;
  const ckPath = join(outDir, 'checkpoint.json');

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      sink.stop();
      io.err('second interrupt: quitting without a new checkpoint\n');
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    sink.stop();
    io.err('\ninterrupted: finishing the current sample, then writing a checkpoint (Ctrl-C again quits at once)\n');
    trainer.requestStop();
  };
  process.on('SIGINT', onSigint);
  let result;
  try {
    result = await trainer.run();
  } finally {
    process.off('SIGINT', onSigint);
    sink.stop();
  }

  writeMetrics(outDir, trainer.metrics);
  if (result.status === 'interrupted') {
    io.err(`checkpoint written to ${ckPath}\nresume with: dendrite train --resume ${outDir}\n`);
    if (flags.json) io.out(JSON.stringify(summarize(trainer.metrics, 'interrupted', outDir), null, 2) + '\n');
    return EXIT_INTERRUPTED;
  }
  const weights = writeWeights(join(outDir, 'weights'), trainer.ir, trainer.weights());
  const summary = summarize(trainer.metrics, 'completed', outDir, {
    target: record.target, data: record.data.description, seed: record.seed, workers_used: 1,
  });
  writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (flags.json) {
    io.out(JSON.stringify(summary, null, 2) + '\n');
  } else {
    const last = trainer.metrics[trainer.metrics.length - 1]!;
    io.out(
      `train accuracy   ${fmtPct(last.train_accuracy)} (epoch ${last.epoch}, during training)\n` +
        `test accuracy    ${fmtPct(last.test_accuracy)} (${last.test_samples} test samples)\n` +
        `speed            ${summary.samples_per_s.toFixed(2)} samples/s (${summary.ms_per_sample.toFixed(1)} ms per training sample, ${summary.cpu_ms_per_sample.toFixed(1)} ms CPU)\n` +
        `synaptic events  ${summary.synaptic_events} (training)\n` +
        `energy estimate  ${(summary.energy_pj_per_sample / 1e6).toFixed(3)} µJ per training sample\n` +
        `outputs          ${outDir}/ (metrics.csv, metrics.json, summary.json, checkpoint.json, weights/ with ${weights.length} synapse groups)\n`,
    );
  }
  return EXIT_OK;
}
