// JSON output: one object per line, as bpftrace's -f json does ({"type": "map", "data": ...}).
import type { MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../aggregations.js';
import { valueJson, valueText } from '../values.js';

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
    for (const e of entries) o[e.keys.map((k) => valueText(k).trim()).join(',')] = conv(e);
    data = o;
  }
  return JSON.stringify({ type: m.kind === 'hist' || m.kind === 'lhist' ? 'hist' : 'map', data: { [m.name]: data } }) + '\n';
}

export function jsonLine(type: string, data: unknown): string {
  return JSON.stringify({ type, data }) + '\n';
}
