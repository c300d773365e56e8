// A captured Go value as text (compiler/passes/goformat.ts plans the capture), in one of three
// styles (GO_STYLES): printf's `%v` and `%+v` print exactly what Go's fmt prints for them
// (`{x 3}`, `{Name:x N:3}`); print() and map keys use gotrace's own form, `{Name: "x", N: 3}`,
// whose quoted strings keep a field's bounds visible. In every style: a pointer at the top
// `&{...}`, deeper pointers as addresses (`depth` counts the levels as Go's printValue does), nil
// as <nil>, slices `[1 2 3]` (`...+N` for elements not captured), maps `map[N entries]` (N.B.
// not Go's entries: only the length is captured), an interface its dynamic value, an error its
// message where gotrace can rebuild it (runtime/goiface.ts).
import type { GoFormat } from '../compiler/passes/types.js';
import { GO_STR_LEN } from '../compiler/passes/goformat.js';
import { bareText, goQuote } from './escape.js';
import { ifaceText, type TypeContext } from './goiface.js';

export type { TypeContext } from './goiface.js';

/** How a Go value is spelled: gotrace's own form, or Go's `%v` / `%+v`. */
export type GoStyle = 'gotrace' | 'v' | '+v';

interface StyleRow {
  /** A struct field, from its name and its value's text. */
  field(name: string, text: string): string;
  /** Between struct fields. */
  sep: string;
  /** A string's bytes. */
  str(b: Buffer): string;
}

export const GO_STYLES: Record<GoStyle, StyleRow> = {
  gotrace: { field: (n, t) => `${n}: ${t}`, sep: ', ', str: goQuote },
  v: { field: (_n, t) => t, sep: ' ', str: bareText },
  '+v': { field: (n, t) => `${n}:${t}`, sep: ' ', str: bareText },
};

/** A struct's text from its fields' names and texts. */
export function structText(fields: readonly (readonly [string, string])[], style: GoStyle): string {
  const row = GO_STYLES[style];
  return `{${fields.map(([n, t]) => row.field(n, t)).join(row.sep)}}`;
}

/** A captured Go string: the bytes kept, then the bytes; undefined when it was unreadable. */
export function keptBytes(buf: Buffer, off: number, cap: number): Buffer | undefined {
  if (off + GO_STR_LEN > buf.length) return undefined;
  const n = Number(buf.readBigInt64LE(off));
  return n < 0 ? undefined : buf.subarray(off + GO_STR_LEN, off + GO_STR_LEN + Math.min(n, cap - 1));
}

/** An integer of `size` bytes at `off`, as Go prints it. */
export function intText(buf: Buffer, off: number, size: number, signed: boolean, bool?: boolean): string {
  if (off + size > buf.length) return '...';
  const bytes = Math.min(8, Math.max(1, size));
  const v = bytes === 8 ? buf.readBigUInt64LE(off) : BigInt(buf.readUIntLE(off, bytes));
  if (bool) return v !== 0n ? 'true' : 'false';
  return (signed ? BigInt.asIntN(bytes * 8, v) : v).toString();
}

/** A float as Go's %v prints it: the shortest digits that read back as the same float32 or
 *  float64, in %e form from exponent 6 up or below -4 (strconv's %g with shortest precision). */
export function floatText(buf: Buffer, off: number, size: number): string {
  if (off + size > buf.length) return '...';
  const v = size === 4 ? buf.readFloatLE(off) : buf.readDoubleLE(off);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  let n = v;
  if (size === 4) {
    for (let p = 1; p <= 9; p++) {
      n = Number(v.toPrecision(p));
      if (Math.fround(n) === v) break;
    }
  }
  const [mant, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return n.toFixed(Math.max(0, (mant.split('.')[1]?.length ?? 0) - e));
}

export function ptrText(buf: Buffer, off: number): string {
  if (off + 8 > buf.length) return '...';
  const v = buf.readBigUInt64LE(off);
  return v === 0n ? '<nil>' : `0x${v.toString(16)}`;
}

export function mapText(count: bigint | undefined): string {
  if (count === undefined) return 'map[...]';
  if (count < 0n) return '<fault>';
  return count === 0n ? 'map[]' : `map[${count} entries]`;
}

/** Text of the value formatted by `fmt` in the capture at `base`; `at` is where its own bytes
 *  are (scalars and structs). */
export function goText(
  buf: Buffer,
  base: number,
  fmt: GoFormat,
  ctx: TypeContext,
  at = base,
  depth = 0,
  style: GoStyle = 'gotrace',
): string {
  switch (fmt.kind) {
    case 'int':
      return intText(buf, at, fmt.size, fmt.signed, fmt.bool);
    case 'float':
      return floatText(buf, at, fmt.size);
    case 'ptr':
      return ptrText(buf, at);
    case 'str': {
      const b = keptBytes(buf, base + fmt.slot, fmt.cap);
      return b ? GO_STYLES[style].str(b) : '<fault>';
    }
    case 'map':
      return mapText(buf.readBigInt64LE(base + fmt.slot));
    case 'opaque':
      return `${fmt.name}{...}`;
    case 'struct':
      return structText(
        fmt.fields.map((f) => [f.name, goText(buf, base, f.fmt, ctx, at + f.offset, depth + 1, style)]),
        style,
      );
    case 'ref': {
      const p = buf.readBigUInt64LE(base + fmt.slot);
      if (p === 0n) return '<nil>';
      if (buf.readBigInt64LE(base + fmt.slot + 8) < 0n) return '<fault>';
      return `&${goText(buf, base, fmt.elem, ctx, base + fmt.slot + 16, depth, style)}`;
    }
    case 'slice': {
      const len = buf.readBigInt64LE(base + fmt.slot);
      if (len === -1n) return '<fault>';
      const n = Math.min(Number(len), fmt.elems.length);
      const items = fmt.elems
        .slice(0, n)
        .map((e, i) => goText(buf, base, e, ctx, base + fmt.slot + 8 + i * fmt.elemSize, depth + 1, style));
      if (Number(len) > n) items.push(`...+${Number(len) - n}`);
      return `[${items.join(' ')}]`;
    }
    case 'iface':
      return ifaceText(buf, base + fmt.slot, fmt.cap, ctx, depth, style);
  }
}
