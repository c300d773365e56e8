// `$N` in probe targets (compiler/passes/positional-targets.ts): expanded before resolution,
// in the function and the path, and a missing argument is GT2090 at the spec.
import t from 'tap';
import { parse } from '../../grammar/index.js';
import { SourceFile } from '../../grammar/source.js';
import { expandTargets } from '../../compiler/passes/positional-targets.js';
import type * as ast from '../../grammar/ast.js';

function specs(text: string, args: string[]) {
  const { program, diagnostics } = parse(new SourceFile('stdin', text));
  t.same(diagnostics, [], `${text} parses`);
  const ds = expandTargets(program!, args);
  const out = program!.probes.flatMap((p) => p.specs).filter((s): s is ast.ProbeSpec & { kind: 'UprobeSpec' } => s.kind === 'UprobeSpec');
  return { ds, out };
}

t.test('expanded in functions and paths', async (t) => {
  const { ds, out } = specs('uprobe:$1 { } uretprobe:$2:main.$3 { } uprobe:main.f { }', ['main.*Work', '/bin/app', 'handle']);
  t.same(ds, []);
  t.same(
    out.map((s) => [s.path, s.func]),
    [
      [undefined, 'main.*Work'],
      ['/bin/app', 'main.handle'],
      [undefined, 'main.f'],
    ],
  );
});

t.test('a missing argument is GT2090 at the spec', async (t) => {
  const { ds } = specs('uprobe:$1 { }', []);
  t.equal(ds.length, 1);
  t.equal(ds[0].code, 'GT2090');
  t.same([ds[0].span?.start, ds[0].span?.end], [0, 9]);
});
