/**
 * Readable listing of `sop` microcode with per-update operation counts (`dendrite explain --rule`).
 *
 * Operation counts per triggered synapse: one addition per product term (Σ and w + Δ), one multiplication per
 * extra factor and per mantissa other than ±1, one shift per term with a nonzero exponent, two comparisons per
 * range gate and one per compare gate. A term whose factors are all per-post-neuron values (post state, post
 * trace, modulator) can be scaled once per post neuron and shared by all its synapses; such multiplications and
 * shifts are listed "per post neuron". Time windows are evaluated once per event ("per event").
 * For eRBP this gives the paper's "one addition and two comparisons per synapse".
 */
import type { EventDef, FactorRef, GateDef, SopProgram, TermDef } from './program.js';

export interface OpCounts {
  /** Per triggered synapse. */
  readonly additions: number;
  readonly multiplications: number;
  readonly shifts: number;
  readonly comparisons: number;
  /** Shared per post neuron (scaling of post-only terms). */
  readonly perPostMultiplications: number;
  readonly perPostShifts: number;
  /** Once per event (time windows). */
  readonly perEventComparisons: number;
}

function postOnly(t: TermDef): boolean {
  return t.factors.length > 0 && t.factors.every((f) => f.kind === 'post_state' || f.kind === 'post_trace' || f.kind === 'modulator');
}

export function eventOpCounts(e: EventDef): OpCounts {
  let additions = 0, multiplications = 0, shifts = 0, comparisons = 0, pm = 0, ps = 0, pe = 0;
  for (const t of e.terms) {
    additions += 1;
    const mult = Math.max(0, t.factors.length - 1) + (Math.abs(t.mant) !== 1 ? 1 : 0);
    const sh = t.exp !== 0 ? 1 : 0;
    if (postOnly(t)) { pm += mult; ps += sh; } else { multiplications += mult; shifts += sh; }
  }
  for (const g of e.gates) {
    if (g.kind === 'range') comparisons += 2;
    else if (g.kind === 'compare') comparisons += 1;
    else pe += 1;
  }
  return { additions, multiplications, shifts, comparisons, perPostMultiplications: pm, perPostShifts: ps, perEventComparisons: pe };
}

function factorName(p: SopProgram, f: FactorRef): string {
  switch (f.kind) {
    case 'pre_trace': return `pre.${p.traces[f.index]?.name ?? `trace${f.index}`}`;
    case 'post_trace': return `post.${p.traces[f.index]?.name ?? `trace${f.index}`}`;
    case 'post_state': return `post.${f.state}`;
    case 'modulator': return p.modulators[f.index]?.name ?? `mod${f.index}`;
    case 'weight': return 'w';
  }
}

function gateText(p: SopProgram, g: GateDef): string {
  switch (g.kind) {
    case 'range': return `${factorName(p, g.operand)} in ${g.loInclusive ? '[' : '('}${g.lo}, ${g.hi}${g.hiInclusive ? ']' : ')'}`;
    case 'compare': return `${factorName(p, g.operand)} ${g.op} ${g.value}`;
    case 'time': return `t mod ${g.period} ${g.op} ${g.value}`;
  }
}

function termText(p: SopProgram, t: TermDef): string {
  const s = t.exp === 0 ? `${t.mant}` : `${t.mant}·2^${t.exp}`;
  return [s, ...t.factors.map((f) => factorName(p, f))].join(' · ');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('ch') ? 'es' : 's'}`;

/** A multi-line listing of the program, its events and their operation counts. */
export function describeProgram(p: SopProgram): string {
  const lines: string[] = [];
  lines.push(`rule ${p.rule} on ${p.projection} (microcode kind ${p.kind}${p.drivenBy ? `, driven by ${p.drivenBy}` : ''})`);
  lines.push(`  rounding ${p.rounding}; Δw saturated to ${p.accumulatorBits} bits${p.bounds ? `; weight bounds [${p.bounds[0]}, ${p.bounds[1]}]` : ''}`);
  for (const t of p.traces) {
    const d = t.decay.kind === 'multiplicative' ? `×${t.decay.factor}/2^${t.decay.fracBits}` : t.decay.kind === 'shift' ? `x − x>>${t.decay.shift}` : 'none';
    lines.push(`  trace ${t.side}.${t.name}: ${t.bits} bits, decay ${d}, impulse ${t.impulse}/2^${t.impulseFracBits}${t.stochastic ? ', stochastic rounding' : ''}`);
  }
  for (const m of p.modulators) {
    lines.push(`  modulator ${m.name}: initial ${m.initial}${m.schedule ? `, schedule ${m.schedule.segments.map((s) => `[${s.from},${s.to})=${s.value}`).join(' ')} otherwise ${m.schedule.otherwise}` : m.perEpoch?.length ? `, per epoch ${m.perEpoch.join(', ')} (then the last)` : ', set by the host'}`);
  }
  p.events.forEach((e, i) => {
    const trig = e.trigger.kind === 'periodic' ? `every 2^${e.trigger.log2Period} steps` : `on ${e.trigger.kind} spike`;
    lines.push(`  event ${i}: ${trig}`);
    for (const g of e.gates) lines.push(`    when ${gateText(p, g)}`);
    lines.push(`    w ${e.op === 'set' ? '=' : '+='} ${e.terms.map((t) => termText(p, t)).join(' + ')}`);
    const c = eventOpCounts(e);
    const per = [plural(c.additions, 'addition'), plural(c.comparisons, 'comparison')];
    if (c.multiplications) per.push(plural(c.multiplications, 'multiplication'));
    if (c.shifts) per.push(plural(c.shifts, 'shift'));
    let ops = `    ops: ${per.join(', ')} per synapse`;
    const shared = [c.perPostMultiplications ? plural(c.perPostMultiplications, 'multiplication') : '', c.perPostShifts ? plural(c.perPostShifts, 'shift') : ''].filter(Boolean);
    if (shared.length) ops += `; ${shared.join(', ')} per post neuron`;
    if (c.perEventComparisons) ops += `; ${plural(c.perEventComparisons, 'comparison')} per event`;
    lines.push(ops);
  });
  return lines.join('\n') + '\n';
}
