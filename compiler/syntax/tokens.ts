/**
 * Token types of the `.snn` language. The order of `allTokens` matters: keywords come before `Identifier`
 * (each keyword has `longer_alt: Identifier`, so `rate_max` is one identifier, not `rate` + `_max`).
 *
 * Every keyword is also in the `Name` category, so a word such as `input`, `rate` or `state` may still be used
 * where the grammar expects a name (e.g. `input = img` inside `train { … }`). Only plain `Identifier`s can be
 * units after a number, which is what keeps `rate 100 Hz amplitude 0.05` unambiguous.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Category: any identifier-like word (plain identifier or keyword). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name],
  label: 'a name',
});

const keywords: TokenType[] = [];
function keyword(word: string): TokenType {
  const t = createToken({
    name: 'Kw_' + word,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name],
    label: `\`${word}\``,
  });
  keywords.push(t);
  return t;
}

export const Network = keyword('network');
export const Import = keyword('import');
export const Let = keyword('let');
export const Neuron = keyword('neuron');
export const Extends = keyword('extends');
export const State = keyword('state');
export const Input = keyword('input');
export const Leak = keyword('leak');
export const Tau = keyword('tau');
export const Noise = keyword('noise');
export const Into = keyword('into');
export const Integrate = keyword('integrate');
export const Population = keyword('population');
export const Like = keyword('like');
export const Project = keyword('project');
export const Feedback = keyword('feedback');
export const Learn = keyword('learn');
export const Frozen = keyword('frozen');
export const Bounds = keyword('bounds');
export const DrivenBy = keyword('driven_by');
export const Rule = keyword('rule');
export const Trace = keyword('trace');
export const Pre = keyword('pre');
export const Post = keyword('post');
export const Impulse = keyword('impulse');
export const On = keyword('on');
export const When = keyword('when');
export const And = keyword('and');
export const Every = keyword('every');
export const Steps = keyword('steps');
export const StochasticRounding = keyword('stochastic_rounding');
export const Signal = keyword('signal');
export const Schedule = keyword('schedule');
export const Otherwise = keyword('otherwise');
export const Probe = keyword('probe');
export const Spikes = keyword('spikes');
export const Weights = keyword('weights');
export const Train = keyword('train');
export const In = keyword('in');
export const Mod = keyword('mod');
export const Rate = keyword('rate');
export const Amplitude = keyword('amplitude');
export const Std = keyword('std');

export const NumberLit = createToken({
  name: 'NumberLit',
  // No leading dot, and a dot must be followed by a digit, so `0..50` lexes as 0 `..` 50.
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
  label: 'a number',
});
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\n\r]|\\.)*"/, label: 'a string' });

export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: '`->`' });
export const PlusEq = createToken({ name: 'PlusEq', pattern: /\+=/, label: '`+=`' });
export const MinusEq = createToken({ name: 'MinusEq', pattern: /-=/, label: '`-=`' });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: '`<=`' });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: '`>=`' });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, label: '`==`' });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, label: '`!=`' });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, label: '`..`' });
export const Less = createToken({ name: 'Less', pattern: /</, label: '`<`' });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: '`>`' });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: '`=`' });
export const Tilde = createToken({ name: 'Tilde', pattern: /~/, label: '`~`' });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: '`+`' });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: '`-`' });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: '`*`' });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: '`/`' });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: '`{`' });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: '`}`' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '`(`' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '`)`' });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: '`[`' });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: '`]`' });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`' });
export const Semi = createToken({ name: 'Semi', pattern: /;/, label: '`;`' });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: '`:`' });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: '`.`' });

/** Comments are kept (not skipped) in their own group so `dendrite fmt` can put them back. */
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });

export const keywordTokens: readonly TokenType[] = keywords;

export const allTokens: TokenType[] = [
  WhiteSpace,
  // Comments before Slash so `//` is not two divisions.
  LineComment,
  BlockComment,
  NumberLit,
  StringLit,
  // Two-character operators before their one-character prefixes.
  Arrow,
  PlusEq,
  MinusEq,
  LessEq,
  GreaterEq,
  EqEq,
  NotEq,
  DotDot,
  Less,
  Greater,
  Equals,
  Tilde,
  Plus,
  Minus,
  Star,
  Slash,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Semi,
  Colon,
  Dot,
  Name,
  // Keywords before Identifier: every keyword is also a valid identifier prefix.
  ...keywords,
  Identifier,
];
