import { describe, expect, it } from 'vitest';
import { readdirSync, mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { compileFile } from '../../compiler/compile.js';
import { checkFile } from '../../compiler/frontend.js';
import { main } from '../../cli/main.js';
import { loadIr } from '../../ir/load.js';
import { writeIr } from '../../ir/write.js';

const examples = readdirSync('dsl-examples').filter((f) => f.endsWith('.snn')).map((f) => join('dsl-examples', f));
const errors = (ds: readonly { severity: string; message: string }[]) => ds.filter((d) => d.severity === 'error').map((d) => d.message);

function capture() {
  let out = '';
  let err = '';
  return { io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t), isTTY: false }, get out() { return out; }, get err() { return err; } };
}

describe('compile dsl-examples for the default target', () => {
  it('finds the examples', () => expect(examples.length).toBeGreaterThanOrEqual(10));

  for (const f of examples) {
    it(`${f} checks clean, compiles, loads and round-trips`, () => {
      const checked = checkFile(f);
      expect(checked.diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([]);
      const r = compileFile(f, { target: 'default' });
      expect(errors(r.diagnostics)).toEqual([]);
      const text = writeIr(r.ir!);
      const back = loadIr(text, f);
      expect(back.diagnostics).toEqual([]);
      expect(writeIr(back.ir!)).toBe(text);
    });
  }

  it('cuba.snn keeps its second current (gi) as an extra current fed by its own port', () => {
    const r = compileFile('dsl-examples/cuba.snn', { target: 'default' });
    const g = r.ir!.cores[0]!.groups[0]!;
    expect(g.model).toBe('cuba');
    if (g.model !== 'cuba') return;
    expect(g.extraCurrents?.map((x) => x.name)).toEqual(['gi']);
    // inh -> exc.inh synapses target port 2 (the extra current), exc -> exc synapses port 0.
    const sgOf = (name: string) => r.ir!.cores[0]!.synapseGroups.findIndex((x) => x.name === name);
    const s = r.ir!.cores[0]!.synapses;
    const portsOf = (sg: number) => {
      const out = new Set<number>();
      for (let a = 0; a < s.axonGroup.length; a++) if (s.axonGroup[a] === sg) for (let k = s.axonOffsets[a]!; k < s.axonOffsets[a + 1]!; k++) out.add(s.ports[k]!);
      return [...out];
    };
    expect(portsOf(sgOf('inh->exc.inh'))).toEqual([2]);
    expect(portsOf(sgOf('exc->exc'))).toEqual([0]);
  });

  it('a second current on loihi1 (one current per compartment) is reported at its declaration', () => {
    const r = compileFile('dsl-examples/cuba.snn', { target: 'loihi1' });
    expect(r.ir).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === 'SNN3401' && /current states/.test(x.message));
    expect(d?.span?.file).toMatch(/cuba\.snn$/);
    const text = readFileSync('dsl-examples/cuba.snn', 'utf8');
    expect(text.slice(d!.span!.start, d!.span!.end)).toBe('gi');
  });

  it('an unknown target is a diagnostic, not a crash', () => {
    const r = compileFile(examples[0]!, { target: 'loihi9' });
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics.some((d) => /unknown target/.test(d.message))).toBe(true);
  });
});

describe('dendrite compile (CLI)', () => {
  const erbp = 'dsl-examples/erbp-mnist.snn';
  it('prints the utilisation table and the quantization summary and writes the IR with -o', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-compile-'));
    const out = join(dir, 'n.ir.json');
    const c = capture();
    const code = await main(['compile', erbp, '-o', out], c.io);
    expect(code).toBe(0);
    expect(c.out).toMatch(/compartments\s+in-axons\s+out-axons\s+synapse mem/);
    expect(c.out).toMatch(/^total/m);
    expect(c.out).toMatch(/img->h1 weights/);
    expect(existsSync(out)).toBe(true);
    expect(loadIr(readFileSync(out, 'utf8'), out).diagnostics).toEqual([]);
  });

  it('renders errors with the source line and a caret, exit 1 (plastic example on truenorth)', async () => {
    const c = capture();
    const code = await main(['compile', erbp, '--target', 'truenorth'], c.io);
    expect(code).toBe(1);
    expect(c.err).toMatch(/erbp-mnist\.snn:\d+:\d+: error: .*no on-chip learning/);
    expect(c.err).toMatch(/\^/);
  });

  it('--set overrides the profile and --json prints one object', async () => {
    const c = capture();
    const code = await main(['compile', erbp, '--set', 'synapse.weight.mant_bits=4', '--json'], c.io);
    expect(code).toBe(0);
    const j = JSON.parse(c.out);
    expect(j.ok).toBe(true);
    const q = j.quantization.find((x: { group: string }) => x.group === 'img->h1 weights');
    // 4-bit two's complement mantissas: the step is 16× coarser relative to the largest weight than with 8 bits
    expect(q.maxRelError).toBeGreaterThan(1 / 16 - 1e-9);
    expect(j.cores.length).toBeGreaterThan(0);
  });

  it('a bad --set is a diagnostic (exit 1) and a non-.snn file a usage error (exit 2)', async () => {
    const c = capture();
    expect(await main(['compile', erbp, '--set', 'synapse.weight.mant_bits=banana'], c.io)).toBe(1);
    expect(await main(['compile', 'x.txt'], capture().io)).toBe(2);
  });
});
