// Go's function table (.gopclntab), the one symbol table a stripped Go
// binary keeps because the runtime itself needs it for tracebacks.
//
// Layouts, from Go's runtime/symtab.go and cmd/link/internal/ld/pcln.go:
//   1.2-1.15  magic 0xfffffffb: header then functab of (entry uintptr,
//             funcoff uintptr); funcoff and _func.nameoff relative to the
//             table start.
//   1.16-1.17 magic 0xfffffffa: header with offsets of sub-tables; functab
//             (at pclnOffset) of (entry uintptr, funcoff uintptr), funcoff
//             relative to functab; _func.nameoff relative to funcnametab.
//   1.18-1.19 magic 0xfffffff0, 1.20+ 0xfffffff1: as 1.16 but the header
//             holds textStart and functab holds uint32 (entryoff, funcoff)
//             pairs, entry = textStart + entryoff.
// In every layout functab ends with one extra entry: the end of the text.
import { ElfFile, ElfSection } from './elf.js';
import { GoBinaryError } from './errors.js';

export type PclnFormat = 'go1.2' | 'go1.16' | 'go1.18' | 'go1.20';

export interface PclnFunc {
  name: string;
  entry: number;
  end: number;
}

export interface Pclntab {
  format: PclnFormat;
  /** Virtual address of the table, when known. */
  addr: number;
  /** runtime.text; 0 for layouts before 1.18 that do not record it. */
  textStart: number;
  /** Sorted by entry. */
  funcs: PclnFunc[];
  /** The table's bytes from its header on (may run past its end), for pclntab-lines.ts. */
  data: Buffer;
}

const MAGICS: Record<number, PclnFormat> = {
  0xfffffffb: 'go1.2',
  0xfffffffa: 'go1.16',
  0xfffffff0: 'go1.18',
  0xfffffff1: 'go1.20',
};

const SECTION_NAMES = ['.gopclntab', '.data.rel.ro.gopclntab'];
// Where a binary whose section headers lost the name keeps the table.
const SCAN_SECTIONS = ['.rodata', '.data.rel.ro', '.noptrdata'];

/**
 * Locates and parses the function table. Throws GoBinaryError when there is
 * none, which is how a non-Go ELF file is recognised.
 */
/** Index of the function whose code holds `pc`, or -1 (the table is in address order). */
export function funcIndexAt(funcs: readonly PclnFunc[], pc: number): number {
  let lo = 0;
  let hi = funcs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (funcs[mid]!.entry <= pc) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && pc < funcs[hi]!.end ? hi : -1;
}

export function readPclntab(elf: ElfFile): Pclntab {
  for (const name of SECTION_NAMES) {
    const s = elf.section(name);
    if (s && s.size > 0) return rebase(elf, parsePclntab(elf.rawSection(s), s.addr));
  }
  const found = scanForPclntab(elf);
  if (found) return rebase(elf, found);
  throw new GoBinaryError(`${elf.path}: not a Go binary (no .gopclntab)`);
}

/**
 * N.B. the 1.18+ header's textStart is written by the linker with a
 * relocation; should a toolchain leave it to the dynamic loader (zero in the
 * file), runtime.text or the start of .text stands in.
 */
function rebase(elf: ElfFile, t: Pclntab): Pclntab {
  if ((t.format === 'go1.18' || t.format === 'go1.20') && t.textStart === 0) {
    const base = elf.symbol('runtime.text')?.value ?? elf.section('.text')?.addr ?? 0;
    for (const f of t.funcs) {
      f.entry += base;
      f.end += base;
    }
    t.textStart = base;
  }
  return t;
}

/** Checks a candidate header, so a stray magic number is not taken for it. */
function plausibleHeader(b: Buffer, off: number): PclnFormat | undefined {
  if (off + 72 > b.length) return undefined;
  const format = MAGICS[b.readUInt32LE(off)];
  if (!format) return undefined;
  const minLC = b[off + 6]!;
  if (b[off + 4] !== 0 || b[off + 5] !== 0 || ![1, 2, 4].includes(minLC) || b[off + 7] !== 8) {
    return undefined;
  }
  const n = Number(b.readBigUInt64LE(off + 8));
  if (n <= 0 || n > 10_000_000) return undefined;
  if (format === 'go1.2') return format;
  const first = format === 'go1.16' ? 24 : 32;
  let prev = 0;
  for (let i = 0; i < 5; i++) {
    const v = Number(b.readBigUInt64LE(off + first + 8 * i));
    if (v < prev || v > b.length - off) return undefined;
    prev = v;
  }
  return format;
}

function scanForPclntab(elf: ElfFile): Pclntab | undefined {
  const regions: { addr: number; data: Buffer }[] = [];
  const secs = SCAN_SECTIONS.map((n) => elf.section(n)).filter((s): s is ElfSection => !!s);
  if (secs.length > 0) {
    for (const s of secs) regions.push({ addr: s.addr, data: elf.rawSection(s) });
  } else {
    // No section headers at all: look through the read-only and relro
    // segments (not executable ones, Go never puts data in text).
    for (const p of elf.segments) {
      if (p.type === 1 && !(p.flags & 1) && p.filesz > 0) {
        regions.push({ addr: p.vaddr, data: elf.read(p.offset, p.filesz) });
      }
    }
  }
  for (const { addr, data } of regions) {
    for (let off = 0; off + 72 <= data.length; off += 8) {
      if (data[off + 3] !== 0xff || data[off + 2] !== 0xff || data[off + 1] !== 0xff) continue;
      if (!plausibleHeader(data, off)) continue;
      try {
        const t = parsePclntab(data.subarray(off), addr + off);
        if (t.funcs.length > 0) return t;
      } catch {
        // A false match; keep looking.
      }
    }
  }
  return undefined;
}

/**
 * Reads names from funcnametab, the NUL-terminated names at [start, end) of
 * the table. The region is decoded once as Latin-1 and names are sliced
 * from it, which costs far less than a decode per name (tens of thousands
 * of them in a large binary); names with non-ASCII bytes (Go identifiers
 * may be Unicode) are decoded again as UTF-8.
 */
function nameReader(b: Buffer, start: number, end: number): (off: number) => string {
  if (!(start > 0 && end > start && end <= b.length)) {
    return (off) => {
      const at = start + off;
      let stop = b.indexOf(0, at);
      if (stop < 0) stop = b.length;
      return b.toString('utf8', at, stop);
    };
  }
  const region = b.subarray(start, end);
  const text = region.toString('latin1');
  const ascii = !region.some((c) => c >= 0x80);
  return (off) => {
    let stop = text.indexOf('\0', off);
    if (stop < 0) stop = text.length;
    const s = text.slice(off, stop);
    return ascii || !/[\x80-\xff]/.test(s) ? s : region.toString('utf8', off, stop);
  };
}

/**
 * Parses a table held in `b` (which may extend past its end). `addr` is the
 * table's virtual address, only recorded for callers.
 */
export function parsePclntab(b: Buffer, addr = 0): Pclntab {
  const format = b.length >= 16 ? MAGICS[b.readUInt32LE(0)] : undefined;
  if (!format || b[7] !== 8) {
    throw new GoBinaryError('not a Go binary (unrecognised .gopclntab header)');
  }
  const word = (off: number) => Number(b.readBigUInt64LE(off));
  const str = (off: number) => {
    let end = b.indexOf(0, off);
    if (end < 0) end = b.length;
    return b.toString('utf8', off, end);
  };
  const funcs: PclnFunc[] = [];
  let textStart = 0;

  if (format === 'go1.2') {
    const n = word(8);
    const ftab = 16;
    for (let i = 0; i < n; i++) {
      const entry = word(ftab + 16 * i);
      const end = word(ftab + 16 * (i + 1));
      const funcoff = word(ftab + 16 * i + 8);
      funcs.push({ entry, end, name: str(b.readInt32LE(funcoff + 8)) });
    }
  } else if (format === 'go1.16') {
    const n = word(8);
    const name = nameReader(b, word(24), word(32));
    const ftab = word(56);
    for (let i = 0; i < n; i++) {
      const entry = word(ftab + 16 * i);
      const end = word(ftab + 16 * (i + 1));
      const funcoff = word(ftab + 16 * i + 8);
      funcs.push({ entry, end, name: name(b.readInt32LE(ftab + funcoff + 8)) });
    }
  } else {
    const n = word(8);
    textStart = word(24);
    const name = nameReader(b, word(32), word(40));
    const ftab = word(64);
    for (let i = 0; i < n; i++) {
      const entry = textStart + b.readUInt32LE(ftab + 8 * i);
      const end = textStart + b.readUInt32LE(ftab + 8 * (i + 1));
      const funcoff = b.readUInt32LE(ftab + 8 * i + 4);
      funcs.push({ entry, end, name: name(b.readInt32LE(ftab + funcoff + 4)) });
    }
  }
  return { format, addr, textStart, funcs, data: b };
}
