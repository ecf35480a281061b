/**
 * The `.snn` grammar as a chevrotain CstParser. One instance is built (self-analysis is costly) and reset
 * through `.input` for every file. Error recovery is on: a broken declaration is skipped up to the next point
 * where the grammar can continue, so later declarations are still parsed and checked.
 *
 * Grammar notes:
 * - Statements need no separator; `;` is accepted (and ignored) anywhere a statement may start or end.
 * - A unit is an identifier right after a number *on the same line* (`20 ms`); that gate keeps
 *   `seed = 1⏎dt = 1 ms` from reading `dt` as the unit of `1`.
 * - Keywords are also names (token category `Name`), so `input = img` works inside `train { … }`.
 */
import { CstParser, EOF, type CstNode, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';
import { errorMessageProvider } from './messages.js';

export class SnnParser extends CstParser {
  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  /** True when the next token starts on the line where the previous token ended (units stick to numbers). */
  private sameLine(): boolean {
    const prev = this.LA(0) as IToken | undefined;
    const next = this.LA(1);
    if (!prev || next.tokenType === EOF) return false;
    return prev.endLine === next.startLine;
  }

  public file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.networkDecl) },
        { ALT: () => this.SUBRULE(this.member) },
        { ALT: () => this.CONSUME(T.Semi) },
      ]);
    });
  });

  public importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLit, { LABEL: 'path' });
  });

  public networkDecl = this.RULE('networkDecl', () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.member) }, { ALT: () => this.CONSUME(T.Semi) }]);
    });
    this.CONSUME(T.RBrace);
  });

  public member = this.RULE('member', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.neuronDecl) },
      { ALT: () => this.SUBRULE(this.populationDecl) },
      { ALT: () => this.SUBRULE(this.projectionDecl) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.signalDecl) },
      { ALT: () => this.SUBRULE(this.probeDecl) },
      { ALT: () => this.SUBRULE(this.protocolDecl) },
      { ALT: () => this.SUBRULE(this.setting) },
    ]);
  });

  public letDecl = this.RULE('letDecl', () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  /** `a = expr`, `v.tau = 20 ms`, `w ~ uniform(-1, 1)`. */
  public setting = this.RULE('setting', () => {
    this.CONSUME(T.Name, { LABEL: 'target' });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Name, { LABEL: 'target' });
    });
    this.OR([{ ALT: () => this.CONSUME(T.Equals, { LABEL: 'op' }) }, { ALT: () => this.CONSUME(T.Tilde, { LABEL: 'op' }) }]);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  // ---------------------------------------------------------------------------------------------------------
  // Neuron types and populations

  public neuronDecl = this.RULE('neuronDecl', () => {
    this.CONSUME(T.Neuron);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Extends);
    this.CONSUME2(T.Name, { LABEL: 'base' });
    this.SUBRULE(this.neuronBody);
  });

  public neuronBody = this.RULE('neuronBody', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.neuronItem) }, { ALT: () => this.CONSUME(T.Semi) }]);
    });
    this.CONSUME(T.RBrace);
  });

  public neuronItem = this.RULE('neuronItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.stateDecl) },
      { ALT: () => this.SUBRULE(this.inputDecl) },
      { ALT: () => this.SUBRULE(this.leakDecl) },
      { ALT: () => this.SUBRULE(this.integrateDecl) },
      { ALT: () => this.SUBRULE(this.noiseDecl) },
      { ALT: () => this.SUBRULE(this.setting) },
    ]);
  });

  public stateDecl = this.RULE('stateDecl', () => {
    this.CONSUME(T.State);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Name, { LABEL: 'role' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr, { LABEL: 'init' });
    });
  });

  public inputDecl = this.RULE('inputDecl', () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Arrow);
    this.CONSUME2(T.Name, { LABEL: 'target' });
  });

  public leakDecl = this.RULE('leakDecl', () => {
    this.CONSUME(T.Leak);
    this.CONSUME(T.Name, { LABEL: 'state' });
    this.CONSUME(T.Tau);
    this.SUBRULE(this.expr, { LABEL: 'tau' });
  });

  public integrateDecl = this.RULE('integrateDecl', () => {
    this.CONSUME(T.Integrate);
    this.CONSUME(T.Name, { LABEL: 'source' });
    this.CONSUME(T.Into);
    this.CONSUME2(T.Name, { LABEL: 'target' });
  });

  public noiseDecl = this.RULE('noiseDecl', () => {
    this.CONSUME(T.Noise);
    this.CONSUME(T.Name, { LABEL: 'model' });
    this.CONSUME(T.Into);
    this.CONSUME2(T.Name, { LABEL: 'target' });
    this.MANY(() => this.SUBRULE(this.noiseParam));
  });

  public noiseParam = this.RULE('noiseParam', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Rate, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.Amplitude, { LABEL: 'name' }) },
      { ALT: () => this.CONSUME(T.Std, { LABEL: 'name' }) },
    ]);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  public populationDecl = this.RULE('populationDecl', () => {
    this.CONSUME(T.Population);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.CONSUME2(T.Name, { LABEL: 'type' });
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expr, { LABEL: 'size' });
    this.CONSUME(T.RParen);
    this.OPTION(() => {
      this.CONSUME(T.Like);
      this.CONSUME3(T.Name, { LABEL: 'like' });
    });
    this.OPTION2(() => this.SUBRULE(this.neuronBody));
  });

  // ---------------------------------------------------------------------------------------------------------
  // Projections

  public projectionDecl = this.RULE('projectionDecl', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Project, { LABEL: 'keyword' }) }, { ALT: () => this.CONSUME(T.Feedback, { LABEL: 'keyword' }) }]);
    this.CONSUME(T.Name, { LABEL: 'pre' });
    this.CONSUME(T.Arrow);
    this.CONSUME2(T.Name, { LABEL: 'post' });
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      this.CONSUME3(T.Name, { LABEL: 'port' });
    });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.connector);
    this.OPTION2(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        this.OR2([{ ALT: () => this.SUBRULE(this.projectionItem) }, { ALT: () => this.CONSUME(T.Semi) }]);
      });
      this.CONSUME(T.RBrace);
    });
  });

  public connector = this.RULE('connector', () => {
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(T.RParen);
    });
  });

  public projectionItem = this.RULE('projectionItem', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Learn);
          this.CONSUME(T.Name, { LABEL: 'rule' });
        },
      },
      // Before `frozen`: `frozen` alone is a prefix of the setting `frozen = …`, so the longer form goes first.
      { ALT: () => this.SUBRULE(this.setting) },
      { ALT: () => this.CONSUME(T.Frozen) },
      { ALT: () => this.SUBRULE(this.boundsItem) },
      {
        ALT: () => {
          this.CONSUME(T.DrivenBy);
          this.SUBRULE(this.projectionRef);
        },
      },
    ]);
  });

  public projectionRef = this.RULE('projectionRef', () => {
    this.CONSUME(T.Name, { LABEL: 'pre' });
    this.CONSUME(T.Arrow);
    this.CONSUME2(T.Name, { LABEL: 'post' });
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      this.CONSUME3(T.Name, { LABEL: 'port' });
    });
  });

  public boundsItem = this.RULE('boundsItem', () => {
    this.CONSUME(T.Bounds);
    this.SUBRULE(this.interval);
  });

  // ---------------------------------------------------------------------------------------------------------
  // Learning rules

  public ruleDecl = this.RULE('ruleDecl', () => {
    this.CONSUME(T.Rule);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.ruleItem) }, { ALT: () => this.CONSUME(T.Semi) }]);
    });
    this.CONSUME(T.RBrace);
  });

  public ruleItem = this.RULE('ruleItem', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.traceDecl) },
      { ALT: () => this.SUBRULE(this.onBlock) },
      { ALT: () => this.SUBRULE(this.everyBlock) },
      { ALT: () => this.SUBRULE(this.boundsItem) },
      { ALT: () => this.CONSUME(T.StochasticRounding) },
    ]);
  });

  public traceDecl = this.RULE('traceDecl', () => {
    this.CONSUME(T.Trace);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.OR([{ ALT: () => this.CONSUME(T.Pre, { LABEL: 'side' }) }, { ALT: () => this.CONSUME(T.Post, { LABEL: 'side' }) }]);
    this.CONSUME(T.Tau);
    this.SUBRULE(this.expr, { LABEL: 'tau' });
    this.OPTION(() => {
      this.CONSUME(T.Impulse);
      this.SUBRULE2(this.expr, { LABEL: 'impulse' });
    });
  });

  public onBlock = this.RULE('onBlock', () => {
    this.CONSUME(T.On);
    this.OR([{ ALT: () => this.CONSUME(T.Pre, { LABEL: 'trigger' }) }, { ALT: () => this.CONSUME(T.Post, { LABEL: 'trigger' }) }]);
    this.OPTION(() => this.SUBRULE(this.gate));
    this.SUBRULE(this.updateBlock);
  });

  public everyBlock = this.RULE('everyBlock', () => {
    this.CONSUME(T.Every);
    this.SUBRULE(this.expr, { LABEL: 'steps' });
    this.OPTION(() => this.CONSUME(T.Steps));
    this.OPTION2(() => this.SUBRULE(this.gate));
    this.SUBRULE(this.updateBlock);
  });

  public gate = this.RULE('gate', () => {
    this.CONSUME(T.When);
    this.SUBRULE(this.condition);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.condition);
    });
  });

  public condition = this.RULE('condition', () => {
    this.SUBRULE(this.expr, { LABEL: 'left' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.In);
          this.SUBRULE(this.interval);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.compareOp);
          this.SUBRULE2(this.expr, { LABEL: 'right' });
        },
      },
    ]);
  });

  public compareOp = this.RULE('compareOp', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Less, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.LessEq, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.Greater, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.EqEq, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.NotEq, { LABEL: 'op' }) },
    ]);
  });

  public updateBlock = this.RULE('updateBlock', () => {
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.update) }, { ALT: () => this.CONSUME(T.Semi) }]);
    });
    this.CONSUME(T.RBrace);
  });

  public update = this.RULE('update', () => {
    this.CONSUME(T.Name, { LABEL: 'target' });
    this.OR([
      { ALT: () => this.CONSUME(T.PlusEq, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.MinusEq, { LABEL: 'op' }) },
      { ALT: () => this.CONSUME(T.Equals, { LABEL: 'op' }) },
    ]);
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  public interval = this.RULE('interval', () => {
    this.OR([{ ALT: () => this.CONSUME(T.LBracket, { LABEL: 'open' }) }, { ALT: () => this.CONSUME(T.LParen, { LABEL: 'open' }) }]);
    this.SUBRULE(this.expr, { LABEL: 'lo' });
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.expr, { LABEL: 'hi' });
    this.OR2([{ ALT: () => this.CONSUME(T.RBracket, { LABEL: 'close' }) }, { ALT: () => this.CONSUME(T.RParen, { LABEL: 'close' }) }]);
  });

  // ---------------------------------------------------------------------------------------------------------
  // Signals, probes, protocol

  /** `signal g = 1` or `signal g = schedule(250 ms) { 0 ms..50 ms: 0, … }`. */
  public signalDecl = this.RULE('signalDecl', () => {
    this.CONSUME(T.Signal);
    this.CONSUME(T.Name, { LABEL: 'name' });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
    this.OPTION(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() => {
        this.OR([
          { ALT: () => this.SUBRULE(this.scheduleEntry) },
          { ALT: () => this.CONSUME(T.Comma) },
          { ALT: () => this.CONSUME(T.Semi) },
        ]);
      });
      this.CONSUME(T.RBrace);
    });
  });

  public scheduleEntry = this.RULE('scheduleEntry', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Otherwise);
          this.CONSUME(T.Colon);
          this.SUBRULE(this.expr, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.SUBRULE2(this.expr, { LABEL: 'from' });
          this.CONSUME(T.DotDot);
          this.SUBRULE3(this.expr, { LABEL: 'to' });
          this.CONSUME2(T.Colon);
          this.SUBRULE4(this.expr, { LABEL: 'value' });
        },
      },
    ]);
  });

  public probeDecl = this.RULE('probeDecl', () => {
    this.CONSUME(T.Probe);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Spikes);
          this.CONSUME(T.Name, { LABEL: 'population' });
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.CONSUME2(T.Name, { LABEL: 'population' });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Weights);
          this.SUBRULE(this.projectionRef);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Trace);
          this.CONSUME3(T.Name, { LABEL: 'trace' });
          this.CONSUME(T.On);
          this.SUBRULE2(this.projectionRef);
        },
      },
      {
        ALT: () => {
          this.CONSUME4(T.Name, { LABEL: 'population' });
          this.CONSUME(T.Dot);
          this.CONSUME5(T.Name, { LABEL: 'variable' });
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.Every);
      this.SUBRULE(this.expr, { LABEL: 'every' });
      this.OPTION2(() => this.CONSUME(T.Steps));
    });
  });

  public protocolDecl = this.RULE('protocolDecl', () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.LBrace);
    this.MANY(() => {
      this.OR([{ ALT: () => this.SUBRULE(this.setting) }, { ALT: () => this.CONSUME(T.Semi) }]);
    });
    this.CONSUME(T.RBrace);
  });

  // ---------------------------------------------------------------------------------------------------------
  // Expressions: additive > multiplicative (* / mod) > unary > primary

  public expr = this.RULE('expr', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: 'op' }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) }]);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operand' });
    });
  });

  public multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operand' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Mod, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: 'operand' });
    });
  });

  public unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) }, { ALT: () => this.CONSUME(T.Plus, { LABEL: 'op' }) }]);
          this.SUBRULE(this.unary, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  public primary = this.RULE('primary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.NumberLit);
          this.OPTION({ GATE: () => this.sameLine(), DEF: () => this.CONSUME(T.Identifier, { LABEL: 'unit' }) });
        },
      },
      { ALT: () => this.CONSUME(T.StringLit) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr, { LABEL: 'inner' });
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Name, { LABEL: 'name' });
          this.MANY(() => {
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Name, { LABEL: 'name' });
          });
          this.OPTION2(() => {
            this.CONSUME2(T.LParen, { LABEL: 'call' });
            this.OPTION3(() => this.SUBRULE(this.args));
            this.CONSUME2(T.RParen);
          });
        },
      },
    ]);
  });

  public args = this.RULE('args', () => {
    this.SUBRULE(this.expr, { LABEL: 'arg' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr, { LABEL: 'arg' });
    });
  });
}

let instance: SnnParser | undefined;

/** The shared parser (built on first use). */
export function snnParser(): SnnParser {
  instance ??= new SnnParser();
  return instance;
}

export type { CstNode, IToken, TokenType };
