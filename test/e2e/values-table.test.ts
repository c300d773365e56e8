// The table of Go values: every kind of value %v prints (structs with fields of every width,
// nested pointers and nil at each level, slices of structs, maps, interfaces holding each kind,
// errors of the standard library wrapped with %w, named results, results of functions with
// defer and with recover, value and pointer receivers, generics, a parameter after a blank
// one). The fixture prints each value itself, through reflect and Error(), in the form
// gotrace documents; gotrace traces the same calls with test/fixtures/go/vtable/trace.gt. The
// two outputs must agree line for line, addresses included.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace } from '../helpers/cli.js';
import { buildGo, repoRoot } from '../helpers/go.js';

const dir = path.join(repoRoot, 'test', 'fixtures', 'go', 'vtable');

async function traceTable(t: Test, bin: string, extra: string[] = [], script = 'trace.gt'): Promise<{ own: string[]; traced: string[] }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-vtable-'));
  const out = path.join(tmp, 'events.txt');
  const r = await runGotrace([...extra, '-o', out, path.join(dir, script), '-c', bin]);
  t.equal(r.code, 0, r.stderr);
  const own = r.stdout.split('\n').filter((l) => l);
  const traced = fs
    .readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l);
  return { own, traced };
}

t.test('%v of every kind of Go value agrees with the program', async (t) => {
  if (!requireBpf(t)) return;
  const { own, traced } = await traceTable(t, buildGo('vtable'));
  t.equal(own.length, 37, 'the program made 37 reports');
  t.same(traced, own, 'line for line');
  // The cases the issue named, spelled out so that a change of the fixture cannot hide them.
  t.ok(own.includes('get <nil> order not found'), 'defer: two results, nil pointer and error message');
  t.ok(
    own.includes('flags {IgnoreImports: false, ModResolveTests: false, Verbose: true, DryRun: false, Level: -3}'),
    'bools read by their width, a struct as the only argument',
  );
  t.ok(own.includes('fail wrappedpath config: open /nonexistent/gotrace: no such file or directory'));
  t.ok(own.includes('mixed 2 40'), 'a parameter after a blank one');
});

t.test('a stripped build (-s -w) with --debug-file prints the same values', async (t) => {
  if (!requireBpf(t)) return;
  const stripped = buildGo('vtable', { ldflags: '-s -w' });
  const { own, traced } = await traceTable(t, stripped, ['--debug-file', buildGo('vtable')]);
  t.equal(own.length, 37);
  t.same(traced, own, 'line for line: type names from the descriptors, types from the debug file');
});

t.test('a stripped build without DWARF: methods typed by the type descriptors print the same values', async (t) => {
  if (!requireBpf(t)) return;
  // H.Visit is called through an interface, so its method table records its signature; the
  // interfaces' dynamic values are named and laid out by the descriptors too.
  const { own, traced } = await traceTable(t, buildGo('vtable', { ldflags: '-s -w' }), [], 'trace-stripped.gt');
  const visits = own.filter((l) => l.startsWith('visit '));
  t.equal(visits.length, 3);
  t.same(traced, visits, 'line for line');
});

t.test('a cast to a Go type by name, with DWARF and stripped (type descriptors)', async (t) => {
  if (!requireBpf(t)) return;
  // RDI (arg3) holds serverHandler.ServeHTTP's *http.Request (receiver in RAX, ResponseWriter in RBX, RCX).
  const src =
    'uprobe:net/http.serverHandler.ServeHTTP { @[(*net/http.Request)(arg3).Method, str((*net/http.Request)(arg3).URL.Path)] = count(); }';
  for (const ldflags of ['', '-s -w']) {
    const r = await runGotrace(['-e', src, '-c', buildGo('httpserver', ldflags ? { ldflags } : {})]);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^@\[GET, \/items\]: 7$/m, `ldflags '${ldflags}'`);
    t.match(r.stdout, /^@\[DELETE, \/items\/42\]: 2$/m);
  }
  const bad = await runGotrace([
    '--dry-run',
    '-e',
    'uprobe:net/http.serverHandler.ServeHTTP { print((*net/http.Nope)(arg3)); }',
    '-c',
    buildGo('httpserver', { ldflags: '-s -w' }),
  ]);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /ERROR: no Go type net\/http\.Nope in .*\n.*\n\s+~+\nHINT: a cast names a type by its full Go name/);
});
