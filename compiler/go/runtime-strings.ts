// The runtime's reason strings, read from the binary itself: waitReasonStrings (Go's wait
// reasons, indexed by the waitReason gopark receives) and, from Go 1.21, stwReasonStrings
// (indexed by stopTheWorldWithSema's stwReason). Both enums gain and reorder members between
// releases, and stripped binaries have no symbols to find the arrays by; but each array is a
// `[...]string` in the data, a run of (pointer, length) headers, and its first members have not
// changed since Go 1.17 ("", "GC assist marking", "IO wait", ... and "unknown",
// "GC mark termination", "GC sweep termination"). So: find the anchor strings' bytes, then the
// two adjacent headers pointing at them, then read the array both ways from there.
import type { ElfFile } from './elf.js';

export interface ReasonTables {
  /** waitReasonStrings, by waitReason; empty when not found. */
  wait: string[];
  /** stwReasonStrings, by stwReason (Go 1.21+); empty before or when not found. */
  stw: string[];
}

/** Where each table starts: the index of the first anchor, and two adjacent anchors. */
const ANCHORS = {
  wait: { index: 1, first: 'GC assist marking', second: 'IO wait' },
  stw: { index: 1, first: 'GC mark termination', second: 'GC sweep termination' },
} as const;

/** A reason longer than this, or a run longer than MAX_ENTRIES, is not the table. */
const MAX_LEN = 64;
const MAX_ENTRIES = 160;

// The arrays hold pointers: .data, or .data.rel.ro in a PIE.
const DATA_SECTIONS = ['.data', '.data.rel.ro'];

/** The reason tables of a Go binary (see the top of this file). */
export function reasonTables(elf: ElfFile): ReasonTables {
  const rodata = elf.section('.rodata');
  if (!rodata) return { wait: [], stw: [] };
  const text = elf.sectionData('.rodata')!;
  const data = DATA_SECTIONS.map((n) => elf.section(n))
    .filter((s) => s !== undefined && s.type !== 8 /* SHT_NOBITS */)
    .map((s) => ({ vaddr: s!.addr, bytes: elf.sectionData(s!.name)! }));
  const read = (vaddr: number, len: number): string | undefined => {
    const off = vaddr - rodata.addr;
    if (off < 0 || off + len > text.length) return undefined;
    return text.subarray(off, off + len).toString('latin1');
  };
  const find = (a: (typeof ANCHORS)[keyof typeof ANCHORS]) => findTable(data, text, rodata.addr, read, a);
  return { wait: find(ANCHORS.wait), stw: find(ANCHORS.stw) };
}

type Section = { vaddr: number; bytes: Buffer };

function findTable(
  data: Section[],
  text: Buffer,
  textVaddr: number,
  read: (vaddr: number, len: number) => string | undefined,
  a: { index: number; first: string; second: string },
): string[] {
  const firsts = occurrences(text, a.first).map((o) => o + textVaddr);
  const seconds = new Set(occurrences(text, a.second).map((o) => o + textVaddr));
  for (const s of data) {
    for (let off = 0; off + 32 <= s.bytes.length; off += 8) {
      // The length word first: a cheap test that rejects almost every offset.
      if (s.bytes.readUInt32LE(off + 8) !== a.first.length || s.bytes.readUInt32LE(off + 12) !== 0) continue;
      if (!firsts.includes(Number(s.bytes.readBigUInt64LE(off)))) continue;
      if (!seconds.has(Number(s.bytes.readBigUInt64LE(off + 16))) || Number(s.bytes.readBigUInt64LE(off + 24)) !== a.second.length)
        continue;
      return readArray(s, off - a.index * 16, read);
    }
  }
  return [];
}

/** The strings of the array at `start` in section `s`, up to the first header that is not a
 *  plausible reason (the data after the array). */
function readArray(s: Section, start: number, read: (vaddr: number, len: number) => string | undefined): string[] {
  const out: string[] = [];
  for (let off = start; off + 16 <= s.bytes.length && out.length < MAX_ENTRIES; off += 16) {
    const p = Number(s.bytes.readBigUInt64LE(off));
    const n = Number(s.bytes.readBigUInt64LE(off + 8));
    if (n === 0 && out.length === 0) {
      out.push('');
      continue;
    }
    const str = n > 0 && n <= MAX_LEN ? read(p, n) : undefined;
    if (str === undefined || !/^[ -~]+$/.test(str)) break;
    out.push(str);
  }
  return out;
}

function occurrences(hay: Buffer, needle: string): number[] {
  const out: number[] = [];
  const n = Buffer.from(needle, 'latin1');
  for (let i = hay.indexOf(n); i >= 0 && out.length < 64; i = hay.indexOf(n, i + 1)) out.push(i);
  return out;
}
