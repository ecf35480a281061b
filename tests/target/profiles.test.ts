import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  leafPaths,
  listTargets,
  overridablePaths,
  parseTargetText,
  resolveTarget,
  targetsDir,
  totalCores,
  type TargetProfile,
} from '../../compiler/target/index.js';

function load(name: string): TargetProfile {
  const r = resolveTarget(name);
  if (!r.profile) throw new Error(JSON.stringify(r.diagnostics));
  return r.profile;
}

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

describe('shipped profiles', () => {
  it('ships loihi1, nsat, default, truenorth and odin, and every one loads clean', () => {
    const names = listTargets();
    for (const n of ['loihi1', 'nsat', 'default', 'truenorth', 'odin']) expect(names).toContain(n);
    for (const n of names) {
      const r = resolveTarget(n);
      expect(r.diagnostics, n).toBeUndefined();
      expect(r.profile!.name).toBe(n);
      expect(Object.isFrozen(r.profile!.neuron.states)).toBe(true);
    }
  });

  it('loihi1 carries the nengo-loihi widths (golden README §5, chips.md §1.1, §2.1)', () => {
    const p = load('loihi1');
    expect(p.neuron.accumulator).toEqual({ bits: 22, overflow: 'wrap' }); // Q_BITS = 21 + sign
    expect(p.neuron.states.u).toMatchObject({ bits: 24, overflow: 'wrap' }); // U_BITS = 23 + sign
    expect(p.neuron.decay).toMatchObject({ mode: 'loihi12', bits: 12, current_offset: 1, membrane_offset: 0 });
    expect(p.neuron.threshold).toEqual({ mant_bits: 17, shift: 6, compare: 'gt' });
    expect(p.neuron.refractory).toEqual({ min: 1, max: 63 });
    expect(p.core).toMatchObject({ compartments: 1024, input_axons: 4096, output_axons: 4096 });
    expect(p.core.synapse_memory.bits).toBe(16384 * 64);
    expect(totalCores(p)).toBe(128);
    expect(p.learning.rule_forms).toEqual(['sum_of_products']);
  });

  it('nsat has shift leaks that never vanish, 16-bit states, [-256, 255] weights and 4-bit blank-out', () => {
    const p = load('nsat');
    expect(p.neuron.decay).toMatchObject({ mode: 'shift', never_zero: true });
    expect(p.neuron.states.v!.bits).toBe(16);
    expect(p.neuron.states.u!.role).toBe('dendrite');
    expect(p.synapse.weight.mant_bits).toBe(9); // two's complement 9 bits = [-256, 255]
    expect(p.synapse.blankout_prob_bits).toBe(4);
    expect(p.learning.rule_forms).toContain('gated_state_update');
  });

  it('truenorth has 256x256 cores, 4 axon types and no learning; odin has 3-bit weights and SDSP only', () => {
    const t = load('truenorth');
    expect(t.core).toMatchObject({ compartments: 256, input_axons: 256, axon_types: 4, output_axons_per_neuron: 1 });
    expect(t.learning.enabled).toBe(false);
    const o = load('odin');
    expect(o.synapse.weight.mant_bits).toBe(3);
    expect(o.learning.rule_forms).toEqual(['sdsp']);
  });

  it('resolves a profile by path as well as by name', () => {
    const r = resolveTarget(join(targetsDir(), 'odin.yaml'));
    expect(r.profile?.name).toBe('odin');
  });

  it('an unknown name is a diagnostic with a did-you-mean hint', () => {
    const r = resolveTarget('loihi2');
    expect(r.diagnostics![0]!.message).toMatch(/unknown target `loihi2`/);
    expect(r.diagnostics![0]!.hint).toMatch(/loihi1/);
    const f = resolveTarget('/nonexistent/x.yaml');
    expect(f.diagnostics![0]!.message).toMatch(/no such file/);
  });
});

describe('validation messages', () => {
  const text = readFileSync(join(targetsDir(), 'loihi1.yaml'), 'utf8');

  it('names the field, the value and the allowed range, and points at the line', () => {
    const bad = text.replace('mant_bits: 8 ', 'mant_bits: 30 ');
    const r = parseTargetText(bad, 'x.yaml');
    const d = r.diagnostics!.find((x) => x.path?.field === 'synapse.weight.mant_bits')!;
    expect(d.message).toBe('must be an integer in 1..24, got 30');
    expect(d.path!.file).toBe('x.yaml');
    const span = d.notes![0]!.span!;
    expect(bad.slice(span.start, span.end)).toBe('30');
  });

  it('reports unknown fields with a hint and missing fields by name', () => {
    const r = parseTargetText(text.replace('clock_mhz', 'clok_mhz').replace(/ {2}max_delay: 62.*\n/, ''), 'x.yaml');
    const unknown = r.diagnostics!.find((d) => d.path?.field === 'chip.clok_mhz')!;
    expect(unknown.hint).toBe('did you mean `clock_mhz`?');
    const missing = r.diagnostics!.find((d) => d.path?.field === 'neuron.max_delay')!;
    expect(missing.message).toMatch(/missing required field `neuron.max_delay`/);
    // The misspelt field is not also reported as missing.
    expect(r.diagnostics!.some((d) => d.path?.field === 'chip.clock_mhz')).toBe(false);
  });

  it('checks cross-field rules', () => {
    const r = parseTargetText(text.replace('exp_min: -7', 'exp_min: 8'), 'x.yaml');
    expect(r.diagnostics![0]!.path!.field).toBe('synapse.weight.exp_min');
    const m = parseTargetText(text.replace('cores: 128 ', 'cores: 129 '), 'x.yaml');
    expect(m.diagnostics![0]!.message).toMatch(/do not fit the mesh/);
  });

  it('rejects YAML syntax errors and non-mappings without throwing', () => {
    expect(parseTargetText('a: [1,\nb: {', 'y.yaml').diagnostics![0]!.code).toBe('SNN3005');
    expect(parseTargetText('- 1', 'y.yaml').diagnostics![0]!.message).toMatch(/must be a YAML mapping/);
    expect(parseTargetText('a: &a [*a]', 'y.yaml').diagnostics!.length).toBeGreaterThan(0);
  });
});

describe('--set overrides', () => {
  it('overrides a numeric field and leaves the original untouched', () => {
    const p = load('nsat');
    const r = applyOverrides(p, ['synapse.weight.mant_bits=4', 'neuron.states.v.bits=12', 'neuron.decay.mode=none']);
    expect(r.profile!.synapse.weight.mant_bits).toBe(4);
    expect(r.profile!.neuron.states.v!.bits).toBe(12);
    expect(r.profile!.neuron.decay.mode).toBe('none');
    expect(p.synapse.weight.mant_bits).toBe(9);
    expect(Object.isFrozen(r.profile)).toBe(true);
  });

  it('validates like the file, naming --set', () => {
    const r = resolveTarget('loihi1', ['synapse.weight.mant_bits=7']);
    const d = r.diagnostics![0]!;
    expect(d.path).toEqual({ file: '--set', field: 'synapse.weight.mant_bits' });
    expect(d.message).toMatch(/one of 1, 2, 3, 4, 5, 6, 8 .* got 7/);
    const big = resolveTarget('loihi1', ['core.compartments=abc']);
    expect(big.diagnostics![0]!.message).toBe('must be an integer in 1..1,048,576, got "abc" (a string)');
  });

  it('unknown paths get a hint; groups and malformed settings are errors', () => {
    const r = resolveTarget('loihi1', ['synapse.wieght.mant_bits=4']);
    expect(r.diagnostics![0]!.hint).toBe('did you mean `synapse.weight`?');
    expect(resolveTarget('loihi1', ['neuron.decay=3']).diagnostics![0]!.message).toMatch(/group of fields/);
    expect(resolveTarget('loihi1', ['mant_bits']).diagnostics![0]!.code).toBe('SNN3007');
    expect(resolveTarget('loihi1', ['neuron.states.q.bits=3']).diagnostics![0]!.hint).toMatch(/neuron.states.u/);
  });

  it('every leaf field of every shipped profile can be overridden by its dotted path', () => {
    for (const name of listTargets()) {
      const p = load(name);
      const sets = overridablePaths(p).map((path) => {
        const v = getPath(p, path);
        return `${path}=${Array.isArray(v) ? v.join(',') : String(v)}`;
      });
      const r = applyOverrides(p, sets);
      expect(r.diagnostics, name).toBeUndefined();
      const { source: _a, ...a } = r.profile!;
      const { source: _b, ...b } = p;
      expect(a).toEqual(b);
    }
  });
});

describe('docs', () => {
  it('docs/targets.md documents every field', () => {
    const doc = readFileSync(join(targetsDir(), '..', 'docs', 'targets.md'), 'utf8');
    for (const path of leafPaths()) expect(doc, path).toContain(`\`${path}\``);
  });
});

