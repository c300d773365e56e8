// Diagnostics: every user mistake becomes one of these, never a thrown string. Codes are stable
// (tests and docs refer to them) and each is a row of catalog/ (make them with diag()); the
// rendering is bpftrace's (see render.ts).
import type { Code } from './catalog/index.js';
import type { Span } from './source.js';

export interface Diagnostic {
  /** Stable code, e.g. GT1001. Grammar uses GT1xxx, checking GT2xxx, binaries/probes GT3xxx,
   *  build GT4xxx, runtime GT5xxx. */
  code: Code;
  severity: 'error' | 'warning';
  message: string;
  /** Absent for errors that are not about the script (a missing binary, a bad pid). */
  span?: Span;
  hints: string[];
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
