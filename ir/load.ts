/**
 * IR loader and validator. `loadIr(text, file)` parses `dendrite-ir/1` JSON and checks everything the emulator
 * relies on: shape, types, integer ranges, cross references (cores, axons, groups, learning programs, neuron
 * ids) and CSR structure. Every problem is one Diagnostic (code SNN40xx) whose `path` names the field, e.g.
 * `cores[3].synapses.weights[17]`, with the allowed range. Never throws on bad input.
 */
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { validateProgram } from '../emulator/learning/program.js';
import {
  IR_FORMAT,
  MAX_EXTRA_CURRENTS,
  hasInputPort,
  portCount,
  type CompartmentGroup,
  type Core,
  type CostTable,
  type CubaGroup,
  type CubaNoise,
  type DecayMode,
  type DendriteIr,
  type Dtype,
  type Json,
  type LearningProgram,
  type LoihiGroup,
  type NamedStateVar,
  type NsatGroup,
  type OpCost,
  type Placement,
  type Population,
  type Probe,
  type Routing,
  type Source,
  type StateVar,
  type SynapseGroup,
  type SynapseTable,
} from './types.js';

/** Diagnostic codes of the IR loader. */
export const IR_CODES = {
  json: 'SNN4001', // not JSON
  format: 'SNN4002', // wrong/missing format tag
  type: 'SNN4003', // missing field or wrong type
  range: 'SNN4004', // value out of range
  reference: 'SNN4005', // dangling index / name
  structure: 'SNN4006', // CSR / tiling / coverage inconsistent
} as const;

export interface LoadResult {
  /** The IR, present iff there were no errors. */
  readonly ir?: DendriteIr;
  readonly diagnostics: readonly Diagnostic[];
}

/** How many element errors one array reports before summarising the rest. */
const MAX_ELEMENT_ERRORS = 5;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const TWO32 = 2 ** 32;

type Obj = Record<string, unknown>;
type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

const DTYPE_SIZE: Record<Dtype, number> = {
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float64: 8,
};

class Checker {
  readonly ds: Diagnostic[] = [];
  constructor(readonly file: string) {}

  report(code: string, field: string, message: string, hint?: string): void {
    this.ds.push({ code, severity: 'error', message, path: { file: this.file, field }, hint });
  }

  obj(v: unknown, field: string): Obj | undefined {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.report(IR_CODES.type, field, `${field || 'the IR'} must be an object, found ${describe(v)}`);
      return undefined;
    }
    return v as Obj;
  }

  array(v: unknown, field: string): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.report(IR_CODES.type, field, `${field} must be an array, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  str(o: Obj, key: string, field: string): string {
    const v = o[key];
    if (typeof v !== 'string') {
      this.report(IR_CODES.type, join(field, key), `${join(field, key)} must be a string, found ${describe(v)}`);
      return '';
    }
    return v;
  }

  bool(o: Obj, key: string, field: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') {
      this.report(IR_CODES.type, join(field, key), `${join(field, key)} must be true or false, found ${describe(v)}`);
      return false;
    }
    return v;
  }

  /** An integer in [lo, hi]; reports and returns `fallback` (lo clamped) otherwise. */
  intValue(v: unknown, f: string, lo: number, hi: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.report(IR_CODES.type, f, `${f} must be an integer in ${lo}..${hi}, found ${describe(v)}`);
      return Math.max(lo, Math.min(0, hi));
    }
    if (v < lo || v > hi) {
      this.report(IR_CODES.range, f, `${f} = ${v} is out of range`, `allowed range: ${lo}..${hi}`);
      return Math.max(lo, Math.min(v, hi));
    }
    return v;
  }

  int(o: Obj, key: string, field: string, lo: number, hi: number): number {
    return this.intValue(o[key], join(field, key), lo, hi);
  }

  num(o: Obj, key: string, field: string, lo: number, hi: number): number {
    const v = o[key];
    const f = join(field, key);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.report(IR_CODES.type, f, `${f} must be a number in ${lo}..${hi}, found ${describe(v)}`);
      return lo;
    }
    if (v < lo || v > hi) {
      this.report(IR_CODES.range, f, `${f} = ${v} is out of range`, `allowed range: ${lo}..${hi}`);
      return Math.max(lo, Math.min(v, hi));
    }
    return v;
  }

  /** A list of integers in [lo, hi] of length `len` (if given), as a plain number[]. */
  intList(o: Obj, key: string, field: string, lo: number, hi: number, len?: number): number[] {
    return this.intListValue(o[key], join(field, key), lo, hi, len);
  }

  intListValue(v: unknown, f: string, lo: number, hi: number, len?: number): number[] {
    const a = this.array(v, f);
    if (a === undefined) return new Array<number>(len ?? 0).fill(Math.max(lo, Math.min(0, hi)));
    if (len !== undefined && a.length !== len) {
      this.report(IR_CODES.structure, f, `${f} has ${a.length} elements, expected ${len}`);
    }
    const out: number[] = [];
    for (let i = 0; i < (len ?? a.length); i++) out.push(this.intValue(a[i], `${f}[${i}]`, lo, hi));
    return out;
  }

  boolList(o: Obj, key: string, field: string, len: number): boolean[] {
    const f = join(field, key);
    const a = this.array(o[key], f) ?? [];
    if (a.length !== len) this.report(IR_CODES.structure, f, `${f} has ${a.length} elements, expected ${len}`);
    const out: boolean[] = [];
    for (let i = 0; i < len; i++) {
      const v = a[i];
      if (typeof v !== 'boolean') {
        this.report(IR_CODES.type, `${f}[${i}]`, `${f}[${i}] must be true or false, found ${describe(v)}`);
        out.push(false);
      } else out.push(v);
    }
    return out;
  }

  /**
   * A typed array stored as a JSON array or {dtype, b64}; converted to `want`'s type. Every element is checked
   * to be an integer in [lo, hi] (at most MAX_ELEMENT_ERRORS are reported).
   */
  typed<T extends Typed>(
    o: Obj,
    key: string,
    field: string,
    make: (n: number) => T,
    lo: number,
    hi: number,
    len?: number,
  ): T {
    const f = join(field, key);
    const raw = decodeArray(this, o[key], f);
    if (raw === undefined) return make(len ?? 0);
    if (len !== undefined && raw.length !== len) {
      this.report(IR_CODES.structure, f, `${f} has ${raw.length} elements, expected ${len}`);
    }
    const n = len ?? raw.length;
    const out = make(n);
    let errors = 0;
    for (let i = 0; i < n && i < raw.length; i++) {
      const v = raw[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
        errors++;
        if (errors <= MAX_ELEMENT_ERRORS) {
          this.report(
            typeof v === 'number' && Number.isInteger(v) ? IR_CODES.range : IR_CODES.type,
            `${f}[${i}]`,
            `${f}[${i}] = ${describe(v)} is not an integer in range`,
            `allowed range: ${lo}..${hi}`,
          );
        }
        continue;
      }
      out[i] = v;
    }
    if (errors > MAX_ELEMENT_ERRORS) {
      this.report(IR_CODES.range, f, `${f}: ${errors - MAX_ELEMENT_ERRORS} more elements out of range`);
    }
    return out;
  }

  /** Each index of a typed array must lie in [0, bound) (a reference check). */
  refs(a: ArrayLike<number>, f: string, bound: number, what: string): void {
    let errors = 0;
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v < 0 || v >= bound) {
        errors++;
        if (errors <= MAX_ELEMENT_ERRORS) {
          this.report(IR_CODES.reference, `${f}[${i}]`, `${f}[${i}] = ${v} does not name a ${what}`,
            bound > 0 ? `allowed range: 0..${bound - 1}` : `there are no ${what}s`);
        }
      }
    }
    if (errors > MAX_ELEMENT_ERRORS) this.report(IR_CODES.reference, f, `${f}: ${errors - MAX_ELEMENT_ERRORS} more bad references`);
  }
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return String(v);
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a plain array or {dtype, b64} into a plain list of numbers (unknown for non-numbers in plain arrays). */
function decodeArray(c: Checker, v: unknown, f: string): unknown[] | ArrayLike<number> | undefined {
  if (Array.isArray(v)) return v;
  if (v === null || typeof v !== 'object') {
    c.report(IR_CODES.type, f, `${f} must be an array or {"dtype", "b64"}, found ${describe(v)}`);
    return undefined;
  }
  const o = v as Obj;
  const dtype = o.dtype;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_SIZE)) {
    c.report(IR_CODES.type, `${f}.dtype`, `${f}.dtype must be one of ${Object.keys(DTYPE_SIZE).join(', ')}, found ${describe(dtype)}`);
    return undefined;
  }
  const b64 = o.b64;
  if (typeof b64 !== 'string' || b64.length % 4 !== 0 || !B64_RE.test(b64)) {
    c.report(IR_CODES.type, `${f}.b64`, `${f}.b64 must be a base64 string`);
    return undefined;
  }
  const buf = Buffer.from(b64, 'base64');
  const size = DTYPE_SIZE[dtype as Dtype];
  if (buf.length % size !== 0) {
    c.report(IR_CODES.structure, `${f}.b64`, `${f}.b64 holds ${buf.length} bytes, not a whole number of ${dtype} elements`);
    return undefined;
  }
  const n = buf.length / size;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const o2 = i * size;
    switch (dtype as Dtype) {
      case 'int8': out[i] = buf.readInt8(o2); break;
      case 'uint8': out[i] = buf.readUInt8(o2); break;
      case 'int16': out[i] = buf.readInt16LE(o2); break;
      case 'uint16': out[i] = buf.readUInt16LE(o2); break;
      case 'int32': out[i] = buf.readInt32LE(o2); break;
      case 'uint32': out[i] = buf.readUInt32LE(o2); break;
      case 'float64': out[i] = buf.readDoubleLE(o2); break;
    }
  }
  return out;
}

const i32 = (n: number) => new Int32Array(n);
const u8 = (n: number) => new Uint8Array(n);
const f64 = (n: number) => new Float64Array(n);

// ---------------------------------------------------------------------------------------------------------------

/** Parses and validates IR text. `file` is used in diagnostics only. */
export function loadIr(text: string, file: string): LoadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      diagnostics: [
        { code: IR_CODES.json, severity: 'error', message: `not valid JSON: ${(e as Error).message}`, path: { file } },
      ],
    };
  }
  return validateIr(json, file);
}

/** Validates an already-parsed JSON value as IR. */
export function validateIr(json: unknown, file: string): LoadResult {
  const c = new Checker(file);
  const root = c.obj(json, '');
  if (root === undefined) return { diagnostics: c.ds };
  if (root.format !== IR_FORMAT) {
    c.report(IR_CODES.format, 'format', `format must be "${IR_FORMAT}", found ${describe(root.format)}`,
      'this file is not a Dendrite IR of a version this tool reads');
    return { diagnostics: c.ds };
  }
  const ir = readTop(c, root);
  if (c.ds.length === 0) crossCheck(c, ir);
  return c.ds.length === 0 ? { ir, diagnostics: [] } : { diagnostics: c.ds };
}

function readTop(c: Checker, o: Obj): DendriteIr {
  const targetO = c.obj(o.target, 'target') ?? {};
  const target = { name: c.str(targetO, 'name', 'target'), details: jsonValue(c, targetO.details, 'target.details') };
  const neuronCount = c.int(o, 'neuronCount', '', 0, INT32_MAX);
  const learning = (c.array(o.learning, 'learning') ?? []).map((p, i) => readLearning(c, p, `learning[${i}]`));
  const sources = (c.array(o.sources, 'sources') ?? []).map((s, i) => readSource(c, s, `sources[${i}]`));
  const cores = (c.array(o.cores, 'cores') ?? []).map((x, i) => readCore(c, x, `cores[${i}]`));
  const routingO = c.obj(o.routing, 'routing') ?? {};
  const routing: Routing = {
    offsets: c.typed(routingO, 'offsets', 'routing', i32, 0, INT32_MAX, neuronCount + 1),
    core: c.typed(routingO, 'core', 'routing', i32, 0, INT32_MAX),
    axon: c.typed(routingO, 'axon', 'routing', i32, 0, INT32_MAX),
  };
  const portsO = c.obj(o.ports, 'ports') ?? {};
  const reportsO = c.obj(o.reports, 'reports') ?? {};
  const reports: Record<string, Json> = {};
  for (const k of Object.keys(reportsO)) reports[k] = jsonValue(c, reportsO[k], `reports.${k}`);
  return {
    format: IR_FORMAT,
    target,
    producer: c.str(o, 'producer', ''),
    seed: c.int(o, 'seed', '', 0, TWO32 - 1),
    dt: c.num(o, 'dt', '', 0, 1e6),
    steps: c.int(o, 'steps', '', 0, INT32_MAX),
    neuronCount,
    sources,
    cores,
    routing,
    learning,
    populations: (c.array(o.populations, 'populations') ?? []).map((p, i) => readPopulation(c, p, `populations[${i}]`)),
    ports: { inputs: strList(c, portsO, 'inputs', 'ports'), outputs: strList(c, portsO, 'outputs', 'ports') },
    probes: (c.array(o.probes, 'probes') ?? []).map((p, i) => readProbe(c, p, `probes[${i}]`)),
    cost: readCost(c, o.cost),
    reports,
  };
}

function strList(c: Checker, o: Obj, key: string, field: string): string[] {
  const f = join(field, key);
  const a = c.array(o[key], f) ?? [];
  return a.map((v, i) => {
    if (typeof v !== 'string') {
      c.report(IR_CODES.type, `${f}[${i}]`, `${f}[${i}] must be a string, found ${describe(v)}`);
      return '';
    }
    return v;
  });
}

function jsonValue(c: Checker, v: unknown, f: string): Json {
  if (v === undefined) {
    c.report(IR_CODES.type, f, `${f} is missing (use null or {} for none)`);
    return null;
  }
  return v as Json; // anything JSON.parse produced is JSON
}

function readLearning(c: Checker, v: unknown, f: string): LearningProgram {
  // The learning engine owns the microcode format; it validates every field of a program.
  const ds = validateProgram(v, f, c.file);
  for (const d of ds) c.ds.push(d);
  const o = c.obj(v, f) ?? {};
  return { ...o, kind: c.str(o, 'kind', f) };
}

function readSource(c: Checker, v: unknown, f: string): Source {
  const o = c.obj(v, f) ?? {};
  const base = {
    name: c.str(o, 'name', f),
    size: c.int(o, 'size', f, 1, INT32_MAX),
    neuronBase: c.int(o, 'neuronBase', f, 0, INT32_MAX),
  };
  switch (o.kind) {
    case 'spikes': {
      const steps = c.typed(o, 'steps', f, i32, 1, INT32_MAX);
      const indices = c.typed(o, 'indices', f, i32, 0, base.size - 1, steps.length);
      for (let k = 1; k < steps.length; k++) {
        if (steps[k]! < steps[k - 1]! || (steps[k] === steps[k - 1] && indices[k]! <= indices[k - 1]!)) {
          c.report(IR_CODES.structure, `${f}.steps[${k}]`, `${f}: spikes must be sorted by step, then index, without duplicates`);
          break;
        }
      }
      return { ...base, kind: 'spikes', steps, indices };
    }
    case 'poisson':
      return {
        ...base,
        kind: 'poisson',
        rate: c.typed(o, 'rate', f, f64, 0, TWO32, base.size),
        refractory: c.int(o, 'refractory', f, 0, 65535),
      };
    case 'label':
      return {
        ...base,
        kind: 'label',
        threshold: c.int(o, 'threshold', f, 0, TWO32),
        label: c.int(o, 'label', f, -1, base.size - 1),
      };
    default:
      c.report(IR_CODES.type, `${f}.kind`, `${f}.kind must be "spikes", "poisson" or "label", found ${describe(o.kind)}`);
      return { ...base, kind: 'spikes', steps: new Int32Array(0), indices: new Int32Array(0) };
  }
}

function readCore(c: Checker, v: unknown, f: string): Core {
  const o = c.obj(v, f) ?? {};
  const meshO = c.obj(o.mesh, `${f}.mesh`) ?? {};
  const compartmentCount = c.int(o, 'compartmentCount', f, 0, 1 << 24);
  const axonCount = c.int(o, 'axonCount', f, 0, 1 << 24);
  const groups = (c.array(o.groups, `${f}.groups`) ?? []).map((g, i) => readGroup(c, g, `${f}.groups[${i}]`));
  const sgs = (c.array(o.synapseGroups, `${f}.synapseGroups`) ?? []).map((g, i) =>
    readSynapseGroup(c, g, `${f}.synapseGroups[${i}]`),
  );
  const so = c.obj(o.synapses, `${f}.synapses`) ?? {};
  const sf = `${f}.synapses`;
  const axonOffsets = c.typed(so, 'axonOffsets', sf, i32, 0, INT32_MAX, axonCount + 1);
  const targets = c.typed(so, 'targets', sf, i32, 0, INT32_MAX);
  const n = targets.length;
  const synapses: SynapseTable = {
    axonOffsets,
    axonGroup: c.typed(so, 'axonGroup', sf, i32, 0, INT32_MAX, axonCount),
    targets,
    weights: c.typed(so, 'weights', sf, i32, INT32_MIN, INT32_MAX, n),
    delays: c.typed(so, 'delays', sf, u8, 0, 255, n),
    ports: c.typed(so, 'ports', sf, u8, 0, 255, n),
  };
  return {
    mesh: { x: c.int(meshO, 'x', `${f}.mesh`, 0, 65535), y: c.int(meshO, 'y', `${f}.mesh`, 0, 65535) },
    compartmentCount,
    groups,
    axonCount,
    synapses,
    synapseGroups: sgs,
  };
}

function readSynapseGroup(c: Checker, v: unknown, f: string): SynapseGroup {
  const o = c.obj(v, f) ?? {};
  const learning = o.learning === null ? null : c.int(o, 'learning', f, 0, INT32_MAX);
  return {
    name: c.str(o, 'name', f),
    weightShift: c.int(o, 'weightShift', f, 0, 30),
    weightMin: c.int(o, 'weightMin', f, INT32_MIN, INT32_MAX),
    weightMax: c.int(o, 'weightMax', f, INT32_MIN, INT32_MAX),
    transmitThreshold: c.int(o, 'transmitThreshold', f, 0, TWO32),
    learning,
  };
}

function readGroup(c: Checker, v: unknown, f: string): CompartmentGroup {
  const o = c.obj(v, f) ?? {};
  const base = {
    name: c.str(o, 'name', f),
    first: c.int(o, 'first', f, 0, 1 << 24),
    size: c.int(o, 'size', f, 1, 1 << 24),
    neuronBase: c.int(o, 'neuronBase', f, 0, INT32_MAX),
  };
  const n = base.size;
  switch (o.model) {
    case 'loihi': {
      const g: LoihiGroup = {
        ...base,
        model: 'loihi',
        qBits: c.int(o, 'qBits', f, 2, 32),
        uBits: c.int(o, 'uBits', f, 2, 32),
        vBits: o.vBits === null ? null : c.int(o, 'vBits', f, 2, 32),
        vmin: c.int(o, 'vmin', f, -INT32_MAX, 0),
        vmax: c.int(o, 'vmax', f, 0, INT32_MAX),
        decayU: c.typed(o, 'decayU', f, i32, 0, 4095, n),
        decayV: c.typed(o, 'decayV', f, i32, 0, 4095, n),
        vthMant: c.typed(o, 'vthMant', f, i32, 1, 2 ** 17 - 1, n),
        biasMant: c.typed(o, 'biasMant', f, i32, -4095, 4095, n),
        biasExp: c.typed(o, 'biasExp', f, i32, 0, 7, n),
        refractDelay: c.typed(o, 'refractDelay', f, i32, 1, 63, n),
      };
      if (o.initial === undefined) return g;
      // v starts within its clamp (and its wrap width); u within its width.
      const vLo = g.vBits === null ? g.vmin : Math.max(g.vmin, -(2 ** (g.vBits - 1)));
      const vHi = g.vBits === null ? g.vmax : Math.min(g.vmax, 2 ** (g.vBits - 1) - 1);
      const ranges = new Map<string, readonly [number, number]>([['u', [-(2 ** (g.uBits - 1)), 2 ** (g.uBits - 1) - 1]], ['v', [vLo, vHi]]]);
      return { ...g, initial: readInitial(c, o.initial, `${f}.initial`, n, ranges) };
    }
    case 'cuba': {
      const g: CubaGroup = {
        ...base,
        model: 'cuba',
        inputBits: c.int(o, 'inputBits', f, 2, 32),
        inputOverflow: overflowMode(c, o, 'inputOverflow', f),
        current: o.current === null ? null : readStateVar(c, o.current, `${f}.current`, n),
        v: readStateVar(c, o.v, `${f}.v`, n),
        dendrite: o.dendrite === null ? null : readDendrite(c, o.dendrite, `${f}.dendrite`, n),
        bias: c.typed(o, 'bias', f, i32, INT32_MIN, INT32_MAX, n),
        threshold: c.typed(o, 'threshold', f, i32, INT32_MIN, INT32_MAX, n),
        compare: oneOf(c, o, 'compare', f, ['gt', 'ge'] as const),
        reset: readReset(c, o.reset, `${f}.reset`),
        refractDelay: c.typed(o, 'refractDelay', f, i32, 0, 255, n),
        refractoryValue: c.int(o, 'refractoryValue', f, INT32_MIN, INT32_MAX),
        // Optional: absent stays absent, so write → load → write is byte-identical.
        ...(o.noise === undefined ? {} : { noise: o.noise === null ? null : readNoise(c, o.noise, `${f}.noise`) }),
        ...(o.extraCurrents === undefined ? {} : { extraCurrents: readExtraCurrents(c, o.extraCurrents, `${f}.extraCurrents`, n) }),
      };
      checkCubaNames(c, g, f);
      if (o.initial === undefined) return g;
      const ranges = new Map<string, readonly [number, number]>();
      const add = (name: string, sv: StateVar) => {
        const half = 2 ** (sv.bits - 1);
        ranges.set(name, [Math.max(-half, sv.floor ?? -half), Math.min(half - 1, sv.ceiling ?? half - 1)]);
      };
      if (g.current) add('i', g.current);
      add('v', g.v);
      if (g.dendrite) add(g.dendrite.name, g.dendrite);
      for (const x of g.extraCurrents ?? []) add(x.name, x);
      return { ...g, initial: readInitial(c, o.initial, `${f}.initial`, n, ranges) };
    }
    case 'nsat': {
      const k = c.int(o, 'states', f, 1, 8);
      const matrix = (key: string, lo: number, hi: number): number[][] => {
        const a = c.array(o[key], `${f}.${key}`) ?? [];
        if (a.length !== k) c.report(IR_CODES.structure, `${f}.${key}`, `${f}.${key} must have ${k} rows, found ${a.length}`);
        const rows: number[][] = [];
        for (let r = 0; r < k; r++) rows.push(c.intListValue(a[r], `${f}.${key}[${r}]`, lo, hi, k));
        return rows;
      };
      const g: NsatGroup = {
        ...base,
        model: 'nsat',
        states: k,
        leakShift: matrix('leakShift', -16, 15),
        leakSign: matrix('leakSign', -1, 1),
        bias: c.intList(o, 'bias', f, INT32_MIN, INT32_MAX, k),
        threshold: c.int(o, 'threshold', f, INT32_MIN, INT32_MAX),
        thresholdFromState1: c.bool(o, 'thresholdFromState1', f),
        refractory: c.int(o, 'refractory', f, 0, 255),
        resetOn: c.boolList(o, 'resetOn', f, k),
        resetValue: c.intList(o, 'resetValue', f, INT32_MIN, INT32_MAX, k),
        spikeIncrement: c.intList(o, 'spikeIncrement', f, INT32_MIN, INT32_MAX, k),
        clampLow: c.intList(o, 'clampLow', f, INT32_MIN, INT32_MAX, k),
        clampHigh: c.intList(o, 'clampHigh', f, INT32_MIN, INT32_MAX, k),
        wgain: c.intList(o, 'wgain', f, -31, 15, k),
        accLow: c.int(o, 'accLow', f, INT32_MIN, INT32_MAX),
        accHigh: c.int(o, 'accHigh', f, INT32_MIN, INT32_MAX),
        initial: c.intList(o, 'initial', f, INT32_MIN, INT32_MAX, k),
      };
      for (let s = 0; s < k; s++) {
        if (g.clampLow[s]! > g.clampHigh[s]!) c.report(IR_CODES.range, `${f}.clampLow[${s}]`, `${f}.clampLow[${s}] exceeds clampHigh[${s}]`);
      }
      if (g.accLow > g.accHigh) c.report(IR_CODES.range, `${f}.accLow`, `${f}.accLow exceeds accHigh`);
      return g;
    }
    default:
      c.report(IR_CODES.type, `${f}.model`, `${f}.model must be "loihi", "cuba" or "nsat", found ${describe(o.model)}`);
      return { ...base, model: 'nsat', states: 1, leakShift: [[-16]], leakSign: [[0]], bias: [0], threshold: 0,
        thresholdFromState1: false, refractory: 0, resetOn: [false], resetValue: [0], spikeIncrement: [0],
        clampLow: [0], clampHigh: [0], wgain: [0], accLow: 0, accHigh: 0, initial: [0] };
  }
}

function oneOf<T extends string>(c: Checker, o: Obj, key: string, f: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  c.report(IR_CODES.type, join(f, key), `${join(f, key)} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, found ${describe(v)}`);
  return allowed[0]!;
}

function overflowMode(c: Checker, o: Obj, key: string, f: string) {
  return oneOf(c, o, key, f, ['wrap', 'saturate'] as const);
}

function readReset(c: Checker, v: unknown, f: string): CubaGroup['reset'] {
  const o = c.obj(v, f) ?? {};
  return { mode: oneOf(c, o, 'mode', f, ['value', 'subtract', 'none'] as const), value: c.int(o, 'value', f, INT32_MIN, INT32_MAX) };
}

function readDecay(c: Checker, v: unknown, f: string): DecayMode {
  const o = c.obj(v, f) ?? {};
  const kind = oneOf(c, o, 'kind', f, ['loihi12', 'shift', 'linear', 'none'] as const);
  switch (kind) {
    case 'loihi12': {
      const offset = c.int(o, 'offset', f, 0, 1);
      return { kind, offset: offset === 1 ? 1 : 0 };
    }
    case 'shift':
      return { kind, neverZero: c.bool(o, 'neverZero', f) };
    default:
      return { kind };
  }
}

function readStateVar(c: Checker, v: unknown, f: string, n: number): StateVar {
  const o = c.obj(v, f) ?? {};
  const bits = c.int(o, 'bits', f, 2, 32);
  const decay = readDecay(c, o.decay, `${f}.decay`);
  const [lo, hi] =
    decay.kind === 'loihi12' ? [0, 4095 - decay.offset] : decay.kind === 'shift' ? [0, 31] : decay.kind === 'linear' ? [0, INT32_MAX] : [0, 0];
  const half = 2 ** (bits - 1);
  const floor = o.floor === null ? null : c.int(o, 'floor', f, -half, half - 1);
  const ceiling = o.ceiling === null ? null : c.int(o, 'ceiling', f, -half, half - 1);
  if (floor !== null && ceiling !== null && floor > ceiling) c.report(IR_CODES.range, `${f}.floor`, `${f}.floor (${floor}) exceeds ceiling (${ceiling})`);
  return { bits, overflow: overflowMode(c, o, 'overflow', f), decay, decayReg: c.typed(o, 'decayReg', f, i32, lo, hi, n), floor, ceiling };
}

function readNoise(c: Checker, v: unknown, f: string): CubaNoise {
  const o = c.obj(v, f) ?? {};
  return { threshold: c.int(o, 'threshold', f, 0, TWO32), amplitude: c.int(o, 'amplitude', f, -INT32_MAX, INT32_MAX) };
}

function readDendrite(c: Checker, v: unknown, f: string, n: number): NamedStateVar {
  const sv = readStateVar(c, v, f, n);
  const o = (v !== null && typeof v === 'object' ? v : {}) as Obj;
  return { ...sv, name: c.str(o, 'name', f) };
}

function readExtraCurrents(c: Checker, v: unknown, f: string, n: number): NamedStateVar[] {
  const a = c.array(v, f) ?? [];
  if (a.length < 1 || a.length > MAX_EXTRA_CURRENTS) {
    c.report(IR_CODES.range, f, `${f} has ${a.length} entries`, `allowed: 1..${MAX_EXTRA_CURRENTS} (omit the field for none)`);
  }
  return a.slice(0, MAX_EXTRA_CURRENTS).map((x, k) => readDendrite(c, x, `${f}[${k}]`, n));
}

/** Names the emulator keeps state arrays and overflow counters under: no two states of a group may share one. */
const RESERVED_CUBA_NAMES = ['i', 'v', 'ref', 'in'];

function checkCubaNames(c: Checker, g: CubaGroup, f: string): void {
  const seen = new Set(RESERVED_CUBA_NAMES);
  const check = (name: string, field: string) => {
    if (name === '') c.report(IR_CODES.type, field, `${field} must be a non-empty name`);
    else if (seen.has(name)) {
      c.report(IR_CODES.structure, field, `${field} = "${name}" is already the name of another state of the group`,
        `reserved: ${RESERVED_CUBA_NAMES.join(', ')}; dendrite and extra currents need distinct names`);
    }
    seen.add(name);
  };
  if (g.dendrite) check(g.dendrite.name, `${f}.dendrite.name`);
  (g.extraCurrents ?? []).forEach((x, k) => check(x.name, `${f}.extraCurrents[${k}].name`));
}

/** Per-state initial values: every key must name a state of the group, each array one value per compartment in its range. */
function readInitial(c: Checker, v: unknown, f: string, n: number, ranges: ReadonlyMap<string, readonly [number, number]>): Record<string, Int32Array> {
  const o = c.obj(v, f) ?? {};
  const out: Record<string, Int32Array> = {};
  for (const key of Object.keys(o)) {
    const r = ranges.get(key);
    if (r === undefined) {
      c.report(IR_CODES.reference, `${f}.${key}`, `${f}.${key}: the group has no state "${key}"`, `states: ${[...ranges.keys()].join(', ')}`);
      continue;
    }
    out[key] = c.typed(o, key, f, i32, r[0], r[1], n);
  }
  return out;
}

function readPopulation(c: Checker, v: unknown, f: string): Population {
  const o = c.obj(v, f) ?? {};
  const placement = (c.array(o.placement, `${f}.placement`) ?? []).map((p, i): Placement => {
    const pf = `${f}.placement[${i}]`;
    const po = c.obj(p, pf) ?? {};
    if (po.kind === 'source') return { kind: 'source', source: c.int(po, 'source', pf, 0, INT32_MAX) };
    if (po.kind !== 'group') c.report(IR_CODES.type, `${pf}.kind`, `${pf}.kind must be "source" or "group", found ${describe(po.kind)}`);
    return {
      kind: 'group',
      core: c.int(po, 'core', pf, 0, INT32_MAX),
      group: c.int(po, 'group', pf, 0, INT32_MAX),
      offset: c.int(po, 'offset', pf, 0, INT32_MAX),
      count: c.int(po, 'count', pf, 1, INT32_MAX),
    };
  });
  return { name: c.str(o, 'name', f), neuronBase: c.int(o, 'neuronBase', f, 0, INT32_MAX), size: c.int(o, 'size', f, 1, INT32_MAX), placement };
}

function readProbe(c: Checker, v: unknown, f: string): Probe {
  const o = c.obj(v, f) ?? {};
  const name = c.str(o, 'name', f);
  const decimation = c.int(o, 'decimation', f, 1, INT32_MAX);
  const kind = oneOf(c, o, 'kind', f, ['spikes', 'state', 'weights'] as const);
  switch (kind) {
    case 'spikes':
      return { name, kind, population: c.str(o, 'population', f), decimation };
    case 'state':
      return { name, kind, population: c.str(o, 'population', f), state: c.str(o, 'state', f), decimation };
    case 'weights':
      return { name, kind, core: c.int(o, 'core', f, 0, INT32_MAX), synapseGroup: c.int(o, 'synapseGroup', f, 0, INT32_MAX), decimation };
  }
}

function readCost(c: Checker, v: unknown): CostTable {
  const o = c.obj(v, 'cost') ?? {};
  const op = (k: string): OpCost => {
    const x = c.obj(o[k], `cost.${k}`) ?? {};
    return { cycles: c.num(x, 'cycles', `cost.${k}`, 0, 1e12), pj: c.num(x, 'pj', `cost.${k}`, 0, 1e12) };
  };
  return { synapticOp: op('synapticOp'), compartmentUpdate: op('compartmentUpdate'), learningOp: op('learningOp'), spike: op('spike'), hop: op('hop') };
}

// ---------------------------------------------------------------------------------------------------------------
// Cross checks (run only when every field has the right shape)
// ---------------------------------------------------------------------------------------------------------------

function monotone(c: Checker, a: Int32Array, f: string, total: number): boolean {
  if (a.length === 0 || a[0] !== 0) {
    c.report(IR_CODES.structure, `${f}[0]`, `${f} must start at 0`);
    return false;
  }
  for (let i = 1; i < a.length; i++) {
    if (a[i]! < a[i - 1]!) {
      c.report(IR_CODES.structure, `${f}[${i}]`, `${f} must be non-decreasing: ${f}[${i}] = ${a[i]} < ${a[i - 1]}`);
      return false;
    }
  }
  if (a[a.length - 1] !== total) {
    c.report(IR_CODES.structure, `${f}[${a.length - 1}]`, `${f} must end at ${total} (the number of entries), found ${a[a.length - 1]}`);
    return false;
  }
  return true;
}

/** Names every state a probe may read for a group. */
export function stateNames(g: CompartmentGroup): string[] {
  switch (g.model) {
    case 'loihi':
      return ['u', 'v', 'ref'];
    case 'cuba':
      return [...(g.current ? ['i'] : []), 'v', ...(g.dendrite ? [g.dendrite.name] : []), ...(g.extraCurrents ?? []).map((x) => x.name), 'ref'];
    case 'nsat':
      return [...Array.from({ length: g.states }, (_, k) => `x${k}`), 'ref'];
  }
}

function crossCheck(c: Checker, ir: DendriteIr): void {
  const owner = new Int8Array(ir.neuronCount); // 0 = unassigned, 1 = assigned
  const claim = (base: number, size: number, f: string) => {
    if (base + size > ir.neuronCount) {
      c.report(IR_CODES.reference, `${f}.neuronBase`, `${f} covers neuron ids ${base}..${base + size - 1}, beyond neuronCount ${ir.neuronCount}`);
      return;
    }
    for (let i = base; i < base + size; i++) {
      if (owner[i]) {
        c.report(IR_CODES.structure, `${f}.neuronBase`, `${f}: neuron id ${i} is already used by another source or group`);
        return;
      }
      owner[i] = 1;
    }
  };
  ir.sources.forEach((s, i) => claim(s.neuronBase, s.size, `sources[${i}]`));

  ir.cores.forEach((core, ci) => {
    const f = `cores[${ci}]`;
    // Groups tile the compartments.
    let next = 0;
    const groupOf = new Int32Array(core.compartmentCount).fill(-1);
    core.groups.forEach((g, gi) => {
      const gf = `${f}.groups[${gi}]`;
      if (g.first !== next) c.report(IR_CODES.structure, `${gf}.first`, `${gf}.first = ${g.first}, expected ${next}: groups must tile the core's compartments in order`);
      next = g.first + g.size;
      if (next > core.compartmentCount) {
        c.report(IR_CODES.structure, `${gf}.size`, `${gf} ends at compartment ${next - 1}, beyond compartmentCount ${core.compartmentCount}`);
      } else groupOf.fill(gi, g.first, next);
      claim(g.neuronBase, g.size, gf);
      if (g.model === 'loihi' && g.vmin > g.vmax) c.report(IR_CODES.range, `${gf}.vmin`, `${gf}.vmin exceeds vmax`);
    });
    if (next !== core.compartmentCount) c.report(IR_CODES.structure, `${f}.compartmentCount`, `${f}: groups cover ${next} compartments, compartmentCount is ${core.compartmentCount}`);

    const s = core.synapses;
    const sf = `${f}.synapses`;
    monotone(c, s.axonOffsets, `${sf}.axonOffsets`, s.targets.length);
    c.refs(s.axonGroup, `${sf}.axonGroup`, core.synapseGroups.length, 'synapse group');
    c.refs(s.targets, `${sf}.targets`, core.compartmentCount, 'compartment of this core');
    core.synapseGroups.forEach((g, gi) => {
      const gf = `${f}.synapseGroups[${gi}]`;
      if (g.weightMin > g.weightMax) c.report(IR_CODES.range, `${gf}.weightMin`, `${gf}.weightMin exceeds weightMax`);
      if (g.learning !== null && g.learning >= ir.learning.length) {
        c.report(IR_CODES.reference, `${gf}.learning`, `${gf}.learning = ${g.learning} does not name a learning program`,
          ir.learning.length ? `allowed range: 0..${ir.learning.length - 1}` : 'the IR has no learning programs');
      }
    });
    if (c.ds.length > 0) return;
    // Per synapse: weight in its group's range, port valid for the target's model, |weight·2^shift| exact.
    let wErr = 0;
    let pErr = 0;
    for (let a = 0; a < core.axonCount; a++) {
      const g = core.synapseGroups[s.axonGroup[a]!]!;
      for (let r = s.axonOffsets[a]!; r < s.axonOffsets[a + 1]!; r++) {
        const w = s.weights[r]!;
        if (Math.abs(w) * 2 ** g.weightShift > INT32_MAX && ++wErr <= MAX_ELEMENT_ERRORS) {
          c.report(IR_CODES.range, `${sf}.weights[${r}]`, `${sf}.weights[${r}] = ${w} shifted by ${g.weightShift} exceeds the 32-bit synaptic input range`,
            `|weight · 2^weightShift| must be at most ${INT32_MAX}`);
        }
        if ((w < g.weightMin || w > g.weightMax) && ++wErr <= MAX_ELEMENT_ERRORS) {
          c.report(IR_CODES.range, `${sf}.weights[${r}]`, `${sf}.weights[${r}] = ${w} is outside synapse group ${s.axonGroup[a]}'s weight range`,
            `allowed range: ${g.weightMin}..${g.weightMax}`);
        }
        const tg = core.groups[groupOf[s.targets[r]!]!];
        if (tg !== undefined && !hasInputPort(tg, s.ports[r]!) && ++pErr <= MAX_ELEMENT_ERRORS) {
          const ports = Array.from({ length: portCount(tg) }, (_, p) => p).filter((p) => hasInputPort(tg, p));
          c.report(IR_CODES.reference, `${sf}.ports[${r}]`, `${sf}.ports[${r}] = ${s.ports[r]} is not an input port of compartment group "${tg.name}" (${tg.model})`,
            `its input ports: ${ports.join(', ')}`);
        }
      }
    }
  });
  for (let i = 0; i < ir.neuronCount; i++) {
    if (!owner[i]) {
      c.report(IR_CODES.structure, 'neuronCount', `neuron id ${i} belongs to no source or compartment group`, 'neuron ids must be 0..neuronCount−1 without gaps');
      break;
    }
  }

  // Routing.
  const r = ir.routing;
  if (monotone(c, r.offsets, 'routing.offsets', r.core.length)) {
    if (r.axon.length !== r.core.length) c.report(IR_CODES.structure, 'routing.axon', `routing.axon has ${r.axon.length} entries, routing.core has ${r.core.length}`);
    c.refs(r.core, 'routing.core', ir.cores.length, 'core');
    let errs = 0;
    for (let k = 0; k < r.core.length && k < r.axon.length; k++) {
      const core = ir.cores[r.core[k]!];
      if (core !== undefined && r.axon[k]! >= core.axonCount && ++errs <= MAX_ELEMENT_ERRORS) {
        c.report(IR_CODES.reference, `routing.axon[${k}]`, `routing.axon[${k}] = ${r.axon[k]} is not an input axon of core ${r.core[k]}`,
          core.axonCount ? `allowed range: 0..${core.axonCount - 1}` : `core ${r.core[k]} has no input axons`);
      }
    }
  }

  // Populations, ports, probes.
  const pops = new Map<string, Population>();
  ir.populations.forEach((p, i) => {
    const f = `populations[${i}]`;
    if (pops.has(p.name)) c.report(IR_CODES.structure, `${f}.name`, `population "${p.name}" is defined twice`);
    pops.set(p.name, p);
    if (p.neuronBase + p.size > ir.neuronCount) c.report(IR_CODES.reference, `${f}.size`, `${f} covers neuron ids beyond neuronCount ${ir.neuronCount}`);
    let total = 0;
    p.placement.forEach((pl, j) => {
      const pf = `${f}.placement[${j}]`;
      if (pl.kind === 'source') {
        const src = ir.sources[pl.source];
        if (src === undefined) c.report(IR_CODES.reference, `${pf}.source`, `${pf}.source = ${pl.source} does not name a source`);
        else {
          if (src.neuronBase !== p.neuronBase + total) c.report(IR_CODES.structure, pf, `${pf}: source neuron ids do not continue the population's ids`);
          total += src.size;
        }
      } else {
        const g = ir.cores[pl.core]?.groups[pl.group];
        if (g === undefined) c.report(IR_CODES.reference, pf, `${pf} names core ${pl.core} group ${pl.group}, which does not exist`);
        else {
          if (pl.offset + pl.count > g.size) c.report(IR_CODES.range, `${pf}.count`, `${pf} exceeds group "${g.name}" (size ${g.size})`);
          if (g.neuronBase + pl.offset !== p.neuronBase + total) c.report(IR_CODES.structure, pf, `${pf}: group neuron ids do not continue the population's ids`);
          total += pl.count;
        }
      }
    });
    if (total !== p.size) c.report(IR_CODES.structure, `${f}.placement`, `${f}: placements hold ${total} neurons, size is ${p.size}`);
  });
  const needPop = (name: string, f: string) => {
    if (!pops.has(name)) c.report(IR_CODES.reference, f, `${f}: no population named "${name}"`, hintName(name, pops.keys()));
  };
  ir.ports.inputs.forEach((n, i) => needPop(n, `ports.inputs[${i}]`));
  ir.ports.outputs.forEach((n, i) => needPop(n, `ports.outputs[${i}]`));
  const probeNames = new Set<string>();
  ir.probes.forEach((p, i) => {
    const f = `probes[${i}]`;
    if (probeNames.has(p.name)) c.report(IR_CODES.structure, `${f}.name`, `probe "${p.name}" is defined twice`);
    probeNames.add(p.name);
    if (p.kind === 'weights') {
      const core = ir.cores[p.core];
      if (core === undefined) c.report(IR_CODES.reference, `${f}.core`, `${f}.core = ${p.core} does not name a core`);
      else if (p.synapseGroup >= core.synapseGroups.length) c.report(IR_CODES.reference, `${f}.synapseGroup`, `${f}.synapseGroup = ${p.synapseGroup} does not name a synapse group of core ${p.core}`);
      return;
    }
    needPop(p.population, `${f}.population`);
    const pop = pops.get(p.population);
    if (p.kind === 'state' && pop !== undefined) {
      for (const pl of pop.placement) {
        if (pl.kind === 'source') {
          c.report(IR_CODES.reference, `${f}.state`, `${f}: population "${pop.name}" is a source and has no state "${p.state}"`);
          return;
        }
        const g = ir.cores[pl.core]?.groups[pl.group];
        if (g !== undefined && !stateNames(g).includes(p.state)) {
          c.report(IR_CODES.reference, `${f}.state`, `${f}: compartments of "${pop.name}" have no state "${p.state}"`, `states: ${stateNames(g).join(', ')}`);
          return;
        }
      }
    }
  });
}

function hintName(name: string, names: Iterable<string>): string | undefined {
  const all = [...names];
  return all.length ? `populations: ${all.slice(0, 10).join(', ')}${all.length > 10 ? ', …' : ''}` : undefined;
}
