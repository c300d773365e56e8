// Size and depth limits on scripts, checked once, early, with a located error.
//
// N.B. Every pass after the lexer (Chevrotain's recursive-descent parser, the AST builder, the
// checker, code generation, the printers) recurses on nested input, and JavaScript's stack is
// small (~1 MB): 500 nested parentheses or 10,000 `!` used to end in "Maximum call stack size
// exceeded". Rather than make each pass iterative, the input is bounded here, before any of
// them runs, by limits far above what a tracing script needs and far below what the stack takes:
//   - MAX_NESTING: open ( [ {, runs of prefix operators and casts, `?:` chains and `else if`
//     chains, counted on the tokens before parsing (the parser spends ~60 frames a level);
//   - MAX_EXPR_DEPTH: the depth of an expression tree after parsing: a flat `a + b + c ...` is
//     parsed by a loop but builds a left-leaning tree that every later pass walks recursively;
//   - MAX_STATEMENTS: clang's "merge disjoint stack slots" pass is quadratic in the number of
//     locals of one BPF function (2,000 statements take ~5 s, 4,000 take ~17 s);
//   - MAX_SOURCE_BYTES: the text itself, so a huge file is refused before it is lexed.
import type { IToken } from 'chevrotain';
import type * as ast from './ast.js';
import { diag } from './catalog/index.js';
import type { Diagnostic } from './diagnostics.js';
import { span, type SourceFile } from './source.js';
import * as T from './tokens.js';
import { children, walk } from './walk.js';

export const MAX_NESTING = 128;
export const MAX_EXPR_DEPTH = 5000;
export const MAX_STATEMENTS = 2000;
export const MAX_SOURCE_BYTES = 1 << 20;

/** GT1108 when the text is longer than MAX_SOURCE_BYTES, located at the first byte too many. */
export function checkSourceSize(file: SourceFile): Diagnostic | undefined {
  const bytes = Buffer.byteLength(file.text, 'utf8');
  if (bytes <= MAX_SOURCE_BYTES) return undefined;
  // Characters, not bytes, locate the span; the first character past the limit is close enough.
  const at = Math.min(MAX_SOURCE_BYTES, file.text.length - 1);
  return diag('GT1108', span(file, at, at + 1), { bytes, limit: MAX_SOURCE_BYTES });
}

const OPEN = new Set([T.LParen, T.LBracket, T.LCurly]);
const CLOSE = new Set([T.RParen, T.RBracket, T.RCurly]);
const PREFIX = new Set([T.Bang, T.Tilde, T.Minus]);

/** Tokens after which a `-` is binary (the previous token ends an operand). */
function endsOperand(t: IToken | undefined): boolean {
  if (!t) return false;
  const ty = t.tokenType;
  return (
    ty === T.RParen ||
    ty === T.RBracket ||
    ty === T.IntLit ||
    ty === T.StringLit ||
    ty === T.Identifier ||
    ty === T.MapName ||
    ty === T.VarName ||
    ty === T.Positional ||
    ty === T.True ||
    ty === T.False ||
    ty === T.Nil ||
    ty === T.IntType
  );
}

interface Level {
  /** Prefix operators and casts waiting for their operand. */
  prefix: number;
  /** `?` since the last `;` or `,`: `a ? b : c ? d : e` nests to the right. */
  ternary: number;
  /** `else if` in a row: each is an if statement inside the previous one's else. */
  elseIf: number;
  /** The `(` of this level holds just a type name: a cast, itself a prefix operator. */
  cast: boolean;
  /** The previous token at this level closed a `{ }` (an `else` may continue the chain). */
  afterBlock: boolean;
}

const weight = (l: Level) => 1 + l.prefix + l.ternary + l.elseIf;

/**
 * GT1013 at the first token that opens more than MAX_NESTING levels. The count is generous (a
 * cast or a `?` inside parentheses counts twice): the limit is about recursion, not precision.
 */
export function checkNesting(tokens: IToken[], file: SourceFile): Diagnostic | undefined {
  const stack: Level[] = [newLevel(false)];
  let depth = 0; // the weights of the levels on the stack, minus the outermost's 1
  const set = (l: Level, k: 'prefix' | 'ternary' | 'elseIf', v: number) => ((depth += v - l[k]), (l[k] = v));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const ty = t.tokenType;
    const top = stack[stack.length - 1]!;
    const afterBlock = top.afterBlock;
    top.afterBlock = false;
    if (afterBlock && ty !== T.Else) set(top, 'elseIf', 0);
    if (OPEN.has(ty)) {
      const cast = ty === T.LParen && tokens[i + 1]?.tokenType === T.IntType && tokens[i + 2]?.tokenType === T.RParen;
      stack.push(newLevel(cast));
      depth++;
    } else if (CLOSE.has(ty)) {
      if (stack.length === 1) continue;
      const closed = stack.pop()!;
      depth -= weight(closed);
      const under = stack[stack.length - 1]!;
      if (ty === T.RCurly) under.afterBlock = true;
      // A cast waits for its operand like a prefix operator; anything else completes one.
      else set(under, 'prefix', closed.cast ? under.prefix + 1 : 0);
    } else if (PREFIX.has(ty) && !endsOperand(tokens[i - 1])) set(top, 'prefix', top.prefix + 1);
    else if (ty === T.Question) set(top, 'ternary', top.ternary + 1);
    else if (ty === T.Else && tokens[i + 1]?.tokenType === T.If) set(top, 'elseIf', top.elseIf + 1);
    else if (ty === T.Semi || ty === T.Comma) {
      set(top, 'prefix', 0);
      set(top, 'ternary', 0);
      set(top, 'elseIf', 0);
    } else if (endsOperand(t)) set(top, 'prefix', 0);
    if (depth > MAX_NESTING) return diag('GT1013', span(file, t.startOffset, t.startOffset + t.image.length), { limit: MAX_NESTING });
  }
  return undefined;
}

function newLevel(cast: boolean): Level {
  return { prefix: 0, ternary: 0, elseIf: 0, cast, afterBlock: false };
}

/** GT1014 past MAX_STATEMENTS statements, GT1015 for an expression deeper than MAX_EXPR_DEPTH. */
export function checkProgramSize(program: ast.Program): Diagnostic[] {
  const out: Diagnostic[] = [];
  let statements = 0;
  const STMT = new Set(['ExprStmt', 'AssignStmt', 'IncDecStmt', 'IfStmt', 'UnrollStmt', 'WhileStmt', 'ReturnStmt', 'BlockStmt']);
  walk(program.probes, (n) => {
    if (!STMT.has(n.kind) || ++statements !== MAX_STATEMENTS + 1) return;
    out.push(diag('GT1014', n.span, { limit: MAX_STATEMENTS }));
  });
  const deep = deepestExpr(program);
  if (deep) out.push(diag('GT1015', deep.span, { limit: MAX_EXPR_DEPTH }));
  return out;
}

const EXPR_KINDS = new Set<ast.Node['kind']>(['Call', 'Unary', 'Binary', 'Ternary', 'Field', 'Index', 'Tuple', 'Cast', 'MapRef']);

/** The outermost expression holding a path longer than MAX_EXPR_DEPTH (explicit stack, no recursion). */
function deepestExpr(program: ast.Program): ast.Node | undefined {
  const todo: Array<[ast.Node, number, ast.Node | undefined]> = program.probes.map((p) => [p, 0, undefined]);
  while (todo.length) {
    const [n, d, root] = todo.pop()!;
    const isExpr = EXPR_KINDS.has(n.kind);
    if (isExpr && d + 1 > MAX_EXPR_DEPTH) return root;
    const under = isExpr ? (root ?? n) : undefined;
    for (const c of children(n)) todo.push([c, isExpr ? d + 1 : 0, under]);
  }
  return undefined;
}
