// Semantic checks and the facts the code generator needs: the type of every expression, when
// each block runs (entry or return), one consistent type for every map, and the events (printf,
// print, exit, ...) that travel to user space. Reports located diagnostics; never throws for a
// user's mistake. Several errors are reported in one run.
import type * as ast from '../../grammar/ast.js';
import { diag, type Code, type DiagArgs } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { probeKind, type ProbeContext, type ProbeKind } from '../../grammar/probe-kinds.js';
import { some } from '../../grammar/walk.js';
import { MAX_WIDTH, parseFormat } from '../format.js';
import type { MapKind } from '../manifest.js';
import { suggest } from './suggest.js';
import { typeString } from '../go/abi.js';
import { fieldAccess, goFormat, goTy, indexAccess, rootAccess, underlying, type AccessResult, type GoAccess, type GoValueInfo } from './govalues.js';
import { COMM_SIZE, INT, PROBE, USTACK, aTy, str, tyName, type Ty } from './types.js';

interface Builtin {
  ty: (o: Options) => Ty;
  /** The probe contexts (grammar/probe-kinds.ts) where the builtin means something. */
  where: ProbeContext[];
  /** Makes a uprobe block run at return. */
  returnTime?: boolean;
}

const ALL: ProbeContext[] = ['function', 'special', 'timer'];
const UPROBE: ProbeContext[] = ['function'];

/** Builtins the code generator implements, with where they may be used. */
export const BUILTINS: Record<string, Builtin> = {
  goid: { ty: () => INT, where: UPROBE },
  pid: { ty: () => INT, where: ALL },
  tid: { ty: () => INT, where: ALL },
  uid: { ty: () => INT, where: ALL },
  gid: { ty: () => INT, where: ALL },
  cpu: { ty: () => INT, where: ALL },
  nsecs: { ty: () => INT, where: ALL },
  comm: { ty: () => str(COMM_SIZE), where: ALL },
  elapsed: { ty: () => INT, where: ALL, returnTime: true },
  retval: { ty: () => INT, where: ALL, returnTime: true },
  func: { ty: () => PROBE, where: UPROBE },
  probe: { ty: () => PROBE, where: UPROBE },
  ustack: { ty: () => USTACK, where: UPROBE },
  // Only as the root of a Go value: args.NAME, rets.NAME (see govalues.ts).
  args: { ty: () => INT, where: UPROBE },
  rets: { ty: () => INT, where: UPROBE, returnTime: true },
  ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`arg${i}`, { ty: () => INT, where: UPROBE }])),
};

/** Aggregating functions and their map kind. */
export const AGGREGATIONS: Record<string, MapKind> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  stats: 'stats',
  hist: 'hist',
  lhist: 'lhist',
};

/** Functions used as statements. */
const ACTIONS = ['printf', 'print', 'time', 'exit', 'clear', 'zero', 'delete', 'system', 'execv', 'cat'];
/** Known but belonging to a later part of the language. */
const LATER = [ 'usym', 'ksym', 'join', 'buf', 'ntop', 'strftime', 'signal', 'override'];
const KNOWN_CALLS = [...Object.keys(AGGREGATIONS), ...ACTIONS, ...LATER, 'str', 'len', 'hex', 'usym'];

export interface MapInfo {
  name: string;
  kind: MapKind;
  keyTypes: Ty[];
  /** For kind 'int' and 'str' maps: the value type. */
  valueType?: Ty;
  firstUse: ast.Span;
  lhist?: { min: number; max: number; step: number };
}

export type EventKind = 'printf' | 'print_map' | 'print_value' | 'time' | 'exit' | 'clear' | 'zero' | 'system' | 'execv' | 'cat';

export interface EventInfo {
  id: number;
  kind: EventKind;
  /** printf/system/cat/time format. */
  format?: string;
  argTypes: Ty[];
  /** print/clear/zero: the map. */
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
  /** Go value reads: args.x.y, rets.err, retval, args.b[i], and the operand of len()/str(). */
  goAccess: Map<ast.Expr, GoAccess>;
  diagnostics: Diagnostic[];
}

/** The check pass: types every expression, decides when each block runs, gives each map one
 *  type and collects the events, reporting every mistake as a located diagnostic. Without
 *  `options.goInfo` Go values (args.x, rets.y, typed retval) stay untyped; the pipeline's Go
 *  types pass runs it again with them once probes are resolved. */
export function analyze(program: ast.Program, options: Options = {}): SemanticResult {
  const r: SemanticResult = { blocks: [], maps: new Map(), events: [], eventOf: new Map(), types: new Map(), namedMaps: [], positional: new Map(), goAccess: new Map(), diagnostics: [] };
  program.probes.forEach((probe, index) => {
    const rows = probe.specs.map((s) => probeKind(s.type));
    if (new Set(rows.map((k) => k.context)).size > 1)
      r.diagnostics.push(
        diag('GT2011', probe.span, { other: 'BEGIN/END/interval' }),
      );
    const returnTime = readsReturnTime(probe);
    const always = rows.some((k) => k.atReturn === 'always');
    if (always && rows.some((k) => k.atReturn === 'when-read') && !returnTime)
      r.diagnostics.push(
        diag('GT2011', probe.span, { other: 'uretprobe' }),
      );
    const first = rows[0];
    const atReturn = first.context === 'function' && (always || (returnTime && first.atReturn !== 'never'));
    const info: BlockInfo = { block: probe, index, kind: first.kind, context: first.context, atReturn, vars: new Map() };
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
  return r;
}

/** Does the block read anything that exists only at return? Then it runs at return. */
function readsReturnTime(probe: ast.Probe): boolean {
  return some([...(probe.predicate ? [probe.predicate] : []), ...probe.body], (n) => n.kind === 'Ident' && BUILTINS[n.name]?.returnTime === true);
}

class Checker {
  private readonly strlen: number;
  /** Variables assigned a value of no known type yet (see assign). */
  private readonly untyped = new Set<string>();

  constructor(
    private readonly r: SemanticResult,
    private readonly block: BlockInfo,
    private readonly opts: Options,
  ) {
    this.strlen = opts.strlen ?? 64;
  }

  private err<C extends Code>(code: C, span: ast.Span, ...args: DiagArgs<C>): void {
    this.r.diagnostics.push(diag(code, span, ...args));
  }

  private errLhist(e: LhistError, span: ast.Span): void {
    this.r.diagnostics.push(diag(e.code, span, e.params as never));
  }

  stmts(ss: ast.Stmt[]): void {
    for (const s of ss) this.stmt(s);
  }

  private stmt(s: ast.Stmt): void {
    switch (s.kind) {
      case 'ExprStmt':
        if (s.expr.kind === 'Call') return this.actionCall(s.expr);
        if (s.expr.kind === 'MapRef' && s.expr.keys.length === 0) {
          // `@m;` alone: bpftrace prints nothing; it is almost surely a mistake in a probe.
          this.err('GT2027', s.expr.span, { name: s.expr.name });
          return;
        }
        this.expr(s.expr);
        return;
      case 'AssignStmt':
        return this.assign(s);
      case 'IncDecStmt':
        if (s.target.kind === 'VarRef') {
          const t = this.block.vars.get(s.target.name);
          if (!t) this.err('GT2002', s.target.span, { name: s.target.name });
          else if (t.k !== 'int') this.err('GT2060', s.span, { op: s.op, type: aTy(t) });
        } else {
          const keys = s.target.keys.map((k) => this.keyExpr(k));
          this.useMap(s.target, 'int', keys, INT);
        }
        return;
      case 'IfStmt':
        this.intExpr(s.cond, 'a condition');
        this.stmts(s.then);
        if (s.else) this.stmts(s.else);
        return;
      case 'BlockStmt':
        return this.stmts(s.body);
      case 'UnrollStmt': // the parser checks the count (GT1010)
        return this.stmts(s.body);
      case 'ReturnStmt':
        return;
      case 'WhileStmt':
        this.intExpr(s.cond, 'a condition');
        return this.stmts(s.body);
    }
  }

  private assign(s: Extract<ast.Stmt, { kind: 'AssignStmt' }>): void {
    const v = s.value;
    const isAgg = v.kind === 'Call' && AGGREGATIONS[v.name] !== undefined;
    if (s.target.kind === 'VarRef') {
      if (isAgg) {
        this.err('GT2021', v.span, { fn: v.name });
        return;
      }
      const t = this.expr(v);
      if (!t) {
        // Its value was wrong (reported) or is a Go value typed only in the second look: its
        // uses say nothing more until then.
        if (!this.block.vars.has(s.target.name)) this.untyped.add(s.target.name);
        return;
      }
      const prev = this.block.vars.get(s.target.name);
      if (s.op !== '=') {
        if (!prev) this.err('GT2002', s.target.span, { name: s.target.name });
        else if (prev.k !== 'int' || t.k !== 'int') this.err('GT2060', s.span, { op: s.op, type: aTy(prev.k !== 'int' ? prev : t) });
        return;
      }
      if (prev && prev.k !== t.k)
        this.err('GT2042', s.span, { name: s.target.name, before: aTy(prev), now: aTy(t) });
      else if (!prev) this.block.vars.set(s.target.name, t);
      return;
    }
    const keys = s.target.keys.map((k) => this.keyExpr(k));
    if (isAgg && v.kind === 'Call') {
      if (s.op !== '=') {
        this.err('GT2022', s.span, { fn: v.name, op: s.op });
        return;
      }
      return this.aggregation(s.target, v, keys);
    }
    const t = this.expr(v);
    if (!t) return;
    if (s.op !== '=' && t.k !== 'int') {
      this.err('GT2060', s.span, { op: s.op, type: aTy(t) });
      return;
    }
    if (t.k === 'ustack') {
      this.err('GT2043', v.span);
      return;
    }
    this.useMap(s.target, t.k === 'str' ? 'str' : 'int', keys, t.k === 'str' ? str(this.strlen) : t);
  }

  private aggregation(target: ast.MapRef, call: Extract<ast.Expr, { kind: 'Call' }>, keys: (Ty | undefined)[]): void {
    const kind = AGGREGATIONS[call.name];
    const want = kind === 'count' ? 0 : kind === 'lhist' ? 4 : 1;
    if (call.args.length !== want) {
      const n = want === 0 ? 'no arguments' : want === 1 ? '1 argument' : `${want} arguments`;
      this.err('GT2023', call.span, { fn: call.name, expected: n, count: call.args.length }, kind === 'lhist' ? ['lhist(value, min, max, step)'] : []);
      return;
    }
    if (call.args[0]) this.intExpr(call.args[0], `${call.name}()'s argument`);
    let lhist: MapInfo['lhist'];
    if (kind === 'lhist') {
      const nums = call.args.slice(1).map((a) => (a.kind === 'IntLit' ? Number(a.value) : NaN));
      if (nums.some((n) => Number.isNaN(n))) {
        this.err('GT2024', call.span);
        return;
      }
      const [min, max, step] = nums;
      const bad = lhistBoundsError(min, max, step);
      if (bad) {
        this.errLhist(bad, call.span);
        return;
      }
      lhist = { min, max, step };
    }
    this.useMap(target, kind, keys, undefined, lhist);
  }

  private useMap(ref: ast.MapRef, kind: MapKind, keys: (Ty | undefined)[], valueType?: Ty, lhist?: MapInfo['lhist']): void {
    if (keys.some((k) => !k)) {
      (this.r.untypedMaps ??= new Set()).add(ref.name);
      return;
    }
    const keyTypes = keys as Ty[];
    const prev = this.r.maps.get(ref.name);
    if (!prev) {
      this.r.maps.set(ref.name, { name: ref.name, kind, keyTypes, valueType, firstUse: ref.span, lhist });
      return;
    }
    if (prev.keyTypes.length !== keyTypes.length) {
      const n = keyTypes.length;
      this.err('GT2040', ref.span, { name: ref.name, keys: `${n} key${n === 1 ? '' : 's'}`, count: prev.keyTypes.length });
    } else if (prev.keyTypes.some((t, i) => t.k !== keyTypes[i].k)) {
      const i = prev.keyTypes.findIndex((t, j) => t.k !== keyTypes[j].k);
      this.err('GT2044', ref.keys[i]?.span ?? ref.span, { name: ref.name, index: i + 1, now: aTy(keyTypes[i]), before: aTy(prev.keyTypes[i]) });
    } else if (prev.kind !== kind) {
      this.err('GT2041', ref.span, { name: ref.name, before: describe(prev.kind), now: describe(kind) });
    } else if (kind === 'lhist' && lhist && prev.lhist && JSON.stringify(lhist) !== JSON.stringify(prev.lhist)) {
      this.err('GT2045', ref.span, { name: ref.name });
    }
  }

  private keyExpr(e: ast.Expr): Ty | undefined {
    const t = this.expr(e);
    if (t?.k === 'str') return str(this.strlen);
    return t;
  }

  intExpr(e: ast.Expr, what: string): void {
    const t = this.expr(e);
    if (t && t.k !== 'int') this.err('GT2061', e.span, { what, type: aTy(t) });
  }

  private event(e: ast.Expr, ev: Omit<EventInfo, 'id'>): void {
    const id = this.r.events.length;
    this.r.events.push({ id, ...ev });
    this.r.eventOf.set(e, id);
  }

  /** execv("PROG", a, b, ...): PROG run with each further argument as one argv element, no
   *  shell (system()'s safe form). PROG is a literal so a probe cannot choose what runs. */
  private execvCall(c: Extract<ast.Expr, { kind: 'Call' }>): void {
    if (!this.opts.unsafe) {
      this.err('GT2080', c.nameSpan, { fn: 'execv' });
      return;
    }
    const prog = c.args[0];
    if (!prog || prog.kind !== 'StrLit' || prog.value === '') {
      this.err('GT2076', prog?.span ?? c.span);
      return;
    }
    const argTypes = c.args.slice(1).map((a) => this.expr(a));
    if (argTypes.some((t) => !t)) return;
    return this.event(c, { kind: 'execv', format: prog.value, argTypes: argTypes as Ty[] });
  }

  /** Calls that are statements: printf, print, exit, clear, ... */
  private actionCall(c: Extract<ast.Expr, { kind: 'Call' }>): void {
    if (AGGREGATIONS[c.name] !== undefined) {
      this.err('GT2020', c.span, { fn: c.name }, [`write @name = ${c.name}(...)`]);
      return;
    }
    switch (c.name) {
      case 'printf':
      case 'system':
      case 'cat':
      case 'time': {
        if ((c.name === 'system' || c.name === 'cat') && !this.opts.unsafe) {
          this.err('GT2080', c.nameSpan, { fn: c.name });
          return;
        }
        const f = c.args[0];
        if (!f) {
          if (c.name === 'time') return this.event(c, { kind: 'time', format: '%H:%M:%S\n', argTypes: [] });
          this.err('GT2070', c.span, { fn: c.name });
          return;
        }
        if (f.kind !== 'StrLit') {
          this.err('GT2071', f.span, { fn: c.name });
          return;
        }
        if (c.name === 'time') {
          if (c.args.length > 1) this.err('GT2031', c.span, { fn: 'time' });
          return this.event(c, { kind: 'time', format: f.value, argTypes: [] });
        }
        const parsed = parseFormat(f.value);
        if (parsed.error) {
          if (parsed.error.tooWide) this.err('GT2075', f.span, { value: parsed.error.tooWide, conv: parsed.error.conv, limit: MAX_WIDTH });
          else this.err('GT2072', f.span, { conv: parsed.error.conv });
          return;
        }
        const convs = parsed.pieces.filter((p) => typeof p !== 'string');
        // %v shows a Go value the way Go would (structs, slices, errors): captured whole.
        const argTypes = c.args.slice(1).map((a, i) => {
          const cv = convs[i];
          return cv && typeof cv !== 'string' && cv.conv === 'v' && isGoPath(a) ? this.goCapture(a) : this.expr(a);
        });
        if (convs.length !== argTypes.length) {
          this.err('GT2073', c.span, {
            fn: c.name,
            convs: `${convs.length} conversion${convs.length === 1 ? '' : 's'}`,
            args: `${argTypes.length} argument${argTypes.length === 1 ? ' follows' : 's follow'}`,
          });
          return;
        }
        let ok = true;
        convs.forEach((cv, i) => {
          const t = argTypes[i];
          if (!t || typeof cv === 'string') return;
          const wantsStr = cv.conv === 's';
          const isStrish = t.k !== 'int';
          if (cv.conv !== 'v' && wantsStr !== isStrish) {
            ok = false;
            this.err('GT2074', c.args[i + 1].span, { conv: cv.text, wanted: wantsStr ? 'a string' : 'an integer', index: i + 1, type: aTy(t) }, wantsStr ? [] : ["use '%s'"]);
          }
        });
        if (!ok || argTypes.some((t) => !t)) return;
        return this.event(c, { kind: c.name as EventKind, format: f.value, argTypes: argTypes as Ty[] });
      }
      case 'execv':
        return this.execvCall(c);
      case 'exit':
        if (c.args.length > 1) this.err('GT2031', c.span, { fn: 'exit' });
        c.args.forEach((a) => this.intExpr(a, "exit()'s argument"));
        return this.event(c, { kind: 'exit', argTypes: c.args.length ? [INT] : [] });
      case 'print': {
        const a = c.args[0];
        if (!a || c.args.length > 3) {
          this.err('GT2032', c.span);
          return;
        }
        if (a.kind === 'MapRef' && a.keys.length === 0) {
          const top = c.args[1]?.kind === 'IntLit' ? Number(c.args[1].value) : undefined;
          const div = c.args[2]?.kind === 'IntLit' ? Number(c.args[2].value) : undefined;
          this.r.namedMaps.push(a);
          return this.event(c, { kind: 'print_map', map: a.name, argTypes: [], top, div });
        }
        const t = isGoPath(a) ? this.goCapture(a) : this.expr(a);
        if (!t) return;
        return this.event(c, { kind: 'print_value', argTypes: [t] });
      }
      case 'clear':
      case 'zero': {
        const a = c.args[0];
        if (c.args.length !== 1 || a.kind !== 'MapRef' || a.keys.length !== 0) {
          this.err('GT2033', c.span, { fn: c.name });
          return;
        }
        this.r.namedMaps.push(a);
        return this.event(c, { kind: c.name, map: a.name, argTypes: [] });
      }
      case 'delete': {
        const a = c.args[0];
        if (c.args.length !== 1 || a.kind !== 'MapRef') {
          this.err('GT2034', c.span);
          return;
        }
        a.keys.forEach((k) => this.keyExpr(k));
        this.r.namedMaps.push(a);
        return;
      }
    }
    this.expr(c);
  }

  /** The access an expression denotes (args.a.b[i], rets.x, retval), or why there is none;
   *  undefined while Go values are not known (checking before resolution). */
  private goPath(e: ast.Expr): AccessResult | undefined {
    const info = this.opts.goInfo?.(this.block.block);
    if (this.block.context !== 'function') return { error: diag('GT2120', e.span) };
    if (e.kind === 'Ident' && e.name === 'retval') return info && rootAccess(info, true, '0', e.span);
    if (e.kind === 'Field') {
      const o = e.object;
      if (o.kind === 'Ident' && (o.name === 'args' || o.name === 'rets')) return info && rootAccess(info, o.name === 'rets', e.field, e.fieldSpan);
      const inner = this.goPath(o);
      if (!inner || 'error' in inner) return inner;
      return fieldAccess(inner.access, e.field, e.fieldSpan);
    }
    if (e.kind === 'Index') {
      const inner = this.goPath(e.object);
      if (!inner || 'error' in inner) return inner;
      this.intExpr(e.index, 'an index');
      return indexAccess(inner.access, e.index, e.span);
    }
    return { error: diag('GT2121', e.span) };
  }

  private goValue(e: ast.Expr, r: AccessResult | undefined, composite = false): Ty | undefined {
    if (!r) return undefined;
    if ('error' in r) {
      this.r.diagnostics.push(r.error);
      return undefined;
    }
    this.r.goAccess.set(e, r.access);
    const t = goTy(r.access.type, this.strlen);
    if ('code' in t) {
      if (composite) return INT;
      this.r.diagnostics.push({ ...t, span: e.span });
      return undefined;
    }
    return t;
  }

  /** A Go value captured whole for print()/%v. */
  private goCapture(e: ast.Expr): Ty | undefined {
    if (e.kind === 'Ident') {
      // retval without DWARF (or before resolution) is the raw RAX.
      const info = this.opts.goInfo?.(this.block.block);
      if (!info || 'error' in info) return this.expr(e);
    }
    const r = this.goPath(e);
    if (!r) return undefined;
    if (this.goValue(e, r, true) === undefined) return undefined;
    // A pointer to a struct prints as Go prints it: &{...}, the struct behind it.
    const acc = this.r.goAccess.get(e)!;
    const u = underlying(acc.type);
    if (u.kind === 'pointer' && u.elem && underlying(u.elem).kind === 'struct') {
      this.r.goAccess.set(e, { root: acc.root, steps: [...acc.steps, { op: 'deref' }], type: u.elem, addressOf: true });
    }
    const g = goFormat(this.r.goAccess.get(e)!.type, this.strlen);
    if ('code' in g) {
      this.r.diagnostics.push({ ...g, span: e.span });
      return undefined;
    }
    const fmt = g.fmt.kind === 'struct' && this.r.goAccess.get(e)!.addressOf ? { ...g.fmt, ref: true } : g.fmt;
    const t: Ty = { k: 'go', fmt, size: g.size };
    this.r.types.set(e, t);
    return t;
  }

  /** len(x) of a Go string, slice, map or chan; str(x) of a Go string or []byte, or of a
   *  pointer to a NUL-terminated string (as bpftrace's str()). */
  private lenOrStr(e: Extract<ast.Expr, { kind: 'Call' }>): Ty | undefined {
    const a = e.args[0];
    if (e.args.length !== 1) {
      this.err('GT2023', e.span, { fn: e.name, expected: '1 argument', count: e.args.length });
      return undefined;
    }
    if (a.kind === 'Field' || a.kind === 'Index' || (a.kind === 'Ident' && a.name === 'retval')) {
      const r = this.goPath(a);
      if (!r) return e.name === 'len' ? INT : str(this.strlen);
      if (this.goValue(a, r, true) === undefined) return undefined;
      const u = underlying(this.r.goAccess.get(a)!.type);
      const ok =
        e.name === 'len'
          ? ['string', 'slice', 'map', 'chan', 'array'].includes(u.kind)
          : u.kind === 'string' || (u.kind === 'slice' && u.elem?.size === 1) || u.kind === 'pointer' || (u.kind === 'base' && u.encoding === 'address');
      if (!ok) {
        this.err('GT2103', a.span, { fn: e.name, type: typeString(this.r.goAccess.get(a)!.type) }, e.name === 'str' ? ['str() reads strings, []byte, and pointers to C strings'] : []);
        return undefined;
      }
      return e.name === 'len' ? INT : str(this.strlen);
    }
    const t = this.expr(a);
    if (!t) return undefined;
    if (e.name === 'len') {
      this.err('GT2103', a.span, { fn: 'len', type: aTy(t) }, ['len() measures Go strings, slices, maps and chans']);
      return undefined;
    }
    if (t.k === 'str') return t;
    if (t.k !== 'int') {
      this.err('GT2103', a.span, { fn: 'str', type: aTy(t) });
      return undefined;
    }
    return str(this.strlen);
  }

  expr(e: ast.Expr): Ty | undefined {
    const t = e.kind === 'Binary' && e.left.kind === 'Binary' ? this.binaryChain(e) : this.exprInner(e);
    if (t) this.r.types.set(e, t);
    return t;
  }

  /** `a + b + c ...` parses into a left-leaning tree as deep as it is long: walk its left spine
   *  with a loop, so a long flat chain costs no stack (grammar/limits.ts). */
  private binaryChain(top: ast.Expr & { kind: 'Binary' }): Ty | undefined {
    const spine: Array<ast.Expr & { kind: 'Binary' }> = [];
    let n: ast.Expr = top;
    for (; n.kind === 'Binary'; n = n.left) spine.push(n);
    let t = this.expr(n);
    for (let i = spine.length - 1; i >= 0; i--) {
      const e = spine[i]!;
      t = this.binary(e, t, this.expr(e.right));
      if (t && i > 0) this.r.types.set(e, t);
    }
    return t;
  }

  /** A Binary node's type from its operands' types (both checked already). */
  private binary(e: ast.Expr & { kind: 'Binary' }, a: Ty | undefined, b: Ty | undefined): Ty | undefined {
    if (!a || !b) return undefined;
    if ((e.op === '==' || e.op === '!=') && a.k === 'str' && b.k === 'str') return INT;
    if (a.k !== 'int' || b.k !== 'int') {
      const bad = a.k !== 'int' ? a : b;
      this.err('GT2060', e.span, { op: `'${e.op}'`, type: aTy(bad) }, bad.k === 'str' && (e.op === '==' || e.op === '!=') ? ['strings compare only with strings'] : []);
      return undefined;
    }
    if ((e.op === '/' || e.op === '%') && e.right.kind === 'IntLit' && e.right.value === 0n) {
      this.err('GT2050', e.right.span);
      return undefined;
    }
    return INT;
  }

  private exprInner(e: ast.Expr): Ty | undefined {
    switch (e.kind) {
      case 'IntLit':
      case 'BoolLit':
        return INT;
      case 'StrLit':
        return str(Math.min(this.strlen, Buffer.byteLength(e.value) + 1));
      case 'NilLit': // compared with pointers, maps, chans, funcs and interfaces (their first word)
        return INT;
      case 'Ident': {
        const b = BUILTINS[e.name];
        if (!b) {
          const near = suggest(e.name, Object.keys(BUILTINS));
          const later = e.name === 'args' || e.name === 'rets';
          this.err('GT2001', e.span, { name: e.name }, later ? ['typed Go arguments are not supported yet: use arg0..arg8'] : near ? [`did you mean '${near}'?`] : []);
          return undefined;
        }
        if (!b.where.includes(this.block.context)) {
          this.err('GT2003', e.span, { name: e.name });
          return undefined;
        }
        if (e.name === 'retval' && this.block.context !== 'function') {
          this.err('GT2005', e.span);
          return undefined;
        }
        if (e.name === 'args' || e.name === 'rets') {
          this.err('GT2100', e.span, { name: e.name }, e.name === 'rets' ? ['rets.NAME, or rets.0 for the first result'] : []);
          return undefined;
        }
        if (e.name === 'retval') {
          // With DWARF, retval is the first result, typed; without, the raw RAX. Before probes
          // are resolved its type is not known yet: the second look decides.
          if (!this.opts.goInfo) return undefined;
          const info = this.opts.goInfo(this.block.block);
          if (info && 'values' in info && info.values.some((v) => v.isResult)) return this.goValue(e, this.goPath(e));
        }
        return b.ty(this.opts);
      }
      case 'VarRef': {
        const t = this.block.vars.get(e.name);
        if (!t && !this.untyped.has(e.name)) this.err('GT2002', e.span, { name: e.name });
        return t;
      }
      case 'MapRef': {
        const keys = e.keys.map((k) => this.keyExpr(k));
        const m = this.r.maps.get(e.name);
        if (m && m.kind !== 'int' && m.kind !== 'str') {
          this.err('GT2026', e.span, { name: e.name, kind: m.kind });
          return undefined;
        }
        if (!m) {
          // A key of unknown type (a Go value before the second look) says nothing of the map.
          if (keys.some((k) => !k)) return undefined;
          this.useMap(e, 'int', keys, INT);
          return INT;
        }
        this.useMap(e, m.kind, keys, m.valueType);
        return m.valueType;
      }
      case 'Call': {
        if (AGGREGATIONS[e.name] !== undefined) {
          this.err('GT2020', e.span, { fn: e.name });
          return undefined;
        }
        if (ACTIONS.includes(e.name)) {
          this.err('GT2028', e.span, { fn: e.name });
          return undefined;
        }
        if (e.name === 'len' || e.name === 'str') return this.lenOrStr(e);
        if (e.name === 'hex' || e.name === 'usym') {
          // Integers shown another way in user space: 0x1f, or the Go function at an address.
          if (e.args.length !== 1) {
            this.err('GT2023', e.span, { fn: e.name, expected: '1 argument', count: e.args.length });
            return undefined;
          }
          this.intExpr(e.args[0], `${e.name}()'s argument`);
          return { k: e.name };
        }
        if (LATER.includes(e.name)) {
          this.err('GT2010', e.nameSpan, { fn: e.name });
          return undefined;
        }
        const near = suggest(e.name, KNOWN_CALLS);
        this.err('GT2004', e.nameSpan, { name: e.name }, near ? [`did you mean '${near}'?`] : []);
        return undefined;
      }
      case 'Unary': {
        const t = this.expr(e.operand);
        if (t && t.k !== 'int') {
          this.err('GT2060', e.span, { op: `'${e.op}'`, type: aTy(t) });
          return undefined;
        }
        return t && INT;
      }
      case 'Binary':
        return this.binary(e, this.expr(e.left), this.expr(e.right));
      case 'Ternary': {
        this.intExpr(e.cond, 'a condition');
        const a = this.expr(e.then);
        const b = this.expr(e.else);
        if (a && b && a.k !== 'int') {
          this.err('GT2062', e.span, { type: tyName(a) });
          return undefined;
        }
        if (a && b && b.k !== 'int') {
          this.err('GT2062', e.span, { type: tyName(b) });
          return undefined;
        }
        return a && b ? INT : undefined;
      }
      case 'Cast': {
        const t = this.expr(e.operand);
        if (t && t.k !== 'int') {
          this.err('GT2063', e.span, { type: aTy(t), target: e.type });
          return undefined;
        }
        return t && INT;
      }
      case 'Field':
      case 'Index':
        return this.goValue(e, this.goPath(e));
      case 'Tuple':
        this.err('GT2012', e.span);
        return undefined;
      case 'Positional': {
        const args = this.opts.positional ?? [];
        if (e.index === '#') {
          this.r.positional.set(e, String(args.length));
          return INT;
        }
        const v = args[e.index - 1];
        if (v === undefined) {
          this.err('GT2090', e.span, { index: e.index, args: `${args.length} argument${args.length === 1 ? '' : 's'}` });
          return undefined;
        }
        if (!/^-?(0x[0-9a-fA-F]+|\d+)$/.test(v)) {
          this.r.positional.set(e, v);
          return str(Math.min(this.strlen, Buffer.byteLength(v) + 1));
        }
        // An integer argument, kept as its decimal value; one that no 64-bit integer holds would
        // otherwise reach clang as a literal it rejects.
        const n = v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v);
        if (n < -(1n << 63n) || n >= 1n << 64n) {
          this.err('GT2091', e.span, { index: e.index, value: v.length > 30 ? v.slice(0, 30) + '...' : v });
          return undefined;
        }
        this.r.positional.set(e, n.toString());
        return INT;
      }
    }
  }
}

/** args.x..., rets.x..., retval: expressions that denote Go values. */
function isGoPath(e: ast.Expr): boolean {
  if (e.kind === 'Ident') return e.name === 'retval';
  if (e.kind === 'Field') return (e.object.kind === 'Ident' && (e.object.name === 'args' || e.object.name === 'rets')) || isGoPath(e.object);
  if (e.kind === 'Index') return isGoPath(e.object);
  return false;
}

function describe(k: MapKind): string {
  return k === 'int' ? 'integers' : k === 'str' ? 'strings' : `${k}()`;
}

type LhistError =
  | { code: 'GT2035'; params: { step: number } }
  | { code: 'GT2025'; params: { min: number; max: number } }
  | { code: 'GT2036'; params: { step: number; range: number } }
  | { code: 'GT2037'; params: { buckets: number } };

/** What is wrong with lhist()'s bounds, in bpftrace's words and order (a step wider than the
 *  range would put every value in the under- or overflow bucket). Unlike bpftrace, a negative
 *  min is allowed: buckets of negative values are well defined here. */
export function lhistBoundsError(min: number, max: number, step: number): LhistError | undefined {
  if (step < 1) return { code: 'GT2035', params: { step } };
  if (min > max) return { code: 'GT2025', params: { min, max } };
  if (step > max - min) return { code: 'GT2036', params: { step, range: max - min } };
  const buckets = Math.floor((max - min) / step);
  if (buckets > 1000) return { code: 'GT2037', params: { buckets } };
  return undefined;
}
