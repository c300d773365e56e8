// Go values in the checker: `args.req.URL.Path`, `rets.err`, typed `retval`, `args.b[i]`, what
// print()/%v capture whole, and len()/str() of them. Typed only when the pipeline's Go types
// pass gives the checker the functions' parameters (opts.goInfo); before that they stay untyped.
import type * as ast from '../../../grammar/ast.js';
import { diag } from '../../../grammar/catalog/index.js';
import { typeString, type AbiValue } from '../../go/abi.js';
import { suggest } from '../suggest.js';
import { fieldAccess, goFormat, goTy, indexAccess, rootAccess, underlying, type AccessResult } from '../govalues.js';
import { DUR, INT, aTy, str, type Ty } from '../types.js';
import { CheckerBase } from './base.js';
import { goProbe } from '../../go/goruntime.js';

/** args.reason's buffer: the runtime's reason strings are shorter (goruntime.bpf.h). */
const REASON_LEN = 32;

/** A field named like a nanosecond count (start_ns, WaitNs) holds a duration (exprs.ts). */
const DURATION_FIELD = /(_ns|Ns|NS)$/;

export abstract class GoChecker extends CheckerBase {
  /** The access an expression denotes (args.a.b[i], rets.x, retval), or why there is none;
   *  undefined while Go values are not known (checking before resolution). */
  protected goPath(e: ast.Expr): AccessResult | undefined {
    const info = this.opts.goInfo?.(this.block.block);
    if (this.block.context !== 'function') return { error: diag('GT2120', e.span) };
    if (e.kind === 'Ident' && e.name === 'retval') return info && rootAccess(info, true, '0', e.span);
    if (e.kind === 'Field') {
      const o = e.object;
      if (o.kind === 'Ident' && (o.name === 'args' || o.name === 'rets'))
        return info && rootAccess(info, o.name === 'rets', e.field, e.fieldSpan);
      const inner = this.goPath(o);
      if (!inner || 'error' in inner) return inner;
      return fieldAccess(inner.access, e.field, e.fieldSpan);
    }
    if (e.kind === 'Cast' && isGoCast(e)) return this.goCast(e);
    if (e.kind === 'Index') {
      const inner = this.goPath(e.object);
      if (!inner || 'error' in inner) return inner;
      this.intExpr(e.index, 'an index');
      return indexAccess(inner.access, e.index, e.span);
    }
    return { error: diag('GT2121', e.span) };
  }

  /** `(*pkg.T)(x)`: the integer x as a pointer to the named Go type. */
  private goCast(e: Extract<ast.Expr, { kind: 'Cast' }>): AccessResult | undefined {
    const t = this.expr(e.operand);
    if (t && t.k !== 'int') return { error: diag('GT2063', e.span, { type: aTy(t), target: e.type }) };
    const found = this.opts.goType?.(e.type);
    if (!found) return undefined;
    if ('code' in found) return { error: { ...found, span: e.span } };
    return { access: { root: CAST_ROOT, steps: [], type: found, base: e.operand } };
  }

  protected goValue(e: ast.Expr, r: AccessResult | undefined, composite = false): Ty | undefined {
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
    if (t.k === 'int' && !t.dur && e.kind === 'Field' && DURATION_FIELD.test(e.field)) return DUR;
    return t;
  }

  /** `args.FIELD` in a go: block: a field of the block's probes (compiler/go/goruntime.ts),
   *  the same slot in each of them. */
  goProbeField(e: Extract<ast.Expr, { kind: 'Field' }>): Ty | undefined {
    if (e.object.kind !== 'Ident' || e.object.name !== 'args') {
      this.err('GT2121', e.span);
      return undefined;
    }
    const probes = this.block.block.specs.flatMap((s) => (s.kind === 'UprobeSpec' && goProbe(s.func) ? [goProbe(s.func)!] : []));
    if (probes.length === 0) return undefined; // an unknown probe, reported by the check of specs
    const slots = probes.map((p) => p.fields.findIndex((f) => f.name === e.field));
    const missing = slots.indexOf(-1);
    if (missing >= 0) {
      const fields = probes[missing].fields.map((f) => f.name);
      const near = suggest(e.field, fields);
      this.err('GT2201', e.fieldSpan, { probe: probes[missing].name, field: e.field }, [
        near ? `did you mean '${near}'?` : `its fields: ${fields.join(', ')}`,
      ]);
      return undefined;
    }
    const types = probes.map((p, i) => p.fields[slots[i]].type);
    if (new Set(slots).size > 1 || new Set(types).size > 1) {
      this.err('GT2202', e.fieldSpan, { field: e.field, probes: probes.map((p) => 'go:' + p.name).join(', ') });
      return undefined;
    }
    // A Go value (panic's): typed and read as Go values are, from the slots of RAX and RBX.
    if (types[0] === 'any') return this.goValue(e, { access: { root: PANIC_VALUE, steps: [], type: PANIC_VALUE.type } });
    const reason = types[0] === 'reason';
    this.r.goFields.set(e, { slot: slots[0], reason });
    if (reason) return str(Math.min(this.strlen, REASON_LEN));
    // blocked_ns, pause_ns: durations, as Go fields of those names are.
    return DURATION_FIELD.test(e.field) ? DUR : INT;
  }

  /** A map key: a Go value only user space can spell (an error or any interface, a struct, a
   *  slice or array) is captured whole, as print() captures it, and its map is kept in user
   *  space (MapSpec.user: the BPF side sends each update as an event); any other key as before. */
  protected override keyExpr(e: ast.Expr): Ty | undefined {
    const r = this.spelledKey(e);
    if (r === null) return super.keyExpr(e);
    if (r && !('error' in r) && USER_KEY_KINDS.has(underlying(r.access.type).kind)) return this.goCapture(e);
    // The same type the expression has anywhere else (ExprChecker's Field, Index and retval).
    const t = this.goValue(e, r);
    if (t) this.r.types.set(e, t);
    return t?.k === 'str' ? str(this.strlen) : t;
  }

  /** The first key of a map reference that is a Go value spelled in user space (for messages). */
  protected userKey(ref: ast.MapRef, keys: (Ty | undefined)[]): { index: number; type: string } | undefined {
    const i = keys.findIndex((k) => k?.k === 'go');
    if (i < 0) return undefined;
    const acc = this.r.goAccess.get(ref.keys[i]);
    return { index: i + 1, type: acc ? typeString(acc.type) : 'value' };
  }

  /** The access of a key that may be a Go value user space spells; null when it is not one (or
   *  its type is not known yet: the first look, a go: probe's field, retval without results). */
  private spelledKey(e: ast.Expr): AccessResult | undefined | null {
    if (this.block.context !== 'function' || !isGoPath(e) || e.kind === 'Cast') return null;
    const info = this.opts.goInfo?.(this.block.block);
    if (!info || 'error' in info) return null;
    if (e.kind === 'Ident' && !info.values.some((v) => v.isResult)) return null;
    return this.goPath(e);
  }

  /** A Go value captured whole for print()/%v. */
  protected goCapture(e: ast.Expr): Ty | undefined {
    // A tracepoint's field (args.FIELD in a kernel block) is a plain integer or string.
    if (this.block.context === 'kernel') return this.expr(e);
    // go: probes' fields are integers and strings, printed as such, but for panic's value.
    if (this.block.context === 'go') {
      const t = this.expr(e);
      if (!this.r.goAccess.has(e)) return t;
      const g = goFormat(this.r.goAccess.get(e)!.type, this.strlen);
      if ('code' in g) return t;
      const cap: Ty = { k: 'go', fmt: g.fmt, size: g.size };
      this.r.types.set(e, cap);
      return cap;
    }
    if (e.kind === 'Ident') {
      // retval without DWARF (or before resolution) is the raw RAX.
      const info = this.opts.goInfo?.(this.block.block);
      if (!info || 'error' in info) return this.expr(e);
    }
    const r = this.goPath(e);
    if (!r) return undefined;
    if (this.goValue(e, r, true) === undefined) return undefined;
    // A pointer to a struct prints as Go prints it, &{...}: goFormat plans that (a `ref`).
    const g = goFormat(this.r.goAccess.get(e)!.type, this.strlen);
    if ('code' in g) {
      this.r.diagnostics.push({ ...g, span: e.span });
      return undefined;
    }
    const fmt = g.fmt;
    const t: Ty = { k: 'go', fmt, size: g.size };
    this.r.types.set(e, t);
    return t;
  }

  /** len(x) of a Go string, slice, map or chan; str(x) of a Go string or []byte, or of a
   *  pointer to a NUL-terminated string (as bpftrace's str()). */
  protected lenOrStr(e: Extract<ast.Expr, { kind: 'Call' }>): Ty | undefined {
    const a = e.args[0];
    if (e.args.length !== 1) {
      this.err('GT2023', e.span, { fn: e.name, expected: '1 argument', count: e.args.length });
      return undefined;
    }
    const tracepointArg = this.block.context === 'kernel' && a.kind === 'Field';
    if (
      (a.kind === 'Field' && !tracepointArg) ||
      a.kind === 'Index' ||
      (a.kind === 'Ident' && a.name === 'retval') ||
      (a.kind === 'Cast' && isGoCast(a))
    ) {
      const r = this.goPath(a);
      if (!r) return e.name === 'len' ? INT : str(this.strlen);
      if (this.goValue(a, r, true) === undefined) return undefined;
      const u = underlying(this.r.goAccess.get(a)!.type);
      const ok =
        e.name === 'len'
          ? ['string', 'slice', 'map', 'chan', 'array'].includes(u.kind)
          : u.kind === 'string' ||
            (u.kind === 'slice' && u.elem?.size === 1) ||
            u.kind === 'pointer' ||
            (u.kind === 'base' && u.encoding === 'address');
      if (!ok) {
        this.err(
          'GT2103',
          a.span,
          { fn: e.name, type: typeString(this.r.goAccess.get(a)!.type) },
          e.name === 'str' ? ['str() reads strings, []byte, and pointers to C strings'] : [],
        );
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
}

/** Go values that are map keys only as user space spells them (check/go.ts, keyExpr). */
const USER_KEY_KINDS = new Set(['interface', 'struct', 'slice', 'array']);

/** args.x..., rets.x..., retval: expressions that denote Go values. */
export function isGoPath(e: ast.Expr): boolean {
  if (e.kind === 'Ident') return e.name === 'retval';
  if (e.kind === 'Field')
    return (e.object.kind === 'Ident' && (e.object.name === 'args' || e.object.name === 'rets')) || isGoPath(e.object);
  if (e.kind === 'Index') return isGoPath(e.object);
  return e.kind === 'Cast' && isGoCast(e);
}

/** A Go pointer cast, `(*pkg.T)(x)`, rather than an integer one. */
export function isGoCast(e: Extract<ast.Expr, { kind: 'Cast' }>): boolean {
  return e.type.startsWith('*');
}

/** The root of a cast's access: no parameter, the address is the cast's operand (GoAccess.base). */
const CAST_ROOT: AbiValue = {
  name: '(cast)',
  type: { kind: 'unknown', name: '?', size: 8, tag: 0 },
  isResult: false,
  location: { kind: 'unknown', reason: 'a cast' },
};

/** go:panic's args.value: runtime.gopanic's `e any`, in RAX (type) and RBX (data). */
const PANIC_VALUE: AbiValue = {
  name: 'value',
  type: { kind: 'interface', name: 'interface {}', size: 16, empty: true },
  isResult: false,
  location: {
    kind: 'regs',
    pieces: [
      { reg: 'RAX', offset: 0, size: 8 },
      { reg: 'RBX', offset: 8, size: 8 },
    ],
  },
};
