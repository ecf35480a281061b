/** The list of verbs. Each module exports `register(program, ctx)`. */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { register as registerRun } from './run.js';
import { register as registerConformance } from './conformance.js';

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export const commands: RegisterCommand[] = [registerRun, registerConformance];
