// usym() and caller keys name functions: an aggregation's entries at two addresses of one
// function (a function with two go statements, keyed by usym(gostart)) are one entry, printed
// once, as goroutine-leaks.gt on Debian's caddy and prometheus showed they were not.
import t from 'tap';
import type { MapSpec } from '../../compiler/manifest.js';
import { decodeEntries } from '../../runtime/aggregations.js';
import type { DecodeContext } from '../../runtime/values.js';

const ctx = {
  manifest: { probes: [] },
  // Two functions: main.spawn at 0x1000, main.other at 0x2000.
  symbolize: (pc: bigint) => (pc < 0x2000n ? `main.spawn+${pc - 0x1000n}` : `main.other+${pc - 0x2000n}`),
} as unknown as DecodeContext;

const spec = (kind: MapSpec['kind'], keyType: 'usym' | 'int', valueSize: number, extra: Partial<MapSpec> = {}): MapSpec => ({
  name: '@x',
  cName: 'm',
  kind,
  keyCount: 1,
  keys: [{ type: keyType, offset: 0, size: 8 }],
  keySize: 8,
  valueSize,
  perCpu: kind !== 'int',
  ...extra,
});
const u64 = (...xs: number[]) => Buffer.from(new BigInt64Array(xs.map(BigInt)).buffer);
const keyText = (e: { keys: unknown[] }) => (e.keys[0] as { text: string }).text;

t.test('count, sum, min, max and avg keyed by usym: one entry per function', async (t) => {
  const raw = (a: number[], b: number[], c: number[]) => [
    { key: u64(0x1010), value: u64(...a) },
    { key: u64(0x1020), value: u64(...b) },
    { key: u64(0x2010), value: u64(...c) },
  ];
  const count = decodeEntries(spec('count', 'usym', 8), raw([3], [4], [1]), 1, ctx);
  t.same(
    count.map((e) => [keyText(e), e.value]),
    [
      ['main.spawn', { type: 'int', value: 7n }],
      ['main.other', { type: 'int', value: 1n }],
    ],
  );
  const min = decodeEntries(spec('min', 'usym', 16), raw([1, 9], [1, 5], [1, 2]), 1, ctx);
  t.same(
    min.map((e) => e.value),
    [
      { type: 'int', value: 5n },
      { type: 'int', value: 2n },
    ],
    'min',
  );
  const max = decodeEntries(spec('max', 'usym', 16), raw([1, 9], [1, 5], [1, 2]), 1, ctx);
  t.same(
    max.map((e) => e.value),
    [
      { type: 'int', value: 9n },
      { type: 'int', value: 2n },
    ],
    'max',
  );
  const avg = decodeEntries(spec('avg', 'usym', 16), raw([2, 10], [1, 20], [1, 1]), 1, ctx);
  t.same(avg[0].value, { type: 'int', value: 10n, avg: { count: 3n, total: 30n } }, 'avg of both addresses');
  // The same keys as plain numbers stay apart, and so does a plain assignment's map.
  t.equal(decodeEntries(spec('count', 'int', 8), raw([3], [4], [1]), 1, ctx).length, 3, 'int keys');
  t.equal(decodeEntries(spec('int', 'usym', 8), raw([3], [4], [1]), 1, ctx).length, 3, '@x[usym(pc)] = v');
});

t.test('hist keyed by usym: buckets add, the largest max wins', async (t) => {
  const m = spec('hist', 'usym', 24, {
    keys: [
      { type: 'usym', offset: 0, size: 8 },
      { type: 'int', offset: 8, size: 8 },
    ],
    keySize: 16,
  });
  // struct gt_hist per bucket: count, sum, biased max (0 = none).
  const key = (pc: number, bucket: number) => u64(pc, bucket);
  const entries = decodeEntries(
    m,
    [
      { key: key(0x1010, 3), value: u64(2, 5, 0) },
      { key: key(0x1020, 3), value: u64(1, 3, 0) },
      { key: key(0x1020, 4), value: u64(1, 6, 0) },
    ],
    1,
    ctx,
  );
  t.equal(entries.length, 1);
  const v = entries[0].value;
  t.equal(v.type, 'hist');
  if (v.type === 'hist') {
    t.equal(v.buckets[3], 3n);
    t.equal(v.buckets[4], 1n);
    t.equal(v.sum, 14n);
  }
});
