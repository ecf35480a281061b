/**
 * Hand-written SVG plots of a sweep (no dependency):
 *   - `linePlot`: a metric vs the values of one varied parameter; one series per combination of the other varied
 *     parameters (at most MAX_SERIES, else the others are averaged over), the mean over seeds as markers joined by
 *     lines, the seed spread as error bars from the minimum to the maximum over seeds, and an optional baseline
 *     as a dashed horizontal line;
 *   - `heatMap`: the seed mean of a metric over two varied parameters, a colour scale with legend and cell labels.
 * Numbers are placed with fixed decimals so the files are byte-stable for equal inputs.
 */
import type { PointResult } from './result.js';

export interface MetricSpec {
  /** Reads the metric from a point (null = absent). */
  readonly get: (r: PointResult) => number | null;
  /** Axis label including the unit, e.g. "test accuracy (%)". */
  readonly label: string;
  /** Multiplier from stored value to displayed value (100 for fractions shown in %). */
  readonly scale: number;
  /** Fixed y range (displayed units); default: from the data and the baseline. */
  readonly domain?: readonly [number, number];
  /** Decimals of cell labels / tick labels. */
  readonly decimals: number;
}

export interface Baseline {
  /** In stored units (scaled like the metric). */
  readonly value: number;
  readonly label: string;
}

const W = 720;
const H = 460;
const M = { left: 78, right: 190, top: 56, bottom: 86 };
const MAX_SERIES = 6;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

const f2 = (x: number): string => x.toFixed(2);

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About `n` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, n = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function tickText(v: number): string {
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(6)));
}

/** Values of a varied parameter in the order given; numeric when every value is a number. */
function axisValues(values: readonly string[]): { numeric: boolean; pos: (v: string) => number; lo: number; hi: number } {
  const numeric = values.every((v) => /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(v));
  if (numeric) {
    const xs = values.map(Number);
    return { numeric, pos: (v) => Number(v), lo: Math.min(...xs), hi: Math.max(...xs) };
  }
  return { numeric, pos: (v) => values.indexOf(v), lo: 0, hi: values.length - 1 };
}

interface Stat {
  mean: number;
  min: number;
  max: number;
  n: number;
}

function stat(xs: readonly number[]): Stat | null {
  if (xs.length === 0) return null;
  return { mean: xs.reduce((s, x) => s + x, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

function frame(title: string, subtitle: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT}>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="17" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${W / 2}" y="43" text-anchor="middle" font-size="12" fill="#444">${escapeXml(subtitle)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export interface LinePlotInput {
  readonly results: readonly PointResult[];
  /** The parameter on the x axis, and its values in the order given. */
  readonly param: { readonly path: string; readonly values: readonly string[] };
  /** The other varied parameters (each series is one combination of their values). */
  readonly others: readonly { readonly path: string; readonly values: readonly string[] }[];
  readonly metric: MetricSpec;
  readonly baseline?: Baseline | null;
  readonly title: string;
}

/** Metric vs one parameter; see the file comment. */
export function linePlot(p: LinePlotInput): string {
  const ok = p.results.filter((r) => r.status === 'ok');
  const combos = p.others.reduce<string[][]>((acc, o) => acc.flatMap((c) => o.values.map((v) => [...c, v])), [[]]);
  const splitSeries = combos.length > 1 && combos.length <= MAX_SERIES;
  const series = (splitSeries ? combos : [[]]).map((combo) => {
    const name = splitSeries ? combo.map((v, k) => `${shortPath(p.others[k]!.path)}=${v}`).join(', ') : '';
    const points = p.param.values.map((x) => {
      const ys = ok
        .filter((r) => r.values[p.param.path] === x && combo.every((v, k) => r.values[p.others[k]!.path] === v))
        .map((r) => p.metric.get(r))
        .filter((y): y is number => y !== null && Number.isFinite(y))
        .map((y) => y * p.metric.scale);
      return { x, s: stat(ys) };
    });
    return { name, points };
  });
  const ax = axisValues(p.param.values);
  const all = series.flatMap((s) => s.points.flatMap((q) => (q.s ? [q.s.min, q.s.max] : [])));
  const base = p.baseline ? p.baseline.value * p.metric.scale : null;
  if (base !== null) all.push(base);
  let [ylo, yhi] = p.metric.domain ?? [Math.min(...all), Math.max(...all)];
  if (all.length === 0) [ylo, yhi] = [0, 1];
  if (!(yhi > ylo)) [ylo, yhi] = [ylo - 1, yhi + 1];
  if (!p.metric.domain) {
    const pad = (yhi - ylo) * 0.08;
    [ylo, yhi] = [ylo - pad, yhi + pad];
  }
  const yt = niceTicks(ylo, yhi, 6);
  [ylo, yhi] = [Math.min(ylo, yt[0]!), Math.max(yhi, yt[yt.length - 1]!)];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const xpad = ax.hi > ax.lo ? (ax.hi - ax.lo) * 0.06 : 1;
  const X0 = (v: string) => M.left + ((ax.pos(v) - (ax.lo - xpad)) / (ax.hi - ax.lo + 2 * xpad)) * pw;
  const Y = (y: number) => M.top + ph - ((y - ylo) / (yhi - ylo)) * ph;
  const b: string[] = [];
  // grid and axes
  for (const t of yt) {
    b.push(`<line x1="${M.left}" y1="${f2(Y(t))}" x2="${M.left + pw}" y2="${f2(Y(t))}" stroke="#e3e3e3"/>`);
    b.push(`<text x="${M.left - 8}" y="${f2(Y(t) + 4)}" text-anchor="end" font-size="12">${escapeXml(tickText(t))}</text>`);
  }
  b.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  for (const v of p.param.values) {
    b.push(`<line x1="${f2(X0(v))}" y1="${M.top + ph}" x2="${f2(X0(v))}" y2="${M.top + ph + 5}" stroke="#333"/>`);
    b.push(`<text x="${f2(X0(v))}" y="${M.top + ph + 20}" text-anchor="middle" font-size="12">${escapeXml(v)}</text>`);
  }
  b.push(`<text x="${M.left + pw / 2}" y="${H - 40}" text-anchor="middle" font-size="14">${escapeXml(p.param.path)}</text>`);
  b.push(`<text transform="translate(20 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="14">${escapeXml(p.metric.label)}</text>`);
  // baseline
  const legend: { mark: string; label: string }[] = [];
  if (base !== null && p.baseline) {
    b.push(`<line x1="${M.left}" y1="${f2(Y(base))}" x2="${M.left + pw}" y2="${f2(Y(base))}" stroke="#000" stroke-width="1.5" stroke-dasharray="7 5"/>`);
    legend.push({ mark: `<line x1="0" y1="0" x2="26" y2="0" stroke="#000" stroke-width="1.5" stroke-dasharray="7 5"/>`, label: p.baseline.label });
  }
  // series
  series.forEach((s, k) => {
    const c = COLOURS[k % COLOURS.length]!;
    // Dodge series sideways a little so equal values of different series stay visible.
    const dodge = (k - (series.length - 1) / 2) * 4;
    const X = (v: string) => X0(v) + dodge;
    const pts = s.points.filter((q) => q.s !== null);
    if (pts.length > 1) b.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((q) => `${f2(X(q.x))},${f2(Y(q.s!.mean))}`).join(' ')}"/>`);
    for (const q of pts) {
      const x = X(q.x);
      if (q.s!.max > q.s!.min) {
        b.push(`<line x1="${f2(x)}" y1="${f2(Y(q.s!.min))}" x2="${f2(x)}" y2="${f2(Y(q.s!.max))}" stroke="${c}" stroke-width="1.5"/>`);
        for (const y of [q.s!.min, q.s!.max]) b.push(`<line x1="${f2(x - 5)}" y1="${f2(Y(y))}" x2="${f2(x + 5)}" y2="${f2(Y(y))}" stroke="${c}" stroke-width="1.5"/>`);
      }
      b.push(`<circle cx="${f2(x)}" cy="${f2(Y(q.s!.mean))}" r="4" fill="${c}"/>`);
    }
    const label = s.name || 'mean over seeds';
    legend.push({ mark: `<line x1="0" y1="0" x2="26" y2="0" stroke="${c}" stroke-width="2"/><circle cx="13" cy="0" r="4" fill="${c}"/>`, label });
  });
  let ly = M.top + 12;
  for (const l of legend) {
    const lines = wrapText(l.label, LEGEND_CHARS);
    const text = lines.map((t, i) => `<tspan x="32" dy="${i === 0 ? 4 : 15}">${escapeXml(t)}</tspan>`).join('');
    b.push(`<g transform="translate(${M.left + pw + 14} ${ly})">${l.mark}<text x="32" y="0" font-size="12">${text}</text></g>`);
    ly += 8 + 15 * lines.length;
  }
  const seeds = Math.max(0, ...series.flatMap((s) => s.points.map((q) => q.s?.n ?? 0)));
  const others = p.others.length > 0 && !splitSeries ? `; averaged over ${p.others.map((o) => shortPath(o.path)).join(', ')}` : '';
  const sub = `markers: mean over ${seeds} seed(s); error bars: min to max over seeds${others}`;
  return frame(p.title, sub, b);
}

/** Characters per legend line (the legend column is M.right − 46 px wide at about 7 px per character). */
const LEGEND_CHARS = 20;

/** Greedy word wrap to lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (cur === '') cur = word;
    else if (cur.length + 1 + word.length <= width) cur += ' ' + word;
    else {
      lines.push(cur);
      cur = word;
    }
  }
  if (cur !== '' || lines.length === 0) lines.push(cur);
  return lines;
}

function shortPath(path: string): string {
  return path.replace(/^neuron\.states\./, 'neuron.').replace(/^synapse\.weight\./, 'weight.');
}

/** Viridis-like colour for t in [0, 1] (piecewise-linear through five viridis anchors). */
export function colourAt(t: number): string {
  const anchors = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const u = x - i;
  const c = anchors[i]!.map((a, k) => Math.round(a + (anchors[i + 1]![k]! - a) * u));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export interface HeatMapInput {
  readonly results: readonly PointResult[];
  readonly x: { readonly path: string; readonly values: readonly string[] };
  readonly y: { readonly path: string; readonly values: readonly string[] };
  readonly metric: MetricSpec;
  readonly title: string;
}

/** Seed-mean of a metric over two parameters; see the file comment. */
export function heatMap(p: HeatMapInput): string {
  const ok = p.results.filter((r) => r.status === 'ok');
  const cell = (xv: string, yv: string): Stat | null =>
    stat(ok.filter((r) => r.values[p.x.path] === xv && r.values[p.y.path] === yv)
      .map((r) => p.metric.get(r))
      .filter((v): v is number => v !== null && Number.isFinite(v))
      .map((v) => v * p.metric.scale));
  const cells = p.y.values.map((yv) => p.x.values.map((xv) => cell(xv, yv)));
  const means = cells.flat().filter((s): s is Stat => s !== null).map((s) => s.mean);
  let [lo, hi] = p.metric.domain ?? [Math.min(...means), Math.max(...means)];
  if (means.length === 0) [lo, hi] = [0, 1];
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const cw = pw / p.x.values.length;
  const ch = ph / p.y.values.length;
  const b: string[] = [];
  cells.forEach((row, i) => {
    // first y value at the bottom, as on a numeric axis
    const y0 = M.top + ph - (i + 1) * ch;
    row.forEach((s, j) => {
      const x0 = M.left + j * cw;
      if (s === null) {
        b.push(`<rect x="${f2(x0)}" y="${f2(y0)}" width="${f2(cw)}" height="${f2(ch)}" fill="#f2f2f2" stroke="#fff"/>`);
        b.push(`<text x="${f2(x0 + cw / 2)}" y="${f2(y0 + ch / 2 + 4)}" text-anchor="middle" font-size="12" fill="#666">n/a</text>`);
        return;
      }
      const t = (s.mean - lo) / (hi - lo);
      b.push(`<rect x="${f2(x0)}" y="${f2(y0)}" width="${f2(cw)}" height="${f2(ch)}" fill="${colourAt(t)}" stroke="#fff"/>`);
      const ink = t > 0.6 ? '#000' : '#fff';
      b.push(`<text x="${f2(x0 + cw / 2)}" y="${f2(y0 + ch / 2 + 5)}" text-anchor="middle" font-size="14" fill="${ink}">${s.mean.toFixed(p.metric.decimals)}</text>`);
    });
  });
  b.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  p.x.values.forEach((v, j) => b.push(`<text x="${f2(M.left + (j + 0.5) * cw)}" y="${M.top + ph + 20}" text-anchor="middle" font-size="12">${escapeXml(v)}</text>`));
  p.y.values.forEach((v, i) => b.push(`<text x="${M.left - 8}" y="${f2(M.top + ph - (i + 0.5) * ch + 4)}" text-anchor="end" font-size="12">${escapeXml(v)}</text>`));
  b.push(`<text x="${M.left + pw / 2}" y="${H - 40}" text-anchor="middle" font-size="14">${escapeXml(p.x.path)}</text>`);
  b.push(`<text transform="translate(20 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="14">${escapeXml(p.y.path)}</text>`);
  // legend: vertical gradient bar with ticks
  const lx = M.left + pw + 40;
  const lw = 18;
  b.push(`<defs><linearGradient id="scale" x1="0" y1="1" x2="0" y2="0">${[0, 0.25, 0.5, 0.75, 1].map((t) => `<stop offset="${t}" stop-color="${colourAt(t)}"/>`).join('')}</linearGradient></defs>`);
  b.push(`<rect x="${lx}" y="${M.top}" width="${lw}" height="${ph}" fill="url(#scale)" stroke="#333"/>`);
  for (const t of niceTicks(lo, hi, 5).filter((v) => v >= lo - 1e-9 && v <= hi + 1e-9)) {
    const y = M.top + ph - ((t - lo) / (hi - lo)) * ph;
    b.push(`<line x1="${lx + lw}" y1="${f2(y)}" x2="${lx + lw + 5}" y2="${f2(y)}" stroke="#333"/>`);
    b.push(`<text x="${lx + lw + 8}" y="${f2(y + 4)}" font-size="12">${escapeXml(tickText(t))}</text>`);
  }
  b.push(`<text transform="translate(${lx + lw + 62} ${M.top + ph / 2}) rotate(90)" text-anchor="middle" font-size="13">${escapeXml(p.metric.label)}</text>`);
  const seeds = Math.max(0, ...cells.flat().map((s) => s?.n ?? 0));
  return frame(p.title, `cells: mean over ${seeds} seed(s)`, b);
}
