/**
 * Escape-noise input neurons (research/papers.md §1.4(d)): `EscapeNoise(n) { rate_max, beta, threshold,
 * refractory }` lowers to the IR's Poisson source with `refractory` = R steps, the host setting per-neuron
 * thresholds floor((1 − exp(−ρ(x)·dt))·2^32) from the input x (`escapeNoiseThresholds`). This is the discrete
 * escape-noise process itself (data/encoders.ts EscapeNoiseEncoder), not an approximation: the emulator's spikes
 * equal the encoder's draw for draw, and the float reference's too.
 */
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/frontend.js';
import { compileNetwork } from '../../compiler/compile.js';
import { escapeNoiseThresholds } from '../../compiler/lower/sources.js';
import type { Network } from '../../compiler/model.js';
import { EscapeNoiseEncoder, escapeRateHz, type EscapeNoiseOptions } from '../../data/encoders.js';
import { Emulator } from '../../emulator/emulator.js';
import { draw, SOURCE_CORE, STREAM_POISSON } from '../../emulator/prng.js';
import { FloatSimulator } from '../../reference/float-sim.js';
import type { PoissonSource } from '../../ir/types.js';

const N = 24;

function source(params = 'rate_max = 100 Hz; beta = 0.5; threshold = -0.215; refractory = 4 ms', dt = '1 ms'): Network {
  const text = `network esc {
  dt = ${dt}
  seed = 5
  population lab = Labels(2) { rate = 100 Hz }
  population x = EscapeNoise(${N}) { ${params} }
  population h = LIF(3)
  project x -> h : dense { w = 0.01 }
  project lab -> h : dense { w = 0.01 }
}
`;
  const r = checkSource(text, 'esc.snn');
  if (!r.network) throw new Error(JSON.stringify(r.diagnostics));
  return r.network;
}

/** Inputs spread over [0, 1] (x = 0 is silent). */
const X = Float64Array.from({ length: N }, (_, i) => i / (N - 1));
const OPTIONS: EscapeNoiseOptions = { dtS: 1e-3, rho0Hz: 100, beta: 0.5, gamma: -0.215, theta: 0.1, deltaU: 0.05, refractoryS: 4e-3 };

describe('escape-noise sources', () => {
  it('lower to a Poisson source with the refractory period in steps and the model in the source report', () => {
    const r = compileNetwork(source(), { target: 'default' });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const s = r.ir!.sources.find((x) => x.name === 'x') as PoissonSource;
    expect(s.kind).toBe('poisson');
    expect(s.refractory).toBe(4);
    expect(Array.from(s.rate)).toEqual(new Array(N).fill(0)); // silent until the host sets the inputs
    expect(r.ir!.reports.sources).toMatchObject({ x: { kind: 'escape_noise', rho0Hz: 100, beta: 0.5, gamma: -0.215, theta: 0.1, deltaU: 0.05, refractorySteps: 4 } });
    expect(r.ir!.ports.inputs).toContain('x');
  });

  it('the emulator reproduces the escape-noise encoder spike for spike, and so does the float reference', () => {
    const net = source();
    const ir = compileNetwork(net, { target: 'default' }).ir!;
    const si = ir.sources.findIndex((s) => s.name === 'x');
    const model = net.populations.find((p) => p.name === 'x')!.source!;
    if (model.kind !== 'escape_noise') throw new Error('not an escape-noise source');
    const thr = escapeNoiseThresholds(model, ir.dt, X);
    const enc = new EscapeNoiseEncoder(N, OPTIONS).load(X);
    expect(Array.from(thr)).toEqual(Array.from(enc.thresholds));
    expect(thr[0]).toBe(0);

    const emu = new Emulator(ir);
    emu.setSourceRates('x', thr);
    const sim = new FloatSimulator(net, { sourceOrder: ir.sources.map((s) => s.name) });
    sim.setSourceThresholds('x', thr);
    const uniform = (t: number, i: number) => draw(ir.seed, t, SOURCE_CORE + si, i, STREAM_POISSON);
    const want = new Int32Array(N);
    const base = ir.populations.find((p) => p.name === 'x')!.neuronBase;
    const counts = new Float64Array(N);
    const T = 3000;
    for (let t = 1; t <= T; t++) {
      emu.step();
      sim.step();
      const n = enc.step(t, uniform, want);
      const got: number[] = [];
      for (let k = 0; k < emu.spikeCount; k++) {
        const id = emu.spikes[k]!;
        if (id >= base && id < base + N) got.push(id - base);
      }
      expect(got).toEqual(Array.from(want.subarray(0, n)));
      expect(Array.from(sim.spikesOf('x'))).toEqual(got);
      for (const i of got) counts[i]!++;
    }
    // Rates follow ν(x) = 1/(dt·(R + 1/p(x))) (the discrete form of papers.md's 1/(τ_ref + 1/ρ(x))), within
    // 5 standard errors of a count over T steps (Poisson-like; refractoriness only narrows it).
    let checked = 0;
    for (let i = 0; i < N; i++) {
      const expected = escapeRateHz(X[i]!, OPTIONS) * T * ir.dt;
      if (expected < 20) continue;
      checked++;
      expect(Math.abs(counts[i]! - expected)).toBeLessThan(5 * Math.sqrt(expected));
    }
    expect(checked).toBeGreaterThan(8);
    // Refractory-limited at the top: at most one spike per R + 1 steps.
    expect(Math.max(...counts)).toBeLessThanOrEqual(T / 5);
  });

  it('a refractory period beyond the IR\'s counter is an error at the source', () => {
    const r = compileNetwork(source('refractory = 100 s', '1 ms'), { target: 'default' });
    const e = r.diagnostics.find((d) => d.code === 'SNN3411');
    expect(e?.severity).toBe('error');
    expect(e?.message).toMatch(/100000 steps exceeds the IR's 65535/);
    expect(r.ir).toBeUndefined();
  });
});
