// Token types and the Chevrotain lexer for gotrace.
//
// Most tokens are ordinary C-like ones. Two need care:
//  - Probe targets. Go symbols contain `(`, `*`, `/`, `.`, `[`, `]` (`net/http.(*conn).serve`,
//    `main.Map[go.shape.int,go.shape.string]`), so `uprobe:...` is lexed as ONE token by a custom
//    matcher (see matchProbeTarget); the AST builder splits it into path and function.
//  - Keywords that are also valid field names (`args.interval`, `args.END`): every keyword is in
//    the AnyName category, which the parser accepts after `.`.
import { createToken, Lexer, type CustomPatternMatcherReturn, type IToken, type TokenType } from 'chevrotain';
import { PROBE_KINDS, type ProbeKind } from './probe-kinds.js';

// ---- Categories (abstract: they match nothing by themselves) ----

/** Anything usable as a field name after `.`: identifiers and every keyword. */
export const AnyName = createToken({ name: 'AnyName', pattern: Lexer.NA });
/** One-token operands (literals, `$x`, `$1`): one parser alternative instead of seven. */
export const Atom = createToken({ name: 'Atom', label: 'a value', pattern: Lexer.NA });

// ---- Trivia and error tokens ----

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[^]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });
/** A `/*` never closed: reported by lexer.ts (and counts as "incomplete" for the REPL). */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[^]*/, group: 'errors', line_breaks: true });

/** `#!...` on the very first line only; anywhere else `#` is an unexpected character. */
export const Shebang = createToken({
  name: 'Shebang',
  pattern: {
    exec: (text: string, offset: number): CustomPatternMatcherReturn | null => {
      if (offset !== 0 || !text.startsWith('#!')) return null;
      const nl = text.indexOf('\n');
      return [nl < 0 ? text : text.slice(0, nl)];
    },
  },
  start_chars_hint: ['#'],
  line_breaks: false,
  group: 'meta',
});

// ---- Probe targets ----

/** `uprobe:`, `u:`, ... from grammar/probe-kinds.ts, longest first; aliases are the short forms. */
// N.B. tracepoint targets (`tracepoint:CAT:NAME`) are lexed the same way: one token.
const PROBE_PREFIXES = PROBE_KINDS.filter((r) => r.form === 'function' || r.form === 'tracepoint')
  .flatMap((r) => [{ text: r.kind + ':', alias: false }, ...r.aliases.map((a) => ({ text: a + ':', alias: true }))])
  .sort((a, b) => b.text.length - a.text.length);
const PREFIX_STARTS = [...new Set(PROBE_PREFIXES.map((p) => p.text[0]))];

/**
 * Where a probe target's text stops. Inside `[...]` (generic instantiations) everything but a
 * newline belongs to the name, so `main.Map[go.shape.int,go.shape.string]` is one target; outside
 * brackets the target stops at whitespace, `,`, a block opener/closer, `;`, quotes, or a comment.
 */
function scanTarget(text: string, start: number, bracketsNest: boolean): number {
  let depth = 0;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') break;
    if (bracketsNest && c === '[') depth++;
    else if (bracketsNest && c === ']' && depth > 0) depth--;
    else if (depth === 0) {
      if (' \t,{}<>;"\''.includes(c)) break;
      if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) break;
    }
  }
  if (depth > 0) return scanTarget(text, start, false); // unbalanced `[`: brackets are plain characters
  return i;
}

/** Token types after which a short alias (`u:`/`ur:`) may start a probe; see matchProbeTarget. */
const probeStartAfter = new Set<string>(['RCurly', 'Greater', 'Comma', 'ProbeTarget']);

/**
 * Custom matcher for `uprobe:TARGET`, `uretprobe:TARGET`, `u:TARGET`, `ur:TARGET` (TARGET may be
 * empty: lexer.ts reports that with a hint). The long forms are always probe targets (they cannot
 * mean anything else); the one/two-letter aliases only where a probe can start (first token, or
 * after `}`, `>`, `,` or another target), so that `c ? u:v` still reads as a ternary.
 */
function matchProbeTarget(text: string, offset: number, tokens: IToken[]): CustomPatternMatcherReturn | null {
  if (!PREFIX_STARTS.includes(text[offset])) return null;
  for (const p of PROBE_PREFIXES) {
    if (!text.startsWith(p.text, offset)) continue;
    if (p.alias) {
      const prev = tokens.length ? tokens[tokens.length - 1].tokenType.name : undefined;
      if (prev !== undefined && !probeStartAfter.has(prev)) return null;
    }
    const end = scanTarget(text, offset + p.text.length, true);
    return [text.slice(offset, end)];
  }
  return null;
}

export const ProbeTarget = createToken({
  name: 'ProbeTarget',
  label: 'a probe',
  pattern: { exec: matchProbeTarget },
  start_chars_hint: PREFIX_STARTS,
  line_breaks: false,
});

// ---- Literals and names ----

export const StringLit = createToken({ name: 'StringLit', label: 'a string', categories: [Atom], pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/ });
/** A string whose line ends before its closing quote: reported, then parsed as a StringLit. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', label: 'a string', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/ });
/** `'text'`: a common slip; reported by lexer.ts, then parsed as a StringLit. */
export const SingleQuoted = createToken({ name: 'SingleQuoted', label: 'a string', pattern: /'(?:[^'\\\n\r]|\\[^\n\r])*'/ });
/**
 * Any run of letters and digits starting with a digit: `42`, `0x1f`, `1_000`, `5ms`, but also
 * `12abc`, so that lexer.ts can say precisely what is wrong with a bad literal.
 */
export const IntLit = createToken({ name: 'IntLit', label: 'an integer', pattern: /[0-9][0-9A-Za-z_]*/, categories: [Atom] });
/** `@name` or the anonymous map `@`. */
export const MapName = createToken({ name: 'MapName', label: 'a map', pattern: /@[A-Za-z0-9_]*/ });
/** `$1`, `$2`, ... and `$#` (the number of positional parameters). */
export const Positional = createToken({
  name: 'Positional',
  label: 'a positional parameter',
  pattern: /\$(?:[0-9]+|#)/,
  categories: [Atom],
});
export const VarName = createToken({ name: 'VarName', label: 'a variable', pattern: /\$[A-Za-z_][A-Za-z0-9_]*/, categories: [Atom] });
export const Identifier = createToken({
  name: 'Identifier',
  label: 'an identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [AnyName],
});

function keyword(name: string, word: string | RegExp, categories: TokenType[] = []): TokenType {
  return createToken({
    name,
    label: typeof word === 'string' ? `'${word}'` : 'an integer type',
    pattern: word,
    longer_alt: Identifier,
    categories: [AnyName, ...categories],
  });
}

/** One keyword token per probe kind written without a function target (BEGIN, interval, ...),
 *  named by its row's `token`. */
export const probeKeywords: ReadonlyMap<ProbeKind, TokenType> = new Map(
  PROBE_KINDS.filter((r) => r.token !== undefined).map((r) => [r.kind, keyword(r.token!, r.kind)]),
);
/** Tokens that start a probe spec. */
export const probeStartTokens: readonly TokenType[] = [ProbeTarget, ...probeKeywords.values()];
export const If = keyword('If', 'if');
export const Else = keyword('Else', 'else');
export const While = keyword('While', 'while');
export const Unroll = keyword('Unroll', 'unroll');
export const Return = keyword('Return', 'return');
/** Code reuse at the top level (grammar/imports.ts, grammar/macros.ts): words bpftrace reserves. */
export const Import = keyword('Import', 'import');
export const Macro = keyword('Macro', 'macro');
/** `config = { missing_probes = "warn" }`, as bpftrace (≥ 0.21) writes a script's settings. */
export const Config = keyword('Config', 'config');
export const True = keyword('True', 'true', [Atom]);
export const False = keyword('False', 'false', [Atom]);
export const Nil = keyword('Nil', 'nil', [Atom]);
/** Cast targets, written as Go (`uint32`) or as bpftrace (`u32`, `s32`). */
export const IntType = keyword('IntType', /(?:u?int|u|s)(?:8|16|32|64)/);

// ---- Operators and punctuation (longest first: the lexer takes the first pattern that matches) ----

// Operator categories: the parser consumes a category (`BinaryOp`) rather than an OR of tokens.
export const AssignOp = createToken({ name: 'AssignOp', label: 'an assignment', pattern: Lexer.NA });
/** Every binary operator; precedence is applied by the AST builder (ast-builder.ts). */
export const BinaryOp = createToken({ name: 'BinaryOp', label: 'an operator', pattern: Lexer.NA });
export const UnaryOp = createToken({ name: 'UnaryOp', label: "'-', '!' or '~'", pattern: Lexer.NA });
export const IncDec = createToken({ name: 'IncDec', label: "'++' or '--'", pattern: Lexer.NA });

function punct(name: string, text: string, categories: TokenType[] = []): TokenType {
  const pattern = new RegExp(text.replace(/[|\\{}()[\]^$+*?./]/g, '\\$&'));
  return createToken({ name, label: `'${text}'`, pattern, categories });
}

export const ShlAssign = punct('ShlAssign', '<<=', [AssignOp]);
export const ShrAssign = punct('ShrAssign', '>>=', [AssignOp]);
export const Shl = punct('Shl', '<<', [BinaryOp]);
export const Shr = punct('Shr', '>>', [BinaryOp]);
export const LessEq = punct('LessEq', '<=', [BinaryOp]);
export const GreaterEq = punct('GreaterEq', '>=', [BinaryOp]);
export const EqEq = punct('EqEq', '==', [BinaryOp]);
export const NotEq = punct('NotEq', '!=', [BinaryOp]);
export const AndAnd = punct('AndAnd', '&&', [BinaryOp]);
export const OrOr = punct('OrOr', '||', [BinaryOp]);
export const PlusPlus = punct('PlusPlus', '++', [IncDec]);
export const MinusMinus = punct('MinusMinus', '--', [IncDec]);
export const PlusAssign = punct('PlusAssign', '+=', [AssignOp]);
export const MinusAssign = punct('MinusAssign', '-=', [AssignOp]);
export const StarAssign = punct('StarAssign', '*=', [AssignOp]);
export const SlashAssign = punct('SlashAssign', '/=', [AssignOp]);
export const PercentAssign = punct('PercentAssign', '%=', [AssignOp]);
export const AmpAssign = punct('AmpAssign', '&=', [AssignOp]);
export const PipeAssign = punct('PipeAssign', '|=', [AssignOp]);
export const CaretAssign = punct('CaretAssign', '^=', [AssignOp]);
export const Assign = punct('Assign', '=', [AssignOp]);
export const Less = punct('Less', '<', [BinaryOp]);
export const Greater = punct('Greater', '>', [BinaryOp]);
export const Plus = punct('Plus', '+', [BinaryOp]);
export const Minus = punct('Minus', '-', [BinaryOp, UnaryOp]);
export const Star = punct('Star', '*', [BinaryOp]);
export const Slash = punct('Slash', '/', [BinaryOp]);
export const Percent = punct('Percent', '%', [BinaryOp]);
export const Amp = punct('Amp', '&', [BinaryOp]);
export const Pipe = punct('Pipe', '|', [BinaryOp]);
export const Caret = punct('Caret', '^', [BinaryOp]);
export const Bang = punct('Bang', '!', [UnaryOp]);
export const Tilde = punct('Tilde', '~', [UnaryOp]);
export const Question = punct('Question', '?');
export const Colon = punct('Colon', ':');
export const Dot = punct('Dot', '.');
export const Comma = punct('Comma', ',');
export const Semi = punct('Semi', ';');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const LCurly = punct('LCurly', '{');
export const RCurly = punct('RCurly', '}');

export const allTokens: TokenType[] = [
  WhiteSpace,
  Shebang,
  LineComment,
  BlockComment,
  UnterminatedComment,
  ProbeTarget,
  StringLit,
  UnterminatedString,
  SingleQuoted,
  IntLit,
  MapName,
  Positional,
  VarName,
  ...probeKeywords.values(),
  If,
  Else,
  While,
  Unroll,
  Return,
  Import,
  Macro,
  Config,
  True,
  False,
  Nil,
  IntType,
  Identifier,
  AnyName,
  Atom,
  AssignOp,
  BinaryOp,
  UnaryOp,
  IncDec,
  ShlAssign,
  ShrAssign,
  Shl,
  Shr,
  LessEq,
  GreaterEq,
  EqEq,
  NotEq,
  AndAnd,
  OrOr,
  PlusPlus,
  MinusMinus,
  PlusAssign,
  MinusAssign,
  StarAssign,
  SlashAssign,
  PercentAssign,
  AmpAssign,
  PipeAssign,
  CaretAssign,
  Assign,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Amp,
  Pipe,
  Caret,
  Bang,
  Tilde,
  Question,
  Colon,
  Dot,
  Comma,
  Semi,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
];

/**
 * Tokens that can begin an operand. This is the whole of the `< >` rule: inside an angle block a
 * `>` is a comparison only if one of these follows it (see parser.ts).
 */
export const operandStart: ReadonlySet<TokenType> = new Set([
  IntLit,
  StringLit,
  UnterminatedString,
  True,
  False,
  Nil,
  Identifier,
  MapName,
  VarName,
  Positional,
  LParen,
  Minus,
  Bang,
  Tilde,
  UnaryOp,
  Atom,
]);

/**
 * One lexer for the process: building it analyses every pattern, which is not free. Tokens carry
 * offsets only (spans are offsets; SourceFile computes lines on demand), which saves a third of
 * the lexer's allocations.
 */
export const gotraceLexer = new Lexer(allTokens, { ensureOptimizations: true, positionTracking: 'onlyOffset' });
