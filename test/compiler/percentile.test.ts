// percentile() as a value computed in BPF (bpf-templates/percentile.bpf.h) through parse,
// check and code generation: where it goes, which P are refused with which text, and the C each
// map kind becomes. Real BPF runs it in test/e2e/percentile.test.ts.
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { eventSpecs, generateC, mapSpecs, type CodegenProbe } from '../../compiler/codegen/c.js';
import { parse } from '../../grammar/index.js';
import { printExpr, printStmt } from '../../grammar/print-ast.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';

const check = (src: string, positional?: string[]) => checkSource(new SourceFile('stdin', src), { positional });

function cOf(src: string, positional?: string[]): string {
  const r = check(src, positional);
  if (!r.sem || r.diagnostics.some((d) => d.severity === 'error')) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  const probes: CodegenProbe[] = r.sem.blocks.map((b, id) => ({ id, block: b, kind: 'BEGIN', entryProgram: `p${id}_begin` }));
  return generateC(r.sem, probes, mapSpecs(r.sem.maps), eventSpecs(r.sem));
}

t.test('parse: percentile() in a predicate, arithmetic and a map value', async (t) => {
  const preds: [string, string][] = [
    ['/percentile(@lat, 99) > 1000000/', '(> (call percentile @lat 99) 1000000)'],
    ['/percentile(@lat[func], 50) * 2 <= $1/', '(<= (* (call percentile (@lat func) 50) 2) $1)'],
  ];
  for (const [pred, ast] of preds) {
    const r = parse(new SourceFile('stdin', `uprobe:main.f ${pred} { exit() }`));
    t.equal(r.program && printExpr(r.program.probes[0].predicate!), ast, pred);
  }
  const r = parse(new SourceFile('stdin', 'BEGIN { @p99[func] = percentile(@lat[func], 99) }'));
  t.equal(r.program && printStmt(r.program.probes[0].body[0]), '(= (@p99 func) (call percentile (@lat func) 99))');
});

t.test('check: percentile() wherever an integer goes, typed as one', async (t) => {
  const defs =
    'uprobe:main.g { @h = hist(arg0); @l = lhist(arg0, 0, 100, 10); @s = stats(arg0); @k[arg1] = hist(arg0); @d = hist(elapsed); }\n';
  const ok = [
    'uprobe:main.f /percentile(@h, 99) > 1000000/ { @n = count(); }',
    'uprobe:main.f { @p99[arg1] = percentile(@k[arg1], 99); @x = percentile(@l, 0) + percentile(@s, 100) * 2; }',
    'uprobe:main.f { if (percentile(@h, 50) >= 10) { @y = 1; } @z = percentile(@h, 90) > 5 ? 1 : percentile(@s, 50); }',
    'END { printf("%d %d\\n", percentile(@h, 99) / 1000, percentile(@d, $1)); print(percentile(@l, 50) + 1); }',
    'END { @m[percentile(@h, 50)] = hist(percentile(@k[1], 99)); }',
  ];
  for (const src of ok) t.same(check(defs + src, ['75']).diagnostics, [], src);
  const r = check(defs + 'END { @a = percentile(@h, 50); @b = percentile(@d, 50); print(percentile(@h, 50)); }');
  const types = [...r.sem!.types.entries()].filter(([e]) => e.kind === 'Call' && e.name === 'percentile').map(([, ty]) => ty);
  t.same(
    types.map((ty) => ty.k + (ty.k === 'int' && ty.dur ? ' (duration)' : '')),
    ['int', 'int (duration)', 'pctl'],
    "computed in BPF: an integer (a duration when its map's values are); print()'s own argument: read in user space",
  );
});

const refused: [source: string, positional: string[], expected: string][] = [
  [
    'BEGIN { @h = hist(1); @x = percentile(@h, 101); }',
    [],
    "stdin:1:43-46: ERROR: percentile()'s percentile must be a constant from 0 to 100, not '101'\nBEGIN { @h = hist(1); @x = percentile(@h, 101); }\n                                          ~~~\nHINT: an integer literal or an integer $N: percentile(@h, 99), percentile(@h[key], $1)\n",
  ],
  [
    'BEGIN { @h = hist(1); @x = percentile(@h, nsecs % 100) > 5; }',
    [],
    "stdin:1:43-54: ERROR: percentile()'s percentile must be a constant from 0 to 100, not a value computed by the probe\nBEGIN { @h = hist(1); @x = percentile(@h, nsecs % 100) > 5; }\n                                          ~~~~~~~~~~~\nHINT: an integer literal or an integer $N: percentile(@h, 99), percentile(@h[key], $1)\n",
  ],
  [
    'BEGIN { @h = hist(1); if (percentile(@h, $1)) { exit(); } }',
    ['p99'],
    "stdin:1:42-44: ERROR: percentile()'s percentile must be a constant from 0 to 100, not 'p99'\nBEGIN { @h = hist(1); if (percentile(@h, $1)) { exit(); } }\n                                         ~~\nHINT: an integer literal or an integer $N: percentile(@h, 99), percentile(@h[key], $1)\n",
  ],
  [
    'BEGIN { @h = hist(1); @x = percentile(@h) + 1; }',
    [],
    'stdin:1:28-42: ERROR: percentile() takes two arguments: a map (@h or @h[keys]) and a percentile from 0 to 100\nBEGIN { @h = hist(1); @x = percentile(@h) + 1; }\n                           ~~~~~~~~~~~~~~\nHINT: percentile(@h, 99), or percentile(@h[key], 50)\n',
  ],
  [
    'BEGIN { @c = count(); @x = percentile(@c, 50) * 2; }',
    [],
    'stdin:1:39-41: ERROR: percentile() needs a hist(), lhist() or stats() map, and @c holds count()\nBEGIN { @c = count(); @x = percentile(@c, 50) * 2; }\n                                      ~~\n',
  ],
  [
    'BEGIN { @h[1] = hist(1); if (percentile(@h, 50) > 1) { exit(); } }',
    [],
    'stdin:1:41-43: ERROR: @h used with 0 keys here but 1 elsewhere\nBEGIN { @h[1] = hist(1); if (percentile(@h, 50) > 1) { exit(); } }\n                                        ~~\n',
  ],
];

t.test('check: what percentile() refuses, located', async (t) => {
  for (const [src, positional, expected] of refused) {
    const r = check(src, positional);
    t.equal(renderDiagnostics(r.diagnostics.filter((d) => d.severity === 'error')), expected, src);
  }
});

t.test('codegen: one gt_percentile call per use, with the map, its key and its shape', async (t) => {
  const hist = cOf('BEGIN { @h[1, "a"] = hist(5); @p = percentile(@h[1, "a"], 99) * 2; }');
  t.match(hist, /struct gt_pct_in (gt_pin\d+) = \{ GT_PCT_HIST, 66, 99, 0LL, 0LL, 1LL \};/);
  // The key's last field is the bucket, which the helper rewrites for each bucket.
  t.match(hist, /(gt_k\d+)->f2 = 0;\n\t*struct gt_pct_in (gt_pin\d+) = .*\n\t*__s64 gt_t\d+ = gt_percentile\(&m_h, \1, &\1->f2, &\2\);/);
  const lhist = cOf('BEGIN { @l = lhist(5, 0, 1000, 100); if (percentile(@l, $1) > 3) { exit(); } }', ['90']);
  t.match(lhist, /= \{ GT_PCT_LHIST, 12, 90, 0LL, 1000LL, 100LL \};/, 'lhist: 10 steps and the two open buckets; P from $1');
  t.match(lhist, /gt_percentile\(&m_l, gt_k\d+, &gt_k\d+->f0, &gt_pin\d+\)/);
  // stats(): one struct per key holding the buckets: no bucket field.
  const stats = cOf('BEGIN { @s = stats(5); @x = percentile(@s, 50); }');
  t.match(stats, /= \{ GT_PCT_STATS, 66, 50, 0LL, 0LL, 1LL \};\n\t*__s64 gt_t\d+ = gt_percentile\(&m_s, gt_k\d+, 0, &gt_pin\d+\);/);
  // print()'s own argument stays user space's: the keys go in the event, no BPF percentile.
  const printed = cOf('BEGIN { @h = hist(5); print(percentile(@h, 50)); }');
  t.notMatch(printed, /gt_percentile\(/);
});
