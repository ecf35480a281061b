/** `dendrite compile <file.snn>`: compile a network for a target and print the utilisation and quantization. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, printDiagnostics, UsageError, writeUserFile } from '../io.js';
import { addTargetOptions, checkSetFlags, requireSnnFile, type TargetFlags } from '../network-input.js';
import { compileFile } from '../../compiler/compile.js';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { renderQuantSummary } from '../../compiler/lower/quantReport.js';
import { renderUtilisation } from '../../compiler/lower/utilisation.js';
import { writeIr } from '../../ir/write.js';

interface CompileFlags extends TargetFlags {
  out?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('compile')
    .description('compile a .snn network for a target chip profile into the fixed-point IR')
    .argument('<file>', '.snn source file')
    .option('-o, --out <file>', 'write the IR (JSON) to this file')
    .option('--json', 'print one JSON object (diagnostics, utilisation, quantization) instead of tables');
  addTargetOptions(cmd).action((file: string, flags: CompileFlags) => {
    requireSnnFile(file, 'expected a .snn source file');
    checkSetFlags(flags.set);
    if (flags.out !== undefined && resolve(flags.out) === resolve(file)) throw new UsageError(`-o ${flags.out} would overwrite the source file`);
    const r = compileFile(file, { target: flags.target, sets: flags.set ?? [], strict: flags.strict });
    const failed = hasErrors(r.diagnostics) || r.ir === undefined;
    if (!failed && flags.out) writeUserFile(flags.out, writeIr(r.ir!));
    if (flags.json) {
      const m = r.reports.mapping;
      ctx.io.out(
        JSON.stringify(
          {
            ok: !failed,
            file,
            target: r.reports.profile?.name ?? flags.target ?? 'default',
            out: !failed && flags.out ? flags.out : null,
            diagnostics: r.diagnostics,
            cores: m ? m.cores.map((c) => ({ core: c.index, population: c.population, start: c.start, end: c.end, ...c.use })) : [],
            quantization: r.reports.quantization,
            scales: r.reports.scales,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      printDiagnostics(ctx.io, r.diagnostics, r.sources);
      if (r.reports.mapping && r.reports.profile) ctx.io.out(renderUtilisation(r.reports.mapping, r.reports.profile) + '\n');
      if (r.reports.quantization.length > 0) ctx.io.out('quantization\n' + renderQuantSummary(r.reports.quantization));
      if (!failed) {
        ctx.io.out(flags.out ? `wrote ${flags.out}\n` : 'compiled without errors (use -o FILE to write the IR)\n');
      }
    }
    ctx.exitCode = failed ? EXIT_DIAGNOSTICS : EXIT_OK;
  });
}
