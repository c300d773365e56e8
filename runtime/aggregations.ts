// Reading maps back: raw (key, per-CPU value) pairs from the kernel become typed entries, with
// per-CPU slots merged the way bpftrace merges them (sums add, min/max compare, avg divides).
import type { MapSpec } from '../compiler/manifest.js';
import { keySlots } from '../compiler/codegen/c.js';

export type MapValue =
  | { type: 'int'; value: bigint }
  | { type: 'stats'; count: bigint; average: bigint; total: bigint }
  | { type: 'hist'; buckets: bigint[] };

export interface MapEntry {
  keys: bigint[];
  value: MapValue;
}

export interface RawEntry {
  key: Buffer;
  value: Buffer;
}

/** Number of buckets a hist/lhist value has (bpftrace: 65 for hist, n + 2 for lhist). */
export function bucketCount(m: MapSpec): number {
  if (m.kind === 'lhist') return Math.floor((m.lhist!.max - m.lhist!.min) / m.lhist!.step) + 2;
  return 66;
}

export function decodeEntries(m: MapSpec, raw: RawEntry[], cpus: number): MapEntry[] {
  const slots = keySlots(m);
  const slot = Math.ceil(m.valueSize / 8) * 8;
  const perCpu = (v: Buffer, off: number): bigint[] => {
    const n = m.perCpu ? cpus : 1;
    const out: bigint[] = [];
    for (let c = 0; c < n; c++) out.push(v.readBigInt64LE(c * slot + off));
    return out;
  };
  const keysOf = (k: Buffer): bigint[] => {
    const all: bigint[] = [];
    for (let i = 0; i < slots; i++) all.push(k.readBigInt64LE(i * 8));
    return all;
  };
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

  if (m.kind === 'hist' || m.kind === 'lhist') {
    const groups = new Map<string, { keys: bigint[]; buckets: bigint[] }>();
    const n = bucketCount(m);
    for (const r of raw) {
      const all = keysOf(r.key);
      const keys = all.slice(0, m.keyCount);
      const bucket = Number(all[m.keyCount]);
      const id = keys.join(',');
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { keys, buckets: new Array<bigint>(n).fill(0n) }));
      if (bucket >= 0 && bucket < n) g.buckets[bucket] += sum(perCpu(r.value, 0));
    }
    return [...groups.values()].map((g) => ({ keys: g.keys, value: { type: 'hist', buckets: g.buckets } }));
  }

  const out: MapEntry[] = [];
  for (const r of raw) {
    const keys = keysOf(r.key).slice(0, m.keyCount);
    switch (m.kind) {
      case 'int':
      case 'count':
      case 'sum':
        out.push({ keys, value: { type: 'int', value: sum(perCpu(r.value, 0)) } });
        break;
      case 'avg':
      case 'stats': {
        const count = sum(perCpu(r.value, 0));
        const total = sum(perCpu(r.value, 8));
        const average = count === 0n ? 0n : total / count;
        out.push({ keys, value: m.kind === 'avg' ? { type: 'int', value: average } : { type: 'stats', count, average, total } });
        break;
      }
      case 'min':
      case 'max': {
        const set = perCpu(r.value, 0);
        const vals = perCpu(r.value, 8).filter((_, i) => set[i] !== 0n);
        if (vals.length === 0) break;
        const pick = vals.reduce((a, b) => (m.kind === 'min' ? (b < a ? b : a) : b > a ? b : a));
        out.push({ keys, value: { type: 'int', value: pick } });
        break;
      }
    }
  }
  return out;
}

/** bpftrace's order: by value ascending (hist by total count), ties by key. */
export function sortEntries(entries: MapEntry[]): MapEntry[] {
  const weight = (e: MapEntry): bigint =>
    e.value.type === 'int' ? e.value.value : e.value.type === 'stats' ? e.value.total : e.value.buckets.reduce((a, b) => a + b, 0n);
  const cmpKeys = (a: bigint[], b: bigint[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length - b.length;
  };
  return [...entries].sort((a, b) => {
    const wa = weight(a);
    const wb = weight(b);
    return wa !== wb ? (wa < wb ? -1 : 1) : cmpKeys(a.keys, b.keys);
  });
}
