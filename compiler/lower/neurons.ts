/**
 * Neuron models → compartment-group registers, for each IR compartment model (`loihi`, `cuba`, `nsat`).
 *
 * Three steps, so the lowering can pick state units from the weights before it fills registers:
 *   1. `planNeuron`: which model state becomes which IR state and input port, which states share an integer
 *      unit ("scale domain"), and every structural thing the target cannot represent (diagnostics).
 *   2. `chooseScales`: the float value of one integer LSB per domain (docs/lowering.md §Scaling).
 *   3. `lowerNeuron`: decays, threshold, bias, reset, clamps, refractory in integers, plus quantization reports.
 *
 * Resting potentials are removed by an offset: the chip holds x' = x − rest_x, so a reset to rest becomes a
 * reset to 0 (what Loihi offers) and thresholds/floors/reset values are stored relative to rest. A state that
 * integrates another then sees rest_other as a constant input, folded into the bias. With a subtractive reset
 * and a non-zero rest the membrane keeps offset 0 instead and the pull toward rest, (1 − α)·rest, is a bias.
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.js';
import type { NeuronModel, Population, StateVar as ModelState } from '../model.js';
import { MAX_EXTRA_CURRENTS, type CompartmentGroup, type CubaGroup, type CubaNoise, type DecayMode as IrDecay, type LoihiGroup, type NsatGroup, type StateVar as IrState } from '../../ir/types.js';
import { bernoulliThreshold } from '../../emulator/prng.js';
import { roundHalfEven } from '../../emulator/arith.js';
import { weightFormat, quantizeBias, quantizeDecay, quantizeThreshold } from './quantize.js';
import type { QuantReport } from './quantReport.js';
import type { StateSpec, TargetProfile } from '../target/profile.js';

export const NEURON_CODES = {
  structure: 'SNN3401', // the target's compartment cannot express the neuron's structure
  threshold: 'SNN3402', // threshold not representable (sign)
  reset: 'SNN3403', // reset mode not offered
  refractory: 'SNN3404', // refractory period out of range
  ignored: 'SNN3405', // a setting the target cannot hold and that is dropped (warning)
  approximate: 'SNN3406', // represented only approximately (warning)
} as const;

/** A report in integer units → the same report in model units (one LSB = `unit`). Relative errors are unchanged. */
export function inModelUnits(r: QuantReport, unit: number): QuantReport {
  return { ...r, step: r.step * unit, maxAbs: r.maxAbs * unit, maxError: r.maxError * unit, rmsError: r.rmsError * unit };
}

/** Headroom: the threshold uses at most half of the membrane's positive range. */
export const STATE_HEADROOM_BITS = 1;
/** Headroom: the input accumulator holds this many simultaneous largest-|w| spikes (or the whole fan-in). */
export const ACCUMULATOR_HEADROOM_BITS = 6;

export type IrModel = 'loihi' | 'cuba' | 'nsat';

export interface PortPlan {
  readonly irPort: number;
  readonly domain: number;
  readonly state: string;
}

export interface NeuronPlan {
  readonly model: IrModel;
  readonly neuron: NeuronModel;
  /** Model state name → scale domain. */
  readonly domainOf: ReadonlyMap<string, number>;
  readonly domainCount: number;
  /** Model state name → IR state name (what probes and the learning engine read). */
  readonly irState: ReadonlyMap<string, string>;
  /** Model port name → IR input port. */
  readonly ports: ReadonlyMap<string, PortPlan>;
  /** Model state name → the offset subtracted on chip (its rest, or 0). */
  readonly offset: ReadonlyMap<string, number>;
  /** Domain of the membrane (threshold, bias). */
  readonly somaDomain: number;
  /** nsat: state order (x0 = membrane). */
  readonly order: readonly string[];
}

/** What arrives into one scale domain, gathered by the lowering from the materialised projections. */
export interface DomainDemand {
  /** Largest |w| of any synapse into the domain (model units). */
  readonly maxAbsWeight: number;
  /** Largest number of synapses into one neuron of the domain. */
  readonly maxFanIn: number;
}

export interface LoweredNeuron {
  readonly plan: NeuronPlan;
  /** Float value of one LSB per domain. */
  readonly scales: readonly number[];
  /** Float value of one integer unit of a model state (by model or IR name). */
  stateStep(state: string): number | undefined;
  /**
   * A compartment group for `size` neurons of this population, starting at the population's neuron `offset`
   * (per-neuron initial values are taken from there).
   */
  makeGroup(name: string, first: number, size: number, neuronBase: number, offset?: number): CompartmentGroup;
  readonly reports: readonly QuantReport[];
  readonly diagnostics: readonly Diagnostic[];
}

// ---------------------------------------------------------------------------------------------------------
// 1. Plan

function specByRole(p: TargetProfile, role: string): [string, StateSpec] | undefined {
  for (const [name, s] of Object.entries(p.neuron.states)) if (s.role === role) return [name, s];
  return undefined;
}

function err(code: string, message: string, span: Span | undefined, hint?: string): Diagnostic {
  return { code, severity: 'error', message, span, hint };
}

export function planNeuron(pop: Population, profile: TargetProfile): { plan?: NeuronPlan; diagnostics: Diagnostic[] } {
  const n = pop.neuron!;
  const ds: Diagnostic[] = [];
  const model = profile.neuron.model;
  const who = `population ${pop.name} (${n.typeName})`;
  const byRole = (r: string) => n.states.filter((s) => s.role === r);
  const membrane = n.states.find((s) => s.name === n.membrane);
  const currents = byRole('current');
  const dendrites = byRole('dendrite');
  const others = byRole('other');

  if (n.states.length > profile.neuron.max_states) {
    ds.push(err(NEURON_CODES.structure, `${who} has ${n.states.length} state variables; ${profile.name}'s neurons hold at most ${profile.neuron.max_states}`, n.span));
  }
  if (!membrane) ds.push(err(NEURON_CODES.structure, `${who} has no membrane state`, n.span));
  if (!n.spiking && model === 'loihi') {
    ds.push(err(NEURON_CODES.structure, `${who} does not spike (LI); ${profile.name}'s compartments always compare against a threshold`, n.span, 'use a spiking neuron type'));
  }
  if (n.noise) {
    // The cuba compartment draws Bernoulli noise into v (IR `CubaGroup.noise`); nothing else has a noise source.
    if (model !== 'cuba') {
      ds.push(err(NEURON_CODES.structure, `${who} has ${n.noise.kind} noise; the ${model} compartment model has no noise source`, n.noise.span,
        'project a Poisson source into the population instead, or use `--target default`'));
    } else if (n.noise.kind !== 'poisson') {
      ds.push(err(NEURON_CODES.structure, `${who} has ${n.noise.kind} noise; the cuba compartment draws only Poisson (Bernoulli per step) noise`, n.noise.span,
        'use `noise poisson into v rate R amplitude A`'));
    } else if (n.noise.target !== n.membrane) {
      ds.push(err(NEURON_CODES.structure, `${who} has noise into \`${n.noise.target}\`; the cuba compartment adds noise only to the membrane \`${n.membrane}\``, n.noise.span));
    }
  }

  const domainOf = new Map<string, number>();
  const irState = new Map<string, string>();
  const ports = new Map<string, PortPlan>();
  const offset = new Map<string, number>();
  let order: string[] = [];
  let domainCount = 1;

  const stateIntegrates = (s: ModelState, want: readonly string[]) =>
    s.integrates.length === want.length && want.every((w) => s.integrates.includes(w));

  if (model === 'loihi' || model === 'cuba') {
    // cuba: the first current is `i` (port 0), the others are extra currents (ports 2, 3, …; IR `extraCurrents`).
    const maxCur = model === 'cuba' ? 1 + MAX_EXTRA_CURRENTS : 1;
    if (currents.length > maxCur) {
      ds.push(err(NEURON_CODES.structure, `${who} has ${currents.length} current states (${currents.map((s) => s.name).join(', ')}); the ${model} compartment of ${profile.name} has ${maxCur === 1 ? 'one' : `at most ${maxCur}`}`, currents[maxCur]!.span));
    }
    const extras = model === 'cuba' ? currents.slice(1, maxCur) : [];
    const maxDend = model === 'cuba' ? 1 : 0;
    if (dendrites.length > maxDend) {
      ds.push(err(NEURON_CODES.structure, `${who} has a dendritic state \`${dendrites[maxDend]!.name}\`; the ${model} compartment of ${profile.name} has ${maxDend === 0 ? 'none' : 'only one'}`, dendrites[maxDend]!.span,
        maxDend === 0 ? 'use a target with multi-compartment neurons (e.g. `--target default` or `nsat`)' : undefined));
    }
    if (others.length > 0) {
      ds.push(err(NEURON_CODES.structure, `${who} has a state \`${others[0]!.name}\` of no recognised role; the ${model} compartment holds only a current, a membrane${model === 'cuba' ? ' and a dendrite' : ''}`, others[0]!.span));
    }
    const cur = currents[0];
    const dend = model === 'cuba' ? dendrites[0] : undefined;
    if (cur && !specByRole(profile, 'current')) {
      ds.push(err(NEURON_CODES.structure, `${who} has a current state \`${cur.name}\`; ${profile.name}'s neurons have no current state`, cur.span,
        'use a neuron type whose input goes straight into the membrane (LIF, IF)'));
    }
    if (dend && !specByRole(profile, 'dendrite')) {
      ds.push(err(NEURON_CODES.structure, `${who} has a dendritic state \`${dend.name}\`; ${profile.name}'s neurons have no dendrite`, dend.span));
    }
    const reserved = new Set(['i', 'v', 'ref', 'in', ...(dend ? [dend.name] : [])]);
    for (const x of extras) {
      if (reserved.has(x.name)) {
        ds.push(err(NEURON_CODES.structure, `${who}: a second current cannot be called \`${x.name}\` on the ${model} compartment (the name is taken)`, x.span, 'rename the state'));
      }
      reserved.add(x.name);
    }
    if (membrane) {
      const curs = cur ? [cur, ...extras] : [];
      const want = curs.map((x) => x.name);
      if (!stateIntegrates(membrane, want)) {
        const what = curs.length === 0 ? 'no other state' : curs.length === 1 ? `exactly the current \`${cur!.name}\`` : `exactly its currents (${want.join(', ')})`;
        ds.push(err(NEURON_CODES.structure, `${who}: the membrane \`${membrane.name}\` integrates [${membrane.integrates.join(', ')}]; the ${model} compartment integrates ${what}`, membrane.span));
      }
      for (const s of [cur, dend, ...extras]) {
        if (s && s.integrates.length > 0) ds.push(err(NEURON_CODES.structure, `${who}: state \`${s.name}\` integrates other states; only the membrane may`, s.span));
      }
      domainOf.set(membrane.name, 0);
      irState.set(membrane.name, 'v');
      if (cur) {
        domainOf.set(cur.name, 0);
        irState.set(cur.name, model === 'loihi' ? 'u' : 'i');
      }
      if (dend) {
        domainOf.set(dend.name, 1);
        irState.set(dend.name, dend.name);
        domainCount = 2;
      }
      for (const x of extras) {
        domainOf.set(x.name, 0); // v adds the extra currents: same unit as i and v
        irState.set(x.name, x.name);
      }
      for (const p of n.ports) {
        const target = n.states.find((s) => s.name === p.target);
        if (!target) continue;
        const e = extras.indexOf(target);
        if (target === dend) ports.set(p.name, { irPort: 1, domain: 1, state: target.name });
        else if (target === (cur ?? membrane)) ports.set(p.name, { irPort: 0, domain: 0, state: target.name });
        else if (e >= 0) ports.set(p.name, { irPort: 2 + e, domain: 0, state: target.name });
        else {
          ds.push(err(NEURON_CODES.structure, `${who}: input port \`${p.name}\` feeds \`${p.target}\`; on the ${model} compartment synaptic input enters ${cur ? `the current \`${cur.name}\`` : 'the membrane'}${model === 'cuba' ? ' or the dendrite' : ''}`, p.span));
        }
      }
      order = [membrane.name, ...(cur ? [cur.name] : []), ...(dend ? [dend.name] : []), ...extras.map((x) => x.name)];
    }
  } else {
    // nsat: x0 = membrane, then the other states in declaration order; integrated states share the integrator's unit.
    if (membrane) order = [membrane.name, ...n.states.filter((s) => s !== membrane).map((s) => s.name)];
    if (order.length > 8) ds.push(err(NEURON_CODES.structure, `${who} has ${order.length} states; NSAT neurons have at most 8`, n.span));
    for (const name of order) {
      const s = n.states.find((x) => x.name === name)!;
      if (!specByRole(profile, s.role)) {
        ds.push(err(NEURON_CODES.structure, `${who}: state \`${s.name}\` has role ${s.role}; ${profile.name}'s neurons have no ${s.role} state`, s.span));
      }
    }
    const dom = new Map<string, number>();
    let next = 0;
    for (const name of order) {
      if (!dom.has(name)) dom.set(name, next++);
      const s = n.states.find((x) => x.name === name)!;
      for (const other of s.integrates) dom.set(other, dom.get(name)!);
    }
    domainCount = Math.max(1, next);
    order.forEach((name, k) => {
      domainOf.set(name, dom.get(name)!);
      irState.set(name, `x${k}`);
    });
    for (const p of n.ports) {
      const k = order.indexOf(p.target);
      if (k >= 0) ports.set(p.name, { irPort: k, domain: dom.get(p.target)!, state: p.target });
    }
  }

  // Rest offsets (see the file comment).
  for (const s of n.states) offset.set(s.name, s.rest);
  if (membrane && n.reset.kind === 'subtract' && membrane.rest !== 0) offset.set(membrane.name, 0);
  // A membrane resting at or above its threshold (a spontaneously firing neuron, e.g. Brian's CUBA with El > Vt)
  // would need a threshold below the offset: hold v − reset value instead (the reset becomes 0, the threshold
  // positive) and let the bias carry the pull toward rest.
  if (membrane && n.spiking && n.reset.kind === 'value' && membrane.rest >= n.threshold && n.reset.value < n.threshold) {
    offset.set(membrane.name, n.reset.value);
  }

  // Reset modes.
  if (membrane) {
    const modes = profile.neuron.reset_modes;
    const r = n.reset;
    const off = offset.get(membrane.name)!;
    const ok =
      r.kind === 'value'
        ? modes.includes('value') || (modes.includes('zero') && r.value - off === 0)
        : modes.includes(r.kind) && !(model === 'loihi');
    if (!ok) {
      const what = r.kind === 'value' ? `reset to ${r.value}` : `reset mode \`${r.kind}\``;
      ds.push(err(NEURON_CODES.reset, `${who} uses ${what}; ${profile.name} resets the membrane ${modes.includes('value') ? `by ${modes.join(', ')}` : 'to its resting value only'}`, n.span,
        r.kind === 'value' ? 'reset to the resting potential (`rest`)' : `use \`reset = ${modes.includes('value') ? 'value' : 'rest'}\``));
    }
  }

  if (ds.some((d) => d.severity === 'error')) return { diagnostics: ds };
  return {
    plan: { model, neuron: n, domainOf, domainCount, irState, ports, offset, somaDomain: 0, order },
    diagnostics: ds,
  };
}

// ---------------------------------------------------------------------------------------------------------
// 2. Scales

function retention(tau: number | null, dt: number): number {
  return tau === null ? 1 : Math.exp(-dt / tau);
}

/** Bias of the membrane in model units, after folding in the rest offsets (see the file comment). */
function effectiveBias(plan: NeuronPlan, dt: number, alphaV?: number): number {
  const n = plan.neuron;
  const m = n.states.find((s) => s.name === n.membrane);
  if (!m) return n.bias;
  let b = n.bias;
  for (const x of m.integrates) b += plan.offset.get(x) ?? 0;
  // x' = x − o leaks toward rest − o: x' ← α·x' + (1 − α)·(rest − o) + input.
  const o = plan.offset.get(m.name)!;
  if (o !== m.rest) b += (1 - (alphaV ?? retention(m.tau, dt))) * (m.rest - o);
  return b;
}

function stateMaxInt(plan: NeuronPlan, profile: TargetProfile, state: ModelState): number {
  if (plan.model === 'loihi' && state.role === 'membrane') return 2 ** 23 - 1; // vmax with the largest exponent
  const spec = specByRole(profile, state.role)?.[1];
  return spec ? 2 ** (spec.bits - 1) - 1 : 2 ** 15 - 1;
}

/**
 * How far a state fed directly by a port can grow beyond one step's input: a leaky state under sustained input
 * settles at input / (1 − α), α = exp(−dt/τ); a non-leaky one has no such bound, so it gets the accumulator's
 * headroom. A spiking membrane is bounded by its threshold instead (handled with the threshold). The caller
 * caps fan-in × gain at the accumulator headroom so one slow state cannot make the whole domain coarse.
 */
function accumulationGain(plan: NeuronPlan, s: NeuronModel['states'][number], dt: number): number {
  const fedByPort = [...plan.ports.values()].some((p) => p.state === s.name);
  const n = plan.neuron;
  if (!fedByPort || (s.name === n.membrane && n.spiking)) return 1;
  if (s.tau === null) return 2 ** ACCUMULATOR_HEADROOM_BITS;
  return 1 / (1 - Math.exp(-dt / s.tau));
}

/**
 * The float value of one LSB of each domain: the finest unit at which the threshold (with headroom), the
 * largest weight (representable, and with accumulator headroom for simultaneous spikes), the bias, reset value
 * and clamps all fit their registers. nengo-loihi does the same, scanning weight exponents until vth and bias fit.
 */
export function chooseScales(plan: NeuronPlan, profile: TargetProfile, demand: readonly DomainDemand[], dt: number): number[] {
  const n = plan.neuron;
  const bounds = new Array<number>(plan.domainCount).fill(0);
  const need = (d: number, magnitude: number, capInt: number) => {
    if (magnitude > 0 && capInt > 0) bounds[d] = Math.max(bounds[d]!, magnitude / capInt);
  };
  const w = profile.synapse.weight;
  const fmt = weightFormat(w, w.sign_modes.includes('mixed') ? 'mixed' : w.sign_modes[0]!);
  const wRep = Math.max(fmt.mantMax, -fmt.mantMin) * 2 ** (fmt.alignShift + fmt.expMax + fmt.baseShift);
  const accMax = 2 ** (profile.neuron.accumulator.bits - 1) - 1;
  for (let d = 0; d < plan.domainCount; d++) {
    const dm = demand[d];
    if (!dm || dm.maxAbsWeight === 0) continue;
    const simultaneous = Math.min(Math.max(1, dm.maxFanIn), 2 ** ACCUMULATOR_HEADROOM_BITS);
    need(d, dm.maxAbsWeight, wRep);
    need(d, dm.maxAbsWeight * simultaneous, accMax);
    for (const s of n.states) {
      if (plan.domainOf.get(s.name) !== d) continue;
      // Sustained input piles up in a leaky state; the total headroom stays that of the accumulator.
      const pileUp = Math.min(Math.max(1, dm.maxFanIn) * accumulationGain(plan, s, dt), 2 ** ACCUMULATOR_HEADROOM_BITS);
      need(d, dm.maxAbsWeight * Math.max(simultaneous, pileUp), stateMaxInt(plan, profile, s));
    }
  }
  const m = n.states.find((s) => s.name === n.membrane);
  if (m) {
    const d = plan.somaDomain;
    const off = plan.offset.get(m.name)!;
    const th = profile.neuron.threshold;
    const thMax = (2 ** th.mant_bits - 1) * 2 ** th.shift;
    const vMax = stateMaxInt(plan, profile, m);
    if (n.spiking) need(d, Math.abs(n.threshold - off), Math.min(thMax, Math.floor(vMax / 2 ** STATE_HEADROOM_BITS)));
    const b = profile.neuron.bias;
    need(d, Math.abs(effectiveBias(plan, dt)), (2 ** (b.mant_bits - 1) - 1) * 2 ** b.exp_max);
    if (n.reset.kind === 'value') need(d, Math.abs(n.reset.value - off), vMax);
    // A noise event must fit v (the cuba compartment adds it to v's input).
    if (n.noise && n.noise.kind === 'poisson' && plan.model === 'cuba') need(d, Math.abs(n.noise.amplitude), vMax);
  }
  for (const s of n.states) {
    const d = plan.domainOf.get(s.name);
    if (d === undefined) continue;
    const off = plan.offset.get(s.name)!;
    const cap = stateMaxInt(plan, profile, s);
    if (s.floor !== undefined) need(d, Math.abs(s.floor - off), cap);
    if (s.ceiling !== undefined) need(d, Math.abs(s.ceiling - off), cap);
  }
  return bounds.map((b) => (b > 0 && Number.isFinite(b) ? b : 1));
}

// ---------------------------------------------------------------------------------------------------------
// 3. Registers

const fill = (n: number, v: number) => new Int32Array(n).fill(v);

function warn(code: string, message: string, span: Span | undefined, hint?: string): Diagnostic {
  return { code, severity: 'warning', message, span, hint };
}

/** Model-unit initial values of one state for every neuron of the population (e.g. `reference/initial-state.ts`). */
export type InitialValues = (state: ModelState) => Float64Array;

/** Constant initial values only (a random initialiser needs the network's draws: pass `initialStateValues`). */
function constantInitial(pop: Population): (state: ModelState) => Float64Array | undefined {
  return (st) => {
    const init = st.initial;
    if (typeof init === 'number') return new Float64Array(pop.size).fill(init);
    return init.kind === 'constant' ? new Float64Array(pop.size).fill(init.value) : undefined;
  };
}

/**
 * Fills the registers of one population. `inputGain[irPort]` is the per-sum weight exponent of each input port
 * (nsat `wgain`; 0 elsewhere). `initialValues` gives each state's initial values per neuron (the lowering passes
 * the float reference's own draws, so both sides start from the same state); without it only constant
 * initialisers are honoured.
 */
export function lowerNeuron(
  pop: Population,
  plan: NeuronPlan,
  scales: readonly number[],
  profile: TargetProfile,
  dt: number,
  inputGain: readonly number[] = [],
  initialValues?: InitialValues,
): LoweredNeuron {
  const n = plan.neuron;
  const ds: Diagnostic[] = [];
  const reports: QuantReport[] = [];
  const who = `population ${pop.name}`;
  const m = n.states.find((s) => s.name === n.membrane)!;
  const s0 = scales[plan.somaDomain]!;
  const scaleOf = (st: ModelState) => scales[plan.domainOf.get(st.name) ?? 0]!;
  const toInt = (st: ModelState, x: number) => (x - plan.offset.get(st.name)!) / scaleOf(st);
  const info = (what: string) => ({ group: `${pop.name}.${what}`, span: n.span });
  const stateOf = (name: string) => n.states.find((s) => s.name === name);
  const tauSteps = (st: ModelState) => (st.tau === null ? null : st.tau / dt);

  // Threshold.
  const thSpec = profile.neuron.threshold;
  const thFloat = n.threshold - plan.offset.get(m.name)!;
  let thValue = 0;
  if (n.spiking) {
    if (!(thFloat > 0)) {
      ds.push(err(NEURON_CODES.threshold, `${who}: threshold ${n.threshold} is not above the resting level ${plan.offset.get(m.name)}; ${profile.name} has unsigned thresholds`, n.span,
        'raise the threshold above the resting potential'));
    } else {
      const q = quantizeThreshold(thFloat / s0, thSpec, info('threshold'));
      reports.push(inModelUnits(q.report, s0));
      thValue = q.value;
    }
  }
  // Strict `v > θ` on an integer state equals `v ≥ θ + 1` on targets that compare with ≥.
  const ge = thSpec.compare === 'ge';

  // Bias.
  // With the membrane's offset away from its rest, the bias carries the pull (1 − α)·(rest − o); using the
  // chip's own (quantized) retention α keeps the resting level exact, which matters when rest − threshold is a
  // small gap (a spontaneously firing neuron): the float α would shift the rest by (α̃ − α)/(1 − α̃)·(rest − o).
  const decaySpec0 = profile.neuron.decay;
  let alphaV: number | undefined;
  if (m.tau !== null && decaySpec0.mode !== 'linear') {
    const q = quantizeDecay(tauSteps(m), decaySpec0, plan.model === 'cuba' ? decaySpec0.membrane_offset : 0, info(`${m.name} decay`));
    alphaV = Number.isFinite(q.effective) && q.effective > 0 ? Math.exp(-1 / q.effective) : 1;
  }
  const biasQ = quantizeBias(effectiveBias(plan, dt, alphaV) / s0, profile.neuron.bias, info('bias'));
  if (biasQ.report.maxAbs > 0 || biasQ.report.saturated > 0) reports.push(inModelUnits(biasQ.report, s0));

  // Refractory.
  const R = Math.round(n.refractory / dt);
  const refReg = plan.model === 'loihi' ? R + 1 : R;
  const { min: rMin, max: rMax } = profile.neuron.refractory;
  const irMax = plan.model === 'loihi' ? 63 : 255;
  if (refReg < rMin || refReg > Math.min(rMax, irMax)) {
    ds.push(err(NEURON_CODES.refractory, `${who}: refractory period of ${R} step${R === 1 ? '' : 's'} is outside ${profile.name}'s range`, n.span,
      `allowed: ${Math.max(0, rMin - (plan.model === 'loihi' ? 1 : 0))}..${Math.min(rMax, irMax) - (plan.model === 'loihi' ? 1 : 0)} steps`));
  }

  // Decays per state.
  const decaySpec = profile.neuron.decay;
  const decayOf = (st: ModelState, offsetReg: number) => {
    if (decaySpec.mode === 'linear') {
      // A linear leak only approximates an exponential one: match the leak rate at threshold.
      const a = retention(st.tau, dt);
      const lam = st.tau === null ? 0 : (1 - a) * (thValue > 0 ? thValue : 1);
      if (st.tau !== null) ds.push(warn(NEURON_CODES.approximate, `${who}: ${profile.name} leaks \`${st.name}\` linearly; τ = ${st.tau} s is approximated by a constant leak of ${Math.round(lam)} units per step`, st.span));
      return quantizeDecay(null, decaySpec, 0, info(`${st.name} decay`), lam);
    }
    return quantizeDecay(tauSteps(st), decaySpec, offsetReg, info(`${st.name} decay`));
  };

  // Initial values. nsat: one value per state (the group's `initial`); a random initialiser cannot be held.
  const initialInt = (st: ModelState): number => {
    if (typeof st.initial !== 'number') {
      ds.push(warn(NEURON_CODES.ignored, `${who}: random initial values of \`${st.name}\` are not supported by ${profile.name}'s nsat compartments (one initial value per state); compartments start at rest`, st.span));
      return 0;
    }
    return Math.round(toInt(st, st.initial));
  };
  const initials = plan.model === 'nsat' ? new Map(n.states.map((s) => [s.name, initialInt(s)])) : new Map<string, number>();
  // loihi/cuba: per compartment (the group's `initial`), from the model's values or draws, in the state's unit
  // relative to its offset, clamped to [lo, hi] (counted as saturation). Undefined when every value is 0 (rest).
  const floatInitial = initialValues ?? constantInitial(pop);
  const initialRegs = (st: ModelState, lo: number, hi: number): Int32Array | undefined => {
    const x = floatInitial(st);
    if (x === undefined) {
      ds.push(warn(NEURON_CODES.ignored, `${who}: the random initial values of \`${st.name}\` were not drawn; compartments start at rest`, st.span));
      return undefined;
    }
    const unit = scaleOf(st);
    const off = plan.offset.get(st.name)!;
    const out = new Int32Array(pop.size);
    let any = false;
    let maxAbs = 0;
    let maxErr = 0;
    let sumSq = 0;
    let saturated = 0;
    let underflowed = 0;
    for (let k = 0; k < pop.size; k++) {
      const want = x[k]! - off;
      let q = roundHalfEven(want / unit);
      if (q < lo) {
        q = lo;
        saturated++;
      } else if (q > hi) {
        q = hi;
        saturated++;
      }
      q += 0; // no −0 in registers
      if (q === 0 && want !== 0) underflowed++;
      if (q !== 0 || want !== 0) any = true;
      out[k] = q;
      const e = Math.abs(q * unit - want);
      maxAbs = Math.max(maxAbs, Math.abs(want));
      maxErr = Math.max(maxErr, e);
      sumSq += e * e;
    }
    if (!any) return undefined;
    const rms = Math.sqrt(sumSq / pop.size);
    reports.push({
      group: `${pop.name}.${st.name} initial`, kind: 'initial', span: st.span, count: pop.size, exponent: null, step: unit,
      maxAbs, maxError: maxErr, rmsError: rms, maxRelError: maxAbs > 0 ? maxErr / maxAbs : 0, rmsRelError: maxAbs > 0 ? rms / maxAbs : 0,
      saturated, underflowed, note: off !== 0 ? `relative to the offset ${off}` : undefined,
    });
    return out.some((v) => v !== 0) ? out : undefined;
  };
  /** The slice of per-neuron initial registers for compartments offset .. offset + size − 1 (absent if none). */
  const initialSlice = (regs: ReadonlyMap<string, Int32Array>, offset: number, size: number): { initial?: Record<string, Int32Array> } => {
    if (regs.size === 0) return {};
    const initial: Record<string, Int32Array> = {};
    for (const [name, a] of regs) initial[name] = a.slice(offset, offset + size);
    return { initial };
  };

  const clampInt = (st: ModelState, x: number | undefined, bits: number): number | null => {
    if (x === undefined) return null;
    const half = 2 ** (bits - 1);
    const v = Math.round(toInt(st, x));
    return Math.max(-half, Math.min(half - 1, v));
  };

  let make: (name: string, first: number, size: number, neuronBase: number) => CompartmentGroup;
  const thReg = ge ? thValue + 1 : thValue;
  const resetInt = n.reset.kind === 'value' ? Math.round(toInt(m, n.reset.value)) : 0;

  if (plan.model === 'loihi') {
    const cur = n.states.find((s) => s.role === 'current');
    const du = cur ? decayOf(cur, 1) : undefined;
    if (du) reports.push(du.report);
    const dv = decayOf(m, 0);
    reports.push(dv.report);
    const duReg = du ? Math.min(4095, du.register) : 4095; // 4095 with Loihi's +1 offset: u = q exactly
    const dvReg = Math.min(4095, dv.register);
    const vthMant = Math.max(1, Math.round(thValue / 2 ** thSpec.shift));
    // vmin = −2^a + 1, vmax = 2^(9+2b) − 1; pick the tightest legal clamps that contain the requested ones.
    let vmin = -(2 ** 31) + 1;
    let vmax = 2 ** 23 - 1;
    if (m.floor !== undefined) {
      const f = Math.round(toInt(m, m.floor));
      const a = f >= 0 ? 0 : Math.min(31, Math.ceil(Math.log2(1 - f)));
      vmin = -(2 ** a) + 1;
      if (vmin !== f) ds.push(warn(NEURON_CODES.approximate, `${who}: floor ${m.floor} is ${f} units; ${profile.name} clamps at −2^a + 1, using ${vmin}`, m.span));
    }
    if (m.ceiling !== undefined) {
      const c = Math.round(toInt(m, m.ceiling));
      let b = 0;
      while (b < 7 && 2 ** (9 + 2 * b) - 1 < c) b++;
      vmax = 2 ** (9 + 2 * b) - 1;
      if (vmax !== c) ds.push(warn(NEURON_CODES.approximate, `${who}: ceiling ${m.ceiling} is ${c} units; ${profile.name} clamps at 2^(9+2b) − 1, using ${vmax}`, m.span));
    }
    const uSpec = specByRole(profile, 'current')?.[1];
    const vSpec = specByRole(profile, 'membrane')?.[1];
    const uBits = uSpec?.bits ?? 24;
    const vBits = vSpec && vSpec.overflow === 'wrap' ? vSpec.bits : null;
    const regs = new Map<string, Int32Array>();
    const uInit = cur ? initialRegs(cur, -(2 ** (uBits - 1)), 2 ** (uBits - 1) - 1) : undefined;
    if (uInit) regs.set('u', uInit);
    const vInit = initialRegs(m, vBits === null ? vmin : Math.max(vmin, -(2 ** (vBits - 1))), vBits === null ? vmax : Math.min(vmax, 2 ** (vBits - 1) - 1));
    if (vInit) regs.set('v', vInit);
    make = (name, first, size, neuronBase, offset = 0): LoihiGroup => ({
      name, first, size, neuronBase, model: 'loihi',
      qBits: profile.neuron.accumulator.bits,
      uBits: uSpec?.bits ?? 24,
      vBits: vSpec && vSpec.overflow === 'wrap' ? vSpec.bits : null,
      vmin, vmax,
      decayU: fill(size, duReg), decayV: fill(size, dvReg),
      vthMant: fill(size, Math.min(vthMant, 2 ** 17 - 1)),
      biasMant: fill(size, Math.max(-4095, Math.min(4095, biasQ.mant))),
      biasExp: fill(size, Math.max(0, Math.min(7, biasQ.exp))),
      refractDelay: fill(size, Math.max(1, Math.min(63, refReg))),
      ...initialSlice(regs, offset, size),
    });
  } else if (plan.model === 'cuba') {
    const currents = n.states.filter((s) => s.role === 'current');
    const cur = currents[0];
    const extras = currents.slice(1);
    const dend = n.states.find((s) => s.role === 'dendrite');
    type Sized = { readonly sv: Omit<IrState, 'decayReg'>; readonly reg: number };
    const stateVar = (st: ModelState, offsetReg: number): Sized => {
      const spec = specByRole(profile, st.role)![1];
      let decay: IrDecay = { kind: 'none' };
      let reg = 0;
      if (st.tau === null || decaySpec.mode === 'none') {
        if (st.tau !== null) reports.push(decayOf(st, offsetReg).report); // counts the lost leak
      } else {
        const q = decayOf(st, offsetReg);
        reports.push(q.report);
        reg = q.register;
        if (decaySpec.mode === 'loihi12') {
          decay = { kind: 'loihi12', offset: offsetReg === 1 ? 1 : 0 };
          reg = Math.max(0, Math.min(4095 - offsetReg, reg));
        } else if (decaySpec.mode === 'shift') {
          decay = reg > 0 ? { kind: 'shift', neverZero: decaySpec.never_zero } : { kind: 'none' };
        } else {
          decay = { kind: 'linear' };
          reg = Math.abs(reg);
        }
      }
      const sv = { bits: spec.bits, overflow: spec.overflow, decay, floor: clampInt(st, st.floor, spec.bits), ceiling: clampInt(st, st.ceiling, spec.bits) };
      return { sv, reg };
    };
    const withSize = (x: Sized, size: number): IrState => ({ ...x.sv, decayReg: fill(size, x.sv.decay.kind === 'none' ? 0 : x.reg) });
    const dOff = decaySpec.membrane_offset;
    const iSv = cur ? stateVar(cur, decaySpec.current_offset) : null;
    const vSv = stateVar(m, dOff);
    const dSv = dend ? stateVar(dend, dOff) : null;
    const eSv = extras.map((x) => stateVar(x, decaySpec.current_offset));
    const vBits = vSv.sv.bits;
    const nonSpikingTh = 2 ** 31 - 1; // v (≤ 32 bits) never exceeds it
    if (!n.spiking && vBits > 31) ds.push(warn(NEURON_CODES.approximate, `${who} does not spike; its threshold is the largest register value`, n.span));
    const acc = profile.neuron.accumulator;
    // Initial values per compartment, within each state's width and clamps.
    const regs = new Map<string, Int32Array>();
    const initOf = (st: ModelState | undefined, sized: Sized | null | undefined, irName: string) => {
      if (!st || !sized) return;
      const half = 2 ** (sized.sv.bits - 1);
      const r = initialRegs(st, Math.max(-half, sized.sv.floor ?? -half), Math.min(half - 1, sized.sv.ceiling ?? half - 1));
      if (r) regs.set(irName, r);
    };
    initOf(cur, iSv, 'i');
    initOf(m, vSv, 'v');
    initOf(dend, dSv, dend?.name ?? '');
    extras.forEach((x, k) => initOf(x, eSv[k], x.name));
    // Noise into v: Bernoulli per step with p = rate·dt (at most one event per step), amplitude in v's unit.
    let noise: CubaNoise | undefined;
    if (n.noise && n.noise.kind === 'poisson' && n.noise.rate > 0) {
      const p = n.noise.rate * dt;
      if (p > 0.1) {
        // Same mean (p ≤ 1), but Poisson's multiple events per step are lost: variance p(1 − p) instead of p.
        const multi = 1 - Math.exp(-p) * (1 + p);
        ds.push(warn(NEURON_CODES.approximate, `${who}: noise at ${n.noise.rate} Hz is p = ${p.toPrecision(3)} per step; the chip draws at most one event per step (Bernoulli), so the ${(100 * multi).toPrecision(2)}% of steps with several Poisson events ${p > 1 ? 'and the rate above 1/dt are' : 'are'} lost (variance p(1 − p) instead of p)`, n.noise.span,
          'a smaller dt or a lower rate keeps the two close (p ≤ 0.1)'));
      }
      const half = 2 ** (vBits - 1);
      let a = roundHalfEven(n.noise.amplitude / s0);
      let saturated = 0;
      if (Math.abs(a) > half - 1) {
        a = Math.sign(a) * (half - 1);
        saturated = 1;
      }
      a += 0;
      const e = Math.abs(a * s0 - n.noise.amplitude);
      const A = Math.abs(n.noise.amplitude);
      reports.push({
        group: `${pop.name}.noise amplitude`, kind: 'noise', span: n.noise.span, count: 1, exponent: null, step: s0, maxAbs: A,
        maxError: e, rmsError: e, maxRelError: A > 0 ? e / A : 0, rmsRelError: A > 0 ? e / A : 0, saturated, underflowed: a === 0 && A !== 0 ? 1 : 0,
        note: `p = ${bernoulliThreshold(p)}/2^32 per step`,
      });
      noise = { threshold: bernoulliThreshold(p), amplitude: a };
    }
    make = (name, first, size, neuronBase, offset = 0): CubaGroup => ({
      name, first, size, neuronBase, model: 'cuba',
      inputBits: acc.bits, inputOverflow: acc.overflow,
      current: iSv ? withSize(iSv, size) : null,
      v: withSize(vSv, size),
      dendrite: dSv ? { ...withSize(dSv, size), name: dend!.name } : null,
      bias: fill(size, biasQ.value),
      threshold: fill(size, n.spiking ? thReg : nonSpikingTh),
      compare: thSpec.compare,
      reset: { mode: n.reset.kind === 'value' ? 'value' : n.reset.kind, value: resetInt },
      refractDelay: fill(size, Math.max(0, Math.min(255, refReg))),
      // The model holds a refractory membrane at its reset value (rest for subtract / none).
      refractoryValue: n.reset.kind === 'value' ? resetInt : Math.round(toInt(m, m.rest)),
      // Optional fields only when used, so IRs without them stay byte-identical.
      ...(noise ? { noise: { ...noise } } : {}),
      ...(eSv.length > 0 ? { extraCurrents: eSv.map((x, k) => ({ ...withSize(x, size), name: extras[k]!.name })) } : {}),
      ...initialSlice(regs, offset, size),
    });
  } else {
    // nsat
    const K = plan.order.length;
    if (decaySpec.mode !== 'shift' && decaySpec.mode !== 'none') {
      ds.push(err(NEURON_CODES.structure, `${who}: the nsat compartment leaks by shifts; ${profile.name} sets neuron.decay.mode = ${decaySpec.mode}`, n.span));
    }
    const leakShift = Array.from({ length: K }, () => new Array<number>(K).fill(-16));
    const leakSign = Array.from({ length: K }, () => new Array<number>(K).fill(0));
    const bias = new Array<number>(K).fill(0);
    const resetOn = new Array<boolean>(K).fill(false);
    const resetValue = new Array<number>(K).fill(0);
    const spikeIncrement = new Array<number>(K).fill(0);
    const clampLow: number[] = [];
    const clampHigh: number[] = [];
    const initial: number[] = [];
    const wgain: number[] = [];
    let coupled = false;
    plan.order.forEach((name, k) => {
      const st = stateOf(name)!;
      const spec = specByRole(profile, st.role)![1];
      if (st.tau !== null && decaySpec.mode === 'shift') {
        const q = decayOf(st, 0);
        reports.push(q.report);
        if (q.register > 0) {
          leakShift[k]![k] = -q.register;
          leakSign[k]![k] = -1;
        }
      } else if (st.tau !== null) reports.push(decayOf(st, 0).report);
      for (const other of st.integrates) {
        const l = plan.order.indexOf(other);
        if (l >= 0) {
          leakShift[k]![l] = 0;
          leakSign[k]![l] = 1;
          coupled = true;
        }
      }
      const half = 2 ** (spec.bits - 1);
      clampLow.push(clampInt(st, st.floor, spec.bits) ?? -half + 1);
      clampHigh.push(clampInt(st, st.ceiling, spec.bits) ?? half - 1);
      initial.push(Math.max(-half, Math.min(half - 1, initials.get(name) ?? 0)));
      wgain.push(inputGain[k] ?? 0);
    });
    if (coupled) {
      ds.push(warn(NEURON_CODES.approximate, `${who}: on NSAT a state adds the value another state had at the previous step (the model adds its updated value): one step of extra lag`, n.span));
    }
    bias[0] = biasQ.value;
    if (n.reset.kind === 'value') {
      resetOn[0] = true;
      resetValue[0] = resetInt;
    } else if (n.reset.kind === 'subtract') spikeIncrement[0] = -thValue;
    const acc = profile.neuron.accumulator;
    const accHalf = 2 ** (acc.bits - 1);
    const g = (name: string, first: number, size: number, neuronBase: number): NsatGroup => ({
      name, first, size, neuronBase, model: 'nsat', states: K,
      leakShift: leakShift.map((r) => [...r]), leakSign: leakSign.map((r) => [...r]),
      bias: [...bias], threshold: n.spiking ? thReg : 2 ** 31 - 1, thresholdFromState1: false,
      refractory: Math.max(0, Math.min(255, refReg)),
      resetOn: [...resetOn], resetValue: [...resetValue], spikeIncrement: [...spikeIncrement],
      clampLow: [...clampLow], clampHigh: [...clampHigh], wgain: [...wgain],
      accLow: -accHalf, accHigh: accHalf - 1, initial: [...initial],
    });
    make = g;
  }

  const stateStep = (state: string): number | undefined => {
    for (const [name, ir] of plan.irState) {
      if (name === state || ir === state) return scales[plan.domainOf.get(name)!];
    }
    return undefined;
  };
  return { plan, scales, stateStep, makeGroup: make, reports, diagnostics: ds };
}
