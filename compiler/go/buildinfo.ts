// The Go version and main module recorded in a binary, as `go version -m`
// shows them. Format facts from Go's debug/buildinfo and
// cmd/link/internal/ld/data.go (buildinfo):
//
//   .go.buildinfo = "\xff Go buildinf:" (14 bytes), ptrSize (1), flags (1)
//   flags & 2 (Go ≥1.18): at offset 32, two varint-length-prefixed strings,
//                         the version and the module info.
//   otherwise (Go ≤1.17): at offset 16, two pointers to Go string headers
//                         {data, len} holding the same two strings.
//   flags & 1: big-endian pointers (never on x86-64, checked anyway).
//
// The module info is wrapped in 16-byte sentinels, and is lines such as
// "path\texample.com/cmd", "mod\texample.com\tv1.2.3\th1:...".
import { ElfFile } from './elf.js';

export interface BuildInfo {
  goVersion?: string;
  /** Module path of the main module ("mod" line); absent in GOPATH builds. */
  mainModule?: string;
  /** Import path of the main package ("path" line). */
  mainPath?: string;
  /** Where goVersion came from, for diagnostics. */
  source: 'buildinfo' | 'symbol' | 'scan' | 'none';
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

function readUvarint(b: Buffer, off: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (let i = off; i < b.length && shift < 63; i++) {
    const byte = b[i]!;
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [v, i + 1];
    shift += 7;
  }
  return [-1, b.length];
}

/** Reads the Go string header at `vaddr` and the bytes it points to. */
function readGoBytes(elf: ElfFile, vaddr: number, bigEndian: boolean): Buffer | undefined {
  const hdr = elf.readVaddr(vaddr, 16);
  if (hdr.length < 16) return undefined;
  const ptr = Number(bigEndian ? hdr.readBigUInt64BE(0) : hdr.readBigUInt64LE(0));
  const len = Number(bigEndian ? hdr.readBigUInt64BE(8) : hdr.readBigUInt64LE(8));
  if (len < 0 || len > 1 << 20) return undefined;
  const data = elf.readVaddr(ptr, len);
  return data.length === len ? data : undefined;
}

/** `modinfo` is decoded as latin1 so that the sentinels are 16 characters. */
function parseModInfo(info: BuildInfo, modinfo: string): void {
  // Strip the sentinels the linker wraps the text in.
  if (modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n') {
    modinfo = modinfo.slice(16, -16);
  }
  for (const line of modinfo.split('\n')) {
    const f = line.split('\t');
    const utf8 = (x: string) => Buffer.from(x, 'latin1').toString('utf8');
    if (f[0] === 'path' && f[1]) info.mainPath = utf8(f[1]);
    else if (f[0] === 'mod' && f[1]) info.mainModule = utf8(f[1]);
  }
}

export function readBuildInfo(elf: ElfFile): BuildInfo {
  const info: BuildInfo = { source: 'none' };
  const sec = elf.section('.go.buildinfo');
  if (sec) {
    const b = elf.read(sec.offset, Math.min(sec.size, 64 * 1024));
    if (b.length >= 32 && b.subarray(0, 14).equals(MAGIC)) {
      const ptrSize = b[14]!;
      const flags = b[15]!;
      if (flags & 2) {
        // Modinfo is read as latin1 so the sentinel slice counts bytes.
        const [vlen, vstart] = readUvarint(b, 32);
        if (vlen >= 0 && vstart + vlen <= b.length) {
          info.goVersion = b.toString('utf8', vstart, vstart + vlen);
          const [mlen, mstart] = readUvarint(b, vstart + vlen);
          if (mlen >= 0 && mstart + mlen <= b.length) {
            parseModInfo(info, Buffer.from(b.subarray(mstart, mstart + mlen)).toString('latin1'));
          }
        }
      } else if (ptrSize === 8) {
        const big = (flags & 1) === 1;
        const p = (off: number) => Number(big ? b.readBigUInt64BE(off) : b.readBigUInt64LE(off));
        const v = readGoBytes(elf, p(16), big);
        if (v) info.goVersion = v.toString('utf8');
        const mod = readGoBytes(elf, p(24), big);
        if (mod) parseModInfo(info, mod.toString('latin1'));
      }
      if (info.goVersion) info.source = 'buildinfo';
    }
  }
  if (!info.goVersion) {
    const sym = elf.symbol('runtime.buildVersion');
    const v = sym ? readGoBytes(elf, sym.value, false) : undefined;
    if (v && v.length > 0) {
      info.goVersion = v.toString('utf8');
      info.source = 'symbol';
    }
  }
  if (!info.goVersion) {
    const v = scanVersion(elf);
    if (v) {
      info.goVersion = v;
      info.source = 'scan';
    }
  }
  return info;
}

// Last resort for binaries without buildinfo or symbols: runtime.buildVersion
// is a string constant somewhere in .rodata. The first "go1.N..." wins,
// which is right for binaries built by a release toolchain.
function scanVersion(elf: ElfFile): string | undefined {
  const ro = elf.section('.rodata');
  if (!ro) return undefined;
  const text = elf.rawSection(ro).toString('latin1');
  const m = /go1\.\d+(?:\.\d+)?(?:(?:beta|rc)\d+)?/.exec(text);
  return m?.[0];
}

/**
 * "go1.19.8" → [1, 19, 8]; "go1.21rc2" → [1, 21, 0]; "devel go1.22-abc"
 * → [1, 22, 0]; anything without a go1.N → undefined.
 */
export function parseGoVersion(v: string | undefined): [number, number, number] | undefined {
  const m = v ? /\bgo(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) : null;
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}
