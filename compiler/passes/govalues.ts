// Typing Go values: `args.req.URL.Path`, `rets.err`, `retval`, `args.b[3]`. An access starts at
// a parameter or result, placed by Go's register ABI (compiler/go/abi.ts), and walks fields,
// pointers (dereferenced automatically, as Go does) and elements. The code generator turns the
// walk into register reads and bpf_probe_read_user calls.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { AbiValue } from '../go/abi.js';
import { typeString } from '../go/abi.js';
import type { GoType } from '../go/dwarf-types.js';
import { suggest } from './suggest.js';
import { DUR, INT, str, type Ty } from './types.js';

/** What a block may read: its function's parameters and results, or why it cannot (a
 *  diagnostic without its span: each use places it). A block over functions of different
 *  signatures has `variants`, one per signature with the probe ids of its functions: a value
 *  it reads must have one type in all of them, wherever each one's ABI puts it. */
export type GoValueInfo = { values: AbiValue[]; func: string; variants?: GoVariant[] } | { error: Diagnostic };

export interface GoVariant {
  ids: number[];
  values: AbiValue[];
  func: string;
}

export type GoStep =
  | { op: 'field'; offset: number }
  | { op: 'deref' }
  | { op: 'index'; index: ast.Expr; elemSize: number; container: 'slice' | 'array'; length?: number };

export interface GoAccess {
  root: AbiValue;
  steps: GoStep[];
  /** The Go type reached. */
  type: GoType;
  /** A cast's operand, `(*T)(base)`: the root is the pointer this expression computes. */
  base?: ast.Expr;
}

export function underlying(t: GoType): GoType {
  let u = t;
  for (let i = 0; i < 32 && u.kind === 'named'; i++) u = u.underlying;
  return u;
}

/** The script type of a Go value, or why it cannot be used as one (a diagnostic without span). */
export function goTy(t: GoType, strlen: number): Ty | Diagnostic {
  const u = underlying(t);
  switch (u.kind) {
    case 'base':
      if (u.encoding === 'complex') return diag('GT2123', undefined, { type: typeString(t) });
      if (u.encoding === 'float') return { k: 'float', size: u.size };
      // Go's own durations (a base type of that name in Go's DWARF, or a named one); Go values
      // named like one are durations too (check/go.ts).
      return t.name === 'time.Duration' ? DUR : INT;
    case 'pointer':
    case 'map':
    case 'chan':
    case 'func':
    case 'interface':
      return INT;
    case 'string':
      return str(strlen);
    case 'slice':
    case 'array':
    case 'struct':
      return diag('GT2102', undefined, { type: typeString(t), readers: u.kind === 'slice' ? 'len() or str()' : 'len()' });
    default:
      return diag('GT2124', undefined);
  }
}

export type AccessResult = { access: GoAccess } | { error: Diagnostic };

/** `args.NAME` / `rets.NAME` / `rets.N` / `rets.error` (the result of type error). */
export function rootAccess(info: GoValueInfo, results: boolean, name: string, span: ast.Span): AccessResult {
  if ('error' in info) return { error: { ...info.error, span } };
  if (!info.variants) return valueNamed(info.values, info.func, results, name, span);
  // Each signature places the value on its own: the code generator picks the place by probe id.
  const found: { ids: number[]; v: AbiValue }[] = [];
  for (const vr of info.variants) {
    const r = valueNamed(vr.values, vr.func, results, name, span);
    if ('error' in r) return r;
    found.push({ ids: vr.ids, v: r.access.root });
  }
  const types = new Set(found.map((f) => typeString(f.v.type)));
  if (types.size > 1) {
    const funcs = info.variants.map((v) => v.func);
    return { error: diag('GT2122', span, { name, funcs: funcs.slice(0, 3).join(', ') + (funcs.length > 3 ? ', ...' : '') }) };
  }
  const root: AbiValue = { ...found[0].v, perProbe: found.map((f) => ({ ids: f.ids, location: f.v.location })) };
  return { access: { root, steps: [], type: root.type } };
}

/** The value `name` of one signature. */
function valueNamed(values: AbiValue[], func: string, results: boolean, name: string, span: ast.Span): AccessResult {
  const group = values.filter((v) => v.isResult === results);
  let v: AbiValue | undefined;
  // By position: rets.0, and args.0 (the receiver of a method first), with or without names.
  if (/^\d+$/.test(name)) v = group.find((x) => x.name === name) ?? group[Number(name)];
  else v = group.find((x) => x.name === name || (results && x.name === `~r${name}`));
  // rets.error: the (last) result of type error, whatever its name and position.
  if (!v && results && name === 'error') v = [...group].reverse().find((x) => isErrorType(x.type));
  if (!v) {
    const names = group.map((x) => x.name);
    const near = suggest(name, names);
    const what = results ? 'result' : 'parameter';
    // N.B. only digits for names: the signature came from the type descriptors of a binary
    // without DWARF, which know positions, not names.
    const unnamed = names.length > 0 && names.every((n) => /^\d+$/.test(n));
    const hint = unnamed
      ? `without DWARF (stripped?) its ${what}s are known by position only: ${names.map((n) => `${results ? 'rets' : 'args'}.${n}`).join(', ')}; names need its debug information (--debug-file)`
      : near
        ? `did you mean '${near}'?`
        : names.length
          ? `its ${what}s: ${names.join(', ')}`
          : `it has no ${what}s`;
    return { error: diag('GT2105', span, { func, what, name }, [hint]) };
  }
  if (v.location.kind === 'unknown') return { error: diag('GT2106', span, { name, func, reason: v.location.reason }) };
  if (v.location.kind === 'regs' && v.location.pieces.some((p) => p.reg.startsWith('X'))) return { error: diag('GT2107', span, { name }) };
  return { access: { root: v, steps: [], type: v.type } };
}

/** Go's predeclared error interface (as the DWARF and the type descriptors name it). */
export function isErrorType(t: GoType): boolean {
  return typeString(t) === 'error';
}

/** `.FIELD` on an access: through pointers automatically, like Go's selector. */
export function fieldAccess(a: GoAccess, field: string, span: ast.Span): AccessResult {
  let t = underlying(a.type);
  const steps = [...a.steps];
  if (t.kind === 'pointer') {
    if (!t.elem) return { error: diag('GT2108', span, { field, type: typeString(a.type) }) };
    steps.push({ op: 'deref' });
    t = underlying(t.elem);
  }
  if (t.kind !== 'struct') return { error: diag('GT2101', span, { type: typeString(a.type), field }) };
  const m = t.members.find((x) => x.name === field);
  if (!m) {
    // Fields promoted from embedded structs, one level down (the common case).
    for (const e of t.members.filter((x) => x.embedded)) {
      const inner = underlying(e.type);
      if (inner.kind === 'struct') {
        const im = inner.members.find((x) => x.name === field);
        if (im)
          return {
            access: { ...a, steps: [...steps, { op: 'field', offset: e.offset }, { op: 'field', offset: im.offset }], type: im.type },
          };
      }
    }
    const near = suggest(
      field,
      t.members.map((x) => x.name),
    );
    const hint = near ? `did you mean '${near}'?` : `its fields: ${t.members.map((x) => x.name).join(', ')}`;
    return { error: diag('GT2101', span, { type: typeString(a.type), field }, [hint]) };
  }
  steps.push({ op: 'field', offset: m.offset });
  return { access: { ...a, steps, type: m.type } };
}

/** `[i]` on a slice, an array or a pointer to an array. */
export function indexAccess(a: GoAccess, index: ast.Expr, span: ast.Span): AccessResult {
  let t = underlying(a.type);
  const steps = [...a.steps];
  if (t.kind === 'pointer' && t.elem && underlying(t.elem).kind === 'array') {
    steps.push({ op: 'deref' });
    t = underlying(t.elem);
  }
  if ((t.kind === 'slice' || t.kind === 'array') && t.elem) {
    steps.push({ op: 'index', index, elemSize: t.elem.size, container: t.kind, ...(t.kind === 'array' ? { length: t.length } : {}) });
    return { access: { ...a, steps, type: t.elem } };
  }
  return { error: diag('GT2109', span, { type: typeString(a.type) }) };
}

export { goFormat, GO_STR_LEN, MAX_CAPTURE, SLICE_ELEMS } from './goformat.js';
