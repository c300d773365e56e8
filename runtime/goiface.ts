// An interface's dynamic value, as Go's %v prints it, from its generic capture (goformat.ts,
// ifaceLayout): the dynamic type is named by its itab or type descriptor, and its layout comes
// from the binary's type information.
//
// An error prints its message, as Go's %v calls Error(). BPF cannot call Go code, so the
// message is rebuilt from the fields for the error types of the standard library whose Error()
// is a plain function of their fields (ERROR_TEXT); the wrapped error inside them one level
// deep. Any other dynamic type, errors included, prints as Go prints its value: `&{...}` for a
// pointer to a struct, the value for others. N.B. String() methods are not called either: a
// Stringer prints as its value.
import type { GoType } from '../compiler/go/dwarf-types.js';
import { IFACE_RAW, ifaceLayout } from '../compiler/passes/goformat.js';
import { bareText, goQuote } from './escape.js';
import { floatText, intText, keptBytes, mapText, ptrText, structText, type GoStyle } from './govalue-text.js';
import { errnoText } from './errno.js';

export interface TypeContext {
  /** Name of the Go type whose itab or descriptor is at this address (`*errors.errorString`). */
  typeName?: (addr: bigint) => string | undefined;
  /** The Go type of that name, from the binary's type information. */
  goType?: (name: string) => GoType | undefined;
}

/** What was captured of the object an interface's data word points to. */
interface ObjView {
  /** The object's first bytes (IFACE_RAW at the top, 16 for a wrapped error). */
  raw: Buffer;
  /** The string whose header is at this offset of the object, if captured. */
  str(off: number): Buffer | undefined | 'fault';
  /** The interface at this offset of the object, as text. */
  iface(off: number): string;
}

function under(t: GoType): GoType {
  let u = t;
  for (let i = 0; i < 32 && u.kind === 'named'; i++) u = u.underlying;
  return u;
}

/** A type name with packages by name, as the runtime's descriptors spell them:
 *  `*io/fs.PathError` → `*fs.PathError`. */
function shortName(name: string): string {
  return name.replace(/(?<![\w.])(?:[\w.-]+\/)+(?=[\w-]+\.)/g, '');
}

/** Error types whose Error() is a function of their fields, by short name (shortName): a
 *  template over field offsets, which have not moved in Go 1.17-1.27 (`s` a string at 0, `e` an error at 16...). */
const ERROR_TEXT: Record<string, (v: ObjView) => string | undefined> = {
  '*errors.errorString': (v) => s(v, 0),
  '*fmt.wrapError': (v) => s(v, 0),
  '*fmt.wrapErrors': (v) => s(v, 0),
  // os.PathError is an alias of io/fs.PathError {Op, Path string; Err error}.
  '*fs.PathError': (v) => `${s(v, 0)} ${s(v, 16)}: ${v.iface(32)}`,
  '*os.SyscallError': (v) => `${s(v, 0)}: ${v.iface(16)}`,
  '*os.LinkError': (v) => `${s(v, 0)} ${s(v, 16)} ${s(v, 32)}: ${v.iface(48)}`,
  '*strconv.NumError': (v) => `strconv.${s(v, 0)}: parsing ${q(v, 16)}: ${v.iface(32)}`,
  '*net.AddrError': (v) => (v.str(16) && s(v, 16) !== '' ? `address ${s(v, 16)}: ${s(v, 0)}` : s(v, 0)),
  'syscall.Errno': (v) => (v.raw.length >= 8 ? errnoText(v.raw.readBigUInt64LE(0)) : undefined),
  // {Cert *Certificate; hintErr error; hintCert *Certificate}: the hint's text needs the
  // candidate certificate's name, deeper than a capture goes (then the value prints).
  'x509.UnknownAuthorityError': (v) =>
    v.raw.length >= 16 && v.raw.readBigUInt64LE(8) === 0n ? 'x509: certificate signed by unknown authority' : undefined,
  // {err net.Error}: its Error() is the wrapped error's.
  '*tls.permanentError': (v) => v.iface(0),
  'context.deadlineExceededError': () => 'context deadline exceeded',
  '*context.deadlineExceededError': () => 'context deadline exceeded',
};

function s(v: ObjView, off: number): string {
  const b = v.str(off);
  return b === undefined ? '...' : b === 'fault' ? '<fault>' : bareText(b);
}

function q(v: ObjView, off: number): string {
  const b = v.str(off);
  return b === undefined ? '...' : b === 'fault' ? '<fault>' : goQuote(b);
}

/** The interface captured at `slot` of buf. */
export function ifaceText(buf: Buffer, slot: number, cap: number, ctx: TypeContext, depth = 0, style: GoStyle = 'gotrace'): string {
  const t = buf.readBigUInt64LE(slot);
  const d = buf.readBigUInt64LE(slot + 8);
  if (t === 0n) return '<nil>';
  const lay = ifaceLayout(cap);
  const view: ObjView = {
    raw: buf.subarray(slot + lay.raw, slot + lay.raw + IFACE_RAW),
    str: (off) => {
      const c = lay.strs.find((x) => x.at === off);
      if (!c) return undefined;
      return keptBytes(buf, slot + c.slot, cap) ?? 'fault';
    },
    iface: (off) => {
      const i = lay.inner.find((x) => x.word === off + 8);
      if (!i || off + 16 > IFACE_RAW) return '...';
      const it = view.raw.readBigUInt64LE(off);
      if (it === 0n) return '<nil>';
      const inner: ObjView = {
        raw: buf.subarray(slot + i.raw, slot + i.raw + 16),
        str: (o) => (o === 0 ? (keptBytes(buf, slot + i.str, cap) ?? 'fault') : undefined),
        iface: () => '...',
      };
      return dynamicText(it, view.raw.readBigUInt64LE(off + 8), inner, ctx, depth + 2, style);
    },
  };
  return dynamicText(t, d, view, ctx, depth, style);
}

/** The dynamic value of an interface whose type word is `t` and data word `d`. */
function dynamicText(t: bigint, d: bigint, v: ObjView, ctx: TypeContext, depth: number, style: GoStyle): string {
  const name = ctx.typeName?.(t);
  if (!name) return `type@0x${t.toString(16)}(0x${d.toString(16)})`;
  const rule = ERROR_TEXT[shortName(name)];
  const msg = rule?.(v);
  if (msg !== undefined) return msg;
  const type = ctx.goType?.(name);
  if (!type) return `${name}(0x${d.toString(16)})`;
  const u = under(type);
  switch (u.kind) {
    case 'pointer': {
      const e = u.elem ? under(u.elem) : undefined;
      // Go prints &{...} for a pointer to a struct at the top, an address deeper down.
      if (e?.kind === 'struct' && depth === 0) return `&${valueText(u.elem!, v, 0, ctx, style)}`;
      return d === 0n ? '<nil>' : `0x${d.toString(16)}`;
    }
    case 'map':
      // The data word is the map's header, whose first word is its length.
      return d === 0n ? 'map[]' : mapText(v.raw.length >= 8 ? v.raw.readBigInt64LE(0) : undefined);
    case 'chan':
    case 'func':
      return d === 0n ? '<nil>' : `0x${d.toString(16)}`;
    default:
      // Other values are stored indirectly: the data word points to a copy.
      return valueText(type, v, 0, ctx, style);
  }
}

/** A value of type `t` at `off` of a captured object. */
function valueText(t: GoType, v: ObjView, off: number, ctx: TypeContext, style: GoStyle): string {
  const u = under(t);
  if (off + Math.min(u.size, 1) > v.raw.length) return '...';
  switch (u.kind) {
    case 'base':
      if (u.encoding === 'float') return floatText(v.raw, off, u.size);
      if (u.encoding === 'complex') return '...';
      return intText(v.raw, off, u.size, u.encoding === 'signed', u.encoding === 'bool');
    case 'string':
      return style === 'gotrace' ? q(v, off) : s(v, off);
    case 'pointer':
    case 'chan':
    case 'func':
      return ptrText(v.raw, off);
    case 'map':
      return off + 8 <= v.raw.length && v.raw.readBigUInt64LE(off) === 0n ? 'map[]' : 'map[...]';
    case 'interface':
      return v.iface(off);
    case 'slice': {
      if (off + 24 > v.raw.length) return '...';
      const len = v.raw.readBigInt64LE(off + 8);
      return len === 0n ? '[]' : `[...+${len}]`;
    }
    case 'struct':
      return structText(
        u.members.map((m) => [m.name, valueText(m.type, v, off + m.offset, ctx, style)]),
        style,
      );
    default:
      return `${t.name}{...}`;
  }
}
