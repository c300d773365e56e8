// Where the goroutine id lives in runtime.g, for the BPF side to read it
// from the g pointer in R14 (the register ABI keeps the current g there).
//
// DWARF, when the binary has it, is the authority. Stripped binaries fall
// back to a table keyed by Go minor release, worked out by hand from the
// g struct in src/runtime/runtime2.go of each release for amd64 (see
// G_LAYOUT_BY_MINOR for the arithmetic). An unknown newer release uses the
// newest known layout and says so.
import type { Dwarf } from './dwarf.js';
import { parseGoVersion } from './buildinfo.js';
import { GoBinaryError } from './errors.js';

export interface GLayout {
  goidOffset: number;
  /** g.stack.hi: the top of the goroutine's stack. */
  stackHiOffset: number;
  /** g.stackguard0, compared against RSP in every function prologue. */
  stackguard0Offset: number;
  source: 'dwarf' | 'version-table';
  /** Set when the numbers are a guess (unknown or very new Go version). */
  warning?: string;
}

/**
 * g.goid offset by Go 1.x minor release, amd64. The g struct begins
 *   stack{lo,hi} 16 | stackguard0 8 | stackguard1 8 | _panic 8 | _defer 8 |
 *   m 8 | sched gobuf | syscallsp 8 | syscallpc 8 | [syscallbp 8] |
 *   stktopsp 8 | param 8 | atomicstatus 4 | stackLock 4 | goid 8
 * so goid = 56 + sizeof(gobuf) + 40 (+8 with syscallbp) + 8, where
 *   1.17-1.22  gobuf {sp, pc, g, ctxt, ret, lr, bp} = 56, no syscallbp → 152
 *   1.23-1.24  syscallbp added (frame-pointer tracebacks of syscalls) → 160
 *   1.25+      gobuf.ret removed: gobuf = 48, syscallbp kept           → 152
 * (atomicstatus became atomic.Uint32 in 1.20 and goid uint64 in 1.21:
 * same sizes.) Checked against DWARF for the local toolchain and, for
 * every release 1.17-1.27, against stripped release binaries, whose
 * runtime.goroutineheader loads gp.atomicstatus at goid-8 (see
 * test/compiler/go/newer-go.test.ts).
 */
export const G_LAYOUT_BY_MINOR: Record<number, number> = {
  17: 152,
  18: 152,
  19: 152,
  20: 152,
  21: 152,
  22: 152,
  23: 160,
  24: 160,
  25: 152,
  26: 152,
  27: 152,
};

const STACK_HI = 8;
const STACKGUARD0 = 16;

/** Table lookup for a Go version string such as "go1.21.5". */
export function goidOffsetForVersion(goVersion: string | undefined): { offset: number; warning?: string } | undefined {
  const v = parseGoVersion(goVersion);
  if (!v || v[0] !== 1) return undefined;
  const minor = v[1];
  const known = Object.keys(G_LAYOUT_BY_MINOR).map(Number);
  const newest = Math.max(...known);
  const exact = G_LAYOUT_BY_MINOR[minor];
  if (exact !== undefined) return { offset: exact };
  if (minor > newest) {
    return {
      offset: G_LAYOUT_BY_MINOR[newest]!,
      warning: `Go ${goVersion} is newer than the goroutine layout table (up to go1.${newest}); assuming it is unchanged`,
    };
  }
  // Older releases keep g in TLS rather than R14 (no register ABI): the
  // tracer does not support them, so they have no entry.
  return undefined;
}

/**
 * The runtime.g offsets for a binary: from DWARF when it describes
 * runtime.g, else from the version table. Throws GoBinaryError when neither
 * works (a stripped binary of an unsupported Go release).
 */
export function gLayoutFor(dwarf: Dwarf | undefined, goVersion: string | undefined): GLayout {
  let dwarfProblem: string | undefined;
  if (dwarf) {
    try {
      const goid = dwarf.memberOffset('runtime.g', 'goid');
      if (goid !== undefined) {
        return {
          goidOffset: goid,
          stackHiOffset: dwarf.memberOffset('runtime.g', 'stack', 'hi') ?? STACK_HI,
          stackguard0Offset: dwarf.memberOffset('runtime.g', 'stackguard0') ?? STACKGUARD0,
          source: 'dwarf',
        };
      }
    } catch (e) {
      // Unreadable DWARF (an unsupported form, say): the table still works.
      dwarfProblem = `DWARF unreadable (${(e as Error).message}); used the version table`;
    }
  }
  const t = goidOffsetForVersion(goVersion);
  if (!t) {
    throw new GoBinaryError(
      `cannot tell where goroutine ids live in this binary: no DWARF for runtime.g and ` +
        (goVersion ? `Go version ${goVersion} is not in the layout table (go1.17 or newer is supported)` : `no Go version recorded`),
    );
  }
  const out: GLayout = { goidOffset: t.offset, stackHiOffset: STACK_HI, stackguard0Offset: STACKGUARD0, source: 'version-table' };
  const warning = [dwarfProblem, t.warning].filter(Boolean).join('; ');
  if (warning) out.warning = warning;
  return out;
}
