import { describe, expect, it } from 'vitest';
import { checkLearningSupport, resolveTarget, type RuleNeeds } from '../../compiler/target/index.js';

const span = { file: 'erbp.snn', start: 10, end: 14 };
// eRBP as the DSL writes it: on pre, gated on post.i and a time window, w += eta * post.u.
const erbp: RuleNeeds = {
  rule: 'erbp',
  span,
  forms: ['gated_state_update', 'sum_of_products'],
  triggers: [{ kind: 'pre' }],
  reads: [{ kind: 'post_state', what: 'post.u', span: { file: 'erbp.snn', start: 40, end: 46 } }],
  gates: [{ kind: 'state_compare' }, { kind: 'time_window' }],
  productTerms: 1,
  maxFactors: 2,
  modulators: 0,
  stochasticRounding: false,
};
const load = (n: string) => resolveTarget(n).profile!;

describe('learning capabilities', () => {
  it('eRBP runs on default and nsat', () => {
    expect(checkLearningSupport(erbp, load('default'))).toEqual([]);
    expect(checkLearningSupport(erbp, load('nsat'))).toEqual([]);
  });

  it('eRBP on loihi1 is rejected for reading the dendrite and for its gates, at their spans', () => {
    const ds = checkLearningSupport(erbp, load('loihi1'));
    const read = ds.find((d) => d.code === 'SNN3304')!;
    expect(read.message).toBe(
      "rule `erbp` reads `post.u` (a postsynaptic state variable); loihi1's learning engine can read `pre_trace`, `post_trace`, `weight`",
    );
    expect(read.span!.start).toBe(40);
    expect(ds.filter((d) => d.code === 'SNN3305')).toHaveLength(2);
  });

  it('any plastic rule on truenorth is one clear error; odin accepts only SDSP', () => {
    const tn = checkLearningSupport(erbp, load('truenorth'));
    expect(tn).toHaveLength(1);
    expect(tn[0]!.message).toMatch(/cannot run on truenorth: the target has no on-chip learning/);
    expect(tn[0]!.span).toEqual(span);
    expect(checkLearningSupport(erbp, load('odin')).some((d) => d.code === 'SNN3302')).toBe(true);
  });

  it('periodic triggers must be a power of two within the engine range', () => {
    const periodic: RuleNeeds = { ...erbp, forms: ['sum_of_products'], reads: [], gates: [], triggers: [{ kind: 'periodic', periodSteps: 48 }] };
    expect(checkLearningSupport(periodic, load('loihi1'))[0]!.message).toMatch(/every 48 steps/);
    expect(checkLearningSupport({ ...periodic, triggers: [{ kind: 'periodic', periodSteps: 64 }] }, load('loihi1'))).toEqual([]);
  });
});
