// Tracepoint resolution: every `tracepoint:CATEGORY:NAME` spec against tracefs, giving the
// tracepoints it matches (NAME may hold `*` wildcards) with their record formats; and the check
// of `args.FIELD` in a tracepoint block against those formats.
//
// N.B. the tracepoints of one block share one BPF program (its cookie says which fired), so a
// field the block reads must sit at the same offset with the same size, sign and kind in every
// one of them: `tracepoint:syscalls:sys_enter_* { @[args.__syscall_nr] = count() }` works (offset
// 8 everywhere), a field that moves between them is refused, naming two that disagree.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { isGlob } from '../go/glob.js';
import {
  categories,
  findTracepoints,
  namesIn,
  readFormat,
  tracefsRoot,
  type TracepointField,
  type TracepointFormat,
} from '../kernel/tracefs.js';
import { suggest } from './suggest.js';
import { INT, str, type Ty } from './types.js';

export type TracepointSpec = Extract<ast.ProbeSpec, { kind: 'TracepointSpec' }>;

export interface ResolvedTracepoint extends TracepointFormat {
  spec: TracepointSpec;
}

/** Where tracefs is and what it holds: the real one by default, a fake in tests. */
export interface TracefsView {
  root(): string;
  find(category: string, name: string): string[];
  format(category: string, name: string): TracepointFormat;
  categories(): string[];
  names(category: string): string[];
}

export const realTracefs = (): TracefsView => {
  let root: string | undefined;
  const r = () => (root ??= tracefsRoot());
  return {
    root: r,
    find: (c, n) => findTracepoints(r(), c, n),
    format: (c, n) => readFormat(r(), c, n),
    categories: () => categories(r()),
    names: (c) => namesIn(r(), c),
  };
};

export interface TracepointResult {
  /** The tracepoints of each block that has tracepoint specs, in spec order, each once. */
  byBlock: Map<ast.Probe, ResolvedTracepoint[]>;
  diagnostics: Diagnostic[];
}

/** The resolve pass of tracepoint specs (the AST is all it needs: it runs before the check,
 *  which types args.FIELD with what it finds). */
export function resolveTracepoints(program: ast.Program, fs: TracefsView = realTracefs()): TracepointResult {
  const out: TracepointResult = { byBlock: new Map(), diagnostics: [] };
  for (const probe of program.probes) {
    const specs = probe.specs.filter((s): s is TracepointSpec => s.kind === 'TracepointSpec');
    if (!specs.length) continue;
    const found: ResolvedTracepoint[] = [];
    const seen = new Set<string>();
    for (const spec of specs) {
      const names = findOrReport(fs, spec, out.diagnostics);
      for (const n of names ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        const [c, name] = n.split(':') as [string, string];
        found.push({ ...fs.format(c, name), spec });
      }
      if (names === undefined) return out;
    }
    out.byBlock.set(probe, found);
  }
  return out;
}

/** The `category:name`s a spec matches, or a located error (undefined: tracefs is missing,
 *  which stops the pass; []: this spec matched nothing). */
function findOrReport(fs: TracefsView, spec: TracepointSpec, out: Diagnostic[]): string[] | undefined {
  try {
    fs.root();
  } catch (e) {
    out.push(diag('GT3120', spec.span, { reason: (e as Error).message }));
    return undefined;
  }
  const names = fs.find(spec.category, spec.name);
  if (names.length) return names;
  const text = `${spec.category}:${spec.name}`;
  const cats = fs.categories();
  const near = !cats.includes(spec.category)
    ? suggest(spec.category, cats)
    : isGlob(spec.name)
      ? undefined
      : suggest(spec.name, fs.names(spec.category));
  const hint = near ? [`did you mean '${cats.includes(spec.category) ? `${spec.category}:${near}` : `${near}:${spec.name}`}'?`] : [];
  out.push(diag('GT3121', spec.span, { tracepoint: text, pattern: `tracepoint:${spec.category}:*` }, hint));
  return [];
}

/** `args.FIELD` in a tracepoint block: the field (the same in every tracepoint of the block), or
 *  a located error. `tps` undefined: not resolved yet (the check before resolution). */
export function tracepointField(
  block: ast.Probe,
  tps: ResolvedTracepoint[] | undefined,
  e: Extract<ast.Expr, { kind: 'Field' }>,
): { field: TracepointField } | { error: Diagnostic } | undefined {
  const other = block.specs.find((s) => s.kind !== 'TracepointSpec');
  if (other) return { error: diag('GT2220', e.span, { spec: other.type }) };
  if (!tps?.length) return undefined;
  let first: { tp: ResolvedTracepoint; f: TracepointField } | undefined;
  for (const tp of tps) {
    const f = tp.fields.find((x) => x.name === e.field);
    const where = `${tp.category}:${tp.name}`;
    if (!f) {
      const names = tp.fields.map((x) => x.name);
      const near = suggest(e.field, names);
      const hints = [near ? `did you mean '${near}'?` : `its fields are ${names.join(', ') || '(none)'}`];
      return { error: diag('GT2221', e.fieldSpan, { tracepoint: where, field: e.field }, hints) };
    }
    if (f.kind === 'array') return { error: diag('GT2223', e.fieldSpan, { field: e.field, type: f.type }) };
    if (!first) first = { tp, f };
    else if (!sameField(first.f, f))
      return {
        error: diag('GT2222', e.fieldSpan, {
          field: e.field,
          a: `${first.tp.category}:${first.tp.name} (${describeField(first.f)})`,
          b: `${where} (${describeField(f)})`,
        }),
      };
  }
  return { field: first!.f };
}

function sameField(a: TracepointField, b: TracepointField): boolean {
  return a.offset === b.offset && a.size === b.size && a.signed === b.signed && a.kind === b.kind;
}

function describeField(f: TracepointField): string {
  return `${f.type} at offset ${f.offset}`;
}

/** The script's type of a field: strings for char arrays and __data_loc strings (cut to the
 *  string size), integers otherwise (pointers too: str() reads what they point to). */
export function fieldTy(f: TracepointField, strlen: number): Ty {
  if (f.kind === 'chars') return str(Math.min(strlen, f.size + 1));
  if (f.kind === 'data_loc') return str(strlen);
  return INT;
}
