// Human syntax-error messages: Chevrotain's errorMessageProvider, plus the hints.
//
// Chevrotain keeps only a message string per error, so the provider returns a small JSON record
// {code, message, hints} in that string and index.ts decodes it into a Diagnostic. Expected-token
// sets are summarised ("an expression", "a probe") instead of listing twenty token types.
import { EOF, tokenLabel, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { diag, type Code, type DiagArgs } from './catalog/index.js';
import type { Diagnostic } from './diagnostics.js';
import type { SourceFile } from './source.js';
import { functionKindOf, PROBE_KINDS } from './probe-kinds.js';
import * as T from './tokens.js';

/** ERR_MSG marker of the statement-end alternative (parser.ts stmtEnd). */
export const STMT_END = '<statement end>';

/** A diagnostic without its span: the parser knows the token, index.ts places it. */
export type Encoded = Omit<Diagnostic, 'span'>;

/** What the provider needs to see of the parser when it builds a message. */
interface ParserView {
  ctx: readonly string[];
  input: IToken[];
  angleComparison?: IToken;
  file?: SourceFile;
}

/** `gotrace probes are uprobe:FUNC (u:), ..., BEGIN, END, interval:s:N and profile:hz:N`. */
const PROBE_LIST = (() => {
  const forms = PROBE_KINDS.map((r) =>
    r.form === 'function' || r.form === 'tracepoint'
      ? `${r.kind}:${r.target ?? 'FUNC'}${r.aliases.length ? ` (${r.aliases.map((a) => a + ':').join(', ')})` : ''}`
      : r.form === 'none'
        ? r.kind
        : r.example.replace(/[^:]*$/, 'N'),
  );
  return `gotrace probes are ${forms.slice(0, -1).join(', ')} and ${forms[forms.length - 1]}`;
})();
const probeStarts = new Set<TokenType>(T.probeStartTokens);
const statementStarts = new Set<TokenType>([
  ...T.operandStart,
  T.IncDec,
  T.PlusPlus,
  T.MinusMinus,
  T.If,
  T.While,
  T.Unroll,
  T.Return,
  T.LCurly,
]);

export class GotraceMessages implements IParserErrorMessageProvider {
  private parser?: ParserView;

  attach(parser: ParserView): void {
    this.parser = parser;
  }

  buildMismatchTokenMessage(o: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
    if (o.expected === EOF) return this.notAProbe(o.actual);
    const hints = o.ruleName === 'probeSpec' ? ['write interval:s:N, interval:ms:N or profile:hz:N, e.g. interval:s:1'] : [];
    return this.syntax([o.expected], o.actual, hints);
  }

  buildNotAllInputParsedMessage(o: { firstRedundant: IToken; ruleName: string }): string {
    return this.notAProbe(o.firstRedundant);
  }

  buildNoViableAltMessage(o: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const found = o.actual[0];
    if (o.customUserDescription === STMT_END) return this.statementEnd(found);
    const firsts = o.expectedPathsPerAlt
      .flat()
      .map((path) => path[0])
      .filter((t): t is TokenType => t !== undefined);
    if (firsts.includes(T.ProbeTarget)) return this.notAProbe(found);
    const hints = predicateHint(o.previous);
    if (probeStarts.has(found.tokenType) && firsts.includes(T.LCurly)) hints.push("separate the probes that share a block with ','");
    return this.syntax(firsts, found, hints);
  }

  buildEarlyExitMessage(o: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const firsts = o.expectedIterationPaths.map((path) => path[0]).filter((t): t is TokenType => t !== undefined);
    return this.syntax(firsts, o.actual[0]);
  }

  private syntax(expected: TokenType[], found: IToken, hints: string[] = []): string {
    return encode('GT1001', { expected: describeExpected(expected), found: describeFound(found) }, hints);
  }

  private statementEnd(found: IToken): string {
    const angle = this.parser?.ctx[this.parser.ctx.length - 1] === 'angle';
    const hints = statementStarts.has(found.tokenType) ? ["separate statements with ';'"] : [];
    const cmp = angle ? this.parser?.angleComparison : undefined;
    if (cmp) {
      hints.push(`the '>' at ${this.where(cmp)} compares (an operand follows it); inside < >, write (a > b) or use { }`);
    }
    const close = angle ? "'>'" : "'}'";
    return encode('GT1001', { expected: `';' or ${close}`, found: describeFound(found) }, hints);
  }

  /** A token where a probe must start: a bare `uprobe`, an unknown probe type, or plain junk. */
  private notAProbe(found: IToken): string {
    const next = this.after(found);
    if (found.tokenType === T.Identifier) {
      const type = functionKindOf(found.image);
      if (type) {
        const spaced = next?.tokenType === T.Colon ? ` (no space around ':')` : '';
        return encode('GT1002', { type: found.image }, [`write ${type}:FUNC${spaced}, e.g. ${type}:main.handle`]);
      }
      const upper = found.image.toUpperCase();
      if (PROBE_KINDS.some((r) => r.form === 'none' && r.kind === upper))
        return encode('GT1003', { name: found.image }, [`did you mean ${upper}?`]);
      if (next && [T.Colon, T.LCurly, T.Less, T.Comma, T.Slash].includes(next.tokenType)) {
        return encode('GT1003', { name: found.image }, [PROBE_LIST]);
      }
    }
    const before = this.before(found);
    const hints =
      before?.tokenType === T.Greater && !probeStarts.has(found.tokenType) && found.tokenType !== T.Comma
        ? [`the '>' at ${this.where(before)} closed the < > block (no operand follows it); to compare, write (a > b)`]
        : [];
    return this.syntax([T.ProbeTarget], found, hints);
  }

  /** `line:col` of a token, for hints that point at another place than the error. */
  private where(tok: IToken): string {
    const p = this.parser?.file?.position(tok.startOffset);
    return p ? `${p.line}:${p.col}` : `offset ${tok.startOffset}`;
  }

  /** The token after `tok` in the input (the parser's cursor may have moved on already). */
  private after(tok: IToken): IToken | undefined {
    return this.parser?.input[this.indexAfter(tok)];
  }

  private before(tok: IToken): IToken | undefined {
    const i = this.indexAfter(tok) - 2;
    return i >= 0 ? this.parser?.input[i] : undefined;
  }

  /** Index of the first input token starting after `tok` (binary search on offsets). */
  private indexAfter(tok: IToken): number {
    const input = this.parser?.input ?? [];
    if (!Number.isFinite(tok.startOffset)) return input.length + 1; // EOF
    let lo = 0;
    let hi = input.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (input[mid].startOffset <= tok.startOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** `uprobe:main.f/pid == 1/`: the target swallowed the start of a predicate. */
function predicateHint(previous: IToken | undefined): string[] {
  if (previous?.tokenType !== T.ProbeTarget) return [];
  const slash = previous.image.lastIndexOf('/');
  if (slash <= previous.image.indexOf(':') + 1) return [];
  return [`put a space before the predicate: ${previous.image.slice(0, slash)} ${previous.image.slice(slash)} ...`];
}

function encode<C extends Code>(code: C, ...args: DiagArgs<C>): string {
  return JSON.stringify(spanless(diag(code, undefined, ...args)));
}

function spanless(d: Diagnostic): Encoded {
  return { code: d.code, severity: d.severity, message: d.message, hints: d.hints };
}

/** Undo encode(); anything else (a message Chevrotain built itself: a grammar bug) is GT1999. */
export function decodeMessage(text: string): Encoded {
  try {
    const o = JSON.parse(text) as Encoded;
    if (typeof o.code === 'string' && typeof o.message === 'string' && Array.isArray(o.hints)) return o;
  } catch {
    // not ours
  }
  return spanless(diag('GT1999', undefined, { detail: text }));
}

/** "';'", "';' or '}'", "an expression, ')' or ','" — expression and probe starters summarised. */
export function describeExpected(types: readonly TokenType[]): string {
  const words: string[] = [];
  const add = (w: string) => {
    if (!words.includes(w)) words.push(w);
  };
  // A whole operand set (literals and names) reads "an expression"; a lone `(` stays "'('".
  const operand = types.includes(T.Atom) && types.includes(T.Identifier);
  for (const t of types) {
    if (operand && T.operandStart.has(t)) add('an expression');
    else if (probeStarts.has(t)) add('a probe');
    else if (t === EOF) add('end of input');
    else add(tokenLabel(t));
  }
  if (words.length <= 1) return words[0] ?? 'something else';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

export function describeFound(tok: IToken): string {
  if (tok.tokenType === EOF) return 'end of input';
  const image = tok.image.length > 30 ? `${tok.image.slice(0, 27)}...` : tok.image;
  return `'${image}'`;
}
