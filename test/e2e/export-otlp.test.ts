// --otlp against a receiver of our own on 127.0.0.1: it decodes what the OpenTelemetry SDK's
// OTLP/HTTP protobuf exporter pushes (application/x-protobuf, read against the OTLP protobuf
// definitions' field numbers: test/helpers/otlp-proto.ts) and checks the names, types,
// attributes and values against the maps gotrace prints at exit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { decodeMetricsRequest } from '../helpers/otlp-proto.js';
import { GoBinary } from '../../compiler/go/binary.js';

type KeyValue = { key: string; value: { stringValue?: string; intValue?: string; doubleValue?: number } };
interface OtlpPoint {
  attributes?: KeyValue[];
  asDouble?: number;
  asInt?: string;
  count?: string | number;
  sum?: number;
  bucketCounts?: (string | number)[];
  explicitBounds?: number[];
  startTimeUnixNano: string;
  timeUnixNano: string;
}
interface OtlpMetric {
  name: string;
  sum?: { dataPoints: OtlpPoint[]; aggregationTemporality: number; isMonotonic: boolean };
  gauge?: { dataPoints: OtlpPoint[] };
  histogram?: { dataPoints: OtlpPoint[]; aggregationTemporality: number };
}
interface Request {
  resourceMetrics: { resource: { attributes: KeyValue[] }; scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[];
}

const attrs = (kvs: KeyValue[] = []) =>
  Object.fromEntries(kvs.map((kv) => [kv.key, kv.value.stringValue ?? kv.value.intValue ?? kv.value.doubleValue]));
const num = (p: OtlpPoint) => p.asDouble ?? Number(p.asInt);

/** An OTLP/HTTP metrics receiver: every request body, decoded. */
async function receiver(): Promise<{ url: string; got: Request[]; types: string[]; close(): Promise<void> }> {
  const got: Request[] = [];
  const types: string[] = [];
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (d: Buffer) => body.push(d));
    req.on('end', () => {
      types.push(req.headers['content-type'] ?? '');
      if (req.url === '/v1/metrics' && req.method === 'POST' && req.headers['content-type'] === 'application/x-protobuf')
        got.push(decodeMetricsRequest(Buffer.concat(body)) as unknown as Request);
      // An empty ExportMetricsServiceResponse: full success.
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
  return { url, got, types, close: () => new Promise<void>((r) => server.close(() => r())) };
}

t.test('--otlp pushes counters, histograms and gauges with the session as resource', async (t) => {
  if (!requireBpf(t)) return;
  const exe = buildGo('ticker');
  const rx = await receiver();
  t.teardown(rx.close);
  const rounds = 400;
  const script = '// labels: @last[fn]\nuprobe:main.tick { @calls = count(); @lat = hist(arg0); @last[probe] = max(arg0); }';
  const r = await runGotrace(['--otlp', rx.url, '--otlp-interval', '300', '-e', script, '-c', `${exe} -n ${rounds} -every 2ms`]);
  t.equal(r.code, 0, `gotrace exits 0 (${r.stderr.slice(-300)})`);
  t.ok(rx.got.length >= 2, `pushed at the interval and at the end (${rx.got.length} requests)`);
  t.same([...new Set(rx.types)], ['application/x-protobuf'], 'every push is OTLP protobuf');

  const last = rx.got[rx.got.length - 1].resourceMetrics[0];
  const res = attrs(last.resource.attributes);
  t.equal(res['service.name'], 'gotrace', 'service.name');
  t.ok(res['host.name'], 'host.name names the host');
  t.equal(res['process.executable.path'], exe, 'the target binary');
  t.equal(res['gotrace.target.build_id'], GoBinary.open(exe).buildId, 'its Go build ID');
  t.equal(res['gotrace.script'], script, 'the script');

  const metrics = new Map(last.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.name, m]));
  const calls = metrics.get('gotrace_calls')!;
  t.ok(calls?.sum?.isMonotonic, 'count() is a monotonic sum');
  t.equal(calls.sum!.aggregationTemporality, 2, 'cumulative');
  t.equal(num(calls.sum!.dataPoints[0]), Number(parseMapLines(r.stdout, '@calls').get('')), 'the last push has the exit value');
  t.equal(num(calls.sum!.dataPoints[0]), rounds, 'every call');

  const lat = metrics.get('gotrace_lat')?.histogram?.dataPoints[0];
  t.ok(lat, 'hist() is a histogram');
  t.equal(Number(lat!.count), rounds, 'histogram count');
  // tick(i % 7) for i < rounds: the exact sum of what hist() saw (BPF sums each bucket).
  t.equal(
    lat!.sum,
    Array.from({ length: rounds }, (_, i) => i % 7).reduce((a, b) => a + b, 0),
    'histogram sum is exact',
  );
  t.equal(lat!.bucketCounts!.length, lat!.explicitBounds!.length + 1, 'one more bucket than bounds (the open one)');
  const cum = (le: number) => lat!.bucketCounts!.slice(0, lat!.explicitBounds!.indexOf(le) + 1).reduce((a: number, b) => a + Number(b), 0);
  const zeros = [...r.stdout.matchAll(/^\[0\]\s+(\d+) \|/gm)].map((m) => Number(m[1]))[0];
  t.equal(cum(0), zeros, 'bucket le=0 agrees with the text output');

  const maxes = metrics.get('gotrace_last')?.gauge?.dataPoints ?? [];
  t.equal(maxes.length, 1, 'max() is a gauge');
  t.same(attrs(maxes[0]?.attributes), { fn: 'main.tick' }, 'its key is the label the script named (the probe name)');
  t.equal(num(maxes[0]), 6, 'value');
  t.equal(num(metrics.get('gotrace_lost_events')!.sum!.dataPoints[0]), 0, 'no lost events');
});

t.test('pushes that fail are said on stderr and counted, never silent', async (t) => {
  if (!requireBpf(t)) return;
  const exe = buildGo('ticker');
  // A port that was free a moment ago: nothing listens there.
  const rx = await receiver();
  await rx.close();
  const r = await runGotrace([
    '--otlp',
    rx.url,
    '--otlp-interval',
    '200',
    '-e',
    'uprobe:main.tick { @c = count(); }',
    '-c',
    `${exe} -n 200 -every 2ms`,
  ]);
  t.equal(r.code, 0, 'the session itself succeeds');
  t.match(r.stdout, '@c: 200', 'the maps are printed as usual');
  t.match(r.stderr, /gotrace: OTLP push failed: .*ECONNREFUSED.* \(counted; said once\)\n/, 'the first failure, once');
  t.match(r.stderr, new RegExp(`gotrace: \\d+ OTLP push(es)? to ${rx.url.replace(/[.:/]/g, '\\$&')} failed`), 'the count at the end');
});
