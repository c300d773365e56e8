// Errors raised while reading a target binary.
//
// A wrong path or a file that is not a Go x86-64 ELF is a user mistake, not a
// bug, so the message is written for the user and carries no stack-flavoured
// detail. Callers turn it into a Diagnostic with binaryDiagnostic(); they should
// not need to parse it.
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { Span } from '../../grammar/source.js';

export class GoBinaryError extends Error {
  override name = 'GoBinaryError';
}

/** GT3002 for a binary that cannot be used. Most messages already start with the path the
 *  reader opened; the others get the path the user named in front. */
export function binaryDiagnostic(e: GoBinaryError, path: string, span?: Span): Diagnostic {
  const prefix = `${path}: `;
  if (e.message.startsWith(prefix)) return diag('GT3002', span, { path, reason: e.message.slice(prefix.length) });
  const m = /^(\S+): (.*)$/s.exec(e.message);
  if (m && e.message.includes(path)) return diag('GT3002', span, { path: m[1], reason: m[2] });
  return diag('GT3002', span, { path, reason: e.message });
}
