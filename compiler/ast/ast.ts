/**
 * The syntax tree of a `.snn` file: plain readonly data, one interface per construct, each with a string
 * `kind` and the `span` it covers. Produced by `compiler/syntax/cst-to-ast.ts`, printed back by
 * `compiler/format.ts`, resolved by `compiler/check/`. Names are kept as `Ident`s (with their own spans) so
 * diagnostics can point at exactly the name that is wrong.
 */
import type { Span } from '../diagnostics/diagnostic.js';

export interface Ident {
  readonly kind: 'ident';
  readonly name: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// Expressions (constants, parameters, rule bodies)

export interface NumberExpr {
  readonly kind: 'number';
  readonly value: number;
  /** The literal as written (`1e-3`), so the formatter does not rewrite numbers. */
  readonly text: string;
  /** The unit written right after the number on the same line (`20 ms`); checked by the unit table. */
  readonly unit?: Ident;
  readonly span: Span;
}

export interface StringExpr {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

/** A name or a dotted path: `we`, `post.u`, `subtract`. */
export interface NameExpr {
  readonly kind: 'name';
  readonly path: readonly Ident[];
  readonly span: Span;
}

/** `uniform(-0.1, 0.1)`, `random(0.02)`, `schedule(...)` arguments. */
export interface CallExpr {
  readonly kind: 'call';
  readonly callee: Ident;
  readonly args: readonly Expr[];
  readonly span: Span;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly operand: Expr;
  readonly span: Span;
}

export type BinaryOp = '+' | '-' | '*' | '/' | 'mod';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** The operator token, for dimension-mismatch diagnostics. */
  readonly opSpan: Span;
  readonly span: Span;
}

export interface ParenExpr {
  readonly kind: 'paren';
  readonly inner: Expr;
  readonly span: Span;
}

export type Expr = NumberExpr | StringExpr | NameExpr | CallExpr | UnaryExpr | BinaryExpr | ParenExpr;

/** `[lo, hi]`, `(lo, hi)` or mixed: inclusive with brackets, exclusive with parentheses. */
export interface Interval {
  readonly kind: 'interval';
  readonly loInclusive: boolean;
  readonly lo: Expr;
  readonly hi: Expr;
  readonly hiInclusive: boolean;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// Items shared by several blocks

/** `name = value`, `v.tau = 20 ms`, or `w ~ uniform(a, b)` (a random initialiser). */
export interface Setting {
  readonly kind: 'setting';
  readonly target: readonly Ident[];
  readonly op: '=' | '~';
  readonly value: Expr;
  readonly span: Span;
}

export interface LetDecl {
  readonly kind: 'let';
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface BoundsItem {
  readonly kind: 'bounds';
  readonly interval: Interval;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// Neuron types and populations

/** `state u : dendrite = 0` — a new state variable, optionally with a role and an initial value. */
export interface StateDecl {
  readonly kind: 'state';
  readonly name: Ident;
  readonly role?: Ident;
  readonly init?: Expr;
  readonly span: Span;
}

/** `input err -> u` — a named input port and the state its spikes add to. */
export interface InputDecl {
  readonly kind: 'input';
  readonly name: Ident;
  readonly target: Ident;
  readonly span: Span;
}

/** `leak u tau 5 ms`. */
export interface LeakDecl {
  readonly kind: 'leak';
  readonly state: Ident;
  readonly tau: Expr;
  readonly span: Span;
}

/** `integrate i into v` — v adds the freshly updated i every step. */
export interface IntegrateDecl {
  readonly kind: 'integrate';
  readonly source: Ident;
  readonly target: Ident;
  readonly span: Span;
}

export interface NoiseParam {
  readonly name: Ident;
  readonly value: Expr;
}

/** `noise poisson into v rate 1000 Hz amplitude 0.05`, `noise gaussian into v std 0.01`. */
export interface NoiseDecl {
  readonly kind: 'noise';
  readonly model: Ident;
  readonly target: Ident;
  readonly params: readonly NoiseParam[];
  readonly span: Span;
}

export type NeuronItem = StateDecl | InputDecl | LeakDecl | IntegrateDecl | NoiseDecl | Setting;

export interface NeuronDecl {
  readonly kind: 'neuron';
  readonly name: Ident;
  readonly base: Ident;
  readonly items: readonly NeuronItem[];
  readonly span: Span;
}

/** `population h1 = ErbpLIF(200) like h0 { tau = 20 ms }`. */
export interface PopulationDecl {
  readonly kind: 'population';
  readonly name: Ident;
  readonly type: Ident;
  readonly size: Expr;
  readonly like?: Ident;
  /** Parameter settings (and `noise`); `undefined` when written without braces. */
  readonly items?: readonly NeuronItem[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// Projections

/** `a -> b` or `a -> b.port`, naming a projection (in probes and `driven_by`). */
export interface ProjectionRef {
  readonly kind: 'projection_ref';
  readonly pre: Ident;
  readonly post: Ident;
  readonly port?: Ident;
  readonly span: Span;
}

export interface LearnItem {
  readonly kind: 'learn';
  readonly rule: Ident;
  readonly span: Span;
}

export interface FrozenItem {
  readonly kind: 'frozen';
  readonly span: Span;
}

export interface DrivenByItem {
  readonly kind: 'driven_by';
  readonly ref: ProjectionRef;
  readonly span: Span;
}

export type ProjectionItem = Setting | LearnItem | FrozenItem | BoundsItem | DrivenByItem;

export interface ProjectionDecl {
  readonly kind: 'projection';
  /** Declared with `feedback` rather than `project`. */
  readonly feedback: boolean;
  readonly pre: Ident;
  readonly post: Ident;
  readonly port?: Ident;
  /** `dense`, `one_to_one`, `random(0.02)`, `from_file("w.csv")`. */
  readonly connector: Expr;
  readonly items?: readonly ProjectionItem[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// Learning rules

/** `trace x_pre pre tau 20 ms impulse 1`. */
export interface TraceDecl {
  readonly kind: 'trace';
  readonly name: Ident;
  readonly side: 'pre' | 'post';
  readonly tau: Expr;
  readonly impulse?: Expr;
  readonly span: Span;
}

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface InCondition {
  readonly kind: 'in';
  readonly subject: Expr;
  readonly interval: Interval;
  readonly span: Span;
}

export interface CompareCondition {
  readonly kind: 'compare';
  readonly left: Expr;
  readonly op: CompareOp;
  readonly right: Expr;
  readonly span: Span;
}

export type Condition = InCondition | CompareCondition;

/** `w += 1e-3 * post.u`. */
export interface Update {
  readonly kind: 'update';
  readonly target: Ident;
  readonly op: '+=' | '-=' | '=';
  readonly value: Expr;
  readonly span: Span;
}

export interface OnBlock {
  readonly kind: 'on';
  readonly trigger: 'pre' | 'post';
  readonly triggerSpan: Span;
  readonly gates: readonly Condition[];
  readonly updates: readonly Update[];
  readonly span: Span;
}

export interface EveryBlock {
  readonly kind: 'every';
  readonly steps: Expr;
  readonly gates: readonly Condition[];
  readonly updates: readonly Update[];
  readonly span: Span;
}

export interface FlagItem {
  readonly kind: 'flag';
  readonly name: 'stochastic_rounding';
  readonly span: Span;
}

export type RuleItem = TraceDecl | OnBlock | EveryBlock | BoundsItem | FlagItem;

export interface RuleDecl {
  readonly kind: 'rule';
  readonly name: Ident;
  readonly items: readonly RuleItem[];
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// Signals, probes, protocol

/** `signal g = 1`. */
export interface SignalDecl {
  readonly kind: 'signal';
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface ScheduleSegment {
  readonly kind: 'segment';
  readonly from: Expr;
  readonly to: Expr;
  readonly value: Expr;
  readonly span: Span;
}

export interface ScheduleOtherwise {
  readonly kind: 'otherwise';
  readonly value: Expr;
  readonly span: Span;
}

/** `signal g = schedule(250 ms) { 0 ms..50 ms: 0, 50 ms..150 ms: 1, otherwise: 0 }`. */
export interface ScheduleDecl {
  readonly kind: 'schedule';
  readonly name: Ident;
  readonly period: Expr;
  readonly entries: readonly (ScheduleSegment | ScheduleOtherwise)[];
  readonly span: Span;
}

export type ProbeTargetAst =
  | { readonly kind: 'spikes'; readonly populations: readonly Ident[] }
  | { readonly kind: 'state'; readonly population: Ident; readonly variable: Ident }
  | { readonly kind: 'weights'; readonly projection: ProjectionRef }
  | { readonly kind: 'trace'; readonly trace: Ident; readonly projection: ProjectionRef };

/** `probe spikes h1, out`, `probe h1.v every 10`, `probe weights img -> h1`, `probe trace x on img -> h1`. */
export interface ProbeDecl {
  readonly kind: 'probe';
  readonly target: ProbeTargetAst;
  readonly every?: Expr;
  readonly span: Span;
}

/** `train { data = mnist; present = 250 ms; … }`. */
export interface ProtocolDecl {
  readonly kind: 'train';
  readonly items: readonly Setting[];
  readonly span: Span;
}

export type Member =
  | LetDecl
  | Setting
  | NeuronDecl
  | PopulationDecl
  | ProjectionDecl
  | RuleDecl
  | SignalDecl
  | ScheduleDecl
  | ProbeDecl
  | ProtocolDecl;

export interface NetworkDecl {
  readonly kind: 'network';
  readonly name: Ident;
  readonly members: readonly Member[];
  readonly span: Span;
}

export interface ImportDecl {
  readonly kind: 'import';
  readonly path: string;
  readonly pathSpan: Span;
  readonly span: Span;
}

export type TopItem = ImportDecl | NetworkDecl | Member;

export interface SourceFile {
  readonly kind: 'file';
  readonly file: string;
  readonly items: readonly TopItem[];
  readonly span: Span;
}

/** Every node kind that carries a list of block items, for the formatter and walkers. */
export type Block = NetworkDecl | NeuronDecl | PopulationDecl | ProjectionDecl | RuleDecl | ProtocolDecl;
