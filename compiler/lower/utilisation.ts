/** The utilisation table of a mapping (per core: % compartments, in-axons, out-axons, synapse memory; totals). */
import type { TargetProfile } from '../target/profile.js';
import type { Mapping } from './map.js';

function pct(used: number, cap: number): string {
  return cap > 0 ? `${((100 * used) / cap).toFixed(1)}%` : '-';
}

export function renderUtilisation(m: Mapping, target: TargetProfile): string {
  const c = target.core;
  const header = ['core', 'chip:x,y', 'population', 'neurons', 'compartments', 'in-axons', 'out-axons', 'synapse mem', 'synapses'];
  const rows = m.cores.map((k) => [
    String(k.index),
    `${k.place.chip}:${k.place.x},${k.place.y}`,
    k.population,
    `${k.start}..${k.end - 1}`,
    pct(k.use.compartments, c.compartments),
    pct(k.use.inputAxons, c.input_axons),
    pct(k.use.outputAxons, c.output_axons),
    pct(k.use.synapseBits, c.synapse_memory.bits),
    k.use.synapses.toLocaleString('en-US'),
  ]);
  const n = m.cores.length;
  const sum = (f: (u: Mapping['cores'][number]['use']) => number) => m.cores.reduce((a, k) => a + f(k.use), 0);
  rows.push([
    'total',
    `${m.chipsUsed} chip${m.chipsUsed === 1 ? '' : 's'}`,
    `${n} of ${(target.chip.cores * target.chip.max_chips).toLocaleString('en-US')} cores`,
    '',
    pct(sum((u) => u.compartments), n * c.compartments),
    pct(sum((u) => u.inputAxons), n * c.input_axons),
    pct(sum((u) => u.outputAxons), n * c.output_axons),
    pct(sum((u) => u.synapseBits), n * c.synapse_memory.bits),
    sum((u) => u.synapses).toLocaleString('en-US'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((x, i) => (i <= 3 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    `target ${target.name}: per-core use (% of the core's limits)`,
    line(header),
    rule,
    ...rows.slice(0, -1).map(line),
    rule,
    line(rows[rows.length - 1]!),
    `mean mesh distance per axon: ${m.meanHops.toFixed(2)} hops (estimate)`,
  ].join('\n') + '\n';
}
