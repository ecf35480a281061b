/** Hand-built checked networks (compiler/model.ts is plain data), so these tests do not depend on the front end. */
import type {
  Connector,
  Initializer,
  LearningRule,
  Network,
  NeuronModel,
  Population,
  Projection,
  SourceModel,
  StateVar,
} from '../../compiler/model.js';

export const SPAN = { file: 'test.snn', start: 0, end: 0 };

export function state(name: string, role: StateVar['role'], tau: number | null, extra: Partial<StateVar> = {}): StateVar {
  return { name, span: SPAN, role, tau, rest: 0, initial: 0, integrates: [], ...extra };
}

/** LIF: one membrane state `v` fed by port `in`. */
export function lif(opts: Partial<NeuronModel> & { tau?: number | null; rest?: number; floor?: number } = {}): NeuronModel {
  const { tau = 0.02, rest = 0, floor, ...rest2 } = opts;
  return {
    typeName: 'LIF',
    base: 'LIF',
    span: SPAN,
    states: [state('v', 'membrane', tau, { rest, ...(floor !== undefined ? { floor } : {}) })],
    ports: [{ name: 'in', span: SPAN, target: 'v' }],
    membrane: 'v',
    threshold: 1,
    reset: { kind: 'value', value: rest },
    refractory: 0,
    bias: 0,
    spiking: true,
    ...rest2,
  };
}

/** CubaLIF: current `i` (port `in`) integrated by membrane `v`. */
export function cubaLif(tauI: number, tauV: number, opts: Partial<NeuronModel> = {}): NeuronModel {
  return {
    typeName: 'CubaLIF',
    base: 'CubaLIF',
    span: SPAN,
    states: [state('i', 'current', tauI), state('v', 'membrane', tauV, { integrates: ['i'] })],
    ports: [{ name: 'in', span: SPAN, target: 'i' }],
    membrane: 'v',
    threshold: 1,
    reset: { kind: 'value', value: 0 },
    refractory: 0,
    bias: 0,
    spiking: true,
    ...opts,
  };
}

export function neurons(name: string, size: number, neuron: NeuronModel): Population {
  return { name, span: SPAN, size, neuron };
}

export function source(name: string, size: number, src: SourceModel): Population {
  return { name, span: SPAN, size, source: src };
}

export function spikeFile(): SourceModel {
  return { kind: 'spike_file', path: 'x.spk', span: SPAN };
}

export function project(
  pre: string,
  post: string,
  connector: Connector,
  weight: Initializer,
  extra: Partial<Projection> = {},
): Projection {
  return {
    name: `${pre}->${post}`,
    span: SPAN,
    pre,
    post,
    port: 'in',
    feedback: false,
    connector,
    weight,
    seed: 7,
    delay: 0,
    pTransmit: 1,
    rule: null,
    ...extra,
  };
}

export function network(
  populations: Population[],
  projections: Projection[],
  extra: Partial<Network> = {},
  rules: LearningRule[] = [],
): Network {
  return {
    name: 'test',
    file: 'test.snn',
    span: SPAN,
    dt: 0.001,
    seed: 1,
    populations,
    projections,
    rules,
    signals: [],
    probes: [],
    ...extra,
  };
}
