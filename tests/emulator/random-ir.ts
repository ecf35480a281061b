/** Random small, valid IRs for property tests (seeded; uses the project's PRNG so it is deterministic). */
import { draw } from '../../emulator/prng.js';
import { ALWAYS } from '../../emulator/prng.js';
import {
  IR_FORMAT, type CompartmentGroup, type Core, type DendriteIr, type Population, type Probe, type Source, type StateVar,
  type SynapseGroup,
} from '../../ir/types.js';

export class Rand {
  private i = 0;
  constructor(private readonly seed: number) {}
  u32(): number {
    return draw(this.seed, 0, 0, this.i++, 999);
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((this.u32() / ALWAYS) * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.u32() / ALWAYS < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
}

export interface RandomIrOptions {
  /** Which compartment models may appear. */
  readonly models: readonly ('loihi' | 'cuba' | 'nsat')[];
  readonly steps: number;
  /** Allow blank-out and Poisson sources (random draws). */
  readonly random: boolean;
}

function loihiGroup(r: Rand, name: string, first: number, size: number, neuronBase: number): CompartmentGroup {
  const arr = (f: () => number) => Int32Array.from({ length: size }, f);
  const vminExp = r.int(0, 30);
  return {
    model: 'loihi', name, first, size, neuronBase,
    qBits: r.pick([22, 22, 14, 18]), uBits: r.pick([24, 24, 16, 20]), vBits: r.pick([null, null, 24, 18]),
    vmin: -(2 ** vminExp) + 1, vmax: 2 ** (9 + 2 * r.int(0, 7)) - 1,
    decayU: arr(() => r.pick([0, 4095, r.int(0, 4095), r.int(0, 200)])),
    decayV: arr(() => r.pick([0, 4095, r.int(0, 4095), r.int(0, 200)])),
    vthMant: arr(() => r.pick([1, 131071, r.int(1, 300), r.int(1, 5000)])),
    biasMant: arr(() => (r.chance(0.5) ? 0 : r.int(-4095, 4095))),
    biasExp: arr(() => r.int(0, 7)),
    refractDelay: arr(() => r.pick([1, 63, r.int(1, 5)])),
  };
}

function stateVar(r: Rand, size: number): StateVar {
  const kind = r.pick(['loihi12', 'shift', 'linear', 'none'] as const);
  const decay = kind === 'loihi12' ? { kind, offset: r.pick([0, 1] as const) } : kind === 'shift' ? { kind, neverZero: r.chance(0.5) } : { kind };
  const hi = kind === 'loihi12' ? 4095 - (decay as { offset: number }).offset : kind === 'shift' ? 31 : kind === 'linear' ? 1000 : 0;
  const bits = r.int(8, 24);
  const half = 2 ** (bits - 1);
  return {
    bits, overflow: r.pick(['wrap', 'saturate'] as const), decay,
    decayReg: Int32Array.from({ length: size }, () => r.int(0, hi)),
    floor: r.chance(0.3) ? r.int(-half, 0) : null, ceiling: r.chance(0.3) ? r.int(0, half - 1) : null,
  };
}

function cubaGroup(r: Rand, name: string, first: number, size: number, neuronBase: number): CompartmentGroup {
  const v = stateVar(r, size);
  return {
    model: 'cuba', name, first, size, neuronBase, inputBits: r.int(8, 24), inputOverflow: r.pick(['wrap', 'saturate'] as const),
    current: r.chance(0.6) ? stateVar(r, size) : null, v,
    dendrite: r.chance(0.5) ? { ...stateVar(r, size), name: 'u' } : null,
    bias: Int32Array.from({ length: size }, () => r.int(-50, 50)),
    threshold: Int32Array.from({ length: size }, () => r.int(1, 2000)),
    compare: r.pick(['gt', 'ge'] as const),
    reset: { mode: r.pick(['value', 'subtract', 'none'] as const), value: 0 },
    refractDelay: Int32Array.from({ length: size }, () => r.int(0, 4)),
    refractoryValue: 0,
  };
}

function nsatGroup(r: Rand, name: string, first: number, size: number, neuronBase: number): CompartmentGroup {
  const k = r.int(1, 3);
  const row = <T>(f: () => T): T[] => Array.from({ length: k }, f);
  return {
    model: 'nsat', name, first, size, neuronBase, states: k,
    leakShift: row(() => row(() => r.pick([-16, -7, -6, -3]))), leakSign: row(() => row(() => r.pick([-1, 0, 1]))),
    bias: row(() => r.int(-5, 5)), threshold: r.int(50, 1000), thresholdFromState1: r.chance(0.2), refractory: r.int(0, 5),
    resetOn: row(() => r.chance(0.5)), resetValue: row(() => 0), spikeIncrement: row(() => r.int(-100, 0)),
    clampLow: row(() => -32767), clampHigh: row(() => 32767), wgain: row(() => r.int(0, 4)), accLow: -32768, accHigh: 32767,
    initial: row(() => 0),
  };
}

/** A random valid IR. */
export function randomIr(seed: number, opts: RandomIrOptions): DendriteIr {
  const r = new Rand(seed);
  const T = opts.steps;
  let nextId = 0;
  const sources: Source[] = [];
  const nSources = r.int(1, 2);
  for (let s = 0; s < nSources; s++) {
    const size = r.int(1, 5);
    const neuronBase = nextId;
    nextId += size;
    if (opts.random && r.chance(0.5)) {
      sources.push({ kind: 'poisson', name: `in${s}`, size, neuronBase, rate: Float64Array.from({ length: size }, () => r.int(0, ALWAYS / 4)), refractory: r.int(0, 2) });
    } else {
      const steps: number[] = [];
      const indices: number[] = [];
      for (let t = 1; t <= T; t++) for (let i = 0; i < size; i++) if (r.chance(0.3)) { steps.push(t); indices.push(i); }
      sources.push({ kind: 'spikes', name: `in${s}`, size, neuronBase, steps: Int32Array.from(steps), indices: Int32Array.from(indices) });
    }
  }
  const nCores = r.int(1, 3);
  const coreGroups: CompartmentGroup[][] = [];
  const populations: Population[] = sources.map((s, i) => ({ name: s.name, neuronBase: s.neuronBase, size: s.size, placement: [{ kind: 'source', source: i }] }));
  for (let c = 0; c < nCores; c++) {
    const groups: CompartmentGroup[] = [];
    let first = 0;
    const nGroups = r.int(1, 2);
    for (let g = 0; g < nGroups; g++) {
      const size = r.int(1, 6);
      const model = r.pick(opts.models);
      const name = `c${c}g${g}`;
      const mk = model === 'loihi' ? loihiGroup : model === 'cuba' ? cubaGroup : nsatGroup;
      groups.push(mk(r, name, first, size, nextId));
      populations.push({ name, neuronBase: nextId, size, placement: [{ kind: 'group', core: c, group: g, offset: 0, count: size }] });
      first += size;
      nextId += size;
    }
    coreGroups.push(groups);
  }
  const neuronCount = nextId;
  // Axons: every (neuron, core) pair gets an axon with probability 0.5.
  const routes: [number, number][][] = Array.from({ length: neuronCount }, () => []);
  const cores: Core[] = coreGroups.map((groups, c) => {
    const compartmentCount = groups.reduce((s, g) => s + g.size, 0);
    const nSg = r.int(1, 2);
    const synapseGroups: SynapseGroup[] = [];
    for (let k = 0; k < nSg; k++) {
      synapseGroups.push({
        name: `p${c}_${k}`, weightShift: r.int(0, 14), weightMin: -256, weightMax: 255,
        transmitThreshold: opts.random && r.chance(0.5) ? r.int(0, ALWAYS) : ALWAYS, learning: null,
      });
    }
    const offsets = [0];
    const axonGroup: number[] = [];
    const targets: number[] = [];
    const weights: number[] = [];
    const delays: number[] = [];
    const ports: number[] = [];
    for (let n = 0; n < neuronCount; n++) {
      if (!r.chance(0.5)) continue;
      routes[n]!.push([c, axonGroup.length]);
      axonGroup.push(r.int(0, nSg - 1));
      const nRows = r.int(0, 4);
      for (let k = 0; k < nRows; k++) {
        const t = r.int(0, compartmentCount - 1);
        const g = groups.find((gg) => t >= gg.first && t < gg.first + gg.size)!;
        const nPorts = g.model === 'loihi' ? 1 : g.model === 'cuba' ? (g.dendrite ? 2 : 1) : g.states;
        targets.push(t);
        weights.push(r.int(-256, 255));
        delays.push(r.pick([0, 0, 1, 3]));
        ports.push(r.int(0, nPorts - 1));
      }
      offsets.push(targets.length);
    }
    return {
      mesh: { x: r.int(0, 3), y: r.int(0, 3) }, compartmentCount, groups, axonCount: axonGroup.length,
      synapses: {
        axonOffsets: Int32Array.from(offsets), axonGroup: Int32Array.from(axonGroup), targets: Int32Array.from(targets),
        weights: Int32Array.from(weights), delays: Uint8Array.from(delays), ports: Uint8Array.from(ports),
      },
      synapseGroups,
    };
  });
  const rOff = [0];
  const rCore: number[] = [];
  const rAxon: number[] = [];
  for (const l of routes) {
    for (const [c, a] of l) { rCore.push(c); rAxon.push(a); }
    rOff.push(rCore.length);
  }
  const probes: Probe[] = [
    { name: 'spk', kind: 'spikes', population: populations[populations.length - 1]!.name, decimation: 1 },
    { name: 'w', kind: 'weights', core: 0, synapseGroup: 0, decimation: r.int(1, 3) },
  ];
  const last = coreGroups[0]![0]!;
  probes.push({ name: 'st', kind: 'state', population: last.name, state: 'ref', decimation: r.int(1, 4) });
  return {
    format: IR_FORMAT, target: { name: 'test', details: { seed } }, producer: 'random-ir', seed: r.u32(), dt: 0.001, steps: T,
    neuronCount, sources, cores,
    routing: { offsets: Int32Array.from(rOff), core: Int32Array.from(rCore), axon: Int32Array.from(rAxon) },
    learning: [], populations, ports: { inputs: [sources[0]!.name], outputs: [populations[populations.length - 1]!.name] }, probes,
    cost: {
      synapticOp: { cycles: 2, pj: 23.6 }, compartmentUpdate: { cycles: 1, pj: 52 }, learningOp: { cycles: 4, pj: 120 },
      spike: { cycles: 3, pj: 1.7 }, hop: { cycles: 1, pj: 3.5 },
    },
    reports: { quantization: { note: 'random' }, mapping: null },
  };
}
