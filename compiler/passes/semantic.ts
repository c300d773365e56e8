// Semantic checks and the facts the code generator needs: the type of every expression, when
// each block runs (entry or return), one consistent type for every map, and the events (printf,
// print, exit, ...) that travel to user space. Reports located diagnostics; never throws for a
// user's mistake. Several errors are reported in one run. The checker itself is in check/: its
// base (maps, events, diagnostics), Go values, expressions, then statements and calls.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { probeKind, type ProbeContext, type ProbeKind } from '../../grammar/probe-kinds.js';
import { some } from '../../grammar/walk.js';
import type { MapKind } from '../manifest.js';
import { BUILTINS } from './builtins.js';
import { Checker } from './check/statements.js';
import type { GoAccess, GoValueInfo } from './govalues.js';
import { suggest } from './suggest.js';
import type { Ty } from './types.js';
import type { GoType } from '../go/dwarf-types.js';
import { GO_PROBES, goProbe } from '../go/goruntime.js';
import type { TracepointField } from '../kernel/tracefs.js';
import type { ResolvedTracepoint } from './tracepoints.js';

export { AGGREGATIONS, BUILTINS } from './builtins.js';
export { lhistBoundsError } from './check/base.js';

export interface MapInfo {
  name: string;
  kind: MapKind;
  keyTypes: Ty[];
  /** For kind 'int' and 'str' maps: the value type. */
  valueType?: Ty;
  firstUse: ast.Span;
  lhist?: { min: number; max: number; step: number };
  /** A hist/lhist/stats of durations (check/exprs.ts, durationOf). */
  duration?: boolean;
  /** Kept in user space: a key is a Go value only user space spells (check/go.ts, keyExpr). */
  user?: boolean;
}

/** map_update, map_delete: a change to a map kept in user space (MapInfo.user), its keys then
 *  (map_update) the value, 1 for count(). */
export type EventKind =
  | 'printf'
  | 'print_map'
  | 'print_value'
  | 'time'
  | 'exit'
  | 'clear'
  | 'zero'
  | 'system'
  | 'execv'
  | 'cat'
  | 'join'
  | 'map_update'
  | 'map_delete';

export interface EventInfo {
  id: number;
  kind: EventKind;
  /** printf/system/cat/time format. */
  format?: string;
  argTypes: Ty[];
  /** print/clear/zero/map_update/map_delete: the map. */
  map?: string;
  /** print(@m, top, div). */
  top?: number;
  div?: number;
}

export interface BlockInfo {
  block: ast.Probe;
  index: number;
  /** The kind of its first spec (all its specs share one context). */
  kind: ProbeKind;
  context: ProbeContext;
  /** The block runs when the call returns (uretprobe, or a uprobe block reading elapsed/retval). */
  atReturn: boolean;
  /** Scratch variables assigned in the block, with their types. */
  vars: Map<string, Ty>;
}

export interface Options {
  unsafe?: boolean;
  strlen?: number;
  /** Arguments after `--` on the command line: $1, $2, ... and $#. */
  positional?: string[];
  /** The Go parameters and results a uprobe block can read; absent before probe resolution
   *  (then Go values are not checked yet). */
  goInfo?: (block: ast.Probe) => GoValueInfo | undefined;
  /** Go types by name, for `(*pkg.T)(x)` casts: the target's DWARF, else its type descriptors
   *  (absent before probe resolution); a diagnostic without span when there is no such type. */
  goType?: (name: string) => GoType | Diagnostic;
  /** Maps written elsewhere (the REPL's live probes, compiled as separate objects): known with
   *  their types, so a block may read them without writing them. */
  knownMaps?: ReadonlyMap<string, MapInfo>;
  /** Link-time addresses of the target's package variables (ntop() of a netip.Addr compares
   *  with net/netip.z4); absent before probe resolution. */
  variable?: (name: string) => number | undefined;
  /** The tracepoints of each tracepoint block (passes/tracepoints.ts); absent before they are
   *  resolved (args.FIELD stays untyped then). */
  tracepoints?: ReadonlyMap<ast.Probe, ResolvedTracepoint[]>;
}

export interface SemanticResult {
  blocks: BlockInfo[];
  maps: Map<string, MapInfo>;
  events: EventInfo[];
  /** Event id of each call that becomes an event. */
  eventOf: Map<ast.Expr, number>;
  types: Map<ast.Expr, Ty>;
  /** Maps named by print/clear/zero/delete: they must be written somewhere in the script. */
  namedMaps: ast.MapRef[];
  /** Maps used only with keys of no known type yet (Go values before the second look). */
  untypedMaps?: Set<string>;
  /** The value of each positional parameter used ($1 → its text, $# → the count). */
  positional: Map<ast.Expr, string>;
  /** The maps percentile() reads, checked once every block is. */
  percentiles: ast.MapRef[];
  /** Go value reads: args.x.y, rets.err, retval, args.b[i], and the operand of len()/str(). */
  goAccess: Map<ast.Expr, GoAccess>;
  /** go: probes' fields (args.goid, args.reason): their slot in the block's gt_call. */
  goFields: Map<ast.Expr, { slot: number; reason: boolean }>;
  /** Addresses of package variables the code reads (Options.variable). */
  symbols?: Map<string, number>;
  /** Tracepoint fields read: args.FIELD in a tracepoint block. */
  tracepointArgs: Map<ast.Expr, TracepointField>;
  diagnostics: Diagnostic[];
}

/** The check pass: types every expression, decides when each block runs, gives each map one
 *  type and collects the events, reporting every mistake as a located diagnostic. Without
 *  `options.goInfo` Go values (args.x, rets.y, typed retval) stay untyped; the pipeline's Go
 *  types pass runs it again with them once probes are resolved. */
export function analyze(program: ast.Program, options: Options = {}): SemanticResult {
  const r: SemanticResult = {
    blocks: [],
    maps: new Map(options.knownMaps ?? []),
    events: [],
    eventOf: new Map(),
    types: new Map(),
    namedMaps: [],
    percentiles: [],
    positional: new Map(),
    goAccess: new Map(),
    goFields: new Map(),
    tracepointArgs: new Map(),
    diagnostics: [],
  };
  program.probes.forEach((probe, index) => {
    const rows = probe.specs.map((s) => probeKind(s.type));
    if (new Set(rows.map((k) => k.context)).size > 1) r.diagnostics.push(diag('GT2011', probe.span, { other: 'BEGIN/END/interval' }));
    const returnTime = readsReturnTime(probe);
    const always = rows.some((k) => k.atReturn === 'always');
    if (always && rows.some((k) => k.atReturn === 'when-read') && !returnTime)
      r.diagnostics.push(diag('GT2011', probe.span, { other: 'uretprobe' }));
    const first = rows[0];
    const atReturn = first.context === 'function' && (always || (returnTime && first.atReturn !== 'never'));
    const info: BlockInfo = { block: probe, index, kind: first.kind, context: first.context, atReturn, vars: new Map() };
    if (first.context === 'go') r.diagnostics.push(...checkGoSpecs(probe));
    const c = new Checker(r, info, options);
    if (probe.predicate) c.intExpr(probe.predicate, 'a predicate');
    c.stmts(probe.body);
    r.blocks.push(info);
  });
  for (const ref of r.namedMaps) {
    if (!r.maps.has(ref.name) && !r.untypedMaps?.has(ref.name)) {
      const near = suggest(ref.name, [...r.maps.keys()]);
      r.diagnostics.push(diag('GT2029', ref.span, { name: ref.name }, near ? [`did you mean '${near}'?`] : []));
    }
  }
  checkPercentiles(r);
  return r;
}

/** percentile()'s maps: hist, lhist or stats, with as many keys as the call gives. */
function checkPercentiles(r: SemanticResult): void {
  for (const ref of r.percentiles) {
    const m = r.maps.get(ref.name);
    if (!m) {
      if (!r.untypedMaps?.has(ref.name)) r.diagnostics.push(diag('GT2029', ref.span, { name: ref.name }));
    } else if (m.kind !== 'hist' && m.kind !== 'lhist' && m.kind !== 'stats') {
      r.diagnostics.push(
        diag('GT2241', ref.span, { name: ref.name, kind: m.kind === 'int' || m.kind === 'str' ? 'values' : `${m.kind}()` }),
      );
    } else if (m.keyTypes.length !== ref.keys.length) {
      const n = ref.keys.length;
      r.diagnostics.push(diag('GT2040', ref.span, { name: ref.name, keys: `${n} key${n === 1 ? '' : 's'}`, count: m.keyTypes.length }));
    }
  }
}

/** Does the block read anything that exists only at return? Then it runs at return. */
function readsReturnTime(probe: ast.Probe): boolean {
  return some(
    [...(probe.predicate ? [probe.predicate] : []), ...probe.body],
    (n) => n.kind === 'Ident' && BUILTINS[n.name]?.returnTime === true,
  );
}

/** go:NAME names a probe of the provider (compiler/go/goruntime.ts). */
function checkGoSpecs(probe: ast.Probe): Diagnostic[] {
  const names = GO_PROBES.map((p) => p.name);
  return probe.specs.flatMap((s) => {
    if (s.kind !== 'UprobeSpec' || s.type !== 'go' || goProbe(s.func)) return [];
    const near = suggest(s.func, names);
    return [diag('GT2200', s.span, { name: s.func, probes: names.join(', ') }, near ? [`did you mean '${near}'?`] : [])];
  });
}
