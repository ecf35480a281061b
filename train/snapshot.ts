/**
 * Snapshot and restore of every piece of the emulator's mutable state, so a checkpointed run continues
 * bit-identically: compartment state arrays (including refractory counters `ref`), delay rings, weights,
 * counters, the step counter, the spikes of the last step, and the sources' run-time state (spike-list cursor,
 * Poisson thresholds and refractory counters, active label). The PRNG is counter-based (emulator/prng.ts: every
 * draw is a pure function of (seed, step, core, index, stream)), so the step counter is all of its state.
 *
 * The sources' run-time state is a private field of `Emulator` (`srcRt`); it is read here through TypeScript's
 * element-access escape hatch, which is still type-checked, so a rename in emulator.ts breaks this file at compile
 * time rather than silently.
 */
import { endianness } from 'node:os';
import type { Emulator } from '../emulator/emulator.js';
import type { CoreCounters } from '../emulator/state.js';

export interface SourceSnapshot {
  readonly cursor: number;
  readonly rate: Float64Array;
  readonly ref: Int32Array;
  readonly label: number;
}

export interface CoreSnapshot {
  /** Per compartment group, its named state arrays (copies). */
  readonly groups: readonly Record<string, Int32Array>[];
  readonly ring: Float64Array;
  readonly weights: Int32Array;
  readonly counters: CoreCounters;
}

export interface EmulatorSnapshot {
  readonly t: number;
  /** Global ids that spiked at step t (the emulator clears their `spiked` flags at the next step). */
  readonly spikes: Int32Array;
  readonly sourceSpikes: number;
  readonly totalCycles: number;
  readonly cores: readonly CoreSnapshot[];
  readonly sources: readonly SourceSnapshot[];
}

type SourceRuntimeView = { cursor: number; rate: Float64Array; ref: Int32Array; label: number };

function sourceRuntimes(emu: Emulator): SourceRuntimeView[] {
  return emu['srcRt'] as SourceRuntimeView[];
}

function cloneCounters(c: CoreCounters): CoreCounters {
  return { ...c, overflow: structuredClone(c.overflow) };
}

/** A deep copy of the emulator's mutable state (the learning engine's state is separate: see trainer.ts). */
export function snapshotEmulator(emu: Emulator): EmulatorSnapshot {
  return {
    t: emu.t,
    spikes: emu.spikes.slice(0, emu.spikeCount),
    sourceSpikes: emu.sourceSpikes,
    totalCycles: emu.totalCycles,
    cores: emu.cores.map((rt) => ({
      groups: rt.groups.map((g) => Object.fromEntries(Object.entries(g.arrays).map(([k, a]) => [k, a.slice()]))),
      ring: rt.ring.slice(),
      weights: rt.weights.slice(),
      counters: cloneCounters(rt.counters),
    })),
    sources: sourceRuntimes(emu).map((s) => ({ cursor: s.cursor, rate: s.rate.slice(), ref: s.ref.slice(), label: s.label })),
  };
}

function copyInto<T extends Int32Array | Float64Array>(dst: T, src: T, what: string): void {
  if (dst.length !== src.length) throw new SnapshotMismatch(`${what}: length ${src.length} in the snapshot, ${dst.length} in the emulator`);
  dst.set(src);
}

/** The snapshot does not fit the emulator (a different network). */
export class SnapshotMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotMismatch';
  }
}

/** Puts a snapshot back into an emulator built from the same IR. Throws SnapshotMismatch if shapes differ. */
export function restoreEmulator(emu: Emulator, s: EmulatorSnapshot): void {
  if (s.cores.length !== emu.cores.length || s.sources.length !== sourceRuntimes(emu).length) {
    throw new SnapshotMismatch('the snapshot has a different number of cores or sources');
  }
  emu.t = s.t;
  for (let k = 0; k < emu.spikeCount; k++) emu.spiked[emu.spikes[k]!] = 0;
  emu.spikes.set(s.spikes);
  emu.spikeCount = s.spikes.length;
  for (const id of s.spikes) emu.spiked[id] = 1;
  emu.sourceSpikes = s.sourceSpikes;
  emu.totalCycles = s.totalCycles;
  emu.cores.forEach((rt, ci) => {
    const cs = s.cores[ci]!;
    rt.groups.forEach((g, gi) => {
      for (const [k, a] of Object.entries(g.arrays)) {
        const src = cs.groups[gi]?.[k];
        if (src === undefined) throw new SnapshotMismatch(`core ${ci} group ${gi}: state \`${k}\` missing from the snapshot`);
        copyInto(a, src, `core ${ci} group ${gi} state ${k}`);
      }
    });
    copyInto(rt.ring, cs.ring, `core ${ci} delay ring`);
    copyInto(rt.weights, cs.weights, `core ${ci} weights`);
    const c = rt.counters;
    const { overflow, ...scalars } = cs.counters;
    Object.assign(c, scalars);
    for (const k of Object.keys(c.overflow)) delete c.overflow[k];
    Object.assign(c.overflow, structuredClone(overflow));
  });
  sourceRuntimes(emu).forEach((rt, si) => {
    const ss = s.sources[si]!;
    rt.cursor = ss.cursor;
    copyInto(rt.rate, ss.rate, `source ${si} rates`);
    copyInto(rt.ref, ss.ref, `source ${si} refractory counters`);
    rt.label = ss.label;
  });
}

/**
 * Resets the neuron dynamics to a reference snapshot (normally the state right after construction): compartment
 * state, refractory counters, delay rings (spikes in flight are dropped) and Poisson refractory counters. Keeps the
 * weights, counters, step counter, source thresholds and labels (and spike-list cursors unless `cursors`). Used for
 * `reset_between` and test presentations.
 */
export function resetDynamics(emu: Emulator, initial: EmulatorSnapshot, options: { readonly cursors?: boolean } = {}): void {
  emu.cores.forEach((rt, ci) => {
    const cs = initial.cores[ci]!;
    rt.groups.forEach((g, gi) => {
      for (const [k, a] of Object.entries(g.arrays)) a.set(cs.groups[gi]![k]!);
    });
    rt.ring.set(cs.ring);
  });
  sourceRuntimes(emu).forEach((rt, si) => {
    rt.ref.set(initial.sources[si]!.ref);
    // Spike lists only move forward; rewinding lets a presentation that restarts the step counter replay them.
    if (options.cursors) rt.cursor = initial.sources[si]!.cursor;
  });
}

/** Copies the weights of `from` into `to` (two emulators of the same IR). */
export function copyWeights(from: Emulator, to: Emulator): void {
  from.cores.forEach((rt, ci) => to.cores[ci]!.weights.set(rt.weights));
}

/** Zeroes every counter of an emulator (per-phase accounting, e.g. one test pass). */
export function zeroCounters(emu: Emulator): void {
  for (const rt of emu.cores) {
    const c = rt.counters;
    c.synapticEvents = 0;
    c.blankedOut = 0;
    c.compartmentUpdates = 0;
    c.learningUpdates = 0;
    c.spikes = 0;
    c.hops = 0;
    c.cycles = 0;
    for (const k of Object.keys(c.overflow)) delete c.overflow[k];
  }
  emu.sourceSpikes = 0;
  emu.totalCycles = 0;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON encoding of snapshots (and any value holding typed arrays): exact, including every float64 bit.
// ---------------------------------------------------------------------------------------------------------------

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
const CTORS = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  float32: Float32Array, float64: Float64Array,
} as const;
type DtypeName = keyof typeof CTORS;

function dtypeName(a: Typed): DtypeName {
  for (const [k, C] of Object.entries(CTORS)) if (a instanceof C) return k as DtypeName;
  throw new Error('unsupported typed array');
}

const LITTLE = endianness() === 'LE';

function bytesLE(a: Typed): Buffer {
  const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE) return Buffer.from(b);
  const copy = Buffer.from(b);
  if (a.BYTES_PER_ELEMENT === 2) copy.swap16();
  else if (a.BYTES_PER_ELEMENT === 4) copy.swap32();
  else if (a.BYTES_PER_ELEMENT === 8) copy.swap64();
  return copy;
}

/** A JSON-safe value: typed arrays become {"$typed": dtype, "b64": little-endian bytes}; non-finite numbers are tagged. */
export function encodeValue(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as Typed;
    return { $typed: dtypeName(a), b64: bytesLE(a).toString('base64') };
  }
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = encodeValue(x);
    return out;
  }
  return v;
}

/** Inverse of `encodeValue`. */
export function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['$typed'] === 'string' && typeof o['b64'] === 'string') {
      const C = CTORS[o['$typed'] as DtypeName];
      if (C === undefined) throw new Error(`unknown dtype ${o['$typed']}`);
      const buf = Buffer.from(o['b64'], 'base64');
      const copy = Buffer.from(buf); // own, aligned memory
      if (!LITTLE) {
        if (C.BYTES_PER_ELEMENT === 2) copy.swap16();
        else if (C.BYTES_PER_ELEMENT === 4) copy.swap32();
        else if (C.BYTES_PER_ELEMENT === 8) copy.swap64();
      }
      const ab = copy.buffer.slice(copy.byteOffset, copy.byteOffset + copy.byteLength);
      return new C(ab);
    }
    if (typeof o['$number'] === 'string' && Object.keys(o).length === 1) return Number(o['$number']);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
    return out;
  }
  return v;
}
