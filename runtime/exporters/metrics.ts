// The maps as metrics, in a form neither Prometheus nor OTLP owns: each map `@name` is a metric
// `gotrace_name` of a type that follows its aggregation, each key a series with labels key0,
// key1... The exporters (prometheus.ts, otlp.ts) only translate this model to their library.
//   count(), sum()           counter    (cleared map: the value drops, which both read as a reset)
//   hist(), lhist()          histogram  (the text output's buckets, as cumulative `le` bounds)
//   avg/min/max, @x = v      gauge (a value that is no number, @x = comm: 1, with label value="...")
//   stats()                  gauge with a label stat="count", "average" or "total"
import type { MapKind, MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../aggregations.js';
import type { NamedMap } from '../printers/index.js';
import { valueText, type Value } from '../values.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export type Labels = Record<string, string>;

/** One histogram series: counts per bucket (not cumulative) and each bucket's upper bound. */
export interface HistPoint {
  bounds: number[];
  counts: number[];
  count: number;
  /** Exact when the map's buckets carry their values' sum (BPF keeps one beside each count);
   *  else a lower bound, each value taken as its bucket's lowest (the (..., x) bucket's as x). */
  sum: number;
}

export interface Series {
  labels: Labels;
  value?: number;
  hist?: HistPoint;
}

export interface Metric {
  name: string;
  help: string;
  kind: MetricKind;
  series: Series[];
}

const KIND: Record<MapKind, MetricKind> = {
  count: 'counter',
  sum: 'counter',
  hist: 'histogram',
  lhist: 'histogram',
  avg: 'gauge',
  min: 'gauge',
  max: 'gauge',
  stats: 'gauge',
  int: 'gauge',
  str: 'gauge',
} as Record<MapKind, MetricKind>;

/** `@lat` -> gotrace_lat; the anonymous map `@` -> gotrace_map; any other byte -> `_`. */
export function metricName(map: string): string {
  const base = map.replace(/^@/, '') || 'map';
  return `gotrace_${base.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

export function metricKind(kind: MapKind): MetricKind {
  return KIND[kind] ?? 'gauge';
}

/** A key as a label value: integers in decimal, strings, stacks and probe names as printed
 *  (escaping for the wire is the library's job). */
function labelValue(v: Value): string {
  return valueText(v).trim();
}

export function labelsOf(keys: Value[], names: string[] = []): Labels {
  const out: Labels = {};
  keys.forEach((k, i) => (out[names[i] ?? `key${i}`] = labelValue(k)));
  return out;
}

/** Upper bounds of each bucket, as bpftrace's buckets hold integers: hist's (..., -1], [0],
 *  [1], [2, 3]...; lhist's (..., min-1], [min, min+step-1]..., [max, ...) as +Inf. */
export function bucketBounds(m: MapSpec, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (m.kind === 'lhist') out.push(i === n - 1 ? Infinity : m.lhist!.min + i * m.lhist!.step - 1);
    else out.push(i === 0 ? -1 : i === n - 1 ? Infinity : 2 ** (i - 1) - 1);
  }
  return out;
}

/** The buckets the text output shows (first to last non-empty), one empty bucket below them
 *  so the lowest has a lower bound, and +Inf. N.B. between two clears counts only grow, so the
 *  set of `le` values only widens: no bucket series vanishes while its map lives. */
function histPoint(m: MapSpec, buckets: bigint[], exactSum?: bigint): HistPoint {
  const all = bucketBounds(m, buckets.length);
  const used = buckets.map((b, i) => (b > 0n ? i : -1)).filter((i) => i >= 0);
  const from = used.length ? Math.max(0, used[0] - 1) : 0;
  const to = used.length ? used[used.length - 1] : 0;
  const bounds: number[] = [];
  const counts: number[] = [];
  let count = 0;
  let sum = 0;
  for (let i = from; i <= to; i++) {
    if (all[i] === Infinity) break;
    bounds.push(all[i]);
    counts.push(Number(buckets[i]));
  }
  bounds.push(Infinity);
  counts.push(to === buckets.length - 1 ? Number(buckets[to]) : 0);
  buckets.forEach((b, i) => {
    count += Number(b);
    sum += Number(b) * (i === 0 ? all[0] : all[i - 1] + 1);
  });
  return { bounds, counts, count, sum: exactSum !== undefined ? Number(exactSum) : sum };
}

/** Series of one map. A stats map is one gauge with a `stat` label (count, average, total). */
export function mapMetrics(m: MapSpec, entries: MapEntry[], names?: string[]): Metric[] {
  const name = metricName(m.name);
  const help = `gotrace map ${m.name} (${m.kind})`;
  const series: Series[] = [];
  for (const e of entries) {
    const labels = labelsOf(e.keys, names);
    const v = e.value;
    if (v.type === 'hist') series.push({ labels, hist: histPoint(m, v.buckets, v.sum) });
    else if (v.type === 'int') series.push({ labels, value: Number(v.value) });
    else if (v.type === 'scalar' && v.value.type === 'int') series.push({ labels, value: Number(v.value.value) });
    // A string, a probe, a stack is no number: an "info" series, 1 with the text as a label.
    else if (v.type === 'scalar') series.push({ labels: { ...labels, value: labelValue(v.value) }, value: 1 });
    else if (v.type === 'stats')
      for (const stat of ['count', 'average', 'total'] as const) series.push({ labels: { ...labels, stat }, value: Number(v[stat]) });
  }
  return [{ name, help, kind: metricKind(m.kind), series }];
}

/** At most `max` series over all maps, in the maps' order; what is left out is counted. */
export class SeriesCap {
  /** Series ids left out at least once (a map's key, not a scrape). */
  private readonly dropped = new Set<string>();
  constructor(readonly max: number) {}

  apply(metrics: Metric[]): Metric[] {
    let left = this.max;
    return metrics.map((m) => {
      const kept = m.series.slice(0, Math.max(0, left));
      for (const s of m.series.slice(kept.length)) this.dropped.add(m.name + JSON.stringify(s.labels));
      left -= kept.length;
      return { ...m, series: kept };
    });
  }

  get droppedCount(): number {
    return this.dropped.size;
  }
}

export function allMetrics(maps: NamedMap[], names: Map<string, string[]> = new Map()): Metric[] {
  return maps.flatMap((m) => mapMetrics(m.spec, m.entries, names.get(m.spec.name)));
}

export const DEFAULT_MAX_SERIES = 10_000;
