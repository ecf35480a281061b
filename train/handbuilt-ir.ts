/**
 * A hand-lowered eRBP classifier IR (papers.md §1.3–1.5 structure, integer registers chosen here, not by the
 * compiler): Poisson pixels → hidden layer(s) → prediction, label source, error neurons E+/E−, fixed
 * column-centred random feedback into the dendrites, and one `sop` eRBP program per plastic projection
 * (on pre spike: w += 2^−etaShift · post.u, gated by |post.i| < boxcar and by the burn-in window).
 *
 * It exists so the training harness can be measured end to end (ms per sample, learning) independently of the
 * compiler, and as the bench fallback; the `.snn` examples lowered by `compiler/` are the real thing.
 * One core holds every compartment; axon a of the core is global neuron a.
 *
 * Registers (cuba model, dt = 1 ms): hidden/prediction neurons: current i (shift leak 2, τ ≈ 4 steps), v = i
 * each step (shift leak 0 = full leak, like τ_V ≪ τ_syn), threshold θ = 1024, reset to 0, refractory 3 steps,
 * dendrite u (shift leak 2). Error neurons: v only, no leak, floor 0, threshold 1024, subtract reset.
 */
import { mulberry32, unitFloat } from '../data/prng.js';
import { ALWAYS } from '../emulator/prng.js';
import {
  IR_FORMAT, type CompartmentGroup, type CubaGroup, type DendriteIr, type Json, type LearningProgram, type Population, type StateVar,
  type SynapseGroup,
} from '../ir/types.js';
import type { TrainProtocol } from './protocol.js';

export interface HandbuiltErbpOptions {
  readonly inputs?: number; // 784
  readonly hidden?: readonly number[]; // [200]
  readonly classes?: number; // 10
  readonly seed?: number;
  readonly presentSteps?: number;
  readonly settleSteps?: number;
  readonly presentTestSteps?: number;
  readonly burnInSteps?: number;
  readonly rateMaxHz?: number;
  /** Learning rate 2^−etaShift (per presynaptic spike, times post.u). */
  readonly etaShift?: number;
  /** Blank-out transmission probability of the plastic projections (eRBP×: 0.45–0.65; 1 = eRBP without blank-out). */
  readonly pTransmit?: number;
  /** No learning programs (a frozen network, for speed measurements of inference). */
  readonly frozen?: boolean;
  readonly epochs?: number;
}

const THETA = 1024;

function sv(size: number, bits: number, shift: number | null, floor: number | null = null): StateVar {
  return {
    bits, overflow: 'saturate', decay: shift === null ? { kind: 'none' } : { kind: 'shift', neverZero: false },
    decayReg: new Int32Array(size).fill(shift ?? 0), floor, ceiling: null,
  };
}

function erbpGroup(name: string, first: number, size: number, neuronBase: number): CubaGroup {
  return {
    model: 'cuba', name, first, size, neuronBase, inputBits: 24, inputOverflow: 'saturate',
    current: sv(size, 24, 2), v: sv(size, 24, 0), dendrite: { ...sv(size, 24, 2), name: 'u' },
    bias: new Int32Array(size), threshold: new Int32Array(size).fill(THETA), compare: 'gt',
    reset: { mode: 'value', value: 0 }, refractDelay: new Int32Array(size).fill(3), refractoryValue: 0,
  };
}

function errorGroup(name: string, first: number, size: number, neuronBase: number): CubaGroup {
  return {
    model: 'cuba', name, first, size, neuronBase, inputBits: 24, inputOverflow: 'saturate',
    current: null, v: sv(size, 24, null, 0), dendrite: null,
    bias: new Int32Array(size), threshold: new Int32Array(size).fill(THETA), compare: 'gt',
    reset: { mode: 'subtract', value: 0 }, refractDelay: new Int32Array(size), refractoryValue: 0,
  };
}

export function handbuiltErbpIr(o: HandbuiltErbpOptions = {}): DendriteIr {
  const P = o.inputs ?? 784;
  const H = o.hidden ?? [200];
  const C = o.classes ?? 10;
  const present = o.presentSteps ?? 100;
  const settle = o.settleSteps ?? 0;
  const burnIn = o.burnInSteps ?? 20;
  const etaShift = o.etaShift ?? 10;
  const rng = mulberry32(o.seed ?? 1);
  const uni = (a: number) => Math.round((2 * unitFloat(rng) - 1) * a);

  // Global ids: img, lbl, hidden layers, out, e+, e−.
  let id = 0;
  const img = { base: id, size: P };
  id += P;
  const lbl = { base: id, size: C };
  id += C;
  const layerNames = [...H.map((_, k) => `h${k + 1}`), 'out'];
  const layerSizes = [...H, C];
  const groups: CompartmentGroup[] = [];
  let first = 0;
  const layers = layerNames.map((name, k) => {
    const g = erbpGroup(name, first, layerSizes[k]!, id);
    groups.push(g);
    first += g.size;
    id += g.size;
    return g;
  });
  const epos = errorGroup('e_pos', first, C, id);
  first += C;
  id += C;
  const eneg = errorGroup('e_neg', first, C, id);
  first += C;
  id += C;
  groups.push(epos, eneg);
  const neuronCount = id;
  const compOf = (g: CubaGroup, k: number) => g.first + k;

  // Synapses per presynaptic neuron (axon = global id): [target compartment, weight, port].
  const rows: [number, number, number][][] = Array.from({ length: neuronCount }, () => []);
  const axonGroup = new Int32Array(neuronCount);
  const synapseGroups: SynapseGroup[] = [];
  const learning: LearningProgram[] = [];
  const pT = o.pTransmit ?? 1;
  const addGroup = (name: string, plastic: boolean, lo = -32768, hi = 32767): number => {
    let prog: number | null = null;
    if (plastic && !o.frozen) {
      prog = learning.length;
      learning.push(erbpProgram(name, present + settle, burnIn, etaShift));
    }
    synapseGroups.push({
      name, weightShift: 0, weightMin: lo, weightMax: hi,
      transmitThreshold: plastic && pT < 1 ? Math.round(pT * ALWAYS) : ALWAYS, learning: prog,
    });
    return synapseGroups.length - 1;
  };

  // Forward plastic projections, uniform init scaled to fan-in.
  const pres = [img, ...layers.slice(0, -1).map((g) => ({ base: g.neuronBase, size: g.size }))];
  layers.forEach((post, k) => {
    const pre = pres[k]!;
    const gi = addGroup(`${k === 0 ? 'img' : layerNames[k - 1]}->${post.name}`, true);
    const a = Math.round((k === 0 ? 140 : 400) * Math.sqrt(200 / Math.max(pre.size, 1)));
    for (let j = 0; j < pre.size; j++) {
      axonGroup[pre.base + j] = gi;
      for (let i = 0; i < post.size; i++) rows[pre.base + j]!.push([compOf(post, i), uni(a), 0]);
    }
  });
  // Label → E+ (+wL), E− (−wL); prediction → E+ (−wL), E− (+wL).
  const wL = Math.round(0.9 * THETA);
  const gl = addGroup('lbl->err', false);
  const out = layers[layers.length - 1]!;
  const go = addGroup('out->err', false);
  for (let k = 0; k < C; k++) {
    axonGroup[lbl.base + k] = gl;
    rows[lbl.base + k]!.push([compOf(epos, k), wL, 0], [compOf(eneg, k), -wL, 0]);
    axonGroup[out.neuronBase + k] = go;
    rows[out.neuronBase + k]!.push([compOf(epos, k), -wL, 0], [compOf(eneg, k), wL, 0]);
  }
  // Feedback: E±_k → prediction k's dendrite (±wE) and → hidden dendrites (±g_ik, column-centred per hidden i).
  const wE = 256;
  const gp = addGroup('e_pos->fb', false);
  const gn = addGroup('e_neg->fb', false);
  const fb = layers.slice(0, -1).map((g) =>
    Array.from({ length: g.size }, () => {
      const col = Array.from({ length: C }, () => uni(256));
      const mean = col.reduce((s, x) => s + x, 0) / C;
      return col.map((x) => Math.round(x - mean));
    }),
  );
  for (let k = 0; k < C; k++) {
    axonGroup[epos.neuronBase + k] = gp;
    axonGroup[eneg.neuronBase + k] = gn;
    rows[epos.neuronBase + k]!.push([compOf(out, k), wE, 1]);
    rows[eneg.neuronBase + k]!.push([compOf(out, k), -wE, 1]);
    layers.slice(0, -1).forEach((g, li) => {
      for (let i = 0; i < g.size; i++) {
        const w = fb[li]![i]![k]!;
        rows[epos.neuronBase + k]!.push([compOf(g, i), w, 1]);
        rows[eneg.neuronBase + k]!.push([compOf(g, i), -w, 1]);
      }
    });
  }

  const axonOffsets = new Int32Array(neuronCount + 1);
  for (let n = 0; n < neuronCount; n++) axonOffsets[n + 1] = axonOffsets[n]! + rows[n]!.length;
  const nSyn = axonOffsets[neuronCount]!;
  const targets = new Int32Array(nSyn);
  const weights = new Int32Array(nSyn);
  const ports = new Uint8Array(nSyn);
  let r = 0;
  for (const list of rows) for (const [t, w, p] of list) {
    targets[r] = t;
    weights[r] = w;
    ports[r++] = p;
  }
  const populations: Population[] = [
    { name: 'img', neuronBase: img.base, size: P, placement: [{ kind: 'source', source: 0 }] },
    { name: 'lbl', neuronBase: lbl.base, size: C, placement: [{ kind: 'source', source: 1 }] },
    ...groups.map((g, gi): Population => ({ name: g.name, neuronBase: g.neuronBase, size: g.size, placement: [{ kind: 'group', core: 0, group: gi, offset: 0, count: g.size }] })),
  ];
  const protocol: TrainProtocol = {
    data: 'mnist', input: 'img', labels: 'lbl', readout: 'out', encoding: { kind: 'poisson', rateMaxHz: o.rateMaxHz ?? 200 },
    presentSteps: present, settleSteps: settle, presentTestSteps: o.presentTestSteps ?? present, resetBetween: false, epochs: o.epochs ?? 1,
  };
  return {
    format: IR_FORMAT, target: { name: 'handbuilt', details: { note: 'train/handbuilt-ir.ts' } }, producer: 'dendrite handbuilt-ir',
    seed: (o.seed ?? 1) >>> 0, dt: 0.001, steps: present, neuronCount,
    sources: [
      { kind: 'poisson', name: 'img', size: P, neuronBase: img.base, rate: new Float64Array(P), refractory: 0 },
      { kind: 'label', name: 'lbl', size: C, neuronBase: lbl.base, threshold: Math.round(0.25 * ALWAYS), label: -1 },
    ],
    cores: [{
      mesh: { x: 0, y: 0 }, compartmentCount: first, groups, axonCount: neuronCount,
      synapses: { axonOffsets, axonGroup, targets, weights, delays: new Uint8Array(nSyn), ports },
      synapseGroups,
    }],
    routing: {
      offsets: Int32Array.from({ length: neuronCount + 1 }, (_, n) => n),
      core: new Int32Array(neuronCount),
      axon: Int32Array.from({ length: neuronCount }, (_, n) => n),
    },
    learning, populations, ports: { inputs: ['img', 'lbl'], outputs: ['out'] }, probes: [],
    cost: {
      synapticOp: { cycles: 4.7, pj: 33.6 }, compartmentUpdate: { cycles: 9.7, pj: 72.8 }, learningOp: { cycles: 10, pj: 120 },
      spike: { cycles: 35.1, pj: 180.3 }, hop: { cycles: 5.3, pj: 3.6 },
    },
    reports: { protocol: protocol as unknown as Json },
  };
}

/** eRBP as `sop` microcode: on pre, if |post.i| < 11.5θ and (t mod period) ≥ burnIn: w += 2^−etaShift · post.u. */
function erbpProgram(projection: string, period: number, burnIn: number, etaShift: number): LearningProgram {
  return {
    kind: 'sop', rule: 'erbp', projection, rounding: 'stochastic', accumulatorBits: 24, bounds: null, traces: [], modulators: [],
    drivenBy: null,
    events: [{
      trigger: { kind: 'pre' },
      gates: [
        { kind: 'range', operand: { kind: 'post_state', state: 'i' }, lo: -Math.round(11.5 * THETA), hi: Math.round(11.5 * THETA), loInclusive: false, hiInclusive: false },
        { kind: 'time', period, op: '>=', value: burnIn },
      ],
      op: 'add',
      terms: [{ mant: 1, exp: -etaShift, factors: [{ kind: 'post_state', state: 'u' }] }],
    }],
  };
}
