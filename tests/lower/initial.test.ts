/**
 * Initial state values (`v.init ~ uniform(a, b)`, constants): lowered to the optional per-compartment `initial`
 * arrays of `loihi`/`cuba` groups from the float reference's own draws (reference/initial-state.ts), quantized with
 * the population's unit relative to its offset, applied by the emulator's state initialisation, validated by the
 * loader.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lower } from '../../compiler/lower/lower.js';
import { resolveTarget } from '../../compiler/target/load.js';
import type { TargetProfile } from '../../compiler/target/profile.js';
import type { Initializer, NeuronModel } from '../../compiler/model.js';
import { initialStateValues } from '../../reference/initial-state.js';
import { FloatSimulator } from '../../reference/float-sim.js';
import { Emulator } from '../../emulator/emulator.js';
import { roundHalfEven } from '../../emulator/arith.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import type { CubaGroup, LoihiGroup } from '../../ir/types.js';
import { SOURCES, at, cubaLif, lif, network, neurons, poisson, project } from './net.js';

function target(name: string, sets: string[] = []): TargetProfile {
  const r = resolveTarget(name, sets);
  if (!r.profile) throw new Error(JSON.stringify(r.diagnostics));
  return r.profile;
}

/** A CubaLIF at rest −0.2 with the given initial values of v (and i). */
function model(vInit: number | Initializer, iInit: number | Initializer = 0): NeuronModel {
  const c = cubaLif({ threshold: 1 });
  return { ...c, states: c.states.map((s) => (s.name === 'v' ? { ...s, rest: -0.2, initial: vInit } : { ...s, initial: iInit })), reset: { kind: 'value', value: -0.2 } };
}

function net(vInit: number | Initializer, size = 10, iInit: number | Initializer = 0) {
  return network([poisson('src', 4), neurons('p', size, model(vInit, iInit))], [project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: 0.05 })]);
}

describe('lowering initial values', () => {
  it('random initial values are the float reference\'s draws, quantized with the state unit relative to the offset', () => {
    const n = net({ kind: 'uniform', lo: -0.6, hi: 0.9 }, 50);
    const r = lower(n, target('default'), { sources: SOURCES });
    expect(r.diagnostics.filter((d) => d.code === 'SNN3405')).toEqual([]);
    const g = r.ir!.cores[0]!.groups[0] as CubaGroup;
    const unit = r.scales[0]!.unit.v!;
    const off = r.scales[0]!.offset.v!;
    expect(off).toBe(-0.2);
    const pop = n.populations[1]!;
    const want = initialStateValues(n, pop, pop.neuron!.states.find((s) => s.name === 'v')!);
    expect(Array.from(g.initial!.v!)).toEqual(Array.from(want, (x) => roundHalfEven((x - off) / unit)));
    expect(g.initial!.i).toBeUndefined(); // i starts at 0 = its rest: not listed
    const rep = r.quantization.find((q) => q.group === 'p.v initial')!;
    expect(rep.kind).toBe('initial');
    expect(rep.count).toBe(50);
    expect(rep.maxError).toBeLessThanOrEqual(unit / 2 + 1e-18);

    // The emulator starts there, and so does the float reference: same state up to half a unit.
    const emu = new Emulator(r.ir!);
    const V = emu.cores[0]!.groups[0]!.arrays.v!;
    expect(Array.from(V)).toEqual(Array.from(g.initial!.v!));
    const sim = new FloatSimulator(n);
    const fv = sim.state('p', 'v');
    for (let k = 0; k < 50; k++) expect(Math.abs(V[k]! * unit + off - fv[k]!)).toBeLessThanOrEqual(unit / 2 + 1e-15);
    // Not all equal (they are draws), and within the drawn range.
    expect(new Set(Array.from(V)).size).toBeGreaterThan(40);

    // A reset between samples restores the initial state, not zeros.
    const saved = emu.saveState();
    for (let s = 0; s < 5; s++) emu.step();
    emu.resetDynamics(saved);
    expect(Array.from(V)).toEqual(Array.from(g.initial!.v!));
  });

  it('a constant initial value is kept (no warning); one equal to rest gives no `initial` field', () => {
    const c = lower(net(0.5, 10, 0.25), target('default'), { sources: SOURCES });
    expect(c.diagnostics.filter((d) => d.code === 'SNN3405')).toEqual([]);
    const g = c.ir!.cores[0]!.groups[0] as CubaGroup;
    const unit = c.scales[0]!.unit.v!;
    expect(Array.from(g.initial!.v!)).toEqual(new Array(10).fill(roundHalfEven(0.7 / unit)));
    expect(Array.from(g.initial!.i!)).toEqual(new Array(10).fill(roundHalfEven(0.25 / unit)));
    const rest = lower(net(-0.2), target('default'), { sources: SOURCES });
    expect('initial' in rest.ir!.cores[0]!.groups[0]!).toBe(false);
  });

  it('values beyond the register saturate, are counted and warned at the state', () => {
    const r = lower(net({ kind: 'uniform', lo: 100, hi: 200 }, 10), target('default'), { sources: SOURCES });
    const rep = r.quantization.find((q) => q.group === 'p.v initial')!;
    expect(rep.saturated).toBe(10);
    const w = r.diagnostics.find((d) => d.code === 'SNN3101' && /p\.v initial/.test(d.message));
    expect(w?.severity).toBe('warning');
    expect(w?.span).toEqual(at(2));
    const g = r.ir!.cores[0]!.groups[0] as CubaGroup;
    expect(Array.from(g.initial!.v!)).toEqual(new Array(10).fill(2 ** 23 - 1));
    const strict = lower(net({ kind: 'uniform', lo: 100, hi: 200 }, 10), target('default'), { sources: SOURCES, strict: true });
    expect(strict.ir).toBeUndefined();
  });

  it('a population split over cores gets each neuron\'s own value', () => {
    const n = net({ kind: 'normal', mean: 0.1, std: 0.2 }, 11);
    const r = lower(n, target('default', ['core.compartments=4']), { sources: SOURCES });
    const ir = r.ir!;
    expect(ir.cores.length).toBe(3);
    const whole = lower(n, target('default'), { sources: SOURCES }).ir!;
    const all = (whole.cores[0]!.groups[0] as CubaGroup).initial!.v!;
    const joined = ir.cores.flatMap((c) => Array.from((c.groups[0] as CubaGroup).initial!.v!));
    expect(joined).toEqual(Array.from(all));
  });

  it('loihi1: u and v start at their lowered values', () => {
    const c = cubaLif({ threshold: 1 });
    const m: NeuronModel = { ...c, states: c.states.map((s) => ({ ...s, initial: s.name === 'v' ? { kind: 'uniform', lo: 0, hi: 0.9 } : 0.1 })) };
    const n = network([poisson('src', 4), neurons('p', 8, m)], [project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: 0.05 })]);
    const r = lower(n, target('loihi1'), { sources: SOURCES });
    expect(r.ir).toBeDefined();
    const g = r.ir!.cores[0]!.groups[0] as LoihiGroup;
    expect(g.initial!.u).toBeDefined();
    expect(g.initial!.v!.every((x) => x >= 0 && x <= g.vmax)).toBe(true);
    const emu = new Emulator(r.ir!);
    expect(emu.cores[0]!.groups[0]!.arrays.u).toEqual(g.initial!.u);
    expect(emu.cores[0]!.groups[0]!.arrays.v).toEqual(g.initial!.v);
  });

  it('nsat holds one value per state: random initial values still warn', () => {
    const m = lif({ states: [{ name: 'v', span: at(7), role: 'membrane', tau: 0.02, rest: 0, initial: { kind: 'uniform', lo: 0, hi: 0.5 }, integrates: [] }] });
    const n = network([poisson('src', 4), neurons('p', 8, m)], [project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: 0.05 })]);
    const r = lower(n, target('nsat'), { sources: SOURCES });
    const w = r.diagnostics.find((d) => d.code === 'SNN3405' && /random initial values of `v`/.test(d.message));
    expect(w?.span).toEqual(at(7));
  });
});

describe('IR: initial', () => {
  const base = (): Record<string, any> => JSON.parse(writeIr(lower(net({ kind: 'uniform', lo: -0.6, hi: 0.9 }, 20), target('default'), { sources: SOURCES }).ir!));
  const diags = (o: unknown) => loadIr(JSON.stringify(o), 'x.ir.json').diagnostics.map((d) => `${d.code} ${d.path?.field}`);

  it('validates state names, lengths and ranges with the field path', () => {
    const unknown = base();
    unknown.cores[0].groups[0].initial.x = [1];
    expect(diags(unknown)).toEqual(['SNN4005 cores[0].groups[0].initial.x']);
    const short = base();
    short.cores[0].groups[0].initial.v = [1, 2, 3];
    expect(diags(short)).toEqual(['SNN4006 cores[0].groups[0].initial.v']);
    const far = base();
    far.cores[0].groups[0].initial.v = new Array(20).fill(0);
    far.cores[0].groups[0].initial.v[3] = 2 ** 23; // v is 24 bits
    const ds = loadIr(JSON.stringify(far), 'x.ir.json').diagnostics;
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'SNN4004', path: { field: 'cores[0].groups[0].initial.v[3]' }, hint: `allowed range: ${-(2 ** 23)}..${2 ** 23 - 1}` });
    const notObject = base();
    notObject.cores[0].groups[0].initial = [1];
    expect(diags(notObject)).toEqual(['SNN4003 cores[0].groups[0].initial']);
  });

  it('respects a state\'s floor (a rectified state cannot start below it)', () => {
    const o = base();
    o.cores[0].groups[0].v.floor = -5;
    o.cores[0].groups[0].initial.v = new Array(20).fill(-5);
    expect(diags(o)).toEqual([]);
    o.cores[0].groups[0].initial.v[0] = -6;
    expect(diags(o)).toEqual(['SNN4004 cores[0].groups[0].initial.v[0]']);
  });

  it('write → load → write is byte-identical with random initial values (inline and base64 arrays)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 23), max: 2 ** 23 - 1 }), { minLength: 20, maxLength: 20 }), fc.boolean(), (vals, withI) => {
        const o = base();
        o.cores[0].groups[0].initial = { v: vals, ...(withI ? { i: vals.map((x) => -x - 1) } : {}) };
        const a = loadIr(JSON.stringify(o), 'x');
        expect(a.diagnostics).toEqual([]);
        const text = writeIr(a.ir!);
        const b = loadIr(text, 'x');
        expect(writeIr(b.ir!)).toBe(text);
        expect(Array.from((b.ir!.cores[0]!.groups[0] as CubaGroup).initial!.v!)).toEqual(vals);
      }),
      { numRuns: 30 },
    );
  });

  it('loihi: v must start within [vmin, vmax]', () => {
    const c = cubaLif({ threshold: 1 });
    const m: NeuronModel = { ...c, states: c.states.map((s) => ({ ...s, initial: s.name === 'v' ? 0.5 : 0 })) };
    const n = network([poisson('src', 4), neurons('p', 3, m)], [project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: 0.05 })]);
    const o: Record<string, any> = JSON.parse(writeIr(lower(n, target('loihi1'), { sources: SOURCES }).ir!));
    const g = o.cores[0].groups[0];
    expect(diags(o)).toEqual([]);
    g.initial.v = [g.vmax + 1, 0, 0];
    expect(diags(o)).toEqual(['SNN4004 cores[0].groups[0].initial.v[0]']);
  });
});
