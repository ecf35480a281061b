/**
 * Can the target's learning engine execute a rule? The lowering describes what a rule needs (`RuleNeeds`,
 * each item with its source span); this returns one diagnostic per missing capability, naming the rule, the
 * feature, the target and what the target does offer.
 */
import type { Diagnostic, Span } from '../diagnostics/diagnostic.js';
import type { LearningGate, LearningRead, LearningTrigger, RuleForm, TargetProfile } from './profile.js';

export const CAPABILITY_CODES = {
  noLearning: 'SNN3301',
  form: 'SNN3302',
  trigger: 'SNN3303',
  read: 'SNN3304',
  gate: 'SNN3305',
  size: 'SNN3306',
  rounding: 'SNN3307',
} as const;

export interface RuleNeeds {
  readonly rule: string;
  readonly span?: Span;
  /** Rule forms the lowering could use, best first; the rule is executable if the target has any of them. */
  readonly forms: readonly RuleForm[];
  readonly triggers: readonly { readonly kind: LearningTrigger; readonly span?: Span; readonly periodSteps?: number }[];
  /** `what` is how the DSL spells it, e.g. `post.u`. */
  readonly reads: readonly { readonly kind: LearningRead; readonly what: string; readonly span?: Span }[];
  readonly gates: readonly { readonly kind: LearningGate; readonly span?: Span }[];
  readonly productTerms: number;
  readonly maxFactors: number;
  readonly modulators: number;
  readonly stochasticRounding: boolean;
}

const READ_WORDS: Record<LearningRead, string> = {
  pre_trace: 'a presynaptic trace',
  post_trace: 'a postsynaptic trace',
  post_state: 'a postsynaptic state variable',
  pre_state: 'a presynaptic state variable',
  modulator: 'a modulatory signal',
  weight: 'the weight',
};
const GATE_WORDS: Record<LearningGate, string> = {
  state_compare: 'a comparison on neuron state',
  time_window: 'a time window',
};
const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : 'nothing');

export function checkLearningSupport(needs: RuleNeeds, p: TargetProfile): Diagnostic[] {
  const L = p.learning;
  const out: Diagnostic[] = [];
  const err = (code: string, message: string, span: Span | undefined, hint?: string) =>
    out.push({ code, severity: 'error', message, span: span ?? needs.span, hint });
  const who = `rule \`${needs.rule}\``;
  if (!L.enabled) {
    err(CAPABILITY_CODES.noLearning, `${who} cannot run on ${p.name}: the target has no on-chip learning`, needs.span,
      'freeze the projection, or pick a target with a learning engine (e.g. `--target default`)');
    return out;
  }
  if (!needs.forms.some((f) => L.rule_forms.includes(f))) {
    err(CAPABILITY_CODES.form, `${who} needs a ${needs.forms.map((f) => `\`${f}\``).join(' or ')} rule; ${p.name}'s learning engine executes ${list(L.rule_forms)}`, needs.span);
  }
  for (const t of needs.triggers) {
    if (!L.triggers.includes(t.kind)) {
      err(CAPABILITY_CODES.trigger, `${who} is triggered \`on ${t.kind === 'periodic' ? 'every' : t.kind}\`; ${p.name} supports triggers ${list(L.triggers)}`, t.span);
    } else if (t.kind === 'periodic' && t.periodSteps !== undefined) {
      const k = Math.log2(t.periodSteps);
      if (!Number.isInteger(k) || k > L.period_log2_max) {
        err(CAPABILITY_CODES.trigger, `${who} runs every ${t.periodSteps} steps; ${p.name} supports periods 2^k with k ≤ ${L.period_log2_max}`, t.span);
      }
    }
  }
  for (const r of needs.reads) {
    if (!L.reads.includes(r.kind)) {
      err(CAPABILITY_CODES.read, `${who} reads \`${r.what}\` (${READ_WORDS[r.kind]}); ${p.name}'s learning engine can read ${list(L.reads)}`, r.span);
    }
  }
  for (const g of needs.gates) {
    if (!L.gates.includes(g.kind)) {
      err(CAPABILITY_CODES.gate, `${who} is gated by ${GATE_WORDS[g.kind]}; ${p.name} supports gates ${list(L.gates)}`, g.span);
    }
  }
  if (needs.productTerms > L.max_product_terms) {
    err(CAPABILITY_CODES.size, `${who} has ${needs.productTerms} product terms; ${p.name} allows ${L.max_product_terms}`, needs.span);
  }
  if (needs.maxFactors > L.max_factors) {
    err(CAPABILITY_CODES.size, `${who} multiplies ${needs.maxFactors} factors in one term; ${p.name} allows ${L.max_factors}`, needs.span);
  }
  if (needs.modulators > L.modulators) {
    err(CAPABILITY_CODES.size, `${who} uses ${needs.modulators} modulatory signals; ${p.name} has ${L.modulators}`, needs.span);
  }
  if (needs.stochasticRounding && !L.stochastic_rounding) {
    err(CAPABILITY_CODES.rounding, `${who} asks for stochastic rounding; ${p.name}'s learning engine rounds deterministically`, needs.span);
  }
  return out;
}
