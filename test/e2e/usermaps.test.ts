// Maps keyed by errors, live: every aggregation of a map kept in user space (runtime/usermaps.ts)
// against what the tools fixture's errors mode does. checkOne(i) fails for i = 0, 3, 6 with
// errors.New("multiple of three") (three errors at three addresses: one key), manyResults(i)
// for i = 1, 2 with &codeError{i} (its error on the stack). delete, clear, print top-N,
// percentile() in a probe and -f json act on these maps as on BPF maps.
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

const SCRIPT = `uprobe:main.checkOne, uprobe:main.manyResults /rets.error != nil/ {
  @n[rets.error] = count(); @s[rets.error] = sum(args.i); @mx[rets.error] = max(args.i);
  @mn[rets.error] = min(args.i); @a[rets.error] = avg(args.i); @st[rets.error] = stats(args.i);
  @l[rets.error] = lhist(args.i, 0, 8, 1); @h[func, rets.error] = hist(args.i);
  @gone[rets.error] = count(); delete(@gone[rets.error]);
  printf("pct %v %d\\n", rets.error, percentile(@l[rets.error], 50));
}
END { print(@n, 1); clear(@mn); }`;

const THREE = 'multiple of three';
const [ONE, TWO] = ['&{code: 1}', '&{code: 2}'];

t.test('every aggregation keyed by an error, by its text', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace(['-e', SCRIPT, '-c', `${buildGo('tools')} errors`]);
  t.equal(r.code, 0, r.stderr);
  const final = r.stdout.slice(r.stdout.indexOf('\n\n'));
  const ints = (name: string) => Object.fromEntries(parseMapLines(final, name));
  t.same(ints('@n'), { [THREE]: 3n, [ONE]: 1n, [TWO]: 1n }, 'count(): three errors.New("multiple of three") are one key');
  t.same(ints('@s'), { [THREE]: 9n, [ONE]: 1n, [TWO]: 2n }, 'sum()');
  t.same(ints('@mx'), { [THREE]: 6n, [ONE]: 1n, [TWO]: 2n }, 'max()');
  t.same(ints('@a'), { [THREE]: 3n, [ONE]: 1n, [TWO]: 2n }, 'avg()');
  t.same(ints('@mn'), {}, 'clear() in END');
  t.same(ints('@gone'), {}, 'delete()');
  t.match(final, `\n@st[${THREE}]: count 3, average 3, total 9, p50 3, p99 6\n`, 'stats()');
  t.match(final, `\n@l[${THREE}]: \n[0, 1)                 1 |`, 'lhist()');
  t.match(final, /\n\[6, 7\) +1 \|@+\|\np50 \[3, 4\), p90 \[6, 7\), p99 \[6, 7\), max 6\n/, 'lhist(): its last bucket and percentiles');
  t.match(final, `\n@h[main.manyResults, ${TWO}]: \n[2, 4)                 1 |`, 'hist() keyed by function and error');
  // print(@n, 1) in END: the largest entry only, before the final maps.
  t.match(r.stdout, `\n@n[${THREE}]: 3\n\n@a[`, 'print(@n, 1)');
  const p50 = [...r.stdout.matchAll(/^pct (.*) (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
  t.same(p50, [`${THREE} 0`, `${THREE} 0`, `${THREE} 3`, '&{1} 1', '&{2} 2'], 'percentile() of the key so far, in the probe');
});

t.test('-f json: the keys as their text', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace([
    '-f',
    'json',
    '-e',
    'uprobe:main.checkOne /rets.error != nil/ { @e[func, rets.error] = count(); }',
    '-c',
    `${buildGo('tools')} errors`,
  ]);
  t.equal(r.code, 0, r.stderr);
  const maps = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"type":"map"'))
    .map((l) => JSON.parse(l) as { data: Record<string, unknown> });
  t.same(maps.at(-1)?.data, { '@e': { [`main.checkOne,${THREE}`]: 3 } });
});

t.test('updates lost with their events are counted, and the map is said to be a lower bound', async (t) => {
  if (!requireBpf(t)) return;
  // One page of ring holds four ~880-byte updates; the fixture's eleven failures come within
  // microseconds, long before gotrace's next poll (20 ms).
  const r = await runGotrace([
    '--ring-size',
    '4096',
    '-e',
    'uprobe:main.* /rets.error != nil/ { @e[func, rets.error] = count(); }',
    '-c',
    `${buildGo('tools')} errors`,
  ]);
  t.equal(r.code, 0, r.stderr);
  const failed = [...r.stdout.matchAll(/^failed \S+ (\d+)$/gm)].reduce((a, m) => a + BigInt(m[1]), 0n);
  const counted = [...parseMapLines(r.stdout, '@e').values()].reduce((a, n) => a + n, 0n);
  const lost = BigInt(/^Lost (\d+) events$/m.exec(r.stderr)?.[1] ?? '0');
  t.ok(lost > 0n, `events lost (${lost})`);
  t.equal(counted + lost, failed, 'each failure is counted or lost, never both, never neither');
  t.match(r.stderr, /^@e is kept in user space from events, and events were lost: its values are lower bounds/m, 'said');
});

t.test('structs as keys, spelled as print() spells them', async (t) => {
  if (!requireBpf(t)) return;
  // The abi fixture calls structs(..., Pair{4, 5}, ...) once, and Server.Name on its Server{"s"}
  // (count 2 after Handle(..., 2)) with "!" and, through an interface, on Server{"global"} with "?".
  const r = await runGotrace([
    '-e',
    'uprobe:main.structs { @p[args.p] = sum(args.p.y); } uprobe:main.Server.Name { @s[args.s, args.suffix] = count(); }',
    '-c',
    buildGo('abi'),
  ]);
  t.equal(r.code, 0, r.stderr);
  t.same(Object.fromEntries(parseMapLines(r.stdout, '@p')), { '{x: 4, y: 5}': 5n });
  t.same(Object.fromEntries(parseMapLines(r.stdout, '@s')), { '{name: "s", count: 2}, !': 1n, '{name: "global", count: 0}, ?': 1n });
});
