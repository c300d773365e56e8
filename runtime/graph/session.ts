// A call graph's session: the events of script.ts into trees (tree.ts), the trees that pass
// --min out as text or JSON (render.ts), at most --max-trees of them, and at the end what was
// not shown, counted. The CLI and the REPL hand it their events before anything else.
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { diag } from '../../grammar/catalog/index.js';
import { listed } from '../../compiler/passes/inlined.js';
import { SourceFile, span } from '../../grammar/source.js';
import type { NamedMap, Printer, Sink } from '../printers/index.js';
import type { LiveEvent } from '../session.js';
import { valueText, type Value } from '../values.js';
import type { GraphOptions } from './options.js';
import { treeJson, treeText } from './render.js';
import type { GraphScript } from './script.js';
import { TreeBuilder, type Tree } from './tree.js';

const int = (v: Value | undefined) => (v?.type === 'int' ? v.value : 0n);
const name = (v: Value | undefined) => (v?.type === 'probe' ? v.name : v ? valueText(v) : '');

export class GraphSession {
  readonly builder: TreeBuilder;
  shown = 0;
  short = 0;
  private cut = 0n;

  constructor(
    private readonly o: GraphOptions,
    script: GraphScript,
    private readonly out: Sink,
    private readonly json: boolean,
  ) {
    this.builder = new TreeBuilder(script.labels);
  }

  /** Takes a graph event (false: not one); 'end' once --max-trees trees were shown. */
  event(e: LiveEvent): boolean | 'end' {
    const kind = e.spec.kind === 'printf' ? e.spec.format?.[0] : undefined;
    const a = e.args;
    const g = Number(int(a[1]));
    const values = () => a.slice(3).map((v) => valueText(v));
    switch (kind) {
      case 'R':
        this.builder.root(name(a[0]), g, int(a[2]));
        return true;
      case 'E':
        this.builder.enter(name(a[0]), g, int(a[2]));
        return true;
      case 'X':
        this.builder.exit(name(a[0]), g, int(a[2]), values());
        return true;
      case 'S':
        this.builder.spawn(Number(int(a[0])), Number(int(a[1])));
        return true;
      case 'Z': {
        const t = this.builder.finish(name(a[0]), g, int(a[2]), values());
        return t ? this.complete(t) : true;
      }
      default:
        return false;
    }
  }

  private complete(t: Tree): boolean | 'end' {
    if (this.o.maxTrees && this.shown >= this.o.maxTrees) return true;
    if ((t.root.durationNs ?? 0n) < this.o.minNs) {
      this.short++;
      return true;
    }
    this.out.write(this.json ? treeJson(t) : treeText(t));
    this.shown++;
    return this.o.maxTrees && this.shown >= this.o.maxTrees ? 'end' : true;
  }

  /** The printer for the rest of the session: the graph's own maps are not shown, they are
   *  summed up in summary(). */
  wrap(p: Printer): Printer {
    return Object.assign(Object.create(p) as Printer, {
      finalMaps: (maps: NamedMap[]) => this.noteMaps(maps),
      map: () => {},
    });
  }

  /** The graph's maps at the end: the count of calls cut by --depth. */
  noteMaps(maps: NamedMap[]): void {
    for (const m of maps) if (m.spec.name === '@gt_cut' && m.entries[0]?.value.type === 'int') this.cut = m.entries[0].value.value;
  }

  /** What the trees did not show, one line each, for stderr. */
  summary(): string {
    const c = this.builder.counts;
    const lines = [
      `${this.shown} call graph${this.shown === 1 ? '' : 's'} shown` +
        (this.short ? `, ${this.short} shorter than --min` : '') +
        (this.builder.open() ? `, ${this.builder.open()} root call(s) still running at the end` : ''),
    ];
    if (this.cut) lines.push(`${this.cut} calls deeper than --depth ${this.o.depth} not shown`);
    if (c.late) lines.push(`${c.late} calls of goroutines that outlived their root call not shown`);
    if (c.unmatched) lines.push(`${c.unmatched} returns whose entry was not seen (unwound by a panic, or events lost)`);
    return lines.map((l) => l + '\n').join('');
  }
}

/** A diagnostic inside a --show expression, located in the --show text the user wrote. */
function located(d: Diagnostic, script: GraphScript): Diagnostic {
  const s = d.span && script.shown.find((p) => d.span!.start >= p.at && d.span!.start < p.at + p.length);
  if (!s || !d.span) return d;
  const file = new SourceFile('--show', s.show);
  const start = s.offset + d.span.start - s.at;
  return { ...d, span: span(file, start, Math.min(start + d.span.end - d.span.start, s.offset + s.length)) };
}

/** The compiler's diagnostics for the graph's script: those in --show's expressions located in
 *  the --show text; the per-function inlining warnings of its many functions as one. */
export function graphDiagnostics(all: Diagnostic[], script: GraphScript): Diagnostic[] {
  const ds = all.map((d) => located(d, script));
  const inl = ds.filter((d) => d.code === 'GT3013');
  const rest = ds.filter((d) => d.code !== 'GT3013' && d.code !== 'GT3012');
  if (script.unnameable.length) {
    const names = script.unnameable.slice(0, 3).join(', ') + (script.unnameable.length > 3 ? ', ...' : '');
    rest.push(diag('GT3152', undefined, { count: script.unnameable.length, names }));
  }
  for (const n of script.noReturn) {
    rest.push(diag('GT3015', undefined, { count: n.names.length, matched: n.matched, pattern: n.pattern, names: listed(n.names, 3) }));
  }
  if (!inl.length) return rest;
  const funcs = [...new Set(inl.map((d) => /of (\S+) not traced/.exec(d.message)?.[1] ?? '?'))];
  const sites = inl.reduce((n, d) => n + Number(/^(\d+)/.exec(d.message)?.[1] ?? 0), 0);
  const names = funcs.slice(0, 3).join(', ') + (funcs.length > 3 ? ', ...' : '');
  return [...rest, diag('GT3151', undefined, { count: funcs.length, sites, names })];
}
