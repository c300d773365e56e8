// The value types of the script language and their storage layout, shared by the checker, the
// code generator and the runtime's decoders (through the manifest).

/** int: 64-bit signed. str: a bounded string buffer. probe: which (block, function) fired,
 *  printed as the function's name. ustack: a user stack of return addresses. */
export type Ty =
  | { k: 'int' }
  | { k: 'str'; size: number }
  | { k: 'probe' }
  | { k: 'ustack' }
  | { k: 'hex' }
  | { k: 'usym' }
  | { k: 'go'; fmt: GoFormat; size: number };

/** How a Go value captured for print()/%v is laid out and printed (JSON-safe: it travels in the
 *  manifest; compiler/passes/goformat.ts plans it). A capture starts with the value's own bytes
 *  (its raw area, padded to 8) and goes on with slots, at fixed offsets, for what the value points
 *  to: string bytes, slice elements, interface data, map counts. Scalars and structs are read
 *  from the raw bytes of whatever holds them (`at` when decoding); the other kinds name their
 *  slot. */
export type GoFormat =
  | { kind: 'int'; size: number; signed: boolean; bool?: boolean }
  | { kind: 'float'; size: number }
  /** Printed as an address, nil as <nil>. */
  | { kind: 'ptr' }
  /** At slot: the bytes kept (an int64, -1 when unreadable), then `cap` bytes of the string. */
  | { kind: 'str'; cap: number; slot: number }
  /** At slot: type word, data word, IFACE_RAW bytes at data, then string candidates (see
   *  goformat.ts, IFACE_LAYOUT): user space picks the dynamic type's layout from them. */
  | { kind: 'iface'; cap: number; empty: boolean; slot: number }
  /** At slot: the map's length (nil: 0). */
  | { kind: 'map'; slot: number }
  | { kind: 'opaque'; name: string }
  | { kind: 'struct'; name: string; size: number; fields: { name: string; offset: number; fmt: GoFormat }[] }
  /** A pointer printed as Go prints one at the top: &{...}. At slot: the pointer, a status
   *  word (-1: unreadable) and the struct's bytes. */
  | { kind: 'ref'; slot: number; elem: Extract<GoFormat, { kind: 'struct' }> }
  /** At slot: the length (-1: unreadable), then the first elements' bytes, `elems.length` of
   *  them, element i formatted by elems[i] (whose slots are its own). */
  | { kind: 'slice'; slot: number; elemSize: number; elems: GoFormat[] };

export const INT: Ty = { k: 'int' };
export const PROBE: Ty = { k: 'probe' };
export const USTACK: Ty = { k: 'ustack' };
export const USTACK_DEPTH = 16;
export const COMM_SIZE = 16;

export function str(size: number): Ty {
  return { k: 'str', size };
}

/** Bytes a value of the type takes in a key, value or event, padded to 8. */
export function storageSize(t: Ty): number {
  switch (t.k) {
    case 'int':
    case 'probe':
    case 'hex':
    case 'usym':
      return 8;
    case 'str':
      return Math.ceil(t.size / 8) * 8;
    case 'ustack':
      return 8 * USTACK_DEPTH;
    case 'go':
      return Math.ceil(t.size / 8) * 8;
  }
}

export function tyName(t: Ty): string {
  return t.k === 'str' ? 'string' : t.k === 'probe' ? 'probe' : t.k === 'go' ? 'Go value' : t.k;
}

/** With its article, for messages: "an integer", "a string". */
export function aTy(t: Ty): string {
  return t.k === 'int' ? 'an integer' : `a ${tyName(t)}`;
}

/** A field of a key, value or event: JSON-safe for the manifest. */
export interface Field {
  type: 'int' | 'str' | 'probe' | 'ustack' | 'go' | 'hex' | 'usym';
  offset: number;
  size: number;
  /** For 'go' fields: how to print the capture. */
  go?: GoFormat;
}

/** Lay out fields one after another, each 8-aligned. */
export function layout(types: Ty[]): { fields: Field[]; size: number } {
  let off = 0;
  const fields = types.map((t) => {
    const f: Field = { type: t.k, offset: off, size: storageSize(t), ...(t.k === 'go' ? { go: t.fmt } : {}) };
    off += f.size;
    return f;
  });
  return { fields, size: off };
}
