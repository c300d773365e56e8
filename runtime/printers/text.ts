// bpftrace's text format for maps:
//   @lat[17]: 2081934          one line per key, sorted by value
//   @s: count 3, average 5, total 15   then a blank line (stats and avg)
//   @h:                        then the histogram rows and a blank line
//   [4K, 8K)           10060 |@@@@@...@|
import type { MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../aggregations.js';
import { valueText, type Value } from '../values.js';
import { dropText, type Drop } from '../drops.js';
import type { NamedMap, Printer, PrinterKind, PrinterSinks } from './printer.js';

function keyText(keys: MapEntry['keys']): string {
  return keys.length ? `[${keys.map(valueText).join(', ')}]` : '';
}

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

export function histText(buckets: bigint[], barWidth = BAR_WIDTH): string {
  const used = buckets.map((b, i) => (b > 0n ? i : -1)).filter((i) => i >= 0);
  if (!used.length) return '';
  return bars(
    buckets,
    used[0],
    used[used.length - 1],
    (i) => (i === 0 ? '(..., 0)' : i === 1 ? '[0]' : i === 2 ? '[1]' : `[${histLabel(i - 2)}, ${histLabel(i - 1)})`),
    barWidth,
  );
}

export function lhistText(buckets: bigint[], min: number, max: number, step: number, barWidth = BAR_WIDTH): string {
  const used = buckets.map((b, i) => (b > 0n ? i : -1)).filter((i) => i >= 0);
  if (!used.length) return '';
  const n = buckets.length - 2;
  return bars(
    buckets,
    used[0],
    used[used.length - 1],
    (i) =>
      i === 0
        ? `(..., ${lhistLabel(min)})`
        : i === n + 1
          ? `[${lhistLabel(max)}, ...)`
          : `[${lhistLabel((i - 1) * step + min)}, ${lhistLabel(i * step + min)})`,
    barWidth,
  );
}

/** One map as bpftrace prints it (entries already sorted), including its trailing newline(s). */
export function mapText(m: MapSpec, entries: MapEntry[], barWidth = BAR_WIDTH): string {
  const parts = entries.map((e) => {
    const head = `${m.name}${keyText(e.keys)}: `;
    const v = e.value;
    if (v.type === 'int') return head + v.value;
    if (v.type === 'scalar') return head + valueText(v.value);
    if (v.type === 'stats') return `${head}count ${v.count}, average ${v.average}, total ${v.total}`;
    const body =
      m.kind === 'lhist' ? lhistText(v.buckets, m.lhist!.min, m.lhist!.max, m.lhist!.step, barWidth) : histText(v.buckets, barWidth);
    return `${head}\n${body}`;
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
