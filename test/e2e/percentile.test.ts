// percentile() computed in BPF (bpf-templates/percentile.bpf.h) on real BPF: a predicate fires
// exactly from the call where the median crosses its bound, and at each of 1,000 calls the BPF
// value equals what user space's percentile() (runtime/percentiles.ts) gives for the values
// recorded so far, for hist (positive and negative values), lhist and stats maps.
import t from 'tap';
import { bucketCount } from '../../compiler/passes/types.js';
import { percentileValue, type BucketShape } from '../../runtime/percentiles.js';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

/** The fixture calls record(v) then check(v) for v = 1..1000, in order, on one goroutine. */
const CALLS = 1000;

const SCRIPT = `
uprobe:main.record { @h = hist(args.v); @n = hist(args.v - 500); @l = lhist(args.v, 0, 1000, 100); @s = stats(args.v); }
uprobe:main.check /percentile(@h, 50) >= 256/ { @fired = count(); @first = min(args.v); }
uprobe:main.check {
  @p99[args.v] = percentile(@h, 99);
  @p0[args.v] = percentile(@h, 0);
  @p50n[args.v] = percentile(@n, 50) * 2 + 1;
  @p90l[args.v] = percentile(@l, $1);
  @p50s[args.v] = percentile(@s, 50) > 100 ? percentile(@s, 50) : -7;
}
END {
  printf("user %d %d %d %d %d\\n", percentile(@h, 99), percentile(@h, 1), percentile(@n, 50), percentile(@l, 90), percentile(@s, 50));
  printf("bpf %d %d %d %d %d\\n", percentile(@h, 99) + 0, percentile(@h, 1) + 0, percentile(@n, 50) + 0, percentile(@l, 90) + 0, percentile(@s, 50) + 0);
}`;

/** Buckets of a hist (log2, as gt_log2_bucket numbers them) or an lhist of the values. */
function buckets(shape: BucketShape, values: number[]): bigint[] {
  const out = new Array<bigint>(bucketCount(shape)).fill(0n);
  for (const v of values) {
    let i: number;
    if (shape.kind === 'lhist') {
      const { min, max, step } = shape.lhist!;
      i = v < min ? 0 : v >= max ? Math.floor((max - min) / step) + 1 : Math.floor((v - min) / step) + 1;
    } else i = v < 0 ? 0 : v === 0 ? 1 : Math.floor(Math.log2(v)) + 2;
    out[i]++;
  }
  return out;
}

/** User space's percentile() of the values. */
function expected(shape: BucketShape, values: number[], p: number): bigint {
  return percentileValue(shape, buckets(shape, values), BigInt(Math.max(...values)), p) ?? 0n;
}

t.test('percentile() in BPF: a predicate, and the same number as user space at every call', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('pctl');
  const r = await runGotrace(['-e', SCRIPT, '-c', bin, '--', '90']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^sum 1502500$/m, 'the fixture ran to its end');

  // The median of 1..v is ceil(v/2), shown as its bucket's top (capped by v): >= 256 from
  // v = 511 on (511 -> [256, 512) -> 511), so the predicate holds for 490 calls.
  t.equal(parseMapLines(r.stdout, '@first').get(''), 511n, 'the predicate first holds at v = 511');
  t.equal(parseMapLines(r.stdout, '@fired').get(''), 490n, '... and at every call after');

  const hist: BucketShape = { kind: 'hist' };
  const lhist: BucketShape = { kind: 'lhist', lhist: { min: 0, max: 1000, step: 100 } };
  const cases: [string, (seen: number[]) => bigint][] = [
    ['@p99', (s) => expected(hist, s, 99)],
    ['@p0', (s) => expected(hist, s, 0)],
    [
      '@p50n',
      (s) =>
        expected(
          hist,
          s.map((v) => v - 500),
          50,
        ) *
          2n +
        1n,
    ],
    ['@p90l', (s) => expected(lhist, s, 90)],
    ['@p50s', (s) => (expected(hist, s, 50) > 100n ? expected(hist, s, 50) : -7n)],
  ];
  for (const [name, want] of cases) {
    const got = parseMapLines(r.stdout, name);
    t.equal(got.size, CALLS, `${name}: one entry per call`);
    const seen: number[] = [];
    const wrong: string[] = [];
    for (let v = 1; v <= CALLS; v++) {
      seen.push(v);
      const w = want(seen);
      if (got.get(String(v)) !== w) wrong.push(`v=${v}: ${got.get(String(v))}, not ${w}`);
    }
    t.same(wrong.slice(0, 5), [], `${name}: BPF's percentile equals user space's at each of ${CALLS} calls`);
  }
  // In END, on the same maps: read by user space (printf's own argument) and by BPF.
  const user = /^user (.*)$/m.exec(r.stdout)?.[1];
  const bpf = /^bpf (.*)$/m.exec(r.stdout)?.[1];
  t.equal(user, '1000 15 0 999 511', 'user space: p99, p1 (10, in [8, 16)), p50 of v - 500, lhist p90, stats p50');
  t.equal(bpf, user, 'BPF gives the same numbers');
});

t.test('-f json: the percentiles line after a map gives what percentile() gives', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace([
    '-f',
    'json',
    '-e',
    'BEGIN { @h[1] = hist(1); @h[1] = hist(2); @h[1] = hist(3); @h[1] = hist(1000); @s = stats(10); @s = stats(20); @s = stats(33);' +
      ' printf("%d %d %d %d %d %d\\n", percentile(@h[1], 50) + 0, percentile(@h[1], 90) + 0, percentile(@h[1], 99) + 0, percentile(@h[1], 100) + 0,' +
      ' percentile(@s, 50) + 0, percentile(@s, 99) + 0); exit(); }',
  ]);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
  const printed = lines.find((l) => l.type === 'printf')?.data as unknown as string;
  const pct = lines.filter((l) => l.type === 'percentiles').map((l) => l.data);
  t.same(pct, [{ '@h': { '1': { p50: 3, p90: 1000, p99: 1000, max: 1000 } } }, { '@s': { p50: 31, p99: 33 } }]);
  t.equal(printed, '3 1000 1000 1000 31 33', 'the numbers percentile() gives in BPF');
  const hist = lines.find((l) => l.type === 'hist');
  t.same(
    hist?.data,
    {
      '@h': {
        '1': [
          { min: 1, max: 1, count: 1 },
          { min: 2, max: 3, count: 2 },
          { min: 512, max: 1023, count: 1 },
        ],
      },
    },
    "the hist line is bpftrace's",
  );
});
