// Go type names and types for the values of a live program's events and maps: interfaces'
// dynamic types by their itab or type descriptor (a PIE's by its load bias), itabs the
// runtime made by reading the live target, and types by name from DWARF or descriptors.
import fs from 'node:fs';
import type { GoBinary } from '../compiler/go/binary.js';
import type { GoType } from '../compiler/go/dwarf-types.js';
import { RuntimeTypes } from '../compiler/go/rtype.js';

/** A lookup in the target's file that gives up (undefined: the value prints by its address)
 *  rather than stop the session when the file cannot be read as expected. */
export function guarded<A, R>(f: (a: A) => R | undefined): (a: A) => R | undefined {
  return (a) => {
    try {
      return f(a);
    } catch {
      return undefined;
    }
  };
}

/** Names of the dynamic types of interface values, from .symtab: itabs (go.itab.T,I) for
 *  non-empty interfaces, type descriptors where the linker kept a symbol, else the runtime's
 *  descriptors; an itab the runtime made is read from the live target `tgid`. */
export function makeTypeNamer(bin: GoBinary | undefined, bias: () => number, tgid: number): (addr: bigint) => string | undefined {
  let byAddr: Map<bigint, string> | undefined;
  let rtypes: RuntimeTypes | undefined | null;
  const runtimeItabs = new Map<bigint, string | undefined>();
  const named = (runtimeAddr: bigint): string | undefined => {
    if (!bin) return undefined;
    // N.B. a type word is a run-time address: in a PIE it is the file's address plus the load bias.
    const addr = runtimeAddr - BigInt(bias());
    if (!byAddr) {
      byAddr = new Map();
      for (const sym of bin.elfFile().symbols()) {
        // go.itab.*errors.errorString,error (go:itab. since Go 1.20): the dynamic type is
        // what comes before the last comma.
        const itab = /^go[:.]itab\.(.+),[^,]+$/.exec(sym.name);
        if (itab) byAddr.set(BigInt(sym.value), itab[1]);
      }
    }
    const hit = byAddr.get(addr);
    if (hit) return hit;
    // Type descriptors have no symbols of their own: their names are in the descriptors.
    if (rtypes === undefined) rtypes = RuntimeTypes.open(bin.elfFile(), bin.goVersion) ?? null;
    return rtypes?.dynamicTypeName(Number(addr));
  };
  // N.B. an itab the runtime made itself (getitab, for a conversion between interface types:
  // `var e error = rw` where rw is an io.ReadWriter, say) is in its heap, not in the binary.
  // Its type word (offset 8 in Go 1.17-1.27) is read from the live target: such itabs are
  // never freed, so reading one after the event is safe; a target gone leaves it unnamed.
  const safeNamed = guarded(named);
  return (runtimeAddr) => {
    const name = safeNamed(runtimeAddr);
    if (name || tgid <= 0) return name;
    if (!runtimeItabs.has(runtimeAddr)) {
      const word = readTargetWord(tgid, runtimeAddr + 8n);
      runtimeItabs.set(runtimeAddr, word ? safeNamed(word) : undefined);
    }
    return runtimeItabs.get(runtimeAddr);
  };
}

/** 8 bytes of the target's memory at `addr` (undefined when unreadable or the target is gone). */
function readTargetWord(tgid: number, addr: bigint): bigint | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(`/proc/${tgid}/mem`, 'r');
    const buf = Buffer.alloc(8);
    return fs.readSync(fd, buf, 0, 8, Number(addr)) === 8 ? buf.readBigUInt64LE(0) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The Go type of a name, from the binary's DWARF, else its type descriptors (cached, misses
 *  included). */
export function makeTypeFinder(bin: GoBinary | undefined): (name: string) => GoType | undefined {
  const cache = new Map<string, GoType | undefined>();
  return (name) => {
    if (!cache.has(name)) cache.set(name, bin?.dwarf()?.findType(name) ?? bin?.descriptorTypes()?.byName(name));
    return cache.get(name);
  };
}

/** The binary's lowest executable address as linked (compiler/go/elf.ts), 0 if unreadable. */
