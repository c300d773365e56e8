// How long each program of a compiled BPF object is, read from the object's symbol table.
//
// N.B. why it matters: a BPF jump holds a 16-bit signed offset, so it cannot span more than
// 32767 instructions, and clang 14's BPF backend does not refuse a longer one: it silently wraps
// the offset, and the verifier then rejects a program that jumps into the wrong place (or, worse,
// accepts it). Every generated program starts with an early return that jumps over its whole
// body, so a program longer than the limit is always broken; the compiler turns that into a
// located error at the probe instead (GT2151).
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { CodegenProbe } from './c.js';

/** Longest jump a BPF instruction can encode, in instructions. */
export const MAX_JUMP = 32767;

const SHT_SYMTAB = 2;
const STT_FUNC = 2;
const BPF_INSN = 8;

/** Instructions of each function symbol (program) of a little-endian ELF64 BPF object. */
export function programSizes(object: Uint8Array): Map<string, number> {
  const b = Buffer.from(object.buffer, object.byteOffset, object.byteLength);
  const out = new Map<string, number>();
  if (b.length < 64 || b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return out;
  const shoff = Number(b.readBigUInt64LE(40));
  const shentsize = b.readUInt16LE(58);
  const shnum = b.readUInt16LE(60);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      type: b.readUInt32LE(at + 4),
      offset: Number(b.readBigUInt64LE(at + 24)),
      size: Number(b.readBigUInt64LE(at + 32)),
      link: b.readUInt32LE(at + 40),
      entsize: Number(b.readBigUInt64LE(at + 56)),
    };
  };
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== SHT_SYMTAB || !s.entsize) continue;
    const strtab = section(s.link);
    for (let at = s.offset; at + s.entsize <= s.offset + s.size; at += s.entsize) {
      if ((b[at + 4] & 0xf) !== STT_FUNC) continue;
      const nameAt = strtab.offset + b.readUInt32LE(at);
      const name = b.subarray(nameAt, b.indexOf(0, nameAt)).toString('latin1');
      out.set(name, Number(b.readBigUInt64LE(at + 16)) / BPF_INSN);
    }
  }
  return out;
}

/** A located error for each probe whose program is too long for clang's jumps. */
export function checkProgramSizes(object: Uint8Array, probes: CodegenProbe[]): Diagnostic[] {
  const sizes = programSizes(object);
  const out: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const p of probes) {
    const insns = Math.max(sizes.get(p.entryProgram) ?? 0, p.returnProgram ? (sizes.get(p.returnProgram) ?? 0) : 0);
    if (insns <= MAX_JUMP || seen.has(p.block.index)) continue;
    seen.add(p.block.index);
    out.push(diag('GT2151', p.block.block.span, { insns, max: MAX_JUMP }));
  }
  return out;
}
