/**
 * The input every running command accepts: a `.snn` source (compiled here through the one pipeline, with
 * `--target`/`--set`) or an already compiled `.ir.json` (loaded and validated). Diagnostics are printed here.
 */
import type { Command } from 'commander';
import { compileFile } from '../compiler/compile.js';
import type { Network } from '../compiler/model.js';
import type { DendriteIr } from '../ir/types.js';
import { loadIr } from '../ir/load.js';
import { printDiagnostics, readUserFile, UsageError, type Io } from './io.js';

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

/** Adds `--target`, `--set` (repeatable) and `--strict` to a command. */
export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--target <name|path>', 'target profile: a name in targets/ (default, loihi1, nsat, truenorth, odin) or a .yaml path')
    .option('--set <key=value>', 'override a target profile field, e.g. synapse.weight.mant_bits=4 (repeatable)', collect, [])
    .option('--strict', 'treat lossy quantization (saturation, underflow to zero) as errors');
}

/** Checks the shape of every `--set` before anything is compiled. */
export function checkSetFlags(sets: readonly string[] | undefined): void {
  for (const s of sets ?? []) if (!/^[^=\s]+=.+$/.test(s)) throw new UsageError(`--set expects key=value, got "${s}"`);
}

/** Compiles or loads `file`; returns undefined after printing diagnostics (the caller exits 1). */
export function loadNetworkInput(file: string, flags: TargetFlags, io: Io): NetworkInput | undefined {
  checkSetFlags(flags.set);
  if (file.endsWith('.snn')) {
    const res = compileFile(file, { target: flags.target, sets: flags.set ?? [], strict: flags.strict });
    if (res.diagnostics.length > 0) printDiagnostics(io, res.diagnostics, res.sources);
    if (res.ir === undefined) return undefined;
    return { ir: res.ir, network: res.network, sources: res.sources };
  }
  if (flags.target !== undefined || (flags.set ?? []).length > 0) {
    throw new UsageError(`${file} is already compiled: --target and --set apply only to .snn sources`);
  }
  const { ir, diagnostics } = loadIr(readUserFile(file), file);
  if (ir === undefined) {
    printDiagnostics(io, diagnostics, new Map());
    return undefined;
  }
  return { ir, sources: new Map() };
}
