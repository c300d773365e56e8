// Go types as described by the DWARF that Go's linker writes
// (cmd/link/internal/ld/dwarf.go). Go marks each type DIE with its
// reflect.Kind in DW_AT_go_kind, which tells strings and slices (both
// structs in DWARF) and maps, chans and interfaces (typedefs of runtime
// structs) apart from ordinary structs and typedefs.
//
// Types are built on first use and cached by DIE offset. Fields that refer
// to other types (elem, members, underlying...) are resolved lazily through
// getters, so describing runtime.g does not walk the whole runtime, and
// recursive types are plain object cycles (do not JSON.stringify them).
import type { Dwarf, Die } from './dwarf.js';
import { AT, TAG, uleb } from './dwarf-forms.js';

export type BaseEncoding = 'signed' | 'unsigned' | 'float' | 'bool' | 'complex' | 'address' | 'other';

export interface MemberType {
  readonly name: string;
  readonly offset: number;
  readonly type: GoType;
  readonly embedded: boolean;
}

export type GoType =
  | { kind: 'base'; name: string; size: number; encoding: BaseEncoding }
  /** elem is undefined for unsafe.Pointer. */
  | { kind: 'pointer'; name: string; size: number; readonly elem: GoType | undefined }
  | { kind: 'struct'; name: string; size: number; readonly members: MemberType[] }
  | { kind: 'string'; name: string; size: number }
  | { kind: 'slice'; name: string; size: number; readonly elem: GoType | undefined }
  | { kind: 'array'; name: string; size: number; length: number; readonly elem: GoType | undefined }
  | { kind: 'interface'; name: string; size: number; empty: boolean }
  | { kind: 'map'; name: string; size: number; readonly key: GoType | undefined; readonly elem: GoType | undefined }
  | { kind: 'chan'; name: string; size: number; readonly elem: GoType | undefined }
  | { kind: 'func'; name: string; size: number }
  /** A named type whose DWARF is a typedef of another type. */
  | { kind: 'named'; name: string; size: number; readonly underlying: GoType }
  | { kind: 'unknown'; name: string; size: number; tag: number };

// reflect.Kind values Go stores in DW_AT_go_kind.
const KIND_CHAN = 18;
const KIND_INTERFACE = 20;
const KIND_MAP = 21;
const KIND_SLICE = 23;
const KIND_STRING = 24;

const ENCODINGS: Record<number, BaseEncoding> = {
  1: 'address',
  2: 'bool',
  3: 'complex',
  4: 'float',
  5: 'signed',
  6: 'signed',
  7: 'unsigned',
  8: 'unsigned',
};

/** Replaces obj[key] by a getter computing the value once, on first read. */
function lazy<T extends object>(obj: T, key: string, fn: () => unknown): void {
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get() {
      const v = fn();
      Object.defineProperty(obj, key, { value: v, enumerable: true });
      return v;
    },
  });
}

export class TypeReader {
  private readonly cache = new Map<number, GoType>();

  constructor(private readonly dwarf: Dwarf) {}

  at(offset: number): GoType {
    const hit = this.cache.get(offset);
    if (hit) return hit;
    const t = this.build(this.dwarf.die(offset));
    this.cache.set(offset, t);
    return t;
  }

  private ref(d: Die, attr: number): GoType | undefined {
    const v = d.attrs.get(attr);
    return typeof v === 'number' ? this.at(v) : undefined;
  }

  private build(d: Die): GoType {
    const name = String(d.attrs.get(AT.name) ?? '');
    const sizeAttr = d.attrs.get(AT.byte_size);
    const size = typeof sizeAttr === 'number' ? sizeAttr : 0;
    const goKind = d.attrs.get(AT.go_kind);
    switch (d.tag) {
      case TAG.base_type: {
        const enc = d.attrs.get(AT.encoding);
        return { kind: 'base', name, size, encoding: (typeof enc === 'number' && ENCODINGS[enc]) || 'other' };
      }
      case TAG.pointer_type: {
        const t = { kind: 'pointer', name, size: size || 8 } as GoType;
        lazy(t, 'elem', () => this.ref(d, AT.type));
        return t;
      }
      case TAG.structure_type: {
        if (goKind === KIND_STRING || (name === 'string' && goKind === undefined)) {
          return { kind: 'string', name, size: size || 16 };
        }
        if (goKind === KIND_SLICE) {
          const t = { kind: 'slice', name, size: size || 24 } as GoType;
          lazy(t, 'elem', () => this.ref(d, AT.go_elem));
          return t;
        }
        const t = { kind: 'struct', name, size } as GoType;
        lazy(t, 'members', () => this.members(d));
        return t;
      }
      case TAG.array_type: {
        const t = { kind: 'array', name, size, length: arrayLength(this.dwarf, d) } as GoType;
        lazy(t, 'elem', () => this.ref(d, AT.type));
        return t;
      }
      case TAG.subroutine_type:
        return { kind: 'func', name, size: size || 8 };
      case TAG.typedef:
        return this.typedef(d, name, goKind);
      default:
        return { kind: 'unknown', name, size, tag: d.tag };
    }
  }

  private typedef(d: Die, name: string, goKind: unknown): GoType {
    const target = d.attrs.get(AT.type);
    if (goKind === KIND_INTERFACE) {
      const under = typeof target === 'number' ? this.dwarf.die(target) : undefined;
      const uname = under ? String(under.attrs.get(AT.name) ?? '') : '';
      return { kind: 'interface', name, size: 16, empty: uname === 'runtime.eface' };
    }
    if (goKind === KIND_MAP) {
      const t = { kind: 'map', name, size: 8 } as GoType;
      lazy(t, 'key', () => this.ref(d, AT.go_key));
      lazy(t, 'elem', () => this.ref(d, AT.go_elem));
      return t;
    }
    if (goKind === KIND_CHAN) {
      const t = { kind: 'chan', name, size: 8 } as GoType;
      lazy(t, 'elem', () => this.ref(d, AT.go_elem));
      return t;
    }
    if (typeof target !== 'number') return { kind: 'unknown', name, size: 0, tag: d.tag };
    const under = this.at(target);
    // Go emits a typedef of the same name next to many types; it adds
    // nothing, so it stands for its target.
    if (under.name === name) return under;
    if (under.kind === 'func') return { kind: 'func', name, size: 8 };
    const t = { kind: 'named', name, size: under.size } as GoType;
    lazy(t, 'underlying', () => under);
    return t;
  }

  private members(d: Die): MemberType[] {
    return this.dwarf.membersOf(d).map((m) => {
      const mt = { name: m.name, offset: m.offset, embedded: m.embedded } as MemberType;
      lazy(mt, 'type', () => this.at(m.typeOffset));
      return mt;
    });
  }
}

function arrayLength(dwarf: Dwarf, d: Die): number {
  for (const c of dwarf.children(d)) {
    if (c.tag !== TAG.subrange_type) continue;
    const count = c.attrs.get(AT.count);
    if (typeof count === 'number') return count;
    const ub = c.attrs.get(AT.upper_bound);
    if (typeof ub === 'number') return ub + 1;
    if (Buffer.isBuffer(ub)) return uleb(ub, 0)[0] + 1;
  }
  return 0;
}
