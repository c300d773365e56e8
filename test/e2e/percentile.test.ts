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
    ['@p50n', (s) => expected(hist, s.map((v) => v - 500), 50) * 2n + 1n],
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
