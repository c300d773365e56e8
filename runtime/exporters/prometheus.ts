// --prometheus HOST:PORT: /metrics in Prometheus' text format, read live from the maps at each
// scrape. prom-client writes the exposition (escaping, HELP/TYPE lines, le labels); the metrics
// are custom collectors over one snapshot taken per scrape, so the series cap sees every map.
import http from 'node:http';
import { Registry } from 'prom-client';
import type { Metric } from './metrics.js';
import type { Exporter } from './index.js';
import type { MetricsReader } from './source.js';

type PromValue = { value: number; labels: Record<string, string | number>; metricName?: string };

/** prom-client's values for one metric: counters get the conventional `_total`. */
export function promValues(m: Metric): { name: string; type: string; values: PromValue[] } {
  if (m.kind === 'counter')
    return { name: `${m.name}_total`, type: 'counter', values: m.series.map((s) => ({ value: s.value ?? 0, labels: s.labels })) };
  if (m.kind === 'gauge') return { name: m.name, type: 'gauge', values: m.series.map((s) => ({ value: s.value ?? 0, labels: s.labels })) };
  const values: PromValue[] = [];
  for (const s of m.series) {
    const h = s.hist!;
    let cum = 0;
    h.bounds.forEach((le, i) => {
      cum += h.counts[i];
      values.push({ metricName: `${m.name}_bucket`, value: cum, labels: { ...s.labels, le: le === Infinity ? '+Inf' : le } });
    });
    values.push({ metricName: `${m.name}_sum`, value: h.sum, labels: s.labels });
    values.push({ metricName: `${m.name}_count`, value: h.count, labels: s.labels });
  }
  return { name: m.name, type: 'histogram', values };
}

/** The exposition text of a set of metrics, through prom-client's registry. */
export async function exposition(metrics: Metric[]): Promise<string> {
  const registry = new Registry();
  for (const m of metrics) {
    const v = promValues(m);
    registry.registerMetric({
      name: v.name,
      help: m.help,
      get: async () => ({ name: v.name, help: m.help, type: v.type, values: v.values, aggregator: 'sum' }),
    } as never);
  }
  return registry.metrics();
}

// N.B. parseHostPort lives with the flags (options.ts): the CLI parses --prometheus without
// loading prom-client, which only a run that exports needs.
export { parseHostPort } from './options.js';

/** The HTTP server: GET /metrics, 404 elsewhere. listen() fails before anything is attached. */
export class PrometheusExporter implements Exporter {
  private server?: http.Server;
  scrapes = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly reader: MetricsReader,
  ) {}

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  get address(): string {
    const a = this.server?.address();
    return a && typeof a === 'object' ? `${a.address}:${a.port}` : '';
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end('gotrace serves /metrics\n');
      return;
    }
    try {
      const text = await exposition(this.reader.read());
      this.scrapes++;
      res.writeHead(200, { 'Content-Type': Registry.PROMETHEUS_CONTENT_TYPE }).end(text);
    } catch (e) {
      res.writeHead(500).end(`gotrace: ${(e as Error).message}\n`);
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
