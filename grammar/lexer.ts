// The lexer pass: runs the Chevrotain lexer, then checks each literal token and turns every
// lexical mistake into a Diagnostic located on the exact characters. Literal values are decoded
// here once and left on the token's `payload` for the AST builder:
//   IntLit → bigint, StringLit → string, ProbeTarget → TargetPayload.
// Bad tokens are kept in the stream (an unterminated string becomes a StringLit) so that the
// parser does not pile unrelated syntax errors on top of the lexical one.
import type { IToken } from 'chevrotain';
import { diag } from './catalog/index.js';
import type { Diagnostic } from './diagnostics.js';
import { decodeInt, decodeString } from './literals.js';
import { span, type SourceFile } from './source.js';
import { functionKindOf, tracepointKindOf, type FunctionKind, type TracepointKind } from './probe-kinds.js';
import * as T from './tokens.js';

export type TargetPayload = { type: FunctionKind; path?: string; func: string } | { type: TracepointKind; category: string; name: string };

export interface Lexed {
  tokens: IToken[];
  /** The `#!` first line as written, if any. */
  shebang?: string;
  diagnostics: Diagnostic[];
  /** The diagnostics that only say the input ended too early (for `incomplete`). */
  atEnd: Set<Diagnostic>;
}

export function lex(file: SourceFile): Lexed {
  const r = T.gotraceLexer.tokenize(file.text);
  const diagnostics: Diagnostic[] = [];
  const atEnd = new Set<Diagnostic>();
  const tokSpan = (t: IToken) => span(file, t.startOffset, t.startOffset + t.image.length);

  for (const e of r.errors) {
    const chars = file.text.slice(e.offset, e.offset + e.length);
    diagnostics.push(diag('GT1101', span(file, e.offset, e.offset + e.length), { chars: describeChars(chars) }, charHints(chars)));
  }
  for (const t of r.groups.errors ?? []) {
    const d = diag('GT1103', span(file, t.startOffset, t.startOffset + 2));
    diagnostics.push(d);
    atEnd.add(d);
  }

  for (const t of r.tokens) {
    // The lexer tracks start offsets only (cheaper); the CST's node locations need the end too.
    t.endOffset = t.startOffset + t.image.length - 1;
    switch (t.tokenType) {
      case T.IntLit: {
        const v = decodeInt(t.image);
        t.payload = v.ok ? v.value : 0n;
        if (!v.ok && v.reason === 'range') diagnostics.push(diag('GT1106', tokSpan(t), { text: t.image }));
        else if (!v.ok) diagnostics.push(diag('GT1105', tokSpan(t), { text: t.image }, intHints(t.image)));
        break;
      }
      case T.SingleQuoted:
        diagnostics.push(diag('GT1107', tokSpan(t), { text: t.image.slice(1, -1) }));
        t.payload = decodeString(t.image, true).value;
        t.tokenType = T.StringLit;
        t.tokenTypeIdx = T.StringLit.tokenTypeIdx!;
        break;
      case T.UnterminatedString:
      case T.StringLit: {
        const terminated = t.tokenType === T.StringLit;
        if (!terminated) {
          diagnostics.push(diag('GT1102', tokSpan(t)));
          // Parse on as if it were closed (Chevrotain matches on tokenTypeIdx).
          t.tokenType = T.StringLit;
          t.tokenTypeIdx = T.StringLit.tokenTypeIdx!;
        }
        const v = decodeString(t.image, terminated);
        t.payload = v.value;
        if (!v.ok) {
          const start = t.startOffset + v.badEscape.offset;
          diagnostics.push(diag('GT1104', span(file, start, start + v.badEscape.text.length), { seq: v.badEscape.text }));
        }
        break;
      }
      case T.ProbeTarget:
        t.payload = checkTarget(t, tokSpan(t), diagnostics);
        break;
    }
  }
  const shebang = r.groups.meta?.[0]?.image;
  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  return { tokens: r.tokens, shebang, diagnostics, atEnd };
}

/** Split `uprobe:PATH:FUNC` and report a missing function, an empty path, a path-only target. */
function checkTarget(t: IToken, where: Diagnostic['span'], out: Diagnostic[]): TargetPayload {
  const colon = t.image.indexOf(':');
  const word = t.image.slice(0, colon);
  const tp = tracepointKindOf(word);
  if (tp) return checkTracepoint(tp, t.image.slice(colon + 1), where, out);
  const type = functionKindOf(word) ?? 'uprobe';
  const target = t.image.slice(colon + 1);
  const last = target.lastIndexOf(':');
  const path = last >= 0 ? target.slice(0, last) : undefined;
  const func = last >= 0 ? target.slice(last + 1) : target;
  const example = path ? `${type}:${path}:main.handle` : `${type}:main.handle`;
  if (func === '') {
    out.push(diag('GT1002', where, { type: word }, [`write ${path ? `${type}:PATH:FUNC` : `${type}:FUNC`}, e.g. ${example}`]));
  } else if (path === '') {
    out.push(diag('GT1005', where, { type, func }));
  } else if (path === undefined && /^\.{0,2}\//.test(func)) {
    out.push(diag('GT1004', where, { target: func, type }));
  } else if (/[=!&|^+?@$#]/.test(func.replace(/\$\d+/g, '')) || func.endsWith('/')) {
    // Go symbols have none of these; the usual cause is a predicate written without a space.
    // (`$1` is a positional parameter, expanded before resolution: passes/positional-targets.ts.)
    const pred = predicateSplit(func);
    const hints = pred ? [`put a space before the predicate: ${type}:${pred[0]} ${pred[1]}`] : [];
    out.push(diag('GT1012', where, { func }, hints));
  }
  return path === undefined ? { type, func } : { type, path, func };
}

/** Split `tracepoint:CATEGORY:NAME`: both parts present, a category without wildcards (tracefs
 *  names them with letters, digits and `_`), a name of those and `*` wildcards. */
function checkTracepoint(type: TracepointKind, target: string, where: Diagnostic['span'], out: Diagnostic[]): TargetPayload {
  const colon = target.indexOf(':');
  const category = colon >= 0 ? target.slice(0, colon) : '';
  const name = colon >= 0 ? target.slice(colon + 1) : '';
  if (!category || !name) out.push(diag('GT1205', where, { target }));
  else if (!/^\w+$/.test(category) || !/^[\w*]+$/.test(name)) out.push(diag('GT1206', where, { target }));
  return { type, category, name };
}

/** `main.f/pid==1/` → [`main.f`, `/pid==1/`]: the first `/` after which the rest looks like a predicate. */
function predicateSplit(func: string): [string, string] | undefined {
  for (let i = func.indexOf('/'); i >= 0; i = func.indexOf('/', i + 1)) {
    const head = func.slice(0, i);
    const tail = func.slice(i);
    if (/^[^=!&|^+?@$#]*\.[^/]*$/.test(head) && tail.length > 1) return [head, tail];
  }
  return undefined;
}

function describeChars(chars: string): string {
  const shown = [...chars].map((c) =>
    /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? c : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`,
  );
  const allVisible = shown.every((s, i) => s === [...chars][i]);
  const text = allVisible ? `'${chars}'` : shown.join(' ');
  return [...chars].length === 1 ? `character ${text}` : `characters ${text}`;
}

function charHints(chars: string): string[] {
  if (chars.startsWith("'")) return ['strings are written in double quotes: "text"'];
  if (chars.startsWith('#')) return ['comments start with // (#! is only allowed on the first line)'];
  return [];
}

function intHints(text: string): string[] {
  if (/^0[0-9_]*[89]/.test(text)) return ['a leading 0 makes an octal number; drop the 0'];
  if (/^[0-9_]+[eE][0-9]/.test(text)) return ['exponents are not supported; write the integer in full'];
  if (/^[0-9_]+[A-Za-z]/.test(text)) return ['the duration suffixes are ns, us, ms and s'];
  return [];
}
