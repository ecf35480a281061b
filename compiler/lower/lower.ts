/**
 * The lowering orchestrator: checked `Network` + `TargetProfile` → IR (or diagnostics).
 *
 *   materialise synapses (compiler/network) → plan neurons (neurons.ts) → choose state units per population
 *   from thresholds and arriving weights → quantize weights (quantize.ts) → fill neuron registers → sources →
 *   learning microcode per plastic projection → map to cores (map.ts) → emit (emit.ts).
 *
 * Every lossy step is a QuantReport; saturation and underflow become warnings (errors with `strict`).
 * Nothing is clamped without being counted. See docs/lowering.md.
 */
import { hasErrors, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import type { LearningRule, Network, Population, Projection } from '../model.js';
import { materialize, type SynapseTable } from '../network/connectivity.js';
import { checkLearningSupport } from '../target/capabilities.js';
import type { TargetProfile } from '../target/profile.js';
import type { DendriteIr, Json, LearningProgram, Source } from '../../ir/types.js';
import { emitIr, type EmitPopulation, type EmitProjection } from './emit.js';
import { mapNetwork, type Mapping } from './map.js';
import { chooseScales, inModelUnits, lowerNeuron, planNeuron, type DomainDemand, type LoweredNeuron, type NeuronPlan } from './neurons.js';
import { chooseWeightExponent, quantizeWeights, signModeFor, weightFormat, type WeightFormat } from './quantize.js';
import { quantDiagnostics, type QuantReport } from './quantReport.js';
import { lowerSource, probabilityThreshold } from './sources.js';
import { roundHalfEven } from '../../emulator/arith.js';
import { lowerRule, type RuleLoweringContext } from './microcode.js';
import { initialStateValues } from '../../reference/initial-state.js';

export const LOWER_CODES = {
  connector: 'SNN3511',
  delay: 'SNN3512',
  blankout: 'SNN3513',
  weightShift: 'SNN3514',
  learning: 'SNN3515',
  signMode: 'SNN3517',
} as const;

export interface LowerOptions {
  /** Lossy quantization (saturation, underflow) becomes an error. */
  readonly strict?: boolean;
  /** Source texts by file, so mapping errors can say `h1 (file.snn:12:3)`. */
  readonly sources?: ReadonlyMap<string, string>;
  /** Written into the IR's `producer`. */
  readonly producer?: string;
  /** Extra target details (e.g. the `--set` overrides) kept in `ir.target.details`. */
  readonly targetDetails?: Json;
}

/** A summary of one population's integer units (docs/lowering.md). */
export interface ScaleReport {
  readonly population: string;
  /** Float value of one LSB, by model state name. */
  readonly unit: { readonly [state: string]: number };
  /** The value subtracted on chip (model value = offset + integer · unit), by model state name. */
  readonly offset: { readonly [state: string]: number };
}

export interface LowerResult {
  readonly ir?: DendriteIr;
  readonly diagnostics: Diagnostic[];
  readonly quantization: QuantReport[];
  readonly scales: ScaleReport[];
  readonly mapping?: Mapping;
}

// ---------------------------------------------------------------------------------------------------------
// Learning hook

/**
 * The rule compiler of the learning engine (compiler/lower/microcode.ts), behind one seam so a different rule
 * compiler can be plugged in. Its scale report is returned for the compile reports.
 */
export function lowerRuleForProjection(ctx: RuleLoweringContext): { program?: LearningProgram; diagnostics: Diagnostic[] } {
  const r = lowerRule(ctx);
  return { program: r.program as unknown as LearningProgram | undefined, diagnostics: r.diagnostics };
}

// ---------------------------------------------------------------------------------------------------------

interface ProjectionInfo {
  readonly projection: Projection;
  readonly table: SynapseTable;
  readonly post: Population;
  readonly domain: number;
  readonly irPort: number;
}

function err(code: string, message: string, span?: Span, hint?: string): Diagnostic {
  return { code, severity: 'error', message, span, hint };
}

/**
 * Values that decide a projection's weight format: the weights (accumulator units), plus the bounds a plastic
 * weight may reach. `signs` picks the sign mode (an unbounded plastic weight may take either sign); `range`
 * (the weights) and `bounds` pick the exponent (`chooseWeightExponent`).
 */
function formatProbe(
  acc: Float64Array, p: Projection, bounds: readonly [number, number] | undefined, unit: number,
): { signs: Float64Array; range: Float64Array; bounds?: readonly [number, number] } {
  if (!p.rule) return { signs: acc, range: acc };
  const signs = new Float64Array(acc.length + 2);
  signs.set(acc);
  if (!bounds) {
    signs[acc.length] = -1;
    signs[acc.length + 1] = 1;
    return { signs, range: acc };
  }
  const b: [number, number] = [bounds[0] / unit, bounds[1] / unit];
  signs[acc.length] = b[0];
  signs[acc.length + 1] = b[1];
  return { signs, range: acc, bounds: b };
}

export function lower(network: Network, profile: TargetProfile, options: LowerOptions = {}): LowerResult {
  const ds: Diagnostic[] = [];
  const quant: QuantReport[] = [];
  const scaleReports: ScaleReport[] = [];
  const strict = options.strict ?? false;
  const dt = network.dt;
  const popByName = new Map(network.populations.map((p) => [p.name, p]));
  const ruleByName = new Map(network.rules.map((r) => [r.name, r]));

  // Global neuron ids: populations in network order, contiguous.
  const neuronBase = new Map<string, number>();
  let neuronCount = 0;
  for (const p of network.populations) {
    neuronBase.set(p.name, neuronCount);
    neuronCount += p.size;
  }

  // 1. Neuron plans.
  const plans = new Map<string, NeuronPlan>();
  for (const p of network.populations) {
    if (!p.neuron) continue;
    const r = planNeuron(p, profile);
    ds.push(...r.diagnostics);
    if (r.plan) plans.set(p.name, r.plan);
  }

  // 2. Synapses.
  const tables = new Map<string, SynapseTable>();
  const infos: ProjectionInfo[] = [];
  for (const proj of network.projections) {
    // A target without learning rejects every plastic projection, whatever else is wrong with it.
    const rule0 = proj.rule ? ruleByName.get(proj.rule) : undefined;
    if (rule0 && !profile.learning.enabled) ds.push(...noLearning(proj, rule0, profile));
    const pre = popByName.get(proj.pre);
    const post = popByName.get(proj.post);
    if (!pre || !post) continue; // the checker rejects these
    // `mirror` weights (another projection's table) may or may not exist in the model version at hand.
    const wInit = proj.weight as { readonly kind: string; readonly of?: string };
    if (proj.connector.kind === 'from_file' && wInit.kind !== 'mirror') {
      ds.push(err(LOWER_CODES.connector, `projection ${proj.name}: from_file connectivity is not read by the compiler yet`, proj.span, 'use dense, one_to_one or random(p)'));
      continue;
    }
    if (wInit.kind === 'mirror' && wInit.of !== undefined && !tables.has(wInit.of)) continue;
    const table = materialize(proj, pre.size, post.size);
    tables.set(proj.name, table);
    const plan = plans.get(post.name);
    if (!post.neuron) {
      ds.push(err(LOWER_CODES.connector, `projection ${proj.name} targets source population ${post.name}`, proj.span));
      continue;
    }
    if (!plan) continue;
    const port = plan.ports.get(proj.port);
    if (!port) {
      ds.push(err(LOWER_CODES.connector, `projection ${proj.name}: port \`${proj.port}\` of ${post.name} has no input on ${profile.name}`, proj.span));
      continue;
    }
    infos.push({ projection: proj, table, post, domain: port.domain, irPort: port.irPort });
  }

  // 3. State units per population, from the weights arriving in each domain.
  const lowered = new Map<string, LoweredNeuron>();
  const scales = new Map<string, number[]>();
  for (const [name, plan] of plans) {
    const pop = popByName.get(name)!;
    const demand: { maxAbsWeight: number; fanIn: Int32Array }[] = Array.from({ length: plan.domainCount }, () => ({ maxAbsWeight: 0, fanIn: new Int32Array(pop.size) }));
    for (const inf of infos) {
      if (inf.post !== pop) continue;
      const d = demand[inf.domain]!;
      const w = inf.table.weight;
      let m = d.maxAbsWeight;
      for (let k = 0; k < w.length; k++) m = Math.max(m, Math.abs(w[k]!));
      const b = inf.projection.bounds ?? (inf.projection.rule ? ruleByName.get(inf.projection.rule)?.bounds : undefined);
      if (inf.projection.rule && b) m = Math.max(m, Math.abs(b[0]), Math.abs(b[1]));
      d.maxAbsWeight = m;
      const n = inf.table.rowPtr[inf.table.preSize]!;
      for (let k = 0; k < n; k++) d.fanIn[inf.table.post[k]!]!++;
    }
    const dm: DomainDemand[] = demand.map((d) => {
      let f = 0;
      for (let j = 0; j < d.fanIn.length; j++) f = Math.max(f, d.fanIn[j]!);
      return { maxAbsWeight: d.maxAbsWeight, maxFanIn: f };
    });
    const s = chooseScales(plan, profile, dm, dt);
    scales.set(name, s);
    scaleReports.push({
      population: name,
      unit: Object.fromEntries(plan.neuron.states.map((st) => [st.name, s[plan.domainOf.get(st.name) ?? 0]!])),
      offset: Object.fromEntries(plan.neuron.states.map((st) => [st.name, plan.offset.get(st.name) ?? 0])),
    });
  }

  // 4. Weights.
  const wSpec = profile.synapse.weight;
  const perSumNsat = wSpec.exp_applied === 'per_sum' && profile.neuron.model === 'nsat';
  const formatFor = (inf: ProjectionInfo, probe: Float64Array): WeightFormat | undefined => {
    const mode = signModeFor(probe, wSpec);
    if (!mode) {
      ds.push(err(LOWER_CODES.signMode, `projection ${inf.projection.name} has weights of both signs; ${profile.name} supports only ${wSpec.sign_modes.join(', ')} synapse groups`, inf.projection.span,
        'split the projection into an excitatory and an inhibitory one'));
      return undefined;
    }
    const f = weightFormat(wSpec, mode);
    // Outside nsat's per-sum gain the exponent becomes the IR's left shift, which cannot be negative.
    if (!perSumNsat) return { ...f, expMin: Math.max(f.expMin, -(f.alignShift + f.baseShift)) };
    return f;
  };
  const accUnits = (inf: ProjectionInfo): Float64Array => {
    const s = scales.get(inf.post.name)![inf.domain]!;
    const w = inf.table.weight;
    const out = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) out[k] = w[k]! / s;
    return out;
  };
  // nsat per-sum gain: one exponent per (population, port), the largest any projection into it needs.
  const gain = new Map<string, number>();
  const prepared: { inf: ProjectionInfo; acc: Float64Array; fmt: WeightFormat; range: Float64Array; bounds?: readonly [number, number] }[] = [];
  for (const inf of infos) {
    const acc = accUnits(inf);
    const rule = inf.projection.rule ? ruleByName.get(inf.projection.rule) : undefined;
    const unit = scales.get(inf.post.name)![inf.domain]!;
    const { signs, range, bounds } = formatProbe(acc, inf.projection, inf.projection.bounds ?? rule?.bounds, unit);
    const fmt = formatFor(inf, signs);
    if (!fmt) continue;
    prepared.push({ inf, acc, fmt, range, bounds });
    if (perSumNsat) {
      const key = `${inf.post.name}/${inf.irPort}`;
      gain.set(key, Math.max(gain.get(key) ?? -Infinity, chooseWeightExponent(range, fmt, bounds)));
    }
  }
  const emitProjections: EmitProjection[] = [];
  const learning: LearningProgram[] = [];
  for (const { inf, acc, fmt, range, bounds: boundsAcc } of prepared) {
    const proj = inf.projection;
    const exp = perSumNsat ? gain.get(`${inf.post.name}/${inf.irPort}`)! : chooseWeightExponent(range, fmt, boundsAcc);
    const q = quantizeWeights(acc, fmt, { group: `${proj.name} weights`, span: proj.span }, exp);
    quant.push(inModelUnits(q.report, scales.get(inf.post.name)![inf.domain]!));
    const shift = perSumNsat ? 0 : fmt.alignShift + q.exp + fmt.baseShift;
    if (shift < 0 || shift > 30) {
      ds.push(err(LOWER_CODES.weightShift, `projection ${proj.name}: weight exponent ${q.exp} gives a shift of ${shift}; the IR allows 0..30`, proj.span));
      continue;
    }
    // Weight range: the format's, narrowed to the rule's bounds (but never excluding an initial weight).
    const rule = proj.rule ? ruleByName.get(proj.rule) : undefined;
    const bounds = proj.bounds ?? rule?.bounds;
    const s = scales.get(inf.post.name)![inf.domain]!;
    const fStep = q.step * s; // float value of one stored unit
    let wMin = fmt.mantMin;
    let wMax = fmt.mantMax;
    if (bounds) {
      wMin = Math.max(wMin, Math.min(wMax, roundHalfEven(bounds[0] / fStep)));
      wMax = Math.min(wMax, Math.max(wMin, roundHalfEven(bounds[1] / fStep)));
      for (let k = 0; k < q.mant.length; k++) {
        if (q.mant[k]! < wMin) wMin = q.mant[k]!;
        if (q.mant[k]! > wMax) wMax = q.mant[k]!;
      }
    }
    // Delays.
    const steps = Math.round(proj.delay / dt);
    const irDelay = steps - (profile.neuron.delivery_latency - 1);
    if (steps > profile.neuron.max_delay || irDelay > 255 || irDelay < 0) {
      ds.push(err(LOWER_CODES.delay, `projection ${proj.name}: a delay of ${steps} step${steps === 1 ? '' : 's'} is outside ${profile.name}'s range`, proj.span,
        `allowed: ${profile.neuron.delivery_latency - 1}..${Math.min(profile.neuron.max_delay, 255)} steps`));
      continue;
    }
    // Blank-out.
    let transmit = 2 ** 32;
    if (proj.pTransmit < 1) {
      const bits = profile.synapse.blankout_prob_bits;
      if (bits === 0) {
        ds.push(err(LOWER_CODES.blankout, `projection ${proj.name} transmits with probability ${proj.pTransmit}; ${profile.name} has no blank-out synapses`, proj.span,
          'remove p_transmit, or use a target with stochastic synapses (e.g. `nsat`, `default`)'));
        continue;
      }
      const levels = 2 ** bits - 1;
      const k = roundHalfEven(proj.pTransmit * levels);
      transmit = probabilityThreshold(k / levels);
      if (k / levels !== proj.pTransmit) {
        ds.push({ code: LOWER_CODES.blankout, severity: 'warning', message: `projection ${proj.name}: p_transmit ${proj.pTransmit} becomes ${k}/${levels} = ${(k / levels).toPrecision(4)} on ${profile.name}`, span: proj.span });
      }
    }
    // Learning.
    let learningIndex: number | null = null;
    if (rule) {
      const lr = lowerLearning(network, proj, rule, profile, inf, fStep, lowered, scales, plans, dt);
      ds.push(...lr.diagnostics);
      if (lr.program) {
        learningIndex = learning.length;
        learning.push(lr.program);
      }
    }
    emitProjections.push({
      projection: proj,
      table: inf.table,
      weights: q.mant,
      group: { weightShift: shift, weightMin: wMin, weightMax: wMax, transmitThreshold: transmit, learning: learningIndex },
      delay: irDelay,
      port: inf.irPort,
    });
  }

  // 5. Neuron registers.
  for (const [name, plan] of plans) {
    const pop = popByName.get(name)!;
    const inputGain = plan.order.map((_, k) => gain.get(`${name}/${k}`) ?? 0);
    // Initial states from the float reference's own draws, so fixed and float runs start from the same state.
    const ln = lowerNeuron(pop, plan, scales.get(name)!, profile, dt, inputGain.map((g) => (Number.isFinite(g) ? g : 0)), (st) => initialStateValues(network, pop, st));
    ds.push(...ln.diagnostics);
    quant.push(...ln.reports);
    lowered.set(name, ln);
  }
  for (const r of quant) ds.push(...quantDiagnostics(r, strict));

  // 6. Sources.
  const sources: Source[] = [];
  const sourceInfo: Record<string, Json> = {};
  const emitPops: EmitPopulation[] = [];
  for (const p of network.populations) {
    const base = neuronBase.get(p.name)!;
    if (p.source) {
      const ls = lowerSource(p, base, dt);
      ds.push(...ls.diagnostics);
      if (ls.source) {
        emitPops.push({ name: p.name, size: p.size, neuronBase: base, source: sources.length });
        sources.push(ls.source);
        sourceInfo[p.name] = ls.info as Json;
      }
    } else {
      const ln = lowered.get(p.name);
      if (ln) emitPops.push({ name: p.name, size: p.size, neuronBase: base, neuron: ln });
    }
  }

  if (hasErrors(ds)) return { diagnostics: ds, quantization: quant, scales: scaleReports };

  // 7. Mapping.
  const mapped = mapNetwork(
    {
      populations: network.populations.map((p) => ({ name: p.name, size: p.size, span: p.span, onChip: p.neuron !== undefined })),
      projections: emitProjections.map((e) => ({
        name: e.projection.name,
        pre: e.projection.pre,
        post: e.projection.post,
        span: e.projection.span,
        connectivity: e.table,
        delayed: e.delay > 0,
        plastic: e.projection.rule !== null,
      })),
      sources: options.sources,
    },
    profile,
  );
  ds.push(...mapped.diagnostics);
  if (!mapped.mapping || hasErrors(ds)) return { diagnostics: ds, quantization: quant, scales: scaleReports };
  const mapping = mapped.mapping;

  // 8. Emit.
  const protocol = network.protocol;
  const steps = protocol ? Math.max(1, Math.round((protocol.present + protocol.settle) / dt)) : 1000;
  const reports: Record<string, Json> = {
    quantization: quant.map((r) => JSON.parse(JSON.stringify(r)) as Json),
    scales: scaleReports as unknown as Json,
    mapping: {
      chipsUsed: mapping.chipsUsed,
      meanHops: mapping.meanHops,
      cores: mapping.cores.map((c) => ({
        core: c.index,
        population: c.population,
        start: c.start,
        end: c.end,
        chip: c.place.chip,
        x: c.place.x,
        y: c.place.y,
        ...c.use,
      })),
    },
    sources: sourceInfo,
  };
  const out = emitIr({
    network,
    profile,
    mapping,
    populations: emitPops,
    projections: emitProjections,
    sources,
    learning,
    neuronCount,
    steps,
    producer: options.producer ?? 'dendrite',
    reports,
    targetDetails: options.targetDetails ?? { source: profile.source },
  });
  ds.push(...out.diagnostics);
  if (hasErrors(ds)) return { diagnostics: ds, quantization: quant, scales: scaleReports, mapping };
  return { ir: out.ir, diagnostics: ds, quantization: quant, scales: scaleReports, mapping };
}

/** The capability error of a plastic projection on a target without learning: the rule's span, a note at the projection. */
function noLearning(projection: Projection, rule: LearningRule, profile: TargetProfile): Diagnostic[] {
  const ds = checkLearningSupport(
    { rule: rule.name, span: rule.span, forms: ['sum_of_products', 'gated_state_update', 'sdsp'], triggers: [], reads: [], gates: [], productTerms: 0, maxFactors: 0, modulators: 0, stochasticRounding: false },
    profile,
  );
  return ds.map((d) => ({
    ...d,
    message: `${d.message} (projection ${projection.name} is plastic)`,
    notes: [...(d.notes ?? []), { message: `projection ${projection.name} learns with \`${rule.name}\` here`, span: projection.span }],
  }));
}

/** Rule compiler (capability errors for targets without learning come from noLearning). */
function lowerLearning(
  network: Network,
  projection: Projection,
  rule: LearningRule,
  profile: TargetProfile,
  inf: ProjectionInfo,
  weightStep: number,
  _lowered: ReadonlyMap<string, LoweredNeuron>,
  scales: ReadonlyMap<string, number[]>,
  plans: ReadonlyMap<string, NeuronPlan>,
  dt: number,
): { program?: LearningProgram; diagnostics: Diagnostic[] } {
  if (!profile.learning.enabled) return { diagnostics: [] }; // reported by noLearning()
  const plan = plans.get(inf.post.name)!;
  const s = scales.get(inf.post.name)!;
  const postStateStep = (state: string): number | undefined => {
    for (const [name, ir] of plan.irState) if (name === state || ir === state) return s[plan.domainOf.get(name)!];
    return undefined;
  };
  return lowerRuleForProjection({ network, projection, rule, profile, postModel: plan.model, weightStep, postStateStep, dt });
}
