// Statements in the checker, and the calls that are statements (printf, print, exit, clear,
// ...), each by a handler in ACTION_CALLS. The Checker is the whole checker: its parents check
// expressions (exprs.ts), Go values (go.ts) and keep maps and events (base.ts).
import type * as ast from '../../../grammar/ast.js';
import { conversionWants, MAX_WIDTH, parseFormat } from '../../format.js';
import { AGGREGATIONS } from '../builtins.js';
import type { EventKind, MapInfo } from '../semantic.js';
import { INT, aTy, str, type Ty } from '../types.js';
import { lhistBoundsError } from './base.js';
import { ExprChecker } from './exprs.js';
import { isGoPath } from './go.js';
import { typeString } from '../../go/abi.js';
import { underlying } from '../govalues.js';
import { TARGET_VAR } from '../builtins.js';

type Call = Extract<ast.Expr, { kind: 'Call' }>;

const isPercentile = (e: ast.Expr): e is Call => e.kind === 'Call' && e.name === 'percentile';

/** Which value types each kind of conversion takes (format.ts, conversionWants): %s shows any
 *  value as text, the float conversions take integers too. */
const CONVERSION_TAKES: Record<ReturnType<typeof conversionWants>, (k: Ty['k']) => boolean> = {
  any: () => true,
  str: (k) => k !== 'int',
  int: (k) => k === 'int',
  float: (k) => k === 'int' || k === 'float',
};
const WANTED: Record<ReturnType<typeof conversionWants>, string> = {
  any: 'a value',
  str: 'a string',
  int: 'an integer',
  float: 'a number',
};

export class Checker extends ExprChecker {
  /** Calls used as statements, by name. */
  private static readonly ACTION_CALLS: Record<string, (c: Checker, call: Call) => void> = {
    printf: (c, call) => c.formatted(call),
    system: (c, call) => c.formatted(call),
    cat: (c, call) => c.formatted(call),
    execv: (c, call) => c.execvCall(call),
    time: (c, call) => c.time(call),
    exit: (c, call) => {
      if (call.args.length > 1) c.err('GT2031', call.span, { fn: 'exit' });
      call.args.forEach((a) => c.intExpr(a, "exit()'s argument"));
      c.event(call, { kind: 'exit', argTypes: call.args.length ? [INT] : [] });
    },
    print: (c, call) => c.print(call),
    clear: (c, call) => c.clearOrZero(call),
    zero: (c, call) => c.clearOrZero(call),
    signal: (c, call) => void c.signal(call),
    join: (c, call) => c.join(call),
    delete: (c, call) => {
      const a = call.args[0];
      if (call.args.length !== 1 || a.kind !== 'MapRef') return c.err('GT2034', call.span);
      const keys = a.keys.map((k) => c.keyExpr(k));
      c.r.namedMaps.push(a);
      // A map kept in user space forgets the key there (runtime/usermaps.ts).
      if (c.userKey(a, keys) && keys.every((k) => k)) c.event(call, { kind: 'map_delete', map: a.name, argTypes: keys as Ty[] });
    },
  };

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
        if (s.target.kind === 'VarRef' && s.target.name === TARGET_VAR) return this.err('GT2225', s.target.span);
        return this.assign(s);
      case 'IncDecStmt':
        if (s.target.kind === 'VarRef' && s.target.name === TARGET_VAR) return this.err('GT2225', s.target.span);
        if (s.target.kind === 'VarRef') {
          const t = this.block.vars.get(s.target.name);
          // A variable holding a Go value is typed in the second look only (see assign).
          if (!t) {
            if (!this.untyped.has(s.target.name)) this.err('GT2002', s.target.span, { name: s.target.name });
          } else if (t.k !== 'int') this.err('GT2060', s.span, { op: s.op, type: aTy(t) });
        } else {
          const keys = s.target.keys.map((k) => this.keyExpr(k));
          const user = this.userKey(s.target, keys);
          if (user) return this.err('GT2351', s.span, { op: s.op, name: s.target.name, ...user });
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
      if (t?.k === 'tuple') return this.err('GT2243', v.span, { use: `held in a variable (${s.target.name})` });
      if (!t) {
        // Its value was wrong (reported) or is a Go value typed only in the second look: its
        // uses say nothing more until then.
        if (!this.block.vars.has(s.target.name)) this.untyped.add(s.target.name);
        return;
      }
      const prev = this.block.vars.get(s.target.name);
      if (s.op !== '=') {
        // A variable holding a Go value is typed in the second look only: nothing to say yet.
        if (!prev) {
          if (!this.untyped.has(s.target.name)) this.err('GT2002', s.target.span, { name: s.target.name });
        } else if (prev.k !== 'int' || t.k !== 'int') this.err('GT2060', s.span, { op: s.op, type: aTy(prev.k !== 'int' ? prev : t) });
        return;
      }
      if (prev && prev.k !== t.k) this.err('GT2042', s.span, { name: s.target.name, before: aTy(prev), now: aTy(t) });
      else if (!prev) this.block.vars.set(s.target.name, t);
      return;
    }
    const keys = s.target.keys.map((k) => this.keyExpr(k));
    const user = this.userKey(s.target, keys);
    if (isAgg && v.kind === 'Call') {
      if (s.op !== '=') {
        this.err('GT2022', s.span, { fn: v.name, op: s.op });
        return;
      }
      this.aggregation(s.target, v, keys);
      if (user) this.userUpdate(s.target, keys, INT);
      return;
    }
    if (user && s.op !== '=') return this.err('GT2351', s.span, { op: s.op, name: s.target.name, ...user });
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
    // buf() and ntop() values are buffers, stored as strings are.
    const stored = t.k === 'str' || t.k === 'buf' || t.k === 'inet';
    const value = t.k === 'str' ? str(this.strlen) : t;
    this.useMap(s.target, stored ? 'str' : 'int', keys, value);
    if (user) this.userUpdate(s.target, keys, value);
  }

  /** An update of a map kept in user space: an event with the keys (Go values captured as print()
   *  captures them) and the value, aggregated by the keys' text in user space. */
  private userUpdate(target: ast.MapRef, keys: (Ty | undefined)[], value: Ty): void {
    if (keys.every((k) => k)) this.event(target, { kind: 'map_update', map: target.name, argTypes: [...(keys as Ty[]), value] });
  }

  private aggregation(target: ast.MapRef, call: Extract<ast.Expr, { kind: 'Call' }>, keys: (Ty | undefined)[]): void {
    const kind = AGGREGATIONS[call.name];
    const want = kind === 'count' ? 0 : kind === 'lhist' ? 4 : 1;
    if (call.args.length !== want) {
      const n = want === 0 ? 'no arguments' : want === 1 ? '1 argument' : `${want} arguments`;
      this.err(
        'GT2023',
        call.span,
        { fn: call.name, expected: n, count: call.args.length },
        kind === 'lhist' ? ['lhist(value, min, max, step)'] : [],
      );
      return;
    }
    const argTy = call.args[0] && this.expr(call.args[0]);
    if (argTy && argTy.k !== 'int') this.err('GT2061', call.args[0].span, { what: `${call.name}()'s argument`, type: aTy(argTy) });
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
    // A histogram of durations gets time-unit labels (check/exprs.ts, durationOf).
    const info = this.r.maps.get(target.name);
    if (info && argTy?.k === 'int' && argTy.dur) info.duration = true;
  }

  /** Calls that are statements: printf, print, exit, clear, ... */
  private actionCall(c: Call): void {
    if (AGGREGATIONS[c.name] !== undefined) return this.err('GT2020', c.span, { fn: c.name }, [`write @name = ${c.name}(...)`]);
    const handler = Checker.ACTION_CALLS[c.name];
    if (handler) return handler(this, c);
    this.expr(c);
  }

  /** The format string of printf/system/cat/time, or undefined after reporting why. */
  private formatArg(c: Call): (ast.Expr & { kind: 'StrLit' }) | undefined {
    const f = c.args[0];
    if (!f) return void this.err('GT2070', c.span, { fn: c.name });
    if (f.kind !== 'StrLit') return void this.err('GT2071', f.span, { fn: c.name });
    return f;
  }

  private time(c: Call): void {
    if (!c.args.length) return this.event(c, { kind: 'time', format: '%H:%M:%S\n', argTypes: [] });
    const f = this.formatArg(c);
    if (!f) return;
    if (c.args.length > 1) this.err('GT2031', c.span, { fn: 'time' });
    this.event(c, { kind: 'time', format: f.value, argTypes: [] });
  }

  /** printf, system, cat: a format and its arguments, checked against each other. */
  private formatted(c: Call): void {
    if ((c.name === 'system' || c.name === 'cat') && !this.opts.unsafe) return this.err('GT2080', c.nameSpan, { fn: c.name });
    const f = this.formatArg(c);
    if (!f) return;
    const parsed = parseFormat(f.value);
    if (parsed.error) {
      if (parsed.error.tooWide)
        return this.err('GT2075', f.span, { value: parsed.error.tooWide, conv: parsed.error.conv, limit: MAX_WIDTH });
      return this.err('GT2072', f.span, { conv: parsed.error.conv });
    }
    const convs = parsed.pieces.filter((p) => typeof p !== 'string');
    // %v shows a Go value the way Go would (structs, slices, errors), %q a Go string quoted as
    // Go quotes it: both captured whole.
    const argTypes = c.args.slice(1).map((a, i) => {
      const cv = convs[i];
      if (c.name === 'printf' && isPercentile(a)) return this.percentileArg(a);
      return cv && typeof cv !== 'string' && (cv.conv === 'v' || cv.conv === 'q') && isGoPath(a) ? this.goCapture(a) : this.expr(a);
    });
    if (convs.length !== argTypes.length) {
      return this.err('GT2073', c.span, {
        fn: c.name,
        convs: `${convs.length} conversion${convs.length === 1 ? '' : 's'}`,
        args: `${argTypes.length} argument${argTypes.length === 1 ? ' follows' : 's follow'}`,
      });
    }
    let ok = true;
    convs.forEach((cv, i) => {
      const t = argTypes[i];
      if (!t || typeof cv === 'string') return;
      if ((cv.conv === 'r') !== (t.k === 'buf')) {
        ok = false;
        if (t.k === 'buf') this.err('GT2270', c.args[i + 1].span, { conv: cv.text });
        else this.err('GT2267', c.args[i + 1].span, { index: i + 1, type: aTy(t) });
        return;
      }
      if (cv.conv === 'q' && !(t.k === 'go' && t.fmt.kind === 'str')) {
        ok = false;
        this.err('GT2074', c.args[i + 1].span, { conv: cv.text, wanted: 'a Go string', index: i + 1, type: aTy(t) }, ["use '%s'"]);
        return;
      }
      const wants = conversionWants(cv.conv);
      if (!CONVERSION_TAKES[wants](t.k === 'pctl' ? 'int' : t.k)) {
        ok = false;
        this.err(
          'GT2074',
          c.args[i + 1].span,
          { conv: cv.text, wanted: WANTED[wants], index: i + 1, type: aTy(t) },
          wants === 'str' ? [] : t.k === 'float' ? ["use '%f' or '%v'"] : ["use '%s'"],
        );
      }
    });
    if (!ok || argTypes.some((t) => !t)) return;
    this.event(c, { kind: c.name as EventKind, format: f.value, argTypes: argTypes as Ty[] });
  }

  private print(c: Call): void {
    const a = c.args[0];
    if (!a || c.args.length > 3) return this.err('GT2032', c.span);
    if (a.kind === 'MapRef' && a.keys.length === 0) {
      const top = c.args[1]?.kind === 'IntLit' ? Number(c.args[1].value) : undefined;
      const div = c.args[2]?.kind === 'IntLit' ? Number(c.args[2].value) : undefined;
      this.r.namedMaps.push(a);
      return this.event(c, { kind: 'print_map', map: a.name, argTypes: [], top, div });
    }
    const t = isPercentile(a) ? this.percentileArg(a) : isGoPath(a) ? this.goCapture(a) : this.expr(a);
    if (t) this.event(c, { kind: 'print_value', argTypes: [t] });
  }

  private clearOrZero(c: Call): void {
    const a = c.args[0];
    if (c.args.length !== 1 || a.kind !== 'MapRef' || a.keys.length !== 0) return this.err('GT2033', c.span, { fn: c.name });
    this.r.namedMaps.push(a);
    this.event(c, { kind: c.name as 'clear' | 'zero', map: a.name, argTypes: [] });
  }

  /** join(args.strs [, "sep"]): a Go []string printed as one line, its strings joined by sep
   *  (a space unless given), as bpftrace's join() prints an argv. */
  private join(c: Call): void {
    if (!this.arity(c, 1, 2)) return;
    const [a, sep] = c.args;
    if (sep && sep.kind !== 'StrLit') return this.err('GT2261', sep.span, { fn: 'join', what: 'separator' });
    if (!isGoPath(a)) {
      const t = this.expr(a);
      if (t) this.err('GT2265', a.span, { type: aTy(t) });
      return;
    }
    const u = this.goComposite(a);
    if (!u) return;
    if (u.kind !== 'slice' || underlying(u.elem!).kind !== 'string')
      return this.err('GT2265', a.span, { type: typeString(this.r.goAccess.get(a)!.type) });
    const t = this.goCapture(a);
    if (t?.k !== 'go') return;
    const joined: Ty = { ...t, join: sep?.kind === 'StrLit' ? sep.value : ' ' };
    this.r.types.set(a, joined);
    this.event(c, { kind: 'join', argTypes: [joined] });
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
}
