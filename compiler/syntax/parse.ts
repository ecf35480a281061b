/** Text → AST + SNN1xxx diagnostics. Never throws for bad input. */
import type { IRecognitionException, IToken } from 'chevrotain';
import type { Diagnostic, Span } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../ast/ast.js';
import { lex } from './lexer.js';
import { snnParser } from './parser.js';
import { AstBuilder } from './cst-to-ast.js';
import { SyntaxCodes } from './messages.js';

export interface ParseResult {
  readonly ast?: SourceFile;
  readonly diagnostics: Diagnostic[];
  /** Comments, for the formatter. */
  readonly comments: readonly IToken[];
  /** Names declared by constructs dropped because of syntax errors (the checker stays quiet about them). */
  readonly partialNames: ReadonlySet<string>;
}

const codeOf: Record<string, string> = {
  MismatchedTokenException: SyntaxCodes.MismatchedToken,
  NoViableAltException: SyntaxCodes.NoViableAlternative,
  EarlyExitException: SyntaxCodes.EarlyExit,
  NotAllInputParsedException: SyntaxCodes.TrailingInput,
};

function errorSpan(e: IRecognitionException, file: string, text: string): Span {
  const t = e.token;
  if (t && Number.isFinite(t.startOffset) && !t.isInsertedInRecovery) {
    return { file, start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
  }
  // At the end of the file (or on a token invented by recovery): point just after the previous token.
  const prev = (e as unknown as { previousToken?: IToken }).previousToken;
  if (prev && Number.isFinite(prev.endOffset)) {
    const at = (prev.endOffset ?? 0) + 1;
    return { file, start: at, end: at };
  }
  return { file, start: text.length, end: text.length };
}

export function parseText(text: string, file: string): ParseResult {
  const lexed = lex(text, file);
  const parser = snnParser();
  parser.input = lexed.tokens;
  const cst = parser.file();
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const seenStarts = new Set<number>();
  let lastLine = -10;
  const lineOf = (offset: number): number => {
    let n = 0;
    for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
    return n;
  };
  for (const e of parser.errors) {
    const span = errorSpan(e, file, text);
    // Recovery can report several errors at one token; the first says it best. An error on the line right
    // after the previous one is almost always a consequence of it (recovery resumed in the wrong place).
    const line = lineOf(span.start);
    if (seenStarts.has(span.start) || line - lastLine <= 1) continue;
    seenStarts.add(span.start);
    lastLine = line;
    diagnostics.push({ code: codeOf[e.name] ?? SyntaxCodes.MismatchedToken, severity: 'error', message: e.message, span });
  }
  const builder = new AstBuilder(file);
  const ast = cst ? builder.sourceFile(cst, text.length) : undefined;
  for (const m of builder.malformed) diagnostics.push({ code: SyntaxCodes.Malformed, severity: 'error', message: m.message, span: m.span });
  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  return { ast, diagnostics, comments: lexed.comments, partialNames: builder.partialNames };
}
