/**
 * The learning engine: executes `sop` microcode (program.ts) on the emulator's plastic synapse groups through
 * the `LearningEngine` seam. Called once per step after the fire and route phases, so
 *   - synaptic input of this step's spikes was computed with the weights before this step's learning;
 *   - gates and post-state factors see the post compartments' state AFTER this step's update (and, for models
 *     that reset on a spike, after the reset; see docs/learning.md).
 * Per step: (1) modulators from their schedules, (2) traces decay, then take this step's impulses, (3) each
 * program's events run on their triggers (pre spikes → the axon's CSR rows; post spikes → the rows into the
 * compartment, via a reverse index; periodic → every row). The indexes and trace arrays are built from the IR in
 * the constructor; the post-state arrays are bound to the emulator's run-time cores at the first step. The
 * per-event loops only index typed arrays.
 *
 * Two execution paths, with identical results (tests/learning/perf-equivalence.test.ts):
 *   - general: every factor and gate evaluated per synapse (any program);
 *   - per-post fast path, for events whose gates and factors read only per-post-neuron values (post state, post
 *     traces, modulators) — eRBP is one: the gate result and the rounded increment (floor and floor + 1, plus
 *     the fraction that decides stochastic rounding) are computed once per post compartment into typed arrays,
 *     and each synapse costs one table look-up, at most one keyed draw (same key as the general path) and one
 *     clamped addition. Programs driven by another projection always take the general path. The compartments
 *     with an open gate are listed when the table is filled: a pre spike with none costs nothing per synapse,
 *     and a row onto consecutive compartments (a dense projection) visits only the synapses into open ones.
 *
 * Order independence: an update reads only its own synapse's weight, traces (fixed during the event phase),
 * post state and modulators, and its random draw is keyed by (seed, step, core, synapse row, event), so the
 * result does not depend on the order in which spikes or cores are processed.
 *
 * State: `saveState()` / `loadState()` copy everything mutable (sample start, registers and which the host has
 * set, traces) as plain typed arrays; `reset()` clears traces and scheduled registers between samples.
 */
import type { DendriteIr } from '../../ir/types.js';
import type { LearningContext, LearningEngine } from '../learning-engine.js';
import { draw, drawPrefix, drawWithStreamKey, STREAM_LEARNING_BASE, streamKey } from '../prng.js';
import type { CoreRuntime } from '../state.js';
import { defaultKernelChoice } from '../kernels/wasm/cuba-wasm.js';
import { BULK_DRAWS, drawKernel, runDraws, type DrawKernel } from '../kernels/wasm/draws-wasm.js';
import { compare, eventFracBits, isSopProgram, validateProgram, type CompareOp, type EventDef, type FactorRef, type SopProgram } from './program.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';

// Factor codes of the compiled form.
const F_PRE = 0;
const F_POST = 1;
const F_STATE = 2;
const F_MOD = 3;
const F_W = 4;

const OP_CODE: Record<CompareOp, number> = { '<': 0, '<=': 1, '>': 2, '>=': 3, '==': 4, '!=': 5 };

// Rounding codes of the compiled form.
const ROUND_EXACT = 0;
const ROUND_TRUNC = 1;
const ROUND_FLOOR = 2;
const ROUND_STOCHASTIC = 3;

/** Stream for trace rounding draws: TRACE_STREAM + (unit·16 + trace)·2 + (0 decay | 1 impulse). */
const TRACE_STREAM = STREAM_LEARNING_BASE + 64;

interface CompiledFactor { code: number; index: number; state: string }

/** A non-time gate's test: lo/hi with inclusivity (range), or an operator code (OP_CODE order) and value (compare). */
export interface GateTest {
  readonly kind: 'range' | 'compare';
  readonly lo: number; readonly hi: number; readonly loInc: boolean; readonly hiInc: boolean;
  readonly op: number; readonly value: number;
}

interface CompiledGate extends GateTest {
  readonly f: CompiledFactor;
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
  /** How Δ is rounded: ROUND_EXACT (F = 0), ROUND_TRUNC, ROUND_FLOOR or ROUND_STOCHASTIC. */
  round: number;
  /** Δ saturation bound 2^(accumulatorBits − 1) (precomputed: a variable-exponent `**` is slow in hot loops). */
  am: number;
  /** Draw stream of stochastic rounding: STREAM_LEARNING_BASE + event index. */
  stream: number;
  /** `streamKey(stream)`, for `drawWithStreamKey` in the fast path's per-synapse loops. */
  streamKey: number;
  /** Gates and factors read only per-post values: eligible for the per-post fast path. */
  perPost: boolean;
  /**
   * Fast path: each gate as a test of an integer operand (`gateInterval`): open iff gLo ≤ x ≤ gHi, or, when
   * gNe = 1, iff x ≠ gLo.
   */
  gLo: Float64Array;
  gHi: Float64Array;
  gNe: Uint8Array;
  /** Fast path: the gate operands, then every term's factors, in evaluation order. */
  slots: CompiledFactor[];
  /** Some slot is a modulator (its value is refreshed per event run). */
  readsModulator: boolean;
  /** Fast path, per compartment group of the source core: where each slot's value is read (set by `bind`). */
  plans: SlotPlan[];
}

/**
 * Where the fast path reads each slot of an event for the compartments of one group: `arrs[s][comp + offs[s]]`,
 * or `consts[s]` when `arrs[s]` is null (a modulator, refreshed per event run, or a state the group lacks: 0).
 */
interface SlotPlan {
  readonly arrs: (Int32Array | null)[];
  readonly offs: Int32Array;
  readonly consts: Float64Array;
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
  /** Post-state names the program reads. */
  readonly stateNames: readonly string[];
  /** Per source-core compartment group: arrays of each post-state name (bound to the run-time cores). */
  stateArrays: Map<string, (Int32Array | null)[]>;
  /** Compartments [postFirst, postEnd) hold every target of the group (the per-post table's range). */
  readonly postFirst: number;
  readonly postEnd: number;
  /** Weight bounds of the updated rows when not driven: max(weightMin, bounds[0]), min(weightMax, bounds[1]). */
  readonly wLo: number;
  readonly wHi: number;
  /**
   * Per-post table of the fast path (per source-core compartment): gate open; Δ when the rounding draw fails;
   * dStep = (Δ when it succeeds) − dLo, 0 or 1 (0 too when saturated); the rounding fraction, an integer in
   * [0, 2^F) (0: no draw needed).
   */
  readonly open: Uint8Array;
  readonly dLo: Float64Array;
  readonly dStep: Int32Array;
  readonly frac: Int32Array;
  /**
   * The compartments whose gate is open in the table `fillTable` last filled, ascending: openList[0, openCount).
   * A closed gate leaves a synapse untouched (not even clamped), so a row may skip every other compartment.
   */
  readonly openList: Int32Array;
  openCount: number;
  /**
   * Per source-core axon of this group: c0 if its rows target the compartments c0, c0 + 1, … in order (row
   * r0 + j → compartment c0 + j, e.g. a dense projection), so the synapse into an open compartment is found without
   * walking the row; −1 otherwise (and for axons of other groups).
   */
  readonly axonFirst: Int32Array;
}

/** Per-group trace arrays exposed for probes. */
export interface TraceView {
  readonly name: string;
  readonly side: 'pre' | 'post';
  /** Indexed by the core's axon (pre) or compartment (post). */
  readonly values: Int32Array;
}

/**
 * Everything mutable in the engine, as plain numbers and typed arrays (deep copies), for checkpoints. Weights
 * are not part of it: they live in the emulator's cores (`Emulator.saveState`).
 */
export interface SopEngineState {
  /** First step of the current sample (`setSampleStart`). */
  readonly sampleStart: number;
  /** Modulator registers, in the engine's register order (names by first appearance in program order). */
  readonly regs: Float64Array;
  /** Registers written by the host (`setModulator`): their schedules no longer apply. Indices, ascending. */
  readonly hostSet: Int32Array;
  /** Per unit (program × triggering synapse group, in a fixed order), per trace: its values. */
  readonly traces: Int32Array[][];
}

/** A state does not fit this engine (an engine built from another IR). */
export class LearningStateMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearningStateMismatch';
  }
}

export interface SopEngineOptions {
  /** Use the per-post fast path where a program allows it (default true; false = general path only, for tests). */
  readonly fastPath?: boolean;
}

export class SopLearningEngine implements LearningEngine {
  /** When false, traces still evolve but weights are left alone (test phases). */
  learningEnabled = true;
  private sampleStart = 0;
  private readonly ir: DendriteIr;
  private readonly fastPath: boolean;
  private readonly units: Unit[] = [];
  private readonly regNames: string[] = [];
  private readonly regInitial: Float64Array;
  private readonly regs: Float64Array;
  /** 1 for each register the host has written. */
  private readonly hostSet: Uint8Array;
  /** Per program, per modulator: register index. */
  private readonly progRegs: Int32Array[];
  private readonly rowAxon: Int32Array[];
  private readonly neuronComp: Int32Array;
  /** The run-time cores the post-state arrays are bound to (set at the first step). */
  private cores: readonly CoreRuntime[] | null = null;
  /** Row draws in WebAssembly for stochastic rounding (`updateOpen`), or null (set when bound to an emulator). */
  private drawKernel: DrawKernel | null = null;

  constructor(ir: DendriteIr, options: SopEngineOptions = {}) {
    this.ir = ir;
    this.fastPath = options.fastPath ?? true;
    for (const p of ir.learning) {
      if (!isSopProgram(p)) continue;
      for (const m of p.modulators) if (!this.regNames.includes(m.name)) this.regNames.push(m.name);
    }
    this.regInitial = new Float64Array(this.regNames.length);
    for (const p of ir.learning) {
      if (!isSopProgram(p)) continue;
      for (const m of p.modulators) this.regInitial[this.regNames.indexOf(m.name)] = m.initial;
    }
    this.regs = this.regInitial.slice();
    this.hostSet = new Uint8Array(this.regNames.length);
    this.progRegs = ir.learning.map((p) => (isSopProgram(p) ? Int32Array.from(p.modulators, (m) => this.regNames.indexOf(m.name)) : new Int32Array(0)));
    this.rowAxon = ir.cores.map((core) => {
      const syn = core.synapses;
      const ra = new Int32Array(syn.targets.length);
      for (let a = 0; a < core.axonCount; a++) ra.fill(a, syn.axonOffsets[a]!, syn.axonOffsets[a + 1]!);
      return ra;
    });
    this.neuronComp = new Int32Array(ir.neuronCount).fill(-1);
    for (const core of ir.cores) for (const g of core.groups) for (let k = 0; k < g.size; k++) this.neuronComp[g.neuronBase + k] = g.first + k;
    this.build();
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
    this.hostSet[i] = 1;
  }

  /**
   * Tells the engine that epoch `epoch` (0-based) starts: registers with per-epoch values (and not written by the
   * host) take `perEpoch[min(epoch, length − 1)]`. The value stays in the register (and in saved states) until
   * the next call, so a run resumed mid-epoch keeps it.
   */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epoch ${epoch} is not a non-negative integer`);
    for (const p of this.ir.learning) {
      if (!isSopProgram(p)) continue;
      for (const m of p.modulators) {
        const i = this.regNames.indexOf(m.name);
        if (m.perEpoch === undefined || m.perEpoch.length === 0 || this.hostSet[i]) continue;
        this.regs[i] = m.perEpoch[Math.min(epoch, m.perEpoch.length - 1)]!;
      }
    }
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

  /**
   * Does event `eventIndex` of program `programIndex` run on the per-post fast path (on every unit that executes
   * it)? False when the fast path is off, the event reads a pre trace or the weight, or the program is driven.
   */
  usesFastPath(programIndex: number, eventIndex: number): boolean {
    const units = this.units.filter((u) => u.programIndex === programIndex);
    return this.fastPath && units.length > 0 && units.every((u) => u.events[eventIndex]?.perPost === true);
  }

  /** A deep copy of the engine's mutable state (see `SopEngineState`). */
  saveState(): SopEngineState {
    const hostSet: number[] = [];
    this.hostSet.forEach((f, i) => { if (f) hostSet.push(i); });
    return {
      sampleStart: this.sampleStart,
      regs: this.regs.slice(),
      hostSet: Int32Array.from(hostSet),
      traces: this.units.map((u) => u.traces.map((t) => t.slice())),
    };
  }

  /**
   * Restores a `saveState()` value taken from an engine of the same IR (the state is copied; later changes to
   * either do not affect the other). Throws `LearningStateMismatch` if the shapes differ. An empty `traces` list
   * means all traces zero (checkpoints written before the first step by earlier versions).
   */
  loadState(s: SopEngineState): void {
    // A saved state comes from a file (a checkpoint): check its shape before trusting it.
    const o = s as unknown as Record<string, unknown> | null;
    if (o === null || typeof o !== 'object') throw new LearningStateMismatch('learning state: not an object');
    if (!(o.regs instanceof Float64Array)) throw new LearningStateMismatch('learning state: `regs` must be a Float64Array');
    // hostSet: an Int32Array, or a plain list of indices in the earlier checkpoint format
    if (!(o.hostSet instanceof Int32Array) && !Array.isArray(o.hostSet)) throw new LearningStateMismatch('learning state: `hostSet` must be a list of register indices');
    if (typeof o.sampleStart !== 'number' || !Number.isInteger(o.sampleStart)) throw new LearningStateMismatch('learning state: `sampleStart` must be an integer');
    if (!Array.isArray(o.traces) || !o.traces.every((u) => Array.isArray(u) && u.every((t) => t instanceof Int32Array))) {
      throw new LearningStateMismatch('learning state: `traces` must be an array (per unit) of arrays of Int32Array');
    }
    if (s.regs.length !== this.regs.length) throw new LearningStateMismatch(`learning state: ${s.regs.length} modulator registers saved, ${this.regs.length} in the engine`);
    const zero = s.traces.length === 0;
    if (!zero && s.traces.length !== this.units.length) throw new LearningStateMismatch(`learning state: ${s.traces.length} units saved, ${this.units.length} in the engine`);
    this.units.forEach((u, i) => {
      const saved = zero ? null : s.traces[i]!;
      if (saved !== null && saved.length !== u.traces.length) throw new LearningStateMismatch(`learning state: unit ${i} has ${saved.length} traces saved, ${u.traces.length} in the engine`);
      u.traces.forEach((t, k) => {
        if (saved !== null && saved[k]!.length !== t.length) throw new LearningStateMismatch(`learning state: unit ${i} trace ${k} has ${saved[k]!.length} values saved, ${t.length} in the engine`);
      });
    });
    for (const i of Array.from(s.hostSet)) {
      if (!Number.isInteger(i) || i < 0 || i >= this.regs.length) throw new LearningStateMismatch(`learning state: host-set register ${i} does not exist`);
    }
    this.sampleStart = s.sampleStart;
    this.regs.set(s.regs);
    this.hostSet.fill(0);
    for (const i of Array.from(s.hostSet)) this.hostSet[i] = 1;
    this.units.forEach((u, i) => u.traces.forEach((t, k) => (zero ? t.fill(0) : t.set(s.traces[i]![k]!))));
  }

  /**
   * Resets between samples: every trace to 0, every register the host has not written to its initial value
   * (scheduled registers take their scheduled value again at the next step). Host-written registers keep their
   * value (the host owns them); weights and the sample start are left alone.
   */
  reset(): void {
    for (const u of this.units) for (const t of u.traces) t.fill(0);
    for (let i = 0; i < this.regs.length; i++) if (!this.hostSet[i]) this.regs[i] = this.regInitial[i]!;
  }

  /** Builds the units and their indexes from the IR (constructor). */
  private build(): void {
    const ir = this.ir;
    // Global neuron id of the presynaptic side of every (core, axon), from the routing table.
    const axonPre = ir.cores.map((c) => new Int32Array(c.axonCount).fill(-1));
    const { offsets, core: rc, axon: ra } = ir.routing;
    for (let n = 0; n < ir.neuronCount; n++) for (let k = offsets[n]!; k < offsets[n + 1]!; k++) axonPre[rc[k]!]![ra[k]!] = n;

    let uid = 0;
    ir.cores.forEach((core, c) => {
      core.synapseGroups.forEach((sg, gi) => {
        if (sg.learning === null) return;
        const p = ir.learning[sg.learning]!;
        if (!isSopProgram(p) || p.drivenBy !== null) return;
        this.units.push(this.makeUnit(uid++, p, sg.learning, c, gi, null, null));
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
  }

  private makeUnit(id: number, prog: SopProgram, programIndex: number, c: number, gi: number,
    rowTarget: Int32Array | null, rowTargetCore: Int32Array | null): Unit {
    const core = this.ir.cores[c]!;
    const syn = core.synapses;
    const n = core.compartmentCount;
    const counts = new Int32Array(n + 1);
    const axons: number[] = [];
    let postFirst = n;
    let postEnd = 0;
    for (let a = 0; a < core.axonCount; a++) {
      if (syn.axonGroup[a] !== gi) continue;
      axons.push(a);
      for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) {
        const comp = syn.targets[r]!;
        counts[comp + 1]!++;
        if (comp < postFirst) postFirst = comp;
        if (comp + 1 > postEnd) postEnd = comp + 1;
      }
    }
    if (postEnd < postFirst) postFirst = postEnd = 0;
    const axonFirst = new Int32Array(core.axonCount).fill(-1);
    for (const a of axons) {
      const r0 = syn.axonOffsets[a]!;
      const r1 = syn.axonOffsets[a + 1]!;
      let r = r0 + 1;
      while (r < r1 && syn.targets[r] === syn.targets[r - 1]! + 1) r++;
      if (r1 > r0 && r === r1) axonFirst[a] = syn.targets[r0]!;
    }
    for (let k = 0; k < n; k++) counts[k + 1]! += counts[k]!;
    const postOffsets = counts.slice();
    const fill = counts.slice(0, n);
    const postRows = new Int32Array(postOffsets[n]!);
    for (const a of axons) for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) postRows[fill[syn.targets[r]!]!++] = r;
    const stateNames: string[] = [];
    const compile = (f: FactorRef): CompiledFactor => {
      switch (f.kind) {
        case 'pre_trace': return { code: F_PRE, index: f.index, state: '' };
        case 'post_trace': return { code: F_POST, index: f.index, state: '' };
        case 'modulator': return { code: F_MOD, index: f.index, state: '' };
        case 'weight': return { code: F_W, index: 0, state: '' };
        case 'post_state':
          if (!stateNames.includes(f.state)) stateNames.push(f.state);
          return { code: F_STATE, index: 0, state: f.state };
      }
    };
    const driven = rowTarget !== null;
    const events: CompiledEvent[] = prog.events.map((e, ei) => {
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
        round: F === 0 ? ROUND_EXACT : prog.rounding === 'toward_zero' ? ROUND_TRUNC : prog.rounding === 'floor' ? ROUND_FLOOR : ROUND_STOCHASTIC,
        am: 2 ** (prog.accumulatorBits - 1),
        stream: STREAM_LEARNING_BASE + ei,
        streamKey: streamKey(STREAM_LEARNING_BASE + ei),
        perPost: !driven && readsPostOnly(e),
        gLo: new Float64Array(0),
        gHi: new Float64Array(0),
        gNe: new Uint8Array(0),
        slots: [],
        readsModulator: false,
        plans: [],
      };
    });
    const traces = prog.traces.map((t) => new Int32Array(t.side === 'pre' ? core.axonCount : n));
    const sg = core.synapseGroups[gi]!;
    let wLo = sg.weightMin;
    let wHi = sg.weightMax;
    if (prog.bounds !== null) {
      if (prog.bounds[0] > wLo) wLo = prog.bounds[0];
      if (prog.bounds[1] < wHi) wHi = prog.bounds[1];
    }
    for (const ev of events) {
      if (!ev.perPost) continue;
      ev.slots = [...ev.gates.map((g) => g.f), ...ev.factors.flat()];
      ev.readsModulator = ev.slots.some((f) => f.code === F_MOD);
      const iv = ev.gates.map(gateInterval);
      ev.gLo = Float64Array.from(iv, (g) => g.lo);
      ev.gHi = Float64Array.from(iv, (g) => g.hi);
      ev.gNe = Uint8Array.from(iv, (g) => (g.ne ? 1 : 0));
    }
    const anyFast = events.some((e) => e.perPost);
    const tableSize = anyFast ? n : 0;
    return {
      id, prog, programIndex, srcCore: c, srcGroup: gi, rowTarget, rowTargetCore, events, traces,
      modIndex: this.progRegs[programIndex]!, postOffsets, postRows, axons: Int32Array.from(axons), stateNames,
      stateArrays: new Map(), postFirst, postEnd, wLo, wHi,
      open: new Uint8Array(tableSize), dLo: new Float64Array(tableSize), dStep: new Int32Array(tableSize), frac: new Int32Array(tableSize),
      openList: new Int32Array(tableSize), openCount: 0, axonFirst,
    };
  }

  /** Binds the units' post-state reads to the emulator's run-time cores. */
  private bind(cores: readonly CoreRuntime[]): void {
    this.cores = cores;
    for (const u of this.units) {
      u.stateArrays = new Map(u.stateNames.map((s) => [s, cores[u.srcCore]!.groups.map((gs) => gs.arrays[s] ?? null)]));
      for (const ev of u.events) {
        if (!ev.perPost) continue;
        ev.plans = cores[u.srcCore]!.groups.map((gs) => {
          const first = gs.group.first;
          const arrs = ev.slots.map((f) => (f.code === F_STATE ? gs.arrays[f.state] ?? null : f.code === F_POST ? u.traces[f.index]! : null));
          const offs = Int32Array.from(ev.slots, (f) => (f.code === F_STATE ? -first : 0));
          return { arrs, offs, consts: new Float64Array(ev.slots.length) };
        });
      }
    }
  }

  onStep(ctx: LearningContext): void {
    if (this.cores !== ctx.cores) {
      this.bind(ctx.cores);
      this.drawKernel = drawKernel(ctx.kernels ?? defaultKernelChoice());
    }
    const t = ctx.step;
    const seed = ctx.seed;
    const tl = t - this.sampleStart;
    this.updateModulators(tl);
    for (const u of this.units) this.updateTraces(u, ctx, seed, t);
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
        const fast = this.fastPath && ev.perPost;
        if (ev.trigger === 'pre') {
          if (fast) this.runPreFast(u, ev, ctx, seed, t);
          else this.runPre(u, ev, ctx, seed, t);
        } else if (ev.trigger === 'post') {
          if (fast) this.runPostFast(u, ev, ctx, seed, t);
          else this.runPost(u, ev, ctx, seed, t);
        } else if (t % ev.period === 0) {
          if (fast) this.runPeriodicFast(u, ev, ctx, seed, t);
          else this.runPeriodic(u, ev, ctx, seed, t);
        }
      }
    }
  }

  private updateModulators(tl: number): void {
    const progs = this.ir.learning;
    for (let pi = 0; pi < progs.length; pi++) {
      const p = progs[pi]!;
      if (!isSopProgram(p)) continue;
      const mods = p.modulators;
      const idx = this.progRegs[pi]!;
      for (let mi = 0; mi < mods.length; mi++) {
        const m = mods[mi]!;
        const i = idx[mi]!;
        if (m.schedule === null || this.hostSet[i]) continue;
        let v = m.schedule.otherwise;
        for (const s of m.schedule.segments) if (tl >= s.from && tl < s.to) { v = s.value; break; }
        this.regs[i] = v;
      }
    }
  }

  private updateTraces(u: Unit, ctx: LearningContext, seed: number, t: number): void {
    const defs = u.prog.traces;
    if (defs.length === 0) return;
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
      const stochastic = d.stochastic && frac > 0;
      if (d.side === 'pre') {
        const { offsets, core: rc, axon: ra } = this.ir.routing;
        for (let s = 0; s < ctx.spikeCount; s++) {
          const id = ctx.spikes[s]!;
          for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
            if (rc[k] !== c) continue;
            const a = ra[k]!;
            if (syn.axonGroup[a] !== u.srcGroup) continue;
            let y = x[a]! + whole;
            if (stochastic && (draw(seed, t, c, a, stream + 1) >>> 0) % ip < frac) y++;
            x[a] = y > max ? max : y;
          }
        }
      } else {
        for (let s = 0; s < ctx.spikeCount; s++) {
          const id = ctx.spikes[s]!;
          if (ctx.neuronCore[id] !== c) continue;
          const k = this.neuronComp[id]!;
          let y = x[k]! + whole;
          if (stochastic && (draw(seed, t, c, k, stream + 1) >>> 0) % ip < frac) y++;
          x[k] = y > max ? max : y;
        }
      }
    }
  }

  // --- General path: every gate and factor per synapse ------------------------------------------------------

  private runPre(u: Unit, ev: CompiledEvent, ctx: LearningContext, seed: number, step: number): void {
    const { offsets, core: rc, axon: ra } = this.ir.routing;
    const syn = this.ir.cores[u.srcCore]!.synapses;
    let ops = 0;
    for (let s = 0; s < ctx.spikeCount; s++) {
      const id = ctx.spikes[s]!;
      for (let k = offsets[id]!; k < offsets[id + 1]!; k++) {
        if (rc[k] !== u.srcCore) continue;
        const a = ra[k]!;
        if (syn.axonGroup[a] !== u.srcGroup) continue;
        for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) ops += this.apply(u, ev, r, a, syn.targets[r]!, seed, step);
      }
    }
    if (ops > 0) ctx.addLearningOps(u.srcCore, ops);
  }

  private runPost(u: Unit, ev: CompiledEvent, ctx: LearningContext, seed: number, step: number): void {
    const syn = this.ir.cores[u.srcCore]!.synapses;
    const rowAxon = this.rowAxon[u.srcCore]!;
    let ops = 0;
    for (let s = 0; s < ctx.spikeCount; s++) {
      const id = ctx.spikes[s]!;
      if (ctx.neuronCore[id] !== u.srcCore) continue;
      const comp = this.neuronComp[id]!;
      for (let q = u.postOffsets[comp]!; q < u.postOffsets[comp + 1]!; q++) {
        const r = u.postRows[q]!;
        ops += this.apply(u, ev, r, rowAxon[r]!, syn.targets[r]!, seed, step);
      }
    }
    if (ops > 0) ctx.addLearningOps(u.srcCore, ops);
  }

  private runPeriodic(u: Unit, ev: CompiledEvent, ctx: LearningContext, seed: number, step: number): void {
    const syn = this.ir.cores[u.srcCore]!.synapses;
    let ops = 0;
    for (let i = 0; i < u.axons.length; i++) {
      const a = u.axons[i]!;
      for (let r = syn.axonOffsets[a]!; r < syn.axonOffsets[a + 1]!; r++) ops += this.apply(u, ev, r, a, syn.targets[r]!, seed, step);
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
        const gi = this.cores![c]!.groupOf[comp]!;
        const arr = u.stateArrays.get(f.state)![gi];
        if (!arr) return 0;
        return arr[comp - this.ir.cores[c]!.groups[gi]!.first]!;
      }
    }
  }

  /** One synapse update; returns the learning ops it cost (1, or 0 if the source row has no partner). */
  private apply(u: Unit, ev: CompiledEvent, r: number, a: number, comp: number, seed: number, step: number): number {
    let tc = u.srcCore;
    let tr = r;
    if (u.rowTarget !== null) {
      tr = u.rowTarget[r]!;
      if (tr < 0) return 0;
      tc = u.rowTargetCore![r]!;
    }
    const rt = this.cores![tc]!;
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
    if (ev.round === ROUND_EXACT) d = acc;
    else if (ev.round === ROUND_TRUNC) d = Math.trunc(acc / ev.pow);
    else {
      d = Math.floor(acc / ev.pow);
      if (ev.round === ROUND_STOCHASTIC) {
        const frac = acc - d * ev.pow;
        if (frac > 0) {
          const x = draw(seed, step, tc, tr, ev.stream);
          // Uniform integer in [0, 2^F) from the draw (F ≤ 31: low bits; exact).
          if (x % ev.pow < frac) d++;
        }
      }
    }
    const am = ev.am;
    if (d >= am) d = am - 1;
    else if (d < -am) d = -am;
    let lo = u.wLo;
    let hi = u.wHi;
    if (u.rowTarget !== null) {
      // Driven: the updated row may belong to any group running this program.
      const sg = this.ir.cores[tc]!.synapseGroups[this.ir.cores[tc]!.synapses.axonGroup[this.rowAxon[tc]![tr]!]!]!;
      lo = sg.weightMin;
      hi = sg.weightMax;
      if (prog.bounds !== null) {
        if (prog.bounds[0] > lo) lo = prog.bounds[0];
        if (prog.bounds[1] < hi) hi = prog.bounds[1];
      }
    }
    let y = ev.set ? d : w + d;
    if (y < lo) y = lo;
    else if (y > hi) y = hi;
    W[tr] = y;
    return 1;
  }

  // --- Per-post fast path (events whose gates and factors read only per-post values; never driven) ---------

  /** Refreshes the modulator values in an event's slot plans (once per event run). */
  private refreshPlans(u: Unit, ev: CompiledEvent): void {
    if (!ev.readsModulator) return; // every other constant slot stays 0 from `bind`
    const slots = ev.slots;
    for (const plan of ev.plans) {
      for (let k = 0; k < slots.length; k++) {
        plan.consts[k] = slots[k]!.code === F_MOD ? this.regs[u.modIndex[slots[k]!.index]!]! : 0;
      }
    }
  }

  /** Fills the per-post table for compartments [from, to) (after `refreshPlans`). */
  private fillTable(u: Unit, ev: CompiledEvent, from: number, to: number): void {
    const groups = this.ir.cores[u.srcCore]!.groups;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi]!;
      const lo = g.first > from ? g.first : from;
      const hi = g.first + g.size < to ? g.first + g.size : to;
      if (lo < hi) this.fillRange(u, ev, ev.plans[gi]!, lo, hi);
    }
    const open = u.open;
    const list = u.openList;
    let m = 0;
    for (let comp = from; comp < to; comp++) if (open[comp] !== 0) list[m++] = comp;
    u.openCount = m;
  }

  /**
   * The per-post table entries of compartments [from, to), all in the group `plan` is for: gate open?, and if
   * so the saturated Δ for the draw failing (dLo) and succeeding (dHi), and the rounding fraction (0 when no
   * draw is needed). Same arithmetic, in the same order, as `apply`.
   */
  private fillRange(u: Unit, ev: CompiledEvent, plan: SlotPlan, from: number, to: number): void {
    const { arrs, offs, consts } = plan;
    const { open, dLo, dStep, frac } = u;
    const gates = ev.gates;
    const nGates = gates.length;
    const { gLo, gHi, gNe } = ev;
    const scales = ev.scales;
    const factors = ev.factors;
    const round = ev.round;
    const pow = ev.pow;
    const am = ev.am;
    // A gate on a constant (a modulator, or a state the group lacks) has one outcome for the whole range: if it is
    // closed, so is every entry. Gates on arrays are tested below as integer intervals (see `gateInterval`); the
    // first one, which decides most entries when gates are mostly closed, from locals.
    for (let gi = 0; gi < nGates; gi++) {
      if (arrs[gi] === null && !gateOpen(gates[gi]!, consts[gi]!)) {
        open.fill(0, from, to);
        return;
      }
    }
    const a0 = nGates > 0 ? arrs[0]! : null;
    const o0 = nGates > 0 ? offs[0]! : 0;
    const lo0 = nGates > 0 ? gLo[0]! : 0;
    const hi0 = nGates > 0 ? gHi[0]! : 0;
    const ne0 = nGates > 0 && gNe[0] === 1;
    comps: for (let comp = from; comp < to; comp++) {
      if (a0 !== null) {
        const x = a0[comp + o0]!;
        if (ne0 ? x === lo0 : x < lo0 || x > hi0) { open[comp] = 0; continue; }
      }
      for (let gi = 1; gi < nGates; gi++) {
        const a = arrs[gi]!;
        if (a === null) continue;
        const x = a[comp + offs[gi]!]!;
        if (gNe[gi] === 1 ? x === gLo[gi]! : x < gLo[gi]! || x > gHi[gi]!) { open[comp] = 0; continue comps; }
      }
      let s = nGates;
      let acc = 0;
      for (let i = 0; i < scales.length; i++) {
        let p = scales[i]!;
        const nf = factors[i]!.length;
        for (let j = 0; j < nf; j++, s++) {
          const a = arrs[s]!;
          p *= a !== null ? a[comp + offs[s]!]! : consts[s]!;
        }
        acc += p;
      }
      let d: number;
      let f = 0;
      if (round === ROUND_EXACT) d = acc;
      else if (round === ROUND_TRUNC) d = Math.trunc(acc / pow);
      else {
        d = Math.floor(acc / pow);
        if (round === ROUND_STOCHASTIC) f = acc - d * pow;
      }
      // f is an integer in [0, 2^F), F ≤ 31 (acc is an integer: every scale and factor is), so Int32 holds it.
      open[comp] = 1;
      const d0 = d >= am ? am - 1 : d < -am ? -am : d;
      const d1 = d + 1 >= am ? am - 1 : d + 1 < -am ? -am : d + 1;
      dLo[comp] = d0;
      dStep[comp] = d1 - d0;
      frac[comp] = f > 0 ? f : 0;
    }
  }

  private runPreFast(u: Unit, ev: CompiledEvent, ctx: LearningContext, seed: number, step: number): void {
    const { offsets, core: rc, axon: ra } = this.ir.routing;
    const c = u.srcCore;
    const gi = u.srcGroup;
    const syn = this.ir.cores[c]!.synapses;
    const axonGroup = syn.axonGroup;
    const axonOffsets = syn.axonOffsets;
    const targets = syn.targets;
    const axonFirst = u.axonFirst;
    const spikes = ctx.spikes;
    const n = ctx.spikeCount;
    const prefix = drawPrefix(seed, step, c);
    let ops = 0;
    let ready = false;
    for (let s = 0; s < n; s++) {
      const id = spikes[s]!;
      const k1 = offsets[id + 1]!;
      for (let k = offsets[id]!; k < k1; k++) {
        if (rc[k] !== c) continue;
        const a = ra[k]!;
        if (axonGroup[a] !== gi) continue;
        if (!ready) {
          this.refreshPlans(u, ev);
          this.fillTable(u, ev, u.postFirst, u.postEnd);
          ready = true;
        }
        const r0 = axonOffsets[a]!;
        const r1 = axonOffsets[a + 1]!;
        ops += r1 - r0;
        this.updateAxon(u, ev, targets, axonFirst[a]!, r0, r1, prefix);
      }
    }
    if (ops > 0) ctx.addLearningOps(c, ops);
  }

  private runPostFast(u: Unit, ev: CompiledEvent, ctx: LearningContext, seed: number, step: number): void {
    const c = u.srcCore;
    const targets = this.ir.cores[c]!.synapses.targets;
    const groupOf = this.cores![c]!.groupOf;
    const spikes = ctx.spikes;
    const n = ctx.spikeCount;
    const prefix = drawPrefix(seed, step, c);
    let ops = 0;
    let ready = false;
    for (let s = 0; s < n; s++) {
      const id = spikes[s]!;
      if (ctx.neuronCore[id] !== c) continue;
      const comp = this.neuronComp[id]!;
      const q0 = u.postOffsets[comp]!;
      const q1 = u.postOffsets[comp + 1]!;
      if (q0 === q1) continue;
      ops += q1 - q0;
      if (!ready) {
        this.refreshPlans(u, ev);
        ready = true;
      }
      this.fillRange(u, ev, ev.plans[groupOf[comp]!]!, comp, comp + 1);
      if (u.open[comp] !== 0) this.updateRows(u, ev, targets, u.postRows, q0, q1, prefix);
    }
    if (ops > 0) ctx.addLearningOps(c, ops);
  }

  private runPeriodicFast(u: Unit, ev: CompiledEvent, ctx: LearningContext, seed: number, step: number): void {
    const syn = this.ir.cores[u.srcCore]!.synapses;
    this.refreshPlans(u, ev);
    this.fillTable(u, ev, u.postFirst, u.postEnd);
    const prefix = drawPrefix(seed, step, u.srcCore);
    let ops = 0;
    for (let i = 0; i < u.axons.length; i++) {
      const a = u.axons[i]!;
      const r0 = syn.axonOffsets[a]!;
      const r1 = syn.axonOffsets[a + 1]!;
      ops += r1 - r0;
      this.updateAxon(u, ev, syn.targets, u.axonFirst[a]!, r0, r1, prefix);
    }
    if (ops > 0) ctx.addLearningOps(u.srcCore, ops);
  }

  /**
   * The rows r0..r1−1 of one axon, after `fillTable`: nothing when every gate is closed (a closed gate leaves the
   * weight untouched); for an axon whose rows target consecutive compartments from c0, only the synapses into
   * open compartments (`updateOpen`); else the whole row (`updateRows`). All three give the same weights.
   */
  private updateAxon(u: Unit, ev: CompiledEvent, targets: Int32Array, c0: number, r0: number, r1: number, prefix: number): void {
    const m = u.openCount;
    if (m === 0) return;
    if (c0 >= 0 && m <= r1 - r0) this.updateOpen(u, ev, c0, r0, r1 - r0, prefix);
    else this.updateRows(u, ev, targets, null, r0, r1, prefix);
  }

  /**
   * The per-synapse loop of the fast path over rows `rows[q]` for q in [q0, q1) (or rows q0..q1−1 when `rows` is
   * null): a closed gate skips the row; otherwise Δ = dLo, plus dStep when the keyed draw's low F bits fall below
   * the post's rounding fraction; then w = clamp(w + Δ) (or clamp(Δ) for `set`). The draw is taken whether or not
   * the fraction is 0 (it is a pure function of its key, so this changes nothing) and its outcome is applied
   * without a branch: x < f ⇔ the sign bit of x − f, and both are below 2^31. `prefix` = drawPrefix(seed, step,
   * core), mixed once per step.
   */
  private updateRows(u: Unit, ev: CompiledEvent, targets: Int32Array, rows: Int32Array | null, q0: number, q1: number, prefix: number): void {
    const W = this.cores![u.srcCore]!.weights;
    const { open, dLo, dStep, frac } = u;
    const lo = u.wLo;
    const hi = u.wHi;
    const set = ev.set;
    const stochastic = ev.round === ROUND_STOCHASTIC;
    const mask = ev.pow - 1; // x mod 2^F = x & (2^F − 1) for F ≤ 31
    const ks = ev.streamKey;
    for (let q = q0; q < q1; q++) {
      const r = rows === null ? q : rows[q]!;
      const comp = targets[r]!;
      if (open[comp] === 0) continue;
      let d = dLo[comp]!;
      if (stochastic) d += (((drawWithStreamKey(prefix, r, ks) & mask) - frac[comp]!) >>> 31) & dStep[comp]!;
      let y = set ? d : W[r]! + d;
      if (y < lo) y = lo;
      else if (y > hi) y = hi;
      W[r] = y;
    }
  }

  /**
   * `updateRows` for an axon whose row r0 + j targets compartment c0 + j (j < len), driven by the open list
   * instead of the row: the same synapses (those into open compartments), each updated by the same expression.
   */
  private updateOpen(u: Unit, ev: CompiledEvent, c0: number, r0: number, len: number, prefix: number): void {
    const m = u.openCount;
    const dk = this.drawKernel;
    // Most of the row open (as in training): its draws at once in WebAssembly, the same bits (draws-wasm.ts).
    if (dk !== null && ev.round === ROUND_STOCHASTIC && m >= BULK_DRAWS && 2 * m >= len && len <= dk.capacity) {
      runDraws(dk, prefix, r0, len, ev.streamKey);
      this.updateOpenDrawn(u, ev, c0, r0, len, dk.out);
      return;
    }
    const W = this.cores![u.srcCore]!.weights;
    const { openList, dLo, dStep, frac } = u;
    const lo = u.wLo;
    const hi = u.wHi;
    const set = ev.set;
    const stochastic = ev.round === ROUND_STOCHASTIC;
    const mask = ev.pow - 1;
    const ks = ev.streamKey;
    for (let i = 0; i < m; i++) {
      const comp = openList[i]!;
      const j = comp - c0;
      if (j < 0 || j >= len) continue;
      const r = r0 + j;
      let d = dLo[comp]!;
      if (stochastic) d += (((drawWithStreamKey(prefix, r, ks) & mask) - frac[comp]!) >>> 31) & dStep[comp]!;
      let y = set ? d : W[r]! + d;
      if (y < lo) y = lo;
      else if (y > hi) y = hi;
      W[r] = y;
    }
  }

  /** `updateOpen`'s stochastic loop with the row's draws given: draws[j] is the draw of synapse r0 + j. */
  private updateOpenDrawn(u: Unit, ev: CompiledEvent, c0: number, r0: number, len: number, draws: Int32Array): void {
    const W = this.cores![u.srcCore]!.weights;
    const { openList, dLo, dStep, frac } = u;
    const m = u.openCount;
    const lo = u.wLo;
    const hi = u.wHi;
    const set = ev.set;
    const mask = ev.pow - 1;
    for (let i = 0; i < m; i++) {
      const comp = openList[i]!;
      const j = comp - c0;
      if (j < 0 || j >= len) continue;
      const r = r0 + j;
      const d = dLo[comp]! + ((((draws[j]! & mask) - frac[comp]!) >>> 31) & dStep[comp]!);
      let y = set ? d : W[r]! + d;
      if (y < lo) y = lo;
      else if (y > hi) y = hi;
      W[r] = y;
    }
  }
}

/** Do the event's gates and factors read only values fixed per post compartment (post state, post traces, modulators)? */
function readsPostOnly(e: EventDef): boolean {
  const post = (f: FactorRef) => f.kind === 'post_state' || f.kind === 'post_trace' || f.kind === 'modulator';
  return e.gates.every((g) => g.kind === 'time' || post(g.operand)) && e.terms.every((t) => t.factors.every(post));
}



/** Does gate `g` let operand value x through (the general path's test)? */
export function gateOpen(g: GateTest, x: number): boolean {
  if (g.kind === 'range') return !((g.loInc ? x < g.lo : x <= g.lo) || (g.hiInc ? x > g.hi : x >= g.hi));
  return compareCode(x, g.op, g.value);
}

/**
 * A gate as an interval test for INTEGER operands (state and trace arrays are Int32Arrays): open iff lo ≤ x ≤ hi,
 * or iff x ≠ lo when `ne`. For integer x and any real bound b: x > b ⇔ x ≥ ⌊b⌋ + 1, x ≥ b ⇔ x ≥ ⌈b⌉,
 * x < b ⇔ x ≤ ⌈b⌉ − 1, x ≤ b ⇔ x ≤ ⌊b⌋, so this equals `gateOpen` on every integer (validated bounds are integers
 * below 2^52, where ± 1 is exact).
 */
export function gateInterval(g: GateTest): { lo: number; hi: number; ne: boolean } {
  if (g.kind === 'range') {
    return { lo: g.loInc ? Math.ceil(g.lo) : Math.floor(g.lo) + 1, hi: g.hiInc ? Math.floor(g.hi) : Math.ceil(g.hi) - 1, ne: false };
  }
  const v = g.value;
  switch (g.op) {
    case 0: return { lo: -Infinity, hi: Math.ceil(v) - 1, ne: false }; // <
    case 1: return { lo: -Infinity, hi: Math.floor(v), ne: false }; // <=
    case 2: return { lo: Math.floor(v) + 1, hi: Infinity, ne: false }; // >
    case 3: return { lo: Math.ceil(v), hi: Infinity, ne: false }; // >=
    case 4: return Number.isInteger(v) ? { lo: v, hi: v, ne: false } : { lo: 1, hi: 0, ne: false }; // ==
    default: return Number.isInteger(v) ? { lo: v, hi: v, ne: true } : { lo: -Infinity, hi: Infinity, ne: false }; // !=
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
    case 'cuba':
      return s === 'v' || (s === 'i' && g.current !== null) || (g.dendrite !== null && s === g.dendrite.name) ||
        (g.extraCurrents ?? []).some((c) => c.name === s);
    case 'nsat': return /^x\d$/.test(s) && Number(s.slice(1)) < g.states;
  }
}
