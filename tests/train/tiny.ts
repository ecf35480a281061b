/** Tiny hand-built IRs and data sets for the trainer tests (2×2-pixel images, 2 classes). */
import type { Dataset, DatasetSplit } from '../../data/dataset.js';
import { ALWAYS } from '../../emulator/prng.js';
import type { LearningEngine, LearningContext } from '../../emulator/learning-engine.js';
import { IR_FORMAT, type CubaGroup, type DendriteIr, type LearningProgram, type StateVar } from '../../ir/types.js';
import type { TrainProtocol } from '../../train/protocol.js';

const sv = (bits: number, decay: StateVar['decay'], reg = 0): StateVar => ({
  bits, overflow: 'saturate', decay, decayReg: new Int32Array(2).fill(reg), floor: null, ceiling: null,
});

export interface TinyOptions {
  /** img → out weights, pixel-major: w[p·2 + k] for pixel p → output k. */
  readonly weights: readonly number[];
  /** Add an eRBP-like sop program on img → out (with a pre trace and stochastic rounding) and label → out.u. */
  readonly learn?: boolean;
  /** Blank-out transmission probability of img → out. */
  readonly pTransmit?: number;
  readonly seed?: number;
  /** With `learn`: multiply the update by a modulator `lr` with these per-epoch register values. */
  readonly lrPerEpoch?: readonly number[];
}

/** Neuron ids: img 0..3, lbl 4..5, out 6..7. One core; axon a = neuron a. Output: IF neurons, v > 10 fires. */
export function tinyIr(o: TinyOptions): DendriteIr {
  const out: CubaGroup = {
    model: 'cuba', name: 'out', first: 0, size: 2, neuronBase: 6, inputBits: 16, inputOverflow: 'saturate',
    current: null, v: sv(16, { kind: 'shift', neverZero: false }, 2),
    dendrite: o.learn ? { ...sv(16, { kind: 'shift', neverZero: false }, 1), name: 'u' } : null,
    bias: new Int32Array(2), threshold: new Int32Array(2).fill(10), compare: 'gt', reset: { mode: 'value', value: 0 },
    refractDelay: new Int32Array(2), refractoryValue: 0,
  };
  const rows: [number, number, number][][] = Array.from({ length: 8 }, () => []);
  for (let p = 0; p < 4; p++) for (let k = 0; k < 2; k++) rows[p]!.push([k, o.weights[p * 2 + k]!, 0]);
  if (o.learn) {
    rows[4]!.push([0, 6, 1], [1, -6, 1]);
    rows[5]!.push([0, -6, 1], [1, 6, 1]);
  }
  const offsets = [0];
  for (const r of rows) offsets.push(offsets[offsets.length - 1]! + r.length);
  const flat = rows.flat();
  const learning: LearningProgram[] = o.learn
    ? [{
        kind: 'sop', rule: 'toy', projection: 'img->out', rounding: 'stochastic', accumulatorBits: 16, bounds: [-40, 40], drivenBy: null,
        traces: [{ name: 'x', side: 'pre', bits: 8, decay: { kind: 'shift', shift: 1 }, impulse: 8, impulseFracBits: 0, stochastic: false }],
        modulators: o.lrPerEpoch ? [{ name: 'lr', initial: o.lrPerEpoch[0]!, schedule: null, perEpoch: [...o.lrPerEpoch] }] : [],
        events: [{
          trigger: { kind: 'pre' }, op: 'add',
          gates: [{ kind: 'time', period: 8, op: '>=', value: 1 }],
          terms: [{
            mant: 1, exp: -3,
            factors: [{ kind: 'post_state', state: 'u' }, { kind: 'pre_trace', index: 0 }, ...(o.lrPerEpoch ? [{ kind: 'modulator' as const, index: 0 }] : [])],
          }],
        }],
      }]
    : [];
  return {
    format: IR_FORMAT, target: { name: 'tiny', details: null }, producer: 'tests/train/tiny.ts', seed: o.seed ?? 7, dt: 0.001, steps: 10,
    neuronCount: 8,
    sources: [
      { kind: 'poisson', name: 'img', size: 4, neuronBase: 0, rate: new Float64Array(4), refractory: 0 },
      { kind: 'label', name: 'lbl', size: 2, neuronBase: 4, threshold: ALWAYS, label: -1 },
    ],
    cores: [{
      mesh: { x: 0, y: 0 }, compartmentCount: 2, groups: [out], axonCount: 8,
      synapses: {
        axonOffsets: Int32Array.from(offsets), axonGroup: Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]),
        targets: Int32Array.from(flat.map((r) => r[0])), weights: Int32Array.from(flat.map((r) => r[1])),
        delays: new Uint8Array(flat.length), ports: Uint8Array.from(flat.map((r) => r[2])),
      },
      synapseGroups: [
        { name: 'img->out', weightShift: 0, weightMin: -64, weightMax: 63, transmitThreshold: o.pTransmit === undefined ? ALWAYS : Math.round(o.pTransmit * ALWAYS), learning: o.learn ? 0 : null },
        { name: 'lbl->out.u', weightShift: 0, weightMin: -64, weightMax: 63, transmitThreshold: ALWAYS, learning: null },
      ],
    }],
    routing: { offsets: Int32Array.from({ length: 9 }, (_, n) => Math.min(n, 8)), core: new Int32Array(8), axon: Int32Array.from({ length: 8 }, (_, n) => n) },
    learning,
    populations: [
      { name: 'img', neuronBase: 0, size: 4, placement: [{ kind: 'source', source: 0 }] },
      { name: 'lbl', neuronBase: 4, size: 2, placement: [{ kind: 'source', source: 1 }] },
      { name: 'out', neuronBase: 6, size: 2, placement: [{ kind: 'group', core: 0, group: 0, offset: 0, count: 2 }] },
    ],
    ports: { inputs: ['img'], outputs: ['out'] }, probes: [],
    cost: {
      synapticOp: { cycles: 1, pj: 10 }, compartmentUpdate: { cycles: 1, pj: 1 }, learningOp: { cycles: 1, pj: 100 },
      spike: { cycles: 1, pj: 0.5 }, hop: { cycles: 1, pj: 0 },
    },
    reports: {},
  };
}

/** Protocol on the tiny IR: rate_max·dt = 1, so a pixel of value x spikes with probability x each step. */
export function tinyProtocol(over: Partial<TrainProtocol> = {}): TrainProtocol {
  return {
    data: 'tiny', input: 'img', labels: 'lbl', readout: 'out', encoding: { kind: 'poisson', rateMaxHz: 1000 },
    presentSteps: 5, settleSteps: 3, presentTestSteps: 6, resetBetween: false, epochs: 1, ...over,
  };
}

export function dataset(name: string, images: readonly (readonly number[])[], labels: readonly number[]): Dataset {
  return {
    name, images: Float32Array.from(images.flat()), labels: Uint8Array.from(labels), n: labels.length, width: 2, height: 2, classes: 2,
  };
}

/** Class 0 lights pixel 0, class 1 lights pixel 1 (value 1: a spike every step). */
export const BRIGHT0 = [1, 0, 0, 0];
export const BRIGHT1 = [0, 1, 0, 0];
export const BLANK = [0, 0, 0, 0];

export function split(train: Dataset, test: Dataset): DatasetSplit {
  return { train, test };
}

/** A learning engine that learns nothing and records, per step, the source spikes and the sample starts it is told. */
export class RecordingEngine implements LearningEngine {
  readonly steps: { t: number; ids: number[] }[] = [];
  readonly starts: number[] = [];
  setSampleStart(step: number): void {
    this.starts.push(step);
  }
  onStep(ctx: LearningContext): void {
    const ids: number[] = [];
    for (let k = 0; k < ctx.spikeCount; k++) if (ctx.neuronCore[ctx.spikes[k]!] === -1) ids.push(ctx.spikes[k]!);
    this.steps.push({ t: ctx.step, ids });
  }
}
