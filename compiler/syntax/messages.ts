/**
 * Wording of syntax errors (SNN1xxx). Chevrotain's defaults ("Expecting token of type --> Equals <--") are
 * replaced by messages in the user's vocabulary: what was expected, in which construct, and what was found.
 */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';

/** Codes of the syntax phase. */
export const SyntaxCodes = {
  /** A character that starts no token. */
  UnexpectedCharacter: 'SNN1001',
  /** A token where another was required. */
  MismatchedToken: 'SNN1002',
  /** None of the alternatives of a construct starts here. */
  NoViableAlternative: 'SNN1003',
  /** A list that needs at least one element is empty. */
  EarlyExit: 'SNN1004',
  /** Text after the end of the file's grammar. */
  TrailingInput: 'SNN1005',
  /** A construct that parses but is malformed (e.g. `schedule` body on a non-schedule value). */
  Malformed: 'SNN1006',
} as const;

/** What each grammar rule is, in words, for "… in <construct>". */
const ruleWords: Record<string, string> = {
  file: 'the file',
  importDecl: 'an import',
  networkDecl: 'a network',
  member: 'a network member',
  letDecl: 'a `let` constant',
  setting: 'a setting',
  neuronDecl: 'a neuron type',
  neuronBody: 'a parameter block',
  neuronItem: 'a neuron item',
  stateDecl: 'a state declaration',
  inputDecl: 'an input port',
  leakDecl: 'a leak declaration',
  integrateDecl: 'an `integrate` declaration',
  noiseDecl: 'a noise declaration',
  noiseParam: 'a noise parameter',
  populationDecl: 'a population',
  projectionDecl: 'a projection',
  connector: 'a connector',
  projectionItem: 'a projection item',
  projectionRef: 'a projection reference',
  boundsItem: 'bounds',
  ruleDecl: 'a learning rule',
  ruleItem: 'a rule item',
  traceDecl: 'a trace',
  onBlock: 'an `on` block',
  everyBlock: 'an `every` block',
  gate: 'a `when` gate',
  condition: 'a condition',
  compareOp: 'a comparison',
  updateBlock: 'an update block',
  update: 'a weight update',
  interval: 'an interval',
  signalDecl: 'a signal',
  scheduleEntry: 'a schedule segment',
  probeDecl: 'a probe',
  protocolDecl: 'a `train` block',
  expr: 'an expression',
  multiplicative: 'an expression',
  unary: 'an expression',
  primary: 'an expression',
  args: 'an argument list',
};

export function describeRule(ruleName: string): string {
  return ruleWords[ruleName] ?? ruleName;
}

export function describeToken(t: IToken): string {
  if (t.tokenType === EOF) return 'the end of the file';
  const image = t.image.length > 20 ? t.image.slice(0, 20) + '…' : t.image;
  return `\`${image}\``;
}

function label(t: TokenType): string {
  if (t === EOF) return 'the end of the file';
  return t.LABEL ?? t.name;
}

/** "a, b or c", deduplicated, at most `max` entries. */
function oneOf(labels: string[], max = 8): string {
  const uniq = [...new Set(labels)];
  const shown = uniq.slice(0, max);
  const more = uniq.length > max ? ', …' : '';
  if (shown.length === 1) return shown[0]!;
  return shown.slice(0, -1).join(', ') + more + ' or ' + shown[shown.length - 1];
}

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    return `expected ${label(expected)} in ${describeRule(ruleName)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}; expected a declaration`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => (path[0] ? label(path[0]) : '')).filter(Boolean));
    const found = actual[0] ? describeToken(actual[0]) : 'nothing';
    return `expected ${describeRule(ruleName)} (${oneOf(firsts)}), found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const firsts = expectedIterationPaths.map((p) => (p[0] ? label(p[0]) : '')).filter(Boolean);
    const found = actual[0] ? describeToken(actual[0]) : 'nothing';
    return `expected at least one ${oneOf(firsts)} in ${describeRule(ruleName)}, found ${found}`;
  },
};
