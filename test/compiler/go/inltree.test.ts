// Inline trees: where the compiler inlined a function, read from .gopclntab, with DWARF and
// without symbols, and in the layouts of Go 1.17 to 1.26 (real stripped binaries).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { GoBinary } from '../../../compiler/go/binary.js';
import { buildGo, repoRoot } from '../../helpers/go.js';
import { NPM_GO_BINARIES, npmGoBinary } from './npm-binaries.js';

const source = fs.readFileSync(path.join(repoRoot, 'test/fixtures/go/pairing/main.go'), 'utf8');
const callLine = source.split('\n').findIndex((l) => l.includes('sink = add(sink, i)')) + 1;

for (const [name, opts] of [
  ['with symbols', {}],
  ['stripped', { ldflags: '-s -w' }],
] as const) {
  t.test(`main.add inlined once in main.main (${name})`, async (t) => {
    const bin = GoBinary.open(buildGo('pairing', opts));
    const sites = bin.inlineTrees()!.sitesOf('main.add');
    t.equal(sites?.length, 1, JSON.stringify(sites));
    t.equal(sites?.[0].caller, 'main.main');
    const at = bin.symbolize(sites![0].vaddr);
    t.same([at?.func, at?.line], ['main.main', callLine], 'the site is on the line of the call');
    t.same(bin.inlineTrees()!.sitesOf('main.f'), [], 'main.f is never inlined (go:noinline)');
  });
}

for (const b of NPM_GO_BINARIES) {
  t.test(`${b.goVersion}: inlined calls of sync.(*Mutex).Lock`, async (t) => {
    const bin = GoBinary.open(npmGoBinary(b));
    const sites = bin.inlineTrees()?.sitesOf('sync.(*Mutex).Lock');
    if (b.goVersion.startsWith('go1.27')) {
      // Its moduledata layout is not known yet and the binary has no symbols: unknown, not wrong.
      t.equal(sites, undefined, 'not readable');
      return;
    }
    t.ok(sites && sites.length >= 20, `many sites (${sites?.length})`);
    // Each site is in its caller's code, on a line of Go source.
    t.ok(
      sites!.every((s) => bin.funcAt(s.vaddr)?.name === s.caller),
      'sites inside their callers',
    );
    t.ok(
      sites!.some((s) => s.caller === 'sync.(*Once).doSlow' || s.caller === 'sync.(*Map).Load'),
      'a known caller',
    );
  });
}
