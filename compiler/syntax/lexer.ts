/** The `.snn` lexer: tokens plus comments (kept for the formatter) plus SNN1001 diagnostics. */
import { Lexer, type IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { allTokens } from './tokens.js';
import { SyntaxCodes } from './messages.js';

let lexer: Lexer | undefined;

function snnLexer(): Lexer {
  lexer ??= new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false });
  return lexer;
}

export interface LexResult {
  readonly tokens: IToken[];
  /** Line and block comments in source order. */
  readonly comments: IToken[];
  readonly diagnostics: Diagnostic[];
}

export function lex(text: string, file: string): LexResult {
  const r = snnLexer().tokenize(text);
  const diagnostics: Diagnostic[] = r.errors.map((e) => {
    const ch = text.slice(e.offset, e.offset + Math.max(1, e.length));
    const shown = ch.length > 12 ? ch.slice(0, 12) + '…' : ch;
    return {
      code: SyntaxCodes.UnexpectedCharacter,
      severity: 'error' as const,
      message: `unexpected character${ch.length > 1 ? 's' : ''} \`${shown.replace(/\n/g, '\\n')}\``,
      span: { file, start: e.offset, end: e.offset + Math.max(1, e.length) },
      hint: ch.startsWith('"') ? 'strings end on the same line with `"`' : undefined,
    };
  });
  return { tokens: r.tokens, comments: (r.groups['comments'] as IToken[] | undefined) ?? [], diagnostics };
}
