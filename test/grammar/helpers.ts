// Shared helpers for the grammar tests: parse a snippet and show the result in the compact forms
// used by the tables (the S-expression AST printer, the rendered diagnostics).
import { parse, type ParseResult } from '../../grammar/index.js';
import { printProgram } from '../../grammar/print-ast.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';

export function parseText(src: string, name = 'stdin'): ParseResult {
  return parse(new SourceFile(name, src));
}

/** The AST as an S-expression, or the rendered diagnostics (prefixed `!`) if parsing failed. */
export function sexpr(src: string): string {
  const r = parseText(src);
  if (r.program && r.diagnostics.length === 0) return printProgram(r.program);
  return '!' + renderDiagnostics(r.diagnostics);
}

/** The S-expression of the only statement of the only probe: tables of expressions stay short. */
export function stmt(body: string, open = '{', close = '}'): string {
  const out = sexpr(`uprobe:main.f ${open} ${body} ${close}`);
  if (out.startsWith('!')) return out;
  const lines = out.split('\n');
  return lines
    .slice(1)
    .map((l) => l.slice(2))
    .join('\n')
    .replace(/\)$/, '');
}

/** Rendered diagnostics, each preceded by its code on a line of its own, as in the tables. */
export function diagnosticsText(src: string): string {
  const r = parseText(src);
  return r.diagnostics.map((d) => `${d.code}\n${renderDiagnostics([d])}`).join('');
}
