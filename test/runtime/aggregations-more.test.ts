// Percentiles, durations, floats, tuples and avg's decimals in the text output and printf, from
// synthetic values (the e2e tests run the same against real BPF: test/e2e/aggregations.test.ts).
import t from 'tap';
import type { MapSpec } from '../../compiler/manifest.js';
import { durationText, formatAll, parseFormat, type FormatArg } from '../../compiler/format.js';
import { decodeEntries, type MapEntry } from '../../runtime/aggregations.js';
import { bucketRange, percentileBucket, percentileValue } from '../../runtime/percentiles.js';
import { BAR_WIDTH, mapText } from '../../runtime/printers/text.js';
import { goFloatText, valueText } from '../../runtime/values.js';
import { prng } from '../grammar/gen.js';

const spec = (name: string, kind: MapSpec['kind'], extra: Partial<MapSpec> = {}): MapSpec => ({
  name,
  cName: 'm',
  kind,
  keyCount: 0,
  keys: [{ type: 'int', offset: 0, size: 8 }],
  keySize: 8,
  valueSize: 8,
  perCpu: true,
  ...extra,
});

/** log2 bucket of v as gt_log2_bucket numbers it. */
const log2Bucket = (v: bigint): number => (v < 0n ? 0 : v === 0n ? 1 : v.toString(2).length + 1);

const histOf = (values: bigint[]): bigint[] => {
  const b = new Array<bigint>(66).fill(0n);
  for (const v of values) b[log2Bucket(v)]++;
  return b;
};

t.test('percentile buckets: the rank is ceil(p% of the count), p0 the smallest', async (t) => {
  const b = histOf([1n, 2n, 3n, 1000n]);
  t.equal(percentileBucket(b, 0), 2, '[1]');
  t.equal(percentileBucket(b, 25), 2);
  t.equal(percentileBucket(b, 26), 3, '[2, 4): rank 2');
  t.equal(percentileBucket(b, 75), 3);
  t.equal(percentileBucket(b, 76), 11, '[512, 1K)');
  t.equal(percentileBucket(b, 100), 11);
  t.equal(percentileBucket(new Array<bigint>(66).fill(0n), 50), -1, 'empty');
});

t.test('hist percentiles are bucket tops capped by the exact max: v <= shown <= 2v - 1', async (t) => {
  const rnd = prng(18);
  for (let round = 0; round < 300; round++) {
    const n = 1 + Math.floor(rnd() * 50);
    const values = Array.from({ length: n }, () => BigInt(Math.floor(rnd() * 2 ** (1 + Math.floor(rnd() * 40)))));
    const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const max = sorted[n - 1];
    for (const p of [0, 1, 50, 90, 99, 100]) {
      const exact = sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)];
      const shown = percentileValue({ kind: 'hist' }, histOf(values), max, p)!;
      const ok = shown >= exact && (exact === 0n ? shown === 0n : shown <= 2n * exact - 1n) && shown <= max;
      if (!ok) return t.fail(`p${p} of ${sorted.join(',')}: exact ${exact}, shown ${shown}`);
    }
  }
  t.pass('300 random histograms');
});

t.test('lhist percentiles: the bucket top, exact for a step of 1', async (t) => {
  const m = { kind: 'lhist' as const, lhist: { min: 0, max: 100, step: 1 } };
  const b = new Array<bigint>(102).fill(0n);
  for (const v of [3, 5, 5, 9]) b[v + 1]++;
  t.equal(percentileValue(m, b, 9n, 50), 5n);
  t.equal(percentileValue(m, b, 9n, 100), 9n);
  t.same(bucketRange(m, 0, 102), { hi: 0n });
  t.same(bucketRange(m, 101, 102), { lo: 100n });
});

t.test('hist text ends with the percentile line; --bpftrace-text drops it', async (t) => {
  const m = spec('@h', 'hist');
  const e: MapEntry = { keys: [], value: { type: 'hist', buckets: histOf([1n, 2n, 3n, 1000n]), max: 1000n } };
  const text = mapText(m, [e]);
  t.match(text, /\n\[512, 1K\) +1 \|@+ +\|\np50 \[2, 4\), p90 \[512, 1K\), p99 \[512, 1K\), max 1000\n\n$/);
  t.notMatch(mapText(m, [e], BAR_WIDTH, { bpftrace: true }), /p50/);
  // Zeroed (zero()): no rows and no line, as bpftrace prints an empty histogram.
  t.equal(mapText(m, [{ keys: [], value: { type: 'hist', buckets: new Array<bigint>(66).fill(0n) } }]), '@h: \n\n');
});

t.test('durations: %D and hist labels in time units', async (t) => {
  const cases: [bigint, string][] = [
    [0n, '0ns'],
    [512n, '512ns'],
    [1000n, '1us'],
    [1024n, '1.02us'],
    [524288n, '524us'],
    [999_700n, '1ms'],
    [1_048_576n, '1.05ms'],
    [1_240_000n, '1.24ms'],
    [2_000_000_000n, '2s'],
    [1_073_741_824n, '1.07s'],
    [5_000_000_000_000n, '5000s'],
    [-1_500_000n, '-1.5ms'],
  ];
  for (const [ns, text] of cases) t.equal(durationText(ns), text, `${ns}`);
  const m = spec('@d', 'hist', { duration: true });
  const b = histOf([600_000n, 700_000n, 3_000_000n]);
  const text = mapText(m, [{ keys: [], value: { type: 'hist', buckets: b, max: 3_000_000n } }]);
  t.match(text, /^@d: \n\[524us, 1\.05ms\) +2 \|/);
  t.match(text, /\np50 \[524us, 1\.05ms\), p90 \[2\.1ms, 4\.19ms\), p99 \[2\.1ms, 4\.19ms\), max 3ms\n/);
  t.match(mapText(m, [{ keys: [], value: { type: 'hist', buckets: b } }], BAR_WIDTH, { bpftrace: true }), /^@d: \n\[512K, 1M\) /);
});

t.test('stats: p50/p99 from its buckets; avg and average with --avg-decimals', async (t) => {
  const key = Buffer.alloc(8);
  const cpu = (count: number, sum: number, max: bigint, values: bigint[]) => {
    const b = Buffer.alloc(8 * 69);
    b.writeBigInt64LE(BigInt(count), 0);
    b.writeBigInt64LE(BigInt(sum), 8);
    b.writeBigUInt64LE(max === 0n ? 0n : BigInt.asUintN(64, max) ^ (1n << 63n), 16);
    histOf(values).forEach((n, i) => b.writeBigInt64LE(n, 24 + 8 * i));
    return b;
  };
  // Two CPUs: 10, 20 on one, 33 on the other.
  const value = Buffer.concat([cpu(2, 30, 20n, [10n, 20n]), cpu(1, 33, 33n, [33n])]);
  const m = spec('@s', 'stats', { valueSize: 8 * 69 });
  const entries = decodeEntries(m, [{ key, value }], 2);
  t.equal(mapText(m, entries), '@s: count 3, average 21, total 63, p50 31, p99 33\n\n');
  t.equal(mapText(m, entries, BAR_WIDTH, { bpftrace: true }), '@s: count 3, average 21, total 63\n\n');
  t.equal(mapText(m, entries, BAR_WIDTH, { bpftrace: false, avgDecimals: 2 }), '@s: count 3, average 21.00, total 63, p50 31, p99 33\n\n');
  const a: MapEntry = { keys: [], value: { type: 'int', value: 15n, avg: { count: 2n, total: 31n } } };
  t.equal(mapText(spec('@a', 'avg'), [a], BAR_WIDTH, { bpftrace: false, avgDecimals: 3 }), '@a: 15.500\n\n');
  t.equal(mapText(spec('@a', 'avg'), [a]), '@a: 15\n\n');
});

t.test('printf: %D, %f, %e, %g as C prints them, %s and %v of a float as Go', async (t) => {
  const f = (fmt: string, ...args: FormatArg[]) => formatAll(parseFormat(fmt).pieces, args);
  const fl = (x: number): FormatArg => ({ type: 'float', value: x, text: goFloatText(x, 8) });
  t.equal(
    f('%D|%8D|%-8D|', { type: 'int', value: 1_240_000n }, { type: 'int', value: 5n }, { type: 'int', value: 1000n }),
    '1.24ms|     5ns|1us     |',
  );
  t.equal(f('%f %.3f %8.2f %.0f', fl(1.5), fl(-2.25), fl(3.14159), fl(2.5)), '1.500000 -2.250     3.14 2');
  t.equal(f('%.0f %.0f %.1f %.1f %.2f', fl(3.5), fl(-2.5), fl(0.25), fl(0.35), fl(1.005)), '4 -2 0.2 0.3 1.00', 'ties to even, as C');
  t.equal(f('%.3f', fl(1e21)), '1000000000000000000000.000');
  t.equal(
    f('%e %.2e %g %g %g', fl(12345.678), fl(0.000123), fl(0.0001), fl(1e-5), fl(123456789)),
    '1.234568e+04 1.23e-04 0.0001 1e-05 1.23457e+08',
  );
  t.equal(f('%f %d', { type: 'int', value: 3n }, { type: 'int', value: 3n }), '3.000000 3');
  t.equal(f('%s %v', fl(1e21), fl(1e-7)), '1e+21 1e-07');
});

t.test('floats and tuples as values', async (t) => {
  t.equal(valueText({ type: 'float', value: 0.1, size: 8 }), '0.1');
  t.equal(valueText({ type: 'float', value: Math.fround(0.1), size: 4 }), '0.1', 'float32 shortest');
  t.equal(
    valueText({
      type: 'tuple',
      elems: [
        { type: 'int', value: 1n },
        { type: 'str', value: 'ab' },
      ],
    }),
    '(1, ab)',
  );
});
