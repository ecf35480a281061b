/**
 * The input every running command accepts: a `.snn` source (compiled here through the one pipeline, with
 * `--target`/`--set`) or an already compiled `.ir.json` (loaded and validated). Diagnostics are printed here.
 */
import type { Command } from 'commander';
import { compileFile } from '../compiler/compile.js';
import type { Network } from '../compiler/model.js';
import { hasErrors } from '../compiler/diagnostics/diagnostic.js';
import type { DendriteIr } from '../ir/types.js';
import { loadIr } from '../ir/load.js';
import { checkReadableFile, printDiagnostics, readUserFile, UsageError, type Io } from './io.js';

export interface TargetFlags {
  target?: string;
  set?: string[];
  strict?: boolean;
}

export interface NetworkInput {
  readonly ir: DendriteIr;
  /** The checked network, when the input was a `.snn` source. */
  readonly network?: Network;
  readonly sources: Map<string, string>;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export interface TargetOptionSettings {
  /** Add `--strict` (commands whose compile path can honour it). Default true. */
  readonly strict?: boolean;
  /** Help text of `--set`, when the command uses the overrides differently (sweep: fixed at every point). */
  readonly setHelp?: string;
}

/** Adds `-t, --target`, `--set` (repeatable) and `--strict` to a command. */
export function addTargetOptions(cmd: Command, settings: TargetOptionSettings = {}): Command {
  cmd
    .option('-t, --target <name|path>', 'target profile: a name in targets/ (default, loihi1, nsat, truenorth, odin) or a .yaml path (default: default)')
    .option('--set <key=value>', settings.setHelp ?? 'override a target profile field, e.g. synapse.weight.mant_bits=4 (repeatable)', collect);
  if (settings.strict !== false) cmd.option('--strict', 'treat lossy quantization (saturation, values rounded to 0) as errors');
  return cmd;
}

/** Checks the shape of every `--set` before anything is compiled. */
export function checkSetFlags(sets: readonly string[] | undefined): void {
  for (const s of sets ?? []) if (!/^[^=\s]+=.+$/.test(s)) throw new UsageError(`--set expects key=value, got "${s}"`);
}

/** What a file argument holds, by its name: a `.snn` source or a compiled IR (`.json`, e.g. `net.ir.json`). */
export function inputKind(file: string): 'snn' | 'ir' {
  if (file.endsWith('.snn')) return 'snn';
  if (file.endsWith('.json')) return 'ir';
  throw new UsageError(`${file}: expected a .snn source or a compiled .ir.json file`);
}

/** For commands that compile every time (compile, diff, sweep): the file must be a readable `.snn` source. */
export function requireSnnFile(file: string, why: string): void {
  if (!file.endsWith('.snn')) throw new UsageError(`${file}: ${why}`);
  checkReadableFile(file);
}

/** Compiles `file` (a `.snn`) with the target flags; undefined after printing diagnostics (the caller exits 1). */
export function compileInput(file: string, flags: TargetFlags, io: Io): (NetworkInput & { readonly network: Network }) | undefined {
  checkSetFlags(flags.set);
  checkReadableFile(file);
  const res = compileFile(file, { target: flags.target, sets: flags.set ?? [], strict: flags.strict });
  if (res.diagnostics.length > 0) printDiagnostics(io, res.diagnostics, res.sources);
  // Errors with an IR happen (e.g. lossy quantization under --strict): the IR must not be used then.
  if (res.ir === undefined || res.network === undefined || hasErrors(res.diagnostics)) return undefined;
  return { ir: res.ir, network: res.network, sources: res.sources };
}

/** Compiles or loads `file`; returns undefined after printing diagnostics (the caller exits 1). */
export function loadNetworkInput(file: string, flags: TargetFlags, io: Io): NetworkInput | undefined {
  checkSetFlags(flags.set);
  if (inputKind(file) === 'snn') return compileInput(file, flags, io);
  if (flags.target !== undefined || (flags.set ?? []).length > 0 || flags.strict) {
    throw new UsageError(`${file} is already compiled: --target, --set and --strict apply only to .snn sources`);
  }
  const { ir, diagnostics } = loadIr(readUserFile(file), file);
  if (ir === undefined) {
    printDiagnostics(io, diagnostics, new Map());
    return undefined;
  }
  return { ir, sources: new Map() };
}
