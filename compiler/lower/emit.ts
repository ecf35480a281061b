/**
 * Assembling the IR from a mapping: per core one compartment group (the population slice the mapper put
 * there), input axons, the CSR synapse table and its synapse groups; routing (neuron → (core, axon)); the
 * population placements, probes, ports, cost table and reports.
 *
 * Axons: the mapper counts one axon per (presynaptic population, neuron) reaching a core. The IR gives every
 * axon one synapse group (weight format, blank-out, learning), so when several projections from the same
 * presynaptic population reach one core, each gets its own axons; the lowering re-checks the core's input-axon
 * limit after emitting (`EmittedCore.axonCount`).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Network, Projection } from '../model.js';
import type { SynapseTable as FloatTable } from '../network/connectivity.js';
import type { TargetProfile } from '../target/profile.js';
import {
  IR_FORMAT,
  type Core,
  type CostTable,
  type DendriteIr,
  type Json,
  type LearningProgram,
  type Placement,
  type Population as IrPopulation,
  type Probe as IrProbe,
  type Source,
  type SynapseGroup,
} from '../../ir/types.js';
import type { Mapping } from './map.js';
import type { LoweredNeuron } from './neurons.js';

export const EMIT_CODES = {
  probe: 'SNN3501',
  axons: 'SNN3502',
} as const;

/** A population ready to emit: a source (index into `sources`) or a lowered neuron. */
export interface EmitPopulation {
  readonly name: string;
  readonly size: number;
  readonly neuronBase: number;
  readonly source?: number;
  readonly neuron?: LoweredNeuron;
}

/** A projection ready to emit: its synapses and their stored integer weights. */
export interface EmitProjection {
  readonly projection: Projection;
  readonly table: FloatTable;
  /** Stored weight of each synapse of `table` (same order). */
  readonly weights: Int32Array;
  readonly group: Omit<SynapseGroup, 'name'>;
  /** Extra delay in steps (IR latency is 1 + delay). */
  readonly delay: number;
  /** IR input port of the post compartment. */
  readonly port: number;
}

export interface EmitInput {
  readonly network: Network;
  readonly profile: TargetProfile;
  readonly mapping: Mapping;
  readonly populations: readonly EmitPopulation[];
  readonly projections: readonly EmitProjection[];
  readonly sources: readonly Source[];
  readonly learning: readonly LearningProgram[];
  readonly neuronCount: number;
  readonly steps: number;
  readonly producer: string;
  readonly reports: { readonly [name: string]: Json };
  readonly targetDetails: Json;
}

export interface EmitResult {
  readonly ir: DendriteIr;
  readonly diagnostics: Diagnostic[];
}

/** First index in the sorted slice post[lo..hi) whose value is ≥ x. */
function lowerBound(a: Int32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function rowsSorted(t: FloatTable): boolean {
  for (let i = 0; i < t.preSize; i++) {
    for (let k = t.rowPtr[i]! + 1; k < t.rowPtr[i + 1]!; k++) if (t.post[k]! < t.post[k - 1]!) return false;
  }
  return true;
}

export function costTable(p: TargetProfile): CostTable {
  const c = p.cost;
  const op = (x: { cycles: number; pj: number }) => ({ cycles: x.cycles, pj: x.pj });
  return {
    synapticOp: op(c.synaptic_op),
    compartmentUpdate: op(c.compartment_update),
    learningOp: op(c.learning_op),
    spike: op(c.spike),
    hop: op(c.hop),
  };
}

export function emitIr(input: EmitInput): EmitResult {
  const { network, profile, mapping } = input;
  const ds: Diagnostic[] = [];
  const popByName = new Map(input.populations.map((p) => [p.name, p]));
  const sorted = new Map(input.projections.map((e) => [e, rowsSorted(e.table)]));
  const incoming = new Map<string, EmitProjection[]>();
  for (const e of input.projections) {
    const list = incoming.get(e.projection.post) ?? [];
    list.push(e);
    incoming.set(e.projection.post, list);
  }

  const cores: Core[] = [];
  const placements = new Map<string, Placement[]>();
  // Routing entries, per core in axon order: (global pre neuron, core, axon).
  const routeNeuron: Int32Array[] = [];
  const weightProbeTargets = new Map<string, { core: number; group: number }[]>();

  for (const ca of mapping.cores) {
    const pop = popByName.get(ca.population)!;
    const lowered = pop.neuron!;
    const size = ca.end - ca.start;
    const slicedName = size === pop.size ? pop.name : `${pop.name}[${ca.start}:${ca.end}]`;
    const group = lowered.makeGroup(slicedName, 0, size, pop.neuronBase + ca.start, ca.start);
    const list = placements.get(pop.name) ?? [];
    list.push({ kind: 'group', core: cores.length, group: 0, offset: 0, count: size });
    placements.set(pop.name, list);

    // Axons: per presynaptic block (mapper order), per projection from that population, per neuron.
    const projs = incoming.get(pop.name) ?? [];
    interface AxonRun { e: EmitProjection; sg: number; pre: number; lo: number; hi: number }
    const runs: AxonRun[] = [];
    const synapseGroups: SynapseGroup[] = [];
    const sgOf = new Map<EmitProjection, number>();
    let nSyn = 0;
    for (const block of ca.axons) {
      for (const e of projs) {
        if (e.projection.pre !== block.population) continue;
        const t = e.table;
        const isSorted = sorted.get(e)!;
        for (let k = 0; k < block.neurons.length; k++) {
          const i = block.neurons[k]!;
          let lo = t.rowPtr[i]!;
          let hi = t.rowPtr[i + 1]!;
          if (isSorted) {
            lo = lowerBound(t.post, lo, hi, ca.start);
            hi = lowerBound(t.post, lo, hi, ca.end);
          }
          let count = 0;
          if (isSorted) count = hi - lo;
          else for (let r = lo; r < hi; r++) if (t.post[r]! >= ca.start && t.post[r]! < ca.end) count++;
          if (count === 0) continue;
          let sg = sgOf.get(e);
          if (sg === undefined) {
            sg = synapseGroups.length;
            sgOf.set(e, sg);
            synapseGroups.push({ name: e.projection.name, ...e.group });
          }
          runs.push({ e, sg, pre: i, lo, hi });
          nSyn += count;
        }
      }
    }
    const axonCount = runs.length;
    const axonOffsets = new Int32Array(axonCount + 1);
    const axonGroup = new Int32Array(axonCount);
    const targets = new Int32Array(nSyn);
    const weights = new Int32Array(nSyn);
    const delays = new Uint8Array(nSyn);
    const ports = new Uint8Array(nSyn);
    const routes = new Int32Array(axonCount);
    let r = 0;
    for (let a = 0; a < axonCount; a++) {
      const run = runs[a]!;
      const t = run.e.table;
      axonGroup[a] = run.sg;
      routes[a] = popByName.get(run.e.projection.pre)!.neuronBase + run.pre;
      for (let k = run.lo; k < run.hi; k++) {
        const j = t.post[k]!;
        if (j < ca.start || j >= ca.end) continue;
        targets[r] = j - ca.start;
        weights[r] = run.e.weights[k]!;
        delays[r] = run.e.delay;
        ports[r] = run.e.port;
        r++;
      }
      axonOffsets[a + 1] = r;
    }
    if (axonCount > profile.core.input_axons) {
      ds.push({
        code: EMIT_CODES.axons,
        severity: 'error',
        message: `core ${cores.length} (${slicedName}) needs ${axonCount.toLocaleString('en-US')} input axons once each projection has its own axons; ${profile.name} allows ${profile.core.input_axons.toLocaleString('en-US')}`,
        span: input.network.populations.find((p) => p.name === pop.name)?.span,
        hint: 'merge the projections from the same presynaptic population, or make them sparser',
      });
    }
    for (const [e, sg] of sgOf) {
      const l = weightProbeTargets.get(e.projection.name) ?? [];
      l.push({ core: cores.length, group: sg });
      weightProbeTargets.set(e.projection.name, l);
    }
    routeNeuron.push(routes);
    cores.push({
      mesh: { x: ca.place.x + ca.place.chip * profile.chip.mesh.width, y: ca.place.y },
      compartmentCount: size,
      groups: [group],
      axonCount,
      synapses: { axonOffsets, axonGroup, targets, weights, delays, ports },
      synapseGroups,
    });
  }

  // Routing CSR over global neuron ids; entries per neuron in (core, axon) order.
  const offsets = new Int32Array(input.neuronCount + 1);
  for (const routes of routeNeuron) for (let a = 0; a < routes.length; a++) offsets[routes[a]! + 1]!++;
  for (let n = 0; n < input.neuronCount; n++) offsets[n + 1]! += offsets[n]!;
  const total = offsets[input.neuronCount]!;
  const rCore = new Int32Array(total);
  const rAxon = new Int32Array(total);
  const cursor = offsets.slice(0, input.neuronCount);
  routeNeuron.forEach((routes, c) => {
    for (let a = 0; a < routes.length; a++) {
      const k = cursor[routes[a]!]!++;
      rCore[k] = c;
      rAxon[k] = a;
    }
  });

  // Populations in network order.
  const populations: IrPopulation[] = input.populations.map((p) => ({
    name: p.name,
    neuronBase: p.neuronBase,
    size: p.size,
    placement: p.source !== undefined ? [{ kind: 'source', source: p.source }] : placements.get(p.name) ?? [],
  }));

  // Probes.
  const probes: IrProbe[] = [];
  const used = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let k = 2; used.has(n); k++) n = `${name}#${k}`;
    used.add(n);
    return n;
  };
  for (const pr of network.probes) {
    const t = pr.target;
    const decimation = Math.max(1, Math.round(pr.every));
    if (t.kind === 'spikes') probes.push({ name: unique(`${t.population}.spikes`), kind: 'spikes', population: t.population, decimation });
    else if (t.kind === 'state') {
      const pop = popByName.get(t.population);
      const irName = t.variable === 'ref' ? 'ref' : pop?.neuron?.plan.irState.get(t.variable);
      if (!irName) {
        ds.push({ code: EMIT_CODES.probe, severity: 'warning', message: `probe of ${t.population}.${t.variable} dropped: the population has no such state on ${profile.name}`, span: pr.span });
        continue;
      }
      probes.push({ name: unique(`${t.population}.${t.variable}`), kind: 'state', population: t.population, state: irName, decimation });
    } else if (t.kind === 'weights') {
      const places = weightProbeTargets.get(t.projection) ?? [];
      places.forEach((pl, k) =>
        probes.push({ name: unique(places.length === 1 ? `${t.projection}.w` : `${t.projection}.w@${k}`), kind: 'weights', core: pl.core, synapseGroup: pl.group, decimation }),
      );
    } else {
      ds.push({ code: EMIT_CODES.probe, severity: 'warning', message: `probe of trace ${t.trace} of ${t.projection} dropped: the IR cannot record learning traces yet`, span: pr.span });
    }
  }

  // Ports: sources are inputs; the protocol's readout (or every population nothing listens to) is the output.
  const inputs = input.populations.filter((p) => p.source !== undefined).map((p) => p.name);
  const hasOut = new Set(network.projections.map((p) => p.pre));
  const outputs = network.protocol
    ? [network.protocol.readout]
    : input.populations.filter((p) => p.neuron && !hasOut.has(p.name)).map((p) => p.name);

  const ir: DendriteIr = {
    format: IR_FORMAT,
    target: { name: profile.name, details: input.targetDetails },
    producer: input.producer,
    seed: ((network.seed % 2 ** 32) + 2 ** 32) % 2 ** 32,
    dt: network.dt,
    steps: input.steps,
    neuronCount: input.neuronCount,
    sources: input.sources,
    cores,
    routing: { offsets, core: rCore, axon: rAxon },
    learning: input.learning,
    populations,
    ports: { inputs, outputs: outputs.filter((n) => popByName.has(n)) },
    probes,
    cost: costTable(profile),
    reports: input.reports,
  };
  return { ir, diagnostics: ds };
}
