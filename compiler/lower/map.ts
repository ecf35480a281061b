/**
 * Mapping: populations → cores. Each on-chip population is cut into contiguous slices, greedily grown neuron
 * by neuron while every per-core limit holds (compartments, input axons = distinct presynaptic sources,
 * synapse memory as the target counts it, profile slots); slices whose output axons exceed the limit are then
 * cut further. One slice occupies one core; cores are placed on the chip mesh in order (placement.ts).
 * A limit that even a single neuron exceeds cannot be fixed by splitting and is reported with the
 * population's source location, the resource, the need and the limit.
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.js';
import { totalCores, type TargetProfile } from '../target/profile.js';
import { placeCores, type CorePlace } from './placement.js';
import { bitsPerSynapse, rowBits } from './synapseMemory.js';

// ---------------------------------------------------------------------------------------------------------
// Input

/** Presynaptic-major CSR (the shape of compiler/network's SynapseTable, weights not needed). */
export interface Connectivity {
  readonly preSize: number;
  readonly postSize: number;
  /** rowPtr[i]..rowPtr[i+1] index the synapses of pre neuron i; length preSize + 1. */
  readonly rowPtr: Int32Array;
  /** Post neuron of each synapse. */
  readonly post: Int32Array;
}

export interface MappingPopulation {
  readonly name: string;
  readonly size: number;
  readonly span?: Span;
  /** False for host-driven sources (spike inputs): they use input axons on their targets but no compartments. */
  readonly onChip: boolean;
  readonly plastic?: boolean;
  /** Compartments one neuron occupies (multi-compartment neurons); default 1. */
  readonly compartmentsPerNeuron?: number;
  /** Neuron parameter-set id of each neuron (length `size`); default: all neurons share set 0. */
  readonly profileOf?: Int32Array;
}

export interface MappingProjection {
  readonly name: string;
  readonly pre: string;
  readonly post: string;
  readonly span?: Span;
  readonly connectivity: Connectivity;
  /** Stored weight bits; default the target's synapse.weight.mant_bits. */
  readonly weightBits?: number;
  readonly delayed?: boolean;
  readonly plastic?: boolean;
}

export interface MappingProblem {
  readonly populations: readonly MappingPopulation[];
  readonly projections: readonly MappingProjection[];
  /** Source texts by file, so messages can say `h1 (erbp.snn:12:3)`. Optional. */
  readonly sources?: ReadonlyMap<string, string>;
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** The presynaptic neurons of one population reaching a core: axon id = axonBase + index in `neurons`. */
export interface AxonBlock {
  readonly population: string;
  readonly axonBase: number;
  /** Ascending presynaptic neuron indices. */
  readonly neurons: Int32Array;
}

export interface CoreUse {
  readonly compartments: number;
  readonly inputAxons: number;
  readonly outputAxons: number;
  readonly synapseBits: number;
  readonly profiles: number;
  readonly synapses: number;
}

export interface CoreAssignment {
  readonly index: number;
  readonly place: CorePlace;
  readonly population: string;
  /** Neurons [start, end) of the population. */
  readonly start: number;
  readonly end: number;
  readonly axons: readonly AxonBlock[];
  readonly use: CoreUse;
  /** Synapses per incoming projection held by this core. */
  readonly synapsesByProjection: Readonly<Record<string, number>>;
}

export interface Mapping {
  readonly target: string;
  readonly cores: readonly CoreAssignment[];
  /** Core indices of each on-chip population, in neuron order. */
  readonly coresOf: ReadonlyMap<string, readonly number[]>;
  readonly chipsUsed: number;
  /** Axon-weighted mean mesh distance between communicating cores (estimate of routing cost). */
  readonly meanHops: number;
}

export type MappingResult =
  | { readonly mapping: Mapping; readonly diagnostics: readonly Diagnostic[] }
  | { readonly mapping?: undefined; readonly diagnostics: readonly Diagnostic[] };

export const MAP_CODES = {
  unknownPopulation: 'SNN3201',
  inputAxons: 'SNN3202',
  synapseMemory: 'SNN3203',
  outputAxons: 'SNN3204',
  totalCores: 'SNN3205',
  compartments: 'SNN3206',
  badConnectivity: 'SNN3207',
} as const;

// ---------------------------------------------------------------------------------------------------------

const fmt = (n: number) => n.toLocaleString('en-US');

function lineCol(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `${line}:${end - start + 1}`;
}

function where(pop: { name: string; span?: Span }, sources?: ReadonlyMap<string, string>): string {
  const s = pop.span;
  if (!s) return pop.name;
  const text = sources?.get(s.file);
  const base = s.file.split(/[\\/]/).pop();
  return text === undefined ? pop.name : `${pop.name} (${base}:${lineCol(text, s.start)})`;
}

/** Post-major view of one incoming projection. */
interface Incoming {
  readonly proj: MappingProjection;
  readonly prePop: number;
  /** postPtr[j]..postPtr[j+1] index the presynaptic neurons of post neuron j. */
  readonly postPtr: Int32Array;
  readonly pre: Int32Array;
  readonly bps: number;
}

function transpose(c: Connectivity): { postPtr: Int32Array; pre: Int32Array } {
  const postPtr = new Int32Array(c.postSize + 1);
  const n = c.rowPtr[c.preSize]!;
  for (let k = 0; k < n; k++) postPtr[c.post[k]! + 1]!++;
  for (let j = 0; j < c.postSize; j++) postPtr[j + 1]! += postPtr[j]!;
  const fill = postPtr.slice(0, c.postSize);
  const pre = new Int32Array(n);
  for (let i = 0; i < c.preSize; i++) {
    for (let k = c.rowPtr[i]!; k < c.rowPtr[i + 1]!; k++) pre[fill[c.post[k]!]!++] = i;
  }
  return { postPtr, pre };
}

function checkConnectivity(c: Connectivity, preSize: number, postSize: number): string | undefined {
  if (c.preSize !== preSize || c.postSize !== postSize) {
    return `connectivity is ${c.preSize}×${c.postSize} but the populations are ${preSize}×${postSize}`;
  }
  if (c.rowPtr.length !== preSize + 1 || c.rowPtr[0] !== 0) return 'rowPtr must have preSize + 1 entries starting at 0';
  for (let i = 0; i < preSize; i++) if (c.rowPtr[i + 1]! < c.rowPtr[i]!) return 'rowPtr must not decrease';
  if (c.rowPtr[preSize]! > c.post.length) return 'rowPtr points past the post array';
  for (let k = 0; k < c.rowPtr[preSize]!; k++) {
    const j = c.post[k]!;
    if (j < 0 || j >= postSize) return `post index ${j} outside 0..${postSize - 1}`;
  }
  return undefined;
}

interface Slice {
  readonly pop: number;
  readonly start: number;
  readonly end: number;
}

/** Maps a problem onto a target; returns the mapping or the diagnostics that make it impossible. */
export function mapNetwork(problem: MappingProblem, target: TargetProfile): MappingResult {
  const diags: Diagnostic[] = [];
  const pops = problem.populations;
  const popIndex = new Map<string, number>();
  pops.forEach((p, i) => popIndex.set(p.name, i));
  const core = target.core;
  const mem = core.synapse_memory;

  // Incoming projections of each population, post-major.
  const incoming: Incoming[][] = pops.map(() => []);
  const outgoing: { proj: MappingProjection; postPop: number }[][] = pops.map(() => []);
  for (const proj of problem.projections) {
    const a = popIndex.get(proj.pre);
    const b = popIndex.get(proj.post);
    if (a === undefined || b === undefined) {
      diags.push({
        code: MAP_CODES.unknownPopulation,
        severity: 'error',
        message: `projection ${proj.name} refers to unknown population \`${a === undefined ? proj.pre : proj.post}\``,
        span: proj.span,
      });
      continue;
    }
    const bad = checkConnectivity(proj.connectivity, pops[a]!.size, pops[b]!.size);
    if (bad) {
      diags.push({ code: MAP_CODES.badConnectivity, severity: 'error', message: `projection ${proj.name}: ${bad}`, span: proj.span });
      continue;
    }
    const { postPtr, pre } = transpose(proj.connectivity);
    const bps = bitsPerSynapse(mem, core.compartments, {
      weightBits: proj.weightBits ?? target.synapse.weight.mant_bits,
      delayed: proj.delayed ?? false,
      plastic: proj.plastic ?? false,
    });
    incoming[b]!.push({ proj, prePop: a, postPtr, pre, bps });
    outgoing[a]!.push({ proj, postPop: b });
  }
  if (diags.length) return { diagnostics: diags };

  // Stamp arrays: stamp[prePop][i] === sliceId marks pre neuron i as already an axon of the current slice.
  const axonStamp = pops.map((p) => new Int32Array(p.size).fill(-1));
  const rowCount = new Map<MappingProjection, Int32Array>();
  const rowStamp = new Map<MappingProjection, Int32Array>();
  for (const list of incoming) {
    for (const inc of list) {
      rowCount.set(inc.proj, new Int32Array(inc.proj.connectivity.preSize));
      rowStamp.set(inc.proj, new Int32Array(inc.proj.connectivity.preSize).fill(-1));
    }
  }

  const slices: Slice[] = [];
  let sliceId = 0;
  for (let p = 0; p < pops.length; p++) {
    const pop = pops[p]!;
    if (!pop.onChip || pop.size === 0) continue;
    const cpn = pop.compartmentsPerNeuron ?? 1;
    if (cpn > core.compartments) {
      diags.push(limitError(MAP_CODES.compartments, pop, problem, target, 'compartments', cpn, core.compartments,
        'use fewer compartments per neuron'));
      continue;
    }
    let maxProfile = 0;
    if (pop.profileOf) for (let i = 0; i < pop.profileOf.length; i++) maxProfile = Math.max(maxProfile, pop.profileOf[i]!);
    const profileStamp = new Int32Array(maxProfile + 1).fill(-1);
    const inc = incoming[p]!;
    // Per-slice running totals.
    let start = 0;
    let comps = 0;
    let axons = 0;
    let bits = 0;
    let profiles = 0;
    const axonsByProj = new Float64Array(inc.length); // dense encoding needs axons per projection
    let failed = false;

    const reset = () => {
      sliceId++;
      comps = 0;
      axons = 0;
      bits = 0;
      profiles = 0;
      axonsByProj.fill(0);
    };
    reset();
    for (let j = 0; j < pop.size && !failed; j++) {
      // Try to add neuron j to the current slice; retry once on a fresh slice.
      for (let attempt = 0; attempt < 2; attempt++) {
        const size = j - start + 1;
        let newAxons = 0;
        let deltaBits = 0;
        // Count what neuron j adds. Stamps are written as we go; if j does not fit, the slice is closed and
        // the next slice id makes those stamps stale, so nothing needs undoing.
        for (let q = 0; q < inc.length; q++) {
          const e = inc[q]!;
          const stamp = axonStamp[e.prePop]!;
          const rc = rowCount.get(e.proj)!;
          const rs = rowStamp.get(e.proj)!;
          for (let k = e.postPtr[j]!; k < e.postPtr[j + 1]!; k++) {
            const i = e.pre[k]!;
            if (stamp[i] !== sliceId) {
              stamp[i] = sliceId;
              newAxons++;
            }
            if (rs[i] !== sliceId) {
              rs[i] = sliceId;
              rc[i] = 0;
              if (mem.encoding === 'dense') axonsByProj[q]!++;
            }
            if (mem.encoding === 'sparse') deltaBits += rowBits(mem, rc[i]! + 1, e.bps) - rowBits(mem, rc[i]!, e.bps);
            rc[i]!++;
          }
        }
        const prof = pop.profileOf ? pop.profileOf[j]! : 0;
        const newProfile = profileStamp[prof] !== sliceId ? 1 : 0;
        let totalBits = bits + deltaBits;
        if (mem.encoding === 'dense') {
          totalBits = 0;
          for (let q = 0; q < inc.length; q++) totalBits += axonsByProj[q]! * rowBits(mem, size * cpn, inc[q]!.bps);
        }
        const fits =
          comps + cpn <= core.compartments &&
          axons + newAxons <= core.input_axons &&
          (mem.counting === 'crossbar' || totalBits <= mem.bits) &&
          profiles + newProfile <= core.profile_slots;
        if (fits) {
          comps += cpn;
          axons += newAxons;
          bits = totalBits;
          profiles += newProfile;
          profileStamp[prof] = sliceId;
          break;
        }
        if (j === start) {
          // A single neuron does not fit an empty core: splitting cannot help.
          if (axons + newAxons > core.input_axons) {
            diags.push(limitError(MAP_CODES.inputAxons, pop, problem, target, 'input axons', newAxons, core.input_axons,
              'one neuron\u2019s fan-in cannot be split across cores; use a sparser connector or a smaller presynaptic population'));
          } else {
            diags.push(limitError(MAP_CODES.synapseMemory, pop, problem, target, 'bits of synapse memory', totalBits, mem.bits,
              'one neuron\u2019s synapses cannot be split across cores; use fewer or narrower synapses'));
          }
          failed = true;
          break;
        }
        // Close the slice [start, j) and retry j on a fresh one. The stamps j set belong to the old slice id,
        // so they are simply ignored by the new one.
        slices.push({ pop: p, start, end: j });
        start = j;
        reset();
      }
    }
    if (!failed) slices.push({ pop: p, start, end: pop.size });
  }
  if (diags.length) return { diagnostics: diags };

  // Output axons: Σ over a slice's neurons of the distinct destination slices. Cutting a slice does not change
  // its own neurons' destinations, but it adds destinations to neurons projecting into it, so repeat until
  // no slice needs cutting (slices only get finer, so this ends).
  const perNeuronLimit =
    core.output_axons_per_neuron > 0 ? Math.min(core.output_axons_per_neuron, core.output_axons) : core.output_axons;
  let current = slices;
  for (;;) {
    const outCount = outputAxonCounts(pops, outgoing, current);
    const next: Slice[] = [];
    for (const s of current) {
      const counts = outCount[s.pop]!;
      let start = s.start;
      let sum = 0;
      for (let i = s.start; i < s.end; i++) {
        const c = counts[i]!;
        if (c > perNeuronLimit) {
          const pop = pops[s.pop]!;
          diags.push(
            limitError(MAP_CODES.outputAxons, pop, problem, target, 'output axons for one neuron', c, perNeuronLimit,
              core.output_axons_per_neuron > 0
                ? 'its fan-out reaches too many cores; insert splitter (relay) neurons'
                : 'its fan-out reaches too many cores; reduce the fan-out'),
          );
          return { diagnostics: diags };
        }
        if (sum + c > core.output_axons) {
          next.push({ pop: s.pop, start, end: i });
          start = i;
          sum = 0;
        }
        sum += c;
      }
      next.push({ pop: s.pop, start, end: s.end });
    }
    const done = next.length === current.length;
    current = next;
    if (done) break;
  }
  const final = current;

  const available = totalCores(target);
  if (final.length > available) {
    const perChip = target.chip.cores;
    const chips = Math.ceil(final.length / perChip);
    return {
      diagnostics: [
        {
          code: MAP_CODES.totalCores,
          severity: 'error',
          message: `the network needs ${fmt(final.length)} cores; ${target.name} has ${fmt(available)} (${target.chip.max_chips} chip${target.chip.max_chips === 1 ? '' : 's'} × ${fmt(perChip)} cores)`,
          hint: chips <= 65536 ? `allow more chips with --set chip.max_chips=${chips}` : 'the network is too large for this target',
        },
      ],
    };
  }

  return { mapping: buildMapping(problem, target, final, incoming, popIndex), diagnostics: [] };
}

/** Per neuron of every on-chip population: the number of distinct destination slices (output axons). */
function outputAxonCounts(
  pops: readonly MappingPopulation[],
  outgoing: readonly (readonly { proj: MappingProjection; postPop: number }[])[],
  slices: readonly Slice[],
): Int32Array[] {
  const sliceOf = pops.map((p) => new Int32Array(p.size).fill(-1));
  slices.forEach((s, k) => sliceOf[s.pop]!.fill(k, s.start, s.end));
  const counts = pops.map((p) => new Int32Array(p.size));
  const stamp = new Int32Array(slices.length).fill(-1);
  let id = 0;
  for (let p = 0; p < pops.length; p++) {
    if (!pops[p]!.onChip) continue;
    for (let i = 0; i < pops[p]!.size; i++) {
      id++;
      let n = 0;
      for (const { proj, postPop } of outgoing[p]!) {
        const c = proj.connectivity;
        const dst = sliceOf[postPop]!;
        for (let k = c.rowPtr[i]!; k < c.rowPtr[i + 1]!; k++) {
          const d = dst[c.post[k]!]!;
          if (d >= 0 && stamp[d] !== id) {
            stamp[d] = id;
            n++;
          }
        }
      }
      counts[p]![i] = n;
    }
  }
  return counts;
}

function limitError(
  code: string,
  pop: MappingPopulation,
  problem: MappingProblem,
  target: TargetProfile,
  resource: string,
  need: number,
  limit: number,
  advice: string,
): Diagnostic {
  return {
    code,
    severity: 'error',
    message: `${where(pop, problem.sources)} needs ${fmt(need)} ${resource} on one core; ${target.name} allows ${fmt(limit)} \u2014 ${advice}`,
    span: pop.span,
  };
}

/** Final pass: axon tables, per-core use, placement. */
function buildMapping(
  problem: MappingProblem,
  target: TargetProfile,
  slices: readonly Slice[],
  incoming: readonly (readonly Incoming[])[],
  popIndex: ReadonlyMap<string, number>,
): Mapping {
  const pops = problem.populations;
  const mem = target.core.synapse_memory;
  const places = placeCores(slices.length, target);
  const sliceOf = pops.map((p) => new Int32Array(p.size).fill(-1));
  slices.forEach((s, k) => sliceOf[s.pop]!.fill(k, s.start, s.end));
  const marks = pops.map((p) => new Uint8Array(p.size));
  const coresOf = new Map<string, number[]>();
  const cores: CoreAssignment[] = [];
  let hopSum = 0;
  let hopWeight = 0;

  for (let k = 0; k < slices.length; k++) {
    const s = slices[k]!;
    const pop = pops[s.pop]!;
    const cpn = pop.compartmentsPerNeuron ?? 1;
    const inc = incoming[s.pop]!;
    const byProj: Record<string, number> = {};
    let synapses = 0;
    let bits = 0;
    // Distinct presynaptic neurons per pre population (axon table) and per-row counts (memory).
    const preLists = new Map<number, number[]>();
    for (const e of inc) {
      const mark = marks[e.prePop]!;
      let list = preLists.get(e.prePop);
      if (!list) preLists.set(e.prePop, (list = []));
      const rows = new Map<number, number>();
      let n = 0;
      for (let j = s.start; j < s.end; j++) {
        for (let q = e.postPtr[j]!; q < e.postPtr[j + 1]!; q++) {
          const i = e.pre[q]!;
          if (!mark[i]) {
            mark[i] = 1;
            list.push(i);
          }
          rows.set(i, (rows.get(i) ?? 0) + 1);
          n++;
        }
      }
      byProj[e.proj.name] = (byProj[e.proj.name] ?? 0) + n;
      synapses += n;
      for (const c of rows.values()) {
        bits += mem.encoding === 'dense' ? rowBits(mem, (s.end - s.start) * cpn, e.bps) : rowBits(mem, c, e.bps);
      }
    }
    const axons: AxonBlock[] = [];
    let axonBase = 0;
    for (const [prePop, list] of [...preLists.entries()].sort((a, b) => a[0] - b[0])) {
      const neurons = Int32Array.from(list).sort();
      for (const i of neurons) marks[prePop]![i] = 0;
      if (neurons.length === 0) continue;
      axons.push({ population: pops[prePop]!.name, axonBase, neurons });
      axonBase += neurons.length;
      // Traffic estimate: each axon carries one pre neuron's spikes from its core (hosts count as distance 0).
      if (pops[prePop]!.onChip) {
        for (const i of neurons) {
          const src = sliceOf[prePop]![i]!;
          hopSum += distance(places[src]!, places[k]!);
          hopWeight++;
        }
      }
    }
    let profiles = 1;
    if (pop.profileOf) profiles = new Set(pop.profileOf.subarray(s.start, s.end)).size;
    if (mem.counting === 'crossbar') {
      // Crossbar points in use, charged at the array's bits per point.
      const perPoint = mem.bits / (target.core.input_axons * target.core.compartments);
      bits = axonBase * (s.end - s.start) * cpn * perPoint;
    }
    cores.push({
      index: k,
      place: places[k]!,
      population: pop.name,
      start: s.start,
      end: s.end,
      axons,
      use: { compartments: (s.end - s.start) * cpn, inputAxons: axonBase, outputAxons: 0, synapseBits: bits, profiles, synapses },
      synapsesByProjection: byProj,
    });
    const list = coresOf.get(pop.name) ?? [];
    list.push(k);
    coresOf.set(pop.name, list);
  }

  // Output axons per core: Σ over its neurons of distinct destination cores.
  const outCounts = outputAxonCounts(pops, outgoingOf(problem, popIndex), slices);
  const outAxons = slices.map((sl) => outCounts[sl.pop]!.subarray(sl.start, sl.end).reduce((a, b) => a + b, 0));
  const withOut = cores.map((c) => ({ ...c, use: { ...c.use, outputAxons: outAxons[c.index]! } }));
  const chipsUsed = slices.length === 0 ? 0 : places[slices.length - 1]!.chip + 1;
  return {
    target: target.name,
    cores: withOut,
    coresOf,
    chipsUsed,
    meanHops: hopWeight ? hopSum / hopWeight : 0,
  };
}

function outgoingOf(problem: MappingProblem, popIndex: ReadonlyMap<string, number>) {
  const out: { proj: MappingProjection; postPop: number }[][] = problem.populations.map(() => []);
  for (const proj of problem.projections) out[popIndex.get(proj.pre)!]!.push({ proj, postPop: popIndex.get(proj.post)! });
  return out;
}

function distance(a: CorePlace, b: CorePlace): number {
  // Between chips, count the hops to leave one mesh and enter the other as the full mesh diagonal plus one.
  if (a.chip !== b.chip) return a.x + a.y + b.x + b.y + 1;
  return Math.abs(a.x - b.x) + Math.abs(a.y - b.y);
}
