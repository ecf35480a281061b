/**
 * Spike trains of one population as flat event lists, the common currency of the comparison metrics: the
 * fixed-point emulator and the float reference both produce them, in steps (t = 1, 2, …) and local neuron
 * indices. Also the recorder of selected state-variable traces.
 */

/** Spikes of one population: neuron `indices[k]` spiked at step `steps[k]`; sorted by step, then index. */
export interface SpikeTrains {
  /** Number of neurons in the population. */
  readonly size: number;
  readonly steps: Int32Array;
  readonly indices: Int32Array;
}

/** Appends (step, index) events without per-event allocation (amortised doubling). */
export class SpikeTrainBuilder {
  private steps = new Int32Array(256);
  private indices = new Int32Array(256);
  private n = 0;

  constructor(readonly size: number) {}

  get length(): number {
    return this.n;
  }

  push(step: number, index: number): void {
    if (this.n === this.steps.length) {
      const s = new Int32Array(this.n * 2);
      s.set(this.steps);
      this.steps = s;
      const i = new Int32Array(this.n * 2);
      i.set(this.indices);
      this.indices = i;
    }
    this.steps[this.n] = step;
    this.indices[this.n++] = index;
  }

  /** A snapshot of the events so far. */
  build(): SpikeTrains {
    return { size: this.size, steps: this.steps.slice(0, this.n), indices: this.indices.slice(0, this.n) };
  }
}

/** Spike count of each neuron. */
export function spikeCounts(t: SpikeTrains): Float64Array {
  const c = new Float64Array(t.size);
  for (let k = 0; k < t.indices.length; k++) c[t.indices[k]!]!++;
  return c;
}

/** Builds trains from per-neuron lists of spike steps (convenient in tests). */
export function trainsFromLists(lists: readonly (readonly number[])[]): SpikeTrains {
  const ev: [number, number][] = [];
  lists.forEach((l, i) => l.forEach((s) => ev.push([s, i])));
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { size: lists.length, steps: Int32Array.from(ev, (e) => e[0]), indices: Int32Array.from(ev, (e) => e[1]) };
}

/** A recorded state variable: one row (a value per neuron) per recorded step. */
export interface StateTrace {
  readonly population: string;
  readonly state: string;
  readonly steps: number[];
  readonly rows: Float64Array[];
}
