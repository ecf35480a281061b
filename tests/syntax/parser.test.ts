import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lex } from '../../compiler/syntax/lexer.js';
import { parseSource, formatSource } from '../../compiler/frontend.js';
import { exampleFiles, readExample, stripSpans } from './helpers.js';

/** "line:col code message" for each diagnostic, to assert in one line. */
function diag(text: string): string[] {
  const r = parseSource(text, 't.snn');
  return r.diagnostics.map((d) => {
    const before = text.slice(0, d.span!.start);
    const line = before.split('\n').length;
    const col = d.span!.start - before.lastIndexOf('\n');
    return `${line}:${col} ${d.code} ${d.message}`;
  });
}

describe('lexer', () => {
  it('keeps units, keywords and identifiers apart', () => {
    const toks = lex('rate_max = 100 Hz; rate 1.5e-3 ms', 'x').tokens.map((t) => t.tokenType.name);
    expect(toks).toEqual(['Identifier', 'Equals', 'NumberLit', 'Identifier', 'Semi', 'Kw_rate', 'NumberLit', 'Identifier']);
  });
  it('lexes 0..50 as number, range, number', () => {
    expect(lex('0..50', 'x').tokens.map((t) => t.image)).toEqual(['0', '..', '50']);
  });
  it('reports a stray character with its position', () => {
    expect(diag('network n { dt = 1 ms @ }')[0]).toBe('1:23 SNN1001 unexpected character `@`');
  });
  it('collects comments for the formatter', () => {
    expect(lex('// a\nnetwork n { /* b */ }', 'x').comments.map((c) => c.image)).toEqual(['// a', '/* b */']);
  });
});

describe('parser', () => {
  it('reads a unit only on the same line as its number', () => {
    const ast = parseSource('network n {\n  seed = 1\n  dt = 1 ms\n}', 't').ast!;
    const net = ast.items[0]!;
    expect(net.kind === 'network' && net.members.map((m) => m.kind)).toEqual(['setting', 'setting']);
  });
  it('names the expected token and the construct', () => {
    expect(diag('network n {\n  population h1 = LIF 200)\n}')).toEqual(['2:23 SNN1002 expected `(` in a population, found `200`']);
  });
  it('reports a token that starts no member where the block could end', () => {
    expect(diag('network n { 42 }')).toEqual(['1:13 SNN1002 expected `}` in a network, found `42`']);
  });
  it('lists the alternatives when no construct starts here', () => {
    const [d] = diag('network n { probe 42 }');
    expect(d).toMatch(/^1:13 SNN1003 expected a network member \(`let`, `neuron`, `population`.*\), found `probe`$/);
  });
  it('recovers: a broken declaration does not hide later ones', () => {
    const r = parseSource('network n {\n  population a = LIF(3) { tau = }\n  population b = LIF(4)\n}', 't');
    expect(r.diagnostics).toHaveLength(1);
    const net = r.ast!.items[0]!;
    expect(net.kind === 'network' && net.members.filter((m) => m.kind === 'population').map((m) => m.kind === 'population' && m.name.name)).toContain('b');
  });
  it('points at the end of the file when a brace is missing', () => {
    const text = 'network n {\n  dt = 1 ms\n';
    const [d] = parseSource(text, 't').diagnostics;
    expect(d!.code).toBe('SNN1002');
    expect(d!.span!.start).toBe(text.trimEnd().length);
  });
  it('parses every example without syntax errors', () => {
    for (const f of exampleFiles()) expect(parseSource(readExample(f), f).diagnostics, f).toEqual([]);
  });
});

describe('formatter', () => {
  it('round-trips every example: parse(format(x)) has the same AST, and format is idempotent', () => {
    for (const f of exampleFiles()) {
      const text = readExample(f);
      const once = formatSource(text, f).text!;
      expect(once, f).toBeDefined();
      expect(stripSpans(parseSource(once, f).ast)).toEqual(stripSpans(parseSource(text, f).ast));
      expect(formatSource(once, f).text).toBe(once);
    }
  });
  it('keeps every comment of every example', () => {
    for (const f of exampleFiles()) {
      const text = readExample(f);
      const before = lex(text, f).comments.map((c) => c.image.trim());
      const after = lex(formatSource(text, f).text!, f).comments.map((c) => c.image.trim());
      expect(after, f).toEqual(before);
    }
  });
  it('lays out blocks canonically', () => {
    const out = formatSource('network  n{dt=1   ms;population a=LIF( 2 ){tau=20 ms} }', 't').text;
    expect(out).toBe('network n {\n  dt = 1 ms\n  population a = LIF(2) { tau = 20 ms }\n}\n');
  });
  it('refuses to format a file with syntax errors', () => {
    const r = formatSource('network n { population }', 't');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Robustness: nothing the user types can crash the front end.

function tokensOf(text: string): string[] {
  const r = lex(text, 'x');
  const all = [...r.tokens, ...r.comments].sort((a, b) => a.startOffset - b.startOffset);
  return all.map((t) => t.image);
}

describe('fuzzing', () => {
  it('any string gives diagnostics or a result, never an exception', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseSource(s, 'fuzz.snn');
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const mutation = fc.record({
    op: fc.constantFrom('delete', 'duplicate', 'swap'),
    i: fc.nat(),
    j: fc.nat(),
  });

  for (const f of exampleFiles()) {
    it(`random token mutations of ${f} never throw, and mutants that parse round-trip through fmt`, async () => {
      const { checkSource } = await import('../../compiler/frontend.js');
      const toks = tokensOf(readExample(f));
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (muts) => {
          const t = [...toks];
          for (const m of muts) {
            const i = m.i % t.length;
            const j = m.j % t.length;
            if (m.op === 'delete') t.splice(i, 1);
            else if (m.op === 'duplicate') t.splice(i, 0, t[i]!);
            else [t[i], t[j]] = [t[j]!, t[i]!];
          }
          // Tokens joined by newlines after comments, spaces otherwise, so a `//` comment cannot swallow code.
          const text = t.map((x) => (x.startsWith('//') ? x + '\n' : x + ' ')).join('');
          const r = checkSource(text, 'mutant.snn', () => undefined);
          expect(Array.isArray(r.diagnostics)).toBe(true);
          const p = parseSource(text, 'mutant.snn');
          if (p.diagnostics.length === 0) {
            const out = formatSource(text, 'mutant.snn').text!;
            expect(stripSpans(parseSource(out, 'mutant.snn').ast)).toEqual(stripSpans(p.ast));
            expect(formatSource(out, 'mutant.snn').text).toBe(out);
          }
        }),
        { numRuns: 40 },
      );
    });
  }
});
