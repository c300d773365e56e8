// The target's strings as gotrace shows them (runtime/escape.ts): NULs, terminal escapes,
// invalid UTF-8, non-printable runes and strings longer than --strlen. The fixture prints, for
// each call, Go's own %q of the bytes gotrace keeps and the bare rule of printf %s; gotrace's
// output must agree line for line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

const SCRIPT = 'uprobe:main.show { printf("q %d %q\\n", args.i, args.s); printf("s %d %s\\n", args.i, args.s); print(args.s); }';

for (const strlen of [64, 1024]) {
  t.test(`Go strings at --strlen ${strlen} print as Go's %q and the bare rule say`, async (t) => {
    if (!requireBpf(t)) return;
    const bin = buildGo('strings');
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-strings-')), 'out.txt');
    const r = await runGotrace(['--strlen', String(strlen), '-o', out, '-e', SCRIPT, '-c', `${bin} ${strlen - 1}`]);
    t.equal(r.code, 0, r.stderr);
    const own = r.stdout.split('\n').filter((l) => /^[qs] \d+ /.test(l));
    t.equal(own.length, 22, 'the program made 22 reports');
    const traced = fs
      .readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l);
    // print(args.s) prints the quoted form alone on its line, right after the two printf lines.
    const printed = traced.filter((_, i) => i % 3 === 2);
    t.same(
      traced.filter((_, i) => i % 3 !== 2),
      own,
      'printf %v and %s, line for line',
    );
    t.same(
      printed,
      own.filter((l) => l.startsWith('q ')).map((l) => l.replace(/^q \d+ /, '')),
      'print() as %q',
    );
    t.match(own.join('\n'), /nul\\x00inside/, 'the fixture has a NUL inside a string');
    t.notMatch(fs.readFileSync(out, 'latin1'), /[\x00-\x09\x0b-\x1f\x7f]/, 'no control byte reaches the output');
  });
}

t.test('a string longer than --strlen is cut to --strlen - 1 bytes', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('strings');
  const r = await runGotrace([
    '--strlen',
    '1024',
    '-e',
    'uprobe:main.show /args.i == 8/ { printf("%s|\\n", args.s); }',
    '-c',
    `${bin} 1023`,
  ]);
  t.equal(r.code, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.endsWith('|'))!;
  t.equal(line.length, 1024, '1023 bytes then the bar');
  t.equal(line, '0123456789'.repeat(150).slice(0, 1023) + '|');
});
