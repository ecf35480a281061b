/**
 * A hand-built fixed-point twin of a small float network: one spike-list source densely connected to one `cuba`
 * group, with registers computed here from the float parameters (independently of the lowering), so the float
 * reference can be checked against the emulator without the compiler.
 */
import { roundHalfEven } from '../../emulator/arith.js';
import { IR_FORMAT, type CubaGroup, type DendriteIr, type StateVar } from '../../ir/types.js';
import { materialize } from '../../compiler/network/connectivity.js';
import type { Network } from '../../compiler/model.js';
import { cubaLif, network, neurons, project, source, spikeFile } from './build.js';

export interface TwinOptions {
  readonly sources: number;
  readonly size: number;
  /** Time constants in steps (dt = 1 ms). */
  readonly tauI: number;
  readonly tauV: number;
  /** Model units per state LSB. */
  readonly scale: number;
  /** Weight quantum = scale · 2^weightShift. */
  readonly weightShift: number;
  readonly threshold: number;
  readonly bias: number;
  readonly weightRange: number;
  readonly spikes: { readonly steps: Int32Array; readonly indices: Int32Array };
  readonly bits?: number;
}

export interface Twin {
  readonly network: Network;
  readonly ir: DendriteIr;
  /** Float weights (materialised) and their quantized mantissas. */
  readonly weights: Float64Array;
  readonly mant: Int32Array;
  /** Retention factors: exact and as the registers realise them. */
  readonly alphaI: number;
  readonly alphaV: number;
  readonly alphaIq: number;
  readonly alphaVq: number;
  /** Quantized bias in LSBs. */
  readonly biasInt: number;
}

/** Loihi-style 12-bit decay register for retention α with the given offset (d = round(4096(1 − α)) − offset). */
export function decayRegister(alpha: number, offset: number): number {
  return Math.max(0, Math.min(4095 - offset, roundHalfEven(4096 * (1 - alpha)) - offset));
}

export function buildTwin(o: TwinOptions): Twin {
  const dt = 0.001;
  const bits = o.bits ?? 32;
  const model = cubaLif(o.tauI * dt, o.tauV * dt, { threshold: o.threshold, bias: o.bias });
  const proj = project('in', 'out', { kind: 'dense' }, { kind: 'uniform', lo: -o.weightRange, hi: o.weightRange });
  const net = network([source('in', o.sources, spikeFile()), neurons('out', o.size, model)], [proj], { dt });
  const table = materialize(proj, o.sources, o.size);
  const q = o.scale * 2 ** o.weightShift;
  const mant = Int32Array.from(table.weight, (w) => roundHalfEven(w / q));

  const alphaI = Math.exp(-1 / o.tauI);
  const alphaV = Math.exp(-1 / o.tauV);
  const dI = decayRegister(alphaI, 1);
  const dV = decayRegister(alphaV, 0);
  const biasInt = roundHalfEven(o.bias / o.scale);
  const P = o.size;
  const S = o.sources;
  const sv = (reg: number, offset: 0 | 1): StateVar => ({
    bits, overflow: 'wrap', decay: { kind: 'loihi12', offset }, decayReg: new Int32Array(P).fill(reg), floor: null, ceiling: null,
  });
  const group: CubaGroup = {
    model: 'cuba', name: 'out', first: 0, size: P, neuronBase: S, inputBits: bits, inputOverflow: 'wrap',
    current: sv(dI, 1), v: sv(dV, 0), dendrite: null,
    bias: new Int32Array(P).fill(biasInt),
    threshold: new Int32Array(P).fill(Math.min(2 ** 31 - 1, roundHalfEven(o.threshold / o.scale))),
    compare: 'gt', reset: { mode: 'value', value: 0 }, refractDelay: new Int32Array(P), refractoryValue: 0,
  };
  const axonOffsets = Int32Array.from({ length: S + 1 }, (_, a) => table.rowPtr[a]!);
  const ir: DendriteIr = {
    format: IR_FORMAT, target: { name: 'twin', details: null }, producer: 'test', seed: 1, dt, steps: 100,
    neuronCount: S + P,
    sources: [{ kind: 'spikes', name: 'in', size: S, neuronBase: 0, steps: o.spikes.steps, indices: o.spikes.indices }],
    cores: [{
      mesh: { x: 0, y: 0 }, compartmentCount: P, groups: [group], axonCount: S,
      synapses: {
        axonOffsets, axonGroup: new Int32Array(S), targets: table.post.slice(), weights: mant,
        delays: new Uint8Array(mant.length), ports: new Uint8Array(mant.length),
      },
      synapseGroups: [{ name: 'in->out', weightShift: o.weightShift, weightMin: -(2 ** 30), weightMax: 2 ** 30, transmitThreshold: 2 ** 32, learning: null }],
    }],
    routing: {
      offsets: Int32Array.from({ length: S + P + 1 }, (_, n) => Math.min(n, S)),
      core: new Int32Array(S),
      axon: Int32Array.from({ length: S }, (_, a) => a),
    },
    learning: [],
    populations: [
      { name: 'in', neuronBase: 0, size: S, placement: [{ kind: 'source', source: 0 }] },
      { name: 'out', neuronBase: S, size: P, placement: [{ kind: 'group', core: 0, group: 0, offset: 0, count: P }] },
    ],
    ports: { inputs: ['in'], outputs: ['out'] },
    probes: [],
    cost: {
      synapticOp: { cycles: 1, pj: 1 }, compartmentUpdate: { cycles: 1, pj: 1 }, learningOp: { cycles: 1, pj: 1 },
      spike: { cycles: 1, pj: 1 }, hop: { cycles: 1, pj: 1 },
    },
    reports: { state_scales: { 'out.i': { scale: o.scale, offset: 0 }, 'out.v': { scale: o.scale, offset: 0 } } },
  };
  return {
    network: net, ir, weights: table.weight, mant, alphaI, alphaV,
    alphaIq: (4096 - 1 - dI) / 4096, alphaVq: (4096 - dV) / 4096, biasInt,
  };
}

/** A deterministic pseudo-random spike list (p per source neuron per step) for steps 1..T. */
export function randomSpikes(sources: number, steps: number, p: number, seed: number): { steps: Int32Array; indices: Int32Array } {
  const st: number[] = [];
  const ix: number[] = [];
  let x = seed >>> 0 || 1;
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < sources; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      if (x / 2 ** 32 < p) {
        st.push(t);
        ix.push(i);
      }
    }
  }
  return { steps: Int32Array.from(st), indices: Int32Array.from(ix) };
}
