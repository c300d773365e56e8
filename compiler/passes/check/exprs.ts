// Expressions in the checker: one handler per node kind (EXPR), and one per function that has a
// value (VALUE_CALLS); each returns the expression's type, or undefined after reporting why.
import type * as ast from '../../../grammar/ast.js';
import { ACTIONS, AGGREGATIONS, BUILTINS, KNOWN_CALLS, LATER } from '../builtins.js';
import { suggest } from '../suggest.js';
import { DUR, INT, aTy, str, tyName, type Ty } from '../types.js';
import { FnChecker } from './functions.js';
import { isGoCast } from './go.js';
import { TARGET_VAR } from '../builtins.js';
import { fieldTy, tracepointField } from '../tracepoints.js';

type ByKind<K extends ast.Expr['kind']> = Extract<ast.Expr, { kind: K }>;
type Call = ByKind<'Call'>;

export class ExprChecker extends FnChecker {
  /** The type of every expression kind. */
  private static readonly EXPR: { [K in ast.Expr['kind']]: (c: ExprChecker, e: ByKind<K>) => Ty | undefined } = {
    IntLit: () => INT,
    BoolLit: () => INT,
    StrLit: (c, e) => str(Math.min(c.strlen, Buffer.byteLength(e.value) + 1)),
    // Compared with pointers, maps, chans, funcs and interfaces (their first word).
    NilLit: () => INT,
    Ident: (c, e) => c.ident(e),
    VarRef: (c, e) => {
      // $target: the traced process's id (0 without -p/-c); never assigned (GT2225).
      if (e.name === TARGET_VAR) return INT;
      const t = c.block.vars.get(e.name);
      if (!t && !c.untyped.has(e.name)) c.err('GT2002', e.span, { name: e.name });
      return t && namedDuration(e.name, t);
    },
    MapRef: (c, e) => c.mapValue(e),
    Call: (c, e) => c.call(e),
    Unary: (c, e) => {
      const t = c.expr(e.operand);
      if (t && t.k !== 'int') {
        c.err('GT2060', e.span, { op: `'${e.op}'`, type: aTy(t) });
        return undefined;
      }
      return t && INT;
    },
    Binary: (c, e) => c.binary(e, c.expr(e.left), c.expr(e.right)),
    Ternary: (c, e) => c.ternary(e),
    Cast: (c, e) => {
      if (isGoCast(e)) return c.goValue(e, c.goPath(e));
      const t = c.expr(e.operand);
      if (t && t.k !== 'int') {
        c.err('GT2063', e.span, { type: aTy(t), target: e.type });
        return undefined;
      }
      return t && INT;
    },
    Field: (c, e) => (c.block.context === 'go' ? c.goProbeField(e) : c.isTracepointArg(e) ? c.tracepointArg(e) : c.goValue(e, c.goPath(e))),
    Index: (c, e) => c.goValue(e, c.goPath(e)),
    Tuple: (c, e) => c.tuple(e),
    Positional: (c, e) => c.positional(e),
  };

  /** Functions with a value, by name. */
  static readonly VALUE_CALLS: Record<string, (c: ExprChecker, e: Call) => Ty | undefined> = {
    len: (c, e) => c.lenOrStr(e),
    str: (c, e) => (e.args.length === 2 ? c.strN(e) : (c.argString(e) ?? c.lenOrStr(e))),
    // Integers shown another way in user space: 0x1f, or the Go function at an address.
    hex: (c, e) => c.shownAs(e, 'hex'),
    usym: (c, e) => c.shownAs(e, 'usym'),
    // The goroutine id of the runtime.g at an address (runtime.newproc1's callergp, say).
    goidof: (c, e) => c.goidOf(e),
    // A value computed in BPF from the map's buckets (bpf-templates/percentile.bpf.h); as
    // print()'s or printf()'s own argument it is read in user space instead (statements.ts).
    percentile: (c, e) => c.percentileValue(e),
    ...FnChecker.FN_CALLS,
  };

  expr(e: ast.Expr): Ty | undefined {
    const t =
      e.kind === 'Binary' && e.left.kind === 'Binary'
        ? this.binaryChain(e)
        : (ExprChecker.EXPR[e.kind] as (c: ExprChecker, e: ast.Expr) => Ty | undefined)(this, e);
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

  private ident(e: ByKind<'Ident'>): Ty | undefined {
    const b = BUILTINS[e.name];
    if (!b) {
      const near = suggest(e.name, Object.keys(BUILTINS));
      const later = e.name === 'args' || e.name === 'rets';
      this.err(
        'GT2001',
        e.span,
        { name: e.name },
        later ? ['typed Go arguments are not supported yet: use arg0..arg8'] : near ? [`did you mean '${near}'?`] : [],
      );
      return undefined;
    }
    if (!b.where.includes(this.block.context)) {
      if (b.where.includes('kernel')) this.err('GT2226', e.span, { name: e.name });
      else this.err('GT2003', e.span, { name: e.name });
      return undefined;
    }
    if (e.name === 'retval' && this.block.context !== 'function') {
      this.err('GT2005', e.span);
      return undefined;
    }
    // N.B. in a kernel block func is where the thread was in user space, shown as usym().
    if (e.name === 'func' && this.block.context === 'kernel') return { k: 'usym' };
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

  /** args.FIELD in a kernel block: a field of the tracepoint's record. */
  isTracepointArg(e: ast.Expr): e is ByKind<'Field'> {
    return this.block.context === 'kernel' && e.kind === 'Field' && e.object.kind === 'Ident' && e.object.name === 'args';
  }

  tracepointArg(e: ByKind<'Field'>): Ty | undefined {
    const r = tracepointField(this.block.block, this.opts.tracepoints?.get(this.block.block), e);
    if (!r) return undefined;
    if ('error' in r) {
      this.r.diagnostics.push(r.error);
      return undefined;
    }
    this.r.tracepointArgs.set(e, r.field);
    return fieldTy(r.field, this.strlen);
  }

  private mapValue(e: ast.MapRef): Ty | undefined {
    const keys = e.keys.map((k) => this.keyExpr(k));
    const user = this.userKey(e, keys);
    if (user) {
      this.err('GT2350', e.span, { name: e.name, ...user });
      return undefined;
    }
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
    return m.valueType && namedDuration(e.name, m.valueType);
  }

  /** `(a, "b", ...)`: integers, strings (as long as any string: --strlen) and floats. */
  tuple(e: ByKind<'Tuple'>): Ty | undefined {
    const elems = e.elements.map((x) => this.expr(x));
    if (elems.some((t) => !t)) return undefined;
    const bad = e.elements.findIndex((_, i) => !['int', 'str', 'float'].includes(elems[i]!.k));
    if (bad >= 0) {
      this.err('GT2244', e.elements[bad].span, { type: aTy(elems[bad]!) });
      return undefined;
    }
    return { k: 'tuple', elems: elems.map((t) => (t!.k === 'str' ? str(this.strlen) : t!.k === 'int' ? INT : t!)) };
  }

  private call(e: Call): Ty | undefined {
    if (AGGREGATIONS[e.name] !== undefined) {
      this.err('GT2020', e.span, { fn: e.name });
      return undefined;
    }
    if (ACTIONS.includes(e.name)) {
      this.err('GT2028', e.span, { fn: e.name });
      return undefined;
    }
    const handler = ExprChecker.VALUE_CALLS[e.name];
    if (handler) return handler(this, e);
    if (LATER.includes(e.name)) {
      this.err('GT2010', e.nameSpan, { fn: e.name });
      return undefined;
    }
    const near = suggest(e.name, KNOWN_CALLS);
    this.err('GT2004', e.nameSpan, { name: e.name }, near ? [`did you mean '${near}'?`] : []);
    return undefined;
  }

  /** percentile(@h, P) or percentile(@h[k...], P), typed 'pctl': read from the map in user
   *  space when the event is printed (print()/printf()'s own argument). The map is checked
   *  once every block is (semantic.ts), as a later block may write it. */
  protected percentileArg(c: Call): Ty | undefined {
    const [m, p] = c.args;
    if (c.args.length !== 2 || m.kind !== 'MapRef') return void this.err('GT2242', c.span);
    const pv = this.percentileP(p);
    const keys = m.keys.map((k) => this.keyExpr(k));
    if (pv === undefined || keys.some((k) => !k)) return undefined;
    this.r.percentiles.push(m);
    const t: Ty = { k: 'pctl', map: m.name, p: pv, keys: keys as Ty[] };
    this.r.types.set(c, t);
    return t;
  }

  /** percentile() anywhere else: an integer computed in BPF, from the same buckets by the same
   *  rule, so both sides give one number (bpf-templates/percentile.bpf.h). */
  private percentileValue(c: Call): Ty | undefined {
    const t = this.percentileArg(c);
    // A map kept in user space has no buckets in BPF: only print()/printf() read it.
    const user = t?.k === 'pctl' && this.userKey(c.args[0] as ast.MapRef, t.keys);
    if (user) return void this.err('GT2350', c.args[0].span, { name: (c.args[0] as ast.MapRef).name, ...user });
    return t && (this.r.maps.get(t.k === 'pctl' ? t.map : '')?.duration ? DUR : INT);
  }

  /** P: an integer literal or an integer positional parameter ($1), from 0 to 100. */
  private percentileP(p: ast.Expr): number | undefined {
    if (p.kind === 'Positional' && !this.expr(p)) return undefined;
    const v = percentileP(p, this.r.positional);
    if (v !== undefined) return v;
    const text = p.kind === 'IntLit' ? p.text : p.kind === 'Positional' ? this.r.positional.get(p) : undefined;
    this.err('GT2330', p.span, { what: text !== undefined ? `'${text}'` : 'a value computed by the probe' });
    return undefined;
  }

  /** hex(x), usym(x): an integer that user space shows another way. */
  private shownAs(e: Call, k: 'hex' | 'usym'): Ty | undefined {
    if (e.args.length !== 1) {
      this.err('GT2023', e.span, { fn: e.name, expected: '1 argument', count: e.args.length });
      return undefined;
    }
    this.intExpr(e.args[0], `${e.name}()'s argument`);
    return { k };
  }

  /** goidof(g): one integer argument, the address of a runtime.g. */
  private goidOf(e: Call): Ty | undefined {
    if (e.args.length !== 1) {
      this.err('GT2023', e.span, { fn: e.name, expected: '1 argument', count: e.args.length });
      return undefined;
    }
    this.intExpr(e.args[0], `${e.name}()'s argument`);
    return INT;
  }

  /** A Binary node's type from its operands' types (both checked already). */
  private binary(e: ByKind<'Binary'>, a: Ty | undefined, b: Ty | undefined): Ty | undefined {
    if (!a || !b) return undefined;
    if ((e.op === '==' || e.op === '!=') && a.k === 'str' && b.k === 'str') return INT;
    if (a.k !== 'int' || b.k !== 'int') {
      const bad = a.k !== 'int' ? a : b;
      if (bad.k === 'float') {
        this.err('GT2245', e.span, { op: `'${e.op}'` });
        return undefined;
      }
      this.err(
        'GT2060',
        e.span,
        { op: `'${e.op}'`, type: aTy(bad) },
        bad.k === 'str' && (e.op === '==' || e.op === '!=') ? ['strings compare only with strings'] : [],
      );
      return undefined;
    }
    if ((e.op === '/' || e.op === '%') && e.right.kind === 'IntLit' && e.right.value === 0n) {
      this.err('GT2050', e.right.span);
      return undefined;
    }
    return durationOf(e, a, b);
  }

  private ternary(e: ByKind<'Ternary'>): Ty | undefined {
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

  private positional(e: ByKind<'Positional'>): Ty | undefined {
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

/** percentile()'s P when it is a constant from 0 to 100 (the checker and code generation). */
export function percentileP(p: ast.Expr, positional: ReadonlyMap<ast.Expr, string>): number | undefined {
  const text = p.kind === 'IntLit' ? String(p.value) : p.kind === 'Positional' ? positional.get(p) : undefined;
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const v = Number(text);
  return v <= 100 ? v : undefined;
}

/** Which integers are durations (nanoseconds), for time-unit histogram labels: `elapsed`, Go's
 *  time.Duration and Go fields named *_ns or *Ns (govalues.ts), `nsecs - t`, variables and maps
 *  named *_ns, and what + - of a duration, or * / of one by a number, give. Everything else is
 *  a plain number. N.B. a guess from names and sources, never from values: a wrong guess changes
 *  only labels, and --bpftrace-text turns them off. */
function durationOf(e: ByKind<'Binary'>, a: Ty, b: Ty): Ty {
  const da = a.k === 'int' && !!a.dur;
  const db = b.k === 'int' && !!b.dur;
  if (e.op === '-' && e.left.kind === 'Ident' && e.left.name === 'nsecs') return DUR;
  if ((e.op === '+' || e.op === '-') && (da || db)) return DUR;
  if ((e.op === '*' || e.op === '/') && da !== db) return DUR;
  return INT;
}

/** $x_ns, @x_ns: their integers are durations (see durationOf). */
function namedDuration(name: string, t: Ty): Ty {
  return t.k === 'int' && !t.dur && name.endsWith('_ns') ? DUR : t;
}
