/**
 * Learning rules in float64: the semantics of compiler/model.ts's `LearningRule`, without any quantization. This is
 * what quantization studies compare the chip's learning engine against, so it is deliberately simple:
 *
 * Per step t, after the step's spikes have been delivered (so spikes of step t travel with the weights as they
 * were before learning at t, the emulator's order — emulator/learning-engine.ts):
 *   1. every trace decays, x ← x·exp(−dt/τ), then gains `impulse` for each spike of its side at step t;
 *   2. each rule event, in declaration order, runs for its trigger: `on pre` → every synapse of every pre
 *      neuron that spiked at t; `on post` → every synapse into every post neuron that spiked at t;
 *      `every N steps` → every synapse when t mod N = 0;
 *   3. if every gate holds, the updates run in order (`+=`, `-=`, `=`) with traces, post state (after this
 *      step's update), signals and the weight read as float64; then the weight is clamped to its bounds
 *      (projection bounds, else rule bounds).
 * Stochastic rounding has no float counterpart (nothing is rounded). Each plastic projection keeps its own
 * traces, even when several projections share a rule.
 */
import type { CompareOp, Expr, Gate, LearningRule, Network, VarRef } from '../compiler/model.js';
import type { NeuronPopulationState, PopulationState, ProjectionState } from './runtime.js';

/** What the rules read from the step just computed. */
export interface LearningClock {
  /** The step just computed (1-based). */
  t: number;
  /** Steps since the current sample started (0 at its first step); `t` in the language is sampleStep·dt. */
  sampleStep: number;
  /** Current value of each signal, by index in `network.signals`. */
  readonly signals: Float64Array;
}

type Num = () => number;
type Bool = () => boolean;

/** The synapse being evaluated; closures read it (one per plastic projection, mutated in place). */
interface Cursor {
  pre: number;
  post: number;
  syn: number;
}

interface CompiledEvent {
  readonly trigger: LearningRule['events'][number]['trigger'];
  readonly gates: readonly Bool[];
  readonly updates: readonly { readonly op: '+=' | '-=' | '='; readonly value: Num }[];
}

interface TraceState {
  readonly values: Float64Array;
  readonly alpha: number;
  readonly impulse: number;
  readonly side: 'pre' | 'post';
}

function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** One projection's rule, compiled to closures over its arrays. */
export class PlasticProjection {
  readonly traces: TraceState[] = [];
  private readonly cur: Cursor = { pre: 0, post: 0, syn: 0 };
  private readonly events: CompiledEvent[];
  private readonly lo: number;
  private readonly hi: number;
  /** Post-major index (for `on post`): synapses into post neuron i are colSyn[colPtr[i] .. colPtr[i+1]). */
  private readonly colPtr: Int32Array;
  private readonly colSyn: Int32Array;
  private readonly colPre: Int32Array;

  constructor(
    readonly ps: ProjectionState,
    readonly rule: LearningRule,
    private readonly clock: LearningClock,
    network: Network,
  ) {
    for (const tr of rule.traces) {
      const size = tr.side === 'pre' ? ps.pre.size : ps.post.size;
      this.traces.push({ values: new Float64Array(size), alpha: Math.exp(-network.dt / tr.tau), impulse: tr.impulse, side: tr.side });
    }
    const bounds = ps.projection.bounds ?? rule.bounds;
    this.lo = bounds ? bounds[0] : -Infinity;
    this.hi = bounds ? bounds[1] : Infinity;
    const { rowPtr, post } = ps.table;
    const n = post.length;
    this.colPtr = new Int32Array(ps.post.size + 1);
    for (let r = 0; r < n; r++) this.colPtr[post[r]! + 1]!++;
    for (let i = 0; i < ps.post.size; i++) this.colPtr[i + 1]! += this.colPtr[i]!;
    this.colSyn = new Int32Array(n);
    this.colPre = new Int32Array(n);
    const fill = this.colPtr.slice(0, ps.post.size);
    for (let j = 0; j < ps.table.preSize; j++) {
      for (let r = rowPtr[j]!; r < rowPtr[j + 1]!; r++) {
        const c = fill[post[r]!]!++;
        this.colSyn[c] = r;
        this.colPre[c] = j;
      }
    }
    const dt = network.dt;
    const signalIndex = new Map(network.signals.map((s, i) => [s.name, i]));
    this.events = rule.events.map((ev) => ({
      trigger: ev.trigger,
      gates: ev.gates.map((g) => this.gate(g, dt, signalIndex)),
      updates: ev.updates.map((u) => ({ op: u.op, value: this.expr(u.expr, dt, signalIndex) })),
    }));
  }

  private ref(r: VarRef, dt: number, signals: ReadonlyMap<string, number>): Num {
    const c = this.cur;
    switch (r.kind) {
      case 'trace': {
        const k = this.rule.traces.findIndex((t) => t.name === r.name && t.side === r.side);
        if (k < 0) throw new Error(`internal: rule ${this.rule.name} has no ${r.side} trace ${r.name}`);
        const a = this.traces[k]!.values;
        return r.side === 'pre' ? () => a[c.pre]! : () => a[c.post]!;
      }
      case 'post_state': {
        const post: NeuronPopulationState = this.ps.post;
        const k = post.stateIndex.get(r.name);
        if (k === undefined) throw new Error(`internal: ${post.pop.name} has no state ${r.name}`);
        const a = post.states[k]!;
        return () => a[c.post]!;
      }
      case 'signal': {
        const k = signals.get(r.name);
        if (k === undefined) throw new Error(`internal: no signal ${r.name}`);
        const sig = this.clock.signals;
        return () => sig[k]!;
      }
      case 'weight': {
        const w = this.ps.weight;
        return () => w[c.syn]!;
      }
      case 'time': {
        const clock = this.clock;
        return () => clock.sampleStep * dt;
      }
    }
  }

  private expr(e: Expr, dt: number, signals: ReadonlyMap<string, number>): Num {
    switch (e.kind) {
      case 'number': {
        const v = e.value;
        return () => v;
      }
      case 'var':
        return this.ref(e.ref, dt, signals);
      case 'neg': {
        const a = this.expr(e.operand, dt, signals);
        return () => -a();
      }
      case 'binary': {
        const a = this.expr(e.left, dt, signals);
        const b = this.expr(e.right, dt, signals);
        switch (e.op) {
          case '+':
            return () => a() + b();
          case '-':
            return () => a() - b();
          case '*':
            return () => a() * b();
          case '/':
            return () => a() / b();
        }
      }
    }
  }

  private gate(g: Gate, dt: number, signals: ReadonlyMap<string, number>): Bool {
    switch (g.kind) {
      case 'range': {
        const x = this.ref(g.ref, dt, signals);
        const { lo, hi, loInclusive, hiInclusive } = g;
        return () => {
          const v = x();
          return (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi);
        };
      }
      case 'compare': {
        const a = this.expr(g.left, dt, signals);
        const b = this.expr(g.right, dt, signals);
        const op = g.op;
        return () => compare(op, a(), b());
      }
      case 'time_window': {
        // In whole steps, so `t mod 250 ms >= 50 ms` has no float-rounding edge cases.
        const period = Math.max(1, Math.round(g.period / dt));
        const value = Math.round(g.value / dt);
        const op = g.op;
        const clock = this.clock;
        return () => compare(op, clock.sampleStep % period, value);
      }
    }
  }

  /** Decays the traces and adds this step's impulses. */
  updateTraces(): void {
    for (const tr of this.traces) {
      const side: PopulationState = tr.side === 'pre' ? this.ps.pre : this.ps.post;
      const v = tr.values;
      const a = tr.alpha;
      for (let k = 0; k < v.length; k++) v[k]! *= a;
      for (let s = 0; s < side.spikeCount; s++) v[side.spikes[s]!]! += tr.impulse;
    }
  }

  private apply(ev: CompiledEvent): void {
    for (const g of ev.gates) if (!g()) return;
    const w = this.ps.weight;
    const r = this.cur.syn;
    for (const u of ev.updates) {
      const x = u.value();
      w[r] = u.op === '+=' ? w[r]! + x : u.op === '-=' ? w[r]! - x : x;
    }
    if (w[r]! < this.lo) w[r] = this.lo;
    else if (w[r]! > this.hi) w[r] = this.hi;
  }

  /** Runs every event of the rule for the step in `clock`. */
  runEvents(): void {
    const { rowPtr, post } = this.ps.table;
    const c = this.cur;
    for (const ev of this.events) {
      const tr = ev.trigger;
      if (tr.kind === 'pre') {
        const pre = this.ps.pre;
        for (let s = 0; s < pre.spikeCount; s++) {
          const j = pre.spikes[s]!;
          c.pre = j;
          for (let r = rowPtr[j]!; r < rowPtr[j + 1]!; r++) {
            c.post = post[r]!;
            c.syn = r;
            this.apply(ev);
          }
        }
      } else if (tr.kind === 'post') {
        const po = this.ps.post;
        for (let s = 0; s < po.spikeCount; s++) {
          const i = po.spikes[s]!;
          c.post = i;
          for (let k = this.colPtr[i]!; k < this.colPtr[i + 1]!; k++) {
            c.pre = this.colPre[k]!;
            c.syn = this.colSyn[k]!;
            this.apply(ev);
          }
        }
      } else if (this.clock.t % Math.max(1, tr.steps) === 0) {
        for (let j = 0; j < this.ps.table.preSize; j++) {
          c.pre = j;
          for (let r = rowPtr[j]!; r < rowPtr[j + 1]!; r++) {
            c.post = post[r]!;
            c.syn = r;
            this.apply(ev);
          }
        }
      }
    }
  }
}
