// bpftrace's text format for maps:
//   @lat[17]: 2081934          one line per key, sorted by value
//   @s: count 3, average 5, total 15   then a blank line (stats and avg)
//   @h:                        then the histogram rows and a blank line
//   [4K, 8K)           10060 |@@@@@...@|
//   p50 [4K, 8K), p90 [4K, 8K), p99 [4K, 8K), max 8000    (not bpftrace's: see TextOptions)
import type { MapSpec } from '../../compiler/manifest.js';
import { durationText } from '../../compiler/format.js';
import type { MapEntry } from '../aggregations.js';
import { HIST_PERCENTILES, percentileBucket, percentileValue, STATS_PERCENTILES } from '../percentiles.js';
import { valueText, type Value } from '../values.js';
import { dropText, type Drop } from '../drops.js';
import type { NamedMap, Printer, PrinterKind, PrinterSinks } from './printer.js';

function keyText(keys: MapEntry['keys']): string {
  return keys.length ? `[${keys.map(valueText).join(', ')}]` : '';
}

/** How maps are shown. `bpftrace`: exactly bpftrace 0.17's text (no percentiles, size
 *  suffixes on duration buckets); `avgDecimals`: avg() and stats()' average with decimals. Set
 *  once from the command line (--bpftrace-text, --avg-decimals); the REPL shares it. */
export interface TextOptions {
  bpftrace: boolean;
  avgDecimals?: number;
}
export const TEXT_OPTIONS: TextOptions = { bpftrace: false };

/** Their lines of --help (runtime/cli.ts). */
export const TEXT_USAGE = `    --bpftrace-text  maps exactly as bpftrace prints them (no percentiles, no time units)
    --avg-decimals N  avg() and stats()' average with N decimals (0 to 9), not truncated
`;

/** Their command-line flags, as the CLI's FLAGS table holds them. */
export function textFlags(fail: (message: string) => Error): Record<string, TextFlag> {
  return {
    '--bpftrace-text': { value: false, set: (o) => (o.text.bpftrace = true) },
    '--avg-decimals': {
      value: true,
      set: (o, v) => {
        if (!/^[0-9]$/.test(v)) throw fail(`--avg-decimals wants a number of decimals from 0 to 9, not '${v}'`);
        o.text.avgDecimals = Number(v);
      },
    },
  };
}
type TextFlag =
  { value: false; set(o: { text: Partial<TextOptions> }): void } | { value: true; set(o: { text: Partial<TextOptions> }, v: string): void };

function histLabel(power: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  let u = 0;
  while (power >= 10 && u < units.length - 1) {
    power -= 10;
    u++;
  }
  return `${2n ** BigInt(power)}${units[u]}`;
}

function lhistLabel(n: number): string {
  if (n === 0) return '0';
  if (n % 1048576 === 0) return `${n / 1048576}M`;
  if (n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

/** bpftrace's bar width; the REPL sizes bars to its terminal instead. */
export const BAR_WIDTH = 52;

function bars(buckets: bigint[], from: number, to: number, label: (i: number) => string, barWidth = BAR_WIDTH): string {
  let max = 0n;
  for (const b of buckets) if (b > max) max = b;
  let out = '';
  for (let i = from; i <= to; i++) {
    const width = max === 0n ? 0 : Math.floor((Number(buckets[i]) / Number(max)) * barWidth);
    out += `${label(i).padEnd(16)}${String(buckets[i]).padStart(8)} |${'@'.repeat(width).padEnd(barWidth)}|\n`;
  }
  return out;
}

/** Row labels of a histogram: bpftrace's, or time units for a duration (nanoseconds). */
function labeller(m: Pick<MapSpec, 'kind' | 'lhist' | 'duration'>, n: number, opts: TextOptions): (i: number) => string {
  const dur = !!m.duration && !opts.bpftrace;
  if (m.kind === 'lhist') {
    const { min, max, step } = m.lhist!;
    const l = (v: number) => (dur ? durationText(BigInt(v)) : lhistLabel(v));
    return (i) => (i === 0 ? `(..., ${l(min)})` : i === n - 1 ? `[${l(max)}, ...)` : `[${l((i - 1) * step + min)}, ${l(i * step + min)})`);
  }
  if (dur)
    return (i) =>
      i === 0
        ? '(..., 0)'
        : i === 1
          ? '[0]'
          : i === 2
            ? '[1ns]'
            : `[${durationText(1n << BigInt(i - 2))}, ${durationText(1n << BigInt(i - 1))})`;
  return (i) => (i === 0 ? '(..., 0)' : i === 1 ? '[0]' : i === 2 ? '[1]' : `[${histLabel(i - 2)}, ${histLabel(i - 1)})`);
}

/** The rows of a histogram (hist or lhist, by `m`), from its first used bucket to its last. */
export function bucketRows(
  m: Pick<MapSpec, 'kind' | 'lhist' | 'duration'>,
  buckets: bigint[],
  barWidth = BAR_WIDTH,
  opts: TextOptions = TEXT_OPTIONS,
): string {
  const used = buckets.map((b, i) => (b > 0n ? i : -1)).filter((i) => i >= 0);
  if (!used.length) return '';
  return bars(buckets, used[0], used[used.length - 1], labeller(m, buckets.length, opts), barWidth);
}

export function histText(buckets: bigint[], barWidth = BAR_WIDTH): string {
  return bucketRows({ kind: 'hist' }, buckets, barWidth, { bpftrace: true });
}

export function lhistText(buckets: bigint[], min: number, max: number, step: number, barWidth = BAR_WIDTH): string {
  return bucketRows({ kind: 'lhist', lhist: { min, max, step } }, buckets, barWidth, { bpftrace: true });
}

/** The line under a histogram: the bucket holding p50, p90 and p99, and the exact max (see
 *  runtime/percentiles.ts for why a bucket and not a number). */
export function percentileLine(
  m: Pick<MapSpec, 'kind' | 'lhist' | 'duration'>,
  buckets: bigint[],
  max: bigint | undefined,
  opts = TEXT_OPTIONS,
): string {
  if (!buckets.some((b) => b > 0n)) return '';
  const label = labeller(m, buckets.length, opts);
  const ps = HIST_PERCENTILES.map((p) => `p${p} ${label(percentileBucket(buckets, p))}`);
  if (max !== undefined) ps.push(`max ${m.duration ? durationText(max) : max}`);
  return ps.join(', ') + '\n';
}

/** avg()'s value: bpftrace's truncated integer, or with --avg-decimals the quotient rounded to
 *  that many decimals. */
function avgText(v: bigint, from: { count: bigint; total: bigint } | undefined, opts: TextOptions): string {
  if (opts.avgDecimals === undefined || !from || from.count === 0n) return String(v);
  return (Number(from.total) / Number(from.count)).toFixed(opts.avgDecimals);
}

function statsText(v: Extract<MapEntry['value'], { type: 'stats' }>, m: MapSpec, opts: TextOptions): string {
  const avg = avgText(v.average, { count: v.count, total: v.total }, opts);
  let out = `count ${v.count}, average ${avg}, total ${v.total}`;
  if (opts.bpftrace || !v.buckets || v.count === 0n) return out;
  const shape = { kind: 'hist' as const };
  for (const p of STATS_PERCENTILES) {
    const x = percentileValue(shape, v.buckets, v.max, p)!;
    out += `, p${p} ${m.duration ? durationText(x) : x}`;
  }
  return out;
}

/** One map as bpftrace prints it (entries already sorted), including its trailing newline(s);
 *  see TextOptions for what it adds. */
export function mapText(m: MapSpec, entries: MapEntry[], barWidth = BAR_WIDTH, opts: TextOptions = TEXT_OPTIONS): string {
  const parts = entries.map((e) => {
    const head = `${m.name}${keyText(e.keys)}: `;
    const v = e.value;
    if (v.type === 'int') return head + (m.kind === 'avg' ? avgText(v.value, v.avg, opts) : v.value);
    if (v.type === 'scalar') return head + valueText(v.value);
    if (v.type === 'stats') return head + statsText(v, m, opts);
    const pct = opts.bpftrace ? '' : percentileLine(m, v.buckets, v.max, opts);
    return `${head}\n${bucketRows(m, v.buckets, barWidth, opts)}${pct}`;
  });
  const tail = m.kind === 'avg' || m.kind === 'stats' ? '\n\n' : '\n';
  return parts.join('\n') + tail;
}

/** bpftrace's text output: results on `out` as they come, session notes on `err`. */
class TextPrinter implements Printer {
  constructor(private readonly s: PrinterSinks) {}
  attached(n: number): void {
    this.s.err.write(attachingLine(n));
  }
  map(spec: MapSpec, entries: MapEntry[]): void {
    this.s.out.write(mapText(spec, entries));
  }
  /** Every non-empty map, after a blank line as bpftrace prints them. */
  finalMaps(maps: NamedMap[]): void {
    const nonEmpty = maps.filter((m) => m.entries.length > 0);
    if (nonEmpty.length) this.s.out.write('\n');
    for (const m of nonEmpty) this.map(m.spec, m.entries);
  }
  printf(text: string): void {
    this.s.out.write(text);
  }
  value(v: Value): void {
    this.s.out.write(valueText(v) + '\n');
  }
  time(text: string): void {
    this.s.out.write(text);
  }
  effect(_kind: string, text: string): void {
    this.s.out.write(text);
  }
  lost(n: bigint): void {
    this.s.err.write(lostLine(n));
  }
  drops(ds: Drop[]): void {
    for (const d of ds) this.s.err.write(dropText(d) + '\n');
  }
  note(text: string): void {
    this.s.err.write(text);
  }
}

export function attachingLine(n: number): string {
  return `Attaching ${n} probe${n === 1 ? '' : 's'}...\n`;
}

export function lostLine(n: bigint): string {
  return `Lost ${n} events\n`;
}

export const textPrinter: PrinterKind = {
  describe: "bpftrace's text (default)",
  jsonDiagnostics: false,
  create: (sinks) => new TextPrinter(sinks),
};
