// --otlp URL: the same metrics as --prometheus, pushed over OTLP/HTTP every --otlp-interval by
// the OpenTelemetry SDK (a periodic reader and the OTLP/HTTP exporter in protobuf, the
// encoding OTLP/HTTP receivers must accept). The maps are not SDK
// instruments (they are read, not recorded, and the API has no asynchronous histogram): a
// MetricProducer hands the reader one snapshot per push, with cumulative temporality.
import os from 'node:os';
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Metric, Series } from './metrics.js';
import type { Exporter } from './index.js';
import type { MetricsReader } from './source.js';

type HrTime = [number, number];

function hrNow(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

/** What the resource says about this session: the host, the binary traced, the script. */
export interface OtlpResource {
  binary?: string;
  buildId?: string;
  script: string;
  version: string;
}

export function resourceAttributes(r: OtlpResource): Record<string, string> {
  const out: Record<string, string> = {
    'service.name': 'gotrace',
    'service.version': r.version,
    'host.name': os.hostname(),
    'gotrace.script': r.script,
  };
  if (r.binary) out['process.executable.path'] = r.binary;
  if (r.buildId) out['gotrace.target.build_id'] = r.buildId;
  return out;
}

/** Cumulative series start when first seen, and again when their value goes down (a clear()). */
export class StartTimes {
  private readonly seen = new Map<string, { start: HrTime; last: number }>();
  start(id: string, value: number, now: HrTime): HrTime {
    const s = this.seen.get(id);
    if (!s || value < s.last) {
      this.seen.set(id, { start: now, last: value });
      return now;
    }
    s.last = value;
    return s.start;
  }
}

/** One metric of the model as the SDK's MetricData. */
function metricData(m: Metric, starts: StartTimes, now: HrTime): MetricData {
  const descriptor = { name: m.name, description: m.help, unit: '', valueType: ValueType.DOUBLE };
  const total = (s: Series) => s.value ?? s.hist?.count ?? 0;
  const point = <T>(s: Series, value: T) => ({
    startTime: starts.start(m.name + JSON.stringify(s.labels), total(s), now),
    endTime: now,
    attributes: s.labels,
    value,
  });
  const aggregationTemporality = AggregationTemporality.CUMULATIVE;
  if (m.kind === 'counter')
    return {
      descriptor,
      aggregationTemporality,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: m.series.map((s) => point(s, s.value ?? 0)),
    };
  if (m.kind === 'gauge')
    return {
      descriptor,
      aggregationTemporality,
      dataPointType: DataPointType.GAUGE,
      dataPoints: m.series.map((s) => point(s, s.value ?? 0)),
    };
  return {
    descriptor,
    aggregationTemporality,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: m.series.map((s) => {
      const h = s.hist!;
      // OTLP's explicit bounds are inclusive upper bounds, as `le`; the last bucket is open.
      return point(s, { buckets: { boundaries: h.bounds.slice(0, -1), counts: h.counts }, count: h.count, sum: h.sum, hasMinMax: false });
    }),
  };
}

/** The OTLP exporter, counting the pushes that failed: the SDK would only log them to its own
 *  (silent by default) logger, and nothing may be lost silently. */
class CountingExporter implements PushMetricExporter {
  failed = 0;
  lastError = '';
  constructor(
    private readonly inner: OTLPMetricExporter,
    private readonly warn: (text: string) => void,
  ) {}
  export(metrics: ResourceMetrics, done: Parameters<PushMetricExporter['export']>[1]): void {
    this.inner.export(metrics, (result) => {
      // N.B. 0 is ExportResultCode.SUCCESS (@opentelemetry/core, not a dependency of ours).
      if (result.code !== 0) {
        if (this.failed++ === 0) this.warn(`gotrace: OTLP push failed: ${result.error?.message ?? 'unknown error'} (counted; said once)\n`);
        this.lastError = result.error?.message ?? 'unknown error';
      }
      done(result);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  selectAggregationTemporality() {
    return AggregationTemporality.CUMULATIVE;
  }
}

export class OtlpExporter implements Exporter {
  private provider?: MeterProvider;
  private readonly starts = new StartTimes();
  private pushes?: CountingExporter;

  constructor(
    private readonly url: string,
    private readonly intervalMs: number,
    private readonly reader: MetricsReader,
    private readonly resource: OtlpResource,
    private readonly warn: (text: string) => void,
  ) {}

  async start(): Promise<void> {
    const producer: MetricProducer = { collect: async () => this.collect() };
    this.pushes = new CountingExporter(new OTLPMetricExporter({ url: this.url }), this.warn);
    const reader = new PeriodicExportingMetricReader({
      exporter: this.pushes,
      exportIntervalMillis: this.intervalMs,
      exportTimeoutMillis: Math.min(this.intervalMs, 30_000),
      metricProducers: [producer],
    });
    this.provider = new MeterProvider({ resource: resourceFromAttributes(resourceAttributes(this.resource)), readers: [reader] });
  }

  private collect(): CollectionResult {
    const now = hrNow();
    const metrics = this.reader.read().map((m) => metricData(m, this.starts, now));
    return {
      resourceMetrics: {
        resource: resourceFromAttributes({}),
        scopeMetrics: [{ scope: { name: 'gotrace', version: this.resource.version }, metrics }],
      },
      errors: [],
    };
  }

  /** One last push (the final values), then the SDK is shut down. */
  async stop(): Promise<void> {
    const p = this.provider;
    this.provider = undefined;
    if (!p) return;
    await p.forceFlush().catch(() => {});
    await p.shutdown().catch(() => {});
    const f = this.pushes?.failed ?? 0;
    if (f) this.warn(`gotrace: ${f} OTLP push${f === 1 ? '' : 'es'} to ${this.url} failed (last: ${this.pushes!.lastError})\n`);
  }
}
