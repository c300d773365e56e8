// File and line for a pc, from the per-function tables in .gopclntab that
// Go's runtime uses for its own tracebacks, so this works on stripped
// binaries too.
//
// Each function's _func record points at pc-value tables (pcfile, pcln)
// encoded as a series of (value delta, pc delta) varint pairs: the value
// starts at -1 and the pc at the function's entry, each value delta is
// zig-zag encoded and each pc delta is scaled by the header's minimum
// instruction size; a value delta of 0 after the first pair ends the table.
// The value at pc is the one of the pair whose range [prev pc, pc) holds it.
//
// Where the records are (see pclntab.ts for the table headers); offsets of
// the fields used here, in bytes from the start of _func:
//   format   _func at                 args  pcfile  pcln  cuOffset  pc tables from
//   go1.2    table + funcoff          12    24      28    -         table start
//   go1.16   functab + funcoff        12    24      28    36        pctab
//   go1.18+  functab + funcoff        8     20      24    32        pctab
// File names: go1.2 indexes filetab (uint32 string offsets from the table
// start) with the pcfile value directly; go1.16+ looks the value up in the
// function's compilation unit, cutab[cuOffset + value], a uint32 offset into
// filetab (all ones: no file).
import type { Pclntab } from './pclntab.js';

export interface PcPosition {
  file?: string;
  line?: number;
}

interface Layout {
  funcRecord: (i: number) => number;
  args: number;
  pcfile: number;
  pcln: number;
  cuOffset: number;
  pctab: number;
  cutab: number;
  filetab: number;
}

export class PclnLines {
  private readonly b: Buffer;
  private readonly minLC: number;
  private readonly layout: Layout;
  private readonly fileCache = new Map<number, string>();

  constructor(t: Pclntab) {
    const b = t.data;
    this.b = b;
    this.minLC = b[6] || 1;
    const word = (off: number) => Number(b.readBigUInt64LE(off));
    const n = word(8);
    if (t.format === 'go1.2') {
      const ftab = 16;
      this.layout = {
        funcRecord: (i) => word(ftab + 16 * i + 8),
        args: 12,
        pcfile: 24,
        pcln: 28,
        cuOffset: -1,
        pctab: 0,
        cutab: 0,
        filetab: b.readUInt32LE(ftab + 16 * n + 8),
      };
    } else if (t.format === 'go1.16') {
      const ftab = word(56);
      this.layout = {
        funcRecord: (i) => ftab + word(ftab + 16 * i + 8),
        args: 12,
        pcfile: 24,
        pcln: 28,
        cuOffset: 36,
        pctab: word(48),
        cutab: word(32),
        filetab: word(40),
      };
    } else {
      const ftab = word(64);
      this.layout = {
        funcRecord: (i) => ftab + b.readUInt32LE(ftab + 8 * i + 4),
        args: 8,
        pcfile: 20,
        pcln: 24,
        cuOffset: 32,
        pctab: word(56),
        cutab: word(40),
        filetab: word(48),
      };
    }
  }

  /** _func.args of the i-th function: the size of its argument area. */
  argsSize(i: number): number {
    return this.b.readInt32LE(this.layout.funcRecord(i) + this.layout.args);
  }

  /** File and line of `pc` inside the i-th function, which starts at `entry`. */
  position(i: number, entry: number, pc: number): PcPosition {
    const L = this.layout;
    const f = L.funcRecord(i);
    const out: PcPosition = {};
    const line = this.pcvalue(this.b.readUInt32LE(f + L.pcln), entry, pc);
    if (line !== undefined && line >= 0) out.line = line;
    const fileno = this.pcvalue(this.b.readUInt32LE(f + L.pcfile), entry, pc);
    if (fileno !== undefined && fileno >= 0) {
      const file = this.fileName(L.cuOffset >= 0 ? this.b.readUInt32LE(f + L.cuOffset) : -1, fileno);
      if (file !== undefined) out.file = file;
    }
    return out;
  }

  private fileName(cu: number, fileno: number): string | undefined {
    const L = this.layout;
    const b = this.b;
    let off: number;
    if (cu < 0) {
      // go1.2: filetab[0] is the count; names are indexed from 1.
      if (fileno <= 0 || fileno >= b.readUInt32LE(L.filetab)) return undefined;
      off = b.readUInt32LE(L.filetab + 4 * fileno);
    } else {
      if (cu === 0xffffffff) return undefined;
      const rel = b.readUInt32LE(L.cutab + 4 * (cu + fileno));
      if (rel === 0xffffffff) return undefined;
      off = L.filetab + rel;
    }
    const hit = this.fileCache.get(off);
    if (hit !== undefined) return hit;
    let end = b.indexOf(0, off);
    if (end < 0) end = b.length;
    const s = b.toString('utf8', off, end);
    this.fileCache.set(off, s);
    return s;
  }

  /** The value of the pc-value table at `tableOff` for `pc`; undefined if none covers it. */
  private pcvalue(tableOff: number, entry: number, pc: number): number | undefined {
    if (tableOff === 0) return undefined;
    const b = this.b;
    let p = this.layout.pctab + tableOff;
    let val = -1;
    let at = entry;
    let first = true;
    while (p < b.length) {
      let uv: number;
      [uv, p] = varint(b, p);
      if (uv === 0 && !first) return undefined;
      first = false;
      val += uv & 1 ? -((uv + 1) / 2) : uv / 2;
      let pcDelta: number;
      [pcDelta, p] = varint(b, p);
      at += pcDelta * this.minLC;
      if (pc < at) return val;
    }
    return undefined;
  }
}

/** Unsigned LEB128 as Go writes it, up to 2^53 without loss. */
export function varint(b: Buffer, p: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const byte = b[p++]!;
    v += (byte & 0x7f) * mul;
    if (byte < 0x80 || p >= b.length) return [v, p];
    mul *= 128;
  }
}
