/**
 * The WebAssembly SIMD kernel for `cuba` LIF groups (emulator/kernels/wasm/) against the TypeScript kernel
 * (emulator/kernels/cuba.ts, the reference): same state, spikes, ring clearing and counters, on random groups
 * (widths, wrap/saturate, offsets, per-compartment or uniform registers, compare and reset modes, states and inputs
 * beyond ±2^19 and beyond the widths), and end to end on the CUBA benchmark network, including the neuron-major
 * delivery with fixed weights (emulator/delivery.ts `FanOut`) and the parallel runner. The kernel is built by
 * `npm run build` (pretest); these tests fail, rather than skip, when it is missing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stepCubaGroup, cubaLifShape } from '../../emulator/kernels/cuba.js';
import { bindCubaGroups, cubaWasmModule, instantiateCuba, stepCubaWasm } from '../../emulator/kernels/wasm/cuba-wasm.js';
import { WasmHeap } from '../../emulator/kernels/wasm/heap.js';
import { newCounters, type GroupState } from '../../emulator/state.js';
import { coreDelivery, FanOut } from '../../emulator/delivery.js';
import { Emulator } from '../../emulator/emulator.js';
import { ParallelEmulator } from '../../emulator/parallel/parallel-emulator.js';
import { randomIr } from './random-ir.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';
import type { CubaGroup, DendriteIr, StateVar } from '../../ir/types.js';
// @ts-expect-error plain ESM bench module without type declarations
import { buildCubaIr, setInitialV } from '../../bench/cuba-network.mjs';

const int = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });

/** A state value: mostly small, sometimes near ±2^19 (the fast path's edge), sometimes anywhere in int32. */
const stateValue = fc.oneof(
  { weight: 6, arbitrary: int(-3000, 3000) },
  { weight: 2, arbitrary: int(-524290, 524290) },
  { weight: 1, arbitrary: fc.constantFrom(524287, 524288, -524287, -524288, 2 ** 31 - 1, -(2 ** 31)) },
  { weight: 1, arbitrary: int(-(2 ** 31), 2 ** 31 - 1) },
);

/** A ring cell: mostly 0, else integer sums small or far beyond any input width (exact doubles). */
const inputValue = fc.oneof(
  { weight: 8, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: int(-5000, 5000) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((x) => x * 512) },
);

const lifVar = (size: number, uniform: boolean) =>
  fc.record({
    bits: int(8, 30),
    overflow: fc.constantFrom('wrap' as const, 'saturate' as const),
    offset: fc.constantFrom(0, 1),
    regs: fc.array(fc.oneof(int(0, 4095), fc.constantFrom(0, 4095)), { minLength: size, maxLength: size }),
  }).map(({ bits, overflow, offset, regs }): StateVar => ({
    bits, overflow, decay: { kind: 'loihi12', offset: offset as 0 | 1 },
    decayReg: Int32Array.from(uniform ? regs.map(() => regs[0]!) : regs), floor: null, ceiling: null,
  }));

/** A random `cuba` group of the LIF shape (with or without a dendrite on port 1), its initial state and a few steps of input. */
const lifCase = fc.record({ size: int(1, 23), first: int(0, 5), uniform: fc.boolean(), steps: int(1, 8), dendrite: fc.boolean() }).chain(({ size, first, uniform, steps, dendrite }) => {
  const perK = <T>(a: fc.Arbitrary<T>) =>
    fc.array(a, { minLength: size, maxLength: size }).map((xs) => (uniform ? xs.map(() => xs[0]!) : xs));
  return fc.record({
    size: fc.constant(size), first: fc.constant(first), steps: fc.constant(steps),
    inputBits: int(8, 30), inputOverflow: fc.constantFrom('wrap' as const, 'saturate' as const),
    current: lifVar(size, uniform), v: lifVar(size, uniform),
    bias: perK(fc.oneof(int(-100, 300), int(-(2 ** 29) + 1, 2 ** 29 - 1))),
    threshold: perK(fc.oneof(int(-50, 3000), int(-(2 ** 31), 2 ** 31 - 1), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1))),
    compare: fc.constantFrom('gt' as const, 'ge' as const),
    reset: fc.record({ mode: fc.constantFrom('value' as const, 'subtract' as const, 'none' as const), value: int(-100, 100) }),
    refractDelay: perK(int(0, 5)),
    refractoryValue: int(-100, 100),
    i0: fc.array(stateValue, { minLength: size, maxLength: size }),
    v0: fc.array(stateValue, { minLength: size, maxLength: size }),
    ref0: fc.array(int(0, 3), { minLength: size, maxLength: size }),
    inputs: fc.array(fc.array(inputValue, { minLength: size, maxLength: size }), { minLength: steps, maxLength: steps }),
    dendrite: dendrite ? lifVar(size, uniform) : fc.constant(null),
    u0: fc.array(stateValue, { minLength: size, maxLength: size }),
    inputs1: fc.array(fc.array(inputValue, { minLength: size, maxLength: size }), { minLength: steps, maxLength: steps }),
  });
});

describe('WebAssembly cuba kernel', () => {
  const module = cubaWasmModule();

  it('is built (dist/emulator/kernels/wasm/cuba.wasm) and loads', () => {
    expect(module).not.toBeNull();
  });

  it('equals the TypeScript kernel on random LIF groups, with and without a dendrite: state, spikes, ring, counters', () => {
    let spikes = 0;
    let overflows = 0;
    let dendrites = 0;
    fc.assert(
      fc.property(lifCase, (c) => {
        const g: CubaGroup = {
          model: 'cuba', name: 'P', first: c.first, size: c.size, neuronBase: 0, inputBits: c.inputBits, inputOverflow: c.inputOverflow,
          current: c.current, v: c.v, dendrite: c.dendrite === null ? null : { name: 'u', ...c.dendrite },
          bias: Int32Array.from(c.bias), threshold: Int32Array.from(c.threshold),
          compare: c.compare, reset: c.reset, refractDelay: Int32Array.from(c.refractDelay), refractoryValue: c.refractoryValue,
        };
        expect(cubaLifShape(g)).toEqual({ uniform: expect.any(Boolean) as boolean, dendrite: c.dendrite !== null });
        const n = c.first + c.size;
        const base = 6 * n; // the last of four ring slots of two ports: exercises inputBase and the port stride n
        // TypeScript side: plain arrays.
        const tsArrays: Record<string, Int32Array> = { v: Int32Array.from(c.v0), i: Int32Array.from(c.i0), ref: Int32Array.from(c.ref0) };
        if (c.dendrite !== null) tsArrays.u = Int32Array.from(c.u0);
        const tsState: GroupState = { group: g, arrays: tsArrays };
        const tsRing = new Float64Array(8 * n);
        const tsSpikes = new Int32Array(n);
        const tsCounters = newCounters();
        // WebAssembly side: the same on a heap.
        const heap = new WasmHeap();
        const arrays: Record<string, Int32Array> = { v: heap.int32(c.size), i: heap.int32(c.size), ref: heap.int32(c.size) };
        arrays.v!.set(c.v0);
        arrays.i!.set(c.i0);
        arrays.ref!.set(c.ref0);
        if (c.dendrite !== null) {
          arrays.u = heap.int32(c.size);
          arrays.u.set(c.u0);
        }
        const wRing = heap.float64(8 * n);
        const wSpikes = heap.int32(n);
        const [bound] = bindCubaGroups(heap, [{ group: g, arrays }], wSpikes, n);
        expect(bound).not.toBeNull();
        const kernel = instantiateCuba(module!, heap.memory);
        const wCounters = newCounters();
        for (let s = 0; s < c.steps; s++) {
          for (let k = 0; k < c.size; k++) {
            tsRing[base + c.first + k] = wRing[base + c.first + k] = c.inputs[s]![k]!;
            tsRing[base + n + c.first + k] = wRing[base + n + c.first + k] = c.inputs1[s]![k]!;
          }
          const nt = stepCubaGroup(tsState, tsRing, base, n, tsCounters, tsSpikes, 1);
          const nw = stepCubaWasm(kernel, bound!, wRing, base, wCounters, 1);
          expect(nw, `spike count, step ${s}`).toBe(nt);
          expect(Array.from(wSpikes.subarray(1, nw)), `spikes, step ${s}`).toEqual(Array.from(tsSpikes.subarray(1, nt)));
          for (const name of Object.keys(tsArrays)) expect(Array.from(arrays[name]!), `${name}, step ${s}`).toEqual(Array.from(tsArrays[name]!));
          expect(Array.from(wRing), `ring, step ${s}`).toEqual(Array.from(tsRing));
          expect(wCounters, `counters, step ${s}`).toEqual(tsCounters);
          spikes += nt - 1;
        }
        overflows += Object.keys(tsCounters.overflow).length;
        if (c.dendrite !== null && tsCounters.overflow.u !== undefined) dendrites++;
      }),
      { numRuns: 400 },
    );
    expect(dendrites).toBeGreaterThan(10);
    // The comparison has teeth: spikes and every kind of overflow occurred.
    expect(spikes).toBeGreaterThan(100);
    expect(overflows).toBeGreaterThan(50);
  });
});

function digestRun(emu: Emulator, steps: number): { spikes: number[]; events: number } {
  const spikes: number[] = [];
  for (let s = 0; s < steps; s++) {
    emu.step();
    for (let j = 0; j < emu.spikeCount; j++) spikes.push(emu.t * 1e6 + emu.spikes[j]!);
  }
  return { spikes, events: emu.cores.reduce((a, c) => a + c.counters.synapticEvents, 0) };
}

function stateOf(emu: Emulator): unknown {
  return emu.cores.map((rt) => ({
    groups: rt.groups.map((g) => Object.fromEntries(Object.entries(g.arrays).map(([k, a]) => [k, Array.from(a)]))),
    ring: Array.from(rt.ring), weights: Array.from(rt.weights), counters: rt.counters,
  }));
}

describe('CUBA network: WebAssembly kernel and neuron-major delivery = TypeScript reference', () => {
  it('300 steps of 3,000 neurons on 3 cores: same spikes, state, counters and cycles (1 and 2 threads)', () => {
    const N = 3000;
    const { ir, k } = buildCubaIr({ N, p: 80 / N, coreSize: 1024, seed: 4, steps: 300 }) as { ir: DendriteIr; k: unknown };
    const ref = new Emulator(ir, { kernels: 'ts' });
    expect(ref.wasm).toBeNull();
    const runs: Emulator[] = [new Emulator(ir), new Emulator(ir, { fixedWeights: true })];
    const par = [1, 2].map((workers) => new ParallelEmulator(ir, { workers, fixedWeights: true }));
    try {
      for (const e of [ref, ...runs, ...par]) setInitialV(e, k);
      const want = digestRun(ref, 300);
      expect(want.spikes.length).toBeGreaterThan(1000);
      for (const e of [...runs, ...par]) {
        expect(e.wasm).not.toBeNull();
        const got = digestRun(e, 300);
        expect(got.spikes).toEqual(want.spikes);
        expect(got.events).toBe(want.events);
        expect(stateOf(e)).toEqual(stateOf(ref));
        expect(e.totalCycles).toBe(ref.totalCycles);
      }
      // The fixed-weight emulator took the flat path (one arena, no delays, no blank-out), in WebAssembly.
      const fo = (runs[1] as unknown as { fanOut: { flat: boolean; wasm: unknown } }).fanOut;
      expect(fo.flat).toBe(true);
      expect(fo.wasm).not.toBeNull();
    } finally {
      for (const p of par) p.close();
    }
  });

  it('fixed weights on random IRs (delays, ports, blank-out, weight shifts, all models) = the reference', () => {
    let events = 0;
    let flat = 0;
    for (const seed of [1, 5, 9, 14, 21, 33, 47, 58]) {
      const base = randomIr(seed, { models: ['loihi', 'cuba', 'nsat'], steps: 60, random: true });
      // Every other IR without delays and blank-out and with its cuba groups in the LIF shape, so that the state
      // lives on a WebAssembly heap and delivery takes the flat path.
      const lif = (sv: StateVar): StateVar => ({ ...sv, decay: { kind: 'loihi12', offset: 0 }, decayReg: sv.decayReg.map((r) => r % 4096), floor: null, ceiling: null });
      const ir: DendriteIr = seed % 2 === 0 ? base : {
        ...base,
        cores: base.cores.map((c) => ({
          // One port: the groups lose their dendrites.
          ...c, synapses: { ...c.synapses, delays: new Uint8Array(c.synapses.delays.length), ports: new Uint8Array(c.synapses.ports.length) },
          synapseGroups: c.synapseGroups.map((g) => ({ ...g, transmitThreshold: 2 ** 32 })),
          groups: c.groups.map((g) => (g.model === 'cuba' ? { ...g, current: lif(g.current ?? g.v), v: lif(g.v), dendrite: null } : g)),
        })),
      };
      expect(loadIr(writeIr(ir), 'random').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const ref = new Emulator(ir, { seed: 3, kernels: 'ts' });
      const fix = new Emulator(ir, { seed: 3, fixedWeights: true });
      const want = digestRun(ref, ir.steps);
      expect(digestRun(fix, ir.steps)).toEqual(want);
      expect(stateOf(fix)).toEqual(stateOf(ref));
      events += want.events;
      if ((fix as unknown as { fanOut: { flat: boolean } }).fanOut.flat) flat++;
    }
    expect(events).toBeGreaterThan(100);
    expect(flat).toBeGreaterThan(0);
  });

  // fan-in 120 (byte count table) and 1,300 (≈ 360 synapses per neuron and core: uint16 table, deliverFlat16)
  it.each([[120, 'Uint8Array'], [1300, 'Uint16Array']])('FanOut: flat path in JS and in WebAssembly = the per-axon path (rings and event counters), fan-in %i', (fanin, table) => {
    const N = 2500;
    const { ir } = buildCubaIr({ N, p: fanin / N, coreSize: 700, seed: 8, steps: 10 }) as { ir: DendriteIr };
    const deliveries = ir.cores.map((c) => coreDelivery(c, 1, 1));
    const weights = ir.cores.map((c) => c.synapses.weights);
    const lengths = ir.cores.map((c) => c.compartmentCount);
    const ringStart = lengths.map((_, c) => lengths.slice(0, c).reduce((a, b) => a + b, 0) + 3);
    const total = ringStart[ringStart.length - 1]! + lengths[lengths.length - 1]!;
    // Three arenas: plain (per-axon path: no arena), JS flat, WebAssembly flat (on a heap).
    const heap = new WasmHeap();
    const kernel = instantiateCuba(cubaWasmModule()!, heap.memory);
    const wasmCells = heap.float64(total + 8);
    const arenas = [new Float64Array(total), new Float64Array(total), wasmCells];
    const ringsOf = (cells: Float64Array, base: number) => lengths.map((n, c) => cells.subarray(base + ringStart[c]!, base + ringStart[c]! + n));
    const fanOuts = [
      new FanOut(ir.routing, deliveries, weights),
      new FanOut(ir.routing, deliveries, weights, { cells: arenas[1]!, ringStart }),
      new FanOut(ir.routing, deliveries, weights, {
        cells: new Float64Array(heap.memory.buffer), ringStart: ringStart.map((r) => r + wasmCells.byteOffset / 8), heap,
        deliverFlat: kernel.deliverFlat, deliverFlat16: kernel.deliverFlat16,
      }),
    ];
    expect(fanOuts.map((f) => f.flat)).toEqual([false, true, true]);
    for (const f of fanOuts.slice(1)) expect((f as unknown as { countRow: object }).countRow.constructor.name).toBe(table);
    const rings = [ringsOf(arenas[0]!, 0), ringsOf(arenas[1]!, 0), ringsOf(wasmCells, 0)];
    const counters = fanOuts.map(() => ir.cores.map(() => newCounters()));
    let r = 12345;
    for (let t = 1; t <= 20; t++) {
      const ids: number[] = [];
      for (let n = 0; n < N; n++) {
        r = (Math.imul(r, 1103515245) + 12345) >>> 0;
        if (r % 40 === 0) ids.push(n);
      }
      const list = Int32Array.from(ids);
      fanOuts.forEach((f, i) => f.deliver(list, list.length, t, 1, rings[i]!, weights, counters[i]!));
    }
    expect(counters[0]!.reduce((a, c) => a + c.synapticEvents, 0)).toBeGreaterThan(10_000);
    for (const i of [1, 2]) {
      expect(counters[i]).toEqual(counters[0]);
      expect(rings[i]!.map((x) => Array.from(x))).toEqual(rings[0]!.map((x) => Array.from(x)));
    }
  });

  it('FanOut: the uint16 count table over more than eight cores (JS and WebAssembly) = the per-axon path', () => {
    // 12 cores of 10 compartments; each of 3 neurons has one axon on every core, 300 + 17·c rows (> 255: uint16)
    const C = 12;
    const cores = Array.from({ length: C }, (_, c) => {
      const per = 300 + 17 * c;
      const n = 3 * per;
      return {
        mesh: { x: c, y: 0 }, compartmentCount: 10, axonCount: 3, groups: [],
        synapses: {
          axonOffsets: Int32Array.from([0, per, 2 * per, 3 * per]), axonGroup: new Int32Array(3),
          targets: Int32Array.from({ length: n }, (_, r) => (r * 3 + c) % 10), weights: Int32Array.from({ length: n }, (_, r) => ((r + c) % 15) - 7),
          delays: new Uint8Array(n), ports: new Uint8Array(n),
        },
        synapseGroups: [{ name: 'g', weightShift: 1, weightMin: -8, weightMax: 7, transmitThreshold: 2 ** 32, learning: null }],
      } as unknown as DendriteIr['cores'][number];
    });
    const routing = {
      offsets: Int32Array.from({ length: 4 }, (_, i) => i * C), core: Int32Array.from({ length: 3 * C }, (_, k) => k % C),
      axon: Int32Array.from({ length: 3 * C }, (_, k) => Math.floor(k / C)),
    };
    const deliveries = cores.map((c) => coreDelivery(c, 1, 1));
    const weights = cores.map((c) => c.synapses.weights);
    const heap = new WasmHeap();
    const kernel = instantiateCuba(cubaWasmModule()!, heap.memory);
    const wasmCells = heap.float64(10 * C);
    const jsCells = new Float64Array(10 * C);
    const ringStart = Array.from({ length: C }, (_, c) => 10 * c);
    const fanOuts = [
      new FanOut(routing, deliveries, weights),
      new FanOut(routing, deliveries, weights, { cells: jsCells, ringStart }),
      new FanOut(routing, deliveries, weights, {
        cells: new Float64Array(heap.memory.buffer), ringStart: ringStart.map((r) => r + wasmCells.byteOffset / 8), heap,
        deliverFlat: kernel.deliverFlat, deliverFlat16: kernel.deliverFlat16,
      }),
    ];
    expect(fanOuts.map((f) => f.flat)).toEqual([false, true, true]);
    for (const f of fanOuts.slice(1)) expect((f as unknown as { countRow: object }).countRow.constructor.name).toBe('Uint16Array');
    const ringsOf = (cells: Float64Array) => ringStart.map((r) => cells.subarray(r, r + 10));
    const rings = [ringsOf(new Float64Array(10 * C)), ringsOf(jsCells), ringsOf(wasmCells)];
    const counters = fanOuts.map(() => cores.map(() => newCounters()));
    for (const ids of [[0, 1, 2], [1], [0, 2]]) fanOuts.forEach((f, i) => f.deliver(Int32Array.from(ids), ids.length, 1, 1, rings[i]!, weights, counters[i]!));
    expect(counters[0]!.map((c) => c.synapticEvents)).toEqual(Array.from({ length: C }, (_, c) => 6 * (300 + 17 * c)));
    for (const i of [1, 2]) {
      expect(counters[i]).toEqual(counters[0]);
      expect(rings[i]!.map((x) => Array.from(x))).toEqual(rings[0]!.map((x) => Array.from(x)));
    }
  });

  it('FanOut: no flat path when a neuron has 2^16 or more synapses on one core; same results', () => {
    // one core of 10 compartments, two axons: 70,000 rows (every compartment 7,000 times) and 50 rows
    const rows = [70_000, 50];
    const core = {
      mesh: { x: 0, y: 0 }, compartmentCount: 10, axonCount: 2, groups: [],
      synapses: {
        axonOffsets: Int32Array.from([0, rows[0]!, rows[0]! + rows[1]!]), axonGroup: new Int32Array(2),
        targets: Int32Array.from({ length: rows[0]! + rows[1]! }, (_, r) => r % 10),
        weights: Int32Array.from({ length: rows[0]! + rows[1]! }, (_, r) => (r % 7) - 3),
        delays: new Uint8Array(rows[0]! + rows[1]!), ports: new Uint8Array(rows[0]! + rows[1]!),
      },
      synapseGroups: [{ name: 'g', weightShift: 0, weightMin: -8, weightMax: 7, transmitThreshold: 2 ** 32, learning: null }],
    } as unknown as DendriteIr['cores'][number];
    const routing = { offsets: Int32Array.from([0, 1, 2]), core: new Int32Array(2), axon: Int32Array.from([0, 1]) };
    const deliveries = [coreDelivery(core, 1, 1)];
    const weights = [core.synapses.weights];
    const cells = new Float64Array(10);
    const flat = new FanOut(routing, deliveries, weights, { cells, ringStart: [0] });
    const plain = new FanOut(routing, deliveries, null);
    expect(flat.flat).toBe(false);
    const ringsA = [cells];
    const ringsB = [new Float64Array(10)];
    const ca = [newCounters()];
    const cb = [newCounters()];
    const ids = Int32Array.from([0, 1]);
    flat.deliver(ids, ids.length, 1, 1, ringsA, weights, ca);
    plain.deliver(ids, ids.length, 1, 1, ringsB, weights, cb);
    expect(ca).toEqual(cb);
    expect(ca[0]!.synapticEvents).toBe(70_050);
    expect(Array.from(ringsA[0]!)).toEqual(Array.from(ringsB[0]!));
  });

  it('rejects fixedWeights together with a learning engine', () => {
    const ir = randomIr(2, { models: ['cuba'], steps: 5, random: false });
    expect(() => new Emulator(ir, { fixedWeights: true, learning: { onStep() {} } as never })).toThrow(/fixedWeights/);
  });
});
