// DWARF reader: runtime.g layout (checked against readelf's own DWARF
// dump), every way Go's DWARF is stored (SHF_COMPRESSED, .zdebug_*,
// uncompressed, gcc DWARF 5 units mixed in by cgo), laziness, and
// function parameters with their types.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { GoBinary } from '../../../compiler/go/binary.js';
import { ElfFile, SHF_COMPRESSED } from '../../../compiler/go/elf.js';
import { buildFixture } from './fixtures.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-dwarf-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Rewrites the fixture's DWARF with objcopy (binutils), e.g. as .zdebug_*. */
function objcopy(flag: string, name: string): string {
  const out = path.join(tmp, name);
  execFileSync('objcopy', [flag, buildFixture('basic', 'dwarf'), out]);
  return out;
}

/** Member offsets of the first `runtime.g` struct in readelf's dump. */
function readelfMembers(bin: string, struct: string): Map<string, number> {
  const dump = execFileSync('readelf', ['--debug-dump=info', bin], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const lines = dump.split('\n');
  const out = new Map<string, number>();
  const start = lines.findIndex(
    (l, i) => new RegExp(`DW_AT_name\\s*: ${struct.replace('.', '\\.')}$`).test(l) && /DW_TAG_structure_type/.test(lines[i - 1] ?? ''),
  );
  if (start < 0) throw new Error(`readelf shows no struct ${struct}`);
  let name = '';
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^ <1>/.test(l)) break;
    const n = /DW_AT_name\s*: (\S+)$/.exec(l);
    if (n) name = n[1]!;
    const o = /DW_AT_data_member_location: (\d+)$/.exec(l);
    if (o) out.set(name, Number(o[1]));
  }
  return out;
}

t.test('runtime.g agrees with readelf', async (t) => {
  const bin = buildFixture('basic', 'dwarf');
  const want = readelfMembers(bin, 'runtime.g');
  t.ok(want.has('goid'), 'readelf lists g.goid');
  const g = GoBinary.open(bin);
  t.teardown(() => g.close());
  const d = g.dwarf()!;
  const got = new Map(d.structMembers('runtime.g')!.map((m) => [m.name, m.offset]));
  t.same(got, want, 'every member offset');
  t.same(g.gLayout(), { goidOffset: want.get('goid'), stackHiOffset: 8, stackguard0Offset: 16, source: 'dwarf' });
  t.equal(d.memberOffset('runtime.g', 'stack', 'lo'), 0);
  t.equal(d.memberOffset('runtime.g', 'stack', 'hi'), 8);
  t.equal(d.memberOffset('runtime.g', 'sched', 'sp'), want.get('sched'));
  t.equal(d.memberOffset('runtime.g', 'nosuch'), undefined);
  t.equal(d.memberOffset('runtime.nosuch', 'goid'), undefined);
});

t.test('every storage of DWARF gives the same answer', async (t) => {
  const basic = buildFixture('basic', 'dwarf');
  const e = ElfFile.open(basic);
  t.ok((e.section('.debug_info')!.flags & SHF_COMPRESSED) !== 0, 'Go 1.19 compresses with SHF_COMPRESSED');
  e.close();
  const zdebug = objcopy('--compress-debug-sections=zlib-gnu', 'zdebug');
  const ze = ElfFile.open(zdebug);
  t.ok(ze.section('.zdebug_info'), 'objcopy wrote .zdebug_info');
  t.equal(ze.section('.debug_info'), undefined);
  ze.close();
  const plain = objcopy('--decompress-debug-sections', 'plain');
  const cases: [string, string][] = [
    ['SHF_COMPRESSED', basic],
    ['.zdebug', zdebug],
    ['uncompressed', plain],
    ['PIE', buildFixture('basic', 'pie')],
    ['cgo (gcc DWARF 5 units too)', buildFixture('cgo', 'dwarf')],
  ];
  for (const [label, p] of cases) {
    const g = GoBinary.open(p);
    t.equal(g.hasDwarf, true, `${label}: hasDwarf`);
    const l = g.gLayout();
    t.equal(l.source, 'dwarf', `${label}: from DWARF`);
    t.equal(l.goidOffset, 152, `${label}: goid`);
    t.same(g.dwarf()!.functionParams('main.main'), [], `${label}: main.main has no parameters`);
    g.close();
  }
  const stripped = GoBinary.open(buildFixture('basic', 'stripped'));
  t.equal(stripped.hasDwarf, false);
  t.equal(stripped.dwarf(), undefined);
  t.equal(stripped.gLayout().source, 'version-table');
  stripped.close();
});

t.test('lookups are lazy', async (t) => {
  const bin = buildFixture('basic', 'dwarf');
  const units = (
    execFileSync('readelf', ['--debug-dump=info', bin], { encoding: 'utf8', maxBuffer: 1 << 30 }).match(/Compilation Unit @/g) ?? []
  ).length;
  const g = GoBinary.open(bin);
  t.teardown(() => g.close());
  const d = g.dwarf()!;
  t.equal(d.unitsIndexed, 0, 'nothing read at open');
  t.ok(d.findTypeDie('runtime.g'));
  t.ok(d.unitsIndexed < units, `runtime.g found after ${d.unitsIndexed} of ${units} units`);
  t.equal(d.findType('no.such.Type'), undefined);
  t.equal(d.unitsIndexed, units, 'a missing name reads every unit once');

  // Reading a DIE by offset reads unit headers only, not their names;
  // lookups afterwards must still index and find them.
  const last = Math.max(...['main.kinds', 'runtime.g', 'fmt.Println'].map((n) => d.lookup(n)[0]!.offset));
  const fresh = GoBinary.open(bin);
  t.teardown(() => fresh.close());
  const fd = fresh.dwarf()!;
  t.ok(fd.die(last).attrs.size > 0, 'read a late DIE first');
  t.equal(fd.unitsIndexed, 0, 'no names indexed by that');
  t.equal(fd.memberOffset('runtime.g', 'goid'), 152, 'names in units read that way are found');
  t.ok(fd.findFunctionDie('main.kinds'));
});

t.test('function parameters and their types', async (t) => {
  const g = GoBinary.open(buildFixture('basic', 'dwarf'));
  t.teardown(() => g.close());
  const d = g.dwarf()!;
  const h = d.functionParams('main.(*Server).Handle')!;
  t.same(
    h.map((p) => [p.name, p.isResult, p.type?.kind, p.type?.name]),
    [
      ['s', false, 'pointer', '*main.Server'],
      ['req', false, 'string', 'string'],
      ['~r0', true, 'base', 'int'],
      ['~r1', true, 'interface', 'error'],
    ],
  );
  const k = d.functionParams('main.kinds')!;
  const byName = new Map(k.map((p) => [p.name, p]));
  const desc = (n: string) => {
    const ty = byName.get(n)!.type!;
    const r: Record<string, unknown> = { kind: ty.kind, name: ty.name, size: ty.size };
    if ('elem' in ty) r.elem = ty.elem?.name;
    if ('key' in ty) r.key = ty.key?.name;
    if ('length' in ty) r.length = ty.length;
    if ('empty' in ty) r.empty = ty.empty;
    if ('encoding' in ty) r.encoding = ty.encoding;
    return r;
  };
  t.same(desc('m'), { kind: 'map', name: 'map[string]int', size: 8, key: 'string', elem: 'int' });
  t.same(desc('c'), { kind: 'chan', name: 'chan int', size: 8, elem: 'int' });
  t.same(desc('f'), { kind: 'func', name: 'func(int) int', size: 8 });
  t.same(desc('a'), { kind: 'array', name: '[4]uint8', size: 4, elem: 'uint8', length: 4 });
  t.same(desc('e'), { kind: 'interface', name: 'interface {}', size: 16, empty: true });
  t.same(desc('err'), { kind: 'interface', name: 'error', size: 16, empty: false });
  t.same(desc('sl'), { kind: 'slice', name: '[]string', size: 24, elem: 'string' });
  t.same(desc('d'), { kind: 'base', name: 'time.Duration', size: 8, encoding: 'signed' });
  t.same(desc('p'), { kind: 'pointer', name: '*main.Server', size: 8, elem: 'main.Server' });
  t.same(desc('u8'), { kind: 'base', name: 'uint8', size: 1, encoding: 'unsigned' });
  t.same(desc('f32'), { kind: 'base', name: 'float32', size: 4, encoding: 'float' });
  t.same(desc('c128'), { kind: 'base', name: 'complex128', size: 16, encoding: 'complex' });
  t.same(
    k.filter((p) => p.isResult).map((p) => [p.name, p.type?.name]),
    [
      ['ok', 'bool'],
      ['n', 'float64'],
    ],
  );
  const s = byName.get('s')!.type!;
  t.equal(s.kind, 'struct');
  if (s.kind === 'struct') {
    t.same(
      s.members.map((m) => [m.name, m.offset, m.type.kind]),
      [
        ['name', 0, 'string'],
        ['count', 16, 'base'],
      ],
    );
  }
  // Recursive types resolve lazily without looping.
  const gType = d.findType('runtime.g')!;
  t.equal(gType.kind, 'struct');
  if (gType.kind === 'struct') {
    const m = gType.members.find((x) => x.name === 'm')!;
    t.equal(m.type.kind, 'pointer');
    if (m.type.kind === 'pointer') {
      const mStruct = m.type.elem!;
      t.equal(mStruct.name, 'runtime.m');
      if (mStruct.kind === 'struct') {
        const curg = mStruct.members.find((x) => x.name === 'curg')!;
        t.equal(curg.type.kind === 'pointer' && curg.type.elem, gType, 'm.curg points back to the same runtime.g object');
      }
    }
  }
  t.equal(d.functionParams('main.nosuch'), undefined);
});

t.test('unreadable DWARF counts as absent', async (t) => {
  const src = buildFixture('basic', 'dwarf');
  const e = ElfFile.open(src);
  const info = e.section('.debug_info')!;
  e.close();
  const data = fs.readFileSync(src);
  // Garble the zlib stream after the 24-byte Elf64_Chdr.
  data.fill(0xff, info.offset + 24, info.offset + 64);
  const out = path.join(tmp, 'garbled');
  fs.writeFileSync(out, data);
  const g = GoBinary.open(out);
  t.teardown(() => g.close());
  t.equal(g.hasDwarf, true, 'the sections are there');
  t.equal(g.dwarf(), undefined);
  t.match(g.dwarfError, /./, 'with a reason');
  t.equal(g.gLayout().source, 'version-table');
  t.equal(g.gLayout().goidOffset, 152);
});
