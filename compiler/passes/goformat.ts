// Planning the capture of a Go value for print()/%v: which bytes of the target the BPF side
// copies, and where in the event each lands (types.ts, GoFormat). The plan follows Go's %v: a
// struct prints every field, strings and slices inside it print their contents, a pointer at
// the top prints as &{...} and deeper ones as addresses, an interface prints its dynamic value
// (an error its message), a map its length.
//
// N.B. an interface's dynamic type is known only when the event arrives, so its capture is
// generic: the first IFACE_RAW bytes its data word points to, and the strings whose headers
// may sit in them (IFACE_LAYOUT). User space then reads that object with the dynamic type's
// layout from the DWARF (runtime/govalue-text.ts); a string beyond the candidates, or a
// field beyond IFACE_RAW bytes, prints as `...`.
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { typeString } from '../go/abi.js';
import type { GoType } from '../go/dwarf-types.js';
import type { GoFormat } from './types.js';

/** Largest struct print()/%v captures whole; larger ones are printed field by field. */
export const MAX_CAPTURE = 256;
/** Largest capture of one value, slots included: past it, parts print as TYPE{...}. */
export const MAX_CAPTURE_BYTES = 8192;
/** Elements of a slice print() shows; the rest are counted (`...+N`). */
export const SLICE_ELEMS = 16;
/** A captured Go string starts with the number of bytes kept (-1: unreadable), so its NULs,
 *  trailing ones included, print as Go prints them. */
export const GO_STR_LEN = 8;
/** Bytes of an interface's data object captured. */
export const IFACE_RAW = 64;

/**
 * Where an interface's capture keeps what it copies, from its slot: the type word, the data
 * word, IFACE_RAW bytes at data; then a string for each header that may sit in those bytes
 * (`strs`: every 8-aligned offset up to 48, which covers errorString.s, wrapError.msg,
 * PathError.Op/Path, NumError.Func/Num and the string fields of small structs); then, for the interfaces that may sit there (`inner`: their data
 * words at 8, 24, 40, e.g. PathError.Err), 16 bytes at that inner data and the string they
 * may head: one level of wrapped errors (`open x: no such file`).
 */
export function ifaceLayout(cap: number): {
  raw: number;
  strs: { at: number; slot: number }[];
  inner: { word: number; raw: number; str: number }[];
  size: number;
} {
  let next = 16 + IFACE_RAW;
  const strs = [0, 8, 16, 24, 32, 40, 48].map((at) => {
    const slot = next;
    next += GO_STR_LEN + align8(cap);
    return { at, slot };
  });
  const inner = [8, 24, 40].map((word) => {
    const raw = next;
    const str = raw + 16;
    next = str + GO_STR_LEN + align8(cap);
    return { word, raw, str };
  });
  return { raw: 16, strs, inner, size: next };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function under(t: GoType): GoType {
  let u = t;
  for (let i = 0; i < 32 && u.kind === 'named'; i++) u = u.underlying;
  return u;
}

/** Hands out slots in the capture, within MAX_CAPTURE_BYTES. */
class Planner {
  size = 0;
  constructor(private readonly strlen: number) {}

  alloc(n: number): number | undefined {
    if (this.size + align8(n) > MAX_CAPTURE_BYTES) return undefined;
    const at = this.size;
    this.size += align8(n);
    return at;
  }

  /** The format of a value held in some raw bytes (a field, an element). */
  inner(t: GoType, depth: number): GoFormat {
    const u = under(t);
    const opaque: GoFormat = { kind: 'opaque', name: typeString(t) };
    switch (u.kind) {
      case 'base':
        return scalar(u) ?? opaque;
      case 'pointer':
      case 'chan':
      case 'func':
        return { kind: 'ptr' };
      case 'map': {
        const slot = this.alloc(8);
        return slot === undefined ? opaque : { kind: 'map', slot };
      }
      case 'string': {
        const slot = this.alloc(GO_STR_LEN + this.strlen);
        return slot === undefined ? opaque : { kind: 'str', cap: this.strlen, slot };
      }
      case 'interface': {
        const slot = this.alloc(ifaceLayout(this.strlen).size);
        return slot === undefined ? opaque : { kind: 'iface', cap: this.strlen, empty: u.empty, slot };
      }
      case 'struct':
        if (depth > 6) return opaque;
        return {
          kind: 'struct',
          name: typeString(t),
          size: u.size,
          fields: u.members.map((m) => ({ name: m.name, offset: m.offset, fmt: this.inner(m.type, depth + 1) })),
        };
      case 'slice':
        return (depth < 4 && u.elem && this.slice(u.elem, depth)) || opaque;
      default:
        return opaque;
    }
  }

  /** A slice's length and first elements: as many as fit, each planned in turn. */
  private slice(elem: GoType, depth: number): GoFormat | undefined {
    if (elem.size > MAX_CAPTURE || elem.size === 0) return undefined;
    const mark = this.size;
    const slot = this.alloc(8 + SLICE_ELEMS * elem.size);
    if (slot === undefined) return undefined;
    const elems: GoFormat[] = [];
    for (let i = 0; i < SLICE_ELEMS; i++) {
      const f = this.inner(elem, depth + 1);
      // Out of room: the elements captured so far print, the rest are counted.
      if (f.kind === 'opaque' && SLOT_KINDS.includes(under(elem).kind)) break;
      elems.push(f);
    }
    if (elems.length === 0) {
      this.size = mark;
      return undefined;
    }
    return { kind: 'slice', slot, elemSize: elem.size, elems };
  }
}

/** Kinds whose capture takes a slot of its own. */
const SLOT_KINDS: string[] = ['map', 'string', 'interface', 'slice'];

function scalar(u: Extract<GoType, { kind: 'base' }>): GoFormat | undefined {
  if (u.encoding === 'complex') return undefined;
  if (u.encoding === 'float') return { kind: 'float', size: u.size };
  return { kind: 'int', size: u.size, signed: u.encoding === 'signed', ...(u.encoding === 'bool' ? { bool: true } : {}) };
}

/** The capture format of a Go value for print()/%v, with its size, or why it cannot be shown
 *  (a diagnostic without span). */
export function goFormat(t: GoType, strlen: number): { fmt: GoFormat; size: number } | Diagnostic {
  const u = under(t);
  const p = new Planner(strlen);
  const done = (fmt: GoFormat): { fmt: GoFormat; size: number } => ({ fmt, size: Math.max(8, p.size) });
  if (u.kind === 'base') {
    const f = scalar(u);
    if (!f) return diag('GT2104', undefined, { type: typeString(t) });
    p.alloc(8);
    return done(f);
  }
  if (u.kind === 'pointer' && u.elem && under(u.elem).kind === 'struct') {
    // A pointer at the top prints as Go prints it: &{...}, the struct behind it.
    const s = under(u.elem);
    if (s.size > MAX_CAPTURE) return diag('GT2125', undefined, { type: typeString(u.elem), size: s.size, max: MAX_CAPTURE });
    const slot = p.alloc(16 + s.size)!;
    const elem = p.inner(u.elem, 0) as Extract<GoFormat, { kind: 'struct' }>;
    return done({ kind: 'ref', slot, elem });
  }
  if (u.kind === 'struct') {
    if (u.size > MAX_CAPTURE) return diag('GT2125', undefined, { type: typeString(t), size: u.size, max: MAX_CAPTURE });
    p.alloc(Math.max(8, u.size));
    return done(p.inner(t, 0));
  }
  if (u.kind === 'pointer' || u.kind === 'chan' || u.kind === 'func') {
    p.alloc(8);
    return done({ kind: 'ptr' });
  }
  const f = p.inner(t, 0);
  if (f.kind === 'opaque') return diag('GT2104', undefined, { type: typeString(t) });
  return done(f);
}
