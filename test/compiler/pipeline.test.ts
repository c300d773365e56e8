// compiler/pipeline.ts: the passes run in order and the pipeline stops after the first one that
// reports an error; Go values are typed once, after resolution; the pipeline takes an AST; the
// goroutine layout's warning reaches the user.
import t from 'tap';
import type * as ast from '../../grammar/ast.js';
import { compile } from '../../compiler/index.js';
import { gLayoutFor } from '../../compiler/go/goid.js';
import { openCached } from '../../compiler/passes/resolve.js';
import { parse } from '../../grammar/index.js';
import { SourceFile } from '../../grammar/source.js';
import { buildGo } from '../helpers/go.js';

const codes = async (src: string, binary?: string) =>
  (await compile(new SourceFile('stdin', src), { binary, skipBuild: true })).diagnostics.map((d) => d.code);

t.test('the pipeline stops after the first pass with an error', async (t) => {
  const missing = '/nonexistent/app';
  t.same(await codes('uprobe:main.f { @x = ; @y = goidd }', missing), ['GT1001'], 'parse errors: no check, no resolution');
  t.same(await codes('uprobe:main.f { @x = goidd; }', missing), ['GT2001'], 'check errors: the binary is never opened');
  t.same(await codes('uprobe:main.f { @x = 1; }', missing), ['GT3002'], 'resolution errors once the check passes');
  const bin = buildGo('values');
  t.same(await codes('uprobe:main.nosuch { @x = args.nme; }', bin), ['GT3004'], 'resolution errors: no Go typing');
});

t.test('Go values are typed once: each diagnostic of Go typing appears once', async (t) => {
  const bin = buildGo('values');
  const src = 'uprobe:main.greet { printf("%s %d\\n", args.nme, args.times); @x = args.name + 1; }';
  t.same(await codes(src, bin), ['GT2105', 'GT2060'], 'one unknown parameter, one bad operand, each once');
  const ok = await compile(new SourceFile('stdin', 'uprobe:main.greet { printf("%s %d\\n", args.name, args.times); }'), {
    binary: bin,
    skipBuild: true,
  });
  t.same(ok.diagnostics, [], 'a correct script has no diagnostic');
  t.ok(ok.manifest?.events[0].args.length === 2, 'typed against the binary');
});

t.test('the pipeline takes an AST: nodes added to it are compiled', async (t) => {
  const file = new SourceFile('stdin', 'BEGIN { @a = 1 }');
  const program = parse(file).program!;
  const at = program.probes[0].span;
  const added: ast.Stmt = {
    kind: 'AssignStmt',
    span: at,
    op: '=',
    target: { kind: 'MapRef', span: at, name: '@added', keys: [] },
    value: { kind: 'Call', span: at, name: 'count', nameSpan: at, args: [] },
  };
  const withNode: ast.Program = { ...program, probes: [{ ...program.probes[0], body: [added, ...program.probes[0].body] }] };
  const r = await compile(file, { skipBuild: true }, withNode);
  t.same(r.diagnostics, []);
  t.same(
    r.manifest?.maps.map((m) => [m.name, m.kind]),
    [
      ['@added', 'count'],
      ['@a', 'int'],
    ],
    'the added node made its map',
  );
});

t.test('a goroutine layout guessed for a newer Go is a warning, and the compile goes on', async (t) => {
  const bin = buildGo('values');
  const b = openCached(bin);
  const real = b.gLayout.bind(b);
  // A Go release newer than the layout table, without DWARF for runtime.g.
  b.gLayout = () => gLayoutFor(undefined, 'go1.99.0');
  t.teardown(() => void (b.gLayout = real));
  const r = await compile(new SourceFile('stdin', 'uprobe:main.greet { @n = count(); }'), { binary: bin, skipBuild: true });
  const w = r.diagnostics.filter((d) => d.code === 'GT3014');
  t.equal(w.length, 1, 'one warning');
  t.equal(w[0]?.severity, 'warning');
  t.match(w[0]?.message, /Go go1\.99\.0 is newer than the goroutine layout table/);
  t.ok(r.manifest, 'compiled anyway');
  t.equal(r.manifest?.params.goid_offset, gLayoutFor(undefined, 'go1.99.0').goidOffset, 'with the guessed offset');
});
