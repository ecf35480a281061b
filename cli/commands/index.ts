/** The list of verbs. Each module exports `register(program, ctx)`. */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { register as registerRun } from './run.js';
import { register as registerConformance } from './conformance.js';
import { register as registerCheck } from './check.js';
import { register as registerFmt } from './fmt.js';
import { register as registerDiff } from './diff.js';
import { register as registerCompile } from './compile.js';
import { register as registerTrain } from './train.js';
import { register as registerSweep } from './sweep.js';
import { register as registerBaseline } from './baseline.js';
import { register as registerExplain } from './explain.js';

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** In the order `dendrite --help` lists them: the pipeline first, studies next, conformance last. */
export const commands: RegisterCommand[] = [
  registerCheck, registerFmt, registerCompile, registerExplain, registerRun, registerDiff,
  registerTrain, registerSweep, registerBaseline, registerConformance,
];
