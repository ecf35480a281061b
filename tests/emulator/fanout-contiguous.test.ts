/**
 * FanOut's contiguous-run path (a route whose ring cells are consecutive and in one ring slot adds a run of weights
 * to a run of cells) = `deliverAxon`, the per-synapse loop. The synthetic cores mix rows that are contiguous within
 * one (delay, port) block, rows whose cells are consecutive numbers but cross into the next port or the next delay
 * slot (which must not take the run path: the slot of t + 1 + delay wraps around the ring per slot), and scattered
 * rows; weights are live (read from the core's array) or fixed (copied), with weight shifts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coreDelivery, deliverAxon, FanOut, type CoreDelivery } from '../../emulator/delivery.js';
import { ALWAYS } from '../../emulator/prng.js';
import { newCounters } from '../../emulator/state.js';
import type { Core } from '../../ir/types.js';

type RowKind = 'run' | 'cross-port' | 'cross-slot' | 'scattered';

interface Synthetic {
  readonly cores: Core[];
  readonly routing: { offsets: Int32Array; core: Int32Array; axon: Int32Array };
  readonly neurons: number;
}

/**
 * Cores of n compartments, `ports` ports, `slots` ring slots; one axon per (neuron, core). Rows are made as ring-cell
 * sequences, cell = (delay · ports + port) · n + target: a run inside one (delay, port) block, a consecutive sequence
 * from one port into the next (same slot: a valid run), one from the last port of a delay into the next delay (two
 * slots), or scattered cells.
 */
function synthetic(seed: number, n: number, ports: number, slots: number, kinds: readonly RowKind[]): Synthetic {
  let s = seed >>> 0;
  const rnd = (k: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const coresN = 1 + rnd(3);
  const neurons = 2 + rnd(6);
  const slotSize = ports * n;
  const cores: Core[] = [];
  for (let c = 0; c < coresN; c++) {
    const cells: number[] = [];
    const offsets = [0];
    for (let a = 0; a < neurons; a++) {
      const kind = kinds[rnd(kinds.length)]!;
      const block = rnd(slots * ports); // (delay, port) block
      if (kind === 'run') {
        const start = rnd(n);
        const len = 1 + rnd(n - start);
        for (let j = 0; j < len; j++) cells.push(block * n + start + j);
      } else if (kind === 'cross-port' && ports > 1) {
        const d = rnd(slots);
        const p = rnd(ports - 1);
        const c0 = (d * ports + p) * n + n - 1 - rnd(n); // ends in port p + 1 of the same delay
        for (let j = 0; j < n + 1; j++) cells.push(Math.min(c0 + j, (d * ports + p + 2) * n - 1));
      } else if (kind === 'cross-slot' && slots > 1) {
        const d = rnd(slots - 1);
        const c0 = (d + 1) * slotSize - 1 - rnd(n); // from delay d's last port into delay d + 1
        for (let j = 0; j < n + 1; j++) cells.push(c0 + j);
      } else {
        const len = 1 + rnd(n);
        for (let j = 0; j < len; j++) cells.push(rnd(slots * slotSize));
      }
      offsets.push(cells.length);
    }
    const rows = cells.length;
    cores.push({
      mesh: { x: c, y: 0 }, compartmentCount: n, axonCount: neurons, groups: [],
      synapses: {
        axonOffsets: Int32Array.from(offsets), axonGroup: Int32Array.from({ length: neurons }, (_, a) => a % 2),
        targets: Int32Array.from(cells, (x) => x % n), weights: Int32Array.from({ length: rows }, () => rnd(511) - 255),
        delays: Uint8Array.from(cells, (x) => Math.floor(x / slotSize)), ports: Uint8Array.from(cells, (x) => Math.floor(x / n) % ports),
      },
      synapseGroups: [
        { name: 'g0', weightShift: 0, weightMin: -256, weightMax: 255, transmitThreshold: ALWAYS, learning: null },
        { name: 'g1', weightShift: 3, weightMin: -256, weightMax: 255, transmitThreshold: ALWAYS, learning: null },
      ],
    } as Core);
  }
  // every neuron has one route into every core, on its own axon there
  const offsets = Int32Array.from({ length: neurons + 1 }, (_, i) => i * coresN);
  const core = Int32Array.from({ length: neurons * coresN }, (_, k) => k % coresN);
  const axon = Int32Array.from({ length: neurons * coresN }, (_, k) => Math.floor(k / coresN));
  return { cores, routing: { offsets, core, axon }, neurons };
}

describe('FanOut contiguous runs', () => {
  it('rings and event counts equal deliverAxon (live and fixed weights, delays, ports, runs that cross a port or slot)', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.nat(1 << 30), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), (seed, n, ports, slots) => {
        const syn = synthetic(seed, n, ports, slots, ['run', 'run', 'cross-port', 'cross-slot', 'scattered']);
        const deliveries: CoreDelivery[] = syn.cores.map((c) => coreDelivery(c, slots, ports));
        const weights = syn.cores.map((c) => c.synapses.weights.slice());
        for (const fixed of [false, true]) {
          const fan = new FanOut(syn.routing, deliveries, fixed ? weights : null);
          runs += (fan as unknown as { contiguous: Uint8Array }).contiguous.reduce((a, b) => a + b, 0);
          const ringsA = deliveries.map((d) => new Float64Array(d.ringSize));
          const ringsB = deliveries.map((d) => new Float64Array(d.ringSize));
          const ctrA = deliveries.map(() => newCounters());
          const ctrB = deliveries.map(() => newCounters());
          for (let t = 0; t < 2 * slots + 1; t++) {
            const ids = Int32Array.from({ length: syn.neurons }, (_, i) => i).filter((i) => (i + t + seed) % 3 !== 0);
            fan.deliver(ids, ids.length, t, 1, ringsA, weights, ctrA);
            for (const id of ids) {
              for (let k = syn.routing.offsets[id]!; k < syn.routing.offsets[id + 1]!; k++) {
                const c = syn.routing.core[k]!;
                deliverAxon(deliveries[c]!, ringsB[c]!, weights[c]!, syn.routing.axon[k]!, t, 1, c, ctrB[c]!);
              }
            }
            ringsA.forEach((r, c) => expect(Array.from(r), `t=${t} core ${c} fixed=${fixed}`).toEqual(Array.from(ringsB[c]!)));
            // clear the slot integrate would consume next, as the emulator does
            for (const [c, d] of deliveries.entries()) {
              const b = ((t + 1) % d.ringSlots) * d.slotSize;
              ringsA[c]!.fill(0, b, b + d.slotSize);
              ringsB[c]!.fill(0, b, b + d.slotSize);
            }
          }
          ctrA.forEach((c, i) => expect(c.synapticEvents).toBe(ctrB[i]!.synapticEvents));
        }
      }),
      { numRuns: 150 },
    );
    expect(runs).toBeGreaterThan(100); // the run path was taken
  });

  it('a consecutive row is one run iff its cells lie in one ring slot (crossing a port is fine, a delay is not)', () => {
    let crossing = 0;
    let portRuns = 0;
    for (let seed = 1; seed < 40; seed++) {
      const syn = synthetic(seed, 4, 2, 3, ['cross-slot', 'cross-port']);
      const deliveries = syn.cores.map((c) => coreDelivery(c, 3, 2));
      const fan = new FanOut(syn.routing, deliveries, null) as unknown as { contiguous: Uint8Array; rec: Int32Array; cellOf: Int32Array; cell: Int32Array };
      for (let k = 0; k < fan.contiguous.length; k++) {
        const cells = Array.from(fan.cell.subarray(fan.cellOf[k]!, fan.cellOf[k + 1]!));
        const consecutive = cells.every((x, j) => x === cells[0]! + j);
        const slotsOf = new Set(cells.map((x) => Math.floor(x / deliveries[fan.rec[4 * k]!]!.slotSize))).size;
        expect(fan.contiguous[k], `record ${k} cells ${cells}`).toBe(consecutive && slotsOf === 1 ? 1 : 0);
        if (consecutive && slotsOf > 1) crossing++;
        if (consecutive && slotsOf === 1 && new Set(cells.map((x) => Math.floor(x / 4))).size > 1) portRuns++;
      }
    }
    expect(crossing).toBeGreaterThan(5);
    expect(portRuns).toBeGreaterThan(5);
  });
});
