// C that captures a Go value for print()/%v as its plan says (compiler/passes/goformat.ts):
// the value's own bytes first, then every slot its format names, read from the target where
// the value points (strings, slice elements, interface data, map headers).
//
// N.B. every read goes through bpf_probe_read_user and a failed one leaves a marker (-1 where
// a length or status goes, "<fault>" in string bytes), never the ring buffer's stale bytes:
// the record is reserved, not zeroed.
import type { RegPiece } from '../go/abi.js';
import { GO_STR_LEN, IFACE_RAW, ifaceLayout } from '../passes/goformat.js';
import type { GoFormat } from '../passes/types.js';

/** Where a Go value is: pieces of a register-assigned root (from byte `base` on), memory, or
 *  (a cast's pointer) the value of a C expression. */
export type GoLoc =
  { kind: 'regs'; pieces: RegPiece[]; base: number; result: boolean } | { kind: 'mem'; addr: string } | { kind: 'value'; expr: string };

/** What the capture needs from the code generator. */
export interface CaptureHost {
  line(s: string): void;
  nested(open: string, body: () => void, close?: string): void;
  tmpU64(expr: string): string;
  /** The 8-byte word at `off` of a location. */
  word(loc: GoLoc, off: number): string;
  reg(r: string, result: boolean): string;
  zero(ptr: string, size: number): void;
}

function shift(loc: GoLoc, off: number): GoLoc {
  if (loc.kind === 'value') return off === 0 ? loc : { kind: 'value', expr: '0' };
  return loc.kind === 'regs' ? { ...loc, base: loc.base + off } : { kind: 'mem', addr: `(${loc.addr} + ${off})` };
}

/** Captures the value at `loc` into the buffer `buf` (a `char *` expression); `scalar` gives
 *  a scalar's value (sized and sign-extended). */
export function emitCapture(h: CaptureHost, fmt: GoFormat, loc: () => GoLoc, buf: string, scalar: () => string): void {
  switch (fmt.kind) {
    case 'int':
    case 'float':
    case 'ptr':
      h.line(`*(__s64 *)${buf} = ${scalar()};`);
      return;
    case 'opaque':
      return;
    case 'struct': {
      const l = loc();
      rawStruct(h, l, buf, fmt.size);
      slots(h, fmt, l, buf);
      return;
    }
    default:
      slots(h, fmt, loc(), buf);
  }
}

/** A struct's own bytes into buf: one read from memory, or its register pieces. */
function rawStruct(h: CaptureHost, loc: GoLoc, buf: string, size: number): void {
  if (loc.kind === 'value') return h.zero(buf, size);
  if (loc.kind === 'mem') {
    h.nested(`if (bpf_probe_read_user(${buf}, ${size}, (void *)${loc.addr})) {`, () => h.zero(buf, size));
    return;
  }
  h.zero(buf, size);
  for (const p of loc.pieces.filter((x) => x.offset >= loc.base && x.offset < loc.base + size))
    h.line(`*(__u${p.size * 8} *)(${buf} + ${p.offset - loc.base}) = (__u${p.size * 8})${h.reg(p.reg, loc.result)};`);
}

/** Reads the slots of a value at `loc` (its own bytes are already in place). */
function slots(h: CaptureHost, fmt: GoFormat, loc: GoLoc, buf: string): void {
  const at = (n: number): string => `(${buf} + ${n})`;
  switch (fmt.kind) {
    case 'struct':
      for (const f of fmt.fields) slots(h, f.fmt, shift(loc, f.offset), buf);
      return;
    case 'str': {
      const len = `*(__s64 *)${at(fmt.slot)}`;
      const dst = at(fmt.slot + GO_STR_LEN);
      if (loc.kind === 'mem') h.line(`${len} = gt_read_gostr_at(${dst}, ${fmt.cap}, ${loc.addr});`);
      else h.line(`${len} = gt_read_gostr(${dst}, ${fmt.cap}, ${h.word(loc, 0)}, ${h.word(loc, 8)});`);
      return;
    }
    case 'map': {
      // hmap.count (Go <= 1.23) and maps.Map.used (swiss maps, 1.24+) are both the first word.
      const p = h.tmpU64(h.word(loc, 0));
      h.line(`*(__s64 *)${at(fmt.slot)} = ${p} ? gt_read_int(${p}, 8, 1) : 0;`);
      return;
    }
    case 'ref': {
      const p = h.tmpU64(h.word(loc, 0));
      h.line(`*(__u64 *)${at(fmt.slot)} = ${p};`);
      h.line(`*(__s64 *)${at(fmt.slot + 8)} = ${p} && bpf_probe_read_user(${at(fmt.slot + 16)}, ${fmt.elem.size}, (void *)${p}) ? -1 : 0;`);
      h.nested(`if (${p}) {`, () => slots(h, fmt.elem, { kind: 'mem', addr: p }, buf));
      return;
    }
    case 'slice':
      return slice(h, fmt, loc, buf);
    case 'iface':
      return iface(h, fmt, loc, buf);
    default:
      return;
  }
}

function slice(h: CaptureHost, fmt: Extract<GoFormat, { kind: 'slice' }>, loc: GoLoc, buf: string): void {
  const at = (n: number): string => `(${buf} + ${n})`;
  const ptr = h.tmpU64(h.word(loc, 0));
  const len = h.tmpU64(h.word(loc, 8));
  const nb = h.tmpU64(`${len} * ${fmt.elemSize}`);
  const max = fmt.elems.length * fmt.elemSize;
  h.line(`*(__u64 *)${at(fmt.slot)} = ${len};`);
  h.line(`if (${nb} > ${max})`);
  h.line(`\t${nb} = ${max};`);
  h.line(`if (${nb} && bpf_probe_read_user(${at(fmt.slot + 8)}, ${nb}, (void *)${ptr}))`);
  h.line(`\t*(__u64 *)${at(fmt.slot)} = (__u64)-1;`);
  fmt.elems.forEach((e, i) => {
    if (!needsReads(e)) return;
    h.nested(`if (${len} > ${i}) {`, () => slots(h, e, { kind: 'mem', addr: `(${ptr} + ${i * fmt.elemSize})` }, buf));
  });
}

/** Whether a format has slots to read beyond its own bytes. */
function needsReads(f: GoFormat): boolean {
  if (f.kind === 'struct') return f.fields.some((x) => needsReads(x.fmt));
  return !['int', 'float', 'ptr', 'opaque'].includes(f.kind);
}

/** An interface: its two words, IFACE_RAW bytes at its data, and the strings and inner
 *  interfaces those bytes may hold (goformat.ts, ifaceLayout). */
function iface(h: CaptureHost, fmt: Extract<GoFormat, { kind: 'iface' }>, loc: GoLoc, buf: string): void {
  const lay = ifaceLayout(fmt.cap);
  const at = (n: number): string => `(${buf} + ${fmt.slot + n})`;
  const t = h.tmpU64(h.word(loc, 0));
  const d = h.tmpU64(h.word(loc, 8));
  const ok = `${d}_ok`;
  h.line(`*(__u64 *)${at(0)} = ${t};`);
  h.line(`*(__u64 *)${at(8)} = ${d};`);
  // A small object may end near the end of a mapping: fall back to its first 16 bytes.
  h.line(
    `int ${ok} = ${d} && (!bpf_probe_read_user(${at(lay.raw)}, ${IFACE_RAW}, (void *)${d}) || !bpf_probe_read_user(${at(lay.raw)}, 16, (void *)${d}));`,
  );
  h.nested(`if (!${ok}) {`, () => h.zero(at(lay.raw), IFACE_RAW));
  const word = (off: number): string => `*(__u64 *)${at(lay.raw + off)}`;
  for (const s of lay.strs)
    h.line(
      `*(__s64 *)${at(s.slot)} = ${ok} ? gt_read_gostr(${at(s.slot + GO_STR_LEN)}, ${fmt.cap}, ${word(s.at)}, ${word(s.at + 8)}) : -1;`,
    );
  for (const i of lay.inner) {
    const w = h.tmpU64(`${ok} ? ${word(i.word)} : 0`);
    h.nested(`if (${w} && !bpf_probe_read_user(${at(i.raw)}, 16, (void *)${w})) {`, () =>
      h.line(
        `*(__s64 *)${at(i.str)} = gt_read_gostr(${at(i.str + GO_STR_LEN)}, ${fmt.cap}, *(__u64 *)${at(i.raw)}, *(__u64 *)${at(i.raw + 8)});`,
      ),
    );
    h.nested('else {', () => {
      h.zero(at(i.raw), 16);
      h.line(`*(__s64 *)${at(i.str)} = -1;`);
    });
  }
}
