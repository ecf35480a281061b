/**
 * Conformance with the nengo-loihi golden cases (`loihi-golden/1`, /golden/loihi/README.md): turns a case into
 * a Dendrite IR of the `loihi` compartment model, checks the weight discretisation against every `weight_acc`,
 * runs the emulator and compares u, v and spikes of every compartment at every step, and the per-step overflow
 * warnings ("Overflow in q0" / "current" / "u2").
 *
 * Mapping: each input becomes a spike-list source; each block gets its own core (mesh x = block index) with one
 * `loihi` group (q 22 bits, u/u2 24 bits, v never wrapped); each golden synapse becomes one synapse group on the
 * target's core, with one input axon per presynaptic neuron and a row per nonzero weight.
 */
import { discretizeWeightLoihiParts } from '../arith.js';
import { Emulator } from '../emulator.js';
import { ALWAYS } from '../prng.js';
import { IR_FORMAT, type Core, type DendriteIr, type LoihiGroup, type Population, type Source, type SynapseGroup } from '../../ir/types.js';

export interface GoldenBlock {
  name: string; size: number; vmin: number; vmax: number;
  /** Per-compartment registers (arrays of length size). */
  decay_u: number[]; decay_v: number[]; vth_mant: number[]; bias_man: number[]; bias_exp: number[]; refract_delay: number[];
}
export interface GoldenSynapse {
  from: string; to: string; weight_exp: number; weight_bits: number; mixed_sign: boolean;
  weight_mant: number[][]; weight_acc: number[][];
}
export interface GoldenCase {
  format: 'loihi-golden/1';
  case: string;
  steps: number;
  inputs: { name: string; size: number; spikes: [number, number][] }[];
  blocks: GoldenBlock[];
  synapses: GoldenSynapse[];
  expected: Record<string, { u: number[][]; v: number[][]; spikes: [number, number][] }>;
  warnings: { step: number; message: string }[];
}

/** A `weight_acc` entry that `discretizeWeightLoihi(weight_mant)` does not reproduce. */
export interface WeightMismatch { synapse: number; pre: number; post: number; mant: number; expected: number; actual: number }

/** The first difference between the emulator and the golden data. */
export interface FirstDifference {
  step: number;
  variable: 'u' | 'v' | 'spike' | 'warning';
  block: string;
  compartment: number;
  expected: number | string;
  actual: number | string;
}

export interface CaseResult {
  readonly name: string;
  readonly pass: boolean;
  readonly steps: number;
  readonly weightsChecked: number;
  readonly weightMismatches: readonly WeightMismatch[];
  readonly firstDifference: FirstDifference | null;
  readonly spikes: number;
  readonly warningsChecked: number;
}

/** Structural check of a parsed golden case; returns a list of problems (empty if usable). */
export function checkGoldenShape(j: unknown): string[] {
  const problems: string[] = [];
  const o = j as Partial<GoldenCase> | null;
  if (o === null || typeof o !== 'object') return ['not a JSON object'];
  if (o.format !== 'loihi-golden/1') problems.push(`format must be "loihi-golden/1", found ${JSON.stringify(o.format)}`);
  for (const k of ['inputs', 'blocks', 'synapses', 'warnings'] as const) if (!Array.isArray(o[k])) problems.push(`field "${k}" must be an array`);
  if (typeof o.steps !== 'number' || !Number.isInteger(o.steps) || o.steps < 0) problems.push('field "steps" must be a non-negative integer');
  if (o.expected === null || typeof o.expected !== 'object') problems.push('field "expected" must be an object');
  return problems;
}

/** Builds the IR of a golden case and checks every weight_acc against the discretiser. */
export function goldenToIr(gc: GoldenCase): { ir: DendriteIr; mismatches: WeightMismatch[]; weightsChecked: number } {
  const mismatches: WeightMismatch[] = [];
  let weightsChecked = 0;
  let nextId = 0;
  const base = new Map<string, number>();
  const sizeOf = new Map<string, number>();
  const sources: Source[] = gc.inputs.map((inp) => {
    const neuronBase = nextId;
    nextId += inp.size;
    base.set(inp.name, neuronBase);
    sizeOf.set(inp.name, inp.size);
    return {
      kind: 'spikes', name: inp.name, size: inp.size, neuronBase,
      steps: Int32Array.from(inp.spikes, (s) => s[0]), indices: Int32Array.from(inp.spikes, (s) => s[1]),
    };
  });
  const coreOf = new Map<string, number>();
  gc.blocks.forEach((b, i) => {
    base.set(b.name, nextId);
    sizeOf.set(b.name, b.size);
    coreOf.set(b.name, i);
    nextId += b.size;
  });
  const neuronCount = nextId;
  const routes: [number, number][][] = Array.from({ length: neuronCount }, () => []);

  const cores: Core[] = gc.blocks.map((b, bi) => {
    const n = b.size;
    const fill = (v: number[]) => Int32Array.from({ length: n }, (_, i) => v[i] ?? 0);
    const group: LoihiGroup = {
      model: 'loihi', name: b.name, first: 0, size: n, neuronBase: base.get(b.name)!,
      qBits: 22, uBits: 24, vBits: null, vmin: b.vmin, vmax: b.vmax,
      decayU: fill(b.decay_u), decayV: fill(b.decay_v), vthMant: fill(b.vth_mant),
      biasMant: fill(b.bias_man), biasExp: fill(b.bias_exp), refractDelay: fill(b.refract_delay),
    };
    const offsets: number[] = [0];
    const axonGroup: number[] = [];
    const targets: number[] = [];
    const weights: number[] = [];
    const synapseGroups: SynapseGroup[] = [];
    gc.synapses.forEach((s, si) => {
      if (s.to !== b.name) return;
      const gi = synapseGroups.length;
      let shift = 6;
      let lo = 0;
      let hi = 0;
      const nPre = s.weight_mant.length;
      const rows: { mant: number; post: number }[][] = [];
      for (let i = 0; i < nPre; i++) {
        const row: { mant: number; post: number }[] = [];
        for (let j = 0; j < n; j++) {
          const mant = s.weight_mant[i]![j]!;
          const p = discretizeWeightLoihiParts(mant, s.weight_exp, s.weight_bits, s.mixed_sign);
          const expected = s.weight_acc[i]?.[j];
          weightsChecked++;
          if (p.acc !== expected) mismatches.push({ synapse: si, pre: i, post: j, mant, expected: expected ?? NaN, actual: p.acc });
          shift = p.shift; // constant per synapse: depends only on (weight_exp, weight_bits, mixed_sign)
          lo = Math.min(lo, p.mant);
          hi = Math.max(hi, p.mant);
          if (p.mant !== 0) row.push({ mant: p.mant, post: j });
        }
        rows.push(row);
      }
      synapseGroups.push({ name: `${s.from}->${s.to}#${si}`, weightShift: shift, weightMin: lo, weightMax: hi, transmitThreshold: ALWAYS, learning: null });
      const fromBase = base.get(s.from)!;
      rows.forEach((row, i) => {
        routes[fromBase + i]!.push([bi, axonGroup.length]);
        axonGroup.push(gi);
        for (const { mant, post } of row) {
          targets.push(post);
          weights.push(mant);
        }
        offsets.push(targets.length);
      });
    });
    if (synapseGroups.length === 0) {
      synapseGroups.push({ name: 'none', weightShift: 0, weightMin: 0, weightMax: 0, transmitThreshold: ALWAYS, learning: null });
    }
    return {
      mesh: { x: bi, y: 0 }, compartmentCount: n, groups: [group], axonCount: axonGroup.length,
      synapses: {
        axonOffsets: Int32Array.from(offsets), axonGroup: Int32Array.from(axonGroup), targets: Int32Array.from(targets),
        weights: Int32Array.from(weights), delays: new Uint8Array(targets.length), ports: new Uint8Array(targets.length),
      },
      synapseGroups,
    };
  });

  const rOffsets = [0];
  const rCore: number[] = [];
  const rAxon: number[] = [];
  for (const list of routes) {
    for (const [c, a] of list) {
      rCore.push(c);
      rAxon.push(a);
    }
    rOffsets.push(rCore.length);
  }
  const populations: Population[] = [
    ...gc.inputs.map((inp, i): Population => ({ name: inp.name, neuronBase: base.get(inp.name)!, size: inp.size, placement: [{ kind: 'source', source: i }] })),
    ...gc.blocks.map((b, i): Population => ({ name: b.name, neuronBase: base.get(b.name)!, size: b.size, placement: [{ kind: 'group', core: i, group: 0, offset: 0, count: b.size }] })),
  ];
  const zero = { cycles: 0, pj: 0 };
  const ir: DendriteIr = {
    format: IR_FORMAT, target: { name: 'loihi1', details: { golden: gc.case } }, producer: 'dendrite conformance',
    seed: 0, dt: 0.001, steps: gc.steps, neuronCount, sources, cores,
    routing: { offsets: Int32Array.from(rOffsets), core: Int32Array.from(rCore), axon: Int32Array.from(rAxon) },
    learning: [], populations, ports: { inputs: gc.inputs.map((i) => i.name), outputs: gc.blocks.map((b) => b.name) },
    probes: [], cost: { synapticOp: zero, compartmentUpdate: zero, learningOp: zero, spike: zero, hop: zero }, reports: {},
  };
  return { ir, mismatches, weightsChecked };
}

const WARN_ORDER: readonly [string, string][] = [
  ['q', 'Overflow in q0'],
  ['u', 'Overflow in current'],
  ['u2', 'Overflow in u2'],
];

/** Runs one golden case and compares every step. */
export function runGoldenCase(gc: GoldenCase): CaseResult {
  const { ir, mismatches, weightsChecked } = goldenToIr(gc);
  const emu = new Emulator(ir);
  const expWarn = new Map<number, string[]>();
  for (const w of gc.warnings) {
    const l = expWarn.get(w.step) ?? [];
    l.push(w.message);
    expWarn.set(w.step, l);
  }
  const expSpikes = new Map<string, Set<number>>(); // key `${block}:${t}`
  for (const b of gc.blocks) {
    for (const [t, i] of gc.expected[b.name]?.spikes ?? []) {
      const key = `${b.name}:${t}`;
      let set = expSpikes.get(key);
      if (set === undefined) expSpikes.set(key, (set = new Set()));
      set.add(i);
    }
  }
  let firstDifference: FirstDifference | null = null;
  let spikes = 0;
  const prevWraps = new Map<string, number>();
  const wrapsNow = (name: string) => emu.cores.reduce((s, rt) => s + (rt.counters.overflow[name]?.wrap ?? 0), 0);
  for (const [name] of WARN_ORDER) prevWraps.set(name, 0);
  outer: for (let t = 1; t <= gc.steps; t++) {
    emu.step();
    const warned: string[] = [];
    for (const [name, message] of WARN_ORDER) {
      const now = wrapsNow(name);
      if (now > prevWraps.get(name)!) warned.push(message);
      prevWraps.set(name, now);
    }
    const expected = expWarn.get(t) ?? [];
    if (warned.join('|') !== expected.join('|')) {
      firstDifference = { step: t, variable: 'warning', block: '*', compartment: -1, expected: expected.join(', ') || '(none)', actual: warned.join(', ') || '(none)' };
      break;
    }
    for (let bi = 0; bi < gc.blocks.length; bi++) {
      const b = gc.blocks[bi]!;
      const exp = gc.expected[b.name];
      const arrays = emu.cores[bi]!.groups[0]!.arrays;
      const spikeSet = expSpikes.get(`${b.name}:${t}`);
      const nb = ir.cores[bi]!.groups[0]!.neuronBase;
      for (let i = 0; i < b.size; i++) {
        const eu = exp?.u[t - 1]?.[i];
        const ev = exp?.v[t - 1]?.[i];
        if (arrays.u![i] !== eu) {
          firstDifference = { step: t, variable: 'u', block: b.name, compartment: i, expected: eu ?? 'missing', actual: arrays.u![i]! };
          break outer;
        }
        if (arrays.v![i] !== ev) {
          firstDifference = { step: t, variable: 'v', block: b.name, compartment: i, expected: ev ?? 'missing', actual: arrays.v![i]! };
          break outer;
        }
        const es = spikeSet?.has(i) ? 1 : 0;
        const as = emu.spiked[nb + i]!;
        if (es !== as) {
          firstDifference = { step: t, variable: 'spike', block: b.name, compartment: i, expected: es, actual: as };
          break outer;
        }
        spikes += as;
      }
    }
  }
  return {
    name: gc.case, pass: firstDifference === null && mismatches.length === 0, steps: gc.steps, weightsChecked,
    weightMismatches: mismatches, firstDifference, spikes, warningsChecked: gc.warnings.length,
  };
}

/** One line describing a case result, e.g. `PASS public/case-00 (161 steps, 52 spikes, …)`. */
export function formatCaseResult(r: CaseResult, file: string): string {
  if (r.pass) {
    return `PASS ${r.name} (${file}): ${r.steps} steps, ${r.spikes} spikes, ${r.weightsChecked} weights, ${r.warningsChecked} warnings match\n`;
  }
  const lines = [`FAIL ${r.name} (${file})`];
  if (r.weightMismatches.length > 0) {
    const m = r.weightMismatches[0]!;
    lines.push(`  ${r.weightMismatches.length} weight_acc mismatch(es); first: synapse ${m.synapse} [${m.pre}][${m.post}] mantissa ${m.mant}: expected ${m.expected}, discretised ${m.actual}`);
  }
  const d = r.firstDifference;
  if (d !== null) {
    lines.push(
      d.variable === 'warning'
        ? `  first difference at step ${d.step}: overflow warnings expected [${d.expected}], got [${d.actual}]`
        : `  first difference at step ${d.step}: ${d.variable} of block ${d.block} compartment ${d.compartment}: expected ${d.expected}, got ${d.actual}`,
    );
  }
  return lines.join('\n') + '\n';
}
