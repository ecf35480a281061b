/**
 * The checked network: what the checker produces from a `.snn` file and what the back end lowers.
 *
 * Everything here is resolved: names are bound, `like`/`extends` are expanded, every quantity is a float64 in SI
 * units (seconds, volts, hertz; dimensionless where the language has no unit), and every node keeps the source
 * span it came from so later stages can point at it. No target-specific (integer) information lives here.
 *
 * Discrete-time semantics of a neuron (the float reference simulates exactly this, the lowering quantizes it).
 * Per step of length `dt`, with α_x = exp(−dt/τ_x) (α = 1 when a state has no leak):
 *   1. every input port adds the weighted spikes that arrive this step to its target state:
 *        x ← rest_x + α_x·(x − rest_x) + Σ w          (states updated in declaration order)
 *   2. a state that `integrates` other states then adds their freshly updated values, plus the bias if it is
 *      the membrane:  v ← rest_v + α_v·(v − rest_v) + Σ integrated + bias   (Loihi's u → v coupling)
 *   3. floor/ceiling clamps; while refractory the membrane is held at its reset value;
 *   4. spike if membrane > threshold (strictly); then reset (to value / subtract threshold / none) and start the
 *      refractory period.
 * Spikes emitted at step t are delivered at step t + 1 + delay.
 */
import type { Span } from './diagnostics/diagnostic.js';

/** A quantity with its dimension already checked and converted to SI. */
export type Seconds = number;
export type Hertz = number;

export interface Network {
  readonly name: string;
  /** The root `.snn` file; imported files appear in spans. */
  readonly file: string;
  readonly span: Span;
  readonly dt: Seconds;
  readonly seed: number;
  readonly populations: readonly Population[];
  readonly projections: readonly Projection[];
  readonly rules: readonly LearningRule[];
  readonly signals: readonly Signal[];
  readonly probes: readonly Probe[];
  readonly protocol?: Protocol;
}

// ---------------------------------------------------------------------------------------------------------
// Neurons

export type ResetMode =
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'subtract' }
  | { readonly kind: 'none' };

export type StateRole = 'membrane' | 'current' | 'dendrite' | 'other';

export interface StateVar {
  readonly name: string;
  readonly span: Span;
  readonly role: StateRole;
  /** Leak time constant; `null` = no leak (perfect integrator). */
  readonly tau: Seconds | null;
  /** Value the state leaks toward (e.g. a resting potential). */
  readonly rest: number;
  readonly initial: number | Initializer;
  /** Rectification / clamps, e.g. `floor = 0` for error neurons. */
  readonly floor?: number;
  readonly ceiling?: number;
  /** Names of states whose updated value is added to this one every step (e.g. v integrates i). */
  readonly integrates: readonly string[];
}

export interface InputPort {
  readonly name: string;
  readonly span: Span;
  /** The state variable that spikes arriving at this port add to. */
  readonly target: string;
}

/** Noise injected into a state every step (eRBP+: Poisson noise into V). */
export type NoiseModel =
  | { readonly kind: 'poisson'; readonly target: string; readonly rate: Hertz; readonly amplitude: number; readonly span: Span }
  | { readonly kind: 'gaussian'; readonly target: string; readonly std: number; readonly span: Span };

export type BuiltinNeuron = 'LIF' | 'CubaLIF' | 'IF' | 'LI';

export interface NeuronModel {
  /** The user's type name (or the built-in's). */
  readonly typeName: string;
  readonly base: BuiltinNeuron;
  readonly span: Span;
  /** In update order. Exactly one has role `membrane` unless the base is `LI` (no spikes). */
  readonly states: readonly StateVar[];
  readonly ports: readonly InputPort[];
  readonly membrane: string;
  readonly threshold: number;
  readonly reset: ResetMode;
  readonly refractory: Seconds;
  readonly bias: number;
  readonly noise?: NoiseModel;
  /** Does it emit spikes (false for `LI`). */
  readonly spiking: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Sources

export type SourceModel =
  /** Rate encoder: unit k spikes with probability rate_max·x_k·dt per step, x_k ∈ [0,1] from the data set. */
  | { readonly kind: 'poisson'; readonly rateMax: Hertz; readonly refractory: Seconds; readonly span: Span }
  /** Fixed-rate Poisson units (no data), e.g. background noise. */
  | { readonly kind: 'poisson_fixed'; readonly rate: Hertz; readonly span: Span }
  /** Escape-noise input neurons (research/papers.md §1.4d). */
  | {
      readonly kind: 'escape_noise';
      readonly rateMax: Hertz;
      readonly beta: number;
      readonly threshold: number;
      readonly refractory: Seconds;
      readonly span: Span;
    }
  | { readonly kind: 'spike_file'; readonly path: string; readonly span: Span }
  /** One unit per class; the unit of the current label fires at `rate` (regular or Poisson) while training. */
  | { readonly kind: 'labels'; readonly rate: Hertz; readonly regular: boolean; readonly duringTest: boolean; readonly span: Span };

// ---------------------------------------------------------------------------------------------------------
// Populations and projections

export interface Population {
  readonly name: string;
  readonly span: Span;
  readonly size: number;
  /** Exactly one of `neuron` or `source` is set. */
  readonly neuron?: NeuronModel;
  readonly source?: SourceModel;
}

export type Connector =
  | { readonly kind: 'dense' }
  | { readonly kind: 'one_to_one' }
  | { readonly kind: 'random'; readonly p: number; readonly allowSelf: boolean }
  | { readonly kind: 'from_file'; readonly path: string };

export type Initializer =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number }
  /**
   * Uniform in [−|scale|, |scale|], then centred so each post neuron's incoming weights sum to 0. A negative
   * scale with the same seed gives exactly the negated matrix (eRBP's E− pathway mirrors E+).
   */
  | { readonly kind: 'centred_uniform'; readonly scale: number }
  /** Centred normal; like `centred_uniform`, a negative `std` with the same seed gives exactly the negated matrix. */
  | { readonly kind: 'centred_normal'; readonly std: number };

export interface Projection {
  /** `pre->post` or `pre->post.port`, unique in the network (the checker disambiguates duplicates with `#2`). */
  readonly name: string;
  readonly span: Span;
  readonly pre: string;
  readonly post: string;
  /** The post population's input port (`in` by default). */
  readonly port: string;
  /** Declared with `feedback` (error pathways into dendrites); informational for reports and the mapper. */
  readonly feedback: boolean;
  readonly connector: Connector;
  readonly weight: Initializer;
  /** Seed for connectivity and weight draws; defaults to a hash of the network seed and the projection name. */
  readonly seed: number;
  readonly delay: Seconds;
  /** Transmission probability (blank-out synapses); 1 = always. */
  readonly pTransmit: number;
  /** Name of the learning rule, or null for frozen weights. */
  readonly rule: string | null;
  /** Bounds on the weight, from the rule or the projection (`bounds [lo, hi]`). */
  readonly bounds?: readonly [number, number];
  /**
   * For feedback pathways that learn from another projection's activity (BFA, synthetic gradients): the
   * projection whose signal drives this one's rule, if the rule refers to it.
   */
  readonly drivenBy?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Learning rules

export interface TraceDecl {
  readonly name: string;
  readonly span: Span;
  readonly side: 'pre' | 'post';
  readonly tau: Seconds;
  /** Added to the trace on each spike of its side. */
  readonly impulse: number;
}

export type Trigger =
  | { readonly kind: 'pre' }
  | { readonly kind: 'post' }
  | { readonly kind: 'every'; readonly steps: number };

export type VarRef =
  | { readonly kind: 'trace'; readonly side: 'pre' | 'post'; readonly name: string }
  /** A post-synaptic state variable (e.g. `post.u`, `post.v`, `post.i`). */
  | { readonly kind: 'post_state'; readonly name: string }
  /** A global modulatory signal. */
  | { readonly kind: 'signal'; readonly name: string }
  | { readonly kind: 'weight' }
  /** Time since the start of the current sample (s); only in gates. */
  | { readonly kind: 'time' };

export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly span: Span }
  | { readonly kind: 'var'; readonly ref: VarRef; readonly span: Span }
  | { readonly kind: 'neg'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/'; readonly left: Expr; readonly right: Expr; readonly span: Span };

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Gate =
  /** `post.i in [lo, hi]` (inclusive bounds; `(lo, hi)` for exclusive). */
  | {
      readonly kind: 'range';
      readonly ref: VarRef;
      readonly lo: number;
      readonly hi: number;
      readonly loInclusive: boolean;
      readonly hiInclusive: boolean;
      readonly span: Span;
    }
  | { readonly kind: 'compare'; readonly left: Expr; readonly op: CompareOp; readonly right: Expr; readonly span: Span }
  /** `t mod period op value`, e.g. `t mod 250 ms >= 50 ms` (learning off during burn-in). */
  | { readonly kind: 'time_window'; readonly period: Seconds; readonly op: CompareOp; readonly value: Seconds; readonly span: Span };

export interface WeightUpdate {
  readonly op: '+=' | '-=' | '=';
  readonly expr: Expr;
  readonly span: Span;
}

export interface RuleEvent {
  readonly trigger: Trigger;
  /** All gates must hold (conjunction). */
  readonly gates: readonly Gate[];
  readonly updates: readonly WeightUpdate[];
  readonly span: Span;
}

export interface LearningRule {
  readonly name: string;
  readonly span: Span;
  readonly traces: readonly TraceDecl[];
  readonly events: readonly RuleEvent[];
  readonly bounds?: readonly [number, number];
  /** Round weight updates stochastically (unbiased) instead of toward zero. */
  readonly stochasticRounding: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Signals, probes, protocol

/** A global modulatory signal, piecewise constant over each sample presentation. */
export type Signal =
  | {
      readonly kind: 'schedule';
      readonly name: string;
      readonly span: Span;
      /** Segments within one sample (time since sample start); outside all segments the value is `otherwise`. */
      readonly segments: readonly { readonly from: Seconds; readonly to: Seconds; readonly value: number }[];
      readonly otherwise: number;
      /** The schedule's period as written (`schedule(250 ms)`); segments lie within [0, period]. Added by the front end. */
      readonly period?: Seconds;
    }
  | { readonly kind: 'constant'; readonly name: string; readonly span: Span; readonly value: number }
  /**
   * `per_epoch(v1, v2, …)`: constant within an epoch, `values[min(e, n − 1)]` in epoch e (0-based) — a learning-rate
   * schedule the host writes into the register between epochs. Outside training (`dendrite run`) epoch 0 applies.
   */
  | { readonly kind: 'per_epoch'; readonly name: string; readonly span: Span; readonly values: readonly number[] };

export type ProbeTarget =
  | { readonly kind: 'spikes'; readonly population: string }
  | { readonly kind: 'state'; readonly population: string; readonly variable: string }
  | { readonly kind: 'trace'; readonly projection: string; readonly trace: string }
  | { readonly kind: 'weights'; readonly projection: string };

export interface Probe {
  readonly span: Span;
  readonly target: ProbeTarget;
  /** Record every `every` steps (decimation); 1 = every step. */
  readonly every: number;
}

export interface Protocol {
  readonly span: Span;
  /** Data set spec as accepted by `--data` (e.g. `mnist`). */
  readonly data: string;
  /** Source population fed with the data. */
  readonly input: string;
  /** Label source population, if the rule is supervised. */
  readonly labels?: string;
  /** Population whose spike counts are read out (argmax) for accuracy. */
  readonly readout: string;
  /** Presentation time of one sample. */
  readonly present: Seconds;
  /** Silent time between samples, so activity settles (states are not reset unless `reset_between`). */
  readonly settle: Seconds;
  readonly resetBetween: boolean;
  /** Test presentation time (defaults to `present`). */
  readonly presentTest: Seconds;
  readonly epochs: number;
  readonly trainSamples?: number;
  readonly testSamples?: number;
}
