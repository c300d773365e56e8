// The diagnostics catalog: every code gotrace reports, GT1xxx to GT5xxx, with its severity, one
// message template and an optional hint template. Every layer (grammar ← compiler ← runtime)
// builds its diagnostics with diag(), so an unknown code or a missing `{placeholder}` is a type
// error, and docs/diagnostics.md is generated from these rows (tools/gen-diagnostics-doc.ts).
//
// Codes never change meaning: tests, docs and users' notes refer to them. A message that means
// something else gets a new code; a code that can no longer happen moves to `retired` and is
// never reused. Adding a code: a row in the range's file, then a case in
// test/diagnostics/cases.ts that really produces it.
import type { Diagnostic } from '../diagnostics.js';
import type { Span } from '../source.js';
import { binaryCodes } from './binary.js';
import { checkCodes } from './check.js';
import { grammarCodes } from './grammar.js';
import { runtimeCodes } from './runtime.js';

export interface CatalogEntry {
  readonly severity: 'error' | 'warning';
  /** What the user reads; `{name}` placeholders are filled from diag()'s params. */
  readonly message: string;
  /** Shown after the call site's own hints, when the advice is the same every time. */
  readonly hint?: string;
  /** For the docs only, when the message is mostly a placeholder (a reason passed through). */
  readonly about?: string;
}

export const catalog = { ...grammarCodes, ...checkCodes, ...binaryCodes, ...runtimeCodes } satisfies Record<`GT${number}`, CatalogEntry>;

export type Code = keyof typeof catalog;

/** Codes that once existed and must never be reused, with what they meant. */
export const retired: Record<string, string> = {
  GT2012: 'tuples are not supported yet (tuples are map values and keys now; other uses: GT2243)',
  GT2030: 'unroll count must be between 1 and 100 (the parser checks it now: GT1010)',
  GT3008: 'one warning per function a wildcard matched without RET (now one summary: GT3015)',
  GT5608: 'only one BEGIN/END block could be attached at a time in the REPL (each object now runs its own)',
  GT2240: 'percentile() only as an argument of print() or printf() (it is a value anywhere now, computed in BPF)',
  GT2126: 'print() shows slices of numbers and pointers only (slices of every element type print now)',
};

type Entry<C extends Code> = (typeof catalog)[C];
// N.B. `{ ... }` and `{ }` in hints are text, not placeholders: a hole has no space in it.
type Hole<P extends string> = P extends '' | `${string} ${string}` ? never : P;
type Holes<S> = S extends `${string}{${infer P}}${infer R}` ? Hole<P> | Holes<R> : never;
type Texts<C extends Code> = Entry<C>['message'] | (Entry<C> extends { hint: infer H } ? H : never);
export type Params<C extends Code> = { readonly [K in Holes<Texts<C>>]: string | number };
/** diag()'s arguments after the span: the params when the templates have holes, extra hints. */
export type DiagArgs<C extends Code> = [Holes<Texts<C>>] extends [never]
  ? [params?: Record<string, never>, hints?: readonly string[]]
  : [params: Params<C>, hints?: readonly string[]];

const HOLE = /\{(\w+)\}/g;

function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(HOLE, (m, k: string) => (k in values ? String(values[k]) : m));
}

/** The message of a code with its placeholders filled (the parser encodes it in a string). */
export function message<C extends Code>(code: C, ...[params]: DiagArgs<C>): string {
  return fill(catalog[code].message, params ?? {});
}

/** The diagnostic for `code` at `span` (undefined when it is not about the script's text).
 *  `hints` are the call site's own (a "did you mean"), shown before the catalog's hint. */
export function diag<C extends Code>(code: C, span: Span | undefined, ...[params, hints]: DiagArgs<C>): Diagnostic {
  const entry: CatalogEntry = catalog[code];
  const values = params ?? {};
  const all = [...(hints ?? []), ...(entry.hint ? [fill(entry.hint, values)] : [])];
  return { code, severity: entry.severity, message: fill(entry.message, values), span, hints: all };
}

/** The placeholder names of a template, in order (for tests and the docs). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(HOLE)].map((m) => m[1]);
}

export function isCode(code: string): code is Code {
  return Object.hasOwn(catalog, code);
}
