import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSource } from '../../compiler/frontend.js';
import { main } from '../../cli/main.js';
import { captureIo } from '../syntax/helpers.js';

/** "line:col code message" per diagnostic of `body` placed inside a small valid network. */
function check(body: string, prelude = ''): string[] {
  const text = `${prelude}network t {\n  population a = LIF(4)\n  population b = CubaLIF(4)\n${body}\n}\n`;
  const r = checkSource(text, 't.snn', () => undefined);
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const before = text.slice(0, d.span!.start);
      return `${before.split('\n').length}:${d.span!.start - before.lastIndexOf('\n')} ${d.code} ${d.message}`;
    });
}

describe('checker: names', () => {
  it('accepts the base network', () => expect(check('')).toEqual([]));
  it('warns about an unused rule, but not about one whose projection has another error', () => {
    const text = (learn: string) =>
      `network t {\n  population a = LIF(4)\n  population b = LIF(4)\n  rule r { on pre { w += post.zz } }\n  rule q { on pre { w += 1 } }\n  project a -> b : dense { w = 0.1; ${learn} }\n}\n`;
    const unused = (t: string) => checkSource(t, 't.snn', () => undefined).diagnostics.filter((d) => d.code === 'SNN2901').map((d) => d.message);
    // r is used (its read of post.zz is an error), q is not.
    expect(unused(text('learn r'))).toEqual(['rule `q` is not used by any projection']);
  });
  it('unknown population with a hint', () => {
    const r = checkSource('network t {\n  population h1 = LIF(2)\n  project h2 -> h1 : dense { w = 1 }\n}', 't', () => undefined);
    expect(r.diagnostics[0]).toMatchObject({ code: 'SNN2002', message: 'unknown population `h2`', hint: 'did you mean `h1`?' });
  });
  it('duplicate population with a note at the first definition', () => {
    const r = checkSource('network t {\n  population a = LIF(2)\n  population a = IF(3)\n}', 't', () => undefined);
    expect(r.diagnostics[0]!.message).toBe('population `a` is already defined');
    expect(r.diagnostics[0]!.notes?.[0]?.span?.start).toBe(25);
  });
  it('unknown port on the post type', () => expect(check('  project a -> b.err : dense { w = 1 }')).toEqual(['4:18 SNN2003 `b` (CubaLIF) has no input port `err`']));
  it('unknown neuron type', () => expect(check('  population c = LFI(2)')).toEqual(['4:18 SNN2002 unknown neuron type `LFI`']));
  it('unknown rule', () => expect(check('  project a -> b : dense { w = 1; learn foo }')).toEqual(['4:41 SNN2002 unknown learning rule `foo`']));
});

describe('checker: units and values', () => {
  it('converts to SI', () => {
    const r = checkSource('network t {\n  dt = 0.1 ms\n  population a = LIF(1) { tau = 20 ms; v_threshold = -50 mV; refractory = 2 ms }\n}', 't', () => undefined);
    const n = r.network!.populations[0]!.neuron!;
    expect(r.network!.dt).toBeCloseTo(1e-4, 15);
    expect(n.states[0]!.tau).toBeCloseTo(0.02, 15);
    expect(n.threshold).toBeCloseTo(-0.05, 15);
    expect(n.refractory).toBeCloseTo(0.002, 15);
  });
  it('unit algebra: mV * ms / ms is a voltage', () => {
    const r = checkSource('network t {\n  let we = 1.62 mV * 0.1 ms / 20 ms\n  population a = LIF(1) { bias = we }\n}', 't', () => undefined);
    expect(r.network!.populations[0]!.neuron!.bias).toBeCloseTo(8.1e-6, 18);
  });
  it('dimension mismatch names expected and found', () =>
    expect(check('  population c = LIF(2) { tau = 20 mV }')).toEqual(['4:33 SNN2101 the membrane time constant must be a time (e.g. `1 ms`), found a voltage']));
  it('adding a time and a voltage', () => expect(check('  let x = 1 ms + 2 mV\n  population c = LIF(2) { refractory = x }')).toEqual(['4:16 SNN2101 cannot add a time and a voltage']));
  it('unknown unit with a hint', () => expect(check('  population c = LIF(2) { tau = 20 mz }')).toEqual(['4:36 SNN2102 unknown unit `mz`']));
  it('ranges: size, p, tau, p_transmit', () => {
    expect(check('  population c = LIF(0)')).toEqual(['4:22 SNN2201 the size of `c` must be a whole number ≥ 1, found 0']);
    expect(check('  project a -> b : random(1.5) { w = 1 }')).toEqual(['4:27 SNN2201 the connection probability must be ≥ 0 and ≤ 1, found 1.5']);
    expect(check('  project a -> b : dense { w = 1; p_transmit = 0 }')).toEqual(['4:48 SNN2201 `p_transmit` must be > 0 and ≤ 1, found 0']);
    expect(check('  population c = LIF(2) { tau = -1 ms }')).toEqual(['4:33 SNN2201 the membrane time constant must be > 0, found -0.001']);
  });
  it('one_to_one needs equal sizes', () => {
    expect(check('  population c = LIF(5)\n  project a -> c : one_to_one { w = 1 }')).toEqual(['5:20 SNN2202 `one_to_one` needs populations of equal size, but `a` has 4 and `c` has 5']);
  });
  it('bounds need lo < hi', () => expect(check('  project a -> b : dense { w = 1; bounds [1, -1] }')).toEqual(['4:42 SNN2201 the weight bounds needs lo < hi, found [1, -1]']));
});

describe('checker: learning rules', () => {
  const rule = (r: string) => check(`  project a -> b : dense { w = 0; learn r }\n  rule r { ${r} }`);
  it('reads traces, post state, signals, w', () =>
    expect(check('  project a -> b : dense { w = 0; learn r }\n  signal g = 1\n  rule r { trace x pre tau 5 ms; on pre when post.v in [-1, 1] { w += g * x * post.i - 0.1 * w } }')).toEqual([]));
  it('an undeclared name', () => expect(rule('trace x_pre pre tau 5 ms; on post { w += x_pr }')).toEqual(['5:53 SNN2301 rule `r` cannot read `x_pr`: it is not a trace of this rule, a signal, `w` or a constant']));
  it('a post state the post type lacks, checked per projection', () =>
    expect(rule('on pre { w += post.u }')).toEqual(['5:26 SNN2302 rule `r` reads `post.u`, but `b` (CubaLIF) has no state variable `u`']));
  it('`t` outside a time gate', () => expect(rule('on pre { w += t }')).toEqual(['5:26 SNN2303 `t` may only appear in a time gate such as `when t mod 250 ms >= 50 ms`']));
  it('time gate becomes a time window', () => {
    const r = checkSource('network t {\n  population a = LIF(1)\n  project a -> a : dense { w = 0; learn r }\n  rule r { on pre when t mod 250 ms >= 50 ms { w += 1 } }\n}', 't', () => undefined);
    expect(r.network!.rules[0]!.events[0]!.gates[0]).toMatchObject({ kind: 'time_window', period: 0.25, op: '>=', value: 0.05 });
  });
  it('only w can be updated', () => expect(rule('trace x pre tau 5 ms; on pre { x += 1 }')).toEqual(['5:43 SNN2304 a rule can only update the weight `w`, not `x`']));
});

describe('checker: signals, probes, protocol', () => {
  it('schedule segments must fit the period and not overlap', () => {
    expect(check('  signal g = schedule(100 ms) { 0 ms..60 ms: 1, 50 ms..120 ms: -1 }')).toEqual(['4:56 SNN2201 the segment ends at 120 ms, after the schedule period of 100 ms']);
    expect(check('  signal g = schedule(100 ms) { 0 ms..60 ms: 1, 50 ms..90 ms: -1 }')).toEqual(['4:49 SNN2009 schedule segments overlap']);
  });
  it('probes resolve populations and state variables', () => {
    expect(check('  probe b.q')).toEqual(['4:11 SNN2004 `b` (CubaLIF) has no state variable `q`']);
    expect(check('  probe spikes c')).toEqual(['4:16 SNN2002 unknown population `c`']);
  });
  it('train needs an input source and a readout', () =>
    expect(check('  train { input = a; readout = b }')).toEqual(['4:19 SNN2009 `input` must be a `Poisson(n) { rate_max = … }` or `EscapeNoise(n)` source fed by the data set']));
});

describe('checker: several mistakes, one diagnostic each, rendered by the CLI', () => {
  const text = [
    'network broken {',
    '  population h1 = LIF(10) { tau = 20 ms }',
    '  population out = LIF(10) { tau = 5 mV }', // wrong unit
    '  project h1 -> outt : dense { w = 1 }', // unknown population
    '  population bad = LIF(3 {', // syntax error in the middle
    '  rule r { on pre { w += post.v * xx } }', // bad rule variable
    '  project h1 -> out : dense { w = 0.5; learn r }',
    '}',
    '',
  ].join('\n');

  it('reports each mistake with file:line:col, a caret, exit code 1 and no stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-'));
    const file = join(dir, 'broken.snn');
    writeFileSync(file, text);
    const io = captureIo();
    expect(await main(['check', file], io)).toBe(1);
    const errors = io.stderr.split('\n').filter((l) => / error: /.test(l));
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain(`${file}:3:36: error: the membrane time constant must be a time`);
    expect(errors[1]).toContain(`${file}:4:17: error: unknown population \`outt\``);
    expect(errors[2]).toContain(`${file}:5:26: error: expected \`)\` in a population, found \`{\``);
    expect(errors[3]).toContain(`${file}:6:35: error: rule \`r\` cannot read \`xx\``);
    expect(io.stderr).toContain('4 |   project h1 -> outt : dense { w = 1 }\n  |                 ^^^^');
    expect(io.stderr).toContain('hint: did you mean `out`?');
    expect(io.stderr).not.toMatch(/^\s+at /m);
  });

  it('exit code 2 for a missing file', async () => {
    const io = captureIo();
    expect(await main(['check', '/nonexistent/x.snn'], io)).toBe(2);
    expect(io.stderr).toContain('cannot read /nonexistent/x.snn');
  });
});

describe('imports', () => {
  it('resolves declarations from an imported file and reports a missing one', () => {
    const files: Record<string, string> = { [join(process.cwd(), 'lib.snn')]: 'neuron N extends LIF { v_threshold = 2 }\n' };
    const ok = checkSource('import "lib.snn"\nnetwork t { population a = N(2) }', 'main.snn', (p) => files[p]);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.network!.populations[0]!.neuron!.threshold).toBe(2);
    const bad = checkSource('import "nope.snn"\nnetwork t { }', 'main.snn', () => undefined);
    expect(bad.diagnostics[0]).toMatchObject({ code: 'SNN2007', message: 'cannot read imported file `nope.snn`' });
  });
});
