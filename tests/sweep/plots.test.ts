import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { colourAt, escapeXml, heatMap, linePlot, niceTicks, wrapText, type MetricSpec } from '../../sweep/plots.js';
import { toCsv, type PointResult } from '../../sweep/result.js';

function point(values: Record<string, string>, seed: number, acc: number): PointResult {
  return {
    id: `${JSON.stringify(values)}-${seed}`, index: 0, seed, values, sets: [], mode: 'train', status: 'ok',
    train_accuracy: acc, test_accuracy: acc, synaptic_events: 10, learning_updates: 1, spikes: 5, energy_pj: 100,
    overflow: { v: { wrap: 0, saturate: 3 } }, saturations: 3, wraps: 0, divergence: null, synapse_memory_bits: 64,
    weight_rms_rel_error: 0.01, prune: [], seconds: 1,
  };
}

const acc: MetricSpec = { get: (r) => r.test_accuracy, label: 'test accuracy (%)', scale: 100, decimals: 1 };
const A = { path: 'synapse.weight.mant_bits', values: ['2', '4', '8'] };
const B = { path: 'neuron.states.v.bits', values: ['12', '16'] };
const results = A.values.flatMap((a, i) => B.values.flatMap((b, j) => [1, 2].map((s) => point({ [A.path]: a, [B.path]: b }, s, 0.3 + 0.2 * i + 0.05 * j + 0.01 * s))));

/** Every number in a coordinate attribute must be finite (no NaN/Infinity reaches the file). */
function coordinatesFinite(svg: string): boolean {
  return [...svg.matchAll(/ (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"/g)].every((m) => Number.isFinite(Number(m[1])));
}

describe('plots', () => {
  it('line plot: one series per other-parameter value, error bars from min to max, dashed baseline', () => {
    const svg = linePlot({ results, param: A, others: [B], metric: acc, baseline: { value: 0.9, label: 'float MLP' }, title: 'T' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect((svg.match(/<polyline/g) ?? []).length).toBe(2);
    expect((svg.match(/<circle cx="\d+\.\d\d" cy="\d+\.\d\d" r="4"/g) ?? []).length).toBe(3 * 2); // legend markers sit at cx="13"
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('float MLP');
    expect(svg).toContain('error bars: min to max over seeds');
    expect(coordinatesFinite(svg)).toBe(true);
    // x tick labels are the values themselves
    for (const v of A.values) expect(svg).toContain(`>${v}</text>`);
  });

  it('heat map: one labelled cell per pair holding the seed mean, and a legend gradient', () => {
    const svg = heatMap({ results, x: A, y: B, metric: acc, title: 'H' });
    // cell (mant 4, v 16): seeds give 0.3+0.2+0.05+0.01 and +0.02 → mean 56.5 %
    expect(svg).toContain('>56.5</text>');
    expect(svg).toContain('linearGradient');
    expect((svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#[0-9a-f]{6}"/g) ?? []).length).toBe(6);
    expect(coordinatesFinite(svg)).toBe(true);
  });

  it('survives missing data and escapes text', () => {
    const bad = [{ ...results[0]!, status: 'diagnostics' as const }];
    const svg = linePlot({ results: bad, param: A, others: [], metric: acc, baseline: null, title: 'a < b & "c"' });
    expect(coordinatesFinite(svg)).toBe(true);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(coordinatesFinite(heatMap({ results: bad, x: A, y: B, metric: acc, title: 'x' }))).toBe(true);
    expect(escapeXml('<&>')).toBe('&lt;&amp;&gt;');
  });

  it('niceTicks cover the range with round, increasing steps (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (lo, span) => {
        const t = niceTicks(lo, lo + span, 6);
        expect(t.length).toBeGreaterThanOrEqual(2);
        expect(t.length).toBeLessThanOrEqual(13);
        for (let i = 1; i < t.length; i++) expect(t[i]!).toBeGreaterThan(t[i - 1]!);
        expect(t[0]!).toBeGreaterThanOrEqual(lo - span * 1e-6);
        expect(t[t.length - 1]!).toBeLessThanOrEqual(lo + span + span * 1e-6);
      }),
      { numRuns: 200 },
    );
  });

  it('colour scale runs from dark purple to yellow; wrapText keeps every word', () => {
    expect(colourAt(0)).toBe('#440154');
    expect(colourAt(1)).toBe('#fde725');
    expect(colourAt(Number.NaN)).toBe('#440154');
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 10 }), (words) => {
        const lines = wrapText(words.join(' '), 20);
        expect(lines.join(' ').split(' ').filter((w) => w)).toEqual(words);
        for (const l of lines) if (l.includes(' ')) expect(l.length).toBeLessThanOrEqual(20);
      }),
      { numRuns: 100 },
    );
  });
});

describe('toCsv', () => {
  it('has one row per point, a column per varied path and per state variable', () => {
    const csv = toCsv(results, [A.path, B.path]).trim().split('\n');
    expect(csv).toHaveLength(results.length + 1);
    const header = csv[0]!.split(',');
    expect(header).toContain(A.path);
    expect(header).toContain('sat.v');
    expect(header).toContain('wrap.v');
    const row = csv[1]!.replace(/"[^"]*"/g, "q").split(",");
    expect(row).toHaveLength(header.length);
    expect(row[header.indexOf('sat.v')]).toBe('3');
    expect(Number(row[header.indexOf('test_accuracy')])).toBeCloseTo(results[0]!.test_accuracy!, 12);
  });
});
