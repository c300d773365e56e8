// Goroutine layout: DWARF versus the version table for the local
// toolchain, table lookups, and build info (go version -m as the reference).
// Newer releases are checked in newer-go.test.ts.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { GoBinary, GoBinaryError } from '../../../compiler/go/binary.js';
import { G_LAYOUT_BY_MINOR, gLayoutFor, goidOffsetForVersion } from '../../../compiler/go/goid.js';
import { parseGoVersion } from '../../../compiler/go/buildinfo.js';
import { buildFixture } from './fixtures.js';
import { NPM_GO_BINARIES, npmGoBinary } from './npm-binaries.js';

t.test('the table agrees with DWARF for the local Go', async (t) => {
  const withDwarf = GoBinary.open(buildFixture('basic', 'dwarf'));
  const stripped = GoBinary.open(buildFixture('basic', 'stripped'));
  t.teardown(() => [withDwarf, stripped].forEach((b) => b.close()));
  const fromDwarf = withDwarf.gLayout();
  const fromTable = stripped.gLayout();
  t.equal(fromDwarf.source, 'dwarf');
  t.equal(fromTable.source, 'version-table');
  t.equal(fromTable.goidOffset, fromDwarf.goidOffset, `goid at ${fromDwarf.goidOffset} for ${withDwarf.goVersion}`);
  t.equal(fromTable.stackHiOffset, fromDwarf.stackHiOffset);
  t.equal(fromTable.stackguard0Offset, fromDwarf.stackguard0Offset);
  // The DWARF-free path on a binary that has DWARF gives the same answer.
  t.equal(gLayoutFor(undefined, withDwarf.goVersion).goidOffset, fromDwarf.goidOffset);
});

t.test('version table lookups', async (t) => {
  for (let minor = 17; minor <= 27; minor++) t.ok(G_LAYOUT_BY_MINOR[minor], `go1.${minor} is in the table`);
  t.same(goidOffsetForVersion('go1.19.8'), { offset: 152 });
  t.same(goidOffsetForVersion('go1.23.0'), { offset: 160 });
  t.same(goidOffsetForVersion('go1.24rc1'), { offset: 160 });
  t.same(goidOffsetForVersion('go1.25.3'), { offset: 152 });
  t.same(goidOffsetForVersion('devel go1.22-abcdef Tue Jan 1'), { offset: 152 });
  const future = goidOffsetForVersion('go1.40.1');
  t.equal(future?.offset, G_LAYOUT_BY_MINOR[27]);
  t.match(future?.warning, /newer than the goroutine layout table/);
  t.equal(goidOffsetForVersion('go1.16.15'), undefined);
  t.equal(goidOffsetForVersion(undefined), undefined);
  t.equal(goidOffsetForVersion('weird'), undefined);
  const layout = gLayoutFor(undefined, 'go1.40.0');
  t.ok(layout.warning, 'a guessed layout carries a warning');
  t.throws(() => gLayoutFor(undefined, 'go1.16'), GoBinaryError);
  t.throws(() => gLayoutFor(undefined, undefined), /no Go version recorded/);
  t.same(parseGoVersion('go1.21rc2'), [1, 21, 0]);
});

/** `go version -m` fields: version, path and mod lines. */
function goVersionM(path: string): { version: string; path?: string; mod?: string } {
  const out = execFileSync('go', ['version', '-m', path], { encoding: 'utf8' });
  const lines = out.split('\n');
  const r: { version: string; path?: string; mod?: string } = { version: lines[0]!.split(': ').pop()!.trim() };
  for (const l of lines) {
    const f = l.trim().split('\t');
    if (f[0] === 'path') r.path = f[1]!;
    if (f[0] === 'mod') r.mod = f[1]!;
  }
  return r;
}

t.test('build info matches go version -m', async (t) => {
  const paths = [
    buildFixture('basic', 'dwarf'),
    buildFixture('basic', 'stripped'),
    buildFixture('basic', 'pie'),
    buildFixture('cgo', 'dwarf'),
    // Go 1.17: the older buildinfo layout with pointers to string headers.
    npmGoBinary(NPM_GO_BINARIES.find((b) => b.goVersion === 'go1.17')!),
    npmGoBinary(NPM_GO_BINARIES.find((b) => b.goVersion.startsWith('go1.27'))!),
  ];
  for (const p of paths) {
    const want = goVersionM(p);
    const bin = GoBinary.open(p);
    t.equal(bin.goVersion, want.version, `${p}: version`);
    t.equal(bin.mainPath, want.path, `${p}: main package path`);
    t.equal(bin.mainModule, want.mod, `${p}: main module`);
    bin.close();
  }
  const basic = GoBinary.open(buildFixture('basic', 'dwarf'));
  t.equal(basic.mainModule, 'example.com/basic');
  basic.close();
});
