// Fuzzing the binary readers (ELF, .gopclntab, build info, DWARF, probe sites) with mutated copies
// of a fixture: bit flips, truncations, and header/table offset fields set to huge or negative
// values. Every outcome must be success or a GoBinaryError (what the CLI turns into GT3002),
// never a RangeError, TypeError or zlib error escaping to the user as exit 70.
// Seeded and reproducible: GOTRACE_FUZZ_SEED and GOTRACE_FUZZ_CASES override the defaults; a
// failure names its case number and mutation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { GoBinary, GoBinaryError } from '../../../compiler/go/binary.js';
import { buildFixture } from './fixtures.js';
import { prng } from '../../grammar/gen.js';

const SEED = Number(process.env.GOTRACE_FUZZ_SEED ?? 12);
const CASES = Number(process.env.GOTRACE_FUZZ_CASES ?? 10000);
// A safety cap only: 10,000 cases take ~12 s of CPU; a machine shared with other jobs is slower.
const BUDGET_MS = Number(process.env.GOTRACE_FUZZ_BUDGET_MS ?? 120000);

interface Region {
  name: string;
  offset: number;
  size: number;
}

/** Where mutations hurt most: the ELF header, the program and section headers, the Go tables. */
function regions(orig: Buffer): Region[] {
  const shoff = Number(orig.readBigUInt64LE(40));
  const shnum = orig.readUInt16LE(60);
  const phoff = Number(orig.readBigUInt64LE(32));
  const out: Region[] = [
    { name: 'elf header', offset: 0, size: 64 },
    { name: 'program headers', offset: phoff, size: 56 * orig.readUInt16LE(56) },
    { name: 'section headers', offset: shoff, size: 64 * shnum },
  ];
  const strOff = Number(orig.readBigUInt64LE(shoff + 64 * orig.readUInt16LE(62) + 24));
  for (let i = 0; i < shnum; i++) {
    const h = shoff + 64 * i;
    const name = orig.toString('latin1', strOff + orig.readUInt32LE(h), orig.indexOf(0, strOff + orig.readUInt32LE(h)));
    if (
      ['.gopclntab', '.go.buildinfo', '.debug_info', '.debug_abbrev', '.zdebug_info', '.debug_line', '.text', '.noptrdata'].includes(name)
    )
      out.push({ name, offset: Number(orig.readBigUInt64LE(h + 24)), size: Math.min(4096, Number(orig.readBigUInt64LE(h + 32))) });
  }
  return out;
}

const HUGE = [0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0xfffffffffffff000n, 0x100000000n, 0n, 1n];

type Patch = { offset: number; bytes: Buffer; truncate?: number; what: string };

/** One mutation, as the bytes to write (and a length to truncate to). */
function mutation(rnd: () => number, orig: Buffer, rs: Region[]): Patch {
  const r = rs[Math.floor(rnd() * rs.length)]!;
  const at = (size: number) => Math.min(orig.length - size, r.offset + Math.floor(rnd() * Math.max(1, r.size - size)));
  const kind = rnd();
  if (kind < 0.08) {
    const len = Math.floor(rnd() * orig.length);
    return { offset: 0, bytes: Buffer.alloc(0), truncate: len, what: `truncate to ${len}` };
  }
  if (kind < 0.5) {
    // A 64-, 32- or 16-bit field, 8-aligned as most offsets are, set to an extreme value.
    const o = at(8) & ~7;
    const v = HUGE[Math.floor(rnd() * HUGE.length)]!;
    const w = [8, 4, 2][Math.floor(rnd() * 3)]!;
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    return { offset: o, bytes: b.subarray(0, w), what: `${r.name}+${o - r.offset}: ${w}-byte 0x${v.toString(16)}` };
  }
  // Bit flips: 1 to 8 bits within a few bytes.
  const o = at(8);
  const b = Buffer.from(orig.subarray(o, o + 8));
  const flips = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < flips; i++) b[Math.floor(rnd() * 8)]! ^= 1 << Math.floor(rnd() * 8);
  return { offset: o, bytes: b, what: `${r.name}+${o - r.offset}: ${flips} bit flips` };
}

/** What a tracer does with a binary: open, find, sites, offsets, Go values, goroutine layout. */
function exercise(file: string, deep: boolean): void {
  const bin = GoBinary.open(file);
  try {
    const fns = bin.findFunctions('main.*');
    for (const f of fns.slice(0, deep ? 4 : 1)) {
      const s = bin.probeSites(f);
      bin.fileOffset(s.entrySite);
      if (deep) bin.functionAbi(f);
    }
    bin.symbolize(fns[0]?.entry ?? 0);
    if (deep) bin.gLayout();
  } finally {
    bin.close();
  }
}

for (const variant of ['dwarf', 'stripped'] as const) {
  t.test(`mutated ${variant} binaries: success or GoBinaryError`, async (t) => {
    const src = buildFixture('basic', variant);
    const orig = fs.readFileSync(src);
    const rs = regions(orig);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-fuzz-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'bin');
    fs.writeFileSync(file, orig);
    const fd = fs.openSync(file, 'r+');
    t.teardown(() => fs.closeSync(fd));
    const rnd = prng(SEED + (variant === 'dwarf' ? 0 : 1));
    const outcomes = { ok: 0, goBinaryError: 0 };
    const failures: string[] = [];
    const start = Date.now();
    let n = 0;
    for (; n < CASES / 2 && Date.now() - start < BUDGET_MS / 2; n++) {
      const p = mutation(rnd, orig, rs);
      if (p.truncate !== undefined) fs.ftruncateSync(fd, p.truncate);
      else fs.writeSync(fd, p.bytes, 0, p.bytes.length, p.offset);
      try {
        exercise(file, n % 8 === 0);
        outcomes.ok++;
      } catch (e) {
        if (e instanceof GoBinaryError) outcomes.goBinaryError++;
        else if (failures.length < 10) failures.push(`case ${n} (${p.what}): ${(e as Error).stack}`);
      }
      // Undo: the next case starts again from the original file.
      if (p.truncate !== undefined) fs.writeSync(fd, orig, p.truncate, orig.length - p.truncate, p.truncate);
      else fs.writeSync(fd, orig, p.offset, p.bytes.length, p.offset);
    }
    t.same(failures, [], 'no other exception escapes');
    t.ok(outcomes.goBinaryError > n / 20 && outcomes.ok > n / 20, `both outcomes occur (${JSON.stringify(outcomes)} of ${n})`);
    t.comment(`${n} cases in ${Date.now() - start} ms, seed ${SEED}`);
  });
}
