import { describe, expect, it } from 'vitest';
import type { Expr, Gate, LearningRule, RuleEvent, Signal, Trigger, VarRef } from '../../compiler/model.js';
import { FloatSimulator } from '../../reference/float-sim.js';
import { lif, network, neurons, project, source, spikeFile, SPAN } from './build.js';

const num = (value: number): Expr => ({ kind: 'number', value, span: SPAN });
const ref = (r: VarRef): Expr => ({ kind: 'var', ref: r, span: SPAN });
const mul = (left: Expr, right: Expr): Expr => ({ kind: 'binary', op: '*', left, right, span: SPAN });
const event = (trigger: Trigger, updates: [RuleEvent['updates'][number]['op'], Expr][], gates: Gate[] = []): RuleEvent => ({
  trigger, gates, updates: updates.map(([op, expr]) => ({ op, expr, span: SPAN })), span: SPAN,
});
const rule = (events: RuleEvent[], extra: Partial<LearningRule> = {}): LearningRule => ({
  name: 'r', span: SPAN, traces: [], events, stochasticRounding: false, ...extra,
});
const preTrace = { name: 'x', span: SPAN, side: 'pre' as const, tau: 0.01, impulse: 1 };

/** pre (spike list, 1 unit) → post (1 IF unit, never fires on its own) with a plastic synapse; `drive` can force post spikes. */
function setup(r: LearningRule, signals: Signal[] = [], w0 = 0, bounds?: [number, number]) {
  const post = lif({ tau: null, threshold: 1 });
  const net = network(
    [source('pre', 1, spikeFile()), source('drive', 1, spikeFile()), neurons('post', 1, post)],
    [
      project('pre', 'post', { kind: 'one_to_one' }, { kind: 'constant', value: w0 }, { rule: 'r', ...(bounds ? { bounds } : {}) }),
      project('drive', 'post', { kind: 'one_to_one' }, { kind: 'constant', value: 2 }),
    ],
    { signals },
    [r],
  );
  const sim = new FloatSimulator(net);
  return { sim, w: () => sim.weights('pre->post')[0]! };
}

describe('float learning rules', () => {
  it('on pre: w += 0.1 per pre spike, clamped to the bounds; spikes of step t travel with the weight before learning at t', () => {
    const { sim, w } = setup(rule([event({ kind: 'pre' }, [['+=', num(0.1)]])], { bounds: [0, 0.25] }));
    sim.setSpikeList('pre', Int32Array.of(1, 2, 3, 4), Int32Array.of(0, 0, 0, 0));
    const seen: number[] = [];
    for (let t = 1; t <= 5; t++) {
      sim.step();
      seen.push(w());
    }
    expect(seen.map((x) => +x.toFixed(12))).toEqual([0.1, 0.2, 0.25, 0.25, 0.25]);
    // Deliveries at steps 2..5 used 0, 0.1, 0.2, 0.25.
    expect(sim.state('post', 'v')[0]).toBeCloseTo(0.55, 12);
  });

  it('every N steps reads a pre trace that decays as exp(−dt/τ) and jumps by its impulse', () => {
    const { sim, w } = setup(rule([event({ kind: 'every', steps: 5 }, [['+=', ref({ kind: 'trace', side: 'pre', name: 'x' })]])], { traces: [preTrace] }));
    sim.setSpikeList('pre', Int32Array.of(1), Int32Array.of(0));
    sim.run(4);
    expect(w()).toBe(0);
    sim.step();
    expect(w()).toBeCloseTo(Math.exp(-0.4), 12);
    sim.run(5);
    expect(w()).toBeCloseTo(Math.exp(-0.4) + Math.exp(-0.9), 12);
  });

  it('on post: runs when the post neuron spikes, reading the pre trace at that step', () => {
    const { sim, w } = setup(rule([event({ kind: 'post' }, [['+=', mul(num(0.5), ref({ kind: 'trace', side: 'pre', name: 'x' }))]])], { traces: [preTrace] }));
    sim.setSpikeList('pre', Int32Array.of(1), Int32Array.of(0));
    sim.setSpikeList('drive', Int32Array.of(3), Int32Array.of(0));
    sim.run(3);
    expect(w()).toBe(0);
    sim.step(); // drive's spike (step 3) arrives at 4: post fires at 4
    expect(Array.from(sim.spikesOf('post'))).toEqual([0]);
    expect(w()).toBeCloseTo(0.5 * Math.exp(-0.3), 12);
  });

  it('a time-window gate `t mod 10 ms >= 5 ms` counts time from the start of the sample', () => {
    const gate: Gate = { kind: 'time_window', period: 0.01, op: '>=', value: 0.005, span: SPAN };
    const { sim, w } = setup(rule([event({ kind: 'every', steps: 1 }, [['+=', num(1)]], [gate])]));
    sim.run(20);
    expect(w()).toBe(10); // steps 6..10 and 16..20
    sim.startSample();
    sim.run(5);
    expect(w()).toBe(10); // a new sample: learning off again for 5 steps
    sim.run(1);
    expect(w()).toBe(11);
  });

  it('signals follow their schedule within a sample, and a range gate on post state filters updates', () => {
    const g: Signal = { kind: 'schedule', name: 'g', span: SPAN, segments: [{ from: 0, to: 0.005, value: 1 }], otherwise: -1 };
    const inRange: Gate = { kind: 'range', ref: { kind: 'post_state', name: 'v' }, lo: -1, hi: 1, loInclusive: true, hiInclusive: false, span: SPAN };
    const { sim, w } = setup(rule([event({ kind: 'every', steps: 1 }, [['+=', ref({ kind: 'signal', name: 'g' })]], [inRange])]), [g]);
    sim.run(7);
    expect(w()).toBe(5 - 2);
    // Push post.v to −3 (out of [−1, 1)): no update at step 8; drive's spike brings v to −1 (inclusive) at 9.
    sim.setSpikeList('drive', Int32Array.of(8), Int32Array.of(0));
    sim.state('post', 'v')[0] = -3;
    sim.step();
    expect(w()).toBe(3);
    sim.run(2);
    expect(sim.state('post', 'v')[0]).toBe(-1);
    expect(w()).toBe(1);
  });

  it('`=` sets the weight; learning can be switched off', () => {
    const r = rule([event({ kind: 'pre' }, [['=', num(0.7)]])]);
    const a = setup(r);
    a.sim.setSpikeList('pre', Int32Array.of(2), Int32Array.of(0));
    a.sim.run(3);
    expect(a.w()).toBe(0.7);
    const post = lif({ tau: null, threshold: 1 });
    const net = network(
      [source('pre', 1, spikeFile()), neurons('post', 1, post)],
      [project('pre', 'post', { kind: 'one_to_one' }, { kind: 'constant', value: 0 }, { rule: 'r' })],
      {},
      [r],
    );
    const off = new FloatSimulator(net, { learning: false });
    off.setSpikeList('pre', Int32Array.of(2), Int32Array.of(0));
    off.run(3);
    expect(off.weights('pre->post')[0]).toBe(0);
  });
});
