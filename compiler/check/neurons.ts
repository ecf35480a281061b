/**
 * Neuron types: the built-ins (named like NIR), user types that extend them, and the parameter settings of
 * populations. A type is resolved to a mutable template first (so `extends` chains and population settings
 * can each apply their items on a copy), then frozen into the model's `NeuronModel`.
 *
 * Built-ins (defaults in brackets):
 *   LIF      v: membrane, leak tau [20 ms] toward v_leak [0]            port in → v
 *   CubaLIF  i: current, leak tau_syn [5 ms] toward 0;  v: membrane, leak tau [20 ms], integrates i
 *                                                                        port in → i
 *   IF       v: membrane, no leak                                        port in → v
 *   LI       v: leaky integrator, tau [20 ms], never spikes              port in → v
 * Spiking types: threshold [1], reset to value [0], refractory [0], bias [0].
 */
import { didYouMean, type Span } from '../diagnostics/diagnostic.js';
import type * as A from '../ast/ast.js';
import type { BuiltinNeuron, Initializer, InputPort, NeuronModel, NoiseModel, ResetMode, StateRole, StateVar } from '../model.js';
import { CheckCodes } from './codes.js';
import { AMPLITUDE, CheckContext, settingName, settingSpan } from './context.js';
import { FREQUENCY, TIME } from './units.js';

interface StateT {
  name: string;
  span: Span;
  role: StateRole;
  tau: number | null;
  rest: number;
  initial: number | Initializer;
  floor?: number;
  ceiling?: number;
  integrates: string[];
}

export interface NeuronTemplate {
  typeName: string;
  base: BuiltinNeuron;
  span: Span;
  states: StateT[];
  ports: InputPort[];
  membrane: string;
  threshold: number;
  reset: ResetMode;
  refractory: number;
  bias: number;
  noise?: NoiseModel;
  spiking: boolean;
}

export const BUILTIN_NEURONS: readonly BuiltinNeuron[] = ['LIF', 'CubaLIF', 'IF', 'LI'];

const ROLES: readonly StateRole[] = ['membrane', 'current', 'dendrite', 'other'];

function builtin(base: BuiltinNeuron, span: Span): NeuronTemplate {
  const v = (tau: number | null): StateT => ({ name: 'v', span, role: 'membrane', tau, rest: 0, initial: 0, integrates: [] });
  const common = { typeName: base, base, span, membrane: 'v', threshold: 1, reset: { kind: 'value', value: 0 } as ResetMode, refractory: 0, bias: 0 };
  switch (base) {
    case 'LIF':
      return { ...common, states: [v(20e-3)], ports: [{ name: 'in', span, target: 'v' }], spiking: true };
    case 'CubaLIF': {
      const i: StateT = { name: 'i', span, role: 'current', tau: 5e-3, rest: 0, initial: 0, integrates: [] };
      return { ...common, states: [i, { ...v(20e-3), integrates: ['i'] }], ports: [{ name: 'in', span, target: 'i' }], spiking: true };
    }
    case 'IF':
      return { ...common, states: [v(null)], ports: [{ name: 'in', span, target: 'v' }], spiking: true };
    case 'LI':
      return { ...common, states: [v(20e-3)], ports: [{ name: 'in', span, target: 'v' }], spiking: false };
  }
}

function clone(t: NeuronTemplate): NeuronTemplate {
  return { ...t, states: t.states.map((s) => ({ ...s, integrates: [...s.integrates] })), ports: t.ports.map((p) => ({ ...p })) };
}

export function freeze(t: NeuronTemplate): NeuronModel {
  const states: StateVar[] = t.states.map((s) => ({
    name: s.name,
    span: s.span,
    role: s.role,
    tau: s.tau,
    rest: s.rest,
    initial: s.initial,
    ...(s.floor !== undefined ? { floor: s.floor } : {}),
    ...(s.ceiling !== undefined ? { ceiling: s.ceiling } : {}),
    integrates: s.integrates,
  }));
  return {
    typeName: t.typeName,
    base: t.base,
    span: t.span,
    states,
    ports: t.ports,
    membrane: t.membrane,
    threshold: t.threshold,
    reset: t.reset,
    refractory: t.refractory,
    bias: t.bias,
    ...(t.noise ? { noise: t.noise } : {}),
    spiking: t.spiking,
  };
}

/** Parameter names accepted on every neuron (population blocks and `neuron` bodies), for hints. */
const PARAMS = [
  'threshold', 'v_threshold', 'reset', 'v_reset', 'refractory', 'bias', 'tau', 'tau_mem', 'tau_syn', 'v_leak', 'v_init', 'floor', 'ceiling',
];
const STATE_FIELDS = ['tau', 'rest', 'init', 'floor', 'ceiling'];

/** Resolves neuron types by name, following `extends` chains (memoized, cycles reported). */
export class NeuronTypes {
  private readonly resolved = new Map<string, NeuronTemplate | null>();
  private readonly active = new Set<string>();

  constructor(
    private readonly ctx: CheckContext,
    readonly decls: ReadonlyMap<string, A.NeuronDecl>,
  ) {}

  isType(name: string): boolean {
    return this.decls.has(name) || (BUILTIN_NEURONS as readonly string[]).includes(name);
  }

  /** A fresh copy of the type's template, or undefined if it is unknown or broken (already reported). */
  template(name: string, use: Span): NeuronTemplate | undefined {
    const t = this.resolve(name, use);
    return t ? clone(t) : undefined;
  }

  private resolve(name: string, use: Span): NeuronTemplate | undefined {
    if ((BUILTIN_NEURONS as readonly string[]).includes(name)) return builtin(name as BuiltinNeuron, use);
    const cached = this.resolved.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const decl = this.decls.get(name);
    if (!decl) return undefined;
    if (this.active.has(name)) {
      this.ctx.error(CheckCodes.Conflict, `neuron type \`${name}\` extends itself`, decl.base.span);
      this.resolved.set(name, null);
      return undefined;
    }
    this.active.add(name);
    let t: NeuronTemplate | undefined;
    if (!this.isType(decl.base.name)) {
      this.ctx.unknown('neuron type', decl.base, [...BUILTIN_NEURONS, ...this.decls.keys()]);
    } else {
      const base = this.resolve(decl.base.name, decl.base.span);
      if (base) {
        t = clone(base);
        t.typeName = name;
        t.span = decl.name.span;
        applyNeuronItems(this.ctx, t, decl.items, 'type');
      }
    }
    this.active.delete(name);
    this.resolved.set(name, t ?? null);
    return t;
  }
}

/** Applies `neuron` body items (kind 'type') or population settings (kind 'population') to a template. */
export function applyNeuronItems(ctx: CheckContext, t: NeuronTemplate, items: readonly A.NeuronItem[], where: 'type' | 'population'): void {
  const findState = (id: A.Ident, what = 'state variable'): StateT | undefined => {
    const s = t.states.find((x) => x.name === id.name);
    if (!s) {
      const names = t.states.map((x) => x.name);
      ctx.error(CheckCodes.UnknownState, `${t.typeName} has no ${what} \`${id.name}\``, id.span,
        didYouMean(id.name, names) ?? `its state variables: ${names.join(', ')}`);
    }
    return s;
  };
  const structural = (item: A.NeuronItem, what: string): boolean => {
    if (where === 'population') {
      ctx.error(CheckCodes.Misplaced, `${what} belongs in a \`neuron\` type, not in a population`, item.span,
        `declare \`neuron MyType extends ${t.base} { … }\` and use it for this population`);
      return false;
    }
    return true;
  };
  for (const item of items) {
    switch (item.kind) {
      case 'state': {
        if (!structural(item, 'a state declaration')) break;
        const prev = t.states.find((s) => s.name === item.name.name);
        if (prev) {
          ctx.duplicate('state variable', item.name, prev.span);
          break;
        }
        let role: StateRole = 'other';
        if (item.role) {
          if ((ROLES as readonly string[]).includes(item.role.name) && item.role.name !== 'membrane') role = item.role.name as StateRole;
          else {
            ctx.error(CheckCodes.UnknownName, `unknown state role \`${item.role.name}\``, item.role.span, 'roles: current, dendrite, other (the membrane comes from the base type)');
          }
        }
        const initial = item.init ? ctx.initializer(item.init, AMPLITUDE, `the initial value of \`${item.name.name}\``) : undefined;
        t.states.push({ name: item.name.name, span: item.name.span, role, tau: null, rest: 0, initial: initial === undefined ? 0 : initial.kind === 'constant' ? initial.value : initial, integrates: [] });
        break;
      }
      case 'input': {
        if (!structural(item, 'an input port')) break;
        const prev = t.ports.find((p) => p.name === item.name.name);
        if (prev) {
          ctx.duplicate('input port', item.name, prev.span);
          break;
        }
        if (findState(item.target)) t.ports.push({ name: item.name.name, span: item.name.span, target: item.target.name });
        break;
      }
      case 'integrate': {
        if (!structural(item, 'an `integrate` declaration')) break;
        const src = findState(item.source);
        const dst = findState(item.target);
        if (!src || !dst) break;
        if (src === dst) ctx.error(CheckCodes.Conflict, `a state cannot integrate itself`, item.span);
        else if (src.integrates.length > 0)
          ctx.error(CheckCodes.Conflict, `\`${src.name}\` itself integrates other states; integration does not chain`, item.source.span);
        else if (!dst.integrates.includes(src.name)) dst.integrates.push(src.name);
        break;
      }
      case 'leak': {
        const s = findState(item.state);
        const tau = leakTau(ctx, item.tau, `the time constant of \`${item.state.name}\``);
        if (s && tau !== undefined) s.tau = tau;
        break;
      }
      case 'noise':
        applyNoise(ctx, t, item, findState);
        break;
      case 'setting':
        applySetting(ctx, t, item, findState);
        break;
    }
  }
  const m = t.states.find((s) => s.name === t.membrane);
  if (m && m.floor !== undefined && m.ceiling !== undefined && !(m.floor < m.ceiling)) {
    ctx.error(CheckCodes.OutOfRange, `floor (${m.floor}) must be below ceiling (${m.ceiling})`, items[items.length - 1]?.span ?? t.span);
  }
}

/** A leak time constant: a time > 0, or `none` for no leak. */
function leakTau(ctx: CheckContext, e: A.Expr, what: string): number | null | undefined {
  if (e.kind === 'name' && e.path.length === 1 && e.path[0]!.name === 'none') return null;
  return ctx.num(e, [TIME], what, { min: 0, minExclusive: true });
}

function applyNoise(ctx: CheckContext, t: NeuronTemplate, item: A.NoiseDecl, findState: (id: A.Ident) => StateT | undefined): void {
  const s = findState(item.target);
  const p = new Map(item.params.map((x) => [x.name.name, x] as const));
  const need = (name: string): A.NoiseParam | undefined => {
    const x = p.get(name);
    if (!x) ctx.error(CheckCodes.Missing, `\`noise ${item.model.name}\` needs \`${name}\``, item.span);
    return x;
  };
  const allowed = item.model.name === 'poisson' ? ['rate', 'amplitude'] : item.model.name === 'gaussian' ? ['std'] : [];
  if (allowed.length === 0) {
    ctx.error(CheckCodes.UnknownName, `unknown noise model \`${item.model.name}\``, item.model.span, 'noise models: poisson, gaussian');
    return;
  }
  for (const x of item.params) {
    if (!allowed.includes(x.name.name)) ctx.error(CheckCodes.UnknownParameter, `\`noise ${item.model.name}\` has no parameter \`${x.name.name}\``, x.name.span, `its parameters: ${allowed.join(', ')}`);
  }
  if (item.model.name === 'poisson') {
    const r = need('rate');
    const a = need('amplitude');
    const rate = r && ctx.num(r.value, [FREQUENCY], 'the noise rate', { min: 0 });
    const amp = a && ctx.num(a.value, AMPLITUDE, 'the noise amplitude');
    if (s && rate !== undefined && amp !== undefined) t.noise = { kind: 'poisson', target: s.name, rate, amplitude: amp, span: item.span };
  } else {
    const d = need('std');
    const std = d && ctx.num(d.value, AMPLITUDE, 'the noise standard deviation', { min: 0 });
    if (s && std !== undefined) t.noise = { kind: 'gaussian', target: s.name, std, span: item.span };
  }
}

function applySetting(ctx: CheckContext, t: NeuronTemplate, item: A.Setting, findState: (id: A.Ident) => StateT | undefined): void {
  const name = settingName(item);
  const span = settingSpan(item);
  const membrane = (): StateT | undefined => t.states.find((s) => s.name === t.membrane);
  if (item.op === '~' && !/(^|\.|_)init$/.test(name)) {
    ctx.error(CheckCodes.WrongValueKind, `\`~\` draws random values and only applies to initial values (\`v.init ~ uniform(a, b)\`)`, span, `write \`${name} = …\``);
    return;
  }
  if (item.target.length === 2) {
    const s = findState(item.target[0]!);
    const field = item.target[1]!;
    if (!s) return;
    setStateField(ctx, s, field, item.value);
    return;
  }
  if (item.target.length > 2) {
    ctx.error(CheckCodes.UnknownParameter, `unknown parameter \`${name}\``, span);
    return;
  }
  const spiking = (): boolean => {
    if (!t.spiking) ctx.error(CheckCodes.UnknownParameter, `\`${name}\` does not apply: ${t.typeName} (${t.base}) never spikes`, span);
    return t.spiking;
  };
  switch (name) {
    case 'threshold':
    case 'v_threshold': {
      if (!spiking()) return;
      const v = ctx.num(item.value, AMPLITUDE, 'the threshold');
      if (v !== undefined) t.threshold = v;
      return;
    }
    case 'reset': {
      if (!spiking()) return;
      const e = item.value;
      if (e.kind === 'name' && e.path.length === 1 && (e.path[0]!.name === 'subtract' || e.path[0]!.name === 'none')) {
        t.reset = { kind: e.path[0]!.name as 'subtract' | 'none' };
        return;
      }
      const v = ctx.eval(e);
      if (v?.kind === 'sym') {
        ctx.error(CheckCodes.WrongValueKind, `\`reset\` must be a value, \`subtract\` or \`none\`, found \`${v.name}\``, v.span);
        return;
      }
      const n = v && ctx.numValue(v, AMPLITUDE, 'the reset value');
      if (n !== undefined) t.reset = { kind: 'value', value: n };
      return;
    }
    case 'v_reset': {
      if (!spiking()) return;
      const n = ctx.num(item.value, AMPLITUDE, 'the reset value');
      if (n !== undefined) t.reset = { kind: 'value', value: n };
      return;
    }
    case 'refractory': {
      if (!spiking()) return;
      const n = ctx.num(item.value, [TIME], 'the refractory period', { min: 0 });
      if (n !== undefined) t.refractory = n;
      return;
    }
    case 'bias': {
      const n = ctx.num(item.value, AMPLITUDE, 'the bias');
      if (n !== undefined) t.bias = n;
      return;
    }
    case 'tau':
    case 'tau_mem': {
      const s = membrane();
      const tau = leakTau(ctx, item.value, 'the membrane time constant');
      if (s && tau !== undefined) s.tau = tau;
      return;
    }
    case 'tau_syn': {
      const s = t.states.find((x) => x.role === 'current');
      if (!s) {
        ctx.error(CheckCodes.UnknownParameter, `\`tau_syn\` does not apply: ${t.typeName} has no synaptic current state`, span, 'use `CubaLIF` for a current-based synapse');
        return;
      }
      const tau = leakTau(ctx, item.value, 'the synaptic time constant');
      if (tau !== undefined) s.tau = tau;
      return;
    }
    case 'v_leak':
    case 'v_init':
    case 'floor':
    case 'ceiling': {
      const s = membrane();
      const field = name === 'v_leak' ? 'rest' : name === 'v_init' ? 'init' : name;
      if (s) setStateField(ctx, s, { kind: 'ident', name: field, span: item.target[0]!.span }, item.value);
      return;
    }
    default: {
      const isState = t.states.some((s) => s.name === name);
      ctx.error(CheckCodes.UnknownParameter, `unknown neuron parameter \`${name}\``, span,
        isState ? `\`${name}\` is a state variable; set its fields with \`${name}.init\`, \`${name}.tau\`, \`${name}.rest\`, \`${name}.floor\`, \`${name}.ceiling\`` : didYouMeanList(name, PARAMS));
    }
  }
}

function setStateField(ctx: CheckContext, s: StateT, field: A.Ident, value: A.Expr): void {
  const what = `\`${s.name}.${field.name}\``;
  switch (field.name) {
    case 'tau': {
      const tau = leakTau(ctx, value, what);
      if (tau !== undefined) s.tau = tau;
      return;
    }
    case 'rest': {
      const n = ctx.num(value, AMPLITUDE, what);
      if (n !== undefined) s.rest = n;
      return;
    }
    case 'init': {
      const i = ctx.initializer(value, AMPLITUDE, what);
      if (i !== undefined) s.initial = i.kind === 'constant' ? i.value : i;
      return;
    }
    case 'floor':
    case 'ceiling': {
      const n = ctx.num(value, AMPLITUDE, what);
      if (n !== undefined) s[field.name] = n;
      return;
    }
    default:
      ctx.error(CheckCodes.UnknownParameter, `state variables have no field \`${field.name}\``, field.span, didYouMeanList(field.name, STATE_FIELDS) ?? `fields: ${STATE_FIELDS.join(', ')}`);
  }
}

function didYouMeanList(name: string, list: readonly string[]): string | undefined {
  return didYouMean(name, list);
}
