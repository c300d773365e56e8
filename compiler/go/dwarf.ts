// A lazy DWARF reader for Go binaries: enough to find a named type or
// function and read its members or parameters.
//
// Nothing is turned into a tree up front. A lookup walks compile units in
// order and records the names of their top-level DIEs (types, functions,
// variables: Go puts every named type at the top level of some unit),
// skipping nested DIEs as fast as their abbreviations allow, and stops as
// soon as the name is found. Finding runtime.g in a 25 MB binary therefore
// reads only the units up to "runtime"; a name that does not exist costs
// one full pass, after which the index is complete.
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
  private readonly index = new Map<string, number[]>();
  private readonly types: TypeReader;
  private readonly sec: (name: string) => Buffer | undefined;

  private constructor(info: Buffer, abbrev: Buffer, sec: (name: string) => Buffer | undefined) {
    const cache = new Map<string, Buffer | undefined>();
    this.sec = (n) => {
      if (!cache.has(n)) cache.set(n, sec(n));
      return cache.get(n);
    };
    this.reader = new DieReader(info, abbrev, sec, (u, cu) => this.indexUnit(u, cu));
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

  /** Top-level DIEs named `name`, in file order (types and functions share names rarely). */
  lookup(name: string): Die[] {
    let offs = this.index.get(name);
    while (!offs && !this.reader.done) {
      this.reader.readNextUnit();
      offs = this.index.get(name);
    }
    // A later unit may hold another DIE of the same name (e.g. a typedef
    // and the struct it names); callers that care use findType/findFunction.
    return (offs ?? []).map((o) => this.die(o));
  }

  /**
   * The named type's defining DIE: a struct (or other type) rather than a
   * typedef of the same name, which Go emits next to some runtime structs.
   */
  findTypeDie(name: string): Die | undefined {
    const dies = this.lookup(name).filter((d) => isTypeTag(d.tag) && !d.attrs.get(AT.declaration));
    return dies.find((d) => d.tag !== TAG.typedef) ?? dies[0];
  }

  /** Describes the named type, e.g. `runtime.g` or `main.Server`. */
  findType(name: string): GoType | undefined {
    const d = this.findTypeDie(name);
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
    const dies = this.lookup(name).filter((d) => d.tag === TAG.subprogram);
    if (entry !== undefined) {
      const at = dies.find((d) => d.attrs.get(AT.low_pc) === entry);
      if (at) return at;
      if (dies.length === 0 && name.includes('[')) return this.genericAt(name, entry);
    }
    // Prefer the concrete out-of-line body; an abstract one (inlined
    // function) still names its parameters.
    return dies.find((d) => d.attrs.has(AT.low_pc)) ?? dies[0];
  }

  private genericAt(name: string, entry: number): Die | undefined {
    while (!this.reader.done) this.reader.readNextUnit();
    const want = printName(name);
    const prefix = name.slice(0, name.indexOf('['));
    for (const [key, offs] of this.index) {
      if (!key.startsWith(prefix) || !key.includes('[') || printName(key) !== want) continue;
      for (const o of offs) {
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
   */
  functionParams(name: string, entry?: number): FuncParam[] | undefined {
    const d = this.findFunctionDie(name, entry);
    if (!d) return undefined;
    const out: FuncParam[] = [];
    for (const c of this.children(d)) {
      if (c.tag !== TAG.formal_parameter) continue;
      const t = c.attrs.get(AT.type);
      const p: FuncParam = { name: String(c.attrs.get(AT.name) ?? ''), isResult: !!c.attrs.get(AT.variable_parameter) };
      if (typeof t === 'number') p.type = this.types.at(t);
      out.push(p);
    }
    return out;
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
    for (const c of this.children(d)) {
      if (c.tag !== TAG.formal_parameter) continue;
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
    return this.reader.units.length;
  }

  /** Records the names of a unit's top-level DIEs. */
  private indexUnit(u: Unit, cu: Die): void {
    if (!cu.hasChildren) return;
    let off = cu.childOffset;
    while (off < u.end && this.reader.info[off] !== 0) {
      const d = this.reader.readDie(u, off);
      const n = d.attrs.get(AT.name);
      if (typeof n === 'string' && n.length > 0) {
        const list = this.index.get(n);
        if (list) list.push(off);
        else this.index.set(n, [off]);
      }
      off = d.hasChildren ? this.reader.skipTree(u, off) : d.childOffset;
    }
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
