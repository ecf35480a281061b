/** `dendrite fmt <file.snn> [--write] [--check]`: canonical formatting (comments kept). */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { requireSnnFile } from '../network-input.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, printDiagnostics, readUserFile, UsageError, writeUserFile } from '../io.js';
import { formatSource } from '../../compiler/frontend.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('fmt')
    .description('print a .snn file in canonical layout (or rewrite it with --write)')
    .argument('<file.snn>', 'the file to format')
    .option('--write', 'rewrite the file in place instead of printing it')
    .option('--check', 'print nothing; exit 1 if the file is not formatted')
    .action((file: string, opts: { write?: boolean; check?: boolean }) => {
      if (opts.write && opts.check) throw new UsageError('--write and --check cannot be combined');
      requireSnnFile(file, 'fmt formats .snn sources only');
      const text = readUserFile(file);
      const r = formatSource(text, file);
      printDiagnostics(ctx.io, r.diagnostics, new Map([[file, text]]));
      if (r.text === undefined) {
        ctx.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      if (opts.check) {
        if (r.text !== text) ctx.io.err(`${file}: not formatted (run \`dendrite fmt --write ${file}\`)\n`);
        ctx.exitCode = r.text === text ? EXIT_OK : EXIT_DIAGNOSTICS;
        return;
      }
      if (opts.write) {
        if (r.text !== text) {
          writeUserFile(file, r.text);
        }
        ctx.exitCode = EXIT_OK;
        return;
      }
      ctx.io.out(r.text);
      ctx.exitCode = EXIT_OK;
    });
}
