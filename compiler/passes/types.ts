// The value types of the script language and their storage layout, shared by the checker, the
// code generator and the runtime's decoders (through the manifest).

/** int: 64-bit signed. str: a bounded string buffer. probe: which (block, function) fired,
 *  printed as the function's name. ustack: a user stack of return addresses. */
export type Ty =
  /** `dur`: a duration in nanoseconds (elapsed, time.Duration, nsecs - t, $x_ns, @x_ns):
   *  histograms of it get time-unit labels (see durationOf in check/exprs.ts). */
  | { k: 'int'; dur?: boolean }
  /** A Go float32/float64 read from memory: its bits, printed as Go prints the float. BPF has
   *  no floating point: floats are printed and stored, never computed. */
  | { k: 'float'; size: number }
  /** `(a, "b")`: a map's value or key, or print()'s argument; elements laid out one after
   *  another as fields are. */
  | { k: 'tuple'; elems: Ty[] }
  /** percentile(@h[k], p) as print()/printf()'s argument: the event carries the keys, user
   *  space reads the map (runtime/percentiles.ts). */
  | { k: 'pctl'; map: string; p: number; keys: Ty[] }
  | { k: 'str'; size: number }
  | { k: 'probe' }
  /** depth: frames kept (127 unless ustack(N)); raw: printed as addresses (ustack(raw)). */
  | { k: 'ustack'; depth?: number; raw?: boolean }
  | { k: 'hex' }
  | { k: 'usym' }
  /** caller: a return address, printed as the innermost (inlined) function it is in. */
  | { k: 'caller' }
  /** strftime(fmt, nsecs): the integer, printed as wall-clock time by fmt. */
  | { k: 'strftime'; fmt: string }
  /** buf(ptr, len): a length word, then up to `size` bytes, printed by %r. */
  | { k: 'buf'; size: number }
  /** ntop(): a family word (0 none, 4, 6), then 16 address bytes, printed as Go prints IPs. */
  | { k: 'inet' }
  /** join: printed as join()'s line, its strings joined by this. */
  | { k: 'go'; fmt: GoFormat; size: number; join?: string };

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
export const DUR: Ty = { k: 'int', dur: true };
export const PROBE: Ty = { k: 'probe' };
export const USTACK: Ty = { k: 'ustack' };
/** Frames a ustack keeps unless ustack(N) says otherwise: bpftrace's default. */
export const USTACK_DEPTH = 127;
/** hist() buckets (GT_LOG2_BUCKETS in shared.h): every 64-bit value has one. */
export const LOG2_BUCKETS = 66;
/** Buckets of a hist() map (LOG2_BUCKETS), or of an lhist(): one under min, one per step, one
 *  from max (gt_linear_bucket in gotrace.bpf.h). */
export function bucketCount(m: { kind: string; lhist?: { min: number; max: number; step: number } }): number {
  if (m.kind === 'lhist') return Math.floor((m.lhist!.max - m.lhist!.min) / m.lhist!.step) + 2;
  return LOG2_BUCKETS;
}
/** Bytes of struct gt_stats (shared.h): count, sum, biased max, then the log2 buckets. */
export const STATS_VALUE_SIZE = 8 * (3 + LOG2_BUCKETS);
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
    case 'caller':
    case 'strftime':
      return 8;
    case 'buf':
      return 8 + Math.ceil(t.size / 8) * 8;
    case 'inet':
      return 24;
    case 'str':
      return Math.ceil(t.size / 8) * 8;
    case 'ustack':
      return 8 * (t.depth ?? USTACK_DEPTH);
    case 'go':
      return Math.ceil(t.size / 8) * 8;
    case 'float':
      return 8;
    case 'tuple':
      return layout(t.elems).size;
    case 'pctl':
      return layout(t.keys).size;
  }
}

const TY_NAMES: Partial<Record<Ty['k'], string>> = { str: 'string', go: 'Go value', pctl: 'percentile' };

export function tyName(t: Ty): string {
  return TY_NAMES[t.k] ?? t.k;
}

/** A type's shape for comparing two uses of a map: `int`, `(int, string)`. */
export function tySig(t: Ty): string {
  return t.k === 'tuple' ? `(${t.elems.map(tySig).join(', ')})` : tyName(t);
}

/** With its article, for messages: "an integer", "a string". */
export function aTy(t: Ty): string {
  return t.k === 'int' ? 'an integer' : `a ${tyName(t)}`;
}

/** A field of a key, value or event: JSON-safe for the manifest. */
export interface Field {
  type: 'int' | 'str' | 'probe' | 'ustack' | 'go' | 'hex' | 'usym' | 'float' | 'tuple' | 'pctl' | 'caller' | 'strftime' | 'buf' | 'inet';
  offset: number;
  size: number;
  /** For 'go' fields: how to print the capture; for 'float' ones, the float's size. */
  go?: GoFormat;
  /** A tuple's elements, or a percentile's keys (offsets within the field). */
  elems?: Field[];
  /** For 'pctl' fields: the map and the percentile. */
  pctl?: { map: string; p: number };
  /** For 'strftime' fields: the format. */
  fmt?: string;
  /** For a join()'s 'go' field: the separator. */
  join?: string;
  /** For 'ustack' fields: printed as raw addresses. */
  raw?: boolean;
}

/** Lay out fields one after another, each 8-aligned. */
export function layout(types: Ty[]): { fields: Field[]; size: number } {
  let off = 0;
  const fields = types.map((t) => {
    const f: Field = { type: t.k, offset: off, size: storageSize(t), ...fieldExtra(t) };
    off += f.size;
    return f;
  });
  return { fields, size: off };
}

/** What a field needs beyond its type and place to be decoded. */
function fieldExtra(t: Ty): Partial<Field> {
  switch (t.k) {
    case 'go':
      return { go: t.fmt, ...(t.join !== undefined ? { join: t.join } : {}) };
    case 'float':
      return { go: { kind: 'float', size: t.size } };
    case 'tuple':
      return { elems: layout(t.elems).fields };
    case 'pctl':
      return { elems: layout(t.keys).fields, pctl: { map: t.map, p: t.p } };
    case 'strftime':
      return { fmt: t.fmt };
    case 'ustack':
      return t.raw ? { raw: true } : {};
    default:
      return {};
  }
}
