import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { captureIo } from '../syntax/helpers.js';
import { checkFile } from '../../compiler/frontend.js';
import { exampleFiles, examplesDir } from '../syntax/helpers.js';

describe('dsl-examples', () => {
  it('has the examples the docs promise', () => {
    expect(exampleFiles()).toEqual(
      ['bdfa.snn', 'bfa.snn', 'cuba.snn', 'erbp-2h.snn', 'erbp-mnist.snn', 'erbp-nsat-100.snn', 'erbp-plus.snn', 'fa-dfa.snn', 's2m-ecd.snn', 'stdp.snn', 'synthetic-gradient.snn'],
    );
  });
  for (const f of exampleFiles()) {
    it(`${f} checks clean through \`dendrite check\``, async () => {
      const io = captureIo();
      const code = await main(['check', join(examplesDir, f)], io);
      expect(io.stderr).toBe('');
      expect(code).toBe(0);
      expect(io.stdout).toMatch(/^\w+: \d+ populations? \(.*neurons?\), \d+ projections? \(~.* synapses?\), \d+ rules?\n$/);
    });
  }
  it('cuba.snn is the CUBA benchmark: 3,200 + 800 LIF neurons, p = 0.02, Brian2 parameters', () => {
    const net = checkFile(join(examplesDir, 'cuba.snn')).network!;
    expect(net.dt).toBeCloseTo(1e-4, 15);
    expect(net.populations.map((p) => p.size)).toEqual([3200, 800]);
    const n = net.populations[0]!.neuron!;
    expect(n.threshold).toBeCloseTo(-0.05, 12);
    expect(n.reset).toEqual({ kind: 'value', value: expect.closeTo(-0.06, 12) });
    expect(n.states.find((s) => s.name === 'v')!.rest).toBeCloseTo(-0.049, 12);
    expect(n.refractory).toBeCloseTo(5e-3, 12);
    expect(n.states.find((s) => s.name === 'v')!.initial).toEqual({ kind: 'uniform', lo: expect.closeTo(-0.06, 12), hi: expect.closeTo(-0.05, 12) });
    expect(net.projections.every((p) => p.connector.kind === 'random' && p.connector.p === 0.02)).toBe(true);
    // we = 1.62 mV and wi = -9 mV, each scaled by dt / taum = 0.1 ms / 20 ms.
    expect(net.projections[0]!.weight).toEqual({ kind: 'constant', value: expect.closeTo(1.62e-3 * 0.005, 12) });
    expect(net.projections[2]!.weight).toEqual({ kind: 'constant', value: expect.closeTo(-9e-3 * 0.005, 12) });
  });
  it('erbp-mnist.snn has the 784-200-10 eRBP structure', () => {
    const net = checkFile(join(examplesDir, 'erbp-mnist.snn')).network!;
    expect(Object.fromEntries(net.populations.map((p) => [p.name, p.size]))).toEqual({ img: 784, lab: 10, h1: 200, out: 10, e_pos: 10, e_neg: 10 });
    const gate = net.rules[0]!.events[0]!.gates;
    expect(gate.map((g) => g.kind)).toEqual(['range', 'time_window']);
    // The burn-in window repeats with the sample: its period is the presentation time (+ settle).
    const window = gate[1]!;
    if (window.kind !== 'time_window') throw new Error('unreachable');
    expect(window.period).toBeCloseTo(net.protocol!.present + net.protocol!.settle, 12);
    expect(window.value).toBeLessThan(window.period);
    expect(net.projections.filter((p) => p.feedback && p.port === 'err')).toHaveLength(4);
  });
});
