// Separate debug information, the Linux way, for binaries shipped without DWARF: the DWARF of
// the same build kept in another file (`objcopy --only-keep-debug`), found
//   1. where the user says (--debug-file PATH);
//   2. by GNU build id: DEBUG_ROOT/.build-id/xx/yyyy.debug (Go writes a GNU build id when
//      linking externally, or with -B);
//   3. by .gnu_debuglink (a file name and the file's CRC-32): next to the binary, in .debug/
//      beside it, or under DEBUG_ROOT + the binary's directory.
// A debug file is used only when it is of the same build: the Go build id (which every Go
// binary carries in .note.go.buildid, and objcopy keeps) or else the GNU build id must be the
// same, and a debuglink's CRC must match.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ElfFile } from './elf.js';
import { GoBinaryError } from './errors.js';

/** Where distributions install debug files (gdb's debug-file-directory). */
export const DEBUG_ROOTS = (process.env.GOTRACE_DEBUG_ROOT ?? '/usr/lib/debug').split(':').filter((d) => d);

export interface DebugFile {
  elf: ElfFile;
  /** How it was found, for -lv: `debug file /usr/lib/debug/.build-id/ab/cdef.debug (build id)`. */
  source: string;
}

function hasDwarf(elf: ElfFile): boolean {
  const s = elf.section('.debug_info') ?? elf.section('.zdebug_info');
  return !!s && s.type !== 8; // SHT_NOBITS: a stripped copy's placeholder
}

/** Whether two files hold the same functions at the same addresses (GoBinary gives it). */
export type SameCode = (debug: ElfFile) => boolean;

/** Why `debug` is not of the same build as `bin`, or undefined when it is. N.B. `-ldflags=-s
 *  -w` changes the Go build ID (the link's flags are part of it) but not the code: an
 *  unstripped build whose function table is the same, names and addresses, describes the
 *  stripped one as well. */
function mismatch(bin: ElfFile, debug: ElfFile, same?: SameCode): string | undefined {
  const a = bin.goBuildId();
  const b = debug.goBuildId();
  if (a && b && a !== b && same?.(debug)) return undefined;
  if (a && b) return a === b ? undefined : `its Go build ID is ${b}, the binary's ${a}, and its functions differ`;
  const g = bin.gnuBuildId();
  const h = debug.gnuBuildId();
  if (g && h) return g === h ? undefined : `its GNU build id is ${h}, the binary's ${g}`;
  return 'neither file has a build ID to compare';
}

function tryOpen(file: string): ElfFile | undefined {
  try {
    return fs.existsSync(file) ? ElfFile.open(file) : undefined;
  } catch {
    return undefined;
  }
}

/** The file named by --debug-file: an error when it is not a debug file of this build. */
function explicit(bin: ElfFile, file: string, same?: SameCode): DebugFile {
  let elf: ElfFile;
  try {
    elf = ElfFile.open(file);
  } catch (e) {
    throw new GoBinaryError(`--debug-file ${file}: ${(e as Error).message}`);
  }
  const why = !hasDwarf(elf) ? 'it has no DWARF' : mismatch(bin, elf, same);
  if (why) {
    elf.close();
    throw new GoBinaryError(`--debug-file ${file} is not the debug information of ${bin.path}: ${why}`);
  }
  return { elf, source: `debug file ${file} (--debug-file)` };
}

/** A candidate found by convention: kept only when it is of the same build. */
function candidate(bin: ElfFile, file: string, how: string, crc?: number): DebugFile | undefined {
  const elf = tryOpen(file);
  if (!elf) return undefined;
  const crcOk = crc === undefined || zlib.crc32(fs.readFileSync(file)) === crc;
  if (crcOk && hasDwarf(elf) && !mismatch(bin, elf)) return { elf, source: `debug file ${file} (${how})` };
  elf.close();
  return undefined;
}

/** .gnu_debuglink: the debug file's name (NUL-terminated, padded to 4) and its CRC-32. */
function debugLink(bin: ElfFile): { name: string; crc: number } | undefined {
  const s = bin.section('.gnu_debuglink');
  if (!s) return undefined;
  const b = bin.rawSection(s);
  const end = b.indexOf(0);
  if (end <= 0) return undefined;
  const at = Math.ceil((end + 1) / 4) * 4;
  return at + 4 <= b.length ? { name: b.toString('utf8', 0, end), crc: b.readUInt32LE(at) } : undefined;
}

/** The debug file of a binary without DWARF, or undefined. */
export function findDebugFile(
  bin: ElfFile,
  explicitFile?: string,
  same?: SameCode,
  roots: readonly string[] = DEBUG_ROOTS,
): DebugFile | undefined {
  if (explicitFile) return explicit(bin, explicitFile, same);
  const id = bin.gnuBuildId();
  if (id && id.length > 2) {
    for (const r of roots) {
      const f = candidate(bin, path.join(r, '.build-id', id.slice(0, 2), `${id.slice(2)}.debug`), 'build id');
      if (f) return f;
    }
  }
  const link = debugLink(bin);
  if (link) {
    const dir = path.dirname(path.resolve(bin.path));
    const places = [path.join(dir, link.name), path.join(dir, '.debug', link.name), ...roots.map((r) => path.join(r, dir, link.name))];
    for (const p of places) {
      if (path.resolve(p) === path.resolve(bin.path)) continue;
      const f = candidate(bin, p, '.gnu_debuglink', link.crc);
      if (f) return f;
    }
  }
  return undefined;
}
