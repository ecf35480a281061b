/**
 * `dendrite` command line. Each verb lives in `cli/commands/<verb>.ts` and is registered here.
 * Exit codes: 0 success, 1 diagnostics / failed check, 2 usage error.
 */
import { Command, CommanderError } from 'commander';
import { DiagnosticError } from '../compiler/diagnostics/diagnostic.js';
import { EXIT_DIAGNOSTICS, EXIT_USAGE, processIo, UsageError, printDiagnostics, type Io } from './io.js';
import { commands } from './commands/index.js';
import { toolVersion } from '../compiler/paths.js';

export const VERSION: string = toolVersion();

export interface CommandContext {
  readonly io: Io;
  /** Set by a command's action to the process exit code. */
  exitCode: number;
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command();
  program
    .name('dendrite')
    .description(
      'Compile spiking networks with on-chip learning rules (.snn) for a neuromorphic chip profile,\n' +
        'and run them on a bit-accurate, cycle-level emulator.\n\n' +
        'Typical first steps:\n' +
        '  dendrite check dsl-examples/erbp-mnist.snn     parse and check a network\n' +
        '  dendrite train dsl-examples/erbp-mnist.snn     train it on the bundled MNIST subset\n' +
        '  dendrite <command> --help                      options of one command',
    )
    .version(VERSION, '-V, --version', 'print the Dendrite version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
    })
    .exitOverride();
  for (const register of commands) register(program, ctx);
  return program;
}

/** Runs the CLI with `argv` (without node and script path) and returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const ctx: CommandContext = { io, exitCode: 0 };
  const program = buildProgram(ctx);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.err(`dendrite: error: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof DiagnosticError) {
      printDiagnostics(io, e.diagnostics, new Map());
      return EXIT_DIAGNOSTICS;
    }
    // A bug in Dendrite, not in the user's input: say so plainly, with the stack for the report.
    io.err(`dendrite: internal error (please report this): ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  }
}
