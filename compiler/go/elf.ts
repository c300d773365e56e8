// A small, lazy ELF64 little-endian reader: just what gotrace needs to find
// Go's tables in an x86-64 executable and to turn virtual addresses into the
// file offsets that uprobes are attached at.
//
// The file stays open and only the pieces asked for are read: a 45 MB binary
// costs a few header reads until a section is actually wanted.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { NotRegularFileError, openRegularFile } from '../files.js';
import { GoBinaryError } from './errors.js';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_X86_64 = 62;
export const PT_LOAD = 1;
export const SHT_NOBITS = 8;
export const SHT_SYMTAB = 2;
export const SHF_COMPRESSED = 0x800;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* from st_info: 1 object, 2 func. */
  kind: number;
  section: number;
}

// u64 fields are addresses, offsets and sizes of user-space files: they fit
// in a double. Number() keeps the arithmetic simple everywhere else.
function u64(b: Buffer, off: number): number {
  return Number(b.readBigUInt64LE(off));
}

export class ElfFile {
  readonly path: string;
  readonly type: number;
  readonly machine: number;
  readonly entry: number;
  readonly sections: ElfSection[];
  readonly segments: ElfSegment[];
  private fd: number | undefined;
  private readonly size: number;
  /** The open file as it was when opened: which file (st_dev, st_ino) and which version of it
   *  (size, mtime), to check later that the analyzed file is the one attached to. */
  readonly opened: fs.Stats;
  private symbolCache?: ElfSymbol[];

  private constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
    this.opened = fs.fstatSync(fd);
    this.size = this.opened.size;
    const h = this.read(0, Math.min(64, this.size));
    if (h.length < 16 || h.readUInt32BE(0) !== 0x7f454c46) {
      throw new GoBinaryError(`${path}: not an ELF file`);
    }
    if (h[4] !== 2 || h[5] !== 1 || h.length < 64) {
      // 32-bit or big-endian ELF: no x86-64 Go binary looks like this.
      throw new GoBinaryError(`${path}: only x86-64 binaries are supported`);
    }
    this.type = h.readUInt16LE(16);
    this.machine = h.readUInt16LE(18);
    if (this.machine !== EM_X86_64) {
      throw new GoBinaryError(`${path}: only x86-64 binaries are supported (ELF machine ${this.machine})`);
    }
    this.entry = u64(h, 24);
    this.segments = this.readSegments(h);
    this.sections = this.readSections(h);
  }

  /** Opens `path`; a missing or unreadable file becomes a GoBinaryError. */
  static open(path: string): ElfFile {
    let fd: number;
    try {
      fd = openRegularFile(path);
    } catch (e) {
      if (e instanceof NotRegularFileError) throw new GoBinaryError(e.message);
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new GoBinaryError(`${path}: no such file`);
      if (code === 'EACCES') throw new GoBinaryError(`${path}: permission denied`);
      if (code === 'EISDIR') throw new GoBinaryError(`${path}: is a directory`);
      throw new GoBinaryError(`${path}: cannot open (${code ?? String(e)})`);
    }
    try {
      return new ElfFile(path, fd);
    } catch (e) {
      fs.closeSync(fd);
      if (e instanceof GoBinaryError) throw e;
      // Header fields pointing past the end or overflowing: Buffer reads throw RangeError.
      throw new GoBinaryError(`${path}: malformed ELF file (${(e as Error).message})`);
    }
  }

  /** The open file's descriptor (for /proc/self/fd/N); throws once closed. */
  descriptor(): number {
    if (this.fd === undefined) throw new Error(`${this.path}: ELF file already closed`);
    return this.fd;
  }

  /** Was the open file written since it was opened (same inode, other content)?
   *  N.B. not ctime: renaming another file over the path changes this inode's link count, and
   *  with it its ctime, without touching its content. */
  changedSinceOpened(): boolean {
    const now = fs.fstatSync(this.descriptor());
    return now.size !== this.opened.size || now.mtimeMs !== this.opened.mtimeMs;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** Reads `length` bytes at file offset `offset` (short at end of file). */
  read(offset: number, length: number): Buffer {
    if (this.fd === undefined) throw new Error(`${this.path}: ELF file already closed`);
    const len = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.alloc(len);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(this.fd, buf, done, len - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === len ? buf : buf.subarray(0, done);
  }

  get pie(): boolean {
    return this.type === ET_DYN;
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /**
   * Raw bytes of a section as stored in the file (empty for SHT_NOBITS).
   * Use sectionData() for DWARF sections that may be compressed.
   */
  rawSection(s: ElfSection): Buffer {
    if (s.type === SHT_NOBITS) return Buffer.alloc(0);
    return this.read(s.offset, s.size);
  }

  /**
   * Uncompressed contents of a section, looked up by name. Handles both ways
   * Go's linker has compressed DWARF: SHF_COMPRESSED with an Elf64_Chdr, and
   * the older `.zdebug_*` sections that start with "ZLIB" and a big-endian
   * 8-byte size. Asking for ".debug_info" also finds ".zdebug_info".
   */
  sectionData(name: string): Buffer | undefined {
    let s = this.section(name);
    if (!s && name.startsWith('.debug_')) s = this.section('.z' + name.slice(1));
    if (!s) return undefined;
    const raw = this.rawSection(s);
    if (s.flags & SHF_COMPRESSED) {
      const chType = raw.readUInt32LE(0);
      if (chType !== 1) {
        throw new GoBinaryError(`${this.path}: section ${s.name} uses unsupported compression type ${chType}`);
      }
      return zlib.inflateSync(raw.subarray(24));
    }
    if (s.name.startsWith('.zdebug_') && raw.length >= 12 && raw.toString('latin1', 0, 4) === 'ZLIB') {
      return zlib.inflateSync(raw.subarray(12));
    }
    return raw;
  }

  /** The lowest address of an executable segment as linked: what the kernel records as a
   *  process's start_code, less a PIE's load bias (bpf-templates/kernel.bpf.h notes it). */
  execVaddr(): number {
    const xs = this.segments.filter((p) => p.type === PT_LOAD && (p.flags & 1) !== 0).map((p) => p.vaddr);
    return xs.length ? Math.min(...xs) : 0;
  }

  /** The PT_LOAD segment whose file-backed part holds `vaddr`. */
  loadSegmentFor(vaddr: number): ElfSegment | undefined {
    return this.segments.find((p) => p.type === PT_LOAD && vaddr >= p.vaddr && vaddr < p.vaddr + p.filesz);
  }

  /**
   * File offset of a virtual address, as uprobes want it: the kernel matches
   * probes by (inode, offset), so the same value works for PIE and non-PIE
   * binaries wherever they are mapped.
   */
  fileOffset(vaddr: number): number {
    const p = this.loadSegmentFor(vaddr);
    if (!p) {
      throw new GoBinaryError(`${this.path}: address 0x${vaddr.toString(16)} is not in a loaded part of the file`);
    }
    return vaddr - p.vaddr + p.offset;
  }

  /** Reads memory as the loader would map it (file-backed part only). */
  readVaddr(vaddr: number, length: number): Buffer {
    const p = this.loadSegmentFor(vaddr);
    if (!p) return Buffer.alloc(0);
    const n = Math.min(length, p.vaddr + p.filesz - vaddr);
    return this.read(vaddr - p.vaddr + p.offset, n);
  }

  /** .symtab symbols; empty for stripped binaries. Read once, on demand. */
  symbols(): ElfSymbol[] {
    if (this.symbolCache) return this.symbolCache;
    const out: ElfSymbol[] = [];
    const tab = this.sections.find((s) => s.type === SHT_SYMTAB);
    if (tab && tab.link < this.sections.length) {
      const data = this.rawSection(tab);
      const strs = this.rawSection(this.sections[tab.link]!);
      for (let off = 24; off + 24 <= data.length; off += 24) {
        const nameOff = data.readUInt32LE(off);
        const info = data[off + 4]!;
        out.push({
          name: cstring(strs, nameOff),
          kind: info & 0xf,
          section: data.readUInt16LE(off + 6),
          value: u64(data, off + 8),
          size: u64(data, off + 16),
        });
      }
    }
    this.symbolCache = out;
    return out;
  }

  /**
   * Values of the .symtab symbols whose name ends with `suffix`, found
   * without decoding every name (a large binary has 100,000 symbols).
   */
  symbolValuesWithSuffix(suffix: string): number[] {
    const out: number[] = [];
    const tab = this.sections.find((s) => s.type === SHT_SYMTAB);
    if (!tab || tab.link >= this.sections.length) return out;
    const data = this.rawSection(tab);
    const strs = this.rawSection(this.sections[tab.link]!);
    const want = Buffer.from(suffix, 'latin1');
    for (let off = 24; off + 24 <= data.length; off += 24) {
      const nameOff = data.readUInt32LE(off);
      const end = strs.indexOf(0, nameOff);
      if (end - nameOff >= want.length && strs.compare(want, 0, want.length, end - want.length, end) === 0) {
        out.push(u64(data, off + 8));
      }
    }
    return out;
  }

  symbol(name: string): ElfSymbol | undefined {
    return this.symbols().find((s) => s.name === name);
  }

  /** Hex GNU build id from .note.gnu.build-id (external linking, or -B). */
  gnuBuildId(): string | undefined {
    const s = this.section('.note.gnu.build-id');
    if (!s) return undefined;
    const n = parseNote(this.rawSection(s), 'GNU', 3);
    return n?.toString('hex');
  }

  /** Go's own build id string from .note.go.buildid ("actionID/contentID"). */
  goBuildId(): string | undefined {
    const s = this.section('.note.go.buildid');
    if (!s) return undefined;
    const n = parseNote(this.rawSection(s), 'Go', 4);
    return n?.toString('latin1');
  }

  private readSegments(h: Buffer): ElfSegment[] {
    const phoff = u64(h, 32);
    const entsize = h.readUInt16LE(54);
    const num = h.readUInt16LE(56);
    if (phoff === 0 || num === 0 || entsize < 56) return [];
    const data = this.read(phoff, entsize * num);
    const out: ElfSegment[] = [];
    for (let i = 0; i < num && (i + 1) * entsize <= data.length; i++) {
      const o = i * entsize;
      out.push({
        type: data.readUInt32LE(o),
        flags: data.readUInt32LE(o + 4),
        offset: u64(data, o + 8),
        vaddr: u64(data, o + 16),
        filesz: u64(data, o + 32),
        memsz: u64(data, o + 40),
      });
    }
    return out;
  }

  private readSections(h: Buffer): ElfSection[] {
    const shoff = u64(h, 40);
    const entsize = h.readUInt16LE(58);
    let num = h.readUInt16LE(60);
    let strndx = h.readUInt16LE(62);
    if (shoff === 0 || entsize < 64) return [];
    // Extended numbering: counts that do not fit 16 bits live in section 0.
    if (num === 0 || strndx === 0xffff) {
      const s0 = this.read(shoff, 64);
      if (num === 0) num = u64(s0, 32);
      if (strndx === 0xffff) strndx = s0.readUInt32LE(40);
    }
    const data = this.read(shoff, entsize * num);
    const out: ElfSection[] = [];
    for (let i = 0; i < num && (i + 1) * entsize <= data.length; i++) {
      const o = i * entsize;
      out.push({
        index: i,
        name: '',
        type: data.readUInt32LE(o + 4),
        flags: u64(data, o + 8),
        addr: u64(data, o + 16),
        offset: u64(data, o + 24),
        size: u64(data, o + 32),
        link: data.readUInt32LE(o + 40),
        info: data.readUInt32LE(o + 44),
        entsize: u64(data, o + 56),
      });
    }
    const strSec = out[strndx];
    if (strSec) {
      const names = this.rawSection(strSec);
      for (let i = 0; i < out.length; i++) {
        out[i]!.name = cstring(names, data.readUInt32LE(i * entsize));
      }
    }
    return out;
  }
}

export function cstring(b: Buffer, off: number): string {
  if (off >= b.length) return '';
  let end = b.indexOf(0, off);
  if (end < 0) end = b.length;
  return b.toString('utf8', off, end);
}

/** Finds the descriptor of the first note with the given owner and type. */
function parseNote(b: Buffer, owner: string, type: number): Buffer | undefined {
  const align4 = (n: number) => (n + 3) & ~3;
  let off = 0;
  while (off + 12 <= b.length) {
    const namesz = b.readUInt32LE(off);
    const descsz = b.readUInt32LE(off + 4);
    const t = b.readUInt32LE(off + 8);
    const nameStart = off + 12;
    const descStart = nameStart + align4(namesz);
    const name = b.toString('latin1', nameStart, nameStart + namesz).replace(/\0+$/, '');
    if (name === owner && t === type) return b.subarray(descStart, descStart + descsz);
    off = descStart + align4(descsz);
  }
  return undefined;
}
