// The Go runtime's own type descriptors, present in every Go binary, stripped or not: the
// address an interface holds (a type descriptor for `any`, an itab for other interfaces)
// names its dynamic type here when no symbol does. Go keeps no `type.T` symbol per type
// (only `type.*`/`type:*` at the start of the area), and a stripped binary has no
// symbols at all, so the names are read from the descriptors.
//
// Where the descriptors are: between moduledata.types and moduledata.etypes. The linker names
// those `runtime.types`/`runtime.etypes`; without symbols, runtime.firstmoduledata is found
// by what it starts with, the address of the pcHeader at the start of .gopclntab
// (moduledata.pcHeader, Go 1.16+), and types/etypes read at the offsets of MODULEDATA below.
import type { ElfFile } from './elf.js';

/**
 * Offsets of types/etypes in runtime.moduledata, per release. The struct starts with
 * pcHeader (8), six slices (funcnametab, cutab, filetab, pctab, pclntable, ftab: 6 × 24),
 * findfunctab, minpc, maxpc, text, etext, noptrdata, enoptrdata, data, edata, bss, ebss,
 * noptrbss, enoptrbss (13 × 8): 256 bytes. Then:
 *   1.16-1.19: end, gcdata, gcbss, types, etypes → types at 256 + 24 = 280;
 *   1.20+:     covctrs, ecovctrs come before end (coverage counters) → types at 296.
 * (1.22 added rodata and gofunc after etypes, which moves nothing before them.)
 */
export interface ModuledataLayout {
  from: number;
  types: number;
  /** moduledata.typelinks ([]int32, offsets of types from `types`); undefined when gone. */
  typelinks?: number;
}

/*
 * Checked on the binaries of test/compiler/go/npm-binaries.ts (1.17-1.27) and the local 1.19:
 *   1.17: types 280, etypes 288, textsectmap 296, typelinks 320;
 *   1.18-1.19: rodata and gofunc after etypes: textsectmap 312, typelinks 336;
 *   1.20-1.25: covctrs/ecovctrs push everything by 16: types 296, typelinks 352;
 *   1.26: one more word after gofunc (epclntab): typelinks 360; moduledata moves to its own
 *         section, .go.module (findModuledata looks there first);
 *   1.27: the types get a section of their own (.go.type) and typelinks are gone: types and
 *         etypes are that section's bounds; no method index (see MethodIndex).
 */
export const MODULEDATA: ModuledataLayout[] = [
  { from: 17, types: 280, typelinks: 320 },
  { from: 18, types: 280, typelinks: 336 },
  { from: 20, types: 296, typelinks: 352 },
  { from: 26, types: 296, typelinks: 360 },
  { from: 27, types: 296 },
];

/** moduledata.text: the base of the method tables' text offsets (same offset 1.16-1.27). */
export const MODULEDATA_TEXT = 176;

/**
 * runtime._type (internal/abi.Type since 1.21), the same 48 bytes in 1.17-1.27: size,
 * ptrdata (8 each), hash (4), tflag, align, fieldAlign, kind (1 each), equal, gcdata
 * (8 each), then str (nameOff, 4): the type's name as an offset from moduledata.types.
 * tflagExtraStar (2): the name carries a `*` the type does not (a named type's name is
 * stored once, for its pointer type too).
 */
const TYPE = { str: 40, tflag: 20 };
const TFLAG_EXTRA_STAR = 2;

function layoutFor(v: number): ModuledataLayout {
  return [...MODULEDATA].reverse().find((r) => v >= r.from) ?? MODULEDATA[MODULEDATA.length - 1]!;
}

export function minor(goVersion: string | undefined): number {
  const m = /^go1\.(\d+)/.exec(goVersion ?? '');
  return m ? Number(m[1]) : 0;
}

export class RuntimeTypes {
  private readonly names = new Map<number, string | undefined>();

  private constructor(
    private readonly elf: ElfFile,
    readonly types: number,
    readonly etypes: number,
    private readonly md?: number,
    private readonly row?: ModuledataLayout,
  ) {}

  /** The descriptors of a binary, or undefined when they cannot be found (Go < 1.17). */
  static open(elf: ElfFile, goVersion: string | undefined): RuntimeTypes | undefined {
    const v = minor(goVersion);
    if (v !== 0 && v < 17) return undefined;
    const md = findModuledata(elf);
    // Without a version (some binaries drop their build info), the layout whose words make
    // sense: types before etypes, typelinks pointing into the file.
    const rows = v ? [layoutFor(v)] : [...MODULEDATA].reverse();
    for (const row of rows) {
      const r = RuntimeTypes.at(elf, md, row);
      if (r) return r;
    }
    return undefined;
  }

  private static at(elf: ElfFile, md: number | undefined, row: ModuledataLayout): RuntimeTypes | undefined {
    const gotype = elf.section('.go.type');
    let types = elf.symbol('runtime.types')?.value;
    let etypes = elf.symbol('runtime.etypes')?.value;
    if (types === undefined && row.typelinks === undefined) {
      if (!gotype) return undefined;
      types = gotype.addr;
      etypes = gotype.addr + gotype.size;
    } else if ((types === undefined || etypes === undefined) && md !== undefined) {
      const w = elf.readVaddr(md + row.types, 16);
      if (w.length < 16) return undefined;
      types = Number(w.readBigUInt64LE(0));
      etypes = Number(w.readBigUInt64LE(8));
    }
    if (types === undefined || etypes === undefined || !(types > 0 && etypes > types && elf.loadSegmentFor(types))) return undefined;
    const r = new RuntimeTypes(elf, types, etypes, md, row);
    if (row.typelinks !== undefined && md !== undefined && !r.typelinks()) return undefined;
    return r;
  }

  /** moduledata.text, the base of text offsets. */
  textBase(): number | undefined {
    if (this.md === undefined) return this.elf.section('.text')?.addr;
    const w = this.elf.readVaddr(this.md + MODULEDATA_TEXT, 8);
    return w.length === 8 ? Number(w.readBigUInt64LE(0)) : undefined;
  }

  /** Offsets of the linked types (moduledata.typelinks), or undefined. */
  typelinks(): number[] | undefined {
    if (this.md === undefined || this.row?.typelinks === undefined) return undefined;
    const w = this.elf.readVaddr(this.md + this.row.typelinks, 16);
    if (w.length < 16) return undefined;
    const ptr = Number(w.readBigUInt64LE(0));
    const len = Number(w.readBigUInt64LE(8));
    if (len <= 0 || len > 1 << 22 || !this.elf.loadSegmentFor(ptr)) return undefined;
    const b = this.elf.readVaddr(ptr, len * 4);
    const out: number[] = [];
    for (let i = 0; i + 4 <= b.length; i += 4) out.push(b.readInt32LE(i));
    return out;
  }

  /** Bytes of the file at a virtual address (empty past the loaded part). */
  read(addr: number, n: number): Buffer {
    return this.elf.readVaddr(addr, n);
  }

  /** A name (nameOff) relative to the types area. */
  nameOff(off: number): string | undefined {
    return this.nameAt(this.types + off);
  }

  /** The name and flags at an absolute address (struct fields hold absolute name pointers). */
  nameWithFlags(addr: number): { name: string; flags: number } | undefined {
    const n = this.nameAt(addr);
    if (n === undefined) return undefined;
    return { name: n, flags: this.elf.readVaddr(addr, 1)[0] ?? 0 };
  }

  /** Whether an address is a type descriptor's (rather than an itab's). */
  isType(addr: number): boolean {
    return addr >= this.types && addr < this.etypes;
  }

  /** The Go name of the type whose descriptor is at addr (`*main.Order`, `map[string]int`),
   *  packages by name as reflect prints them (`*fs.PathError`). */
  typeName(addr: number): string | undefined {
    if (this.names.has(addr)) return this.names.get(addr);
    let name: string | undefined;
    if (this.isType(addr)) {
      const t = this.elf.readVaddr(addr, 48);
      if (t.length === 48) {
        const n = this.nameAt(this.types + t.readInt32LE(TYPE.str));
        name = n !== undefined && t[TYPE.tflag]! & TFLAG_EXTRA_STAR ? n.slice(1) : n;
      }
    }
    this.names.set(addr, name);
    return name;
  }

  /** The dynamic type of an interface word: a type descriptor, or an itab whose second word
   *  (itab._type) is one. N.B. the linker puts static itabs among the descriptors, so an
   *  address in [types, etypes) may be either: an itab starts with two descriptor addresses
   *  (inter, _type) and copies _type.hash at 16, which no descriptor does (its first words
   *  are sizes). Itabs made at run time are not in the file: undefined. */
  dynamicTypeName(word: number): string | undefined {
    const it = this.elf.readVaddr(word, 24);
    if (it.length === 24) {
      const inter = Number(it.readBigUInt64LE(0));
      const typ = Number(it.readBigUInt64LE(8));
      if (this.isType(inter) && this.isType(typ)) {
        const t = this.elf.readVaddr(typ + 16, 4);
        if (t.length === 4 && t.readUInt32LE(0) === it.readUInt32LE(16)) return this.typeName(typ);
      }
    }
    return this.typeName(word);
  }

  /** A runtime name (Go 1.17+): a flag byte, a uvarint length, the bytes. */
  nameAt(addr: number): string | undefined {
    const b = this.elf.readVaddr(addr, 1 + 10 + 512);
    if (b.length < 2) return undefined;
    let len = 0;
    let i = 1;
    for (let shift = 0; i < b.length && shift < 35; shift += 7) {
      const c = b[i++]!;
      len |= (c & 0x7f) << shift;
      if (!(c & 0x80)) break;
    }
    return i + len <= b.length ? b.toString('utf8', i, i + len) : undefined;
  }
}

/**
 * runtime.firstmoduledata without symbols: the 8-byte word, in the data sections, that holds
 * the address of .gopclntab (where pcHeader is), 8-aligned; Go 1.26+ gives moduledata a section
 * of its own, .go.module.
 */
export function findModuledata(elf: ElfFile): number | undefined {
  const sym = elf.symbol('runtime.firstmoduledata');
  if (sym) return sym.value;
  const pcln = elf.section('.gopclntab');
  if (!pcln) return undefined;
  const want = BigInt(pcln.addr);
  for (const name of ['.go.module', '.noptrdata', '.data', '.data.rel.ro']) {
    const s = elf.section(name);
    if (!s) continue;
    const data = elf.sectionData(name);
    if (!data) continue;
    for (let off = 0; off + 8 <= data.length; off += 8) {
      if (data.readBigUInt64LE(off) === want) return s.addr + off;
    }
  }
  return undefined;
}
