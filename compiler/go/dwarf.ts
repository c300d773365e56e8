// A lazy DWARF reader for Go binaries: enough to find a named type or
// function and read its members or parameters.
//
// Nothing is turned into a tree up front. A lookup records the names of the
// top-level DIEs (types, functions, variables: Go puts every named type at
// the top level of some unit) of the units it reads, reading only the name
// of each and skipping nested DIEs as fast as their abbreviations allow.
// Go writes a unit per package, and its types in the "runtime" unit, so a
// lookup reads the units of the name's package and runtime first, then the
// others in order until the name is found. Finding runtime.g in a 25 MB
// binary therefore indexes one unit; a name that does not exist costs one
// full pass, after which the index is complete.
import { ElfFile } from './elf.js';
import { AT, FORM, TAG, readUint, uleb } from './dwarf-forms.js';
import { AttrValue, Die, DieReader, Unit } from './dwarf-reader.js';
import { GoType, TypeReader } from './dwarf-types.js';
import { printName } from './glob.js';
import { decodeLocation, DwarfPiece, locListEntryAt } from './dwarf-loc.js';

export { TAG, AT } from './dwarf-forms.js';
export type { DwarfPiece, DwarfPart } from './dwarf-loc.js';
export type { GoType } from './dwarf-types.js';
export type { AttrValue, Die, Unit } from './dwarf-reader.js';

export interface StructMember {
  name: string;
  offset: number;
  /** DIE offset of the member's type; see Dwarf.type(). */
  typeOffset: number;
  embedded: boolean;
}

export interface FuncParam {
  name: string;
  type?: GoType;
  /** Go marks results with DW_AT_variable_parameter = 1. */
  isResult: boolean;
}

/** A formal parameter's location at one pc, as the DWARF describes it. */
export interface ParamLocation {
  name: string;
  isResult: boolean;
  /** Undefined when no location (list entry) covers the pc. */
  pieces?: DwarfPiece[];
}

export class Dwarf {
  private readonly reader: DieReader;
  /** Name → DIE offset (or offsets, for the few names used twice). */
  private readonly index = new Map<string, number | number[]>();
  /** Units whose top-level names are in `index`. */
  private readonly indexed = new Set<Unit>();
  private unitsByName?: Map<string, Unit[]>;
  private readonly types: TypeReader;
  private readonly sec: (name: string) => Buffer | undefined;

  private constructor(info: Buffer, abbrev: Buffer, sec: (name: string) => Buffer | undefined) {
    const cache = new Map<string, Buffer | undefined>();
    this.sec = (n) => {
      if (!cache.has(n)) cache.set(n, sec(n));
      return cache.get(n);
    };
    this.reader = new DieReader(info, abbrev, sec);
    this.types = new TypeReader(this);
  }

  /** Reads .debug_info and .debug_abbrev (decompressing them); undefined if absent. */
  static open(elf: ElfFile): Dwarf | undefined {
    const info = elf.sectionData('.debug_info');
    const abbrev = elf.sectionData('.debug_abbrev');
    if (!info || !abbrev) return undefined;
    return new Dwarf(info, abbrev, (n) => elf.sectionData(n));
  }

  /** Builds a reader over sections already in memory (tests, tools). */
  static fromSections(sections: Record<string, Buffer>): Dwarf | undefined {
    const info = sections['.debug_info'];
    const abbrev = sections['.debug_abbrev'];
    if (!info || !abbrev) return undefined;
    return new Dwarf(info, abbrev, (n) => sections[n]);
  }

  /**
   * Top-level DIEs named `name`, in file order (types and functions share
   * names rarely). Go writes one unit per package, with every type in the
   * "runtime" unit, so the units of the packages the name may belong to
   * (and runtime's) are indexed first; only a name not found there costs a
   * walk through the other units, in order, until it is found.
   */
  lookup(name: string, exhaustive = true): Die[] {
    let offs = this.index.get(name);
    if (offs === undefined) {
      // Unit by unit, stopping at the first that has the name. Past the
      // likely ones, small units first: a name found elsewhere is usually
      // assembly linknamed from a small package (runtime.cmpstring lives
      // in internal/bytealg), and the big units cost the most to index.
      const units = exhaustive ? [...this.likelyUnits(name), ...this.unitsBySize()] : this.likelyUnits(name);
      for (let i = 0; offs === undefined && i < units.length; i++) {
        if (this.indexed.has(units[i]!)) continue;
        this.indexUnit(units[i]!);
        offs = this.index.get(name);
      }
    }
    // Another unit may hold another DIE of the same name (an ABI wrapper
    // of a function, say): see findFunctionDie.
    if (offs === undefined) return [];
    return typeof offs === 'number' ? [this.die(offs)] : offs.map((o) => this.die(o));
  }

  private bySize?: Unit[];
  private unitsBySize(): Unit[] {
    this.bySize ??= [...this.allUnits()].sort((a, b) => a.end - a.offset - (b.end - b.offset));
    return this.bySize;
  }

  /** Indexes every unit `name` may be in, for a lookup that wants all its DIEs. */
  private indexLikely(name: string): void {
    for (const u of this.likelyUnits(name)) this.indexUnit(u);
  }

  /** Every unit's header (cheap: no DIE but the unit's own is read). */
  private allUnits(): Unit[] {
    if (!this.unitsByName) {
      while (!this.reader.done) this.reader.readNextUnit();
      this.unitsByName = new Map();
      for (const u of this.reader.units) {
        const key = u.name ?? '';
        const list = this.unitsByName.get(key);
        if (list) list.push(u);
        else this.unitsByName.set(key, [u]);
      }
    }
    return this.reader.units;
  }

  /**
   * Units of the packages `name` may belong to: `a/b.c.D` may be in
   * package `a/b` or `a/b.c` (a dot in the last path element), plus
   * "runtime", which holds the types.
   */
  private likelyUnits(name: string): Unit[] {
    this.allUnits();
    const byName = this.unitsByName!;
    let head = name.replace(/^(?:\*|\[\d*\])+/, '');
    const br = head.indexOf('[');
    if (br >= 0) head = head.slice(0, br);
    const out: Unit[] = [];
    for (let i = head.indexOf('.', head.lastIndexOf('/') + 1); i > 0; i = head.indexOf('.', i + 1)) {
      out.push(...(byName.get(head.slice(0, i)) ?? []));
    }
    out.push(...(byName.get('runtime') ?? []));
    return out;
  }

  /**
   * The named type's defining DIE: a struct (or other type) rather than a
   * typedef of the same name, which Go emits next to some runtime structs.
   */
  findTypeDie(name: string, exhaustive = true): Die | undefined {
    const dies = this.lookup(name, exhaustive).filter((d) => isTypeTag(d.tag) && !d.attrs.get(AT.declaration));
    return dies.find((d) => d.tag !== TAG.typedef) ?? dies[0];
  }

  /**
   * Describes the named type, e.g. `runtime.g` or `main.Server`. Not
   * `exhaustive`: look only where Go puts types, so that asking whether a
   * name is a type costs no full walk when it is not.
   */
  findType(name: string, exhaustive = true): GoType | undefined {
    const d = this.findTypeDie(name, exhaustive);
    return d ? this.types.at(d.offset) : undefined;
  }

  /** The type whose DIE is at `offset` (as in StructMember.typeOffset). */
  type(offset: number): GoType {
    return this.types.at(offset);
  }

  /** Members of a struct type, following typedefs of the name. */
  structMembers(name: string): StructMember[] | undefined {
    const d = this.resolveTypedefs(this.findTypeDie(name));
    if (!d || d.tag !== TAG.structure_type) return undefined;
    return this.membersOf(d);
  }

  membersOf(d: Die): StructMember[] {
    const out: StructMember[] = [];
    for (const c of this.children(d)) {
      if (c.tag !== TAG.member) continue;
      const loc = memberLocation(c.attrs.get(AT.data_member_location));
      const t = c.attrs.get(AT.type);
      out.push({
        name: String(c.attrs.get(AT.name) ?? ''),
        offset: loc,
        typeOffset: typeof t === 'number' ? t : -1,
        embedded: !!c.attrs.get(AT.go_embedded_field),
      });
    }
    return out;
  }

  /**
   * Byte offset of a (possibly nested) member: memberOffset('runtime.g',
   * 'stack', 'hi') is the offset of g.stack.hi. Undefined if any step is
   * missing.
   */
  memberOffset(structName: string, ...path: string[]): number | undefined {
    let members = this.structMembers(structName);
    let total = 0;
    for (let i = 0; i < path.length; i++) {
      const m = members?.find((x) => x.name === path[i]);
      if (!m) return undefined;
      total += m.offset;
      if (i + 1 < path.length) {
        const d = m.typeOffset >= 0 ? this.resolveTypedefs(this.die(m.typeOffset)) : undefined;
        members = d && d.tag === TAG.structure_type ? this.membersOf(d) : undefined;
      }
    }
    return total;
  }

  private resolveTypedefs(d: Die | undefined): Die | undefined {
    for (let i = 0; d && d.tag === TAG.typedef && i < 8; i++) {
      const t = d.attrs.get(AT.type);
      d = typeof t === 'number' ? this.die(t) : undefined;
    }
    return d;
  }

  /**
   * The subprogram DIE for a Go function name like `main.(*Server).Handle`.
   * With `entry`, the one whose code starts there: Go's function table
   * names generic instantiations `main.Map[...]` in some releases while
   * DWARF spells out the shapes (`main.Map[go.shape.int_0]`), so a name
   * with `[...]` falls back to comparing printed names and entry pcs.
   */
  findFunctionDie(name: string, entry?: number): Die | undefined {
    let dies = this.lookup(name).filter((d) => d.tag === TAG.subprogram);
    if (entry !== undefined) {
      let at = dies.find((d) => d.attrs.get(AT.low_pc) === entry);
      if (!at && dies.length > 0) {
        this.indexLikely(name);
        dies = this.lookup(name).filter((d) => d.tag === TAG.subprogram);
        at = dies.find((d) => d.attrs.get(AT.low_pc) === entry);
      }
      if (at) return at;
      if (dies.length === 0 && name.includes('[')) return this.genericAt(name, entry);
    }
    // Prefer the concrete out-of-line body; an abstract one (inlined
    // function) still names its parameters.
    return dies.find((d) => d.attrs.has(AT.low_pc)) ?? dies[0];
  }

  private genericAt(name: string, entry: number): Die | undefined {
    for (const u of this.allUnits()) this.indexUnit(u);
    const want = printName(name);
    const prefix = name.slice(0, name.indexOf('['));
    for (const [key, offs] of this.index) {
      if (!key.startsWith(prefix) || !key.includes('[') || printName(key) !== want) continue;
      for (const o of typeof offs === 'number' ? [offs] : offs) {
        const d = this.die(o);
        if (d.tag === TAG.subprogram && d.attrs.get(AT.low_pc) === entry) return d;
      }
    }
    return undefined;
  }

  /**
   * Formal parameters and results of a function, in declaration order.
   * N.B. Go leaves blank (`_`) and unnamed parameters out of its DWARF
   * (blank and unnamed results stay, as `~b0`, `~r0`), so this list may
   * be short; GoBinary.functionAbi checks it against the argument size.
   * N.B. Go (1.17-1.22 at least) lists a parameter twice when the function defers or
   * recovers and the parameter lives on the heap or is a result (`~r0 ~r0 ~r1 ~r1`): the
   * second DIE describes the same value, so it is dropped (Go names are unique in a
   * signature; blank ones are not listed).
   */
  functionParams(name: string, entry?: number): FuncParam[] | undefined {
    const d = this.findFunctionDie(name, entry);
    if (!d) return undefined;
    const out: FuncParam[] = [];
    for (const c of this.formalParams(d)) {
      const t = c.attrs.get(AT.type);
      const p: FuncParam = { name: String(c.attrs.get(AT.name) ?? ''), isResult: !!c.attrs.get(AT.variable_parameter) };
      if (typeof t === 'number') p.type = this.types.at(t);
      out.push(p);
    }
    return out;
  }

  /** A function's formal parameter DIEs, each name once (see functionParams). */
  private formalParams(d: Die): Die[] {
    const seen = new Set<string>();
    return this.children(d).filter((c) => {
      if (c.tag !== TAG.formal_parameter) return false;
      const name = String(c.attrs.get(AT.name) ?? '');
      if (name === '' || name === '_') return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    });
  }

  /**
   * Where each formal parameter of function `name` is at `pc` (default: the
   * function's entry), from DW_AT_location: an expression, or the entry of a
   * location list that covers pc. Go writes lists for optimized code, whose
   * first entry at the entry pc names the ABI registers; stack arguments get
   * a plain CFA-relative expression (or none, when optimized away).
   */
  paramLocations(name: string, pc?: number, entry?: number): ParamLocation[] | undefined {
    const d = this.findFunctionDie(name, entry);
    if (!d) return undefined;
    const low = d.attrs.get(AT.low_pc);
    const at = pc ?? (typeof low === 'number' ? low : 0);
    const fb = d.attrs.get(AT.frame_base);
    const fbIsCfa = Buffer.isBuffer(fb) && fb.length === 1 && fb[0] === 0x9c;
    const u = d.unit;
    const cu = this.reader.readDie(u, u.firstDie);
    const cuLow = cu.attrs.get(AT.low_pc);
    const base = typeof cuLow === 'number' ? cuLow : 0;
    const out: ParamLocation[] = [];
    for (const c of this.formalParams(d)) {
      const p: ParamLocation = { name: String(c.attrs.get(AT.name) ?? ''), isResult: !!c.attrs.get(AT.variable_parameter) };
      const loc = c.attrs.get(AT.location);
      let expr: Buffer | undefined;
      if (Buffer.isBuffer(loc)) expr = loc;
      else if (typeof loc === 'number') {
        let off = loc;
        if (this.reader.formOf(c, AT.location) === FORM.loclistx) {
          // An index into the offsets table at DW_AT_loclists_base.
          const lb = cu.attrs.get(AT.loclists_base);
          const lists = this.sec('.debug_loclists');
          if (typeof lb !== 'number' || !lists) off = -1;
          else off = lb + readUint(lists, lb + loc * u.offSize, u.offSize);
        }
        if (off >= 0) {
          const sections = { loc: this.sec('.debug_loc'), loclists: this.sec('.debug_loclists'), addr: this.sec('.debug_addr') };
          expr = locListEntryAt(sections, u.version, off, at, base, u.addrBase);
        }
      }
      if (expr) p.pieces = decodeLocation(expr, fbIsCfa);
      out.push(p);
    }
    return out;
  }

  /** Reads the DIE at an absolute .debug_info offset. */
  die(offset: number): Die {
    return this.reader.die(offset);
  }

  /** Direct children of a DIE. */
  children(d: Die): Die[] {
    return this.reader.children(d);
  }

  /** Number of units indexed so far, for tests of laziness. */
  get unitsIndexed(): number {
    return this.indexed.size;
  }

  /** Records the names of a unit's top-level DIEs. */
  private indexUnit(u: Unit): void {
    if (this.indexed.has(u)) return;
    this.indexed.add(u);
    this.reader.childNames(this.reader.readDie(u, u.firstDie), (n, off) => {
      const had = this.index.get(n);
      if (had === undefined) this.index.set(n, off);
      else if (typeof had === 'number') this.index.set(n, [had, off]);
      else had.push(off);
    });
  }
}

function isTypeTag(tag: number): boolean {
  return (
    tag === TAG.structure_type ||
    tag === TAG.typedef ||
    tag === TAG.base_type ||
    tag === TAG.pointer_type ||
    tag === TAG.array_type ||
    tag === TAG.subroutine_type ||
    tag === TAG.union_type ||
    tag === TAG.enumeration_type ||
    tag === TAG.unspecified_type
  );
}

/** data_member_location: a constant, or DW_OP_plus_uconst N from older producers. */
function memberLocation(v: AttrValue | undefined): number {
  if (typeof v === 'number') return v;
  if (Buffer.isBuffer(v) && v.length > 1 && v[0] === 0x23) return uleb(v, 1)[0];
  return 0;
}
