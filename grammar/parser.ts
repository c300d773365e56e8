// The gotrace grammar as a Chevrotain CstParser. It only recognises structure; ast-builder.ts
// turns the CST into ast.ts nodes and does the checks that need a whole construct.
//
// Context stack. Two tokens mean different things depending on where they appear:
//  - `>` inside an angle block `< ... >` may close the block or compare;
//  - `/` inside a predicate `/ ... /` may close the predicate or divide.
// The parser keeps a stack of the delimiters it is inside (`ctx`), pushed and popped with
// try/finally by nested() so that error recovery (which unwinds with exceptions) cannot leave it
// unbalanced. The rule, documented in README.md: at the top of an angle block (not inside `( )`,
// `[ ]` or a nested `{ }`), `>` is a comparison only when the next token can start an operand;
// otherwise it closes the block. The same holds for `/` at the top of a predicate. A valid
// program never has an operand right after a closing `>` (only a new probe or the end), so this
// never misreads a correct script.
import { CstParser, type IOrAlt, type IToken } from 'chevrotain';
import { GotraceMessages, STMT_END } from './messages.js';
import type { SourceFile } from './source.js';
import { PROBE_KINDS } from './probe-kinds.js';
import * as T from './tokens.js';

export type Ctx = 'brace' | 'angle' | 'paren' | 'predicate';

export class GotraceParser extends CstParser {
  /** Innermost last: what the parser is inside right now. */
  ctx: Ctx[] = [];
  /** The last `>` read as a comparison at the top of the current angle block (for a hint). */
  angleComparison?: IToken;
  /** The file being parsed, for line:column in messages (set by index.ts). */
  file?: SourceFile;

  constructor(messages = new GotraceMessages()) {
    super(T.allTokens, { recoveryEnabled: true, nodeLocationTracking: 'full', maxLookahead: 3, errorMessageProvider: messages });
    messages.attach(this);
    this.performSelfAnalysis();
  }

  private nested<R>(kind: Ctx, body: () => R): R {
    this.ctx.push(kind);
    try {
      return body();
    } finally {
      this.ctx.pop();
    }
  }

  private top(): Ctx | undefined {
    return this.ctx[this.ctx.length - 1];
  }

  /** True when the next token is the closing token of the block we are directly inside. */
  atBlockClose(): boolean {
    const top = this.top();
    const next = this.LA(1).tokenType;
    return (top === 'brace' && next === T.RCurly) || (top === 'angle' && next === T.Greater);
  }

  /** The `< >` and predicate rules (see the file comment): false when this operator closes. */
  private operatorContinues(): boolean {
    const next = this.LA(1).tokenType;
    const top = this.top();
    if (next === T.Greater && top === 'angle') {
      if (!T.operandStart.has(this.LA(2).tokenType)) return false;
      this.angleComparison = this.LA(1);
    } else if (next === T.Slash && top === 'predicate') {
      return T.operandStart.has(this.LA(2).tokenType);
    }
    return true;
  }

  // ---- Probes ----

  program = this.RULE('program', () => {
    this.MANY(() =>
      // N.B. `import` and `macro` are keyword tokens, not names with a GATE: a name in this
      // repetition's first set would stop its error recovery from skipping stray words
      // between probes (`} garbage here uprobe:h {`).
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.macroDef) },
        { ALT: () => this.SUBRULE(this.configDecl) },
        { ALT: () => this.SUBRULE(this.probe) },
      ]),
    );
  });

  /** `import "file.gt"`: another script's probes and macros (grammar/imports.ts). */
  importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLit);
    this.OPTION(() => this.CONSUME(T.Semi));
  });

  /** `config = { key = value; ... }`: the script's settings (grammar/config.ts). */
  configDecl = this.RULE('configDecl', () => {
    this.CONSUME(T.Config);
    this.CONSUME(T.Assign);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.CONSUME(T.AnyName, { LABEL: 'key' });
      this.CONSUME2(T.Assign);
      this.OR([
        { ALT: () => this.CONSUME(T.StringLit, { LABEL: 'value' }) },
        { ALT: () => this.CONSUME(T.IntLit, { LABEL: 'value' }) },
        { ALT: () => this.CONSUME2(T.AnyName, { LABEL: 'value' }) },
      ]);
      this.OPTION(() => this.CONSUME(T.Semi));
    });
    this.CONSUME(T.RCurly);
    this.OPTION2(() => this.CONSUME2(T.Semi));
  });

  /** `macro name($var, @map, expr) { ... }`, as bpftrace's (grammar/macros.ts). */
  macroDef = this.RULE('macroDef', () => {
    this.CONSUME(T.Macro);
    this.CONSUME2(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () =>
        this.OR([
          { ALT: () => this.CONSUME(T.VarName, { LABEL: 'param' }) },
          { ALT: () => this.CONSUME(T.MapName, { LABEL: 'param' }) },
          { ALT: () => this.CONSUME3(T.Identifier, { LABEL: 'param' }) },
        ]),
    });
    this.CONSUME(T.RParen);
    this.SUBRULE(this.braceBlock, { LABEL: 'body' });
  });

  probe = this.RULE('probe', () => {
    this.SUBRULE(this.probeSpec, { LABEL: 'specs' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.probeSpec, { LABEL: 'specs' });
    });
    this.OPTION(() => this.SUBRULE(this.predicate));
    this.OR([
      { ALT: () => this.SUBRULE(this.braceBlock, { LABEL: 'block' }) },
      { ALT: () => this.SUBRULE(this.angleBlock, { LABEL: 'block' }) },
    ]);
  });

  private specAlts?: IOrAlt<unknown>[];

  // One alternative per probe kind with a keyword (grammar/probe-kinds.ts): BEGIN alone, or
  // interval:UNIT:N; function kinds are one ProbeTarget token (see tokens.ts).
  probeSpec = this.RULE('probeSpec', () => {
    this.specAlts ??= [
      { ALT: () => this.CONSUME(T.ProbeTarget) },
      ...PROBE_KINDS.filter((r) => r.token !== undefined).map((r, i) => ({
        ALT: () => {
          // N.B. each alternative consumes with its own occurrence index (Chevrotain tells
          // occurrences of one token in a rule apart by it).
          const tok = T.probeKeywords.get(r.kind)!;
          this.consume(i, tok, { LABEL: r.form === 'none' ? 'special' : 'timer' });
          if (r.form === 'none') return;
          this.consume(2 * i + 1, T.Colon);
          this.consume(i, T.AnyName, { LABEL: 'unit' });
          this.consume(2 * i + 2, T.Colon);
          this.consume(i, T.IntLit, { LABEL: 'value' });
        },
      })),
    ];
    this.OR(this.specAlts);
  });

  predicate = this.RULE('predicate', () => {
    this.CONSUME(T.Slash);
    this.nested('predicate', () => this.SUBRULE(this.expr));
    this.CONSUME2(T.Slash);
  });

  braceBlock = this.RULE('braceBlock', () => {
    this.CONSUME(T.LCurly);
    this.nested('brace', () => this.MANY(() => this.SUBRULE(this.statement)));
    this.CONSUME(T.RCurly);
  });

  angleBlock = this.RULE('angleBlock', () => {
    this.CONSUME(T.Less);
    this.ACTION(() => (this.angleComparison = undefined));
    this.nested('angle', () => this.MANY(() => this.SUBRULE(this.statement)));
    this.CONSUME(T.Greater);
  });

  // ---- Statements ----

  private statementAlts?: IOrAlt<unknown>[];

  statement = this.RULE('statement', () => {
    // Cached alternatives: see the N.B. above the expression rules.
    this.OR(
      (this.statementAlts ??= [
        { ALT: () => this.CONSUME(T.Semi) }, // empty statement (also `if () {};`)
        { ALT: () => this.SUBRULE(this.ifStmt) },
        { ALT: () => this.SUBRULE(this.whileStmt) },
        { ALT: () => this.SUBRULE(this.unrollStmt) },
        { ALT: () => this.SUBRULE(this.braceBlock) },
        {
          ALT: () => {
            this.SUBRULE(this.simpleStmt);
            this.SUBRULE(this.stmtEnd);
          },
        },
      ]),
    );
  });

  /** After a simple statement: `;`, or nothing right before the block's closing token. */
  stmtEnd = this.RULE('stmtEnd', () => {
    this.OR({
      ERR_MSG: STMT_END,
      DEF: [
        { ALT: () => this.CONSUME(T.Semi) },
        // GATE: the last statement of a block needs no `;` (bpftrace's rule, and what makes the
        // one-liner `< @lat[goid] = elapsed >` work). Anything else here is a missing `;`.
        { GATE: () => this.atBlockClose(), ALT: () => {} },
      ],
    });
  });

  simpleStmt = this.RULE('simpleStmt', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Return) },
      {
        ALT: () => {
          this.CONSUME(T.IncDec, { LABEL: 'prefix' });
          this.SUBRULE(this.unary, { LABEL: 'target' });
        },
      },
      {
        // An expression, then maybe `= value`, `+= value`, `++`: the builder checks that an
        // assigned expression is a map or a variable (keys make the target unbounded for LL(k)).
        ALT: () => {
          this.SUBRULE(this.expr, { LABEL: 'target' });
          this.OPTION(() =>
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.AssignOp);
                  this.SUBRULE2(this.expr, { LABEL: 'value' });
                },
              },
              { ALT: () => this.CONSUME2(T.IncDec, { LABEL: 'postfix' }) },
            ]),
          );
        },
      },
    ]);
  });

  ifStmt = this.RULE('ifStmt', () => {
    this.CONSUME(T.If);
    this.CONSUME(T.LParen);
    this.nested('paren', () => this.SUBRULE(this.expr, { LABEL: 'cond' }));
    this.CONSUME(T.RParen);
    this.SUBRULE(this.braceBlock, { LABEL: 'then' });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([
        { ALT: () => this.SUBRULE(this.ifStmt, { LABEL: 'elseIf' }) },
        { ALT: () => this.SUBRULE2(this.braceBlock, { LABEL: 'else' }) },
      ]);
    });
  });

  whileStmt = this.RULE('whileStmt', () => {
    this.CONSUME(T.While);
    this.CONSUME(T.LParen);
    this.nested('paren', () => this.SUBRULE(this.expr, { LABEL: 'cond' }));
    this.CONSUME(T.RParen);
    this.SUBRULE(this.braceBlock, { LABEL: 'body' });
  });

  unrollStmt = this.RULE('unrollStmt', () => {
    this.CONSUME(T.Unroll);
    this.CONSUME(T.LParen);
    // Any expression, so that `unroll(n)` gets a precise "must be an integer" from the builder.
    this.nested('paren', () => this.SUBRULE(this.expr, { LABEL: 'count' }));
    this.CONSUME(T.RParen);
    this.SUBRULE(this.braceBlock, { LABEL: 'body' });
  });

  // ---- Expressions ----
  //
  // N.B. Two rules only, for speed: the CST has one node per expression and one per operand,
  // instead of one per precedence level (a 1,000-line script went from ~100 ms to a third).
  //   expr  = unary (binop unary)* [? expr : expr]     precedence applied by the AST builder
  //   unary = prefix* primary postfix*                  re-nested by the builder, as in C
  // The hot OR alternatives live in fields (`??=`): Chevrotain's DSL would otherwise allocate the
  // alternative objects and closures on every call (its performance guide recommends this).

  private prefixAlts?: IOrAlt<unknown>[];
  private primaryAlts?: IOrAlt<unknown>[];
  private postfixAlts?: IOrAlt<unknown>[];
  private fieldAlts?: IOrAlt<unknown>[];
  private goTypeSepAlts?: IOrAlt<unknown>[];

  expr = this.RULE('expr', () => {
    this.SUBRULE(this.unary, { LABEL: 'operand' });
    this.MANY({
      // GATE: inside `< >` a `>`, and inside `/pred/` a `/`, followed by something that cannot
      // start an operand ends the block / the predicate instead (see the file comment).
      GATE: () => this.operatorContinues(),
      DEF: () => {
        this.CONSUME(T.BinaryOp, { LABEL: 'op' });
        this.SUBRULE2(this.unary, { LABEL: 'operand' });
      },
    });
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.expr, { LABEL: 'then' });
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.expr, { LABEL: 'else' });
    });
  });

  unary = this.RULE('unary', () => {
    this.MANY(() =>
      this.OR(
        (this.prefixAlts ??= [
          { ALT: () => this.CONSUME(T.UnaryOp, { LABEL: 'prefix' }) },
          {
            // A cast: `(` then an integer type name (LL(2) tells it from a parenthesis).
            ALT: () => {
              this.CONSUME(T.LParen, { LABEL: 'cast' });
              this.CONSUME(T.IntType);
              this.CONSUME(T.RParen, { LABEL: 'castClose' });
            },
          },
        ]),
      ),
    );
    this.OR2(
      (this.primaryAlts ??= [
        { ALT: () => this.CONSUME(T.Atom, { LABEL: 'atom' }) }, // literals, $x, $1, $#
        {
          ALT: () => {
            this.CONSUME(T.MapName);
            this.OPTION(() => {
              this.CONSUME(T.LBracket, { LABEL: 'keysOpen' });
              this.nested('paren', () => this.SUBRULE(this.exprList, { LABEL: 'keys' }));
              this.CONSUME(T.RBracket, { LABEL: 'keysClose' });
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Identifier);
            this.OPTION2(() => {
              this.CONSUME2(T.LParen, { LABEL: 'callOpen' });
              this.nested('paren', () => this.OPTION3(() => this.SUBRULE2(this.exprList, { LABEL: 'args' })));
              this.CONSUME2(T.RParen, { LABEL: 'callClose' });
            });
          },
        },
        {
          // A Go cast, `(*net/http.Request)(expr)`: a parenthesis then `*` (LL(2)), since no
          // expression starts with `*`. The type's path and name are Identifier tokens joined
          // by `/` and `.`.
          ALT: () => {
            this.CONSUME4(T.LParen, { LABEL: 'goCastOpen' });
            this.CONSUME(T.Star, { LABEL: 'goCastStar' });
            this.CONSUME2(T.Identifier, { LABEL: 'goType' });
            this.MANY3(() => {
              this.OR5(
                (this.goTypeSepAlts ??= [
                  { ALT: () => this.CONSUME(T.Slash, { LABEL: 'goTypeSep' }) },
                  { ALT: () => this.CONSUME2(T.Dot, { LABEL: 'goTypeSep' }) },
                ]),
              );
              this.CONSUME3(T.Identifier, { LABEL: 'goType' });
            });
            this.CONSUME4(T.RParen, { LABEL: 'goCastClose' });
            this.CONSUME5(T.LParen, { LABEL: 'goOperandOpen' });
            this.nested('paren', () => this.SUBRULE4(this.expr, { LABEL: 'goOperand' }));
            this.CONSUME5(T.RParen, { LABEL: 'goOperandClose' });
          },
        },
        {
          ALT: () => {
            this.CONSUME3(T.LParen, { LABEL: 'parenOpen' });
            this.nested('paren', () => this.SUBRULE3(this.exprList, { LABEL: 'elements' }));
            this.CONSUME3(T.RParen, { LABEL: 'parenClose' });
          },
        },
      ]),
    );
    this.MANY2(() =>
      this.OR3(
        (this.postfixAlts ??= [
          {
            ALT: () => {
              this.CONSUME(T.Dot);
              this.OR4(
                (this.fieldAlts ??= [
                  { ALT: () => this.CONSUME(T.AnyName, { LABEL: 'field' }) },
                  { ALT: () => this.CONSUME(T.IntLit, { LABEL: 'field' }) }, // tuple element: $t.0
                ]),
              );
            },
          },
          {
            ALT: () => {
              this.CONSUME2(T.LBracket, { LABEL: 'indexOpen' });
              this.nested('paren', () => this.SUBRULE(this.expr, { LABEL: 'index' }));
              this.CONSUME2(T.RBracket, { LABEL: 'indexClose' });
            },
          },
        ]),
      ),
    );
  });

  exprList = this.RULE('exprList', () => {
    this.SUBRULE(this.expr, { LABEL: 'items' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr, { LABEL: 'items' });
    });
  });
}

/** The one parser instance (building one runs Chevrotain's grammar analysis; reuse it). */
export const parser = new GotraceParser();
