// The grammar's public entry point: source text → AST plus diagnostics.
//
//   lex (lexer.ts) → CstParser with recovery (parser.ts) → CST visitor (ast-builder.ts)
//
// All three report Diagnostics instead of throwing; several errors are reported in one run. The
// AST is only returned when there is no error, so later passes never see a half-recovered tree.
import { EOF } from 'chevrotain';
import type { Program } from './ast.js';
import { AstBuilder } from './ast-builder.js';
import { diag } from './catalog/index.js';
import type { Diagnostic } from './diagnostics.js';
import { checkNesting, checkProgramSize, checkSourceSize } from './limits.js';
import { resolveImports, type ImportState } from './imports.js';
import { lex } from './lexer.js';
import { expandMacros } from './macros.js';
import { decodeMessage } from './messages.js';
import { parser } from './parser.js';
import { span, type SourceFile } from './source.js';

export interface ParseResult {
  /** Present when there is no error diagnostic. */
  program?: Program;
  diagnostics: Diagnostic[];
  /**
   * True when every error is at the end of the input (an unclosed block, a half-written
   * expression, an unclosed comment): a REPL should read another line and parse again.
   */
  incomplete: boolean;
}

/** Parses a script: source text to an AST, with every lexical, syntax and AST-builder
 *  diagnostic of one run. Never throws (a grammar bug comes back as GT1999); the AST is only
 *  returned when there is no error. */
export function parse(file: SourceFile, imports: ImportState = { chain: [], seen: new Set() }): ParseResult {
  try {
    return parseOrThrow(file, imports);
  } catch (e) {
    // A bug in the grammar, never a user mistake: report it rather than crash the REPL.
    const detail = e instanceof Error ? e.message : String(e);
    return { diagnostics: [diag('GT1999', span(file, 0, 0), { detail })], incomplete: false };
  }
}

function parseOrThrow(file: SourceFile, imports: ImportState): ParseResult {
  const tooLarge = checkSourceSize(file);
  if (tooLarge) return { diagnostics: [tooLarge], incomplete: false };
  const lexed = lex(file);
  const diagnostics = [...lexed.diagnostics];
  // N.B. before the parser: its recursion is what deep nesting would overflow.
  const tooDeep = checkNesting(lexed.tokens, file);
  if (tooDeep) return { diagnostics: [...diagnostics, tooDeep], incomplete: false };
  const atEnd = new Set(lexed.atEnd);

  parser.ctx = [];
  parser.file = file;
  parser.input = lexed.tokens;
  const cst = parser.program();

  const last = lexed.tokens[lexed.tokens.length - 1];
  const endOfTokens = last ? last.startOffset + last.image.length : 0;
  const seen = new Set<number>();
  // A string left open on the last line swallowed the rest of the input: the lexer's GT1102
  // says it all, "found end of input" would only repeat it.
  const openString = last !== undefined && lexed.diagnostics.some((d) => d.code === 'GT1102' && d.span?.start === last.startOffset);
  for (const e of parser.errors) {
    const tok = e.token;
    const eof = tok.tokenType === EOF || !Number.isFinite(tok.startOffset);
    if (eof && openString) continue;
    const start = eof ? endOfTokens : tok.startOffset;
    // Recovery may report the same token twice (from nested rules); once is enough.
    if (seen.has(start)) continue;
    seen.add(start);
    const d: Diagnostic = { ...decodeMessage(e.message), span: span(file, start, eof ? start : start + tok.image.length) };
    diagnostics.push(d);
    if (eof) atEnd.add(d);
  }

  let program: Program | undefined;
  if (parser.errors.length === 0) {
    const builder = new AstBuilder(file);
    program = builder.visit(cst) as Program;
    if (lexed.shebang !== undefined) program.shebang = lexed.shebang;
    diagnostics.push(...builder.diagnostics, ...checkProgramSize(program));
    // Then the code-reuse passes: imported files (parsed by this function, after this file's
    // parse is done with the parser), then macros expanded into the probes.
    if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...resolveImports(program, file, imports, parse));
    if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...expandMacros(program));
  }
  diagnostics.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return { program: errors.length ? undefined : program, diagnostics, incomplete: errors.length > 0 && errors.every((d) => atEnd.has(d)) };
}

export type { Program } from './ast.js';
export type { Diagnostic } from './diagnostics.js';
export { SourceFile } from './source.js';
export { renderDiagnostic, renderDiagnostics } from './render.js';
