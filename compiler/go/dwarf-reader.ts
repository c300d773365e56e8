// The mechanics of reading .debug_info: unit headers, abbreviation tables,
// DIEs and attribute forms (DWARF 2-5), and skipping whole subtrees fast.
// dwarf.ts builds lookups on top of this; nothing here knows about Go.
import { cstring } from './elf.js';
import { FORM, AT, UnitShape, fixedFormSize, readUint, sleb, uleb } from './dwarf-forms.js';

export type AttrValue = number | string | boolean | Buffer;

export interface Abbrev {
  tag: number;
  children: boolean;
  attrs: number[];
  forms: number[];
  implicit: number[];
  /** Total size of the attributes when every form is fixed-size, else -1. */
  fixedSize: number;
  /** Size of each attribute's form when fixed, else -1. */
  sizes: number[];
  /** Index of DW_AT_name in attrs, or -1. */
  nameIndex: number;
  /** Byte offset of DW_AT_name's value from the first attribute when the forms before it are fixed-size, else -1. */
  nameOffset: number;
}

export interface Unit extends UnitShape {
  offset: number;
  end: number;
  firstDie: number;
  /** Abbreviations by code (a sparse array: codes are small integers). */
  abbrevs: Abbrev[];
  strOffsetsBase: number;
  addrBase: number;
  name?: string;
}

export interface Die {
  offset: number;
  tag: number;
  hasChildren: boolean;
  attrs: Map<number, AttrValue>;
  unit: Unit;
  /** Offset just past this DIE's attributes: its first child, if any. */
  childOffset: number;
}

export class DieReader {
  readonly info: Buffer;
  private readonly abbrevData: Buffer;
  private readonly sec: (name: string) => Buffer | undefined;
  private readonly secCache = new Map<string, Buffer | undefined>();
  private readonly abbrevCache = new Map<number, Abbrev[]>();
  /** Where the attributes of the DIE last passed to abbrevAt start. */
  private pos = 0;
  readonly units: Unit[] = [];
  /** Offset of the next unit header not yet read; info.length when done. */
  nextUnit = 0;

  /**
   * `onUnit` sees every unit as it is first read, whichever lookup caused
   * the read, so an index built from it never misses a unit.
   */
  constructor(
    info: Buffer,
    abbrev: Buffer,
    sec: (name: string) => Buffer | undefined,
    private readonly onUnit: (u: Unit, cu: Die) => void = () => {},
  ) {
    this.info = info;
    this.abbrevData = abbrev;
    this.sec = sec;
  }

  get done(): boolean {
    return this.nextUnit >= this.info.length;
  }

  /**
   * Reads the next unit's header and its compile-unit DIE, whose attributes
   * (str_offsets_base, addr_base) the unit's other DIEs need.
   */
  readNextUnit(): { unit: Unit; cu: Die } {
    const u = this.parseUnitHeader(this.nextUnit);
    this.units.push(u);
    this.nextUnit = u.end;
    let cu = this.readDie(u, u.firstDie);
    const sob = cu.attrs.get(AT.str_offsets_base);
    const ab = cu.attrs.get(AT.addr_base);
    if (typeof sob === 'number' || typeof ab === 'number') {
      if (typeof sob === 'number') u.strOffsetsBase = sob;
      if (typeof ab === 'number') u.addrBase = ab;
      cu = this.readDie(u, u.firstDie); // strx names now resolve
    }
    const name = cu.attrs.get(AT.name);
    if (typeof name === 'string') u.name = name;
    this.onUnit(u, cu);
    return { unit: u, cu };
  }

  /** Reads the DIE at an absolute .debug_info offset. */
  die(offset: number): Die {
    return this.readDie(this.unitAt(offset), offset);
  }

  /** Direct children of a DIE. */
  children(d: Die): Die[] {
    const out: Die[] = [];
    if (!d.hasChildren) return out;
    let off = d.childOffset;
    while (off < d.unit.end) {
      if (this.info[off] === 0) break;
      const c = this.readDie(d.unit, off);
      out.push(c);
      off = c.hasChildren ? this.skipTree(d.unit, off) : this.afterAttrs(d.unit, off);
    }
    return out;
  }

  private section(name: string): Buffer | undefined {
    if (!this.secCache.has(name)) this.secCache.set(name, this.sec(name));
    return this.secCache.get(name);
  }

  unitAt(offset: number): Unit {
    while (this.nextUnit < this.info.length && offset >= this.nextUnit) this.readNextUnit();
    // Units are in increasing order: binary search.
    let lo = 0;
    let hi = this.units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = this.units[mid]!;
      if (offset < u.offset) hi = mid - 1;
      else if (offset >= u.end) lo = mid + 1;
      else return u;
    }
    throw new Error(`DWARF: offset 0x${offset.toString(16)} is outside every unit`);
  }

  private parseUnitHeader(off: number): Unit {
    const b = this.info;
    let len = b.readUInt32LE(off);
    let p = off + 4;
    let offSize: 4 | 8 = 4;
    if (len === 0xffffffff) {
      len = Number(b.readBigUInt64LE(p));
      p += 8;
      offSize = 8;
    }
    const end = p + len;
    const version = b.readUInt16LE(p);
    p += 2;
    let abbrevOff: number;
    let addrSize: number;
    if (version >= 5) {
      const unitType = b[p++]!;
      addrSize = b[p++]!;
      abbrevOff = readUint(b, p, offSize);
      p += offSize;
      if (unitType === 4 || unitType === 5)
        p += 8; // skeleton/split: dwo_id
      else if (unitType === 2 || unitType === 6) p += 8 + offSize; // type units
    } else {
      abbrevOff = readUint(b, p, offSize);
      p += offSize;
      addrSize = b[p++]!;
    }
    const shape = { version, addrSize, offSize };
    return { ...shape, offset: off, end, firstDie: p, abbrevs: this.abbrevTable(abbrevOff, shape), strOffsetsBase: 8, addrBase: 8 };
  }

  private abbrevTable(off: number, shape: UnitShape): Abbrev[] {
    const key = off * 64 + shape.version * 4 + (shape.offSize === 8 ? 2 : 0) + (shape.addrSize === 8 ? 1 : 0);
    let table = this.abbrevCache.get(key);
    if (table) return table;
    table = [];
    const b = this.abbrevData;
    let p = off;
    for (;;) {
      let code: number;
      [code, p] = uleb(b, p);
      if (code === 0 || p >= b.length) break;
      let tag: number;
      [tag, p] = uleb(b, p);
      const children = b[p++] === 1;
      const a: Abbrev = { tag, children, attrs: [], forms: [], implicit: [], sizes: [], fixedSize: 0, nameIndex: -1, nameOffset: -1 };
      for (;;) {
        let at: number;
        let form: number;
        [at, p] = uleb(b, p);
        [form, p] = uleb(b, p);
        if (at === 0 && form === 0) break;
        let imp = 0;
        if (form === FORM.implicit_const) [imp, p] = sleb(b, p);
        if (at === AT.name && a.nameIndex < 0) {
          a.nameIndex = a.attrs.length;
          a.nameOffset = a.fixedSize;
        }
        a.attrs.push(at);
        a.forms.push(form);
        a.implicit.push(imp);
        const size = fixedFormSize(form, shape);
        a.sizes.push(size);
        a.fixedSize = size < 0 || a.fixedSize < 0 ? -1 : a.fixedSize + size;
      }
      table[code] = a;
    }
    this.abbrevCache.set(key, table);
    return table;
  }

  /**
   * The abbreviation of the DIE at `off` (undefined for a null entry, which
   * ends a list of children); its attributes start at this.pos. N.B. no
   * tuple is returned: this runs for every DIE an index walk passes.
   */
  private abbrevAt(u: Unit, off: number): Abbrev | undefined {
    const b = this.info;
    let code = 0;
    let mul = 1;
    let p = off;
    let byte: number;
    do {
      byte = b[p++]!;
      code += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte >= 0x80 && p < b.length);
    this.pos = p;
    if (code === 0) return undefined;
    const a = u.abbrevs[code];
    if (!a) throw new Error(`DWARF: unknown abbreviation ${code} at 0x${off.toString(16)}`);
    return a;
  }

  /**
   * Calls fn(name, offset) for every child of `parent` that has a
   * DW_AT_name, reading only that attribute of each and skipping their
   * subtrees: the cheap walk behind Dwarf's name index.
   */
  childNames(parent: Die, fn: (name: string, offset: number) => void): void {
    if (!parent.hasChildren) return;
    const u = parent.unit;
    const b = this.info;
    let off = parent.childOffset;
    while (off < u.end && b[off] !== 0) {
      const a = this.abbrevAt(u, off);
      const p = this.pos;
      if (!a) break;
      if (a.nameIndex >= 0) {
        let q = p;
        if (a.nameOffset >= 0) q += a.nameOffset;
        else for (let i = 0; i < a.nameIndex; i++) q = skipForm(b, q, a.forms[i]!, u);
        const [name] = this.readForm(u, q, a.forms[a.nameIndex]!, a.implicit[a.nameIndex]!);
        if (typeof name === 'string' && name.length > 0) fn(name, off);
      }
      off = a.children ? this.skipTree(u, off) : a.fixedSize >= 0 ? p + a.fixedSize : this.skipAttrs(u, a, p);
    }
  }

  /** The form in which the DIE stores `attr` (DW_FORM_*), if it has it. */
  formOf(d: Die, attr: number): number | undefined {
    const a = this.abbrevAt(d.unit, d.offset);
    const i = a ? a.attrs.indexOf(attr) : -1;
    return i >= 0 ? a!.forms[i] : undefined;
  }

  afterAttrs(u: Unit, off: number): number {
    const a = this.abbrevAt(u, off);
    const p = this.pos;
    if (!a) return p;
    return a.fixedSize >= 0 ? p + a.fixedSize : this.skipAttrs(u, a, p);
  }

  /** Offset just past the DIE at `off` and all its descendants. */
  skipTree(u: Unit, off: number): number {
    let depth = 0;
    do {
      const a = this.abbrevAt(u, off);
      const p = this.pos;
      if (!a) {
        depth--;
        off = p;
        continue;
      }
      off = a.fixedSize >= 0 ? p + a.fixedSize : this.skipAttrs(u, a, p);
      if (a.children) depth++;
    } while (depth > 0 && off < u.end);
    return off;
  }

  private skipAttrs(u: Unit, a: Abbrev, p: number): number {
    const b = this.info;
    const sizes = a.sizes;
    for (let i = 0; i < sizes.length; i++) {
      const n = sizes[i]!;
      p = n >= 0 ? p + n : skipForm(b, p, a.forms[i]!, u);
    }
    return p;
  }

  readDie(u: Unit, off: number): Die {
    const a = this.abbrevAt(u, off);
    const p0 = this.pos;
    if (!a) return { offset: off, tag: 0, hasChildren: false, attrs: new Map(), unit: u, childOffset: p0 };
    const attrs = new Map<number, AttrValue>();
    let p = p0;
    for (let i = 0; i < a.forms.length; i++) {
      let v: AttrValue;
      [v, p] = this.readForm(u, p, a.forms[i]!, a.implicit[i]!);
      attrs.set(a.attrs[i]!, v);
    }
    return { offset: off, tag: a.tag, hasChildren: a.children, attrs, unit: u, childOffset: p };
  }

  private readForm(u: Unit, p: number, form: number, implicit: number): [AttrValue, number] {
    const b = this.info;
    switch (form) {
      case FORM.string: {
        let end = b.indexOf(0, p);
        if (end < 0) end = b.length;
        return [b.toString('utf8', p, end), end + 1];
      }
      case FORM.strp:
      case FORM.line_strp: {
        const o = readUint(b, p, u.offSize);
        const s = this.section(form === FORM.strp ? '.debug_str' : '.debug_line_str');
        return [s ? cstring(s, o) : '', p + u.offSize];
      }
      case FORM.strx:
      case FORM.strx1:
      case FORM.strx2:
      case FORM.strx3:
      case FORM.strx4:
        return this.readStrx(u, p, form);
      case FORM.ref1:
      case FORM.ref2:
      case FORM.ref4:
      case FORM.ref8: {
        const size = form === FORM.ref1 ? 1 : form === FORM.ref2 ? 2 : form === FORM.ref4 ? 4 : 8;
        return [u.offset + readUint(b, p, size), p + size];
      }
      case FORM.ref_udata: {
        const [v, n] = uleb(b, p);
        return [u.offset + v, n];
      }
      case FORM.flag:
        return [b[p] !== 0, p + 1];
      case FORM.flag_present:
        return [true, p];
      case FORM.implicit_const:
        return [implicit, p];
      case FORM.sdata:
        return sleb(b, p);
      case FORM.udata:
      case FORM.addrx:
      case FORM.loclistx:
      case FORM.rnglistx:
        return uleb(b, p);
      case FORM.block1:
      case FORM.block2:
      case FORM.block4:
      case FORM.block:
      case FORM.exprloc:
        return readBlock(b, p, form);
      case FORM.data16:
        return [b.subarray(p, p + 16), p + 16];
      case FORM.indirect: {
        const [f, q] = uleb(b, p);
        return this.readForm(u, q, f, implicit);
      }
      default: {
        const size = fixedFormSize(form, u);
        if (size < 0) throw new Error(`DWARF: unsupported form 0x${form.toString(16)}`);
        return [size <= 8 && size !== 0 ? readUint(b, p, size) : 0, p + size];
      }
    }
  }
  /** A string by index into .debug_str_offsets (DWARF 5's strx forms). */
  private readStrx(u: Unit, p: number, form: number): [string, number] {
    const b = this.info;
    let idx: number;
    let next: number;
    if (form === FORM.strx) [idx, next] = uleb(b, p);
    else {
      const size = form - FORM.strx1 + 1;
      idx = readUint(b, p, size);
      next = p + size;
    }
    const offs = this.section('.debug_str_offsets');
    const strs = this.section('.debug_str');
    const at = u.strOffsetsBase + idx * u.offSize;
    const s = offs && strs && at + u.offSize <= offs.length ? cstring(strs, readUint(offs, at, u.offSize)) : '';
    return [s, next];
  }
}

/** A block form: its length (1, 2, 4 bytes or ULEB128), then that many bytes. */
function readBlock(b: Buffer, p: number, form: number): [Buffer, number] {
  let len: number;
  let q: number;
  if (form === FORM.block1) [len, q] = [b[p]!, p + 1];
  else if (form === FORM.block2) [len, q] = [b.readUInt16LE(p), p + 2];
  else if (form === FORM.block4) [len, q] = [b.readUInt32LE(p), p + 4];
  else [len, q] = uleb(b, p);
  return [b.subarray(q, q + len), q + len];
}

function skipForm(b: Buffer, p: number, form: number, u: UnitShape): number {
  const size = fixedFormSize(form, u);
  if (size >= 0) return p + size;
  switch (form) {
    case FORM.string: {
      // Names are short: a loop beats a call into Buffer.indexOf.
      const n = b.length;
      while (p < n && b[p] !== 0) p++;
      return p + 1;
    }
    case FORM.udata:
    case FORM.sdata:
    case FORM.ref_udata:
    case FORM.strx:
    case FORM.addrx:
    case FORM.loclistx:
    case FORM.rnglistx:
      while (b[p++]! >= 0x80);
      return p;
    case FORM.block1:
      return p + 1 + b[p]!;
    case FORM.block2:
      return p + 2 + b.readUInt16LE(p);
    case FORM.block4:
      return p + 4 + b.readUInt32LE(p);
    case FORM.block:
    case FORM.exprloc: {
      const [len, q] = uleb(b, p);
      return q + len;
    }
    case FORM.indirect: {
      const [f, q] = uleb(b, p);
      return skipForm(b, q, f, u);
    }
    default:
      throw new Error(`DWARF: unsupported form 0x${form.toString(16)}`);
  }
}
