// The maps as metrics, from synthetic entries (no BPF): types by aggregation, keys as labels
// (strings escaped by prom-client), the histogram's `le` buckets, the series cap and its count,
// a cleared map as a counter reset, the exposition linted by promtool, and the CLI's flags.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import type { MapSpec } from '../../compiler/manifest.js';
import { decodeEntries, type MapEntry } from '../../runtime/aggregations.js';
import { mapMetrics, metricName } from '../../runtime/exporters/metrics.js';
import { StartTimes } from '../../runtime/exporters/otlp.js';
import { exposition, parseHostPort } from '../../runtime/exporters/prometheus.js';
import { MetricsReader, type MapSource } from '../../runtime/exporters/source.js';
import { parseArgs, UsageError } from '../../runtime/cli.js';
import type { NamedMap } from '../../runtime/printers/index.js';
import { labelDirectives } from '../../runtime/exporters/labels.js';
import { SourceFile } from '../../grammar/source.js';
import { renderDiagnostics } from '../../grammar/render.js';

const spec = (name: string, kind: MapSpec['kind'], keyCount: number, extra: Partial<MapSpec> = {}): MapSpec => ({
  name,
  cName: 'm',
  kind,
  keyCount,
  keys: [],
  keySize: 8,
  valueSize: 8,
  perCpu: true,
  ...extra,
});
const int = (v: number, ...keys: (number | string)[]): MapEntry => ({
  keys: keys.map((k) => (typeof k === 'number' ? { type: 'int' as const, value: BigInt(k) } : { type: 'str' as const, value: k })),
  value: { type: 'int', value: BigInt(v) },
});
const hist = (buckets: number[]): MapEntry => {
  const b = new Array<bigint>(66).fill(0n);
  buckets.forEach((n, i) => (b[i] = BigInt(n)));
  return { keys: [], value: { type: 'hist', buckets: b } };
};

function source(maps: NamedMap[]): MapSource & { maps: NamedMap[] } {
  return {
    maps,
    readAllMaps() {
      return this.maps;
    },
    lostEvents: () => 0n,
  };
}

t.test('names and types follow the map', async (t) => {
  t.equal(metricName('@lat'), 'gotrace_lat');
  t.equal(metricName('@'), 'gotrace_map', 'the anonymous map');
  const kinds = (['count', 'sum', 'hist', 'lhist', 'avg', 'min', 'max', 'stats', 'int'] as const).map(
    (k) => mapMetrics(spec('@x', k, 0), [])[0].kind,
  );
  t.same(kinds, ['counter', 'counter', 'histogram', 'histogram', 'gauge', 'gauge', 'gauge', 'gauge', 'gauge']);
});

t.test('exposition: counters _total, keys as escaped labels, stats as a stat label', async (t) => {
  const stats: MapEntry = { keys: [], value: { type: 'stats', count: 3n, average: 5n, total: 15n } };
  const metrics = [
    ...mapMetrics(spec('@calls', 'count', 2), [int(7, 'GET "/a\\b"\nx', 200)]),
    ...mapMetrics(spec('@st', 'stats', 0), [stats]),
  ];
  const text = await exposition(metrics);
  t.match(text, '# TYPE gotrace_calls_total counter\ngotrace_calls_total{key0="GET \\"/a\\\\b\\"\\nx",key1="200"} 7\n');
  t.match(text, 'gotrace_st{stat="count"} 3\ngotrace_st{stat="average"} 5\ngotrace_st{stat="total"} 15');
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.equal(lint.status, 0, `promtool check metrics: ${lint.stdout}${lint.stderr}`);
});

t.test('hist: the text output buckets as cumulative le, one empty below, +Inf', async (t) => {
  // [0]: 2, [1]: 0, [2, 4): 3, in bpftrace's bucket numbering (0 is (..., 0), 1 is [0]).
  const [m] = mapMetrics(spec('@h', 'hist', 0), [hist([0, 2, 0, 3])]);
  t.same(m.series[0].hist!.bounds, [-1, 0, 1, 3, Infinity]);
  const text = await exposition([m]);
  t.match(
    text,
    'gotrace_h_bucket{le="-1"} 0\ngotrace_h_bucket{le="0"} 2\ngotrace_h_bucket{le="1"} 2\ngotrace_h_bucket{le="3"} 5\ngotrace_h_bucket{le="+Inf"} 5\n',
  );
  t.match(text, 'gotrace_h_sum 6\ngotrace_h_count 5', 'sum is the lower bound (0*2 + 2*3)');
  const lh = mapMetrics(spec('@l', 'lhist', 0, { lhist: { min: 0, max: 10, step: 5 } }), [
    { keys: [], value: { type: 'hist', buckets: [0n, 1n, 0n, 4n] } },
  ])[0];
  t.same(lh.series[0].hist!.bounds, [-1, 4, 9, Infinity], 'lhist: [0, 5), [5, 10), [10, ...)');
  t.same(lh.series[0].hist!.counts, [0, 1, 0, 4]);
});

t.test('hist: buckets read from BPF carry their sum, and _sum is exact', async (t) => {
  // Two CPUs; key = the bucket (no script key); value per CPU = (count, sum), as GT_PERCPU_AVG keeps.
  const m = spec('@h', 'hist', 0, { keys: [{ type: 'int', offset: 0, size: 8 }] as MapSpec['keys'], valueSize: 16 });
  const raw = (bucket: number, ...cpus: [number, number][]) => {
    const key = Buffer.alloc(8);
    key.writeBigInt64LE(BigInt(bucket));
    const value = Buffer.alloc(16 * cpus.length);
    cpus.forEach(([count, sum], i) => (value.writeBigInt64LE(BigInt(count), i * 16), value.writeBigInt64LE(BigInt(sum), i * 16 + 8)));
    return { key, value };
  };
  // bucket 3 is [2, 4): values 2, 3, 3 on CPU 0 and 3 on CPU 1; bucket 4 is [4, 8): 7 on CPU 1.
  const entries = decodeEntries(m, [raw(3, [3, 8], [1, 3]), raw(4, [0, 0], [1, 7])], 2);
  const v = entries[0].value;
  t.equal(v.type === 'hist' && v.buckets[3], 4n, 'counts add over CPUs');
  t.equal(v.type === 'hist' && v.sum, 18n, 'sums add over CPUs');
  const text = await exposition(mapMetrics(m, entries));
  t.match(text, 'gotrace_h_sum 18\ngotrace_h_count 5', 'exact, where the bucket bounds would say 2*4 + 4 = 12');
});

t.test('the series cap: the rest counted in gotrace_dropped_series_total, said once', async (t) => {
  const src = source([{ spec: spec('@c', 'count', 1), entries: [int(1, 1), int(2, 2), int(3, 3)] }]);
  const warned: string[] = [];
  const r = new MetricsReader(src, 2, (s) => warned.push(s));
  const m1 = r.read();
  t.equal(m1[0].series.length, 2, 'two series kept');
  t.same(m1.find((m) => m.name === 'gotrace_dropped_series')!.series[0].value, 1);
  r.read();
  t.equal(r.droppedSeries, 1, 'a series left out twice counts once');
  t.equal(warned.length, 1, 'said once on stderr');
  t.match(warned[0], /more than 2 series/);
});

t.test('a cleared map reads lower: a counter reset (Prometheus) and a new start time (OTLP)', async (t) => {
  const src = source([{ spec: spec('@c', 'count', 0), entries: [int(10)] }]);
  const r = new MetricsReader(src, 100, () => {});
  t.match(await exposition(r.read()), 'gotrace_c_total 10');
  src.maps = [{ spec: spec('@c', 'count', 0), entries: [] }];
  t.notMatch(await exposition(r.read()), /gotrace_c_total \d/, 'cleared: the series is gone');
  src.maps = [{ spec: spec('@c', 'count', 0), entries: [int(2)] }];
  t.match(await exposition(r.read()), 'gotrace_c_total 2', 'then restarts below its last value');
  const st = new StartTimes();
  t.same(st.start('c', 10, [1, 0]), [1, 0]);
  t.same(st.start('c', 12, [2, 0]), [1, 0], 'growing: same start');
  t.same(st.start('c', 2, [3, 0]), [3, 0], 'lower: a reset starts anew');
});

t.test('CLI flags', async (t) => {
  t.same(parseHostPort('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  t.same(parseHostPort('[::1]:80'), { host: '::1', port: 80 });
  t.equal(parseHostPort('9464'), undefined);
  const o = parseArgs([
    '--prometheus',
    '127.0.0.1:9464',
    '--max-series',
    '5',
    '--otlp',
    'http://127.0.0.1:4318/v1/metrics',
    '--otlp-interval',
    '1000',
    'x.gt',
  ]);
  t.same(o.export, {
    prometheus: { host: '127.0.0.1', port: 9464 },
    maxSeries: 5,
    otlp: { url: 'http://127.0.0.1:4318/v1/metrics', intervalMs: 10000 },
    otlpIntervalMs: 1000,
  });
  for (const bad of [
    ['--prometheus', 'x'],
    ['--max-series', '0'],
    ['--otlp', 'ftp://x'],
    ['--otlp-interval', 'fast'],
  ]) {
    let err: unknown;
    try {
      parseArgs(bad);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof UsageError, `${bad.join(' ')}: a usage error (${(err as Error)?.message})`);
  }
});

t.test('`// labels: @map[names]` comment lines name the keys; mistakes are located GT5011', async (t) => {
  const maps = [spec('@lat', 'hist', 2), spec('@n', 'count', 1), spec('@s', 'stats', 1)];
  const run = (text: string) => {
    const file = new SourceFile('x.gt', text);
    const r = labelDirectives(file, maps);
    return { names: Object.fromEntries(r.names), errors: r.diagnostics.length ? renderDiagnostics(r.diagnostics, { color: false }) : '' };
  };
  t.same(run('// labels: @lat[method, status] @n[pid]\nBEGIN {}').names, { '@lat': ['method', 'status'], '@n': ['pid'] });
  t.same(run('  //labels: @n[who]').names, { '@n': ['who'] }, 'indented, no space');
  t.same(run('BEGIN { printf("// labels: @n[x]"); } // labels: @n[y]').names, {}, 'only a comment that starts its line');
  const cases: [string, string][] = [
    ['// labels: @nope[a]', 'the script has no map @nope'],
    ['// labels: @lat[a]', '@lat has 2 keys, not 1'],
    ['// labels: @n[1x]', "'1x' is not a label name"],
    ['// labels: @n[__x]', "'__x' is not a label name"],
    ['// labels: @lat[le, b]', "'le' is the label hist() uses itself"],
    ['// labels: @s[stat]', "'stat' is the label stats() uses itself"],
    ['// labels: @lat[a, a]', 'a label name is given twice'],
    ['// labels: lat', "write the map with its label names: @lat[method, status], not 'lat'"],
  ];
  for (const [text, want] of cases) t.match(run(text).errors, `x.gt:1:1-${text.length + 1}: ERROR: labels: ${want}`, text);
  t.match(await exposition(mapMetrics(spec('@n', 'count', 1), [int(3, 42)], ['pid'])), 'gotrace_n_total{pid="42"} 3');
});

t.test('a map of strings: one series a key, 1, the string as the label value', async (t) => {
  const e: MapEntry = { keys: [{ type: 'int', value: 7n }], value: { type: 'scalar', value: { type: 'str', value: 'ticker' } } };
  t.match(await exposition(mapMetrics(spec('@who', 'str', 1), [e])), 'gotrace_who{key0="7",value="ticker"} 1');
});
