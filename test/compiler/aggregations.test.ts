// Percentiles, tuples, floats and durations through parse, check and code generation (issue
// #18). Real BPF runs the same in test/e2e/aggregations.test.ts; these tables say what each
// construct parses to, which mistakes are refused with which text, and the C each becomes.
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { eventSpecs, generateC, mapSpecs, type CodegenProbe } from '../../compiler/codegen/c.js';
import { parse } from '../../grammar/index.js';
import { printStmt } from '../../grammar/print-ast.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';

const check = (src: string) => checkSource(new SourceFile('stdin', src));

function cOf(src: string): string {
  const r = check(src);
  if (!r.sem || r.diagnostics.some((d) => d.severity === 'error')) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  const probes: CodegenProbe[] = r.sem.blocks.map((b, id) => ({ id, block: b, kind: 'BEGIN', entryProgram: `p${id}_begin` }));
  return generateC(r.sem, probes, mapSpecs(r.sem.maps), eventSpecs(r.sem));
}

t.test('parse: tuples as values and keys, percentile() as a call', async (t) => {
  const cases: [string, string][] = [
    ['@m[goid] = (arg0, str(arg1))', '(= (@m goid) (tuple arg0 (call str arg1)))'],
    ['@m[(1, "a")] = 2', '(= (@m (tuple 1 "a")) 2)'],
    ['print(percentile(@h[1], 99))', '(call print (call percentile (@h 1) 99))'],
  ];
  for (const [src, ast] of cases) {
    const r = parse(new SourceFile('stdin', `BEGIN { ${src} }`));
    t.equal(r.program && printStmt(r.program.probes[0].body[0]), ast, src);
  }
});

const refused: [source: string, expected: string][] = [
  [
    'BEGIN { @c = count(); print(percentile(@c, 50)); }',
    'stdin:1:40-42: ERROR: percentile() needs a hist(), lhist() or stats() map, and @c holds count()\nBEGIN { @c = count(); print(percentile(@c, 50)); }\n                                       ~~\n',
  ],
  [
    'BEGIN { @h = hist(1); print(percentile(@h, 101)); }',
    "stdin:1:44-47: ERROR: percentile()'s percentile must be a constant from 0 to 100, not '101'\nBEGIN { @h = hist(1); print(percentile(@h, 101)); }\n                                           ~~~\nHINT: an integer literal or an integer $N: percentile(@h, 99), percentile(@h[key], $1)\n",
  ],
  [
    'BEGIN { @h[1] = hist(1); print(percentile(@h, 50)); }',
    'stdin:1:43-45: ERROR: @h used with 0 keys here but 1 elsewhere\nBEGIN { @h[1] = hist(1); print(percentile(@h, 50)); }\n                                          ~~\n',
  ],
  [
    'BEGIN { $t = (1, "a"); }',
    'stdin:1:14-22: ERROR: a tuple can be a map\'s value or key, or printed; not held in a variable ($t)\nBEGIN { $t = (1, "a"); }\n             ~~~~~~~~\n',
  ],
  [
    'BEGIN { @t = (1, (2, 3)); }',
    'stdin:1:18-24: ERROR: a tuple holds integers, strings and floats, not a tuple\nBEGIN { @t = (1, (2, 3)); }\n                 ~~~~~~\n',
  ],
  [
    'BEGIN { @t = (1, 2); @t = (1, "a"); }',
    'stdin:1:22-24: ERROR: @t holds tuples (int, int) elsewhere, tuples (int, string) here\nBEGIN { @t = (1, 2); @t = (1, "a"); }\n                     ~~\nHINT: a map keeps one type of value\n',
  ],
  [
    'BEGIN { @t = (1, 2); @x = @t + 1; }',
    "stdin:1:27-33: ERROR: cannot use '+' on a tuple\nBEGIN { @t = (1, 2); @x = @t + 1; }\n                          ~~~~~~\n",
  ],
  [
    'BEGIN { printf("%d\\n", (1, 2)); }',
    "stdin:1:24-30: ERROR: '%d' wants an integer, argument 1 is a tuple\nBEGIN { printf(\"%d\\n\", (1, 2)); }\n                       ~~~~~~\nHINT: use '%s'\n",
  ],
  [
    'BEGIN { printf("%f\\n", comm); }',
    "stdin:1:24-28: ERROR: '%f' wants a number, argument 1 is a string\nBEGIN { printf(\"%f\\n\", comm); }\n                       ~~~~\nHINT: use '%s'\n",
  ],
];

t.test('check: each mistake with the text a user sees', async (t) => {
  for (const [src, expected] of refused) t.equal(renderDiagnostics(check(src).diagnostics, { color: false }), expected, src);
});

t.test('check: valid programs', async (t) => {
  const ok = [
    'BEGIN { @t[1] = (2, "ab", comm); @k[(1, "x"), 2] = 3; print((1, "z")); printf("%s\\n", (1, 2)); @u = @t[1]; }',
    'BEGIN { @h = hist(5); @l = lhist(5, 0, 10, 1); @s = stats(5); }\nEND { print(percentile(@h, 99)); printf("%d %d %D\\n", percentile(@l, 0), percentile(@s, 100), percentile(@h, 50)); }',
    'END { print(percentile(@later[1, "a"], 50)); }\nBEGIN { @later[2, "b"] = hist(3); }',
    'BEGIN { printf("%D %f %.3f %e %g %8.2f\\n", elapsed, 1, 2, 3, 4, 5); }',
  ];
  for (const src of ok) t.same(check(src).diagnostics, [], src);
});

t.test('durations: which histograms get time-unit labels', async (t) => {
  const cases: [string, boolean][] = [
    ['hist(elapsed)', true],
    ['hist(nsecs - $t)', true],
    ['hist($lat_ns)', true],
    ['hist(@start_ns)', true],
    ['hist(elapsed / 1000)', true],
    ['hist(elapsed * 2)', true],
    ['hist($lat_ns + 5)', true],
    ['stats(elapsed)', true],
    ['lhist(elapsed, 0, 1000, 100)', true],
    ['hist($t)', false],
    ['hist(elapsed > 5)', false],
    ['hist(elapsed / $lat_ns)', false],
    ['hist(nsecs)', false],
    ['count()', false],
  ];
  for (const [agg, dur] of cases) {
    const r = check(`BEGIN { $t = 1; $lat_ns = 2; @start_ns = 3; @x = ${agg}; }`);
    t.same(r.diagnostics, [], agg);
    t.equal(!!mapSpecs(r.sem!.maps).find((m) => m.name === '@x')!.duration, dur, agg);
  }
});

t.test('codegen: the exact max beside each bucket count, stats buckets, tuples and percentile keys', async (t) => {
  const c = cOf('BEGIN { @h = hist(5); @l[1] = lhist(5, 0, 10, 1); @s = stats(5); @t[2] = (3, "ab"); print(percentile(@l[7], 90)); }');
  t.match(c, /GT_PERCPU_HIST\(&m_h, gt_k\d+, gt_x\d+, 0\);/, 'hist: the count and the max of its bucket');
  t.match(c, /__type\(value, struct gt_hist\);/, 'struct gt_hist values');
  t.match(c, /GT_PERCPU_HIST\(&m_l, gt_k\d+, gt_x\d+, 1\);/, 'lhist too');
  t.match(c, /__type\(value, struct gt_stats\);/, 'stats: struct gt_stats values');
  t.match(c, /GT_PERCPU_STATS\(&m_s, gt_k\d+, gt_x\d+, gt_z\d+, 2\);/, 'zeroed from scratch space');
  t.match(c, /struct gt_val_m_t \{ char v\[72\]; \};/, 'a tuple value: 8 + 64 bytes');
  t.match(c, /\*\(__s64 \*\)&\(\(char \*\)&gt_sv\d+->v\)\[0\] = 3LL;/, 'tuple element 0 at offset 0');
  t.match(c, /\(\(char \*\)&\(\(char \*\)&gt_sv\d+->v\)\[8\]\)\[0\] = 97;/, 'tuple element 1 at offset 8');
  t.match(c, /struct gt_ev_0 \{ struct gt_event_hdr h; char a0\[8\]; \};/, "percentile's event carries its key");
  t.match(c, /\*\(__s64 \*\)&\(\(char \*\)&gt_e\d+->a0\)\[0\] = 7LL;/, 'the key written in the event');
});
