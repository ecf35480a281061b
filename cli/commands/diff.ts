/**
 * `dendrite diff <file.snn>`: compile for a target, run the fixed-point emulator and the float64 reference for
 * the same steps and seed, and print per population spikes fixed vs float, firing-rate error, spike-count
 * correlation, van Rossum distance and state RMSE (analysis/diff.ts); `--json` prints one object.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, MAX_SEED, parseIntFlag, parseNumberFlag } from '../io.js';
import { addTargetOptions, compileInput, requireSnnFile, type TargetFlags } from '../network-input.js';
import { diffNetwork, renderDiff } from '../../analysis/diff.js';

interface DiffFlags extends TargetFlags {
  steps?: string;
  seed?: string;
  tau?: string;
  inputLevel?: string;
  json?: boolean;
}

const DEFAULT_STEPS = 1000;

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('diff')
    .description('compare the fixed-point emulator with the float64 reference on a network')
    .argument('<file>', 'network source (.snn)')
    .option('--steps <n>', `number of time steps (default: ${DEFAULT_STEPS})`)
    .option('--seed <s>', 'PRNG seed for both simulators, 0..4294967295 (default: the network\'s seed)')
    .option('--tau <steps>', 'van Rossum time constant in steps (default: 10)')
    .option('--input-level <x>', 'drive data-driven Poisson sources at x·rate_max, 0..1 (default: silent, as compiled)')
    .option('--json', 'print one JSON object');
  addTargetOptions(cmd).action((file: string, flags: DiffFlags) => {
    const steps = parseIntFlag(flags.steps, '--steps', 1, 10_000_000) ?? DEFAULT_STEPS;
    const seed = parseIntFlag(flags.seed, '--seed', 0, MAX_SEED);
    const tau = parseIntFlag(flags.tau, '--tau', 1, 1_000_000);
    const inputLevel = parseNumberFlag(flags.inputLevel, '--input-level', 0, 1);
    requireSnnFile(file, 'diff needs the network source (.snn), not a compiled IR');
    const input = compileInput(file, flags, ctx.io);
    if (input === undefined) {
      ctx.exitCode = EXIT_DIAGNOSTICS;
      return;
    }
    const result = diffNetwork(input.network, input.ir, { steps, seed, tauSteps: tau, inputLevel });
    if (flags.json) ctx.io.out(JSON.stringify(result, null, 2) + '\n');
    else ctx.io.out(renderDiff(result));
    ctx.exitCode = EXIT_OK;
  });
}
