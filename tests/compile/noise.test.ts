/**
 * `noise poisson into v rate R amplitude A` lowered to the `cuba` group's Bernoulli noise (threshold =
 * bernoulliThreshold(R·dt), amplitude = round(A / v unit)), and the float reference drawing the same events
 * when it is given the emulator's keys (`compartmentKeys(ir)`).
 */
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/frontend.js';
import { compileNetwork } from '../../compiler/compile.js';
import type { Network } from '../../compiler/model.js';
import { bernoulliThreshold } from '../../emulator/prng.js';
import { roundHalfEven } from '../../emulator/arith.js';
import { Emulator } from '../../emulator/emulator.js';
import { compartmentKeys, FloatSimulator } from '../../reference/float-sim.js';
import type { CubaGroup } from '../../ir/types.js';

function net(neuron: string, size = 40, synapses = true): { network: Network; text: string } {
  const text = `network noisy {
  dt = 1 ms
  seed = 11
  neuron Noisy ${neuron}
  population src = Poisson(2) { rate = 10 Hz }
  population p = Noisy(${size})
  ${synapses ? 'project src -> p : dense { w = 0.01 }' : ''}
}
`;
  const r = checkSource(text, 'noisy.snn');
  if (!r.network) throw new Error(JSON.stringify(r.diagnostics));
  return { network: r.network, text };
}

const spanText = (text: string, span: { start: number; end: number } | undefined) => (span ? text.slice(span.start, span.end) : '');

describe('noise lowering', () => {
  it('poisson noise into v becomes {threshold: bernoulliThreshold(R·dt), amplitude: round(A / unit)} with a report', () => {
    const { network } = net('extends IF { v_threshold = 1000; noise poisson into v rate 50 Hz amplitude 0.05 }');
    const r = compileNetwork(network, { target: 'default' });
    expect(r.diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
    const g = r.ir!.cores[0]!.groups[0] as CubaGroup;
    const unit = r.reports.scales.find((s) => s.population === 'p')!.unit.v!;
    expect(g.noise).toEqual({ threshold: bernoulliThreshold(0.05), amplitude: roundHalfEven(0.05 / unit) });
    expect(g.noise!.amplitude).toBeGreaterThan(100); // resolved well: the unit is set by the threshold
    const rep = r.reports.quantization.find((q) => q.group === 'p.noise amplitude')!;
    expect(rep.kind).toBe('noise');
    expect(rep.maxError).toBeLessThanOrEqual(unit / 2);
  });

  it('warns when R·dt > 0.1 (Bernoulli per step loses Poisson\'s multiple events)', () => {
    const { network, text } = net('extends IF { v_threshold = 1000; noise poisson into v rate 1000 Hz amplitude 0.05 }');
    const r = compileNetwork(network, { target: 'default' });
    const w = r.diagnostics.find((d) => d.code === 'SNN3406' && /Bernoulli/.test(d.message));
    expect(w?.severity).toBe('warning');
    expect(spanText(text, w?.span)).toMatch(/^noise poisson into v/);
    expect((r.ir!.cores[0]!.groups[0] as CubaGroup).noise!.threshold).toBe(2 ** 32); // p = 1: every step
  });

  it('rejects what the compartment cannot draw: gaussian noise, noise into another state, noise on loihi1', () => {
    const gauss = net('extends IF { v_threshold = 1; noise gaussian into v std 0.01 }');
    const g = compileNetwork(gauss.network, { target: 'default' });
    const e1 = g.diagnostics.find((d) => d.code === 'SNN3401');
    expect(e1?.message).toMatch(/gaussian noise; the cuba compartment draws only Poisson/);
    expect(spanText(gauss.text, e1?.span)).toMatch(/^noise gaussian/);
    const cur = net('extends CubaLIF { v_threshold = 1; noise poisson into i rate 10 Hz amplitude 0.05 }');
    expect(compileNetwork(cur.network, { target: 'default' }).diagnostics.some((d) => d.code === 'SNN3401' && /noise into `i`/.test(d.message))).toBe(true);
    const loihi = net('extends LIF { v_threshold = 1; noise poisson into v rate 10 Hz amplitude 0.05 }');
    expect(compileNetwork(loihi.network, { target: 'loihi1' }).diagnostics.some((d) => d.code === 'SNN3401' && /no noise source/.test(d.message))).toBe(true);
  });
});

describe('noise: fixed and float see the same events', () => {
  it('with the emulator\'s keys, every neuron receives the same noise events at the same steps', () => {
    // No synapses, no leak and a threshold out of reach: v counts the noise events.
    const { network } = net('extends IF { v_threshold = 1000; noise poisson into v rate 80 Hz amplitude 0.05 }', 40, false);
    const ir = compileNetwork(network, { target: 'default' }).ir!;
    const emu = new Emulator(ir);
    const sim = new FloatSimulator(network, { sourceOrder: ir.sources.map((s) => s.name), compartments: compartmentKeys(ir) });
    const own = new FloatSimulator(network, { sourceOrder: ir.sources.map((s) => s.name) });
    const amp = (ir.cores[0]!.groups[0] as CubaGroup).noise!.amplitude;
    const V = emu.cores[0]!.groups[0]!.arrays.v!;
    let events = 0;
    let ownDiffers = false;
    for (let t = 0; t < 300; t++) {
      emu.step();
      sim.step();
      own.step();
      const fv = sim.state('p', 'v');
      const ov = own.state('p', 'v');
      for (let k = 0; k < 40; k++) {
        expect(V[k]! % amp).toBe(0);
        const fixedCount = V[k]! / amp;
        expect(Math.round(fv[k]! / 0.05)).toBe(fixedCount);
        if (Math.round(ov[k]! / 0.05) !== fixedCount) ownDiffers = true;
      }
    }
    for (let k = 0; k < 40; k++) events += V[k]! / amp;
    // 40 neurons × 300 steps × p = 0.08: ≈ 960 events.
    expect(events).toBeGreaterThan(800);
    expect(events).toBeLessThan(1120);
    expect(ownDiffers).toBe(true); // the float side's own key draws other events: the keys matter
  });
});
