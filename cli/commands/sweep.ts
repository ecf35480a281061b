/**
 * `dendrite sweep <file.snn> --vary path=v1,v2,… [--vary …] [--seeds K] …`: a quantization study. Expands the
 * grid (sweep/grid.ts), computes each point (sweep/point.ts) in this thread or on worker threads, appends results
 * to DIR/results.jsonl as they finish (a rerun with the same --out skips finished points), then writes
 * results.csv, results.json and SVG plots (docs/quantization.md).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveDataFlag } from '../data-flag.js';
import type { CommandContext } from '../main.js';
import { checkOutDir, ensureOutDir, EXIT_DIAGNOSTICS, EXIT_OK, MAX_SEED, parseIntFlag, printDiagnostics, UsageError } from '../io.js';
import { addTargetOptions, checkSetFlags, requireSnnFile, type TargetFlags } from '../network-input.js';
import { compileFile } from '../../compiler/compile.js';
import { hasErrors, type Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { toolVersion } from '../../compiler/paths.js';
import { ProtocolError } from '../../train/protocol.js';
import { TRAINING_MODES, type TrainingMode } from '../../baseline/mlp.js';
import { buildGrid, parseVary, seedList, type VarySpec } from '../../sweep/grid.js';
import { runSweep } from '../../sweep/runner.js';
import { loadData, sweepProtocol } from '../../sweep/point.js';
import { floatBaseline, type FloatBaseline } from '../../sweep/baseline.js';
import { PRUNE_NOTE, writeOutputs, type Manifest } from '../../sweep/outputs.js';
import type { PointResult, SweepOptions } from '../../sweep/result.js';

interface SweepFlags extends TargetFlags {
  vary?: string[];
  seeds?: string;
  seed?: string;
  epochs?: string;
  trainSamples?: string;
  testSamples?: string;
  data?: string;
  workers?: string;
  out?: string;
  mode?: string;
  steps?: string;
  prune?: string;
  relearn?: string;
  maxPoints?: string;
  baseline?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const DEFAULT_STEPS = 1000;

function defaultOutDir(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return join('out', `sweep-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`);
}

/** `0.5,0.75,0.9` → fractions in (0, 1), or a usage error. */
export function parseFractions(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const out: number[] = [];
  for (const s of parts) {
    const x = Number(s);
    if (s === '' || !Number.isFinite(x) || x <= 0 || x >= 1) throw new UsageError(`--prune expects fractions between 0 and 1 (exclusive), e.g. 0.5,0.75,0.9; got "${s}"`);
    if (out.includes(x)) throw new UsageError(`--prune lists ${s} twice`);
    out.push(x);
  }
  return out;
}

/** One short line per finished point, for stderr. */
function progressLine(r: PointResult, done: number, todo: number): string {
  const vals = Object.entries(r.values).map(([k, v]) => `${k}=${v}`).join(' ');
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  let what: string;
  if (r.status !== 'ok') what = `${r.status}: ${(r.error ?? '').split('\n')[0]}`;
  else if (r.mode === 'train') {
    what = `test acc ${pct(r.test_accuracy)}, train acc ${pct(r.train_accuracy)}`;
    for (const p of r.prune) what += `; pruned ${Math.round(p.fraction * 100)} %: ${pct(p.accuracy_pruned)}${p.accuracy_relearned !== null ? ` → ${pct(p.accuracy_relearned)} re-learned` : ''}`;
  } else {
    const d = r.divergence;
    what = `spike-count r ${d?.count_correlation?.toFixed(4) ?? 'n/a'}, rate error ${pct(d?.rate_rel_error)}`;
  }
  const sat = r.saturations + r.wraps > 0 ? `, ${r.saturations} saturations, ${r.wraps} wraps` : '';
  return `[${done}/${todo}] ${vals || '(no varied parameter)'} seed=${r.seed}: ${what}${sat} (${r.seconds.toFixed(1)} s)\n`;
}

function commandLine(file: string, f: SweepFlags): string {
  const parts = ['dendrite', 'sweep', file];
  for (const v of f.vary ?? []) parts.push('--vary', v);
  for (const s of f.set ?? []) parts.push('--set', s);
  const add = (flag: string, v: string | undefined) => v !== undefined && parts.push(flag, v);
  add('--target', f.target);
  add('--mode', f.mode);
  add('--seeds', f.seeds);
  add('--seed', f.seed);
  add('--epochs', f.epochs);
  add('--train-samples', f.trainSamples);
  add('--test-samples', f.testSamples);
  add('--data', f.data);
  add('--steps', f.steps);
  add('--prune', f.prune);
  add('--relearn', f.relearn);
  add('--workers', f.workers);
  add('--out', f.out);
  return parts.join(' ');
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('sweep')
    .description('quantization study: run a grid of target settings × seeds (train or run), write CSV, JSON and SVG plots')
    .argument('<file>', 'network source (.snn)')
    .option('--vary <path=v1,v2,...>', 'vary a target field over values, e.g. synapse.weight.mant_bits=2,4,8 (repeatable; neuron.v.bits is short for neuron.states.v.bits)', collect)
    .option('--mode <mode>', 'train: train and test with on-chip learning; run: emulate --steps and compare with the float64 reference (default: train)')
    .option('--seeds <k>', 'seeds per grid cell (default: 1)')
    .option('--seed <s>', 'first seed; the seeds are s, s+1, … (default: 1)')
    .option('--epochs <n>', 'train mode: epochs (default: 1)')
    .option('--train-samples <n>', 'train mode: training samples per epoch (default: the whole training split)')
    .option('--test-samples <n>', 'train mode: test samples (default: the whole test split)')
    .option('--data <spec>', 'train mode: data set (default: the protocol\'s)')
    .option('--steps <n>', `run mode: steps (default: ${DEFAULT_STEPS})`)
    .option('--prune <fractions>', 'train mode: after training, prune the weakest fractions of each plastic projection, e.g. 0.5,0.75,0.9')
    .option('--relearn <n>', 'train mode, with --prune: re-learn N training samples with pruned synapses held at 0, then test again')
    .option('--baseline <mode>', `train mode: float MLP baseline on the plots: ${TRAINING_MODES.join(', ')} or none (default: dfa)`)
    .option('--workers <w>', 'worker threads computing points in parallel (default: 1; results never depend on it)')
    .option('--max-points <n>', 'compute at most N new points in this call (rerun with the same --out to continue)')
    .option('--out <dir>', 'output directory (default: out/sweep-<timestamp>); reusing it resumes the sweep')
    .option('--json', 'print one JSON object (manifest, files, results) on stdout');
  // No --strict: every point is compiled in a worker with the grid's settings only.
  addTargetOptions(cmd, { strict: false, setHelp: 'fixed override of a target field at every point (repeatable)' }).action(async (file: string, flags: SweepFlags) => {
    ctx.exitCode = await sweepAction(file, flags, ctx);
  });
}

async function sweepAction(file: string, flags: SweepFlags, ctx: CommandContext): Promise<number> {
  const io = ctx.io;
  const mode = flags.mode ?? 'train';
  if (mode !== 'train' && mode !== 'run') throw new UsageError(`--mode must be train or run, got "${mode}"`);
  const seeds = parseIntFlag(flags.seeds, '--seeds', 1, 1000) ?? 1;
  const firstSeed = parseIntFlag(flags.seed, '--seed', 0, MAX_SEED) ?? 1;
  const epochs = parseIntFlag(flags.epochs, '--epochs', 1, 1_000_000) ?? 1;
  const trainSamples = parseIntFlag(flags.trainSamples, '--train-samples', 1, 100_000_000);
  const testSamples = parseIntFlag(flags.testSamples, '--test-samples', 1, 100_000_000);
  const steps = parseIntFlag(flags.steps, '--steps', 1, 2 ** 31 - 1) ?? DEFAULT_STEPS;
  const workers = parseIntFlag(flags.workers, '--workers', 1, 256) ?? 1;
  const relearn = parseIntFlag(flags.relearn, '--relearn', 0, 100_000_000) ?? 0;
  const maxPoints = parseIntFlag(flags.maxPoints, '--max-points', 1, 2 ** 31 - 1);
  const prune = flags.prune !== undefined ? parseFractions(flags.prune) : [];
  const baselineMode = flags.baseline ?? 'dfa';
  // The seeds are s, s+1, …: they must all be valid 32-bit seeds, not wrap around to 0.
  if (firstSeed + seeds - 1 > MAX_SEED) throw new UsageError(`--seed ${firstSeed} with --seeds ${seeds} runs past the largest seed ${MAX_SEED}`);
  checkSetFlags(flags.set);
  if (flags.out !== undefined) checkOutDir(flags.out);
  if (baselineMode !== 'none' && !(TRAINING_MODES as readonly string[]).includes(baselineMode)) {
    throw new UsageError(`--baseline must be one of ${TRAINING_MODES.join(', ')} or none, got "${baselineMode}"`);
  }
  if (mode === 'run') {
    const trainOnly = (['epochs', 'trainSamples', 'testSamples', 'data', 'prune', 'relearn'] as const).filter((k) => flags[k] !== undefined);
    if (trainOnly.length) throw new UsageError(`--mode run emulates without training; drop ${trainOnly.map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())).join(', ')}`);
  } else if (flags.steps !== undefined) {
    throw new UsageError('--steps applies to --mode run; in train mode the protocol sets the steps per sample');
  }
  if (relearn > 0 && prune.length === 0) throw new UsageError('--relearn needs --prune');
  if (flags.data !== undefined) resolveDataFlag(flags.data, {}); // a malformed --data is a usage error, as in train
  requireSnnFile(file, 'sweep needs the network source (.snn), since every point is compiled with its own settings');
  const vary: VarySpec[] = [];
  const bad: Diagnostic[] = [];
  for (const v of flags.vary ?? []) {
    const r = parseVary(v);
    if ('values' in r) vary.push(r);
    else bad.push(r);
  }
  if (bad.length) {
    printDiagnostics(io, bad, new Map());
    return EXIT_DIAGNOSTICS;
  }
  // A pruning study alone is one grid point (per seed) with the pruning fractions as its axis.
  if (vary.length === 0 && prune.length === 0) throw new UsageError('nothing to sweep: give at least one --vary path=v1,v2,… (or --prune F1,F2,… for a pruning study)');

  const target = flags.target ?? 'default';
  const sets = flags.set ?? [];
  const options: SweepOptions = { file, target, mode, epochs, trainSamples, testSamples, data: flags.data, steps, prune, relearn };
  const runKey = mode === 'train'
    ? { file, mode, epochs, trainSamples, testSamples, data: flags.data ?? null, prune, relearn }
    : { file, mode, steps };
  const grid = buildGrid({ target, sets, vary, seeds: seedList(seeds, firstSeed) }, runKey);
  if (grid.points === undefined) {
    printDiagnostics(io, grid.diagnostics, new Map());
    return EXIT_DIAGNOSTICS;
  }

  // Compile once with the fixed settings: catches errors in the network before any point runs, and gives the
  // protocol (and float baseline) in train mode.
  const probe = compileFile(file, { target, sets: grid.points[0]!.sets });
  if (probe.ir === undefined || hasErrors(probe.diagnostics) || probe.network === undefined) {
    printDiagnostics(io, probe.diagnostics, probe.sources);
    return EXIT_DIAGNOSTICS;
  }
  let baseline: FloatBaseline | null = null;
  if (mode === 'train') {
    try {
      const protocol = sweepProtocol(probe, options);
      loadData(protocol.data, protocol.trainSamples, protocol.testSamples); // a bad --data fails here, once
      if (relearn > 0) loadData(protocol.data, relearn, protocol.testSamples);
      if (baselineMode !== 'none') baseline = floatBaseline(probe.network, protocol, baselineMode as TrainingMode);
    } catch (e) {
      if (e instanceof ProtocolError) {
        printDiagnostics(io, [{ code: 'SNN4601', severity: 'error', message: e.message, path: { file, field: e.field ?? 'protocol' } }], probe.sources);
        return EXIT_DIAGNOSTICS;
      }
      throw e;
    }
  }

  const outDir = flags.out ?? defaultOutDir();
  ensureOutDir(outDir);
  const total = grid.points.length;
  io.err(`sweep ${file} (target ${target}, ${mode} mode): ${total} points = ${vary.map((v) => `${v.values.length} × ${v.path}`).join(' × ')} × ${seeds} seed(s); output in ${outDir}\n`);
  if (baseline) io.err(`float baseline: ${baseline.kind}, test accuracy ${(100 * baseline.test_accuracy).toFixed(1)} %\n`);
  const run = await runSweep(grid.points, options, {
    workers, outDir, limit: maxPoints,
    onStart: (skipped, todo) => {
      if (skipped > 0) io.err(`resuming: ${skipped} of ${total} points already in ${outDir}/results.jsonl; ${todo} to run now\n`);
    },
    onPoint: (r, done, todo) => io.err(progressLine(r, done, todo)),
  });
  const manifest: Manifest = {
    tool: 'dendrite', version: toolVersion(), command: commandLine(file, flags), file, target, options,
    grid: { vary: grid.vary, sets }, seeds: seedList(seeds, firstSeed), points: total, baseline,
    ...(prune.length ? { prune_note: PRUNE_NOTE } : {}),
  };
  const files = writeOutputs(outDir, manifest, grid.vary, run.results);
  if (run.remaining > 0) io.err(`${run.remaining} of ${total} points not run yet (--max-points); rerun the same command to continue\n`);
  const failed = run.results.filter((r) => r.status !== 'ok');
  if (failed.length) io.err(`warning: ${failed.length} point(s) did not complete (status diagnostics/failed; see results.json)\n`);
  if (flags.json) {
    io.out(JSON.stringify({ out_dir: outDir, points: total, ran: run.ran, skipped: run.skipped, remaining: run.remaining, files, manifest, results: run.results }, null, 2) + '\n');
  } else {
    io.out(`${run.ran} point(s) run, ${run.skipped} reused, ${run.remaining} remaining\noutputs in ${outDir}/: ${files.join(', ')}\n`);
  }
  return failed.some((r) => r.status === 'failed') ? EXIT_DIAGNOSTICS : EXIT_OK;
}
