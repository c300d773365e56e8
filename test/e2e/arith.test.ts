// Integer arithmetic as Go computes it (signed 64-bit, division truncated toward zero), the
// same maps as bpftrace where bpftrace 0.17 agrees, lhist() bounds refused in bpftrace's words,
// and while loops cut off at their bound counted and reported.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';

function bpftrace(script: string): { status: number | null; stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-arith-'));
  const file = path.join(dir, 'x.bt');
  fs.writeFileSync(file, script);
  return spawnSync('bpftrace', [file], { encoding: 'utf8', timeout: 60_000 });
}

// Operations on which bpftrace 0.17 and Go agree: everything but division, remainder and >>
// of negative numbers (bpftrace does those unsigned, with a warning).
const SHARED = `BEGIN { $a = 10; $b = 3; $n = -4;
  @add = $a + $n; @sub = $n - $a; @mul = $n * $b; @div = $a / $b; @mod = $a % $b; @shl = $n << 2; @shr = $a >> 1;
  @lt = $n < $b; @le = $n <= -4; @gt = $n > $b; @ge = $b >= $n; @eq = $n == -4; @ne = $n != 4;
  @band = $a & 6; @bor = $a | 5; @bxor = $a ^ 3; @neg = -$a; @not = !$n; @big = 9223372036854775807 + 1;
  exit(); }
`;

t.test('arithmetic and comparisons print as bpftrace prints them where both are signed', async (t) => {
  if (!requireBpf(t)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-arith-'));
  fs.writeFileSync(path.join(dir, 'x.bt'), SHARED);
  const r = await runGotrace([path.join(dir, 'x.bt')]);
  t.equal(r.code, 0, r.stderr);
  const b = bpftrace(SHARED);
  t.equal(b.status, 0, b.stderr);
  t.equal(r.stdout, b.stdout.replace(/^Attaching 1 probe\.\.\.\n\n/, ''), 'byte-identical maps');
});

/** Go's truncated division and remainder, on BigInts. */
const goDiv = (a: bigint, b: bigint) => (b === 0n ? 0n : BigInt.asIntN(64, a / b));
const goMod = (a: bigint, b: bigint) => (b === 0n ? a : a % b);

t.test('division, remainder and >> of negative numbers are signed, as in Go', async (t) => {
  if (!requireBpf(t)) return;
  const pairs: [bigint, bigint][] = [
    [-10n, 2n],
    [-7n, 2n],
    [7n, -2n],
    [-7n, -2n],
    [7n, -3n],
    [-7n, -3n],
    [5n, 0n],
    [-5n, 0n],
    [-9223372036854775807n - 1n, -1n],
  ];
  // Operands through variables so that nothing is folded at compile time.
  const stmts = pairs.map(
    ([a, b], i) =>
      `$a${i} = ${a < 0n ? `0 - ${-a}` : a}; $b${i} = ${b < 0n ? `0 - ${-b}` : b}; @d[${i}] = $a${i} / $b${i}; @m[${i}] = $a${i} % $b${i};`,
  );
  const shifts = `$s = 0 - 16; @r[0] = $s >> 2; @r[1] = (0 - 1) >> 63; @r[2] = $s >> 66; @r[3] = $s << 1;`;
  const r = await runGotrace(['-e', `BEGIN { ${stmts.join(' ')} ${shifts} exit(); }`]);
  t.equal(r.code, 0, r.stderr);
  const d = parseMapLines(r.stdout, '@d');
  const m = parseMapLines(r.stdout, '@m');
  pairs.forEach(([a, b], i) => {
    t.equal(d.get(String(i)), goDiv(a, b), `${a} / ${b}`);
    t.equal(m.get(String(i)), goMod(a, b), `${a} % ${b}`);
  });
  const sh = parseMapLines(r.stdout, '@r');
  t.same(
    [0, 1, 2, 3].map((i) => sh.get(String(i))),
    [-4n, -1n, -4n, -32n],
    'arithmetic >>, shift counts mod 64',
  );
});

t.test('lhist() bounds refused in bpftrace words, at the same place', async (t) => {
  if (!requireBpf(t)) return;
  for (const args of ['5, 0, 10, 20', '5, 5, 5, 1', '5, 10, 0, 1', '5, 0, 10, 0', '5, 0, 1001, 1']) {
    const script = `BEGIN { @l = lhist(${args}); exit(); }`;
    const r = await runGotrace(['-e', script]);
    t.equal(r.code, 1, `${args}: refused`);
    const b = bpftrace(script);
    const theirs = b.stderr
      .split('\n')
      .filter((l) => !/RLIMIT_MEMLOCK/.test(l))
      .slice(0, 3)
      .join('\n');
    t.equal(r.stderr.split('\n').slice(0, 3).join('\n').replace(/^\S+:/, 'x:'), theirs.replace(/^\S+:/, 'x:'), `${args}: same error`);
  }
  const ok = await runGotrace(['-e', 'BEGIN { @l = lhist(5, 0, 10, 10); @k = lhist(5, 0, 2001, 2); exit(); }']);
  t.equal(ok.code, 0, `step equal to the range and 1000 buckets pass (${ok.stderr})`);
});

t.test('a while loop cut off at 1024 iterations is counted and reported where it is', async (t) => {
  if (!requireBpf(t)) return;
  const cut = await runGotrace([
    '-f',
    'json',
    '-e',
    'BEGIN { $i = 0; while ($i < 2000) { $i++; } @i = $i; $j = 0; while ($j < 1024) { $j++; } @j = $j; exit(); }',
  ]);
  t.equal(cut.code, 0, cut.stderr);
  t.match(cut.stderr, /^1 while loops cut off at 1024 iterations \(stdin:1:17\)$/m);
  t.notMatch(cut.stderr, /stdin:1:62/, 'a loop that ends at its 1024th iteration is not cut');
  const lines = cut.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  t.same(lines.find((l) => l.type === 'dropped')?.data, [{ kind: 'loop_cut', at: 'stdin:1:17', count: 1, limit: 1024 }]);
  t.same(
    lines.filter((l) => l.type === 'map').map((l) => l.data),
    [{ '@i': 1024 }, { '@j': 1024 }],
  );
});
