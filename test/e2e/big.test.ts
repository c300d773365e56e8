// "Big" scripts: valid programs past the sizes that once reached clang or the verifier and
// failed there as gotrace bugs (GT4002, GT5100): long sums, many string keys (the 512-byte BPF
// stack), many strings in one printf (memset calls clang cannot lower), long strings, huge
// positional parameters. Each must either load and print the right values against a real Go
// program, or stop with a located limit error. Real clang, real BPF.
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

const rep = (s: string, n: number, sep: string) => Array.from({ length: n }, (_, i) => s.replace(/#/g, String(i))).join(sep);
const LONG = 'y'.repeat(1000);

interface Case {
  name: string;
  args: string[];
  /** What the output must hold when the script loads. */
  out?: RegExp;
  /** Or: the located error it must stop with (code, line:col). */
  error?: { code: string; at: string };
}

// The fixture (test/fixtures/go/strings) calls show(s, i) for i = 0..10; s is "plain text" for 0,
// 1500 digits for 8.
const cases: Case[] = [
  { name: '130-term sum', args: ['-e', `uprobe:main.show /args.i == 1/ { @x = ${rep('1', 130, ' + ')}; }`], out: /^@x: 130$/m },
  {
    name: '300-term sum of arguments',
    args: ['-e', `uprobe:main.show /args.i == 3/ { @x = ${rep('args.i', 300, '+')}; }`],
    out: /^@x: 900$/m,
  },
  {
    name: 'expression nested 100 deep',
    args: ['-e', `uprobe:main.show /args.i == 3/ { @x = ${rep('1 + (', 100, '')}1${')'.repeat(100)}; }`],
    out: /^@x: 101$/m,
  },
  {
    name: '8 string map keys at --strlen 1024',
    args: ['--strlen', '1024', '-e', `uprobe:main.show /args.i == 0/ { @[${rep('args.s', 8, ', ')}] = count(); }`],
    out: new RegExp(`^@\\[${rep('plain text', 8, ', ')}\\]: 1$`, 'm'),
  },
  {
    name: 'ten %s at --strlen 200',
    args: ['--strlen', '200', '-e', `uprobe:main.show /args.i == 0/ { printf("${rep('%s', 10, ' ')}\\n", ${rep('args.s', 10, ', ')}); }`],
    out: new RegExp(`^${rep('plain text', 10, ' ')}$`, 'm'),
  },
  {
    name: 'ten %s at --strlen 1024, one of 1023 bytes',
    args: ['--strlen', '1024', '-e', `uprobe:main.show /args.i == 8/ { printf("${rep('%s', 10, '|')}\\n", ${rep('args.s', 10, ', ')}); }`],
    out: new RegExp(`^${rep('0123456789'.repeat(150).slice(0, 1023), 10, '\\|')}$`, 'm'),
  },
  {
    name: '20 string variables and a comparison at --strlen 1024',
    args: [
      '--strlen',
      '1024',
      '-e',
      `uprobe:main.show /args.i == 0/ { ${rep('$v# = args.s;', 20, ' ')} printf("%s %d %d\\n", $v19, args.s == "plain text", args.s == "plain"); }`,
    ],
    out: /^plain text 1 0$/m,
  },
  {
    name: '20 string comparisons at --strlen 1024',
    args: [
      '--strlen',
      '1024',
      '-e',
      `uprobe:main.show /args.i == 0/ { @c = ${rep('(args.s == "plain text#")', 20, ' + ')} + (args.s == "plain text"); }`,
    ],
    out: /^@c: 1$/m,
  },
  {
    name: 'string map values at --strlen 1024',
    args: ['--strlen', '1024', '-e', 'uprobe:main.show { @v[args.i] = args.s; }'],
    out: /^@v\[8\]: (0123456789){102}012$/m,
  },
  {
    name: '1000-byte string literal',
    args: ['--strlen', '1024', '-e', `uprobe:main.show /args.i == 0/ { printf("%s\\n", "${LONG}"); @l["${LONG}"] = 1; }`],
    out: new RegExp(`^${LONG}\\n[^]*^@l\\[${LONG}\\]: 1$`, 'm'),
  },
  {
    name: 'huge string $1 is cut to --strlen - 1',
    args: ['-e', 'uprobe:main.show /args.i == 0/ { printf("%s|\\n", $1); }', '--', 'z'.repeat(5000)],
    out: new RegExp(`^${'z'.repeat(63)}\\|$`, 'm'),
  },
  {
    name: 'largest 64-bit $1',
    args: ['-e', 'uprobe:main.show /args.i == 0/ { printf("%d %u\\n", $1, $2); }', '--', '-9223372036854775808', '18446744073709551615'],
    out: /^-9223372036854775808 18446744073709551615$/m,
  },
  {
    name: 'unroll(10) of 8 string keys at --strlen 1024',
    args: ['--strlen', '1024', '-e', `uprobe:main.show /args.i == 0/ { unroll(10) { @[${rep('args.s', 8, ', ')}] = count(); } }`],
    out: new RegExp(`^@\\[${rep('plain text', 8, ', ')}\\]: 10$`, 'm'),
  },
  {
    name: 'a program longer than a BPF jump',
    args: ['--strlen', '1024', '-e', `uprobe:main.show { unroll(100) { @[${rep('args.s', 8, ', ')}] = count(); } }`],
    error: { code: 'GT2151', at: '1:1' },
  },
  {
    name: 'huge integer $1',
    args: ['-e', 'uprobe:main.show { @x = $1; }', '--', '99999999999999999999999999'],
    error: { code: 'GT2091', at: '1:25' },
  },
  {
    name: 'keys beyond the scratch space',
    args: ['--strlen', '1024', '-e', `uprobe:main.show { @[${rep('args.s', 40, ', ')}] = count(); }`],
    error: { code: 'GT2150', at: '1:20' },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    if (!requireBpf(t)) return;
    const bin = buildGo('strings');
    const r = await runGotrace([
      '--json-diagnostics',
      ...c.args.slice(0, c.args.indexOf('--') < 0 ? undefined : c.args.indexOf('--')),
      '-c',
      `${bin} 63`,
      ...(c.args.includes('--') ? c.args.slice(c.args.indexOf('--')) : []),
    ]);
    t.notMatch(r.stdout + r.stderr, /GT4002|GT5100|a gotrace bug/, 'never a clang or verifier failure');
    if (c.out) {
      t.equal(r.code, 0, r.stderr);
      t.match(r.stdout, c.out);
      return;
    }
    t.equal(r.code, 1, 'a located error');
    const d = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{'))!);
    t.equal(d.code, c.error!.code, d.message);
    t.equal(`${d.location.line}:${d.location.col}`, c.error!.at);
  });
}
