// Integer maps are shared by every CPU: `@m[k] op= v`, `++` and `--` from probes firing on two
// CPUs at once must not lose updates. Two goroutines locked to two threads call main.hot at
// the same moment (fixture contention); every update must be counted exactly. Before the
// updates were atomic, a lookup-then-update lost about 1 in 1,000 of them here (and made
// goroutine-leaks.gt's @alive flaky), so this test fails on such code in every run.
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

const PER_GOROUTINE = 50_000;

t.test('compound assignments from two CPUs at once lose no update', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('contention');
  const prog = `BEGIN { @mul = 1; @xor = 0; }
uprobe:main.hot { @add += 1; @sub[1] -= 2; @inc[arg0 % 2]++; @dec--; @mul *= 3; @xor ^= arg0; @calls = count(); }`;
  const r = await runGotrace(['-e', prog, '-c', `${bin} -n ${PER_GOROUTINE}`]);
  t.equal(r.code, 0, r.stderr);
  const n = BigInt(/^calls=(\d+)$/m.exec(r.stdout)?.[1] ?? '-1');
  t.equal(n, 2n * BigInt(PER_GOROUTINE), "the program's own count");
  const one = (name: string, key = '') => parseMapLines(r.stdout, name).get(key);
  t.equal(one('@calls'), n, 'count() (per CPU) saw every call');
  t.equal(one('@add'), n, '+=');
  t.equal(one('@sub', '1'), -2n * n, '-= on a key');
  t.equal((one('@inc', '0') ?? 0n) + (one('@inc', '1') ?? 0n), n, '++ over two keys');
  t.equal(one('@dec'), -n, '--');
  // A lost compare-and-swap update changes the power; the order of the others does not.
  t.equal(one('@mul'), BigInt.asIntN(64, modPow(3n, n, 1n << 64n)), '*= (compare-and-swap)');
  // Each goroutine passes 0..N-1: every value twice, so the xor of all is 0 and a lost one shows.
  t.equal(one('@xor'), 0n, '^=');
  t.notMatch(r.stderr, /dropped|skipped/, 'nothing dropped');
});

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
  return r;
}
