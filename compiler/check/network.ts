/**
 * The checker's orchestrator: AST of the root file (plus imported files) → the model's `Network`.
 * Order: collect declarations (duplicates) → network settings (dt, seed) → neuron types → populations →
 * signals → rules → projections (ports, shapes, rules against post types) → probes → protocol.
 * Every phase keeps going after an error, so one run reports as many independent mistakes as it can.
 */
import { didYouMean, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import type * as A from '../ast/ast.js';
import type { Connector, Initializer, Network, Population, Probe, Projection, Protocol, Signal } from '../model.js';
import { CheckCodes } from './codes.js';
import { AMPLITUDE, CheckContext, fmtNum, settingName, settingSpan } from './context.js';
import { applyNeuronItems, BUILTIN_NEURONS, freeze, NeuronTypes } from './neurons.js';
import { checkSource, isSourceType, SOURCE_TYPES } from './sources.js';
import { checkRule, type CheckedRule } from './rules.js';
import { DIMENSIONLESS, TIME } from './units.js';

/** Largest population the compiler accepts (2^24 neurons): beyond any shipped target, and safe for int32 ids. */
export const MAX_POPULATION_SIZE = 2 ** 24;
/** Largest dense/random projection (pre × post synapse slots, 2^28): its CSR tables still fit in memory. */
export const MAX_PROJECTION_SYNAPSES = 2 ** 28;

export interface CheckInput {
  /** The root file first, then imported files. */
  readonly files: readonly { readonly ast: A.SourceFile; readonly imported: boolean }[];
  readonly partialNames: ReadonlySet<string>;
}

export interface CheckOutput {
  readonly network?: Network;
  readonly diagnostics: readonly Diagnostic[];
}

type Named = { readonly name: A.Ident };

/** Registers `decl` under its name unless taken (then reports a duplicate with a note at the first one). */
function register<T extends Named>(ctx: CheckContext, map: Map<string, T>, decl: T, what: string, others: ReadonlyMap<string, Named>[] = []): void {
  const prev = map.get(decl.name.name) ?? others.map((m) => m.get(decl.name.name)).find((x) => x !== undefined);
  if (prev) ctx.duplicate(what, decl.name, prev.name.span);
  else map.set(decl.name.name, decl);
}

export function checkNetwork(input: CheckInput): CheckOutput {
  const lets = new Map<string, A.LetDecl>();
  const neurons = new Map<string, A.NeuronDecl>();
  const ruleDecls = new Map<string, A.RuleDecl>();
  const signalDecls = new Map<string, A.SignalDecl | A.ScheduleDecl>();
  const networks: A.NetworkDecl[] = [];
  const members: A.Member[] = [];
  const misplaced: { item: A.Member; imported: boolean }[] = [];

  for (const { ast, imported } of input.files) {
    for (const item of ast.items) {
      if (item.kind === 'import') continue;
      if (item.kind === 'network') {
        if (imported) misplaced.push({ item: item as unknown as A.Member, imported });
        else {
          networks.push(item);
          members.push(...item.members);
        }
        continue;
      }
      if (item.kind === 'let' || item.kind === 'neuron' || item.kind === 'rule' || item.kind === 'signal' || item.kind === 'schedule') members.push(item);
      else misplaced.push({ item, imported });
    }
  }
  for (const m of members) if (m.kind === 'let') lets.set(m.name.name, lets.get(m.name.name) ?? m);
  const ctx = new CheckContext(lets, input.partialNames);
  const root = input.files[0]!.ast;

  for (const { item, imported } of misplaced) {
    const span = 'name' in item && item.name ? (item as Named).name.span : item.span;
    if ((item as { kind: string }).kind === 'network') ctx.error(CheckCodes.Import, 'an imported file may not declare a network; it may hold neuron types, rules, signals and `let` constants', span);
    else ctx.error(CheckCodes.Misplaced, `${describeMember(item)} must be inside \`network NAME { … }\``, span, imported ? 'imported files may only hold neuron types, rules, signals and `let` constants' : undefined);
  }
  if (networks.length === 0) {
    ctx.error(CheckCodes.Missing, 'no `network NAME { … }` block in this file', { file: root.file, start: 0, end: 0 });
  }
  for (const n of networks.slice(1)) ctx.duplicate('network', n.name, networks[0]!.name.span);

  // Declarations and duplicates.
  const letsSeen = new Map<string, A.LetDecl>();
  for (const m of members) {
    if (m.kind === 'let') register(ctx, letsSeen, m, 'constant');
    else if (m.kind === 'neuron') {
      if ((BUILTIN_NEURONS as readonly string[]).includes(m.name.name) || isSourceType(m.name.name))
        ctx.error(CheckCodes.Duplicate, `\`${m.name.name}\` is a built-in type and cannot be redefined`, m.name.span);
      else register(ctx, neurons, m, 'neuron type');
    } else if (m.kind === 'rule') register(ctx, ruleDecls, m, 'rule');
    else if (m.kind === 'signal' || m.kind === 'schedule') register(ctx, signalDecls, m, 'signal');
  }
  for (const s of signalDecls.values())
    if (lets.has(s.name.name)) ctx.error(CheckCodes.Duplicate, `signal \`${s.name.name}\` has the name of a constant`, s.name.span, undefined, [{ message: 'the constant', span: lets.get(s.name.name)!.name.span }]);

  // Network settings.
  let dt = 1e-3;
  let seed = 0;
  const seenSettings = new Map<string, Span>();
  for (const m of members) {
    if (m.kind !== 'setting') continue;
    const name = settingName(m);
    const prev = seenSettings.get(name);
    if (prev) {
      ctx.error(CheckCodes.Duplicate, `\`${name}\` is set twice`, settingSpan(m), undefined, [{ message: 'first set here', span: prev }]);
      continue;
    }
    seenSettings.set(name, settingSpan(m));
    if (name === 'dt') dt = ctx.num(m.value, [TIME], '`dt`', { min: 0, minExclusive: true }) ?? dt;
    else if (name === 'seed') seed = ctx.int(m.value, '`seed`', 0) ?? seed;
    else ctx.error(CheckCodes.UnknownParameter, `unknown network setting \`${name}\``, settingSpan(m), suggest(name, ['dt', 'seed']) ?? 'network settings: dt, seed');
  }
  ctx.dt = dt;
  for (const l of letsSeen.values()) ctx.ev.letValue(l.name.name, l.name.span);

  // Neuron types (resolved on demand; unused types are still checked).
  const types = new NeuronTypes(ctx, neurons);
  for (const n of neurons.values()) types.template(n.name.name, n.name.span);

  // Populations.
  const popDecls = new Map<string, A.PopulationDecl>();
  for (const m of members) if (m.kind === 'population') register(ctx, popDecls, m, 'population');
  const populations = new Map<string, Population>();
  const popItems = (p: A.PopulationDecl, seen: Set<string>): A.NeuronItem[] | undefined => {
    if (!p.like) return [...(p.items ?? [])];
    const other = popDecls.get(p.like.name);
    if (!other) {
      ctx.unknown('population', p.like, popDecls.keys());
      return undefined;
    }
    if (other.type.name !== p.type.name) {
      ctx.error(CheckCodes.Conflict, `\`like ${other.name.name}\` copies the parameters of a ${other.type.name}, but \`${p.name.name}\` is a ${p.type.name}`, p.like.span, undefined, [{ message: `\`${other.name.name}\` is declared here`, span: other.name.span }]);
      return undefined;
    }
    if (seen.has(other.name.name)) {
      ctx.error(CheckCodes.Conflict, `\`like\` chain loops back to \`${other.name.name}\``, p.like.span);
      return undefined;
    }
    seen.add(other.name.name);
    const base = popItems(other, seen);
    return base && [...base, ...(p.items ?? [])];
  };
  for (const p of popDecls.values()) {
    let size = ctx.int(p.size, `the size of \`${p.name.name}\``, 1);
    // Past this the compiler's typed arrays (int32 neuron ids, per-synapse tables) cannot hold the network.
    if (size !== undefined && size > MAX_POPULATION_SIZE) {
      ctx.error(CheckCodes.OutOfRange, `the size of \`${p.name.name}\` must be at most ${MAX_POPULATION_SIZE.toLocaleString('en-US')}, found ${size.toLocaleString('en-US')}`, p.size.span);
      size = undefined;
    }
    const items = popItems(p, new Set([p.name.name]));
    const typeName = p.type.name;
    if (isSourceType(typeName)) {
      const source = items && checkSource(ctx, typeName as (typeof SOURCE_TYPES)[number], items, p.type.span);
      if (size !== undefined && source) populations.set(p.name.name, { name: p.name.name, span: p.name.span, size, source });
      continue;
    }
    if (!types.isType(typeName)) {
      ctx.unknown('neuron type', p.type, [...BUILTIN_NEURONS, ...SOURCE_TYPES, ...neurons.keys()]);
      continue;
    }
    const t = types.template(typeName, p.type.span);
    if (!t || !items) continue;
    applyNeuronItems(ctx, t, items, 'population');
    if (size !== undefined) populations.set(p.name.name, { name: p.name.name, span: p.name.span, size, neuron: freeze(t) });
  }
  const knownPop = (id: A.Ident): boolean => {
    if (popDecls.has(id.name)) return true;
    ctx.unknown('population', id, popDecls.keys());
    return false;
  };

  // Signals.
  const signals: Signal[] = [];
  for (const s of signalDecls.values()) {
    const sig = checkSignal(ctx, s);
    if (sig) signals.push(sig);
  }
  const signalNames = new Set(signalDecls.keys());

  // Rules.
  const rules = new Map<string, CheckedRule>();
  for (const r of ruleDecls.values()) rules.set(r.name.name, checkRule(ctx, r, signalNames));

  // Projections.
  const projections: Projection[] = [];
  const projDecls: { decl: A.ProjectionDecl; name: string }[] = [];
  const nameCount = new Map<string, number>();
  for (const m of members) {
    if (m.kind !== 'projection') continue;
    const base = `${m.pre.name}->${m.post.name}${m.port ? '.' + m.port.name : ''}`;
    const k = (nameCount.get(base) ?? 0) + 1;
    nameCount.set(base, k);
    projDecls.push({ decl: m, name: k === 1 ? base : `${base}#${k}` });
  }
  const drivenRefs: { proj: number; ref: A.ProjectionRef }[] = [];
  for (const { decl, name } of projDecls) {
    const p = checkProjection(ctx, decl, name, populations, popDecls, rules, ruleDecls, seed, knownPop);
    if (p) {
      if (p.drivenRef) drivenRefs.push({ proj: projections.length, ref: p.drivenRef });
      projections.push(p.projection);
    }
  }
  const resolveRef = (ref: A.ProjectionRef): string | undefined => {
    if (!knownPop(ref.pre) || !knownPop(ref.post)) return undefined;
    const exact = `${ref.pre.name}->${ref.post.name}${ref.port ? '.' + ref.port.name : ''}`;
    const candidates = projDecls.filter((d) => d.decl.pre.name === ref.pre.name && d.decl.post.name === ref.post.name && (!ref.port || d.decl.port?.name === ref.port.name));
    if (candidates.length === 1) return candidates[0]!.name;
    if (candidates.length === 0) {
      ctx.error(CheckCodes.UnknownName, `no projection \`${exact}\``, ref.span, suggest(exact, projDecls.map((d) => d.name)));
      return undefined;
    }
    const exactOne = candidates.find((c) => c.name === exact);
    if (exactOne) return exactOne.name;
    ctx.error(CheckCodes.Conflict, `\`${exact}\` is ambiguous: ${candidates.map((c) => `\`${c.name}\``).join(', ')}`, ref.span, 'add the port: `a -> b.port`');
    return undefined;
  };
  const finalProjections = projections.map((p, i) => {
    const d = drivenRefs.find((x) => x.proj === i);
    if (!d) return p;
    const target = resolveRef(d.ref);
    return target ? { ...p, drivenBy: target } : p;
  });

  // Probes.
  const probes: Probe[] = [];
  for (const m of members) {
    if (m.kind !== 'probe') continue;
    const every = m.every ? ctx.steps(m.every, 'the probe interval') : 1;
    const t = m.target;
    const add = (target: Probe['target']): void => {
      if (every !== undefined) probes.push({ span: m.span, target, every });
    };
    switch (t.kind) {
      case 'spikes':
        for (const p of t.populations) if (knownPop(p)) add({ kind: 'spikes', population: p.name });
        break;
      case 'state': {
        if (!knownPop(t.population)) break;
        const pop = populations.get(t.population.name);
        if (!pop) break;
        if (!pop.neuron) {
          ctx.error(CheckCodes.UnknownState, `\`${pop.name}\` is a source and has no state variables; probe its spikes instead`, t.variable.span);
          break;
        }
        const names = pop.neuron.states.map((s) => s.name);
        if (!names.includes(t.variable.name))
          ctx.error(CheckCodes.UnknownState, `\`${pop.name}\` (${pop.neuron.typeName}) has no state variable \`${t.variable.name}\``, t.variable.span, suggest(t.variable.name, names) ?? `its state variables: ${names.join(', ')}`);
        else add({ kind: 'state', population: pop.name, variable: t.variable.name });
        break;
      }
      case 'weights': {
        const name = resolveRef(t.projection);
        if (name) add({ kind: 'weights', projection: name });
        break;
      }
      case 'trace': {
        const name = resolveRef(t.projection);
        if (!name) break;
        const proj = finalProjections.find((p) => p.name === name);
        const rule = proj?.rule ? rules.get(proj.rule) : undefined;
        const names = rule?.rule.traces.map((x) => x.name) ?? [];
        if (!names.includes(t.trace.name))
          ctx.error(CheckCodes.UnknownName, `projection \`${name}\` has no trace \`${t.trace.name}\``, t.trace.span, suggest(t.trace.name, names) ?? (proj?.rule ? `rule \`${proj.rule}\` declares: ${names.join(', ') || 'no traces'}` : 'the projection has no learning rule'));
        else add({ kind: 'trace', projection: name, trace: t.trace.name });
        break;
      }
    }
  }

  // Protocol.
  const protocols = members.filter((m): m is A.ProtocolDecl => m.kind === 'train');
  for (const p of protocols.slice(1)) ctx.error(CheckCodes.Duplicate, 'the network already has a `train` block', p.span, undefined, [{ message: 'first `train` block', span: protocols[0]!.span }]);
  const protocol = protocols[0] ? checkProtocol(ctx, protocols[0], populations, knownPop) : undefined;

  // Warn about rules no projection uses (a typo in `learn` shows up as an error elsewhere).
  // Count every `learn` clause, including those of projections that had other errors.
  const used = new Set<string>();
  for (const m of members) {
    if (m.kind !== 'projection') continue;
    for (const it of m.items ?? []) if (it.kind === 'learn') used.add(it.rule.name);
  }
  for (const r of ruleDecls.values()) if (!used.has(r.name.name)) ctx.bag.warning(CheckCodes.Unused, `rule \`${r.name.name}\` is not used by any projection`, r.name.span);

  const diagnostics = ctx.bag.all;
  if (ctx.bag.hasErrors || networks.length === 0) return { diagnostics };
  const net = networks[0]!;
  const network: Network = {
    name: net.name.name,
    file: root.file,
    span: net.span,
    dt,
    seed,
    populations: [...populations.values()],
    projections: finalProjections,
    rules: [...rules.values()].map((r) => r.rule),
    signals,
    probes,
    ...(protocol ? { protocol } : {}),
  };
  return { network, diagnostics };
}

function describeMember(m: A.Member): string {
  const words: Record<string, string> = {
    population: 'a population',
    projection: 'a projection',
    probe: 'a probe',
    train: 'a `train` block',
    setting: 'a setting',
  };
  return words[m.kind] ?? 'this declaration';
}

function suggest(name: string, list: Iterable<string>): string | undefined {
  return didYouMean(name, [...list]);
}

// ---------------------------------------------------------------------------------------------------------

function checkSignal(ctx: CheckContext, s: A.SignalDecl | A.ScheduleDecl): Signal | undefined {
  if (s.kind === 'signal' && s.value.kind === 'call' && s.value.callee.name === 'per_epoch') {
    if (s.value.args.length === 0) {
      ctx.error(CheckCodes.OutOfRange, '`per_epoch(…)` needs at least one value (the value in epoch 1)', s.value.span);
      return undefined;
    }
    const values: number[] = [];
    for (const a of s.value.args) {
      const v = ctx.num(a, [DIMENSIONLESS], `a per-epoch value of signal \`${s.name.name}\``);
      if (v === undefined) return undefined;
      values.push(v);
    }
    return { kind: 'per_epoch', name: s.name.name, span: s.name.span, values };
  }
  if (s.kind === 'signal') {
    const value = ctx.num(s.value, [DIMENSIONLESS], `the value of signal \`${s.name.name}\``);
    return value === undefined ? undefined : { kind: 'constant', name: s.name.name, span: s.name.span, value };
  }
  const period = ctx.num(s.period, [TIME], 'the schedule period', { min: 0, minExclusive: true });
  const segments: { from: number; to: number; value: number; span: Span }[] = [];
  let otherwise = 0;
  let otherwiseSeen: Span | undefined;
  let ok = period !== undefined;
  for (const e of s.entries) {
    if (e.kind === 'otherwise') {
      if (otherwiseSeen) ctx.error(CheckCodes.Duplicate, '`otherwise` is given twice', e.span, undefined, [{ message: 'first here', span: otherwiseSeen }]);
      otherwiseSeen = e.span;
      const v = ctx.num(e.value, [DIMENSIONLESS], 'the value of a signal');
      if (v === undefined) ok = false;
      else otherwise = v;
      continue;
    }
    const from = ctx.num(e.from, [TIME], 'the start of a segment', { min: 0 });
    const to = ctx.num(e.to, [TIME], 'the end of a segment');
    const value = ctx.num(e.value, [DIMENSIONLESS], 'the value of a signal');
    if (from === undefined || to === undefined || value === undefined) {
      ok = false;
      continue;
    }
    if (!(from < to)) {
      ctx.error(CheckCodes.OutOfRange, `a segment must end after it starts, found ${fmtNum(from * 1e3)} ms..${fmtNum(to * 1e3)} ms`, e.span);
      ok = false;
      continue;
    }
    if (period !== undefined && to > period * (1 + 1e-12)) {
      ctx.error(CheckCodes.OutOfRange, `the segment ends at ${fmtNum(to * 1e3)} ms, after the schedule period of ${fmtNum(period * 1e3)} ms`, e.to.span);
      ok = false;
      continue;
    }
    segments.push({ from, to, value, span: e.span });
  }
  const sorted = [...segments].sort((a, b) => a.from - b.from);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.from < sorted[i - 1]!.to - 1e-12) {
      ctx.error(CheckCodes.Conflict, 'schedule segments overlap', sorted[i]!.span, undefined, [{ message: 'overlaps this segment', span: sorted[i - 1]!.span }]);
      ok = false;
    }
  }
  if (!ok || period === undefined) return undefined;
  return {
    kind: 'schedule',
    name: s.name.name,
    span: s.name.span,
    segments: segments.map(({ from, to, value }) => ({ from, to, value })),
    otherwise,
    period,
  };
}

// ---------------------------------------------------------------------------------------------------------

const PROJECTION_SETTINGS = ['w', 'seed', 'delay', 'p_transmit', 'allow_self'];

function checkProjection(
  ctx: CheckContext,
  d: A.ProjectionDecl,
  name: string,
  populations: ReadonlyMap<string, Population>,
  popDecls: ReadonlyMap<string, A.PopulationDecl>,
  rules: ReadonlyMap<string, CheckedRule>,
  ruleDecls: ReadonlyMap<string, A.RuleDecl>,
  networkSeed: number,
  knownPop: (id: A.Ident) => boolean,
): { projection: Projection; drivenRef?: A.ProjectionRef } | undefined {
  let ok = true;
  const preOk = knownPop(d.pre);
  const postOk = knownPop(d.post);
  const pre = populations.get(d.pre.name);
  const post = populations.get(d.post.name);
  const port = d.port?.name ?? 'in';
  if (post?.source) {
    ctx.error(CheckCodes.UnknownPort, `\`${post.name}\` is a source (${sourceName(post)}) and cannot receive spikes`, d.post.span);
    ok = false;
  } else if (post?.neuron) {
    const ports = post.neuron.ports.map((p) => p.name);
    if (!ports.includes(port)) {
      ctx.error(CheckCodes.UnknownPort, `\`${post.name}\` (${post.neuron.typeName}) has no input port \`${port}\``, d.port?.span ?? d.post.span,
        suggest(port, ports) ?? `its ports: ${ports.join(', ')}`);
      ok = false;
    }
  }
  if (d.feedback && !d.port) ctx.bag.warning(CheckCodes.Missing, 'a feedback projection usually targets a named port, e.g. `h1.err`', d.post.span);

  // Connector.
  let connector: Connector | undefined;
  const c = d.connector;
  const cname = c.kind === 'name' ? c.path.map((p) => p.name).join('.') : c.kind === 'call' ? c.callee.name : '';
  const cspan = c.kind === 'call' ? c.callee.span : c.span;
  const args = c.kind === 'call' ? c.args : [];
  const arity = (n: number): boolean => {
    if (args.length === n) return true;
    ctx.error(CheckCodes.WrongValueKind, `\`${cname}\` takes ${n} argument${n === 1 ? '' : 's'}, found ${args.length}`, c.span);
    return false;
  };
  const settings = new Map<string, A.Setting>();
  for (const it of d.items ?? []) {
    if (it.kind !== 'setting') continue;
    const n = settingName(it);
    if (!PROJECTION_SETTINGS.includes(n)) {
      ctx.error(CheckCodes.UnknownParameter, `unknown projection setting \`${n}\``, settingSpan(it), suggest(n, PROJECTION_SETTINGS) ?? `settings: ${PROJECTION_SETTINGS.join(', ')}; items: learn RULE, frozen, bounds [lo, hi], driven_by a -> b`);
      ok = false;
      continue;
    }
    if (settings.has(n)) {
      ctx.error(CheckCodes.Duplicate, `\`${n}\` is set twice`, settingSpan(it), undefined, [{ message: 'first set here', span: settingSpan(settings.get(n)!) }]);
      continue;
    }
    settings.set(n, it);
  }
  switch (cname) {
    case 'dense':
    case 'one_to_one':
      if (arity(0)) connector = { kind: cname };
      if (cname === 'one_to_one' && pre && post && pre.size !== post.size) {
        ctx.error(CheckCodes.ShapeMismatch, `\`one_to_one\` needs populations of equal size, but \`${pre.name}\` has ${pre.size} and \`${post.name}\` has ${post.size}`, cspan);
        ok = false;
      }
      break;
    case 'random': {
      if (!arity(1)) break;
      const p = ctx.num(args[0]!, [DIMENSIONLESS], 'the connection probability', { min: 0, max: 1 });
      const s = settings.get('allow_self');
      const allowSelf = s ? ctx.bool(s.value, '`allow_self`') : true;
      if (p !== undefined && allowSelf !== undefined) connector = { kind: 'random', p, allowSelf };
      break;
    }
    case 'from_file': {
      if (!arity(1)) break;
      const path = ctx.str(args[0]!, 'the connection file');
      if (path !== undefined) connector = { kind: 'from_file', path };
      break;
    }
    default:
      ctx.error(CheckCodes.UnknownName, `unknown connector \`${cname}\``, cspan, suggest(cname, ['dense', 'one_to_one', 'random', 'from_file']) ?? 'connectors: dense, one_to_one, random(p), from_file("file.csv")');
  }
  if (!connector) ok = false;
  // Every synapse of a dense or random projection is materialised (int32 CSR tables): refuse what cannot fit.
  if (connector && (connector.kind === 'dense' || connector.kind === 'random') && pre && post && pre.size * post.size > MAX_PROJECTION_SYNAPSES) {
    ctx.error(CheckCodes.OutOfRange, `\`${cname}\` from \`${pre.name}\` (${pre.size.toLocaleString('en-US')}) to \`${post.name}\` (${post.size.toLocaleString('en-US')}) spans ${(pre.size * post.size).toLocaleString('en-US')} synapse slots, more than the ${MAX_PROJECTION_SYNAPSES.toLocaleString('en-US')} a projection can hold`, cspan);
    ok = false;
  }
  if (settings.has('allow_self') && cname !== 'random') ctx.error(CheckCodes.UnknownParameter, '`allow_self` only applies to `random(p)`', settingSpan(settings.get('allow_self')!));

  // Weight.
  let weight: Initializer | undefined;
  const w = settings.get('w');
  if (w) weight = ctx.initializer(w.value, AMPLITUDE, 'the weight');
  else if (cname === 'from_file') weight = { kind: 'constant', value: 0 };
  else ctx.error(CheckCodes.Missing, `projection \`${name}\` needs a weight: \`w = 0.5\` or \`w ~ uniform(-0.1, 0.1)\``, d.pre.span.start < d.post.span.end ? { ...d.pre.span, end: d.post.span.end } : d.span);
  if (!weight) ok = false;

  const seedS = settings.get('seed');
  const seed = seedS ? ctx.int(seedS.value, 'the projection seed', 0) : hashSeed(networkSeed, name);
  const delayS = settings.get('delay');
  const delay = delayS ? ctx.num(delayS.value, [TIME], 'the delay', { min: 0 }) : 0;
  const pS = settings.get('p_transmit');
  const pTransmit = pS ? ctx.num(pS.value, [DIMENSIONLESS], '`p_transmit`', { min: 0, max: 1, minExclusive: true }) : 1;
  if (seed === undefined || delay === undefined || pTransmit === undefined) ok = false;

  // Learning.
  let rule: string | null = null;
  let learnSpan: Span | undefined;
  let frozenSpan: Span | undefined;
  let bounds: readonly [number, number] | undefined;
  let drivenRef: A.ProjectionRef | undefined;
  for (const it of d.items ?? []) {
    switch (it.kind) {
      case 'learn':
        if (learnSpan) {
          ctx.error(CheckCodes.Duplicate, 'a projection has one learning rule', it.span, undefined, [{ message: 'first `learn` here', span: learnSpan }]);
          break;
        }
        learnSpan = it.span;
        if (!ruleDecls.has(it.rule.name)) {
          ctx.unknown('learning rule', it.rule, ruleDecls.keys());
          ok = false;
        } else rule = it.rule.name;
        break;
      case 'frozen':
        frozenSpan = it.span;
        break;
      case 'bounds':
        bounds = ctx.interval(it.interval, AMPLITUDE, 'the weight bounds');
        break;
      case 'driven_by':
        drivenRef = it.ref;
        break;
      default:
        break;
    }
  }
  if (learnSpan && frozenSpan) {
    ctx.error(CheckCodes.Conflict, 'a projection cannot both `learn` and be `frozen`', frozenSpan, undefined, [{ message: '`learn` is here', span: learnSpan }]);
    ok = false;
  }
  const checked = rule ? rules.get(rule) : undefined;
  if (checked && post?.neuron) {
    const states = post.neuron.states.map((s) => s.name);
    for (const r of checked.postReads) {
      if (!states.includes(r.name)) {
        ctx.error(CheckCodes.RulePostState, `rule \`${rule}\` reads \`post.${r.name}\`, but \`${post.name}\` (${post.neuron.typeName}) has no state variable \`${r.name}\``, r.span,
          suggest(r.name, states) ?? `its state variables: ${states.join(', ')}`, [{ message: `used by projection \`${name}\` here`, span: learnSpan ?? d.span }]);
        ok = false;
      }
    }
  }
  if (pre?.neuron && !pre.neuron.spiking) {
    ctx.error(CheckCodes.Conflict, `\`${pre.name}\` never spikes (${pre.neuron.base}), so it cannot drive a projection`, d.pre.span);
    ok = false;
  }
  const finalBounds = bounds ?? checked?.rule.bounds;
  if (!ok || !preOk || !postOk || !pre || !post || !connector || !weight || seed === undefined || delay === undefined || pTransmit === undefined) return undefined;
  return {
    projection: {
      name,
      span: d.span,
      pre: pre.name,
      post: post.name,
      port,
      feedback: d.feedback,
      connector,
      weight,
      seed,
      delay,
      pTransmit,
      rule,
      ...(finalBounds ? { bounds: finalBounds } : {}),
    },
    ...(drivenRef ? { drivenRef } : {}),
  };
}

function sourceName(p: Population): string {
  return p.source?.kind ?? 'source';
}

/** FNV-1a of "seed:name": a stable per-projection seed when none is given. */
export function hashSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  const s = `${seed}:${name}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------------------

const PROTOCOL_SETTINGS = ['data', 'input', 'labels', 'readout', 'present', 'settle', 'reset_between', 'present_test', 'epochs', 'train_samples', 'test_samples'];

function checkProtocol(ctx: CheckContext, p: A.ProtocolDecl, populations: ReadonlyMap<string, Population>, knownPop: (id: A.Ident) => boolean): Protocol | undefined {
  const s = new Map<string, A.Setting>();
  let ok = true;
  for (const it of p.items) {
    const n = settingName(it);
    if (!PROTOCOL_SETTINGS.includes(n) || it.op !== '=') {
      ctx.error(CheckCodes.UnknownParameter, `unknown \`train\` setting \`${n}\``, settingSpan(it), suggest(n, PROTOCOL_SETTINGS) ?? `settings: ${PROTOCOL_SETTINGS.join(', ')}`);
      ok = false;
      continue;
    }
    if (s.has(n)) {
      ctx.error(CheckCodes.Duplicate, `\`${n}\` is set twice`, settingSpan(it), undefined, [{ message: 'first set here', span: settingSpan(s.get(n)!) }]);
      continue;
    }
    s.set(n, it);
  }
  const pop = (key: string, need: (p: Population) => string | undefined, required: boolean): string | undefined => {
    const it = s.get(key);
    if (!it) {
      if (required) {
        ctx.error(CheckCodes.Missing, `the \`train\` block needs \`${key} = POPULATION\``, p.span);
        ok = false;
      }
      return undefined;
    }
    const id = ctx.ident(it.value, `\`${key}\``);
    if (!id || !knownPop(id)) {
      ok = false;
      return undefined;
    }
    const pp = populations.get(id.name);
    if (!pp) {
      ok = false;
      return undefined;
    }
    const why = need(pp);
    if (why) {
      ctx.error(CheckCodes.Conflict, `\`${key}\` must be ${why}`, it.value.span);
      ok = false;
      return undefined;
    }
    return id.name;
  };
  const input = pop('input', (x) => (x.source && (x.source.kind === 'poisson' || x.source.kind === 'escape_noise') ? undefined : 'a `Poisson(n) { rate_max = … }` or `EscapeNoise(n)` source fed by the data set'), true);
  const labels = pop('labels', (x) => (x.source?.kind === 'labels' ? undefined : 'a `Labels(n)` source'), false);
  const readout = pop('readout', (x) => (x.neuron?.spiking ? undefined : 'a population of spiking neurons'), true);
  const data = s.get('data') ? ctx.nameOrString(s.get('data')!.value, '`data`') : 'mnist';
  const time = (key: string, dflt: number, positive: boolean): number | undefined => {
    const it = s.get(key);
    if (!it) return dflt;
    return ctx.num(it.value, [TIME], `\`${key}\``, positive ? { min: 0, minExclusive: true } : { min: 0 });
  };
  const present = time('present', 0.25, true);
  const settle = time('settle', 0, false);
  const presentTest = s.has('present_test') ? time('present_test', 0, true) : present;
  const resetBetween = s.get('reset_between') ? ctx.bool(s.get('reset_between')!.value, '`reset_between`') : false;
  const epochs = s.get('epochs') ? ctx.int(s.get('epochs')!.value, '`epochs`', 1) : 1;
  const trainSamples = s.get('train_samples') ? ctx.int(s.get('train_samples')!.value, '`train_samples`', 1) : undefined;
  const testSamples = s.get('test_samples') ? ctx.int(s.get('test_samples')!.value, '`test_samples`', 1) : undefined;
  if (!ok || !input || !readout || data === undefined || present === undefined || settle === undefined || presentTest === undefined || resetBetween === undefined || epochs === undefined) return undefined;
  if ((s.has('train_samples') && trainSamples === undefined) || (s.has('test_samples') && testSamples === undefined)) return undefined;
  return {
    span: p.span,
    data,
    input,
    ...(labels ? { labels } : {}),
    readout,
    present,
    settle,
    resetBetween,
    presentTest,
    epochs,
    ...(trainSamples !== undefined ? { trainSamples } : {}),
    ...(testSamples !== undefined ? { testSamples } : {}),
  };
}
