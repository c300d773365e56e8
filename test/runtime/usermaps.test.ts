// runtime/usermaps.ts: maps kept in user space aggregate their map_update events by the keys'
// text, each kind as BPF aggregates it (the buckets are BPF's: gotrace.bpf.h's gt_log2_bucket and
// gt_linear_bucket), and delete/clear/zero/--map-keys behave as for a BPF map.
import t from 'tap';
import type { EventSpec, MapKind, MapSpec } from '../../compiler/manifest.js';
import { mapText } from '../../runtime/printers/text.js';
import { linearBucket, log2Bucket, lowerBoundsNote, UserMaps } from '../../runtime/usermaps.js';
import type { LiveEvent } from '../../runtime/session.js';
import type { Value } from '../../runtime/values.js';

const spec = (kind: MapKind, extra: Partial<MapSpec> = {}): MapSpec => ({
  name: '@m',
  cName: 'm_m',
  kind,
  keyCount: 1,
  keys: [{ type: 'go', offset: 0, size: 8 }],
  keySize: 8,
  valueSize: 8,
  perCpu: false,
  user: true,
  ...extra,
});
const go = (text: string): Value => ({ type: 'go', text });
const int = (n: number): Value => ({ type: 'int', value: BigInt(n) });
const ev = (kind: 'map_update' | 'map_delete', args: Value[]): LiveEvent => ({
  spec: { id: 0, kind, map: '@m', args: [] } as EventSpec,
  probe: 0,
  args,
});

/** The maps after the updates: each [key text, value] in order. */
function run(m: MapSpec, updates: [string, number][], maxKeys = 100): UserMaps {
  const u = new UserMaps([m], maxKeys);
  for (const [k, v] of updates) u.take(ev('map_update', [go(k), int(v)]));
  return u;
}

t.test('gt_log2_bucket and gt_linear_bucket, as BPF computes them', async (t) => {
  const log2: [number, number][] = [
    [-5, 0],
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 3],
    [4, 4],
    [1023, 11],
    [1024, 12],
  ];
  for (const [x, b] of log2) t.equal(log2Bucket(BigInt(x)), b, `log2 ${x}`);
  t.equal(log2Bucket(2n ** 62n), 64, '2^62');
  const lh = { min: 0, max: 10, step: 2 };
  const lin: [number, number][] = [
    [-1, 0],
    [0, 1],
    [1, 1],
    [2, 2],
    [9, 5],
    [10, 6],
    [99, 6],
  ];
  for (const [x, b] of lin) t.equal(linearBucket(BigInt(x), lh), b, `linear ${x}`);
});

t.test('each kind aggregates by the key text, as its BPF map would', async (t) => {
  const ups: [string, number][] = [
    ['boom', 4],
    ['boom', 1],
    ['bang', 8],
    ['boom', 7],
  ];
  const values = (kind: MapKind, extra: Partial<MapSpec> = {}) => {
    const m = spec(kind, extra);
    return run(m, ups)
      .entries(m)
      .map((e) => [e.keys.map((k) => (k.type === 'go' ? k.text : '?')).join(), e.value]);
  };
  t.same(values('count'), [
    ['bang', { type: 'int', value: 1n }],
    ['boom', { type: 'int', value: 3n }],
  ]);
  t.same(values('sum'), [
    ['bang', { type: 'int', value: 8n }],
    ['boom', { type: 'int', value: 12n }],
  ]);
  t.same(values('avg'), [
    ['boom', { type: 'int', value: 4n, avg: { count: 3n, total: 12n } }],
    ['bang', { type: 'int', value: 8n, avg: { count: 1n, total: 8n } }],
  ]);
  t.same(values('min'), [
    ['boom', { type: 'int', value: 1n }],
    ['bang', { type: 'int', value: 8n }],
  ]);
  t.same(values('max'), [
    ['boom', { type: 'int', value: 7n }],
    ['bang', { type: 'int', value: 8n }],
  ]);
  const hist = values('hist');
  const buckets = new Array<bigint>(66).fill(0n);
  buckets[2] = 1n; // 1
  buckets[4] = 2n; // 4 and 7
  t.same(hist[1], ['boom', { type: 'hist', buckets, sum: 12n, max: 7n }]);
  const lhist = values('lhist', { lhist: { min: 0, max: 10, step: 5 } });
  t.same(lhist[1][1], { type: 'hist', buckets: [0n, 2n, 1n, 0n], sum: 12n, max: 7n }, 'boom: 4 and 1 in [0, 5), 7 in [5, 10)');
  const stats = values('stats')[1][1];
  t.match(stats, { type: 'stats', count: 3n, average: 4n, total: 12n, max: 7n });
});

t.test('print(), delete, clear, zero, --map-keys, plain values', async (t) => {
  const m = spec('count');
  const u = run(m, [
    ['a', 1],
    ['b', 1],
    ['b', 1],
  ]);
  t.equal(mapText(m, u.entries(m)), '@m[a]: 1\n@m[b]: 2\n', 'printed as any map');
  u.take(ev('map_delete', [go('a')]));
  t.equal(mapText(m, u.entries(m)), '@m[b]: 2\n', 'delete');
  u.zero(m);
  t.equal(mapText(m, u.entries(m)), '@m[b]: 0\n', 'zero keeps the keys');
  u.clear(m);
  t.same(u.entries(m), [], 'clear');

  const mx = spec('max');
  const z = run(mx, [['a', 3]]);
  z.zero(mx);
  t.same(z.entries(mx), [], 'a zeroed max shows nothing, as a BPF one');

  const full = run(
    m,
    [
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['a', 1],
    ],
    2,
  );
  t.same(
    full.entries(m).map((e) => e.value),
    [
      { type: 'int', value: 1n },
      { type: 'int', value: 2n },
    ],
    'a new key past --map-keys is refused, known keys still count',
  );
  t.equal(full.refusedKeys('@m'), 1n, 'and counted');

  const plain = spec('int');
  const p = new UserMaps([plain], 10);
  p.take(ev('map_update', [go('k'), int(5)]));
  p.take(ev('map_update', [go('k'), int(9)]));
  t.same(p.entries(plain)[0].value, { type: 'int', value: 9n }, 'a plain value keeps the last one');
  t.notOk(p.take({ ...ev('map_update', []), spec: { id: 1, kind: 'printf', args: [] } }), 'other events are not taken');
});

t.test('a lost event makes the maps kept in user space lower bounds, and gotrace says so', async (t) => {
  t.equal(lowerBoundsNote([spec('count', { user: false })]), undefined, 'no such map: nothing to say');
  t.equal(
    lowerBoundsNote([spec('count'), spec('hist', { name: '@h' })]),
    '@m, @h are kept in user space from events, and events were lost: their values are lower bounds (counts and sums short, histograms missing values)\n',
  );
});
