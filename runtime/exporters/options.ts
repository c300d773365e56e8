// The exporters' command-line options, kept here so the CLI's table only spreads them in (and
// without prom-client or OpenTelemetry: the CLI loads those only for a run that exports).
import { DEFAULT_MAX_SERIES } from './metrics.js';
import type { ExportOptions } from './index.js';

export const DEFAULT_OTLP_INTERVAL_MS = 10_000;

export const EXPORT_USAGE = `    --prometheus HOST:PORT  serve the maps as Prometheus metrics on
                   http://HOST:PORT/metrics while tracing (read at each scrape)
    --otlp URL     push the maps as OTLP/HTTP metrics to URL (.../v1/metrics)
    --otlp-interval MS  milliseconds between OTLP pushes (default ${DEFAULT_OTLP_INTERVAL_MS})
    --max-series N series exported at most (default ${DEFAULT_MAX_SERIES}); the rest are
                   counted in gotrace_dropped_series_total
`;

export function parseHostPort(s: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:]+):([0-9]{1,5})$/.exec(s);
  if (!m || Number(m[2]) > 65535) return undefined;
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function wantsExport(o: ExportOptions): boolean {
  return !!(o.prometheus || o.otlp);
}

export function defaultExportOptions(): ExportOptions {
  return { maxSeries: DEFAULT_MAX_SERIES };
}

type Setter = { value: true; set(o: { export: ExportOptions }, v: string): void };

/** The flags, each throwing `fail(message)` on a bad value (the CLI's UsageError). */
export function exportFlags(fail: (message: string) => Error): Record<string, Setter> {
  const count = (flag: string, v: string, max: number): number => {
    if (!/^[1-9][0-9]*$/.test(v) || Number(v) > max) throw fail(`${flag} wants a number from 1 to ${max}, not '${v}'`);
    return Number(v);
  };
  return {
    '--prometheus': {
      value: true,
      set: (o, v) => (o.export.prometheus = parseHostPort(v) ?? throwIt(fail(`--prometheus wants HOST:PORT (127.0.0.1:9464), not '${v}'`))),
    },
    '--otlp': {
      value: true,
      set: (o, v) => {
        if (!/^https?:\/\/[^\s/]+/.test(v)) throw fail(`--otlp wants an http:// or https:// URL, not '${v}'`);
        o.export.otlp = { url: v, intervalMs: o.export.otlp?.intervalMs ?? DEFAULT_OTLP_INTERVAL_MS };
      },
    },
    '--otlp-interval': {
      value: true,
      set: (o, v) => {
        const ms = count('--otlp-interval', v, 3_600_000);
        o.export.otlpIntervalMs = ms;
      },
    },
    '--max-series': { value: true, set: (o, v) => (o.export.maxSeries = count('--max-series', v, 10_000_000)) },
  };
}

function throwIt(e: Error): never {
  throw e;
}
