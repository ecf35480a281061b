import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyOverrides, leafPaths, listTargets, parseTargetText, resolveTarget, targetsDir } from '../../compiler/target/index.js';

const texts = listTargets().map((n) => readFileSync(join(targetsDir(), `${n}.yaml`), 'utf8'));

function mutate(obj: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const o = typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? { ...(obj as Record<string, unknown>) } : {};
  o[path[0]!] = mutate(o[path[0]!], path.slice(1), value);
  return o;
}

function wellFormed(r: ReturnType<typeof parseTargetText>): boolean {
  if (r.profile) return r.diagnostics === undefined;
  return r.diagnostics.length > 0 && r.diagnostics.every((d) => d.severity === 'error' && d.code.startsWith('SNN30') && typeof d.message === 'string');
}

describe('target loader fuzzing', () => {
  it('random text never crashes the loader', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(wellFormed(parseTargetText(s, 'fuzz.yaml'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('random byte edits of real profiles never crash the loader', () => {
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.nat(), fc.nat(20), fc.string({ maxLength: 8 }), (t, pos, del, ins) => {
        const src = texts[t]!;
        const at = pos % src.length;
        const edited = src.slice(0, at) + ins + src.slice(at + del);
        expect(wellFormed(parseTargetText(edited, 'fuzz.yaml'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('replacing any field of a real profile with any value gives a profile or diagnostics', () => {
    const paths = leafPaths().map((p) => p.replace('<name>', 'v').split('.'));
    // Include container paths too, so whole sections get replaced.
    const sections = [['chip'], ['core', 'synapse_memory'], ['neuron', 'states'], ['learning'], ['cost', 'hop']];
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.constantFrom(...paths, ...sections),
        fc.oneof(fc.jsonValue(), fc.integer(), fc.double(), fc.constant(null)),
        (t, path, value) => {
          const doc = mutate(parse(texts[t]!), path, value);
          const r = parseTargetText(stringify(doc), 'fuzz.yaml');
          expect(wellFormed(r)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random --set strings never crash and a valid profile stays valid or gets diagnostics', () => {
    const base = resolveTarget('default').profile!;
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }), (sets) => {
        const r = applyOverrides(base, sets);
        expect(r.profile !== undefined || r.diagnostics!.length > 0).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
