/**
 * Test helpers: tiny hand-built IRs (one core, `cuba` compartments), hand-built model objects for lowerRule,
 * and the default/nsat/loihi1 target profiles.
 */
import type { CubaGroup, DendriteIr, LearningProgram, Source, StateVar, SynapseGroup } from '../../ir/types.js';
import { IR_FORMAT } from '../../ir/types.js';
import { ALWAYS } from '../../emulator/prng.js';
import { resolveTarget } from '../../compiler/target/load.js';
import type { TargetProfile } from '../../compiler/target/profile.js';
import type { Span } from '../../compiler/diagnostics/diagnostic.js';
import type { Expr, LearningRule, Network, NeuronModel, Population, Projection, VarRef } from '../../compiler/model.js';

export function profile(name: string): TargetProfile {
  const r = resolveTarget(name) as { profile?: TargetProfile; diagnostics: unknown[] };
  if (!r.profile) throw new Error(`cannot load target ${name}: ${JSON.stringify(r.diagnostics)}`);
  return r.profile;
}

// ---------------------------------------------------------------------------------------------------------
// IR builder

export interface CubaSpec {
  /** Synaptic current with this decay register (multiplicative loihi12), or none (input straight into v). */
  current?: number | null;
  vDecay?: number;
  threshold: number;
  reset?: 'value' | 'subtract' | 'none';
  floor?: number | null;
  refractory?: number;
  /** Dendrite named `u`, with this loihi12 decay register. */
  dendrite?: number | null;
}

export type PopSpec =
  | { name: string; size: number; kind: 'spikes'; spikes: [number, number][] }
  | { name: string; size: number; kind: 'poisson'; rates: number[] /* probability per step */ }
  | { name: string; size: number; kind: 'label'; p: number }
  | { name: string; size: number; kind: 'cuba'; cuba: CubaSpec };

export interface ProjSpec {
  name: string;
  pre: string;
  post: string;
  port?: 0 | 1;
  /** weights[i][j] from pre i to post j; null = no synapse. */
  weights: (number | null)[][];
  weightShift?: number;
  weightMin?: number;
  weightMax?: number;
  program?: LearningProgram;
}

const sv = (bits: number, decay: number | null, n: number, floor: number | null = null): StateVar => ({
  bits, overflow: 'saturate', decay: decay === null ? { kind: 'none' } : { kind: 'loihi12', offset: 0 },
  decayReg: new Int32Array(n).fill(decay ?? 0), floor, ceiling: null,
});

export function buildIr(pops: PopSpec[], projs: ProjSpec[], seed = 1): DendriteIr {
  let nextId = 0;
  let nextComp = 0;
  const base = new Map<string, number>();
  const comp = new Map<string, number>();
  const sources: Source[] = [];
  const groups: CubaGroup[] = [];
  for (const p of pops) {
    if (p.kind !== 'cuba') base.set(p.name, nextId);
    if (p.kind === 'spikes') {
      const s = [...p.spikes].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      sources.push({ kind: 'spikes', name: p.name, size: p.size, neuronBase: nextId, steps: Int32Array.from(s, (x) => x[0]), indices: Int32Array.from(s, (x) => x[1]) });
    } else if (p.kind === 'poisson') {
      sources.push({ kind: 'poisson', name: p.name, size: p.size, neuronBase: nextId, rate: Float64Array.from(p.rates, (r) => Math.round(r * ALWAYS)), refractory: 0 });
    } else if (p.kind === 'label') {
      sources.push({ kind: 'label', name: p.name, size: p.size, neuronBase: nextId, threshold: Math.round(p.p * ALWAYS), label: -1 });
    }
    if (p.kind !== 'cuba') nextId += p.size;
  }
  for (const p of pops) {
    if (p.kind !== 'cuba') continue;
    const c = p.cuba;
    const n = p.size;
    comp.set(p.name, nextComp);
    base.set(p.name, nextId);
    groups.push({
      model: 'cuba', name: p.name, first: nextComp, size: n, neuronBase: nextId, inputBits: 24, inputOverflow: 'saturate',
      current: c.current === undefined || c.current === null ? null : sv(24, c.current, n),
      v: sv(24, c.vDecay ?? null, n, c.floor ?? null),
      dendrite: c.dendrite === undefined || c.dendrite === null ? null : { ...sv(24, c.dendrite, n), name: 'u' },
      bias: new Int32Array(n), threshold: new Int32Array(n).fill(c.threshold), compare: 'gt',
      reset: { mode: c.reset ?? 'value', value: 0 }, refractDelay: new Int32Array(n).fill(c.refractory ?? 0), refractoryValue: 0,
    });
    nextId += n;
    nextComp += n;
  }
  // Re-number: sources first, then compartments (ids were assigned in that order above).
  const neuronCount = nextId;
  const sizeOf = new Map(pops.map((p) => [p.name, p.size]));
  const synapseGroups: SynapseGroup[] = [];
  const learning: LearningProgram[] = [];
  const axonOffsets = [0];
  const axonGroup: number[] = [];
  const targets: number[] = [];
  const weights: number[] = [];
  const ports: number[] = [];
  const routes: [number, number][] = []; // (neuron id, axon)
  for (const pr of projs) {
    const gi = synapseGroups.length;
    let prog: number | null = null;
    if (pr.program) { prog = learning.length; learning.push(pr.program); }
    synapseGroups.push({ name: pr.name, weightShift: pr.weightShift ?? 0, weightMin: pr.weightMin ?? -(2 ** 15), weightMax: pr.weightMax ?? 2 ** 15 - 1, transmitThreshold: ALWAYS, learning: prog });
    const c0 = comp.get(pr.post);
    if (c0 === undefined) throw new Error(`post ${pr.post} is not a compartment population`);
    for (let i = 0; i < sizeOf.get(pr.pre)!; i++) {
      const a = axonGroup.length;
      axonGroup.push(gi);
      routes.push([base.get(pr.pre)! + i, a]);
      pr.weights[i]!.forEach((w, j) => {
        if (w === null) return;
        targets.push(c0 + j);
        weights.push(w);
        ports.push(pr.port ?? 0);
      });
      axonOffsets.push(targets.length);
    }
  }
  routes.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const offsets = new Int32Array(neuronCount + 1);
  for (const [n] of routes) offsets[n + 1]!++;
  for (let n = 0; n < neuronCount; n++) offsets[n + 1]! += offsets[n]!;
  return {
    format: IR_FORMAT, target: { name: 'test', details: null }, producer: 'tests/learning', seed, dt: 0.001, steps: 100, neuronCount,
    sources,
    cores: [{
      mesh: { x: 0, y: 0 }, compartmentCount: nextComp, groups, axonCount: axonGroup.length,
      synapses: { axonOffsets: Int32Array.from(axonOffsets), axonGroup: Int32Array.from(axonGroup), targets: Int32Array.from(targets), weights: Int32Array.from(weights), delays: new Uint8Array(targets.length), ports: Uint8Array.from(ports) },
      synapseGroups,
    }],
    routing: { offsets, core: new Int32Array(routes.length), axon: Int32Array.from(routes, (r) => r[1]) },
    learning,
    populations: pops.map((p) => ({
      name: p.name, neuronBase: base.get(p.name)!, size: p.size,
      placement: p.kind === 'cuba'
        ? [{ kind: 'group' as const, core: 0, group: groups.findIndex((g) => g.name === p.name), offset: 0, count: p.size }]
        : [{ kind: 'source' as const, source: sources.findIndex((s) => s.name === p.name) }],
    })),
    ports: { inputs: [], outputs: [] }, probes: [],
    cost: { synapticOp: { cycles: 1, pj: 1 }, compartmentUpdate: { cycles: 1, pj: 1 }, learningOp: { cycles: 1, pj: 1 }, spike: { cycles: 1, pj: 1 }, hop: { cycles: 1, pj: 1 } },
    reports: {},
  };
}

/** Stored weights of the rows of projection `name` (synapse group of that name), in row order. */
export function rowsOf(ir: DendriteIr, name: string): number[] {
  const core = ir.cores[0]!;
  const gi = core.synapseGroups.findIndex((g) => g.name === name);
  const rows: number[] = [];
  for (let a = 0; a < core.axonCount; a++) {
    if (core.synapses.axonGroup[a] !== gi) continue;
    for (let r = core.synapses.axonOffsets[a]!; r < core.synapses.axonOffsets[a + 1]!; r++) rows.push(r);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// Model objects (what the checker would produce), spans all in one fake file

export const SPAN: Span = { file: 'test.snn', start: 0, end: 1 };
let off = 0;
export const sp = (): Span => ({ file: 'test.snn', start: off, end: ++off });

export const num = (value: number): Expr => ({ kind: 'number', value, span: sp() });
export const v = (ref: VarRef): Expr => ({ kind: 'var', ref, span: sp() });
export const postState = (name: string): Expr => v({ kind: 'post_state', name });
export const trace = (side: 'pre' | 'post', name: string): Expr => v({ kind: 'trace', side, name });
export const signal = (name: string): Expr => v({ kind: 'signal', name });
export const weight = (): Expr => v({ kind: 'weight' });
export const mul = (left: Expr, right: Expr): Expr => ({ kind: 'binary', op: '*', left, right, span: sp() });
export const add = (left: Expr, right: Expr): Expr => ({ kind: 'binary', op: '+', left, right, span: sp() });
export const sub = (left: Expr, right: Expr): Expr => ({ kind: 'binary', op: '-', left, right, span: sp() });
export const neg = (operand: Expr): Expr => ({ kind: 'neg', operand, span: sp() });

/** An eRBP-style neuron: current i (role current), membrane v, dendrite u. */
export function erbpNeuron(): NeuronModel {
  const st = (name: string, role: 'current' | 'membrane' | 'dendrite', integrates: string[] = []) =>
    ({ name, span: sp(), role, tau: 0.005, rest: 0, initial: 0, integrates });
  return {
    typeName: 'ErbpLIF', base: 'CubaLIF', span: sp(),
    states: [st('i', 'current'), st('v', 'membrane', ['i']), st('u', 'dendrite')],
    ports: [{ name: 'in', span: sp(), target: 'i' }, { name: 'err', span: sp(), target: 'u' }],
    membrane: 'v', threshold: 1, reset: { kind: 'value', value: 0 }, refractory: 0.004, bias: 0, spiking: true,
  };
}

export function network(rules: LearningRule[], projections: Projection[], extra: Partial<Network> = {}): Network {
  const pops: Population[] = [
    { name: 'x', span: sp(), size: 4, source: { kind: 'poisson_fixed', rate: 10, span: sp() } },
    { name: 'h', span: sp(), size: 3, neuron: erbpNeuron() },
  ];
  return { name: 'n', file: 'test.snn', span: SPAN, dt: 0.001, seed: 1, populations: pops, projections, rules, signals: [], probes: [], ...extra };
}

export function projection(rule: string | null, extra: Partial<Projection> = {}): Projection {
  return {
    name: 'x->h', span: sp(), pre: 'x', post: 'h', port: 'in', feedback: false, connector: { kind: 'dense' },
    weight: { kind: 'constant', value: 0 }, seed: 1, delay: 0, pTransmit: 1, rule, ...extra,
  };
}
