// Go types from the runtime's type descriptors (rtype.ts), as the same GoType the DWARF reader
// gives, and the method index: which function is which method of which type, with the method's
// function type, from the method tables. Stripped binaries keep all of this: the runtime needs
// it for reflection, interfaces and the garbage collector.
//
// Layouts (internal/abi/type.go, runtime/type.go before 1.21), the same 1.17-1.27 unless noted:
//   _type: 48 bytes (rtype.ts); kind at 23 (& 31), tflag at 20 (1 uncommon, 2 extra star,
//          4 named); then the kind's own fields:
//   ptr, slice: elem at 48 (56 bytes)      array: elem 48, slice 56, len 64 (72)
//   chan: elem 48, dir 56 (64)             func: inCount u16 48, outCount u16 50 (56); the
//          parameter types follow the uncommon part, ins then outs (outCount & 0x8000: ...)
//   interface: pkgPath 48, methods 56 (80) struct: pkgPath 48, fields []structField 56 (80)
//   map: key 48, elem 56; 88 bytes with the bucket map (≤ 1.23, and 1.24+ without swiss
//          maps), 112 with swiss maps (1.24+: group, hasher, groupSize, slotSize, elemOff,
//          flags)
//   structField: name (a pointer to a name: flags bit 3 embedded, 1.19+), typ, offset; 1.17
//          and 1.18 store offset << 1 | embedded
//   uncommon (16, right after the kind's fields): pkgPath nameOff, mcount u16, xcount u16,
//          moff u32; methods at uncommon + moff, 16 bytes each: name nameOff, mtyp typeOff,
//          ifn textOff, tfn textOff (-1: the linker dropped the method)
import type { GoType, BaseEncoding } from './dwarf-types.js';
import { minor, RuntimeTypes } from './rtype.js';

const K = {
  bool: 1,
  int: 2,
  uintptr: 12,
  float32: 13,
  float64: 14,
  complex64: 15,
  complex128: 16,
  array: 17,
  chan: 18,
  func: 19,
  iface: 20,
  map: 21,
  ptr: 22,
  slice: 23,
  string: 24,
  struct: 25,
  unsafe: 26,
} as const;
const TFLAG_UNCOMMON = 1;
const TFLAG_NAMED = 4;

/** Bytes of a descriptor before its uncommon part, by kind. */
function extraSize(kind: number, swissMaps: boolean): number {
  switch (kind) {
    case K.ptr:
    case K.slice:
      return 56;
    case K.array:
      return 72;
    case K.chan:
    case K.func:
      return kind === K.chan ? 64 : 56;
    case K.iface:
    case K.struct:
      return 80;
    case K.map:
      return swissMaps ? 112 : 88;
    default:
      return 48;
  }
}

export interface MethodSig {
  /** The receiver's type: T for tfn, *T for ifn wrappers of value methods. */
  recv: GoType;
  name: string;
  /** The method's function type without the receiver. */
  params: GoType[];
  results: GoType[];
}

/** Reads descriptors as GoTypes, lazily, cached by address. */
export class DescriptorTypes {
  private readonly cache = new Map<number, GoType>();
  private readonly funcs = new Map<number, { params: GoType[]; results: GoType[] }>();
  private readonly offsetEmbed: boolean;
  private readonly swiss: boolean;
  private methods?: Map<number, MethodSig>;
  private names?: Map<string, number>;

  constructor(
    readonly rt: RuntimeTypes,
    goVersion: string | undefined,
  ) {
    const v = minor(goVersion);
    this.offsetEmbed = v > 0 && v < 19;
    this.swiss = v >= 24;
  }

  /** The type whose descriptor is at addr. */
  at(addr: number): GoType {
    const hit = this.cache.get(addr);
    if (hit) return hit;
    const t = this.build(addr);
    this.cache.set(addr, t);
    return t;
  }

  private word(addr: number): number {
    const b = this.rt.read(addr, 8);
    return b.length === 8 ? Number(b.readBigUInt64LE(0)) : 0;
  }

  private ref(addr: number): GoType | undefined {
    const a = this.word(addr);
    return a ? this.at(a) : undefined;
  }

  /** The Go name of a descriptor, with its package path for named types (`net/http.Request`). */
  fullName(addr: number, h: Buffer): string {
    const short = this.rt.typeName(addr) ?? '';
    if (!(h[20]! & TFLAG_NAMED) || !(h[20]! & TFLAG_UNCOMMON)) return short;
    const u = this.rt.read(addr + extraSize(h[23]! & 31, this.swiss), 16);
    const pkg = u.length === 16 ? this.rt.nameOff(u.readUInt32LE(0)) : undefined;
    const dot = short.indexOf('.');
    return pkg && dot > 0 ? `${pkg}${short.slice(dot)}` : short;
  }

  private build(addr: number): GoType {
    const h = this.rt.read(addr, 80);
    if (h.length < 48) return { kind: 'unknown', name: '?', size: 0, tag: 0 };
    const size = Number(h.readBigUInt64LE(0));
    const kind = h[23]! & 31;
    const name = h[20]! & TFLAG_NAMED ? this.fullName(addr, h) : '';
    const lazy = <T extends object>(t: T, key: string, fn: () => unknown): T => {
      Object.defineProperty(t, key, {
        enumerable: true,
        configurable: true,
        get: () => {
          const v = fn();
          Object.defineProperty(t, key, { value: v, enumerable: true });
          return v;
        },
      });
      return t;
    };
    if (kind >= K.bool && kind <= K.complex128)
      return { kind: 'base', name: name || (this.rt.typeName(addr) ?? ''), size, encoding: encodingOf(kind) };
    switch (kind) {
      case K.string:
        return { kind: 'string', name: name || 'string', size };
      case K.unsafe:
        return { kind: 'pointer', name: name || 'unsafe.Pointer', size: 8, elem: undefined };
      case K.ptr:
        return lazy({ kind: 'pointer', name, size: 8 } as GoType, 'elem', () => this.ref(addr + 48));
      case K.slice:
        return lazy({ kind: 'slice', name, size } as GoType, 'elem', () => this.ref(addr + 48));
      case K.array:
        return lazy({ kind: 'array', name, size, length: this.word(addr + 64) } as GoType, 'elem', () => this.ref(addr + 48));
      case K.chan:
        // Unnamed chan and func types take the runtime's spelling (`<-chan struct {}`).
        return lazy({ kind: 'chan', name: name || (this.rt.typeName(addr) ?? ''), size: 8 } as GoType, 'elem', () => this.ref(addr + 48));
      case K.map:
        return lazy(
          lazy({ kind: 'map', name, size: 8 } as GoType, 'key', () => this.ref(addr + 48)),
          'elem',
          () => this.ref(addr + 56),
        );
      case K.iface:
        return { kind: 'interface', name: name || (this.rt.typeName(addr) ?? ''), size: 16, empty: this.word(addr + 64) === 0 };
      case K.func:
        return { kind: 'func', name: name || (this.rt.typeName(addr) ?? ''), size: 8 };
      case K.struct:
        return lazy({ kind: 'struct', name, size } as GoType, 'members', () => this.fields(addr));
      default:
        return { kind: 'unknown', name, size, tag: kind };
    }
  }

  private fields(addr: number): { name: string; offset: number; type: GoType; embedded: boolean }[] {
    const ptr = this.word(addr + 56);
    const len = this.word(addr + 64);
    const b = this.rt.read(ptr, Math.min(len, 4096) * 24);
    const out = [];
    for (let i = 0; i + 24 <= b.length; i += 24) {
      const n = this.rt.nameWithFlags(Number(b.readBigUInt64LE(i)));
      const typ = Number(b.readBigUInt64LE(i + 8));
      const raw = Number(b.readBigUInt64LE(i + 16));
      const offset = this.offsetEmbed ? Math.floor(raw / 2) : raw;
      const embedded = this.offsetEmbed ? (raw & 1) === 1 : !!((n?.flags ?? 0) & 8);
      out.push({ name: n?.name ?? '?', offset, type: this.at(typ), embedded });
    }
    return out;
  }

  /** A func type's parameters and results. */
  signature(addr: number): { params: GoType[]; results: GoType[] } {
    const hit = this.funcs.get(addr);
    if (hit) return hit;
    const h = this.rt.read(addr, 56);
    if (h.length < 56) return { params: [], results: [] };
    const inCount = h.readUInt16LE(48);
    const outCount = h.readUInt16LE(50) & 0x7fff;
    const at = addr + 56 + (h[20]! & TFLAG_UNCOMMON ? 16 : 0);
    const b = this.rt.read(at, (inCount + outCount) * 8);
    const types: GoType[] = [];
    for (let i = 0; i + 8 <= b.length; i += 8) types.push(this.at(Number(b.readBigUInt64LE(i))));
    const sig = { params: types.slice(0, inCount), results: types.slice(inCount) };
    this.funcs.set(addr, sig);
    return sig;
  }

  /**
   * Methods by entry address, from the method tables of every type reachable from the linked
   * types (typelinks). Each method's value-receiver body (tfn) takes T, the pointer wrapper
   * (ifn, when different) takes *T.
   */
  methodAt(entry: number): MethodSig | undefined {
    this.methods ??= this.indexMethods();
    return this.methods.get(entry);
  }

  /** The type of a Go name, full (`*net/http.Request`) or as the runtime spells it
   *  (`*http.Request`), among the types reachable from the linked ones. */
  byName(name: string): GoType | undefined {
    this.methods ??= this.indexMethods();
    const a = this.names!.get(name);
    return a === undefined ? undefined : this.at(a);
  }

  private indexMethods(): Map<number, MethodSig> {
    const out = new Map<number, MethodSig>();
    const names = new Map<string, number>();
    this.names = names;
    const links = this.rt.typelinks();
    const text = this.rt.textBase();
    if (!links || text === undefined) return out;
    const seen = new Set<number>();
    const todo = links.map((o) => this.rt.types + o);
    while (todo.length) {
      const a = todo.pop()!;
      if (seen.has(a) || !this.rt.isType(a)) continue;
      seen.add(a);
      const h = this.rt.read(a, 48);
      if (h.length < 48) continue;
      const kind = h[23]! & 31;
      const short = this.rt.typeName(a);
      if (short !== undefined && !names.has(short)) names.set(short, a);
      const t = this.at(a);
      const full = t.kind === 'pointer' && t.elem?.name ? `*${t.elem.name}` : t.name;
      if (full && !names.has(full)) names.set(full, a);
      const ptrToThis = h.readInt32LE(44);
      if (ptrToThis > 0) todo.push(this.rt.types + ptrToThis);
      if (kind === K.ptr || kind === K.slice || kind === K.array || kind === K.chan) todo.push(this.word(a + 48));
      if (kind === K.map) todo.push(this.word(a + 48), this.word(a + 56));
      if (kind === K.struct) {
        const ptr = this.word(a + 56);
        const b = this.rt.read(ptr, Math.min(this.word(a + 64), 4096) * 24);
        for (let i = 0; i + 24 <= b.length; i += 24) todo.push(Number(b.readBigUInt64LE(i + 8)));
      }
      if (h[20]! & TFLAG_UNCOMMON) this.tableOf(a, kind, text, out, todo);
    }
    return out;
  }

  private tableOf(a: number, kind: number, text: number, out: Map<number, MethodSig>, todo: number[]): void {
    const u = this.rt.read(a + extraSize(kind, this.swiss), 16);
    if (u.length < 16) return;
    const mcount = u.readUInt16LE(4);
    const moff = u.readUInt32LE(8);
    const m = this.rt.read(a + extraSize(kind, this.swiss) + moff, mcount * 16);
    for (let i = 0; i + 16 <= m.length; i += 16) {
      const mtyp = m.readInt32LE(i + 4);
      const ifn = m.readInt32LE(i + 8);
      const tfn = m.readInt32LE(i + 12);
      if (mtyp <= 0 || tfn === -1) continue;
      const name = this.rt.nameOff(m.readInt32LE(i)) ?? '?';
      const sig = () => this.signature(this.rt.types + mtyp);
      todo.push(this.rt.types + mtyp);
      const recv = this.at(a);
      const entry = (off: number, r: GoType): void => {
        if (off === -1 || out.has(text + off)) return;
        const s = sig();
        out.set(text + off, { recv: r, name, params: s.params, results: s.results });
      };
      entry(tfn, recv);
      if (ifn !== tfn && kind !== K.ptr) entry(ifn, { kind: 'pointer', name: '', size: 8, elem: recv });
    }
  }
}

function encodingOf(kind: number): BaseEncoding {
  if (kind === K.bool) return 'bool';
  if (kind >= K.int && kind <= K.int + 4) return 'signed';
  if (kind >= K.int + 5 && kind <= K.uintptr) return 'unsigned';
  if (kind === K.float32 || kind === K.float64) return 'float';
  return 'complex';
}
