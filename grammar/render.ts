// bpftrace's diagnostic format:
//   stdin:1:12-16: ERROR: Unknown identifier: 'fake'
//   uprobe:main.handle { @x = fake; }
//                             ~~~~
//   HINT: did you mean 'func'?
// Colour only when asked (the CLI asks on a TTY). Spans over several lines underline the first.
import type { Diagnostic } from './diagnostics.js';

export interface RenderOptions {
  color?: boolean;
}

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions = {}): string {
  const red = (s: string) => (opts.color ? `\x1b[31m${s}\x1b[0m` : s);
  const yellow = (s: string) => (opts.color ? `\x1b[33m${s}\x1b[0m` : s);
  const green = (s: string) => (opts.color ? `\x1b[32m${s}\x1b[0m` : s);
  const label = d.severity === 'error' ? red('ERROR') : yellow('WARNING');
  const out: string[] = [];
  if (!d.span) {
    out.push(`${label}: ${d.message}`);
  } else {
    const f = d.span.file;
    const a = f.position(d.span.start);
    const b = f.position(Math.max(d.span.start, d.span.end - 1));
    const endCol = b.line === a.line ? b.col + 1 : f.lineText(a.line).length + 1;
    out.push(`${f.name}:${a.line}:${a.col}-${endCol}: ${label}: ${d.message}`);
    const line = f.lineText(a.line);
    out.push(line);
    const width = Math.max(1, endCol - a.col);
    // Tabs in the source keep the underline aligned.
    const pad = line.slice(0, a.col - 1).replace(/[^\t]/g, ' ');
    out.push(pad + green('~'.repeat(width)));
  }
  for (const h of d.hints) out.push(`HINT: ${h}`);
  return out.join('\n');
}

export function renderDiagnostics(ds: readonly Diagnostic[], opts: RenderOptions = {}): string {
  return ds.map((d) => renderDiagnostic(d, opts)).join('\n') + (ds.length ? '\n' : '');
}

/** The `--json-diagnostics` form for editors: one object per diagnostic. */
export function diagnosticToJson(d: Diagnostic): object {
  const loc = d.span
    ? (() => {
        const a = d.span!.file.position(d.span!.start);
        const b = d.span!.file.position(Math.max(d.span!.start, d.span!.end));
        return { file: d.span!.file.name, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
      })()
    : undefined;
  return { code: d.code, severity: d.severity, message: d.message, ...(loc ? { location: loc } : {}), hints: d.hints };
}
