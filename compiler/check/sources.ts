/**
 * Spike sources: populations without dynamics whose spikes come from data, noise or a file.
 *   Poisson(n)     { rate_max = 100 Hz; refractory = 0 ms }   rate encoder of the data set (x ∈ [0,1] · rate_max)
 *   Poisson(n)     { rate = 1000 Hz }                          fixed-rate Poisson units (no data)
 *   EscapeNoise(n) { rate_max = 100 Hz; beta = 0.5; threshold = -0.215; refractory = 4 ms }
 *   SpikeFile(n)   { file = "spikes.csv" }
 *   Labels(n)      { rate = 250 Hz; regular = false; during_test = false }
 */
import type * as A from '../ast/ast.js';
import type { SourceModel } from '../model.js';
import { didYouMean, type Span } from '../diagnostics/diagnostic.js';
import { CheckCodes } from './codes.js';
import { CheckContext, settingName, settingSpan } from './context.js';
import { DIMENSIONLESS, FREQUENCY, TIME } from './units.js';

export const SOURCE_TYPES = ['Poisson', 'EscapeNoise', 'SpikeFile', 'Labels'] as const;

const PARAMS: Record<(typeof SOURCE_TYPES)[number], readonly string[]> = {
  Poisson: ['rate_max', 'rate', 'refractory'],
  EscapeNoise: ['rate_max', 'beta', 'threshold', 'refractory'],
  SpikeFile: ['file'],
  Labels: ['rate', 'regular', 'during_test'],
};

export function isSourceType(name: string): boolean {
  return (SOURCE_TYPES as readonly string[]).includes(name);
}

/** Builds the source model from its settings (the `like` chain's items first, then its own). */
export function checkSource(ctx: CheckContext, type: (typeof SOURCE_TYPES)[number], items: readonly A.NeuronItem[], span: Span): SourceModel | undefined {
  const settings = new Map<string, A.Setting>();
  let ok = true;
  for (const it of items) {
    if (it.kind !== 'setting') {
      ctx.error(CheckCodes.Misplaced, `a ${type} source has no neuron dynamics; only parameters (${PARAMS[type].join(', ')}) go here`, it.span);
      ok = false;
      continue;
    }
    const name = settingName(it);
    if (!PARAMS[type].includes(name) || it.op !== '=') {
      ctx.error(CheckCodes.UnknownParameter, `${type} has no parameter \`${name}\``, settingSpan(it), didYouMean(name, PARAMS[type]) ?? `its parameters: ${PARAMS[type].join(', ')}`);
      ok = false;
      continue;
    }
    settings.set(name, it);
  }
  const get = <T>(name: string, read: (e: A.Expr) => T | undefined, dflt: T): T | undefined => {
    const s = settings.get(name);
    if (!s) return dflt;
    const v = read(s.value);
    if (v === undefined) ok = false;
    return v;
  };
  const freq = (what: string) => (e: A.Expr) => ctx.num(e, [FREQUENCY], what, { min: 0 });
  const time = (what: string) => (e: A.Expr) => ctx.num(e, [TIME], what, { min: 0 });
  let model: SourceModel | undefined;
  switch (type) {
    case 'Poisson': {
      if (settings.has('rate')) {
        if (settings.has('rate_max')) {
          ctx.error(CheckCodes.Conflict, 'give either `rate` (fixed-rate units) or `rate_max` (data encoder), not both', settingSpan(settings.get('rate')!));
          return undefined;
        }
        const rate = get('rate', freq('the rate'), 0);
        if (rate !== undefined) model = { kind: 'poisson_fixed', rate, span };
      } else {
        const rateMax = get('rate_max', freq('the maximum rate'), 100);
        const refractory = get('refractory', time('the refractory period'), 0);
        if (rateMax !== undefined && refractory !== undefined) model = { kind: 'poisson', rateMax, refractory, span };
      }
      break;
    }
    case 'EscapeNoise': {
      const rateMax = get('rate_max', freq('the maximum rate'), 100);
      const beta = get('beta', (e) => ctx.num(e, [DIMENSIONLESS], 'beta'), 0.5);
      const threshold = get('threshold', (e) => ctx.num(e, [DIMENSIONLESS], 'the threshold'), -0.215);
      const refractory = get('refractory', time('the refractory period'), 4e-3);
      if (rateMax !== undefined && beta !== undefined && threshold !== undefined && refractory !== undefined)
        model = { kind: 'escape_noise', rateMax, beta, threshold, refractory, span };
      break;
    }
    case 'SpikeFile': {
      const s = settings.get('file');
      if (!s) {
        ctx.error(CheckCodes.Missing, 'a SpikeFile source needs `file = "spikes.csv"`', span);
        return undefined;
      }
      const path = ctx.str(s.value, '`file`');
      if (path !== undefined) model = { kind: 'spike_file', path, span };
      break;
    }
    case 'Labels': {
      const rate = get('rate', freq('the label rate'), 250);
      const regular = get('regular', (e) => ctx.bool(e, '`regular`'), false);
      const duringTest = get('during_test', (e) => ctx.bool(e, '`during_test`'), false);
      if (rate !== undefined && regular !== undefined && duringTest !== undefined) model = { kind: 'labels', rate, regular, duringTest, span };
      break;
    }
  }
  return ok ? model : undefined;
}
