/**
 * `signal NAME = per_epoch(v1, v2, …)`: checked values, lowered to a modulator whose register the host rewrites at
 * each epoch start (engine.setEpoch), validated in the IR, and followed by the float reference.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkSource } from '../../compiler/frontend.js';
import { compileNetwork } from '../../compiler/compile.js';
import { validateProgram, isSopProgram, type SopProgram } from '../../emulator/learning/program.js';
import { SopLearningEngine } from '../../emulator/learning/engine.js';
import { FloatSimulator } from '../../reference/float-sim.js';

const net = (signal: string, rule = 'w += 1e-2 * lr * post.u') => `network t {
  dt = 1 ms
  ${signal}
  population a = Poisson(4) { rate_max = 100 Hz }
  neuron N extends CubaLIF { state u : dendrite = 0; input err -> u; leak u tau 5 ms; v_threshold = 0.1 }
  population b = N(3)
  project a -> b : dense { w ~ uniform(-0.1, 0.1); learn r }
  rule r { on pre { ${rule} } stochastic_rounding }
}
`;

function check(text: string) {
  return checkSource(text, 't.snn', () => undefined);
}

function compile(text: string) {
  const fe = check(text);
  expect(fe.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return compileNetwork(fe.network!, { target: 'default', frontendDiagnostics: fe.diagnostics });
}

function program(text: string): SopProgram {
  const r = compile(text);
  expect(r.ir).toBeDefined();
  const p = r.ir!.learning.find(isSopProgram)!;
  expect(p).toBeDefined();
  return p;
}

describe('per_epoch signals in the checker', () => {
  it('keeps the values in order', () => {
    const fe = check(net('signal lr = per_epoch(1, 0.5, 0.25)'));
    expect(fe.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const s = fe.network!.signals.find((x) => x.name === 'lr')!;
    expect(s).toMatchObject({ kind: 'per_epoch', values: [1, 0.5, 0.25] });
  });

  it('rejects an empty list and values with units, at the value', () => {
    const text = net('signal lr = per_epoch()');
    const empty = check(text).diagnostics.filter((d) => d.severity === 'error');
    expect(empty).toHaveLength(1);
    expect(empty[0]!.message).toMatch(/at least one value/);
    expect(text.slice(empty[0]!.span!.start, empty[0]!.span!.end)).toBe('per_epoch()');
    const unit = check(net('signal lr = per_epoch(1, 5 ms)')).diagnostics.filter((d) => d.severity === 'error');
    expect(unit).toHaveLength(1);
    expect(unit[0]!.message).toMatch(/per-epoch value/);
  });
});

describe('per_epoch signals in the microcode', () => {
  it('short binary fractions are exact: register = value / step, no warning', () => {
    const r = compile(net('signal lr = per_epoch(1, 0.5, 0.25)'));
    expect(r.diagnostics.filter((d) => /signal `lr`/.test(d.message))).toEqual([]);
    const m = program(net('signal lr = per_epoch(1, 0.5, 0.25)')).modulators[0]!;
    expect(m).toMatchObject({ name: 'lr', initial: 4, schedule: null, perEpoch: [4, 2, 1] });
  });

  it('other values get 10 significant bits and one warning naming the rounding error', () => {
    const text = net('signal lr = per_epoch(1, 0.7, 0.3)');
    const m = program(text).modulators[0]!;
    expect(m.perEpoch).toEqual([1024, Math.round(0.7 * 1024), Math.round(0.3 * 1024)]);
    const warns = compile(text).diagnostics.filter((d) => /signal `lr`/.test(d.message));
    expect(warns).toHaveLength(1);
    expect(warns[0]!.message).toMatch(/2\^-10.*relative error/);
  });

  it('property: some power-of-two step represents every value exactly, or to half a step no coarser than 2^-10 of the largest', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 4, noNaN: true }), { minLength: 1, maxLength: 5 }), (values) => {
        const m = program(net(`signal lr = per_epoch(${values.map((x) => x.toPrecision(6)).join(', ')})`)).modulators[0]!;
        const parsed = values.map((x) => Number(x.toPrecision(6)));
        const fine = 2 ** (Math.ceil(Math.log2(Math.max(...parsed))) - 10);
        const regs = m.perEpoch!;
        expect(regs.every(Number.isInteger)).toBe(true);
        const ok = Array.from({ length: 20 }, (_, k) => 2 ** (3 - k)).some((step) => {
          const err = Math.max(...regs.map((r, i) => Math.abs(r * step - parsed[i]!)));
          return err === 0 || (step <= Math.max(fine, 2 ** -16) && err <= step / 2 + 1e-12); // 2^-16: the finest step
        });
        expect(ok).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});

describe('per_epoch modulators in the IR and the engine', () => {
  const base = (): SopProgram => program(net('signal lr = per_epoch(1, 0.5, 0.25)'));

  it('the IR validator accepts them and names bad values and a schedule given as well', () => {
    expect(validateProgram(JSON.parse(JSON.stringify(base())), 'learning[0]')).toEqual([]);
    const bad = JSON.parse(JSON.stringify(base()));
    bad.modulators[0].perEpoch = [4, 2.5];
    const d1 = validateProgram(bad, 'learning[0]');
    expect(d1.map((d) => d.path?.field)).toContain('learning[0].modulators[0].perEpoch[1]');
    bad.modulators[0].perEpoch = [4];
    bad.modulators[0].schedule = { segments: [], otherwise: 0 };
    const d2 = validateProgram(bad, 'learning[0]');
    expect(d2.some((d) => /not both/.test(d.message))).toBe(true);
  });

  it('setEpoch writes perEpoch[min(e, n-1)]; a host write wins from then on', () => {
    const ir = compile(net('signal lr = per_epoch(1, 0.5, 0.25)')).ir!;
    const e = new SopLearningEngine(ir);
    expect(e.modulator('lr')).toBe(4);
    const seen = [0, 1, 2, 3, 9].map((k) => (e.setEpoch(k), e.modulator('lr')));
    expect(seen).toEqual([4, 2, 1, 1, 1]);
    e.setModulator('lr', 3);
    e.setEpoch(0);
    expect(e.modulator('lr')).toBe(3);
  });

  it('the float reference reads the value of the epoch it is told', () => {
    const fe = check(net('signal lr = per_epoch(1, 0.5, 0.25)'));
    const sim = new FloatSimulator(fe.network!, { seed: 1 });
    const at = (epoch: number) => {
      sim.setEpoch(epoch);
      sim.step();
      return sim.signal('lr');
    };
    expect([at(0), at(1), at(2), at(5)]).toEqual([1, 0.5, 0.25, 0.25]);
  });
});
