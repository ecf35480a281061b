/** Hand-built checked networks for the lowering tests (the model is plain data; no front end needed). */
import type { Initializer, LearningRule, Network, NeuronModel, Population, Projection, Connector } from '../../compiler/model.js';
import type { Span } from '../../compiler/diagnostics/diagnostic.js';

export const FILE = 'net.snn';
/** Source text whose lines the spans below point into, so messages can say `net.snn:L:C`. */
export const TEXT = Array.from({ length: 40 }, (_, i) => `line${i + 1} population p${i + 1}`).join('\n');
const lineStart = (line: number) => TEXT.split('\n').slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0);
export const at = (line: number, col = 1, len = 5): Span => ({ file: FILE, start: lineStart(line) + col - 1, end: lineStart(line) + col - 1 + len });

export function lif(over: Partial<NeuronModel> = {}): NeuronModel {
  return {
    typeName: 'LIF', base: 'LIF', span: at(1),
    states: [{ name: 'v', span: at(1), role: 'membrane', tau: 0.02, rest: 0, initial: 0, integrates: [] }],
    ports: [{ name: 'in', span: at(1), target: 'v' }],
    membrane: 'v', threshold: 1, reset: { kind: 'value', value: 0 }, refractory: 0.002, bias: 0, spiking: true,
    ...over,
  };
}

export function cubaLif(over: Partial<NeuronModel> = {}): NeuronModel {
  return lif({
    typeName: 'CubaLIF', base: 'CubaLIF',
    states: [
      { name: 'i', span: at(2), role: 'current', tau: 0.005, rest: 0, initial: 0, integrates: [] },
      { name: 'v', span: at(2), role: 'membrane', tau: 0.02, rest: 0, initial: 0, integrates: ['i'] },
    ],
    ports: [{ name: 'in', span: at(2), target: 'i' }],
    ...over,
  });
}

/** eRBP-style neuron: current, membrane and a dendrite `u` fed by port `err`. */
export function erbpLif(): NeuronModel {
  const c = cubaLif();
  return {
    ...c, typeName: 'ErbpLIF',
    states: [...c.states, { name: 'u', span: at(3), role: 'dendrite', tau: 0.005, rest: 0, initial: 0, integrates: [] }],
    ports: [...c.ports, { name: 'err', span: at(3), target: 'u' }],
  };
}

export function neurons(name: string, size: number, neuron: NeuronModel, line = 5): Population {
  return { name, span: at(line, 1, 10), size, neuron };
}

export function poisson(name: string, size: number, line = 4): Population {
  return { name, span: at(line), size, source: { kind: 'poisson_fixed', rate: 50, span: at(line) } };
}

let seed = 1;
export function project(pre: string, post: string, connector: Connector, weight: Initializer, over: Partial<Projection> = {}): Projection {
  return {
    name: `${pre}->${post}${over.port && over.port !== 'in' ? `.${over.port}` : ''}`, span: at(10, 3, 20), pre, post, port: 'in', feedback: false,
    connector, weight, seed: seed++, delay: 0, pTransmit: 1, rule: null, ...over,
  };
}

export function network(populations: Population[], projections: Projection[], rules: LearningRule[] = []): Network {
  return { name: 'net', file: FILE, span: at(1), dt: 0.001, seed: 3, populations, projections, rules, signals: [], probes: [] };
}

export const SOURCES = new Map([[FILE, TEXT]]);

export const erbpRule: LearningRule = {
  name: 'erbp', span: at(20, 1, 4), traces: [], stochasticRounding: false, bounds: [-1, 1],
  events: [{ trigger: { kind: 'pre' }, gates: [], span: at(20), updates: [{ op: '+=', span: at(20), expr: { kind: 'var', ref: { kind: 'post_state', name: 'u' }, span: at(20) } }] }],
};
