/**
 * Conformance with the NSAT golden trace (`golden/nsat/erbp-tiny.json`, nmi-lab/NSAT b0b278d; semantics in
 * research/papers.md §1.10): builds a Dendrite IR of `nsat` groups and one `sop` learning program for the
 * plastic state-0 synapses, runs it with the NSAT kernel and the learning engine, and compares both states of
 * every neuron after every tick, every spike, every monitored weight at the start of every tick and the final
 * weights.
 *
 * Mapping: unit u of NSAT = global neuron id u (inputs 0..n_inputs−1 form one spike-list source, neuron j is
 * compartment j of core 0); NSAT tick t = emulator step t. One input axon per presynaptic unit; one synapse
 * group per projection (weightShift 0: NSAT's Wgain is the group's per-state input gain). The eRBP program:
 * on a pre spike, if gate_lower < x0 < gate_upper and t mod learn_period ≥ learn_burnin,
 * w += zero_bit_shift(x1, −7) (= trunc(x1 · 2^−7)), saturated to [−2^w_boundary, 2^w_boundary − 1].
 */
import { Emulator } from '../emulator.js';
import { ALWAYS } from '../prng.js';
import { SopLearningEngine } from '../learning/engine.js';
import { toIrProgram, type SopProgram } from '../learning/program.js';
import { IR_FORMAT, type Core, type DendriteIr, type NsatGroup, type SynapseGroup } from '../../ir/types.js';

interface NsatTypeParams {
  A: number[][]; sA: number[][]; b: number[]; Xth: number; Xreset?: number[]; XresetOn: boolean[]; t_ref: number;
  Wgain: number[]; Xthlo?: number[]; Xthup?: number[]; XspikeIncrVal?: number[];
  gate_lower?: number; gate_upper?: number; learn_burnin?: number; learn_period?: number; modstate?: number;
}

export interface NsatGolden {
  n_inputs: number;
  n_neurons: number;
  n_states: number;
  population_neuron_addr: Record<string, number[]>;
  input_spikes_tick_id: [number, number][];
  params: {
    hid_and_out: NsatTypeParams;
    err: NsatTypeParams;
    eRBP_det: { hiac: number[]; is_rr_on: boolean };
    global_: { w_boundary: number };
  };
  initial_synapses: { src_unit: number; dst_state: number; dst_unit: number; wgt_index: number; w0: number }[];
  state_records: { rows: number[][] };
  spikes_tick_neuron: [number, number][];
  weight_monitor: { rows: [number, number, number, number, number][] };
  final_shared_mem: number[];
}

export interface NsatDifference {
  tick: number;
  what: 'state' | 'spike' | 'weight' | 'final_weight';
  /** Neuron index j (state/spike) or "pre->post" unit pair (weights). */
  where: string;
  variable?: string;
  expected: number | string;
  actual: number | string;
}

export interface NsatResult {
  readonly pass: boolean;
  readonly ticks: number;
  readonly stateValuesChecked: number;
  readonly spikesChecked: number;
  readonly weightsChecked: number;
  readonly weightsChanged: number;
  readonly firstDifference: NsatDifference | null;
}

/** Structural check of a parsed file; returns problems (empty if usable). */
export function checkNsatGoldenShape(j: unknown): string[] {
  const o = j as Partial<NsatGolden> | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return ['not a JSON object'];
  const p: string[] = [];
  for (const k of ['n_inputs', 'n_neurons', 'n_states'] as const) if (typeof o[k] !== 'number') p.push(`field "${k}" must be a number`);
  for (const k of ['input_spikes_tick_id', 'initial_synapses', 'spikes_tick_neuron', 'final_shared_mem'] as const) {
    if (!Array.isArray(o[k])) p.push(`field "${k}" must be an array`);
  }
  if (!o.params || typeof o.params !== 'object' || !o.params.hid_and_out || !o.params.err || !o.params.eRBP_det || !o.params.global_) {
    p.push('field "params" must hold hid_and_out, err, eRBP_det and global_');
  }
  if (!Array.isArray(o.state_records?.rows)) p.push('field "state_records.rows" must be an array');
  if (!Array.isArray(o.weight_monitor?.rows)) p.push('field "weight_monitor.rows" must be an array');
  if (!o.population_neuron_addr || typeof o.population_neuron_addr !== 'object') p.push('field "population_neuron_addr" must be an object');
  return p;
}

const STATE_MAX = 32767;

function nsatGroup(name: string, first: number, size: number, nInputs: number, K: number, p: NsatTypeParams): NsatGroup {
  const fill = (v: number) => Array.from({ length: K }, () => v);
  return {
    model: 'nsat', name, first, size, neuronBase: nInputs + first, states: K,
    leakShift: p.A, leakSign: p.sA, bias: p.b, threshold: p.Xth, thresholdFromState1: false, refractory: p.t_ref,
    resetOn: p.XresetOn, resetValue: p.Xreset ?? fill(0), spikeIncrement: p.XspikeIncrVal ?? fill(0),
    clampLow: p.Xthlo ?? fill(-STATE_MAX), clampHigh: p.Xthup ?? fill(STATE_MAX), wgain: p.Wgain,
    accLow: -32768, accHigh: 32767, initial: fill(0),
  };
}

/** The eRBP microcode of the golden network (deterministic: no stochastic rounding). */
export function nsatErbpProgram(g: NsatGolden, projection: string): SopProgram {
  const p = g.params.hid_and_out;
  const wb = g.params.global_.w_boundary;
  return {
    kind: 'sop', rule: 'erbp_det', projection, rounding: 'toward_zero', accumulatorBits: 16,
    bounds: [-(2 ** wb), 2 ** wb - 1], traces: [], modulators: [], drivenBy: null,
    events: [{
      trigger: { kind: 'pre' },
      gates: [
        { kind: 'range', operand: { kind: 'post_state', state: 'x0' }, lo: p.gate_lower!, hi: p.gate_upper!, loInclusive: false, hiInclusive: false },
        { kind: 'time', period: p.learn_period!, op: '>=', value: p.learn_burnin! },
      ],
      op: 'add',
      terms: [{ mant: 1, exp: g.params.eRBP_det.hiac[0]!, factors: [{ kind: 'post_state', state: `x${p.modstate ?? 1}` }] }],
    }],
  };
}

/** The IR of the golden network and, per IR synapse row, the golden weight index (for final_shared_mem). */
export function nsatGoldenToIr(g: NsatGolden): { ir: DendriteIr; rowOfWeightIndex: Int32Array; rowOfPair: Map<string, number> } {
  const nIn = g.n_inputs;
  const K = g.n_states;
  const addr = g.population_neuron_addr;
  const groupsSpec: [string, number[], NsatTypeParams][] = [
    ['hid', addr.hid!, g.params.hid_and_out], ['out', addr.out!, g.params.hid_and_out],
    ['err_pos', addr.err_pos!, g.params.err], ['err_neg', addr.err_neg!, g.params.err],
  ];
  const groups = groupsSpec.map(([name, ids, p]) => nsatGroup(name, ids[0]!, ids.length, nIn, K, p));
  const plasticDst = new Set([...addr.hid!, ...addr.out!].map((j) => j + nIn));
  // Projection of a synapse: named by the source and destination populations (and the state for state 1).
  const popOfUnit = new Map<number, string>();
  for (const i of addr.data!) popOfUnit.set(i, 'data');
  for (const i of addr.lab!) popOfUnit.set(addr.data!.length + i, 'lab');
  for (const [name, ids] of groupsSpec) for (const j of ids) popOfUnit.set(j + nIn, name);
  // An axon's synapse group (projection) is named by its source population and all destination populations.
  const projName = (mine: readonly (typeof g.initial_synapses)[number][]) =>
    `${popOfUnit.get(mine[0]!.src_unit)}->${[...new Set(mine.map((s) => popOfUnit.get(s.dst_unit)! + (s.dst_state ? `.x${s.dst_state}` : '')))].join('+')}`;

  const syns = [...g.initial_synapses].sort((a, b) => a.src_unit - b.src_unit || a.dst_unit - b.dst_unit || a.dst_state - b.dst_state);
  const groupNames: string[] = [];
  const groupPlastic: boolean[] = [];
  // One axon per source unit, in unit order; its synapse group is the projection of its first synapse.
  const units = [...new Set(syns.map((s) => s.src_unit))];
  const axonOf = new Map(units.map((u, a) => [u, a]));
  const axonOffsets = new Int32Array(units.length + 1);
  const axonGroup = new Int32Array(units.length);
  const targets: number[] = [];
  const weights: number[] = [];
  const ports: number[] = [];
  const rowOfWeightIndex = new Int32Array(g.final_shared_mem.length).fill(-1);
  const rowOfPair = new Map<string, number>();
  units.forEach((u, a) => {
    const mine = syns.filter((s) => s.src_unit === u);
    const name = projName(mine);
    let gi = groupNames.indexOf(name);
    if (gi < 0) {
      gi = groupNames.length;
      groupNames.push(name);
      groupPlastic.push(mine[0]!.dst_state === 0 && plasticDst.has(mine[0]!.dst_unit));
    }
    axonGroup[a] = gi;
    for (const s of mine) {
      if ((s.dst_state === 0 && plasticDst.has(s.dst_unit)) !== groupPlastic[gi]) throw new Error(`unit ${u} has plastic and frozen synapses`);
      rowOfWeightIndex[s.wgt_index] = targets.length;
      rowOfPair.set(`${s.src_unit}:${s.dst_unit}:${s.dst_state}`, targets.length);
      targets.push(s.dst_unit - nIn);
      weights.push(s.w0);
      ports.push(s.dst_state);
    }
    axonOffsets[a + 1] = targets.length;
  });
  const wb = g.params.global_.w_boundary;
  const learning: SopProgram[] = [];
  const synapseGroups: SynapseGroup[] = groupNames.map((name, gi) => {
    let prog: number | null = null;
    if (groupPlastic[gi]) {
      prog = learning.length;
      learning.push(nsatErbpProgram(g, name));
    }
    return { name, weightShift: 0, weightMin: -(2 ** wb), weightMax: 2 ** wb - 1, transmitThreshold: ALWAYS, learning: prog };
  });
  const core: Core = {
    mesh: { x: 0, y: 0 }, compartmentCount: g.n_neurons, groups, axonCount: units.length,
    synapses: {
      axonOffsets, axonGroup, targets: Int32Array.from(targets), weights: Int32Array.from(weights),
      delays: new Uint8Array(targets.length), ports: Uint8Array.from(ports),
    },
    synapseGroups,
  };
  const neuronCount = nIn + g.n_neurons;
  const offsets = new Int32Array(neuronCount + 1);
  const rAxon: number[] = [];
  for (let n = 0; n < neuronCount; n++) {
    const a = axonOf.get(n);
    if (a !== undefined) rAxon.push(a);
    offsets[n + 1] = rAxon.length;
  }
  const inSpikes = [...g.input_spikes_tick_id].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ir: DendriteIr = {
    format: IR_FORMAT, target: { name: 'nsat', details: { golden: 'erbp-tiny' } }, producer: 'dendrite conformance nsat',
    seed: 0, dt: 0.001, steps: g.state_records.rows.length - 1, neuronCount,
    sources: [{ kind: 'spikes', name: 'inputs', size: nIn, neuronBase: 0,
      steps: Int32Array.from(inSpikes, (s) => s[0]), indices: Int32Array.from(inSpikes, (s) => s[1]) }],
    cores: [core],
    routing: { offsets, core: new Int32Array(rAxon.length), axon: Int32Array.from(rAxon) },
    learning: learning.map(toIrProgram),
    populations: [
      { name: 'inputs', neuronBase: 0, size: nIn, placement: [{ kind: 'source', source: 0 }] },
      ...groups.map((gr, gi) => ({ name: gr.name, neuronBase: gr.neuronBase, size: gr.size, placement: [{ kind: 'group' as const, core: 0, group: gi, offset: 0, count: gr.size }] })),
    ],
    ports: { inputs: ['inputs'], outputs: ['out'] },
    probes: [],
    cost: { synapticOp: { cycles: 1, pj: 0 }, compartmentUpdate: { cycles: 1, pj: 0 }, learningOp: { cycles: 1, pj: 0 }, spike: { cycles: 1, pj: 0 }, hop: { cycles: 0, pj: 0 } },
    reports: {},
  };
  return { ir, rowOfWeightIndex, rowOfPair };
}

/** Runs the golden network and compares everything; stops at the first difference. */
export function runNsatGolden(g: NsatGolden): NsatResult {
  const { ir, rowOfWeightIndex, rowOfPair } = nsatGoldenToIr(g);
  const engine = new SopLearningEngine(ir);
  const emu = new Emulator(ir, { learning: engine });
  const rows = g.state_records.rows;
  const ticks = rows.length - 1;
  const nIn = g.n_inputs;
  const K = g.n_states;
  const core = emu.cores[0]!;
  const W = core.weights;
  let stateValuesChecked = 0;
  let spikesChecked = 0;
  let weightsChecked = 0;
  let first: NsatDifference | null = null;
  const monitorByTick = new Map<number, [number, number, number, number, number][]>();
  for (const r of g.weight_monitor.rows) {
    const list = monitorByTick.get(r[0]) ?? [];
    list.push(r);
    monitorByTick.set(r[0], list);
  }
  const spikesByTick = new Map<number, number[]>();
  for (const [t, j] of g.spikes_tick_neuron) spikesByTick.set(t, [...(spikesByTick.get(t) ?? []), j].sort((a, b) => a - b));
  const stateOf = (j: number, k: number): number => {
    const gi = core.groupOf[j]!;
    const gs = core.groups[gi]!;
    return gs.arrays[`x${k}`]![j - gs.group.first]!;
  };
  const checkWeights = (tick: number): boolean => {
    for (const [, pre, post, state, w] of monitorByTick.get(tick) ?? []) {
      const r = rowOfPair.get(`${pre}:${post}:${state}`);
      const actual = r === undefined ? NaN : W[r]!;
      weightsChecked++;
      if (actual !== w) {
        first = { tick, what: 'weight', where: `${pre}->${post}`, variable: `state ${state}`, expected: w, actual: r === undefined ? 'no such synapse' : actual };
        return false;
      }
    }
    return true;
  };
  // Initial record.
  for (let j = 0; j < g.n_neurons && !first; j++) {
    for (let k = 0; k < K; k++) {
      const e = rows[0]![1 + j * K + k]!;
      stateValuesChecked++;
      if (stateOf(j, k) !== e) { first = { tick: 0, what: 'state', where: `neuron ${j}`, variable: `x${k}`, expected: e, actual: stateOf(j, k) }; break; }
    }
  }
  for (let t = 1; t <= ticks && !first; t++) {
    if (!checkWeights(t)) break;
    emu.step();
    const row = rows[t]!;
    for (let j = 0; j < g.n_neurons && !first; j++) {
      for (let k = 0; k < K; k++) {
        const e = row[1 + j * K + k]!;
        stateValuesChecked++;
        const a = stateOf(j, k);
        if (a !== e) { first = { tick: t, what: 'state', where: `neuron ${j}`, variable: `x${k}`, expected: e, actual: a }; break; }
      }
    }
    if (first) break;
    const got: number[] = [];
    for (let s = 0; s < emu.spikeCount; s++) if (emu.spikes[s]! >= nIn) got.push(emu.spikes[s]! - nIn);
    const want = spikesByTick.get(t) ?? [];
    spikesChecked += want.length;
    if (got.join(',') !== want.join(',')) {
      const j = [...got, ...want].find((x) => got.includes(x) !== want.includes(x))!;
      first = { tick: t, what: 'spike', where: `neuron ${j}`, expected: want.includes(j) ? 'spike' : 'no spike', actual: got.includes(j) ? 'spike' : 'no spike' };
    }
  }
  if (!first) checkWeights(ticks + 1);
  let weightsChanged = 0;
  if (!first) {
    for (let i = 0; i < g.final_shared_mem.length; i++) {
      const r = rowOfWeightIndex[i]!;
      if (r < 0) continue;
      weightsChecked++;
      if (W[r] !== core.ir.synapses.weights[r]) weightsChanged++;
      if (W[r] !== g.final_shared_mem[i]) {
        const s = g.initial_synapses.find((x) => x.wgt_index === i)!;
        first = { tick: ticks, what: 'final_weight', where: `${s.src_unit}->${s.dst_unit}`, variable: `weight index ${i}`, expected: g.final_shared_mem[i]!, actual: W[r]! };
        break;
      }
    }
  }
  return { pass: first === null, ticks, stateValuesChecked, spikesChecked, weightsChecked, weightsChanged, firstDifference: first };
}

/** One-paragraph human summary: PASS/FAIL and the first difference. */
export function formatNsatResult(r: NsatResult, file: string): string {
  if (r.pass) {
    return `PASS ${file}: ${r.ticks} ticks, ${r.stateValuesChecked} state values, ${r.spikesChecked} spikes, ${r.weightsChecked} weights identical (${r.weightsChanged} plastic weights changed)\n`;
  }
  const d = r.firstDifference!;
  return `FAIL ${file}: first difference at tick ${d.tick}, ${d.what} of ${d.where}${d.variable ? ` (${d.variable})` : ''}: expected ${d.expected}, got ${d.actual}\n`;
}
