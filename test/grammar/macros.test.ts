// Code reuse: `macro` definitions expand into the same AST as the code written out by hand (the
// macro's own variables renamed apart), `import "file.gt"` merges another file's probes and
// macros, and every mistake is a located error naming the file it is in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { renderDiagnostics } from '../../grammar/render.js';
import { printProgram } from '../../grammar/print-ast.js';
import { parseText, sexpr } from './helpers.js';

t.test('macro definitions parse with their parameters and whether they have a value', async (t) => {
  const p = parseText('macro f(x, $y, @z) { $y = x; @z = 1; x + 1 }\nmacro g() { @a = 1; }\nBEGIN { }').program!;
  t.same(
    p.macros!.map((m) => [m.name, m.params.map((x) => `${x.kind}:${x.name}`), m.valued]),
    [
      ['f', ['expr:x', 'var:$y', 'map:@z'], true],
      ['g', [], false],
    ],
  );
  t.equal(parseText('macro h() { 1; }').program!.macros![0].valued, false, 'a trailing `;` discards the value');
});

/** Each macro script expands into the AST of the script written out by hand. */
const SAME: [name: string, macros: string, plain: string][] = [
  ['a value', 'macro add_one(x) { x + 1 }\nBEGIN { @x = add_one(2 * 3); }', 'BEGIN { @x = 2 * 3 + 1; }'],
  ['a bare name', 'macro one() { 1 }\nBEGIN { @x = one + one(); }', 'BEGIN { @x = 1 + 1; }'],
  [
    "variables and maps passed in are the caller's",
    'macro bump($a, @m) { $a += 1; @m += 1; }\nBEGIN { $v = 1; bump($v, @n); }',
    'BEGIN { $v = 1; $v += 1; @n += 1; }',
  ],
  [
    "the macro's own variables are renamed apart, and its statements run first",
    'macro twice(x) { $t = x; $t * 2 }\nBEGIN { $t = 5; @x = twice($t) + twice(1); }',
    'BEGIN { $t = 5; $t__twice1 = $t; $t__twice2 = 1; @x = $t__twice1 * 2 + $t__twice2 * 2; }',
  ],
  [
    'macros calling macros, arguments expanded at the call',
    'macro add_one(x) { x + 1 }\nmacro add_two(x) { add_one(x) + 1 }\nBEGIN { @x = add_two(add_one(1)); }',
    'BEGIN { @x = 1 + 1 + 1 + 1; }',
  ],
  ['a statement macro in a nested block', 'macro hit(@m) { @m++ }\nBEGIN { if (1) { hit(@c); } }', 'BEGIN { if (1) { @c++; } }'],
  ['a statement-free macro in a predicate', 'macro big(x) { x > 10 }\nuprobe:main.f /big(arg0)/ { }', 'uprobe:main.f /arg0 > 10/ { }'],
];

t.test('macros expand into the code written out by hand', async (t) => {
  for (const [name, macros, plain] of SAME) t.equal(sexpr(macros), sexpr(plain), name);
});

t.test('imports merge probes and macros, relative to the importing file', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-import-'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib', 'a.gt'), 'import "b.gt"\nmacro two() { one() + one() }\nBEGIN { @a = 1; }\n');
  fs.writeFileSync(path.join(dir, 'lib', 'b.gt'), 'macro one() { 1 }\nBEGIN { @b = 1; }\n');
  const main = path.join(dir, 'main.gt');
  const r = parseText('import "lib/a.gt"\nimport "lib/b.gt"\nBEGIN { @x = two(); }', main);
  t.same(r.diagnostics, []);
  t.equal(r.program!.probes.length, 3, 'b.gt imported once (by a.gt), its probe first');
  t.equal(sexpr(`BEGIN { @b = 1; } BEGIN { @a = 1; } BEGIN { @x = 1 + 1; }`), printProgram(r.program!), 'merged, imports first');

  fs.writeFileSync(path.join(dir, 'lib', 'bad.gt'), 'BEGIN {\n  @x = 1 +;\n}\n');
  fs.writeFileSync(path.join(dir, 'lib', 'loop.gt'), 'import "../loop2.gt"\n');
  fs.writeFileSync(path.join(dir, 'loop2.gt'), 'import "lib/loop.gt"\n');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const bad = renderDiagnostics(parseText('import "lib/bad.gt"', 'main.gt').diagnostics);
    t.match(bad, /^lib\/bad\.gt:2:11-12: ERROR: syntax error/m, "an imported file's error names that file and line");
    t.match(bad, /^ {2}@x = 1 \+;$/m, 'and shows its line');
    const loop = renderDiagnostics(parseText('import "lib/loop.gt"', 'loop2.gt').diagnostics);
    t.match(
      loop,
      /^lib\/loop\.gt:1:1-21: ERROR: '\.\.\/loop2\.gt' imports itself: loop2\.gt → lib\/loop\.gt → loop2\.gt$/m,
      'a cycle, with its chain',
    );
    const missing = renderDiagnostics(parseText('BEGIN { }\nimport "nope.gt"', 'main.gt').diagnostics);
    t.match(missing, /^main\.gt:2:1-17: ERROR: cannot import 'nope\.gt': no such file$/m);
  } finally {
    process.chdir(cwd);
  }
});
