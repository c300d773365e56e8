// Real stripped binaries of Go 1.17 to 1.27 (from npm packages): traced through real BPF, the
// main goroutine must read as goid 1. This checks, end to end, the goid offset each release's
// runtime.g has (from the version table: these binaries have no DWARF), the pclntab of each
// format, and the entry sites found by decoding.
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { NPM_GO_BINARIES, npmGoBinary } from '../compiler/go/npm-binaries.js';

for (const b of NPM_GO_BINARIES) {
  t.test(`${b.pkg}@${b.version} (${b.goVersion}): main goroutine is goid 1`, async (t) => {
    if (!requireBpf(t)) return;
    const bin = npmGoBinary(b);
    const r = await runGotrace([
      '-e',
      'uprobe:main.main { @g[goid] = count(); } uprobe:runtime.main { @rt[goid] = count(); }',
      '-c',
      `${bin} --version`,
    ]);
    t.equal(r.code, 0, r.stderr);
    t.same([...parseMapLines(r.stdout, '@g')], [['1', 1n]], 'main.main ran once, on goroutine 1');
    t.same([...parseMapLines(r.stdout, '@rt')], [['1', 1n]], 'runtime.main ran once, on goroutine 1');
  });
}
