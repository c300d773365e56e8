// What an exporter reads while a session runs: the maps, live, at each scrape or push. The
// session (runtime/trace.ts) gives one to each exporter before anything is attached; until the
// program is loaded, and after it is released, it reads nothing.
import type { NamedMap } from '../printers/index.js';
import { allMetrics, SeriesCap, type Metric } from './metrics.js';

export interface MapSource {
  /** Every map with its entries now ([] when no program is live). */
  readAllMaps(): NamedMap[];
  /** Events the ring buffer had no room for, so far. */
  lostEvents(): bigint;
}

/** Metrics over every map, capped at `maxSeries` series, plus gotrace's own counters. The first
 *  time series are left out, `warn` says so once (the count goes on in the metric). */
export class MetricsReader {
  private readonly cap: SeriesCap;
  private warned = false;

  constructor(
    private readonly source: MapSource,
    maxSeries: number,
    private readonly warn: (text: string) => void,
    private readonly labelNames: Map<string, string[]> = new Map(),
  ) {
    this.cap = new SeriesCap(maxSeries);
  }

  read(): Metric[] {
    const maps = allMetrics(this.source.readAllMaps(), this.labelNames);
    const kept = this.cap.apply(maps);
    if (this.cap.droppedCount > 0 && !this.warned) {
      this.warned = true;
      this.warn(
        `gotrace: more than ${this.cap.max} series; the rest are left out (counted in gotrace_dropped_series_total; raise --max-series)\n`,
      );
    }
    return [...kept, ...this.own()];
  }

  get droppedSeries(): number {
    return this.cap.droppedCount;
  }

  private own(): Metric[] {
    return [
      {
        name: 'gotrace_dropped_series',
        help: 'Series left out over --max-series',
        kind: 'counter',
        series: [{ labels: {}, value: this.cap.droppedCount }],
      },
      {
        name: 'gotrace_lost_events',
        help: 'Events the ring buffer had no room for',
        kind: 'counter',
        series: [{ labels: {}, value: Number(this.source.lostEvents()) }],
      },
    ];
  }
}
