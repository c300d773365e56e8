// JSON output: one object per line, as bpftrace's -f json does ({"type": "map", "data": ...}).
import type { MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../aggregations.js';
import { valueJson, valueText } from '../values.js';

function num(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export function mapJson(m: MapSpec, entries: MapEntry[]): string {
  const conv = (e: MapEntry): unknown => {
    const v = e.value;
    if (v.type === 'int') return num(v.value);
    if (v.type === 'scalar') return valueJson(v.value);
    if (v.type === 'stats') return { count: num(v.count), average: num(v.average), total: num(v.total) };
    return v.buckets.map((b, i) => ({ bucket: i, count: num(b) })).filter((b) => b.count !== 0);
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
