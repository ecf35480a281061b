/**
 * Records a float reference run: every population's spikes (as `SpikeTrains`) and selected state variables
 * (one row per recorded step, every `every` steps at steps t with t mod every = 0, as the emulator's probes).
 */
import { SpikeTrainBuilder, type SpikeTrains, type StateTrace } from '../analysis/spike-trains.js';
import type { FloatSimulator } from './float-sim.js';

export interface StateSelection {
  readonly population: string;
  readonly state: string;
}

export class FloatRecorder {
  private readonly trains: Map<string, SpikeTrainBuilder>;
  private readonly traces: { sel: StateSelection; trace: StateTrace; values: Float64Array }[];

  constructor(
    private readonly sim: FloatSimulator,
    states: readonly StateSelection[] = [],
    private readonly every = 1,
  ) {
    this.trains = new Map(sim.populations.map((p) => [p.pop.name, new SpikeTrainBuilder(p.size)]));
    this.traces = states.map((sel) => ({
      sel,
      values: sim.state(sel.population, sel.state),
      trace: { population: sel.population, state: sel.state, steps: [], rows: [] },
    }));
  }

  /** Records the step the simulator just computed. */
  record(): void {
    const t = this.sim.t;
    for (const p of this.sim.populations) {
      const b = this.trains.get(p.pop.name)!;
      for (let k = 0; k < p.spikeCount; k++) b.push(t, p.spikes[k]!);
    }
    if (t % this.every === 0) {
      for (const tr of this.traces) {
        tr.trace.steps.push(t);
        tr.trace.rows.push(tr.values.slice());
      }
    }
  }

  /** Runs the simulator for `steps` steps, recording each. */
  run(steps: number): this {
    for (let s = 0; s < steps; s++) {
      this.sim.step();
      this.record();
    }
    return this;
  }

  spikeTrains(population: string): SpikeTrains {
    const b = this.trains.get(population);
    if (!b) throw new Error(`no population named ${population}`);
    return b.build();
  }

  stateTrace(population: string, state: string): StateTrace {
    const tr = this.traces.find((x) => x.sel.population === population && x.sel.state === state);
    if (!tr) throw new Error(`state ${population}.${state} was not recorded`);
    return tr.trace;
  }

  /** Total spikes per population. */
  spikeTotals(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, b] of this.trains) out[name] = b.length;
    return out;
  }
}
