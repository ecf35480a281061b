/**
 * The fixed-point side of a comparison: runs an IR on the emulator and collects, per population, the spike
 * trains and selected integer state variables in the same shape as the float reference's recorder, plus the
 * scales that turn integer states back into model units.
 */
import type { CompartmentGroup, DendriteIr, Json } from '../ir/types.js';
import type { NeuronModel, StateRole } from '../compiler/model.js';
import { Emulator } from '../emulator/emulator.js';
import { SpikeTrainBuilder, type SpikeTrains } from './spike-trains.js';
import type { StateScale } from './compare.js';

/** A model state to record: the population, the model's name for it, and its role (to find the IR array). */
export interface ModelStateRef {
  readonly population: string;
  readonly state: string;
  readonly role: StateRole;
}

/**
 * The emulator array that holds a model state in a compartment group: the same name if the group has it,
 * else by role (membrane → v / x0; current → i (cuba) or u (loihi); dendrite → the group's dendrite / x1).
 * Null when the group does not keep that state.
 */
export function emulatorStateName(g: CompartmentGroup, state: string, role: StateRole, arrays: ReadonlySet<string>): string | null {
  if (arrays.has(state) && state !== 'ref') return state;
  switch (g.model) {
    case 'loihi':
      return role === 'membrane' ? 'v' : role === 'current' ? 'u' : null;
    case 'cuba':
      if (role === 'membrane') return 'v';
      if (role === 'current') return g.current ? 'i' : null;
      if (role === 'dendrite') return g.dendrite ? g.dendrite.name : null;
      return null;
    case 'nsat':
      return role === 'membrane' ? 'x0' : role === 'dendrite' && g.states > 1 ? 'x1' : null;
  }
}

/**
 * Reads an emulator's spikes per population and its integer states by model name, step by step, without
 * allocating per step (the diff runs it in lockstep with the float reference).
 */
export class EmulatorTap {
  /** Population index of every global neuron id (−1: none). */
  private readonly popOf: Int32Array;
  private readonly builders: SpikeTrainBuilder[];

  constructor(
    readonly ir: DendriteIr,
    readonly emulator: Emulator,
  ) {
    this.popOf = new Int32Array(ir.neuronCount).fill(-1);
    ir.populations.forEach((p, i) => this.popOf.fill(i, p.neuronBase, p.neuronBase + p.size));
    this.builders = ir.populations.map((p) => new SpikeTrainBuilder(p.size));
  }

  /** Records the spikes of the step the emulator just computed. */
  recordSpikes(): void {
    const emu = this.emulator;
    for (let k = 0; k < emu.spikeCount; k++) {
      const id = emu.spikes[k]!;
      const p = this.popOf[id]!;
      if (p >= 0) this.builders[p]!.push(emu.t, id - this.ir.populations[p]!.neuronBase);
    }
  }

  spikeTrains(population: string): SpikeTrains | undefined {
    const i = this.ir.populations.findIndex((p) => p.name === population);
    return i < 0 ? undefined : this.builders[i]!.build();
  }

  /**
   * Live views of a model state: per population neuron, the emulator array holding it and the index in it;
   * undefined when the population is not in the IR or no group keeps that state.
   */
  stateView(sel: ModelStateRef): { arrays: (Int32Array | null)[]; index: Int32Array } | undefined {
    const pop = this.ir.populations.find((p) => p.name === sel.population);
    if (!pop) return undefined;
    const arrays: (Int32Array | null)[] = [];
    const index = new Int32Array(pop.size);
    let found = false;
    for (const pl of pop.placement) {
      if (pl.kind !== 'group') continue;
      const gs = this.emulator.cores[pl.core]!.groups[pl.group]!;
      const name = emulatorStateName(gs.group, sel.state, sel.role, new Set(Object.keys(gs.arrays)));
      const arr = name === null ? null : (gs.arrays[name] ?? null);
      for (let k = 0; k < pl.count; k++) {
        index[arrays.length] = pl.offset + k;
        arrays.push(arr);
      }
      if (arr) found = true;
    }
    return found && arrays.length === pop.size ? { arrays, index } : undefined;
  }
}

/** Runs `ir` for `steps` steps and returns every population's spike trains (a convenience for tests). */
export function emulatorSpikeTrains(ir: DendriteIr, steps: number, seed?: number): Map<string, SpikeTrains> {
  const tap = new EmulatorTap(ir, new Emulator(ir, { seed }));
  for (let s = 0; s < steps; s++) {
    tap.emulator.step();
    tap.recordSpikes();
  }
  return new Map(ir.populations.map((p) => [p.name, tap.spikeTrains(p.name)!]));
}

function asScale(v: Json | undefined): StateScale | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return { scale: v };
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const s = v.scale;
    const o = v.offset;
    if (typeof s === 'number' && Number.isFinite(s)) return typeof o === 'number' ? { scale: s, offset: o } : { scale: s };
  }
  return undefined;
}

/**
 * Per-state scales from the IR's reports, keyed `population.state`; x_model = int·scale + offset.
 * Accepted shapes:
 * - the lowering's `scales: [{ population, unit: { state: lsb }, offset?: { state: x } }]` (compiler/lower/lower.ts);
 * - under `state_scales`, `stateScales` or `scales`: `{ "pop.state": scale | {scale, offset} }` or
 *   `{ pop: { state: scale | {scale, offset} } }`.
 * An offset missing from the report is left undefined (the caller may derive it, see `restOffset`).
 * Missing everything → empty map (the comparison then reports no state RMSE).
 */
export function stateScalesFromReports(reports: DendriteIr['reports']): Map<string, StateScale> {
  const out = new Map<string, StateScale>();
  const raw = reports['state_scales'] ?? reports['stateScales'] ?? reports['scales'];
  if (Array.isArray(raw)) {
    for (const e of raw) {
      if (e === null || typeof e !== 'object' || Array.isArray(e) || typeof e.population !== 'string') continue;
      const unit = e.unit;
      const offset = e.offset;
      if (unit === null || typeof unit !== 'object' || Array.isArray(unit)) continue;
      for (const [state, lsb] of Object.entries(unit)) {
        if (typeof lsb !== 'number' || !Number.isFinite(lsb)) continue;
        const off = offset !== null && typeof offset === 'object' && !Array.isArray(offset) ? offset[state] : undefined;
        out.set(`${e.population}.${state}`, typeof off === 'number' ? { scale: lsb, offset: off } : { scale: lsb });
      }
    }
    return out;
  }
  if (raw === null || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw)) {
    const direct = asScale(v);
    if (direct) {
      out.set(k, direct);
      continue;
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [s, x] of Object.entries(v)) {
        const sc = asScale(x);
        if (sc) out.set(`${k}.${s}`, sc);
      }
    }
  }
  return out;
}

/**
 * The offset the lowering subtracts from a model state (docs/lowering.md, compiler/lower/neurons.ts): the chip
 * holds x − rest_x, except a membrane with a subtractive reset and a non-zero rest, which keeps offset 0.
 */
export function restOffset(m: NeuronModel, state: string): number {
  const sv = m.states.find((s) => s.name === state);
  if (!sv) return 0;
  if (state === m.membrane && m.reset.kind === 'subtract' && sv.rest !== 0) return 0;
  return sv.rest;
}
