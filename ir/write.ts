/**
 * Deterministic IR writer: `writeIr(ir)` gives the same text for the same IR (object keys sorted, typed arrays
 * encoded by a fixed rule), so write → load → write is byte-identical.
 *
 * Typed arrays: up to INLINE_MAX elements are written as plain JSON arrays (readable in small IRs); longer ones
 * as `{"b64": "…", "dtype": "int32"}`, the little-endian bytes in base64.
 */
import type { DendriteIr, Dtype } from './types.js';

/** Arrays with at most this many elements are written inline as JSON arrays. */
export const INLINE_MAX = 16;

type AnyTyped = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

export function dtypeOf(a: AnyTyped): Dtype {
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  return 'float64';
}

/** Base64 of a typed array's bytes, little-endian regardless of the host. */
export function encodeTyped(a: AnyTyped): string {
  const size = a.BYTES_PER_ELEMENT;
  const buf = Buffer.alloc(a.length * size);
  const dt = dtypeOf(a);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    const o = i * size;
    switch (dt) {
      case 'int8': buf.writeInt8(v, o); break;
      case 'uint8': buf.writeUInt8(v, o); break;
      case 'int16': buf.writeInt16LE(v, o); break;
      case 'uint16': buf.writeUInt16LE(v, o); break;
      case 'int32': buf.writeInt32LE(v, o); break;
      case 'uint32': buf.writeUInt32LE(v, o); break;
      case 'float64': buf.writeDoubleLE(v, o); break;
    }
  }
  return buf.toString('base64');
}

function isTyped(v: unknown): v is AnyTyped {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** Turns the IR into a plain JSON value with sorted keys and encoded typed arrays. */
export function toJsonValue(v: unknown): unknown {
  if (isTyped(v)) {
    if (v.length <= INLINE_MAX) return Array.from(v as ArrayLike<number>, (x) => (Object.is(x, -0) ? 0 : x));
    return { b64: encodeTyped(v), dtype: dtypeOf(v) };
  }
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = toJsonValue(x);
    }
    return out;
  }
  if (typeof v === 'number' && Object.is(v, -0)) return 0;
  return v;
}

/** The IR as compact JSON text with sorted keys and a final newline. */
export function writeIr(ir: DendriteIr): string {
  return JSON.stringify(toJsonValue(ir)) + '\n';
}
