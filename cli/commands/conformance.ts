/** `dendrite conformance loihi <case.json>…`: run nengo-loihi golden cases and compare bit for bit. */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, readUserFile, UsageError } from '../io.js';
import { checkGoldenShape, formatCaseResult, runGoldenCase, type GoldenCase } from '../../emulator/conformance/loihi.js';
import { checkNsatGoldenShape, formatNsatResult, runNsatGolden, type NsatGolden } from '../../emulator/conformance/nsat.js';

/** A golden file's JSON; unreadable or invalid JSON is a usage error (exit 2). */
function readJsonFile(file: string): unknown {
  const text = readUserFile(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

export function register(program: Command, ctx: CommandContext): void {
  const conf = program.command('conformance').description('check the emulator against golden data from another emulator');
  conf
    .command('loihi')
    .description('run Loihi golden cases (format loihi-golden/1): u, v, spikes every step, overflow warnings, weight_acc')
    .argument('<case...>', 'golden case JSON files')
    .option('--json', 'print the results as JSON')
    .action((files: string[], flags: { json?: boolean }) => {
      let failed = 0;
      const results: unknown[] = [];
      for (const file of files) {
        const json = readJsonFile(file);
        const problems = checkGoldenShape(json);
        if (problems.length > 0) throw new UsageError(`${file}: not a Loihi golden case: ${problems.join('; ')}`);
        let r;
        try {
          r = runGoldenCase(json as GoldenCase);
        } catch (e) {
          // A case whose arrays do not match its declared sizes: report it as a failed case, not a crash.
          ctx.io.out(`FAIL ${file}: malformed case (${(e as Error).message})\n`);
          failed++;
          continue;
        }
        if (!r.pass) failed++;
        if (flags.json) results.push({ file, ...r });
        else ctx.io.out(formatCaseResult(r, file));
      }
      if (flags.json) ctx.io.out(JSON.stringify(results, null, 2) + '\n');
      else ctx.io.out(`loihi conformance: ${files.length - failed} of ${files.length} cases pass${failed ? `, ${failed} fail` : ""}\n`);
      ctx.exitCode = failed > 0 ? EXIT_DIAGNOSTICS : EXIT_OK;
    });
  conf
    .command('nsat')
    .description('run an NSAT golden trace (golden/nsat format): both states of every neuron every tick, spikes, weights every tick')
    .argument('<file>', 'NSAT golden JSON file (e.g. tests/golden/nsat/erbp-tiny.json)')
    .option('--json', 'print the result as JSON')
    .action((file: string, flags: { json?: boolean }) => {
      const json = readJsonFile(file);
      const problems = checkNsatGoldenShape(json);
      if (problems.length > 0) throw new UsageError(`${file}: not an NSAT golden trace: ${problems.join('; ')}`);
      let r;
      try {
        r = runNsatGolden(json as NsatGolden);
      } catch (e) {
        ctx.io.out(`FAIL ${file}: malformed golden file (${(e as Error).message})\n`);
        ctx.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      ctx.io.out(flags.json ? JSON.stringify({ file, ...r }, null, 2) + '\n' : formatNsatResult(r, file));
      ctx.exitCode = r.pass ? EXIT_OK : EXIT_DIAGNOSTICS;
    });
}
