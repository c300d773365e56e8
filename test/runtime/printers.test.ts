// Text output against bpftrace's layout (the expected text was checked against bpftrace 0.17's
// own output for the same values).
import t from 'tap';
import type { MapSpec } from '../../compiler/manifest.js';
import { decodeEntries, sortEntries, type MapEntry } from '../../runtime/aggregations.js';
import { BAR_WIDTH, mapText } from '../../runtime/printers/text.js';

/** bpftrace's own text (--bpftrace-text): what these layouts were checked against. */
const BPFTRACE = { bpftrace: true };
import { mapJson, percentilesJson } from '../../runtime/printers/json.js';

const spec = (name: string, kind: MapSpec['kind'], keyCount: number, extra: Partial<MapSpec> = {}): MapSpec => ({
  name,
  cName: 'm',
  kind,
  keyCount,
  keys: Array.from({ length: Math.max(1, keyCount) }, (_, i) => ({ type: 'int' as const, offset: i * 8, size: 8 })),
  keySize: Math.max(1, keyCount) * 8,
  valueSize: kind === 'avg' || kind === 'stats' || kind === 'min' || kind === 'max' ? 16 : 8,
  perCpu: kind !== 'int',
  ...extra,
});
const int = (keys: number[], v: number): MapEntry => ({
  keys: keys.map((k) => ({ type: 'int' as const, value: BigInt(k) })),
  value: { type: 'int', value: BigInt(v) },
});

t.test('keyed int map, sorted by value', async (t) => {
  const out = mapText(spec('@lat', 'int', 1), sortEntries([int([18], 3125301), int([17], 2081934), int([19], 2081934)]));
  t.equal(out, '@lat[17]: 2081934\n@lat[19]: 2081934\n@lat[18]: 3125301\n');
});

t.test('scalar and multi-key maps', async (t) => {
  t.equal(mapText(spec('@x', 'int', 0), [int([], 5)]), '@x: 5\n');
  t.equal(mapText(spec('@m', 'int', 2), [int([1, 2], 7)]), '@m[1, 2]: 7\n');
});

t.test('avg and stats end with a blank line', async (t) => {
  t.equal(mapText(spec('@a', 'avg', 0), [int([], 3)]), '@a: 3\n\n');
  const s: MapEntry = { keys: [], value: { type: 'stats', count: 3n, average: 5n, total: 15n } };
  t.equal(mapText(spec('@s', 'stats', 0), [s]), '@s: count 3, average 5, total 15\n\n');
});

t.test('hist rows', async (t) => {
  const buckets = new Array<bigint>(66).fill(0n);
  buckets[14] = 10060n; // [4K, 8K)
  const out = mapText(spec('@h', 'hist', 0), [{ keys: [], value: { type: 'hist', buckets } }], BAR_WIDTH, BPFTRACE);
  t.equal(out, '@h: \n[4K, 8K)           10060 |' + '@'.repeat(52) + '|\n\n');
  buckets[1] = 1n; // [0]
  buckets[2] = 2n; // [1]
  buckets[0] = 5030n; // negative
  const lines = mapText(spec('@h', 'hist', 0), [{ keys: [], value: { type: 'hist', buckets } }], BAR_WIDTH, BPFTRACE).split('\n');
  t.equal(lines[1], '(..., 0)            5030 |' + '@'.repeat(26).padEnd(52) + '|');
  t.equal(lines[2], '[0]                    1 |' + ' '.repeat(52) + '|');
  t.equal(lines[3], '[1]                    2 |' + ' '.repeat(52) + '|');
  t.equal(lines[4], '[2, 4)                 0 |' + ' '.repeat(52) + '|');
});

t.test('lhist labels with under- and overflow', async (t) => {
  const m = spec('@l', 'lhist', 0, { lhist: { min: 0, max: 2048, step: 1024 } });
  const buckets = [1n, 0n, 3n, 2n];
  const out = mapText(m, [{ keys: [], value: { type: 'hist', buckets } }], BAR_WIDTH, BPFTRACE);
  t.equal(
    out,
    '@l: \n' +
      '(..., 0)               1 |' +
      '@'.repeat(17).padEnd(52) +
      '|\n' +
      '[0, 1K)                0 |' +
      ' '.repeat(52) +
      '|\n' +
      '[1K, 2K)               3 |' +
      '@'.repeat(52) +
      '|\n' +
      '[2K, ...)              2 |' +
      '@'.repeat(34).padEnd(52) +
      '|\n\n',
  );
});

t.test('per-CPU values merge: counts add, min and max ignore unset CPUs, avg divides', async (t) => {
  const key = Buffer.alloc(8);
  const v8 = (...xs: number[]) => Buffer.from(new BigInt64Array(xs.map(BigInt)).buffer);
  t.same(decodeEntries(spec('@c', 'count', 0), [{ key, value: v8(2, 3) }], 2)[0].value, { type: 'int', value: 5n });
  // min: (set, value) pairs per CPU; CPU 1 never set.
  t.same(decodeEntries(spec('@m', 'min', 0), [{ key, value: v8(1, 7, 0, 0) }], 2)[0].value, { type: 'int', value: 7n });
  t.same(decodeEntries(spec('@M', 'max', 0), [{ key, value: v8(1, -7, 1, -9) }], 2)[0].value, { type: 'int', value: -7n });
  t.same(decodeEntries(spec('@a', 'avg', 0), [{ key, value: v8(2, 10, 1, 5) }], 2)[0].value, {
    type: 'int',
    value: 5n,
    avg: { count: 3n, total: 15n },
  });
  t.same(decodeEntries(spec('@s', 'stats', 0), [{ key, value: v8(2, 10, 1, 5) }], 2)[0].value, {
    type: 'stats',
    count: 3n,
    average: 5n,
    total: 15n,
  });
});

t.test('json lines', async (t) => {
  t.equal(mapJson(spec('@lat', 'int', 1), [int([17], 5)]), '{"type":"map","data":{"@lat":{"17":5}}}\n');
  t.equal(mapJson(spec('@x', 'count', 0), [int([], 5)]), '{"type":"map","data":{"@x":5}}\n');
});

t.test('json: a percentiles line after histograms and stats, the map line left as bpftrace has it', async (t) => {
  const h = (keys: number[], counts: number[], max: number): MapEntry => ({
    keys: keys.map((k) => ({ type: 'int' as const, value: BigInt(k) })),
    value: { type: 'hist', buckets: counts.map(BigInt), max: BigInt(max) },
  });
  // 1, 2, 3 and 1000: buckets [1], [2, 4) twice, [512, 1K); the median's bucket top is 3.
  const hist = [0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1];
  const m = spec('@h', 'hist', 0);
  t.equal(
    mapJson(m, [h([], hist, 1000)]),
    '{"type":"hist","data":{"@h":[{"min":1,"max":1,"count":1},{"min":2,"max":3,"count":2},{"min":512,"max":1023,"count":1}]}}\n',
  );
  t.equal(percentilesJson(m, [h([], hist, 1000)]), '{"type":"percentiles","data":{"@h":{"p50":3,"p90":1000,"p99":1000,"max":1000}}}\n');
  // Keyed: one object per key, named as the map line names it; an empty entry (zero()) has none.
  const keyed = percentilesJson(spec('@k', 'hist', 1), [h([7], [0, 0, 0, 0, 0, 0, 0, 0, 2], 80), h([8], [0, 0, 0], 0)]);
  t.equal(keyed, '{"type":"percentiles","data":{"@k":{"7":{"p50":80,"p90":80,"p99":80,"max":80}}}}\n');
  t.equal(percentilesJson(m, [h([], [0, 0, 0], 0)]), '', 'nothing when no entry has a value');
  // lhist(v, 0, 10, 1) of 5, 5, 9: exact with a step of 1.
  const l = spec('@l', 'lhist', 0, { lhist: { min: 0, max: 10, step: 1 } });
  t.equal(
    percentilesJson(l, [h([], [0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0], 9)]),
    '{"type":"percentiles","data":{"@l":{"p50":5,"p90":9,"p99":9,"max":9}}}\n',
  );
  // stats(): p50 and p99, as its text line; the map line keeps bpftrace's count, average, total.
  const st: MapEntry = {
    keys: [],
    value: { type: 'stats', count: 3n, average: 21n, total: 63n, max: 33n, buckets: [0, 0, 0, 0, 0, 1, 1, 1].map(BigInt) },
  };
  t.equal(mapJson(spec('@s', 'stats', 0), [st]), '{"type":"map","data":{"@s":{"count":3,"average":21,"total":63}}}\n');
  t.equal(percentilesJson(spec('@s', 'stats', 0), [st]), '{"type":"percentiles","data":{"@s":{"p50":31,"p99":33}}}\n');
  t.equal(percentilesJson(spec('@c', 'count', 0), [int([], 5)]), '', 'other maps: none');
});
