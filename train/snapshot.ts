/**
 * Snapshots of the emulator's mutable state for checkpoints, so a checkpointed run continues bit-identically.
 * The state itself (compartment state arrays including refractory counters, delay rings, weights, counters, the
 * step counter, the spikes of the last step, the sources' run-time state) is defined and copied by the emulator's
 * public `saveState` / `loadState` / `resetDynamics` (emulator/emulator.ts); this module names it for the trainer,
 * turns a shape mismatch into `SnapshotMismatch` (reported by the CLI as a checkpoint diagnostic), and holds the
 * exact JSON encoding of snapshots.
 */
import { endianness } from 'node:os';
import { EmulatorStateMismatch, type CoreState, type Emulator, type EmulatorState, type SourceState } from '../emulator/emulator.js';

export type SourceSnapshot = SourceState;
export type CoreSnapshot = CoreState;
export type EmulatorSnapshot = EmulatorState;

/** The snapshot does not fit the emulator (a different network). */
export class SnapshotMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotMismatch';
  }
}

/** A deep copy of the emulator's mutable state (the learning engine's state is separate: see trainer.ts). */
export function snapshotEmulator(emu: Emulator): EmulatorSnapshot {
  return emu.saveState();
}

/** Puts a snapshot back into an emulator built from the same IR. Throws SnapshotMismatch if shapes differ. */
export function restoreEmulator(emu: Emulator, s: EmulatorSnapshot): void {
  const o = s as unknown as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || !Array.isArray(o.cores) || !Array.isArray(o.sources) || !(o.spikes instanceof Int32Array)
    || !o.cores.every((c) => c !== null && typeof c === 'object' && Array.isArray((c as Record<string, unknown>).groups))) {
    throw new SnapshotMismatch('the saved emulator state is malformed (it needs `cores` with `groups`, `sources` and `spikes`)');
  }
  try {
    emu.loadState(s);
  } catch (e) {
    if (e instanceof EmulatorStateMismatch) throw new SnapshotMismatch(e.message);
    throw e;
  }
}

/**
 * Resets the neuron dynamics to a reference snapshot (normally the state right after construction): compartment
 * state, refractory counters, delay rings (spikes in flight are dropped) and Poisson refractory counters. Keeps the
 * weights, counters, step counter, source thresholds and labels (and spike-list cursors unless `cursors`). Used for
 * `reset_between` and test presentations.
 */
export function resetDynamics(emu: Emulator, initial: EmulatorSnapshot, options: { readonly cursors?: boolean } = {}): void {
  emu.resetDynamics(initial, options);
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
