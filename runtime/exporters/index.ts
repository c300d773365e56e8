// Exporters: the maps leave gotrace while it traces, beside the printers (runtime/printers/),
// which show them at exit. An exporter reads the maps itself (a scrape, a push) through the
// session's MapSource; it starts before anything is attached, so a port already taken costs
// nothing, and stops before the program is released.
import type { GoBinary } from '../../compiler/go/binary.js';
import { OtlpExporter } from './otlp.js';
import { PrometheusExporter } from './prometheus.js';
import { MetricsReader, type MapSource } from './source.js';
import { wantsExport } from './options.js';

export interface Exporter {
  start(): Promise<void>;
  /** The last values out (OTLP pushes once more), then every socket closed. */
  stop(): Promise<void>;
}

export interface ExportOptions {
  prometheus?: { host: string; port: number };
  otlp?: { url: string; intervalMs: number };
  /** --otlp-interval, whichever order the flags came in. */
  otlpIntervalMs?: number;
  maxSeries: number;
}

/** A MapSource that reads nothing until a program is set, and nothing after it is unset. */
export class LiveSource implements MapSource {
  program?: MapSource;
  readAllMaps() {
    return this.program?.readAllMaps() ?? [];
  }
  lostEvents() {
    return this.program?.lostEvents() ?? 0n;
  }
}

export interface ExportContext {
  source: MapSource;
  warn(text: string): void;
  binary?: GoBinary;
  binaryPath?: string;
  script: string;
  version: string;
  /** Label names per map (labels.ts); key0, key1... for the others. */
  labelNames?: Map<string, string[]>;
}

export function createExporters(o: ExportOptions, c: ExportContext): Exporter[] {
  const reader = new MetricsReader(c.source, o.maxSeries, c.warn, c.labelNames);
  const out: Exporter[] = [];
  if (o.prometheus) out.push(new PrometheusExporter(o.prometheus.host, o.prometheus.port, reader));
  if (o.otlp) {
    const res = { binary: c.binaryPath ?? c.binary?.path, buildId: c.binary?.buildId, script: c.script, version: c.version };
    out.push(new OtlpExporter(o.otlp.url, o.otlpIntervalMs ?? o.otlp.intervalMs, reader, res, c.warn));
  }
  return out;
}

export { wantsExport } from './options.js';

/** What the session's TraceInput takes, or nothing when no exporter is asked for. */
export function sessionExporters(
  o: ExportOptions,
  c: Omit<ExportContext, 'source'>,
): { list: Exporter[]; source: LiveSource; describe: string } | undefined {
  if (!wantsExport(o)) return undefined;
  const source = new LiveSource();
  const describe = o.prometheus ? `${o.prometheus.host}:${o.prometheus.port}` : o.otlp!.url;
  return { list: createExporters(o, { ...c, source }), source, describe };
}
