// ELF reader: headers, file offsets, build ids, and the user-facing errors
// for files that are not Go x86-64 executables.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ElfFile, ET_DYN, ET_EXEC, PT_LOAD } from '../../../compiler/go/elf.js';
import { GoBinary, GoBinaryError } from '../../../compiler/go/binary.js';
import { buildFixture, goTool } from './fixtures.js';

const SHF_ALLOC = 2;

t.test('file types and segments', async (t) => {
  const exe = ElfFile.open(buildFixture('basic', 'dwarf'));
  const pie = ElfFile.open(buildFixture('basic', 'pie'));
  const cgo = ElfFile.open(buildFixture('cgo', 'dwarf'));
  t.teardown(() => [exe, pie, cgo].forEach((e) => e.close()));
  t.equal(exe.type, ET_EXEC);
  t.equal(exe.pie, false);
  t.equal(pie.type, ET_DYN);
  t.equal(pie.pie, true);
  for (const e of [exe, pie, cgo]) {
    t.ok(
      e.segments.some((p) => p.type === PT_LOAD),
      'has PT_LOAD',
    );
    t.ok(e.section('.text'), 'has .text');
    t.ok(e.section('.gopclntab') ?? e.section('.data.rel.ro.gopclntab'), 'has the pclntab section');
  }
});

t.test('fileOffset agrees with section headers for every loaded section', async (t) => {
  for (const [name, variant] of [
    ['basic', 'dwarf'],
    ['basic', 'pie'],
    ['cgo', 'dwarf'],
    ['basic', 'stripped'],
  ] as const) {
    const e = ElfFile.open(buildFixture(name, variant));
    let checked = 0;
    for (const s of e.sections) {
      if (!(s.flags & SHF_ALLOC) || s.type === 8 || s.size === 0 || s.addr === 0) continue;
      t.equal(e.fileOffset(s.addr), s.offset, `${name}-${variant} ${s.name}`);
      t.equal(e.fileOffset(s.addr + s.size - 1), s.offset + s.size - 1, `${name}-${variant} end of ${s.name}`);
      checked++;
    }
    t.ok(checked > 5, `${name}-${variant}: checked ${checked} sections`);
    // .bss has no bytes in the file, so no uprobe offset.
    const bss = e.section('.bss');
    if (bss) t.throws(() => e.fileOffset(bss.addr + bss.size - 1), GoBinaryError);
    e.close();
  }
});

t.test('build ids', async (t) => {
  const bin = buildFixture('basic', 'dwarf');
  const e = ElfFile.open(bin);
  t.teardown(() => e.close());
  const expected = goTool('buildid', bin).trim();
  t.equal(e.goBuildId(), expected, 'Go build id matches go tool buildid');
  // The external linker (cgo) adds a GNU build id note.
  const cgo = ElfFile.open(buildFixture('cgo', 'dwarf'));
  t.teardown(() => cgo.close());
  const notes = execFileSync('readelf', ['-n', buildFixture('cgo', 'dwarf')], { encoding: 'utf8' });
  const m = /Build ID: ([0-9a-f]+)/.exec(notes);
  t.ok(m, 'readelf shows a GNU build id');
  t.equal(cgo.gnuBuildId(), m?.[1]);
  const g = GoBinary.open(buildFixture('cgo', 'dwarf'));
  t.equal(g.buildId, m?.[1], 'GoBinary.buildId prefers the GNU id');
  g.close();
});

t.test('errors a user can cause are GoBinaryErrors with plain messages', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-elf-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'hello, not an ELF file\n');
  const elf32 = path.join(dir, 'elf32');
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = 1; // ELFCLASS32
  h[5] = 1;
  fs.writeFileSync(elf32, h);
  const arm = path.join(dir, 'arm64');
  const a = Buffer.alloc(64);
  a.write('\x7fELF', 0, 'latin1');
  a[4] = 2;
  a[5] = 1;
  a.writeUInt16LE(2, 16);
  a.writeUInt16LE(183, 18); // EM_AARCH64
  fs.writeFileSync(arm, a);
  const truncated = path.join(dir, 'truncated');
  fs.writeFileSync(truncated, fs.readFileSync(buildFixture('basic', 'stripped')).subarray(0, 4096));

  const cases: [string, RegExp][] = [
    [path.join(dir, 'missing'), /: no such file$/],
    [dir, /: is a directory, not a regular file$/],
    [text, /: not an ELF file$/],
    [elf32, /only x86-64 binaries are supported/],
    [arm, /only x86-64 binaries are supported/],
    ['/bin/sh', /not a Go binary \(no \.gopclntab\)/],
    [truncated, /not a Go binary|cannot read/],
  ];
  for (const [p, re] of cases) {
    try {
      GoBinary.open(p);
      t.fail(`${p} opened`);
    } catch (e) {
      t.type(e, GoBinaryError, path.basename(p));
      t.match((e as Error).message, re, path.basename(p));
    }
  }
});
