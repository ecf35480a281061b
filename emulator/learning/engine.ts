/**
 * The learning engine: executes `sop` microcode (program.ts) on the emulator's plastic synapse groups through
 * the `LearningEngine` seam. Called once per step after the fire and route phases, so
 *   - synaptic input of this step's spikes was computed with the weights before this step's learning;
 *   - gates and post-state factors see the post compartments' state AFTER this step's update (and, for models
 *     that reset on a spike, after the reset; see docs/learning.md).
 * Per step: (1) modulators from their schedules, (2) traces decay, then take this step's impulses, (3) each
 * program's events run on their triggers (pre spikes → the axon's CSR rows; post spikes → the rows into the
 * compartment, via a reverse index built once; periodic → every row). Everything is allocated at the first step;
 * the per-event loops only index typed arrays.
 *
 * Order independence: an update reads only its own synapse's weight, traces (fixed during the event phase),
 * post state and modulators, and its random draw is keyed by (seed, step, core, synapse row, event), so the
 * result does not depend on the order in which spikes or cores are processed.
 */
import type { DendriteIr } from '../../ir/types.js';
import type { LearningContext, LearningEngine } from '../learning-engine.js';
import { draw, STREAM_LEARNING_BASE } from '../prng.js';
import type { CoreRuntime } from '../state.js';
import { compare, eventFracBits, isSopProgram, validateProgram, type CompareOp, type FactorRef, type SopProgram } from './program.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';

// Factor codes of the compiled form.
const F_PRE = 0;
const F_POST = 1;
const F_STATE = 2;
const F_MOD = 3;
const F_W = 4;

const OP_CODE: Record<CompareOp, number> = { '<': 0, '<=': 1, '>': 2, '>=': 3, '==': 4, '!=': 5 };

/** Stream for trace rounding draws: TRACE_STREAM + (unit·16 + trace)·2 + (0 decay | 1 impulse). */
const TRACE_STREAM = STREAM_LEARNING_BASE + 64;

interface CompiledFactor { code: number; index: number; state: string }

interface CompiledGate {
  kind: 'range' | 'compare';
  f: CompiledFactor;
  lo: number; hi: number; loInc: boolean; hiInc: boolean;
  op: number; value: number;
}

interface CompiledEvent {
  trigger: 'pre' | 'post' | 'periodic';
  period: number;
  timeGates: { period: number; op: CompareOp; value: number }[];
  gates: CompiledGate[];
  set: boolean;
  /** Per term: scale mant·2^(exp+F) and its factors. */
  scales: Float64Array;
  factors: CompiledFactor[][];
  fracBits: number;
  pow: number;
}

/**
 * One program bound to one source synapse group: the group whose spikes trigger it (the plastic group itself,
 * or the driving projection's group on some core) and where each of its rows' update lands.
 */
interface Unit {
  readonly id: number;
  readonly prog: SopProgram;
  readonly programIndex: number;
  /** Core and synapse-group index whose axons/rows trigger the events. */
  readonly srcCore: number;
  readonly srcGroup: number;
  /** Source row → updated row / its core (identity on srcCore when not driven); −1 = no partner synapse. */
  readonly rowTarget: Int32Array | null;
  readonly rowTargetCore: Int32Array | null;
  readonly events: CompiledEvent[];
  /** Per trace: values per source-core axon (pre) or compartment (post). */
  readonly traces: Int32Array[];
  readonly modIndex: Int32Array;
  /** Source core: rows into each compartment (CSR) restricted to this group, and their axons. */
  readonly postOffsets: Int32Array;
  readonly postRows: Int32Array;
  /** Axons of the source group (for periodic triggers). */
  readonly axons: Int32Array;
  /** Per source-core compartment group: arrays of each post-state name read by the program. */
  readonly stateArrays: Map<string, (Int32Array | null)[]>;
}

/** Per-group trace arrays exposed for probes. */
export interface TraceView {
  readonly name: string;
  readonly side: 'pre' | 'post';
  /** Indexed by the core's axon (pre) or compartment (post). */
  readonly values: Int32Array;
}

export class SopLearningEngine implements LearningEngine {
  /** When false, traces still evolve but weights are left alone (test phases). */
  learningEnabled = true;
  private sampleStart = 0;
  private readonly ir: DendriteIr;
  private units: Unit[] = [];
  private built = false;
  private readonly regNames: string[] = [];
  private regs = new Float64Array(0);
  private readonly hostSet = new Set<number>();
  private rowAxon: Int32Array[] = [];
  private neuronComp = new Int32Array(0);
  private cores: readonly CoreRuntime[] = [];

  constructor(ir: DendriteIr) {
    this.ir = ir;
    for (const p of ir.learning) {
      if (!isSopProgram(p)) continue;
      for (const m of p.modulators) if (!this.regNames.includes(m.name)) this.regNames.push(m.name);
    }
    this.regs = new Float64Array(this.regNames.length);
    for (const p of ir.learning) {
      if (!isSopProgram(p)) continue;
      for (const m of p.modulators) this.regs[this.regNames.indexOf(m.name)] = m.initial;
    }
  }

  /**
   * Marks `firstStep` as the first step of a new sample: time gates and modulator schedules then see
   * t = step − firstStep (0 at the sample's first step). Before any call the sample start is step 0, so t equals
   * the step number (NSAT's tick counter).
   */
  setSampleStart(firstStep: number): void {
    this.sampleStart = firstStep;
  }

  /** Sets a modulatory register (integer) by name; it overrides the register's schedule from now on. */
  setModulator(name: string, value: number): void {
    const i = this.regNames.indexOf(name);
    if (i < 0) throw new Error(`no modulator named ${name}`);
    if (!Number.isInteger(value)) throw new Error(`modulator ${name}: ${value} is not an integer`);
    this.regs[i] = value;
    this.hostSet.add(i);
  }

  modulator(name: string): number | undefined {
    const i = this.regNames.indexOf(name);
    return i < 0 ? undefined : this.regs[i];
  }

  /** Trace arrays of the program on (core, synapse group) (its triggering group); empty if none. */
  traces(core: number, synapseGroup: number): TraceView[] {
    const out: TraceView[] = [];
    for (const u of this.units) {
      if (u.srcCore !== core || u.srcGroup !== synapseGroup) continue;
      u.prog.traces.forEach((t, i) => out.push({ name: t.name, side: t.side, values: u.traces[i]! }));
    }
    return out;
  }

  /** Builds the indexes from the run-time cores (called at the first step). */
  private build(cores: readonly CoreRuntime[]): void {
    const ir = this.ir;
    this.cores = cores;
    this.rowAxon = ir.cores.map((core) => {
      const syn = core.synapses;
      const ra = new Int32Array(syn.targets.length);
      for (let a = 0; a < core.axonCount; a++) ra.fill(a, syn.axonOffsets[a]!, syn.axonOffsets[a + 1]!);
      return ra;
    });
    this.neuronComp = new Int32Array(ir.neuronCount).fill(-1);
    for (const core of ir.cores) for (const g of core.groups) for (let k = 0; k < g.size; k++) this.neuronComp[g.neuronBase + k] = g.first + k;
    // Global neuron id of the presynaptic side of every (core, axon), from the routing table.
    const axonPre = ir.cores.map((c) => new Int32Array(c.axonCount).fill(-1));
    const { offsets, core: rc, axon: ra } = ir.routing;
    for (let n = 0; n < ir.neuronCount; n++) for (let k = offsets[n]!; k < offsets[n + 1]!; k++) axonPre[rc[k]!]![ra[k]!] = n;

    let uid = 0;
    ir.cores.forEach((core, c) => {
      core.synapseGroups.forEach((sg, gi) => {
        if (sg.learning === null) return;
        const p = ir.learning[sg.learning]!;
        if (!isSopProgram(p)) return;
        if (p.drivenBy === null) {
          this.units.push(this.makeUnit(uid++, p, sg.learning, c, gi, null, null));
          return;
        }
      });
    });
    // Driven programs: one unit per synapse group of the driving projection, with a row map to this program's
    // synapses between the same neurons in the opposite direction.
    ir.learning.forEach((p, pi) => {
      if (!isSopProgram(p) || p.drivenBy === null) return;
      const pair = new Map<number, number>(); // key pre·2^26 + post → core·2^26 + row
      ir.cores.forEach((core, c) => {
        const syn = core.synapses;
        core.synapseGroups.forEach((sg, gi) => {
          if (sg.learning !== pi) return;
          for (let a = 0; a < core.axonCount; a++) {
            if (syn.axonGroup[a] !== gi) continue;
            const pre = axonPre[c]![a]!;
            for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) {
              const post = neuronOf(core, syn.targets[r]!);
              pair.set(pre * 2 ** 26 + post, c * 2 ** 26 + r);
            }
          }
        });
      });
      ir.cores.forEach((core, c) => {
        const syn = core.synapses;
        core.synapseGroups.forEach((sg, gi) => {
          if (sg.name !== p.drivenBy) return;
          const rowTarget = new Int32Array(syn.targets.length).fill(-1);
          const rowTargetCore = new Int32Array(syn.targets.length).fill(-1);
          for (let a = 0; a < core.axonCount; a++) {
            if (syn.axonGroup[a] !== gi) continue;
            const pre = axonPre[c]![a]!;
            for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) {
              const post = neuronOf(core, syn.targets[r]!);
              const hit = pair.get(post * 2 ** 26 + pre);
              if (hit === undefined) continue;
              rowTargetCore[r] = Math.floor(hit / 2 ** 26);
              rowTarget[r] = hit % 2 ** 26;
            }
          }
          this.units.push(this.makeUnit(uid++, p, pi, c, gi, rowTarget, rowTargetCore));
        });
      });
    });
    this.built = true;
  }

  private makeUnit(id: number, prog: SopProgram, programIndex: number, c: number, gi: number,
    rowTarget: Int32Array | null, rowTargetCore: Int32Array | null): Unit {
    const core = this.ir.cores[c]!;
    const syn = core.synapses;
    const n = core.compartmentCount;
    const counts = new Int32Array(n + 1);
    const axons: number[] = [];
    for (let a = 0; a < core.axonCount; a++) {
      if (syn.axonGroup[a] !== gi) continue;
      axons.push(a);
      for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) counts[syn.targets[r]! + 1]!++;
    }
    for (let k = 0; k < n; k++) counts[k + 1]! += counts[k]!;
    const postOffsets = counts.slice();
    const fill = counts.slice(0, n);
    const postRows = new Int32Array(postOffsets[n]!);
    for (const a of axons) for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) postRows[fill[syn.targets[r]!]!++] = r;
    const stateArrays = new Map<string, (Int32Array | null)[]>();
    const compile = (f: FactorRef): CompiledFactor => {
      switch (f.kind) {
        case 'pre_trace': return { code: F_PRE, index: f.index, state: '' };
        case 'post_trace': return { code: F_POST, index: f.index, state: '' };
        case 'modulator': return { code: F_MOD, index: f.index, state: '' };
        case 'weight': return { code: F_W, index: 0, state: '' };
        case 'post_state':
          if (!stateArrays.has(f.state)) {
            stateArrays.set(f.state, this.cores[c]!.groups.map((gs) => gs.arrays[f.state] ?? null));
          }
          return { code: F_STATE, index: 0, state: f.state };
      }
    };
    const events: CompiledEvent[] = prog.events.map((e) => {
      const F = eventFracBits(e);
      return {
        trigger: e.trigger.kind,
        period: e.trigger.kind === 'periodic' ? 2 ** e.trigger.log2Period : 1,
        timeGates: e.gates.flatMap((g) => (g.kind === 'time' ? [{ period: g.period, op: g.op, value: g.value }] : [])),
        gates: e.gates.flatMap((g): CompiledGate[] => {
          if (g.kind === 'range') return [{ kind: 'range', f: compile(g.operand), lo: g.lo, hi: g.hi, loInc: g.loInclusive, hiInc: g.hiInclusive, op: 0, value: 0 }];
          if (g.kind === 'compare') return [{ kind: 'compare', f: compile(g.operand), lo: 0, hi: 0, loInc: false, hiInc: false, op: OP_CODE[g.op], value: g.value }];
          return [];
        }),
        set: e.op === 'set',
        scales: Float64Array.from(e.terms, (t) => t.mant * 2 ** (t.exp + F)),
        factors: e.terms.map((t) => t.factors.map(compile)),
        fracBits: F,
        pow: 2 ** F,
      };
    });
    const traces = prog.traces.map((t) => new Int32Array(t.side === 'pre' ? core.axonCount : n));
    const modIndex = Int32Array.from(prog.modulators, (m) => this.regNames.indexOf(m.name));
    return { id, prog, programIndex, srcCore: c, srcGroup: gi, rowTarget, rowTargetCore, events, traces, modIndex, postOffsets, postRows, axons: Int32Array.from(axons), stateArrays };
  }

  onStep(ctx: LearningContext): void {
    if (!this.built) this.build(ctx.cores);
    const t = ctx.step;
    const tl = t - this.sampleStart;
    this.updateModulators(tl);
    for (const u of this.units) this.updateTraces(u, ctx);
    if (!this.learningEnabled) return;
    for (const u of this.units) {
      for (let e = 0; e < u.events.length; e++) {
        const ev = u.events[e]!;
        let open = true;
        for (const g of ev.timeGates) {
          const m = ((tl % g.period) + g.period) % g.period;
          if (!compare(m, g.op, g.value)) { open = false; break; }
        }
        if (!open) continue;
        if (ev.trigger === 'pre') this.runPre(u, ev, e, ctx);
        else if (ev.trigger === 'post') this.runPost(u, ev, e, ctx);
        else if (t % ev.period === 0) this.runPeriodic(u, ev, e, ctx);
      }
    }
  }

  private updateModulators(tl: number): void {
    for (const p of this.ir.learning) {
      if (!isSopProgram(p)) continue;
      for (const m of p.modulators) {
        const i = this.regNames.indexOf(m.name);
        if (m.schedule === null || this.hostSet.has(i)) continue;
        let v = m.schedule.otherwise;
        for (const s of m.schedule.segments) if (tl >= s.from && tl < s.to) { v = s.value; break; }
        this.regs[i] = v;
      }
    }
  }

  private updateTraces(u: Unit, ctx: LearningContext): void {
    const defs = u.prog.traces;
    if (defs.length === 0) return;
    const seed = ctx.seed;
    const t = ctx.step;
    const c = u.srcCore;
    const syn = this.ir.cores[c]!.synapses;
    for (let ti = 0; ti < defs.length; ti++) {
      const d = defs[ti]!;
      const x = u.traces[ti]!;
      const max = 2 ** d.bits - 1;
      const stream = TRACE_STREAM + (u.id * 16 + ti) * 2;
      // Decay.
      if (d.decay.kind === 'multiplicative') {
        const f = d.decay.factor;
        const fb = d.decay.fracBits;
        const p = 2 ** fb;
        for (let k = 0; k < x.length; k++) {
          const v = x[k]!;
          if (v === 0) continue;
          const prod = v * f;
          let y = Math.floor(prod / p);
          if (d.stochastic) {
            const frac = prod - y * p;
            if (frac > 0 && (draw(seed, t, c, k, stream) >>> 0) % p < frac) y++;
          }
          x[k] = y;
        }
      } else if (d.decay.kind === 'shift') {
        const p = 2 ** d.decay.shift;
        for (let k = 0; k < x.length; k++) x[k] = x[k]! - Math.floor(x[k]! / p);
      }
      // Impulses of this step's spikes.
      const ip = 2 ** d.impulseFracBits;
      const whole = Math.floor(d.impulse / ip);
      const frac = d.impulse - whole * ip;
      const bump = (k: number) => {
        let y = x[k]! + whole;
        if (frac > 0) {
          if (d.stochastic) { if ((draw(seed, t, c, k, stream + 1) >>> 0) % ip < frac) y++; }
        }
        x[k] = y > max ? max : y;
      };
      if (d.side === 'pre') {
        const { offsets, core: rc, axon: ra } = this.ir.routing;
        for (let s = 0; s < ctx.spikeCount; s++) {
          const id = ctx.spikes[s]!;
          for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
            if (rc[k] === c && syn.axonGroup[ra[k]!] === u.srcGroup) bump(ra[k]!);
          }
        }
      } else {
        for (let s = 0; s < ctx.spikeCount; s++) {
          const id = ctx.spikes[s]!;
          if (ctx.neuronCore[id] === c) bump(this.neuronComp[id]!);
        }
      }
    }
  }

  private runPre(u: Unit, ev: CompiledEvent, e: number, ctx: LearningContext): void {
    const { offsets, core: rc, axon: ra } = this.ir.routing;
    const syn = this.ir.cores[u.srcCore]!.synapses;
    let ops = 0;
    for (let s = 0; s < ctx.spikeCount; s++) {
      const id = ctx.spikes[s]!;
      for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
        if (rc[k] !== u.srcCore) continue;
        const a = ra[k]!;
        if (syn.axonGroup[a] !== u.srcGroup) continue;
        for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) ops += this.apply(u, ev, e, r, a, syn.targets[r]!, ctx);
      }
    }
    if (ops > 0) ctx.addLearningOps(u.srcCore, ops);
  }

  private runPost(u: Unit, ev: CompiledEvent, e: number, ctx: LearningContext): void {
    const syn = this.ir.cores[u.srcCore]!.synapses;
    const rowAxon = this.rowAxon[u.srcCore]!;
    let ops = 0;
    for (let s = 0; s < ctx.spikeCount; s++) {
      const id = ctx.spikes[s]!;
      if (ctx.neuronCore[id] !== u.srcCore) continue;
      const comp = this.neuronComp[id]!;
      for (let q = u.postOffsets[comp]!; q < u.postOffsets[comp + 1]!; q++) {
        const r = u.postRows[q]!;
        ops += this.apply(u, ev, e, r, rowAxon[r]!, syn.targets[r]!, ctx);
      }
    }
    if (ops > 0) ctx.addLearningOps(u.srcCore, ops);
  }

  private runPeriodic(u: Unit, ev: CompiledEvent, e: number, ctx: LearningContext): void {
    const syn = this.ir.cores[u.srcCore]!.synapses;
    let ops = 0;
    for (let i = 0; i < u.axons.length; i++) {
      const a = u.axons[i]!;
      for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) ops += this.apply(u, ev, e, r, a, syn.targets[r]!, ctx);
    }
    if (ops > 0) ctx.addLearningOps(u.srcCore, ops);
  }

  private factor(u: Unit, f: CompiledFactor, a: number, comp: number, w: number): number {
    switch (f.code) {
      case F_PRE: return u.traces[f.index]![a]!;
      case F_POST: return u.traces[f.index]![comp]!;
      case F_MOD: return this.regs[u.modIndex[f.index]!]!;
      case F_W: return w;
      default: {
        const c = u.srcCore;
        const gi = this.cores[c]!.groupOf[comp]!;
        const arr = u.stateArrays.get(f.state)![gi];
        if (!arr) return 0;
        return arr[comp - this.ir.cores[c]!.groups[gi]!.first]!;
      }
    }
  }

  /** One synapse update; returns the learning ops it cost (1, or 0 if the source row has no partner). */
  private apply(u: Unit, ev: CompiledEvent, e: number, r: number, a: number, comp: number, ctx: LearningContext): number {
    let tc = u.srcCore;
    let tr = r;
    if (u.rowTarget !== null) {
      tr = u.rowTarget[r]!;
      if (tr < 0) return 0;
      tc = u.rowTargetCore![r]!;
    }
    const rt = this.cores[tc]!;
    const W = rt.weights;
    const w = W[tr]!;
    for (let gi = 0; gi < ev.gates.length; gi++) {
      const g = ev.gates[gi]!;
      const x = this.factor(u, g.f, a, comp, w);
      if (g.kind === 'range') {
        if (g.loInc ? x < g.lo : x <= g.lo) return 1;
        if (g.hiInc ? x > g.hi : x >= g.hi) return 1;
      } else if (!compareCode(x, g.op, g.value)) return 1;
    }
    let acc = 0;
    for (let i = 0; i < ev.scales.length; i++) {
      let p = ev.scales[i]!;
      const fs = ev.factors[i]!;
      for (let j = 0; j < fs.length; j++) p *= this.factor(u, fs[j]!, a, comp, w);
      acc += p;
    }
    const prog = u.prog;
    let d: number;
    if (ev.fracBits === 0) d = acc;
    else if (prog.rounding === 'toward_zero') d = Math.trunc(acc / ev.pow);
    else {
      d = Math.floor(acc / ev.pow);
      if (prog.rounding === 'stochastic') {
        const frac = acc - d * ev.pow;
        if (frac > 0) {
          const x = draw(ctx.seed, ctx.step, tc, tr, STREAM_LEARNING_BASE + e);
          // Uniform integer in [0, 2^F) from the draw (F ≤ 31: low bits; exact).
          if (x % ev.pow < frac) d++;
        }
      }
    }
    const am = 2 ** (prog.accumulatorBits - 1);
    if (d >= am) d = am - 1;
    else if (d < -am) d = -am;
    const sg = this.ir.cores[tc]!.synapseGroups[this.ir.cores[tc]!.synapses.axonGroup[this.rowAxon[tc]![tr]!]!]!;
    let lo = sg.weightMin;
    let hi = sg.weightMax;
    if (prog.bounds !== null) {
      if (prog.bounds[0] > lo) lo = prog.bounds[0];
      if (prog.bounds[1] < hi) hi = prog.bounds[1];
    }
    let y = ev.set ? d : w + d;
    if (y < lo) y = lo;
    else if (y > hi) y = hi;
    W[tr] = y;
    return 1;
  }
}

function compareCode(x: number, op: number, y: number): boolean {
  switch (op) {
    case 0: return x < y;
    case 1: return x <= y;
    case 2: return x > y;
    case 3: return x >= y;
    case 4: return x === y;
    default: return x !== y;
  }
}

function neuronOf(core: DendriteIr['cores'][number], comp: number): number {
  for (const g of core.groups) if (comp >= g.first && comp < g.first + g.size) return g.neuronBase + comp - g.first;
  return -1;
}

/**
 * Validates the IR's learning programs against the IR (programs well-formed, post states exist in every group
 * a plastic synapse targets, driving projections exist) and returns the engine, or diagnostics.
 */
export function createLearningEngine(ir: DendriteIr, file = '<ir>'): { engine?: SopLearningEngine; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  ir.learning.forEach((p, i) => diagnostics.push(...validateProgram(p, `learning[${i}]`, file)));
  if (diagnostics.length > 0) return { diagnostics };
  const names = new Set(ir.cores.flatMap((c) => c.synapseGroups.map((g) => g.name)));
  ir.learning.forEach((p0, i) => {
    const p = p0 as unknown as SopProgram;
    if (p.drivenBy !== null && !names.has(p.drivenBy)) {
      diagnostics.push({ code: 'SNN4010', severity: 'error', message: `learning[${i}].drivenBy: no synapse group is named \`${p.drivenBy}\``, path: { file, field: `learning[${i}].drivenBy` } });
    }
    const states = new Set<string>();
    for (const e of p.events) {
      for (const t of e.terms) for (const f of t.factors) if (f.kind === 'post_state') states.add(f.state);
      for (const g of e.gates) if (g.kind !== 'time' && g.operand.kind === 'post_state') states.add(g.operand.state);
    }
    if (states.size === 0 || p.drivenBy !== null) return;
    ir.cores.forEach((core, c) => {
      core.synapseGroups.forEach((sg, gi) => {
        if (sg.learning !== i) return;
        const syn = core.synapses;
        for (let a = 0; a < core.axonCount; a++) {
          if (syn.axonGroup[a] !== gi) continue;
          for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) {
            const comp = syn.targets[r]!;
            const g = core.groups.find((x) => comp >= x.first && comp < x.first + x.size)!;
            for (const s of states) {
              if (!groupHasState(g, s)) {
                diagnostics.push({ code: 'SNN4010', severity: 'error', path: { file, field: `learning[${i}]` },
                  message: `learning[${i}] reads post state \`${s}\`, but synapse group \`${sg.name}\` on core ${c} targets group \`${g.name}\` (model ${g.model}), which has no such state` });
                return;
              }
            }
          }
        }
      });
    });
  });
  if (diagnostics.length > 0) return { diagnostics };
  return { engine: new SopLearningEngine(ir), diagnostics };
}

function groupHasState(g: DendriteIr['cores'][number]['groups'][number], s: string): boolean {
  switch (g.model) {
    case 'loihi': return s === 'u' || s === 'v';
    case 'cuba': return s === 'v' || (s === 'i' && g.current !== null) || (g.dendrite !== null && s === g.dendrite.name);
    case 'nsat': return /^x\d$/.test(s) && Number(s.slice(1)) < g.states;
  }
}
