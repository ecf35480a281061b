/** `dendrite check <file.snn>`: parse and check a network; print diagnostics or a one-line summary. */
import type { Command } from 'commander';
import type { CommandContext } from '../main.js';
import { requireSnnFile } from '../network-input.js';
import { EXIT_DIAGNOSTICS, EXIT_OK, printDiagnostics, readUserFile } from '../io.js';
import { checkSource } from '../../compiler/frontend.js';
import type { Network } from '../../compiler/model.js';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.js';

/** Estimated synapse count of a projection (from_file counts as 0: unknown until the file is read). */
function synapses(net: Network): number {
  const size = new Map(net.populations.map((p) => [p.name, p.size]));
  let total = 0;
  for (const p of net.projections) {
    const a = size.get(p.pre) ?? 0;
    const b = size.get(p.post) ?? 0;
    const c = p.connector;
    total += c.kind === 'dense' ? a * b : c.kind === 'one_to_one' ? a : c.kind === 'random' ? Math.round(c.p * a * b) : 0;
  }
  return total;
}

const n = (x: number): string => x.toLocaleString('en-US');
const plural = (k: number, word: string): string => `${n(k)} ${word}${k === 1 ? '' : 's'}`;

export function summary(net: Network): string {
  const neurons = net.populations.reduce((s, p) => s + p.size, 0);
  const fromFile = net.projections.some((p) => p.connector.kind === 'from_file') ? ' + from_file' : '';
  return (
    `${net.name}: ${plural(net.populations.length, 'population')} (${plural(neurons, 'neuron')}), ` +
    `${plural(net.projections.length, 'projection')} (~${plural(synapses(net), 'synapse')}${fromFile}), ${plural(net.rules.length, 'rule')}`
  );
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('check')
    .description('parse and check a .snn network: names, units, shapes, parameter ranges, learning rules')
    .argument('<file.snn>', 'the network to check')
    .action((file: string) => {
      requireSnnFile(file, 'check reads .snn sources (a compiled .ir.json is checked when `run` loads it)');
      const text = readUserFile(file);
      const r = checkSource(text, file);
      printDiagnostics(ctx.io, r.diagnostics, r.sources);
      if (hasErrors(r.diagnostics) || !r.network) {
        ctx.exitCode = EXIT_DIAGNOSTICS;
        return;
      }
      ctx.io.out(summary(r.network) + '\n');
      ctx.exitCode = EXIT_OK;
    });
}
