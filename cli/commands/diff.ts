/**
 * `dendrite diff <file.snn>`: compile for a target, run the fixed-point emulator and the float64 reference for
 * the same steps and seed, and print per population spikes fixed vs float, firing-rate error, spike-count
 * correlation, van Rossum distance and state RMSE (analysis/diff.ts); `--json` prints one object.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, printDiagnostics, UsageError } from '../io.js';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { diffNetwork, renderDiff } from '../../analysis/diff.js';
import { parseIntFlag } from './run.js';
import { checkFile } from '../../compiler/frontend.js';
import { compileFile } from '../../compiler/compile.js';

interface DiffFlags {
  target?: string;
  set?: string[];
  steps?: string;
  seed?: string;
  tau?: string;
  inputLevel?: string;
  json?: boolean;
}

const DEFAULT_STEPS = 1000;

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('diff')
    .description('compare the fixed-point emulator with the float64 reference on a network')
    .argument('<file>', 'network source (.snn)')
    .option('--target <t>', 'target profile name or YAML file (default: the compiler\'s default target)')
    .option('--set <k=v>', 'override a target field, e.g. neuron.states.v.bits=16 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--steps <n>', `number of time steps (default: ${DEFAULT_STEPS})`)
    .option('--seed <s>', 'PRNG seed for both simulators, 0..4294967295 (default: the network\'s seed)')
    .option('--tau <steps>', 'van Rossum time constant in steps (default: 10)')
    .option('--input-level <x>', 'drive data-driven Poisson sources at x·rate_max, 0..1 (default: silent, as compiled)')
    .option('--json', 'print one JSON object')
    .action((file: string, flags: DiffFlags) => {
      const steps = parseIntFlag(flags.steps, '--steps', 10_000_000) ?? DEFAULT_STEPS;
      const seed = parseIntFlag(flags.seed, '--seed', 2 ** 32 - 1);
      const tau = parseIntFlag(flags.tau, '--tau', 1_000_000);
      if (tau === 0) throw new UsageError('--tau must be at least 1 step');
      const inputLevel = flags.inputLevel === undefined ? undefined : Number(flags.inputLevel);
      if (inputLevel !== undefined && !(inputLevel >= 0 && inputLevel <= 1)) {
        throw new UsageError(`--input-level must be a number in 0..1, got "${flags.inputLevel}"`);
      }
      if (!file.endsWith('.snn')) throw new UsageError(`${file}: diff needs the network source (.snn), not a compiled IR`);
      const compiled = compileFile(file, { target: flags.target, sets: flags.set ?? [] });
      if (compiled.ir === undefined || hasErrors(compiled.diagnostics)) {
        printDiagnostics(ctx.io, compiled.diagnostics, compiled.sources);
        ctx.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      if (compiled.diagnostics.length > 0) printDiagnostics(ctx.io, compiled.diagnostics, compiled.sources);
      let network = compiled.network;
      if (network === undefined) {
        const checked = checkFile(file);
        if (checked.network === undefined) {
          printDiagnostics(ctx.io, checked.diagnostics, checked.sources);
          ctx.exitCode = EXIT_DIAGNOSTICS;
          return;
        }
        network = checked.network;
      }
      const result = diffNetwork(network, compiled.ir, { steps, seed, tauSteps: tau, inputLevel });
      if (flags.json) ctx.io.out(JSON.stringify(result, null, 2) + '\n');
      else ctx.io.out(renderDiff(result));
      ctx.exitCode = EXIT_OK;
    });
}
