/**
 * Synaptic delivery (phase 3 of a step) in the form the hot loop reads, shared by the single-thread `Emulator`
 * and the parallel runner (emulator/parallel/thread-share.ts).
 *
 * The rule (emulator.ts): a spike of step t on axon a puts, for every synapse r of a's rows that survives
 * blank-out, w[r] · 2^weightShift into ring[((t + 1 + delay[r]) mod R · P + port[r]) · n + target[r]].
 * Everything in that index but t is constant, so it is computed once per synapse as a cell offset from the start
 * of the slot of step t + 1: cell[r] = (delay[r] · P + port[r]) · n + target[r]. Since 0 ≤ (t + 1) mod R ≤ R − 1
 * and delay ≤ R − 1, base + cell[r] is below twice the ring's length, and one subtraction replaces the modulo.
 * A ring cell holds an exact integer sum, so the order of delivery is free (emulator.ts, docs/emulator.md).
 */
import type { Core } from '../ir/types.js';
import { ALWAYS, drawPrefix, drawWithStreamKey, STREAM_BLANKOUT, streamKey } from './prng.js';
import type { CoreCounters } from './state.js';
import type { WasmHeap } from './kernels/wasm/heap.js';
import { runDeliverFlat } from './kernels/wasm/cuba-wasm.js';
import { BULK_DRAWS, runBlankout, runBlankoutRow, type DrawKernel } from './kernels/wasm/draws-wasm.js';

/** The rings' arena for `FanOut`'s flat path, and optionally the WebAssembly heap and delivery loop it lives in. */
export interface RingArena {
  /** One Float64Array over the memory holding every core's ring. */
  readonly cells: Float64Array;
  /** Each core's ring start in `cells`. */
  readonly ringStart: readonly number[];
  /** With both: the flat tables go on this heap and `deliverFlat` (kernels/wasm/assembly/deliver.ts) runs them. */
  readonly heap?: WasmHeap;
  readonly deliverFlat?: (ids: number, count: number, flatOf: number, pairs: number, row: number, stride: number, events: number) => void;
  /** `deliverFlat` with a uint16 count table (kernels/wasm/assembly/deliver.ts `deliverFlat16`). */
  readonly deliverFlat16?: RingArena['deliverFlat'];
}

/** One core's synapse table prepared for delivery (static: built once from the IR; weights stay separate). */
export interface CoreDelivery {
  /**
   * Per axon a: axonRow[2a] = its first synapse, axonRow[2a + 1] = its synapse group, and axonRow[2a + 2] = the
   * first synapse of the next axon (the end of a's rows). Interleaved so that one route reads one cache line
   * instead of three arrays — on large networks most routes are a cache miss (64k CUBA: ~63 routes per spike of
   * ~1.3 synapses each).
   */
  readonly axonRow: Int32Array;
  /** Per synapse: ring offset from the start of the slot of step t + 1 (see the file comment). */
  readonly cell: Int32Array;
  /**
   * Per axon: 1 if its rows' ring cells are consecutive and within one ring slot (a dense projection: targets in
   * order, one delay and port), so delivery adds a run of weights to a run of cells — no cell lookup or wrap test
   * per synapse; the run wraps as a whole (a slot's start and the ring size are multiples of the slot size).
   */
  readonly contiguous: Uint8Array;
  /** Per synapse group: 2^weightShift, and the blank-out threshold (≥ ALWAYS: no draw). */
  readonly groupScale: Float64Array;
  readonly groupThreshold: Float64Array;
  /** Ring cells per slot (ports · compartments) and in the whole ring (slots · ports · compartments). */
  readonly slotSize: number;
  readonly ringSize: number;
  readonly ringSlots: number;
}

/** Builds a core's delivery table; `ringSlots` and `ports` as in its `CoreRuntime`. */
export function coreDelivery(core: Core, ringSlots: number, ports: number): CoreDelivery {
  const n = core.compartmentCount;
  const slotSize = ports * n;
  const sgs = core.synapseGroups;
  const axonRow = axonRows(core.synapses.axonOffsets, core.synapses.axonGroup);
  const cell = synapseCells(core, ports);
  return {
    axonRow, cell, contiguous: contiguousAxons(axonRow, cell, slotSize), slotSize, ringSize: ringSlots * slotSize, ringSlots,
    groupScale: Float64Array.from(sgs, (g) => 2 ** g.weightShift),
    groupThreshold: Float64Array.from(sgs, (g) => g.transmitThreshold),
  };
}

// Set-up loops over every synapse, route or neuron live in functions of their own with nothing after the loop but
// a return: V8 compiles a long loop on-stack (OSR) and reuses that code for later calls, and code after the loop
// that had no type feedback when it was compiled made every later emulator's set-up bail out and recompile the
// whole constructor (≈ 30 ms of compiler time per emulator, on the CPUs the step loop needs; `--trace-opt`,
// docs/performance.md, eighth pass).

/** Ring-slot offset of each synapse: (delay · ports + port) · compartments + target. */
function synapseCells(core: Core, ports: number): Int32Array {
  const { targets, delays, ports: port } = core.synapses;
  const n = core.compartmentCount;
  const cell = new Int32Array(targets.length);
  for (let r = 0; r < targets.length; r++) cell[r] = (delays[r]! * ports + port[r]!) * n + targets[r]!;
  return cell;
}

/** `CoreDelivery.contiguous`: per axon, consecutive cells within one slot (an empty axon is not a run). */
function contiguousAxons(axonRow: Int32Array, cell: Int32Array, slotSize: number): Uint8Array {
  const axons = (axonRow.length - 1) >> 1;
  const out = new Uint8Array(axons);
  for (let a = 0; a < axons; a++) {
    const r0 = axonRow[2 * a]!;
    const r1 = axonRow[2 * a + 2]!;
    let run = r1 > r0 ? 1 : 0;
    for (let r = r0 + 1; r < r1 && run === 1; r++) if (cell[r] !== cell[r0]! + (r - r0)) run = 0;
    // one ring slot: the first and last cell in the same slot (then every cell between is)
    if (run === 1 && Math.floor(cell[r0]! / slotSize) !== Math.floor(cell[r1 - 1]! / slotSize)) run = 0;
    out[a] = run;
  }
  return out;
}

/** `CoreDelivery.axonRow` from the CSR offsets and per-axon groups. */
function axonRows(axonOffsets: Int32Array, axonGroup: Int32Array): Int32Array {
  const axons = axonGroup.length;
  const axonRow = new Int32Array(2 * axons + 1);
  axonRow[2 * axons] = axonOffsets[axons]!;
  for (let a = 0; a < axons; a++) {
    axonRow[2 * a] = axonOffsets[a]!;
    axonRow[2 * a + 1] = axonGroup[a]!;
  }
  return axonRow;
}

/**
 * Delivers one spike of step t on axon `a` of a core into its ring, and counts the synaptic events and blanked-out
 * synapses on that core's counters. `core` is the core's index (the blank-out key). Specialised loops: no
 * blank-out draw and no delay (one slot; no modulo), no draw with delays (one compare per synapse instead of a
 * modulo), and the blank-out loop with the key words (seed, t, core) mixed once (prng.ts `drawPrefix`; same bits as
 * `prng.draw`).
 */
export function deliverAxon(
  d: CoreDelivery,
  ring: Float64Array,
  w: Int32Array,
  a: number,
  t: number,
  seed: number,
  core: number,
  counters: CoreCounters,
  /** The group's blank-out threshold (default: from the table); ALWAYS forces the no-draw loop. */
  threshold?: number,
  /**
   * The blank-out test of rows of BULK_DRAWS synapses or more in WebAssembly; null: all here. A kernel with `row`
   * (`heapDrawKernel`) requires `ring` and `w` to be views on its heap.
   */
  bulk: DrawKernel | null = null,
): void {
  const row = d.axonRow;
  const r0 = row[2 * a]!;
  const gi = row[2 * a + 1]!;
  const r1 = row[2 * a + 2]!;
  const cell = d.cell;
  const scale = d.groupScale[gi]!;
  const thr = threshold ?? d.groupThreshold[gi]!;
  if (thr >= ALWAYS) {
    if (d.ringSlots === 1) {
      for (let r = r0; r < r1; r++) ring[cell[r]!] += w[r]! * scale;
    } else {
      const size = d.ringSize;
      const base = ((t + 1) % d.ringSlots) * d.slotSize;
      for (let r = r0; r < r1; r++) {
        let i = base + cell[r]!;
        if (i >= size) i -= size;
        ring[i] += w[r]! * scale;
      }
    }
    counters.synapticEvents += r1 - r0;
    return;
  }
  if (!(thr > 0)) {
    counters.blankedOut += r1 - r0;
    return;
  }
  // A uint32 draw x passes iff x < thr ⟺ x < ⌈thr⌉; from ⌈thr⌉ = 2^32 on every draw passes.
  const thrC = Math.ceil(thr);
  if (thrC >= ALWAYS) {
    deliverAxon(d, ring, w, a, t, seed, core, counters, ALWAYS);
    return;
  }
  const size = d.ringSize;
  const base = ((t + 1) % d.ringSlots) * d.slotSize;
  const prefix = drawPrefix(seed, t, core);
  // Branch-free: with p = 60 % the pass/fail branch is unpredictable, a mispredict per synapse cost more than the
  // draw. Biased by 2^31 both sides are int32 and x < thr is the sign of the exact difference, taken with the
  // overflow correction of Hacker's Delight's comparison predicates; a blanked synapse adds w · 0 (+0 or −0, which leaves every
  // sum unchanged: ring cells are never −0) to its cell.
  const tb = (thrC - 2147483648) | 0;
  let sent = 0;
  if (bulk !== null && r1 - r0 >= BULK_DRAWS && bulk.row !== null && d.contiguous[a] !== 0) {
    // a dense row, with the ring and weights on the kernel's heap: the draws, the test and the adds in WebAssembly
    let i0 = base + cell[r0]!;
    if (i0 >= size) i0 -= size; // one slot: the row wraps as a whole
    sent = runBlankoutRow(bulk, prefix, r0, r1 - r0, BLANKOUT_KEY, tb, ring.byteOffset + 8 * i0, w.byteOffset + 4 * r0, scale);
  } else if (bulk !== null && r1 - r0 >= BULK_DRAWS) {
    // the same draws and test in WebAssembly, which lists the transmitting synapses: only those are added
    const pass = bulk.out;
    for (let q = r0; q < r1; q += bulk.capacity) {
      const m = runBlankout(bulk, prefix, q, Math.min(r1 - q, bulk.capacity), BLANKOUT_KEY, tb);
      for (let k = 0; k < m; k++) {
        const r = q + pass[k]!;
        let i = base + cell[r]!;
        if (i >= size) i -= size;
        ring[i] += w[r]! * scale;
      }
      sent += m;
    }
  } else {
    for (let r = r0; r < r1; r++) {
      const x = drawWithStreamKey(prefix, r, BLANKOUT_KEY) ^ -2147483648;
      const df = (x - tb) | 0;
      const pass = (df ^ ((x ^ tb) & (df ^ x))) >>> 31;
      let i = base + cell[r]!;
      if (i >= size) i -= size;
      ring[i] += w[r]! * pass * scale;
      sent += pass;
    }
  }
  counters.synapticEvents += sent;
  counters.blankedOut += r1 - r0 - sent;
}

/** `streamKey(STREAM_BLANKOUT)`, once. */
const BLANKOUT_KEY = streamKey(STREAM_BLANKOUT);

/** Σ over a neuron's routes of the mesh distance between its core and the target core, per global neuron id. */
export function hopsPerNeuron(
  offsets: Int32Array,
  routeCore: Int32Array,
  neuronCore: Int32Array,
  meshes: readonly { readonly x: number; readonly y: number }[],
): Float64Array {
  const hops = new Float64Array(neuronCore.length);
  for (let id = 0; id < neuronCore.length; id++) {
    const from = neuronCore[id]!;
    if (from < 0) continue; // host sources travel no mesh hops
    const f = meshes[from]!;
    let h = 0;
    for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
      const to = meshes[routeCore[k]!]!;
      h += Math.abs(f.x - to.x) + Math.abs(f.y - to.y);
    }
    hops[id] = h;
  }
  return hops;
}

/**
 * All routes of every neuron in neuron order, for delivering a step's spikes without a cache miss per route.
 *
 * On large networks a spike fans out over many cores with a few synapses each (64k CUBA: ≈ 63 routes of ≈ 1.3
 * synapses per spike); `deliverAxon` then starts each route with a chain of dependent misses (axon record →
 * cell → ring). Here a neuron's routes are consecutive records (core, first synapse, number of synapses,
 * synapse group) and their ring cells a consecutive copy of the cores' `cell` entries, so a spike reads two
 * sequential streams; the only scattered reads left are the weights (live: learning and the host may rewrite
 * them), whose addresses are known up front so their misses overlap. Routes with a blank-out draw keep
 * `deliverAxon`. Same ring sums and counters as `deliverAxon` (a ring cell holds an exact integer sum, so the
 * order of delivery is free).
 */
export class FanOut {
  /** Per neuron: its first record; routeOf[n + 1] = the end. */
  private readonly routeOf: Int32Array;
  /** Per record (stride 4): core, first synapse r0, axon, synapse group. */
  private readonly rec: Int32Array;
  /** Per record: its first ring-cell entry; cellOf[k + 1] = the end (entries of all records are consecutive). */
  private readonly cellOf: Int32Array;
  /** Ring cell of each entry (= delivery[core].cell[r0 + j]). */
  private readonly cell: Int32Array;
  /** Per core, refreshed per step: offset of the slot of t + 1, ring size; events of this call. */
  private readonly base: Int32Array;
  private readonly events: Float64Array;
  /** Per record: 1 if its group has a blank-out draw (delivered by `deliverAxon`). */
  private readonly draws: Uint8Array;
  /** Per record: its axon's `CoreDelivery.contiguous`. */
  private readonly contiguous: Uint8Array;
  /**
   * With fixed weights: the weight of each entry (a neuron-major copy, read sequentially), else null (the
   * cores' live weight arrays are read).
   */
  private readonly weight: Int32Array | null;

  /**
   * `delivery[c]` is core c's table, or null for a core this table does not deliver into (the parallel runner:
   * cores of other threads); routes into such cores are left out.
   */
  constructor(
    routing: { readonly offsets: Int32Array; readonly core: Int32Array; readonly axon: Int32Array },
    private readonly delivery: readonly (CoreDelivery | null)[],
    /** Copy these per-core weights into the table (the caller promises they never change); null: read live. */
    fixedWeights: readonly (Int32Array | null)[] | null = null,
    /** The rings' arena (the WebAssembly heap); enables the flat path (see `flat`). null: per-core rings only. */
    arena: RingArena | null = null,
    /** The blank-out test of long rows in WebAssembly (`deliverAxon`'s `bulk`); null: in TypeScript. */
    private readonly blankout: DrawKernel | null = null,
  ) {
    const neurons = routing.offsets.length - 1;
    const routes = countRoutes(routing.core, delivery);
    const cells = countCells(routing.core, routing.axon, delivery);
    const t: RouteTables = {
      routeOf: new Int32Array(neurons + 1), rec: new Int32Array(4 * routes), cellOf: new Int32Array(routes + 1),
      cell: new Int32Array(cells), draws: new Uint8Array(routes), contiguous: new Uint8Array(routes),
      weight: fixedWeights !== null ? new Int32Array(cells) : null,
    };
    fillRoutes(routing, delivery, fixedWeights, t);
    t.routeOf[neurons] = routes;
    t.cellOf[routes] = cells;
    this.routeOf = t.routeOf;
    this.rec = t.rec;
    this.cellOf = t.cellOf;
    this.cell = t.cell;
    this.draws = t.draws;
    this.contiguous = t.contiguous;
    this.weight = t.weight;
    this.base = new Int32Array(2 * delivery.length);
    this.events = new Float64Array(delivery.length);
    // The flat path: fixed weights, no blank-out draw, no delays (one ring slot), all rings in one arena, and every
    // (neuron, core) synapse count below 2^16. A spike then reads one sequential run of int32 pairs (arena cell,
    // contribution weight · 2^shift — an int32, checked when the IR is loaded) and, for the per-core event
    // counters, one row of a dense neuron × core table of synapse counts (bytes, or uint16 when some count is
    // above 255 — fan-in 1,000 on four cores; rows padded to 16 cores).
    const C = delivery.length;
    const stride = Math.ceil(C / 16) * 16;
    const flat = arena !== null && this.weight !== null && this.draws.every((x) => x === 0) &&
      delivery.every((d) => d === null || d.ringSlots === 1) && neurons * stride <= 2 ** 28;
    // the largest (neuron, core) synapse count (a neuron may have several axons on one core)
    const most = flat ? maxCount(this.routeOf, this.rec, this.cellOf, C) : 0;
    if (flat && most < 2 ** 16) {
      const wide = most > 255;
      const heap = arena.deliverFlat !== undefined && (!wide || arena.deliverFlat16 !== undefined) ? arena.heap ?? null : null;
      this.arena = arena.cells;
      this.stride = stride;
      this.flatOf = heap !== null ? heap.int32(neurons + 1) : new Int32Array(neurons + 1);
      this.flatPairs = heap !== null ? heap.int32(2 * cells) : new Int32Array(2 * cells);
      this.countRow = wide
        ? (heap !== null ? heap.uint16(neurons * stride) : new Uint16Array(neurons * stride))
        : (heap !== null ? heap.uint8(neurons * stride) : new Uint8Array(neurons * stride));
      if (heap !== null) {
        this.wasm = {
          run: wide ? arena.deliverFlat16! : arena.deliverFlat!, ids: heap.int32(Math.max(ids32(routing), 1)), events: heap.int32(stride),
        };
      }
      fillFlat(t, delivery, arena.ringStart, this.flatOf, this.flatPairs, this.countRow, stride);
      this.flatOf[neurons] = 2 * cells;
    }
  }

  /**
   * Flat path (see the constructor), else null: the arena; per neuron its first pair, the pairs; the dense
   * neuron × core synapse counts (row stride `stride`); with WebAssembly, the loop and its id and event buffers.
   */
  private readonly arena: Float64Array | null = null;
  private readonly flatOf: Int32Array | null = null;
  private readonly flatPairs: Int32Array | null = null;
  private readonly countRow: Uint8Array | Uint16Array | null = null;
  private readonly stride: number = 0;
  private readonly wasm: { readonly run: NonNullable<RingArena['deliverFlat']>; readonly ids: Int32Array; readonly events: Int32Array } | null = null;

  /** True iff `deliver` takes the flat path. */
  get flat(): boolean {
    return this.arena !== null;
  }

  /**
   * Delivers the spikes ids[0..count) of step t into the rings (per core; only cores with a delivery table are
   * touched) and adds the synaptic events (and blanked-out synapses) to each core's counters.
   */
  deliver(
    ids: Int32Array,
    count: number,
    t: number,
    seed: number,
    rings: readonly Float64Array[],
    weights: readonly Int32Array[],
    counters: readonly CoreCounters[],
  ): void {
    const delivery = this.delivery;
    const base = this.base;
    const events = this.events;
    for (let c = 0; c < delivery.length; c++) {
      const d = delivery[c];
      if (!d) continue;
      base[2 * c] = ((t + 1) % d.ringSlots) * d.slotSize;
      base[2 * c + 1] = d.ringSize;
      events[c] = 0;
    }
    const { routeOf, rec, cellOf, cell, draws, contiguous } = this;
    if (this.arena !== null) {
      this.deliverFlat(ids, count, counters);
      return;
    }
    const fixed = this.weight;
    for (let s = 0; s < count; s++) {
      const id = ids[s]!;
      const k1 = routeOf[id + 1]!;
      for (let k = routeOf[id]!; k < k1; k++) {
        const c = rec[4 * k]!;
        if (draws[k] !== 0) {
          deliverAxon(delivery[c]!, rings[c]!, weights[c]!, rec[4 * k + 2]!, t, seed, c, counters[c]!, undefined, this.blankout);
          continue;
        }
        const r0 = rec[4 * k + 1]!;
        const e0 = cellOf[k]!;
        const e1 = cellOf[k + 1]!;
        const scale = delivery[c]!.groupScale[rec[4 * k + 3]!]!;
        const ring = rings[c]!;
        const b = base[2 * c]!;
        const size = base[2 * c + 1]!;
        if (contiguous[k] !== 0) {
          // one slot: the run wraps as a whole (b and the ring size are multiples of the slot size)
          let i0 = b + cell[e0]!;
          if (i0 >= size) i0 -= size;
          const n = e1 - e0;
          if (fixed !== null) {
            for (let j = 0; j < n; j++) ring[i0 + j] += fixed[e0 + j]! * scale;
          } else {
            const w = weights[c]!;
            let j = 0;
            for (; j + 4 <= n; j += 4) {
              const a = i0 + j;
              const r = r0 + j;
              ring[a] += w[r]! * scale;
              ring[a + 1] += w[r + 1]! * scale;
              ring[a + 2] += w[r + 2]! * scale;
              ring[a + 3] += w[r + 3]! * scale;
            }
            for (; j < n; j++) ring[i0 + j] += w[r0 + j]! * scale;
          }
        } else if (fixed !== null) {
          for (let e = e0; e < e1; e++) {
            let i = b + cell[e]!;
            if (i >= size) i -= size;
            ring[i] += fixed[e]! * scale;
          }
        } else {
          const w = weights[c]!;
          const dr = r0 - e0;
          for (let e = e0; e < e1; e++) {
            let i = b + cell[e]!;
            if (i >= size) i -= size;
            ring[i] += w[e + dr]! * scale;
          }
        }
        events[c] += e1 - e0;
      }
    }
    for (let c = 0; c < delivery.length; c++) if (delivery[c]) counters[c]!.synapticEvents += events[c]!;
  }

  /** The flat path: per spike its row of counts, then one scan over its pairs (in WebAssembly when bound). */
  private deliverFlat(ids: Int32Array, count: number, counters: readonly CoreCounters[]): void {
    const C = this.events.length;
    const wasm = this.wasm;
    if (wasm !== null) {
      for (let s = 0; s < count; s++) wasm.ids[s] = ids[s]!;
      runDeliverFlat(wasm.run, wasm.ids.byteOffset, count, this.flatOf!.byteOffset, this.flatPairs!.byteOffset, this.countRow!.byteOffset,
        this.stride, wasm.events.byteOffset);
      const ev = wasm.events;
      for (let c = 0; c < C; c++) if (this.delivery[c]) counters[c]!.synapticEvents += ev[c]!;
      return;
    }
    const events = this.events;
    const arena = this.arena!;
    const flatOf = this.flatOf!;
    const pairs = this.flatPairs!;
    const row = this.countRow!;
    const stride = this.stride;
    events.fill(0);
    for (let s = 0; s < count; s++) {
      const id = ids[s]!;
      for (let c = 0, b = id * stride; c < C; c++) events[c] += row[b + c]!;
      const end = flatOf[id + 1]!;
      for (let w = flatOf[id]!; w < end; w += 2) arena[pairs[w]!] += pairs[w + 1]!;
    }
    for (let c = 0; c < C; c++) if (this.delivery[c]) counters[c]!.synapticEvents += events[c]!;
  }
}

/** `FanOut`'s route tables (see its fields). */
interface RouteTables {
  readonly routeOf: Int32Array;
  readonly rec: Int32Array;
  readonly cellOf: Int32Array;
  readonly cell: Int32Array;
  readonly draws: Uint8Array;
  readonly contiguous: Uint8Array;
  readonly weight: Int32Array | null;
}

/** Routes of `routing` that end in a core with a delivery table. */
function countRoutes(rCore: Int32Array, delivery: readonly (CoreDelivery | null)[]): number {
  let routes = 0;
  for (let k = 0; k < rCore.length; k++) if (delivery[rCore[k]!]) routes++;
  return routes;
}

/** Synapses on those routes. */
function countCells(rCore: Int32Array, rAxon: Int32Array, delivery: readonly (CoreDelivery | null)[]): number {
  let cells = 0;
  for (let k = 0; k < rCore.length; k++) {
    const d = delivery[rCore[k]!];
    if (d) cells += d.axonRow[2 * rAxon[k]! + 2]! - d.axonRow[2 * rAxon[k]!]!;
  }
  return cells;
}

/** The route tables of a `FanOut` (all but the end markers), in neuron order. */
function fillRoutes(
  routing: { readonly offsets: Int32Array; readonly core: Int32Array; readonly axon: Int32Array },
  delivery: readonly (CoreDelivery | null)[],
  fixedWeights: readonly (Int32Array | null)[] | null,
  t: RouteTables,
): void {
  const { offsets, core: rCore, axon: rAxon } = routing;
  const { routeOf, rec, cellOf, cell, draws, contiguous, weight } = t;
  const neurons = offsets.length - 1;
  let m = 0;
  let e = 0;
  for (let n = 0; n < neurons; n++) {
    routeOf[n] = m;
    for (let k = offsets[n]!; k < offsets[n + 1]!; k++) {
      const c = rCore[k]!;
      const d = delivery[c];
      if (!d) continue;
      const a = rAxon[k]!;
      const r0 = d.axonRow[2 * a]!;
      const r1 = d.axonRow[2 * a + 2]!;
      const gi = d.axonRow[2 * a + 1]!;
      rec[4 * m] = c;
      rec[4 * m + 1] = r0;
      rec[4 * m + 2] = a;
      rec[4 * m + 3] = gi;
      draws[m] = d.groupThreshold[gi]! >= ALWAYS ? 0 : 1;
      cellOf[m] = e;
      const w = weight !== null ? fixedWeights![c]! : null;
      for (let r = r0; r < r1; r++, e++) {
        cell[e] = d.cell[r]!;
        if (w !== null) weight![e] = w[r]!;
      }
      contiguous[m] = d.contiguous[a]!;
      m++;
    }
  }
}

/** The largest number of synapses a neuron has on one core (the flat path's table of counts holds these). */
function maxCount(routeOf: Int32Array, rec: Int32Array, cellOf: Int32Array, cores: number): number {
  const sum = new Int32Array(cores);
  const neurons = routeOf.length - 1;
  let most = 0;
  for (let n = 0; n < neurons; n++) {
    for (let k = routeOf[n]!; k < routeOf[n + 1]!; k++) {
      const c = rec[4 * k]!;
      sum[c]! += cellOf[k + 1]! - cellOf[k]!;
      if (sum[c]! > most) most = sum[c]!;
    }
    for (let k = routeOf[n]!; k < routeOf[n + 1]!; k++) sum[rec[4 * k]!] = 0;
  }
  return most;
}

/** The flat path's tables (all but flatOf's end marker): per neuron its (arena cell, contribution) pairs and counts. */
function fillFlat(
  t: RouteTables,
  delivery: readonly (CoreDelivery | null)[],
  ringStart: readonly number[],
  flatOf: Int32Array,
  flatPairs: Int32Array,
  countRow: Uint8Array | Uint16Array,
  stride: number,
): void {
  const { routeOf, rec, cellOf, cell } = t;
  const weight = t.weight!;
  const neurons = routeOf.length - 1;
  let w = 0;
  for (let n = 0; n < neurons; n++) {
    flatOf[n] = w;
    for (let k = routeOf[n]!; k < routeOf[n + 1]!; k++) {
      const c = rec[4 * k]!;
      const start = ringStart[c]!;
      const scale = delivery[c]!.groupScale[rec[4 * k + 3]!]!;
      countRow[n * stride + c]! += cellOf[k + 1]! - cellOf[k]!;
      for (let x = cellOf[k]!; x < cellOf[k + 1]!; x++) {
        flatPairs[w++] = start + cell[x]!;
        flatPairs[w++] = weight[x]! * scale;
      }
    }
  }
}

/** Neurons of a routing table (a step delivers at most this many spikes per call). */
function ids32(routing: { readonly offsets: Int32Array }): number {
  return routing.offsets.length - 1;
}
