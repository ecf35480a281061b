/**
 * Several current states on the `cuba` compartment (Brian's CUBA: ge and gi, both integrated by v): the IR's
 * `extraCurrents` (ports 2, 3, …), their kernel arithmetic against an oracle written from the IR's documented
 * update, the loader's checks, the lowering, and fixed vs float on one deterministic spike train.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lower } from '../../compiler/lower/lower.js';
import { resolveTarget } from '../../compiler/target/load.js';
import type { TargetProfile } from '../../compiler/target/profile.js';
import type { NeuronModel, Population } from '../../compiler/model.js';
import { stepCubaGroup } from '../../emulator/kernels/cuba.js';
import { newCounters, type GroupState } from '../../emulator/state.js';
import { decayLoihi, linearLeak, saturate, shiftLeak, wrapSigned } from '../../emulator/arith.js';
import { Emulator } from '../../emulator/emulator.js';
import { FloatSimulator } from '../../reference/float-sim.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import type { CubaGroup, DecayMode, DendriteIr, NamedStateVar, StateVar } from '../../ir/types.js';
import { SOURCES, at, cubaLif, network, neurons, project } from './net.js';

function target(name: string): TargetProfile {
  const r = resolveTarget(name, []);
  if (!r.profile) throw new Error(JSON.stringify(r.diagnostics));
  return r.profile;
}
const errors = (ds: readonly { severity: string }[]) => ds.filter((d) => d.severity === 'error');

// ---------------------------------------------------------------------------------------------------------
// Kernel vs an oracle of the documented update (ir/types.ts CubaGroup)

interface VarSpec { bits: number; overflow: 'wrap' | 'saturate'; decay: DecayMode; reg: number; floor: number | null; ceiling: number | null }

function oracleLeak(s: VarSpec, x: number): number {
  switch (s.decay.kind) {
    case 'loihi12': return decayLoihi(x, s.reg, s.decay.offset);
    case 'shift': return shiftLeak(x, s.reg, s.decay.neverZero);
    case 'linear': return linearLeak(x, s.reg);
    case 'none': return x;
  }
}
function ovf(x: number, bits: number, mode: 'wrap' | 'saturate'): number {
  return mode === 'wrap' ? wrapSigned(x, bits) : saturate(x, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1);
}
function update(s: VarSpec, x: number, add: number): number {
  const y = ovf(oracleLeak(s, x) + add, s.bits, s.overflow);
  return saturate(y, s.floor ?? -Infinity, s.ceiling ?? Infinity);
}

const decayArb: fc.Arbitrary<{ decay: DecayMode; reg: number }> = fc.oneof(
  fc.record({ decay: fc.constantFrom<DecayMode>({ kind: 'loihi12', offset: 0 }, { kind: 'loihi12', offset: 1 }), reg: fc.integer({ min: 0, max: 4094 }) }),
  fc.record({ decay: fc.boolean().map((neverZero): DecayMode => ({ kind: 'shift', neverZero })), reg: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ decay: fc.constant<DecayMode>({ kind: 'linear' }), reg: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ decay: fc.constant<DecayMode>({ kind: 'none' }), reg: fc.constant(0) }),
);
const varArb: fc.Arbitrary<VarSpec> = fc
  .record({ bits: fc.integer({ min: 8, max: 20 }), overflow: fc.constantFrom<'wrap' | 'saturate'>('wrap', 'saturate'), d: decayArb, floor: fc.option(fc.integer({ min: -300, max: 0 }), { nil: null }) })
  .map(({ bits, overflow, d, floor }) => ({ bits, overflow, decay: d.decay, reg: d.reg, floor, ceiling: null }));

const N = 3;
const irVar = (s: VarSpec): StateVar => ({ bits: s.bits, overflow: s.overflow, decay: s.decay, decayReg: new Int32Array(N).fill(s.decay.kind === 'none' ? 0 : s.reg), floor: s.floor, ceiling: s.ceiling });

function cubaGroup(cur: VarSpec | null, v: VarSpec, extras: VarSpec[], dend: VarSpec | null, o: { bias: number; threshold: number; reset: 'value' | 'subtract' | 'none'; ref: number; inBits: number }): CubaGroup {
  return {
    name: 'g', first: 0, size: N, neuronBase: 0, model: 'cuba', inputBits: o.inBits, inputOverflow: 'saturate',
    current: cur ? irVar(cur) : null, v: irVar(v), dendrite: dend ? { ...irVar(dend), name: 'u' } : null,
    bias: new Int32Array(N).fill(o.bias), threshold: new Int32Array(N).fill(o.threshold), compare: 'gt',
    reset: { mode: o.reset, value: -7 }, refractDelay: new Int32Array(N).fill(o.ref), refractoryValue: -7,
    ...(extras.length > 0 ? { extraCurrents: extras.map((x, k): NamedStateVar => ({ ...irVar(x), name: `g${k}` })) } : {}),
  };
}

function groupState(g: CubaGroup): GroupState {
  const arrays: Record<string, Int32Array> = { v: new Int32Array(N), ref: new Int32Array(N) };
  if (g.current) arrays.i = new Int32Array(N);
  if (g.dendrite) arrays.u = new Int32Array(N);
  for (const x of g.extraCurrents ?? []) arrays[x.name] = new Int32Array(N);
  return { group: g, arrays };
}

describe('cuba kernel with extra currents', () => {
  it('follows the documented update: g_k = ovf(leak(g_k) + in[2+k]), v += i + Σ g_k + bias (random groups)', () => {
    fc.assert(
      fc.property(
        fc.option(varArb, { nil: null }), varArb, fc.array(varArb, { minLength: 1, maxLength: 3 }), fc.option(varArb, { nil: null }),
        fc.record({ bias: fc.integer({ min: -20, max: 20 }), threshold: fc.integer({ min: 0, max: 3000 }), reset: fc.constantFrom<'value' | 'subtract' | 'none'>('value', 'subtract', 'none'), ref: fc.integer({ min: 0, max: 3 }), inBits: fc.integer({ min: 8, max: 16 }) }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (cur, v, extras, dend, o, seed) => {
          const g = cubaGroup(cur, v, extras, dend, o);
          const gs = groupState(g);
          const P = 2 + extras.length;
          const input = new Float64Array(P * N);
          const spiked = new Int32Array(N);
          const counters = newCounters();
          // Oracle state.
          const I = new Array<number>(N).fill(0);
          const V = new Array<number>(N).fill(0);
          const D = new Array<number>(N).fill(0);
          const G = extras.map(() => new Array<number>(N).fill(0));
          const R = new Array<number>(N).fill(0);
          let rnd = seed;
          const next = () => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) % 4001) - 2000; // inputs up to ±2000 (some saturate)
          for (let t = 0; t < 25; t++) {
            const inputs = Array.from({ length: P }, () => Array.from({ length: N }, () => next() * (t % 5 === 0 ? 40 : 1)));
            for (let p = 0; p < P; p++) for (let k = 0; k < N; k++) input[p * N + k] = p === 1 && !dend ? 0 : inputs[p]![k]!;
            const n = stepCubaGroup(gs, input, 0, N, counters, spiked, 0);
            const want: number[] = [];
            for (let k = 0; k < N; k++) {
              const fit = (x: number) => ovf(x, o.inBits, 'saturate');
              const in0 = fit(inputs[0]![k]!);
              const i = cur ? update(cur, I[k]!, in0) : in0;
              I[k] = i;
              let gSum = 0;
              extras.forEach((x, j) => {
                G[j]![k] = update(x, G[j]![k]!, fit(inputs[2 + j]![k]!));
                gSum += G[j]![k]!;
              });
              let vv = update(v, V[k]!, i + gSum + o.bias);
              if (dend) D[k] = update(dend, D[k]!, fit(inputs[1]![k]!));
              if (R[k]! > 0) {
                vv = -7;
                R[k]!--;
              } else if (vv > o.threshold) {
                want.push(k);
                vv = o.reset === 'value' ? -7 : o.reset === 'subtract' ? ovf(vv - o.threshold, v.bits, v.overflow) : vv;
                R[k] = o.ref;
              }
              V[k] = vv;
            }
            expect(Array.from(spiked.subarray(0, n))).toEqual(want);
            expect(Array.from(gs.arrays.v!)).toEqual(V);
            if (cur) expect(Array.from(gs.arrays.i!)).toEqual(I);
            if (dend) expect(Array.from(gs.arrays.u!)).toEqual(D);
            extras.forEach((_, j) => expect(Array.from(gs.arrays[`g${j}`]!)).toEqual(G[j]));
            expect(Array.from(input)).toEqual(new Array(P * N).fill(0)); // every port's input is consumed
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('an idle extra current changes nothing: same states and spikes as the single-current (fast-path) group', () => {
    const lif: VarSpec = { bits: 24, overflow: 'saturate', decay: { kind: 'loihi12', offset: 0 }, reg: 300, floor: null, ceiling: null };
    const o = { bias: 3, threshold: 2000, reset: 'value' as const, ref: 2, inBits: 24 };
    const plain = cubaGroup(lif, { ...lif, reg: 100 }, [], null, o);
    const extra = cubaGroup(lif, { ...lif, reg: 100 }, [lif], null, o);
    const a = groupState(plain);
    const b = groupState(extra);
    const inA = new Float64Array(N);
    const inB = new Float64Array(3 * N);
    const sa = new Int32Array(N);
    const sb = new Int32Array(N);
    let spikes = 0;
    for (let t = 0; t < 200; t++) {
      for (let k = 0; k < N; k++) inA[k] = inB[k] = ((t * 7 + k * 13) % 11) * 40 - 100;
      const na = stepCubaGroup(a, inA, 0, N, newCounters(), sa, 0);
      const nb = stepCubaGroup(b, inB, 0, N, newCounters(), sb, 0);
      spikes += na;
      expect(Array.from(sb.subarray(0, nb))).toEqual(Array.from(sa.subarray(0, na)));
      expect(b.arrays.v).toEqual(a.arrays.v);
      expect(b.arrays.i).toEqual(a.arrays.i);
      expect(b.arrays.ref).toEqual(a.arrays.ref);
    }
    expect(spikes).toBeGreaterThan(0);
  });

  it('counts an extra current\'s saturations under its own name', () => {
    const s: VarSpec = { bits: 8, overflow: 'saturate', decay: { kind: 'none' }, reg: 0, floor: null, ceiling: null };
    const g = cubaGroup(null, { ...s, bits: 24 }, [s], null, { bias: 0, threshold: 10 ** 6, reset: 'none', ref: 0, inBits: 24 });
    const gs = groupState(g);
    const input = new Float64Array(3 * N);
    input.fill(1000, 2 * N);
    const c = newCounters();
    stepCubaGroup(gs, input, 0, N, c, new Int32Array(N), 0);
    expect(c.overflow.g0).toEqual({ wrap: 0, saturate: N });
    expect(Array.from(gs.arrays.g0!)).toEqual([127, 127, 127]);
    expect(Array.from(gs.arrays.v!)).toEqual([127, 127, 127]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Lowering and IR

/** CubaLIF plus a second current `gi` (τ 10 ms) fed by port `inh`, both integrated by v (Brian's CUBA). */
function twoCurrents(over: Partial<NeuronModel> = {}): NeuronModel {
  const c = cubaLif();
  const [i, v] = c.states;
  return {
    ...c, typeName: 'CubaNeuron',
    states: [i!, { ...v!, integrates: ['i', 'gi'] }, { name: 'gi', span: at(6, 3, 2), role: 'current', tau: 0.01, rest: 0, initial: 0, integrates: [] }],
    ports: [...c.ports, { name: 'inh', span: at(6), target: 'gi' }],
    ...over,
  };
}

function spikeSource(name: string, size: number): Population {
  return { name, span: at(4), size, source: { kind: 'spike_file', path: 'in.csv', span: at(4) } };
}

function cubaNet(model: NeuronModel = twoCurrents()) {
  return network(
    [spikeSource('src', 2), neurons('p', 3, model)],
    [
      project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: 0.6 }),
      project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: -0.2 }, { port: 'inh' }),
    ],
  );
}

describe('lowering several currents', () => {
  it('default: gi becomes extraCurrents[0] on port 2 with its own decay; probes and the unit report name it', () => {
    const r = lower(cubaNet(), target('default'), { sources: SOURCES });
    expect(errors(r.diagnostics)).toEqual([]);
    const g = r.ir!.cores[0]!.groups[0] as CubaGroup;
    expect(g.extraCurrents?.map((x) => x.name)).toEqual(['gi']);
    const gi = g.extraCurrents![0]!;
    const i = g.current!;
    // τ = 10 ms at dt = 1 ms against i's 5 ms: a smaller loihi12 decay register (slower leak).
    expect(gi.decay).toEqual(i.decay);
    expect(gi.decayReg[0]).toBe(Math.round(4096 * (1 - Math.exp(-0.1))));
    expect(i.decayReg[0]).toBe(Math.round(4096 * (1 - Math.exp(-0.2))));
    const s = r.ir!.cores[0]!.synapses;
    const portsOf = (name: string) => {
      const sg = r.ir!.cores[0]!.synapseGroups.findIndex((x) => x.name === name);
      const out = new Set<number>();
      for (let a = 0; a < s.axonGroup.length; a++) if (s.axonGroup[a] === sg) for (let k = s.axonOffsets[a]!; k < s.axonOffsets[a + 1]!; k++) out.add(s.ports[k]!);
      return [...out];
    };
    expect(portsOf('src->p.inh')).toEqual([2]);
    expect(portsOf('src->p')).toEqual([0]);
    // gi shares i's and v's unit (v adds it).
    expect(r.scales[0]!.unit.gi).toBe(r.scales[0]!.unit.v);
    const back = loadIr(writeIr(r.ir!), 'x');
    expect(back.diagnostics).toEqual([]);
    expect(writeIr(back.ir!)).toBe(writeIr(r.ir!));
  });

  it('a single-current neuron emits no extraCurrents field (existing IRs are unchanged)', () => {
    const net = network([spikeSource('src', 2), neurons('p', 3, cubaLif())], [project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: 0.3 })]);
    const g = lower(net, target('default'), { sources: SOURCES }).ir!.cores[0]!.groups[0]!;
    expect('extraCurrents' in g).toBe(false);
  });

  it('loihi1 has one current per compartment: the second is reported at its declaration', () => {
    const r = lower(cubaNet(), target('loihi1'), { sources: SOURCES });
    const d = r.diagnostics.find((x) => x.code === 'SNN3401' && /current states/.test(x.message));
    expect(d?.span).toEqual(at(6, 3, 2));
  });

  it('the membrane must integrate every current, and an extra current may not take a reserved name', () => {
    const partial = lower(cubaNet(twoCurrents({ states: twoCurrents().states.map((s) => (s.name === 'v' ? { ...s, integrates: ['i'] } : s)) })), target('default'), { sources: SOURCES });
    expect(partial.diagnostics.some((x) => x.code === 'SNN3401' && /integrates exactly its currents \(i, gi\)/.test(x.message))).toBe(true);
    const m = twoCurrents();
    const renamed: NeuronModel = {
      ...m,
      states: m.states.map((s) => (s.name === 'gi' ? { ...s, name: 'in' } : s.name === 'v' ? { ...s, integrates: ['i', 'in'] } : s)),
      ports: m.ports.map((p) => (p.target === 'gi' ? { ...p, target: 'in' } : p)),
    };
    const r = lower(cubaNet(renamed), target('default'), { sources: SOURCES });
    expect(r.diagnostics.some((x) => x.code === 'SNN3401' && /cannot be called `in`/.test(x.message))).toBe(true);
  });
});

describe('IR: extraCurrents', () => {
  const base = (): Record<string, any> => JSON.parse(writeIr(lower(cubaNet(), target('default'), { sources: SOURCES }).ir!));
  const fields = (o: unknown) => loadIr(JSON.stringify(o), 'x.ir.json').diagnostics.map((d) => `${d.code} ${d.path?.field}`);

  it('rejects duplicate or reserved names, too many currents, and a port 1 without a dendrite', () => {
    const dup = base();
    dup.cores[0].groups[0].extraCurrents.push({ ...dup.cores[0].groups[0].extraCurrents[0] });
    expect(fields(dup)).toContain('SNN4006 cores[0].groups[0].extraCurrents[1].name');
    const reserved = base();
    reserved.cores[0].groups[0].extraCurrents[0].name = 'ref';
    expect(fields(reserved)).toContain('SNN4006 cores[0].groups[0].extraCurrents[0].name');
    const many = base();
    const x = many.cores[0].groups[0].extraCurrents[0];
    many.cores[0].groups[0].extraCurrents = Array.from({ length: 7 }, (_, k) => ({ ...x, name: `g${k}` }));
    expect(fields(many)).toContain('SNN4004 cores[0].groups[0].extraCurrents');
    const empty = base();
    empty.cores[0].groups[0].extraCurrents = [];
    expect(fields(empty)).toContain('SNN4004 cores[0].groups[0].extraCurrents');
    const port1 = base();
    port1.cores[0].synapses.ports[0] = 1;
    const ds = loadIr(JSON.stringify(port1), 'x.ir.json').diagnostics;
    expect(ds[0]).toMatchObject({ code: 'SNN4005', path: { field: 'cores[0].synapses.ports[0]' }, hint: 'its input ports: 0, 2' });
    const port3 = base();
    port3.cores[0].synapses.ports[0] = 3;
    expect(fields(port3)).toContain('SNN4005 cores[0].synapses.ports[0]');
  });

  it('a probe may read an extra current by name', () => {
    const ok = base();
    ok.probes = [{ name: 'gi', kind: 'state', population: 'p', state: 'gi', decimation: 1 }];
    expect(fields(ok)).toEqual([]);
    ok.probes[0].state = 'gx';
    expect(fields(ok)).toEqual(['SNN4005 probes[0].state']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Float reference and fixed vs float

describe('two currents: float reference and emulator', () => {
  it('the float reference adds the freshly updated gi although gi is declared after v', () => {
    const sim = new FloatSimulator(cubaNet());
    sim.setSpikeList('src', Int32Array.of(1), Int32Array.of(0));
    sim.run(2); // the spike of step 1 arrives at step 2
    const gi = sim.state('p', 'gi')[0]!;
    const i = sim.state('p', 'i')[0]!;
    expect(gi).toBeCloseTo(-0.2, 12);
    expect(i).toBeCloseTo(0.6, 12);
    expect(sim.state('p', 'v')[0]).toBeCloseTo(0.4, 12); // v = 0 + i + gi in the same step
  });

  it('fixed and float membranes agree step by step on a deterministic spike train', () => {
    const net = cubaNet();
    const r = lower(net, target('default'), { sources: SOURCES });
    const steps = Int32Array.from({ length: 60 }, (_, k) => 1 + 3 * k);
    const idx = Int32Array.from({ length: 60 }, (_, k) => k % 2);
    const ir: DendriteIr = { ...r.ir!, sources: [{ ...r.ir!.sources[0]!, kind: 'spikes', steps, indices: idx } as DendriteIr['sources'][number]] };
    const emu = new Emulator(ir);
    const sim = new FloatSimulator(net, { sourceOrder: ['src'] });
    sim.setSpikeList('src', steps, idx);
    const unit = r.scales[0]!.unit.v!;
    const off = r.scales[0]!.offset.v!;
    const V = emu.cores[0]!.groups[0]!.arrays.v!;
    let worst = 0;
    let fixedSpikes = 0;
    let floatSpikes = 0;
    for (let t = 0; t < 200; t++) {
      emu.step();
      sim.step();
      fixedSpikes += emu.spikeCount - (emu.spiked[0]! + emu.spiked[1]!);
      floatSpikes += sim.spikesOf('p').length;
      for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(V[k]! * unit + off - sim.state('p', 'v')[k]!));
    }
    // Threshold 1; the only differences are the 12-bit decay registers (α off by < 2^-13 per step) and the
    // rounding of each state to its unit, at most one unit per state per step, summed over the ≈ τ_v steps the
    // membrane remembers (the currents are scaled with headroom for sustained input, fan-in / (1 − α)).
    // Measured 7.6e-3 at worst over 200 steps; the bound below is 100 units plus 1 % of the threshold.
    expect(floatSpikes).toBeGreaterThan(20);
    expect(fixedSpikes).toBe(floatSpikes);
    expect(worst).toBeLessThan(100 * unit + 0.01);
  });
});

describe('a membrane resting above its threshold (CUBA: El = −49 mV > Vt = −50 mV)', () => {
  it('is held relative to its reset value, with the resting level exact on the chip', () => {
    // LIF, rest 1.2 above threshold 1, reset to 0, τ 20 ms at 1 ms: fires regularly without input.
    const m = cubaLif({ threshold: 1, reset: { kind: 'value', value: 0 }, refractory: 0 });
    const model: NeuronModel = { ...m, states: m.states.map((x) => (x.name === 'v' ? { ...x, rest: 1.2 } : x)) };
    const net = network([spikeSource('src', 1), neurons('p', 1, model)], [project('src', 'p', { kind: 'dense' }, { kind: 'constant', value: 0.1 })]);
    const r = lower(net, target('default'), { sources: SOURCES });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.scales[0]!.offset.v).toBe(0); // the reset value, not the rest (which would need θ − rest < 0)
    const g = r.ir!.cores[0]!.groups[0] as CubaGroup;
    expect(g.threshold[0]).toBeGreaterThan(0);
    expect(g.reset.value).toBe(0);
    // Fixed point of v ← α̃·v + bias with the chip's α̃: exactly the rest (to a unit or so).
    const alpha = (4096 - g.v.decayReg[0]!) / 4096;
    const unit = r.scales[0]!.unit.v!;
    expect(Math.abs((g.bias[0]! / (1 - alpha)) * unit - 1.2)).toBeLessThan(1e-5);
    // Same firing as the float reference.
    const emu = new Emulator(r.ir!);
    const sim = new FloatSimulator(net);
    let a = 0;
    let b = 0;
    for (let t = 0; t < 2000; t++) {
      emu.step();
      sim.step();
      a += emu.spiked[1]!;
      b += sim.spikesOf('p').length;
    }
    expect(b).toBeGreaterThan(30);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.max(1, 0.02 * b));
  });
});
