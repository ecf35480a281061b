/** `dendrite run <file.snn|file.ir.json>`: run a network on the emulator and print a summary (or `--json`). */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { checkOutDir, ensureOutDir, EXIT_DIAGNOSTICS, EXIT_OK, MAX_SEED, parseIntFlag, printDiagnostics, UsageError } from '../io.js';
import { addTargetOptions, loadNetworkInput, type TargetFlags } from '../network-input.js';
import { createLearningEngine } from '../../emulator/learning/engine.js';
import { runIr, type RunSummary } from '../../emulator/run.js';
import { threadCount } from '../../emulator/parallel/parallel-emulator.js';

interface RunFlags extends TargetFlags {
  steps?: string;
  seed?: string;
  workers?: string;
  out?: string;
  probe?: string[];
  json?: boolean;
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('run')
    .description('run a network (.snn, compiled on the fly, or a compiled .ir.json) on the bit-accurate emulator')
    .argument('<file>', '.snn source or IR file (.ir.json) produced by `dendrite compile`');
  addTargetOptions(cmd)
    .option('--steps <n>', 'number of time steps (default: the IR\'s steps)')
    .option('--seed <s>', 'PRNG seed, 0..4294967295 (default: the IR\'s seed)')
    .option('--workers <w>', 'threads stepping the cores, main thread included (results never depend on it; default: 1, the reference path)')
    .option('--out <dir>', 'write probes (CSV, probes.json) and manifest.json to this directory')
    .option('--probe <names>', 'record only these probes: comma-separated, repeatable (default: all probes in the IR)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter((x) => x !== '')])
    .option('--json', 'print one JSON summary object')
    .action((file: string, flags: RunFlags) => {
      const steps = parseIntFlag(flags.steps, '--steps', 0, 2 ** 31 - 1);
      const seed = parseIntFlag(flags.seed, '--seed', 0, MAX_SEED);
      const workers = parseIntFlag(flags.workers, '--workers', 1, 256);
      if (flags.out !== undefined) checkOutDir(flags.out);
      const input = loadNetworkInput(file, flags, ctx.io);
      if (input === undefined) {
        ctx.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      const { ir } = input;
      // Plastic synapse groups learn during the run, as on the chip.
      let learning = null;
      if (ir.learning.length > 0) {
        const made = createLearningEngine(ir, file);
        if (made.engine === undefined) {
          printDiagnostics(ctx.io, made.diagnostics, new Map());
          ctx.exitCode = EXIT_DIAGNOSTICS;
          return;
        }
        learning = made.engine;
      }
      const known = new Set(ir.probes.map((p) => p.name));
      for (const p of flags.probe ?? []) {
        if (!known.has(p)) throw new UsageError(`--probe ${p}: the IR has no probe named "${p}"${known.size ? ` (probes: ${[...known].join(', ')})` : ''}`);
      }
      if (flags.out !== undefined) ensureOutDir(flags.out);
      const summary = runIr(ir, {
        steps, seed, probes: flags.probe, outDir: flags.out, workers, learning,
        settings: { file, target: ir.target.name, sets: flags.set ?? [], steps: steps ?? ir.steps, seed: seed ?? ir.seed, workers_requested: workers ?? 1, workers_used: threadCount(ir, workers ?? 1) },
      });
      if (flags.json) ctx.io.out(JSON.stringify(summaryJson(summary), null, 2) + '\n');
      else ctx.io.out(summaryText(summary));
      ctx.exitCode = EXIT_OK;
    });
}

/** The `--json` object: everything in the summary except in-memory probe data. */
export function summaryJson(s: RunSummary): Omit<RunSummary, 'recorder'> {
  const { recorder: _recorder, ...rest } = s;
  return rest;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(6);
}

/** A short human-readable table. */
export function summaryText(s: RunSummary): string {
  const c = s.counters;
  const rows: [string, string][] = [
    ['target', s.target],
    ['steps', fmt(s.steps)],
    ['seed', fmt(s.seed)],
    ['spikes', `${fmt(s.spikes_total)} (${fmt(c.spikes)} from compartments, ${fmt(c.source_spikes)} from sources)`],
    ['spike digest', s.spike_digest.slice(0, 16) + '…'],
    ['synaptic events', `${fmt(c.synaptic_events)}${c.blanked_out ? ` (+${fmt(c.blanked_out)} blanked out)` : ''}`],
    ['compartment updates', fmt(c.compartment_updates)],
    ['learning updates', fmt(c.learning_updates)],
    ['mesh hops', fmt(c.hops)],
    ['cycles (estimate)', fmt(s.cycles)],
    ['energy (estimate)', `${fmt(s.energy_pj)} pJ`],
  ];
  for (const [k, v] of Object.entries(c.overflow)) rows.push([`overflow ${k}`, `${fmt(v.wrap)} wraps, ${fmt(v.saturate)} saturations`]);
  for (const [k, v] of Object.entries(s.population_spikes)) rows.push([`spikes ${k}`, fmt(v)]);
  if (s.files.length) rows.push(['files', s.files.join(', ')]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}
