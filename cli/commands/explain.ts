/**
 * `dendrite explain <file.snn> --rule NAME`: the learning microcode a rule lowers to on a target, with the
 * operation count of each update (eRBP: one addition and two comparisons per synapse).
 */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, UsageError } from '../io.js';
import { addTargetOptions, loadNetworkInput, type TargetFlags } from '../network-input.js';
import { describeProgram } from '../../emulator/learning/describe.js';
import type { SopProgram } from '../../emulator/learning/program.js';

interface ExplainFlags extends TargetFlags {
  rule?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('explain')
    .description("show a learning rule's lowered microcode on a target, with its per-update operation count")
    .argument('<file>', '.snn source (or compiled .ir.json)')
    .option('--rule <name>', 'the rule to show (default: every rule used by a plastic projection)')
    .option('--json', 'print the microcode programs as JSON');
  addTargetOptions(cmd).action((file: string, flags: ExplainFlags) => {
    const input = loadNetworkInput(file, flags, ctx.io);
    if (input === undefined) {
      ctx.exitCode = EXIT_DIAGNOSTICS;
      return;
    }
    const programs = input.ir.learning as unknown as SopProgram[];
    const rules = [...new Set(programs.map((p) => p.rule))];
    const chosen = flags.rule === undefined ? programs : programs.filter((p) => p.rule === flags.rule);
    if (chosen.length === 0) {
      const declared = input.network?.rules.map((r) => r.name) ?? [];
      if (flags.rule !== undefined && declared.includes(flags.rule)) {
        throw new UsageError(`rule \`${flags.rule}\` is declared but no plastic projection uses it, so it has no microcode`);
      }
      const known = rules.length ? `rules with microcode: ${rules.join(', ')}` : 'the network has no plastic projections';
      throw new UsageError(flags.rule === undefined ? `${file}: ${known}` : `no rule \`${flags.rule}\` in ${file} (${known})`);
    }
    if (flags.json) ctx.io.out(JSON.stringify(chosen, null, 2) + '\n');
    else {
      ctx.io.out(`target ${input.ir.target.name}\n\n`);
      ctx.io.out(chosen.map((p) => describeProgram(p)).join('\n'));
    }
    ctx.exitCode = EXIT_OK;
  });
}
