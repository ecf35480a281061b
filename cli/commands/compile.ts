/** `dendrite compile <file.snn>`: compile a network for a target and print the utilisation and quantization. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, printDiagnostics, UsageError } from '../io.js';
import { compileFile } from '../../compiler/compile.js';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { renderQuantSummary } from '../../compiler/lower/quantReport.js';
import { renderUtilisation } from '../../compiler/lower/utilisation.js';
import { writeIr } from '../../ir/write.js';

interface CompileFlags {
  target: string;
  out?: string;
  set: string[];
  strict?: boolean;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('compile')
    .description('compile a .snn network for a target chip profile into the fixed-point IR')
    .argument('<file>', '.snn source file')
    .option('-t, --target <name|path>', 'target profile: a shipped name (default, loihi1, nsat, truenorth, odin) or a .yaml path', 'default')
    .option('-o, --out <file>', 'write the IR (JSON) to this file')
    .option('--set <key=value>', 'override a target profile field, e.g. synapse.weight.mant_bits=4 (repeatable)', collect, [])
    .option('--strict', 'treat lossy quantization (saturation, values rounded to 0) as errors')
    .option('--json', 'print one JSON object (diagnostics, utilisation, quantization) instead of tables')
    .action((file: string, flags: CompileFlags) => {
      if (!file.endsWith('.snn')) throw new UsageError(`${file}: expected a .snn source file`);
      for (const s of flags.set) if (!s.includes('=')) throw new UsageError(`--set ${s}: expected key=value`);
      const r = compileFile(file, { target: flags.target, sets: flags.set, strict: flags.strict });
      const failed = hasErrors(r.diagnostics) || r.ir === undefined;
      if (!failed && flags.out) {
        try {
          writeFileSync(flags.out, writeIr(r.ir!));
        } catch (e) {
          throw new UsageError(`cannot write ${flags.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      }
      if (flags.json) {
        const m = r.reports.mapping;
        ctx.io.out(
          JSON.stringify(
            {
              ok: !failed,
              file,
              target: r.reports.profile?.name ?? flags.target,
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
