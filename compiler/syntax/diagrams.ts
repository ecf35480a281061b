/**
 * Writes the grammar's railroad diagrams (docs/grammar.html) from the parser itself, so the docs cannot drift
 * from the grammar. Run after a build:  node dist/compiler/syntax/diagrams.js
 * The page loads chevrotain's diagram scripts from node_modules (relative to docs/), so it works offline in a
 * checkout where `npm install` has run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { snnParser } from './parser.js';
import { packageRoot } from '../paths.js';

export function grammarDiagramsHtml(resourceBase = '../node_modules/chevrotain/diagrams/'): string {
  return createSyntaxDiagramsCode(snnParser().getSerializedGastProductions(), {
    resourceBase,
    css: `${resourceBase}diagrams.css`,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = join(packageRoot(), 'docs', 'grammar.html');
  writeFileSync(out, grammarDiagramsHtml());
  process.stdout.write(`wrote ${out}\n`);
}
