// Types from the runtime's type descriptors, for binaries without DWARF: the method tables give
// methods their signatures on every Go release with typelinks (1.17-1.26, stripped npm binaries),
// and on a local build they agree with the DWARF of the same code, type for type and register
// for register.
import t from 'tap';
import { locationString, typeString } from '../../../compiler/go/abi.js';
import { GoBinary, type GoFunc } from '../../../compiler/go/binary.js';
import type { FunctionAbi } from '../../../compiler/go/func-abi.js';
import { buildGo } from '../../helpers/go.js';
import { NPM_GO_BINARIES, npmGoBinary } from './npm-binaries.js';

function sig(abi: FunctionAbi): string {
  const args = abi.values.filter((v) => !v.isResult).map((v) => `${typeString(v.type)} ${locationString(v.location)}`);
  const rets = abi.values.filter((v) => v.isResult).map((v) => `${typeString(v.type)} ${locationString(v.location)}`);
  return `(${args.join(', ')}) (${rets.join(', ')})`;
}

function byName(bin: GoBinary, name: string): GoFunc | undefined {
  return bin.findFunctions('*').find((f) => f.name === name);
}

t.test('method tables of stripped binaries of Go 1.17-1.26', async (t) => {
  for (const b of NPM_GO_BINARIES.filter((x) => !/^go1\.27/.test(x.goVersion))) {
    const bin = GoBinary.open(npmGoBinary(b));
    t.teardown(() => bin.close());
    const label = `${b.pkg}@${b.version} (${b.goVersion})`;
    t.equal(bin.hasDwarf, false, `${label}: stripped`);
    // (*os.File).Write is reached through io.Writer in every one of them.
    const write = byName(bin, 'os.(*File).Write');
    const w = write && bin.descriptorAbi(write);
    t.equal(w && sig(w), '(*os.File RAX, []byte RBX,RCX,RDI) (int RAX, error RBX,RCX)', `${label}: (*os.File).Write`);
    t.match(w?.source, /^type descriptors \(method Write of \*os\.File\)$/);
    if (b.pkg.includes('esbuild')) {
      // esbuild serves HTTP: the handler interface's method, by its method table.
      const h = byName(bin, 'net/http.HandlerFunc.ServeHTTP');
      const abi = h && bin.descriptorAbi(h);
      t.equal(
        abi && sig(abi),
        '(net/http.HandlerFunc RAX, net/http.ResponseWriter RBX,RCX, *net/http.Request RDI) ()',
        `${label}: HandlerFunc.ServeHTTP`,
      );
      const req = abi?.values[2]?.type;
      const fields = req?.kind === 'pointer' && req.elem?.kind === 'struct' ? req.elem.members.map((m) => m.name) : [];
      t.same(fields.slice(0, 3), ['Method', 'URL', 'Proto'], `${label}: http.Request's fields`);
    }
  }
});

t.test('descriptor signatures agree with the DWARF of the same code', async (t) => {
  const dwarf = GoBinary.open(buildGo('httpserver'));
  const stripped = GoBinary.open(buildGo('httpserver', { ldflags: '-s -w' }));
  t.teardown(() => {
    dwarf.close();
    stripped.close();
  });
  let compared = 0;
  const differ: string[] = [];
  for (const f of stripped.findFunctions('*')) {
    const d = stripped.descriptorAbi(f);
    if (!d) continue;
    const g = byName(dwarf, f.name);
    const w = g && dwarf.functionAbi(g);
    if (!w || w.warning) continue;
    // Go's DWARF leaves out some unnamed results and receivers (io.discard.Write's): those
    // have nothing to compare with.
    const count = (a: FunctionAbi, r: boolean): number => a.values.filter((v) => v.isResult === r).length;
    if (count(d, true) !== count(w, true) || count(d, false) !== count(w, false)) continue;
    compared++;
    // DWARF spells byte slices []uint8 as the descriptors do; names differ (args.0 vs args.r).
    if (sig(d) !== sig(w)) differ.push(`${f.name}: ${sig(d)} vs DWARF ${sig(w)}`);
  }
  t.ok(compared > 400, `${compared} methods compared`);
  t.same(differ, [], 'every method typed and placed as the DWARF does');
});
