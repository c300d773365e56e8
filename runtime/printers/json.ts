// JSON output: one object per line, as bpftrace's -f json does ({"type": "map", "data": ...}).
import type { MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../aggregations.js';
import { valueJson, valueText, type Value } from '../values.js';
import { dropJson, dropText, type Drop } from '../drops.js';
import type { EffectKind, NamedMap, Printer, PrinterKind, PrinterSinks } from './printer.js';
import { attachingLine, lostLine } from './text.js';
import { HIST_PERCENTILES, percentileValue, STATS_PERCENTILES } from '../percentiles.js';

function num(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** bpftrace's JSON bucket bounds: hist buckets are [2^(i-2), 2^(i-1)-1], with (..., -1] and [0];
 *  lhist buckets [min + (i-1)*step, min + i*step - 1] with open ends below min and from max. */
export function bucketBounds(m: MapSpec, i: number, n: number): { min?: number | string; max?: number | string } {
  if (m.kind === 'lhist') {
    const { min, max, step } = m.lhist!;
    if (i === 0) return { max: min - 1 };
    if (i === n - 1) return { min: max };
    return { min: min + (i - 1) * step, max: min + i * step - 1 };
  }
  if (i === 0) return { max: -1 };
  if (i === 1) return { min: 0, max: 0 };
  return { min: num(1n << BigInt(i - 2)), max: num((1n << BigInt(i - 1)) - 1n) };
}

/** A key as bpftrace's JSON names it: its values' text, joined by commas. */
const keyName = (e: MapEntry): string => e.keys.map((k) => valueText(k).trim()).join(',');

export function mapJson(m: MapSpec, entries: MapEntry[]): string {
  const conv = (e: MapEntry): unknown => {
    const v = e.value;
    if (v.type === 'int') return num(v.value);
    if (v.type === 'scalar') return valueJson(v.value);
    if (v.type === 'stats') return { count: num(v.count), average: num(v.average), total: num(v.total) };
    return v.buckets.map((b, i) => ({ ...bucketBounds(m, i, v.buckets.length), count: num(b) })).filter((b) => b.count !== 0);
  };
  let data: unknown;
  if (m.keyCount === 0) data = entries.length ? conv(entries[0]) : null;
  else {
    const o: Record<string, unknown> = {};
    for (const e of entries) o[keyName(e)] = conv(e);
    data = o;
  }
  return JSON.stringify({ type: m.kind === 'hist' || m.kind === 'lhist' ? 'hist' : 'map', data: { [m.name]: data } }) + '\n';
}

/** What the text output adds under a histogram or after stats(), as numbers: one line after the
 *  map's own (which stays bpftrace's), shaped as it is: {"type": "percentiles", "data": {"@h":
 *  {"p50": 3, "p90": 1000, "p99": 1000, "max": 1000}}}, one object per key for a keyed map.
 *  Each pN is what percentile(@h, N) gives: the largest value of the bucket holding it, capped
 *  by the exact max (runtime/percentiles.ts). hist/lhist give p50, p90, p99 and max, stats()
 *  p50 and p99; an empty entry (after zero()) has none. Empty when no entry has any. */
export function percentilesJson(m: MapSpec, entries: MapEntry[]): string {
  const conv = (e: MapEntry): Record<string, number | string> | undefined => {
    const v = e.value;
    const hist = v.type === 'hist';
    if ((v.type !== 'hist' && v.type !== 'stats') || !v.buckets?.some((b) => b > 0n)) return undefined;
    const shape = hist ? m : { kind: 'hist' as const };
    const o: Record<string, number | string> = {};
    for (const p of hist ? HIST_PERCENTILES : STATS_PERCENTILES) o[`p${p}`] = num(percentileValue(shape, v.buckets, v.max, p)!);
    if (hist && v.max !== undefined) o.max = num(v.max);
    return o;
  };
  const data: Record<string, unknown> = {};
  for (const e of entries) {
    const o = conv(e);
    if (o) data[keyName(e)] = o;
  }
  if (!Object.keys(data).length) return '';
  return jsonLine('percentiles', { [m.name]: m.keyCount === 0 ? data[''] : data });
}

export function jsonLine(type: string, data: unknown): string {
  return JSON.stringify({ type, data }) + '\n';
}

/** The JSON type of each side effect's output, as bpftrace names them. */
const EFFECT_TYPE: Record<EffectKind, string> = { system: 'syscall', cat: 'cat' };

/** One JSON object a line on `out`; the notes a person reads stay text on `err`. */
class JsonPrinter implements Printer {
  constructor(private readonly s: PrinterSinks) {}
  attached(n: number): void {
    this.s.err.write(attachingLine(n));
    this.s.out.write(jsonLine('attached_probes', { probes: n }));
  }
  map(spec: MapSpec, entries: MapEntry[]): void {
    this.s.out.write(mapJson(spec, entries) + percentilesJson(spec, entries));
  }
  finalMaps(maps: NamedMap[]): void {
    for (const m of maps) if (m.entries.length) this.map(m.spec, m.entries);
  }
  printf(text: string): void {
    this.s.out.write(jsonLine('printf', text.replace(/\n$/, '')));
  }
  value(v: Value): void {
    this.s.out.write(jsonLine('value', valueJson(v) ?? ''));
  }
  time(text: string): void {
    this.s.out.write(jsonLine('time', text.replace(/\n$/, '')));
  }
  effect(kind: EffectKind, text: string): void {
    this.s.out.write(jsonLine(EFFECT_TYPE[kind], text.replace(/\n$/, '')));
  }
  lost(n: bigint): void {
    this.s.err.write(lostLine(n));
    this.s.out.write(jsonLine('lost_events', { events: Number(n) }));
  }
  /** The text lines on err, as with -f text, and one JSON line on out. */
  drops(ds: Drop[]): void {
    for (const d of ds) this.s.err.write(dropText(d) + '\n');
    this.s.out.write(jsonLine('dropped', ds.map(dropJson)));
  }
  note(text: string): void {
    this.s.err.write(text);
  }
}

export const jsonPrinter: PrinterKind = {
  describe: 'one JSON object a line',
  jsonDiagnostics: true,
  create: (sinks) => new JsonPrinter(sinks),
};
