// Reading maps back: raw (key, per-CPU value) pairs from the kernel become typed entries, with
// per-CPU slots merged the way bpftrace merges them (sums add, min/max compare, avg divides).
import type { MapSpec } from '../compiler/manifest.js';
import { bucketCount, LOG2_BUCKETS, STATS_VALUE_SIZE } from '../compiler/passes/types.js';
import { maxBiased, unbias } from './percentiles.js';
import { compareValues, decodeField, type DecodeContext, type Value } from './values.js';

export type MapValue =
  /** `avg`: what avg()'s truncated value came from, for its decimals (--avg-decimals). */
  | { type: 'int'; value: bigint; avg?: { count: bigint; total: bigint } }
  | { type: 'scalar'; value: Value }
  /** `buckets` (log2) and `max` feed p50/p99 (runtime/percentiles.ts). */
  | { type: 'stats'; count: bigint; average: bigint; total: bigint; max?: bigint; buckets?: bigint[] }
  /** `sum`: of every value counted (BPF keeps it beside each bucket's count), when known;
   *  `max`: the exact largest value (struct gt_hist keeps one per bucket). */
  | { type: 'hist'; buckets: bigint[]; sum?: bigint; max?: bigint };

export interface MapEntry {
  keys: Value[];
  value: MapValue;
}

export interface RawEntry {
  key: Buffer;
  value: Buffer;
}

/** Number of buckets a hist/lhist value has (hist: 66 covers every 64-bit value). */
export { bucketCount };

const NO_CTX: DecodeContext = {
  manifest: { probes: [] } as unknown as DecodeContext['manifest'],
  symbolize: (pc) => `0x${pc.toString(16)}`,
};

export function decodeEntries(m: MapSpec, raw: RawEntry[], cpus: number, ctx: DecodeContext = NO_CTX): MapEntry[] {
  const slot = Math.ceil(m.valueSize / 8) * 8;
  const perCpu = (v: Buffer, off: number): bigint[] => {
    const n = m.perCpu ? cpus : 1;
    const out: bigint[] = [];
    for (let c = 0; c < n; c++) out.push(v.readBigInt64LE(c * slot + off));
    return out;
  };
  const keysOf = (k: Buffer): Value[] => m.keys.slice(0, m.keyCount).map((f) => decodeField(k, 0, f, ctx));
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

  if (m.kind === 'hist' || m.kind === 'lhist') {
    const groups = new Map<string, { keys: Value[]; buckets: bigint[]; sum: bigint; maxb: bigint }>();
    const n = bucketCount(m);
    const bucketField = m.keys[m.keyCount];
    for (const r of raw) {
      const keys = keysOf(r.key);
      const bucket = Number(r.key.readBigInt64LE(bucketField.offset));
      const id = r.key.subarray(0, bucketField.offset).toString('hex');
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { keys, buckets: new Array<bigint>(n).fill(0n), sum: 0n, maxb: 0n }));
      if (bucket < 0 || bucket >= n) continue;
      g.buckets[bucket] += sum(perCpu(r.value, 0));
      // struct gt_hist: count, sum, largest value. N.B. an object compiled before buckets had
      // sums has 8-byte values (no sum), one before they had maxima 16-byte ones (no max).
      if (m.valueSize >= 16) g.sum += sum(perCpu(r.value, 8));
      if (m.valueSize >= 24) g.maxb = maxBiased(perCpu(r.value, 16), g.maxb);
    }
    const exact = m.valueSize >= 16;
    return byFunction(
      m,
      [...groups.values()].map((g) => ({
        keys: g.keys,
        value: { type: 'hist', buckets: g.buckets, ...(exact ? { sum: g.sum } : {}), max: unbias(g.maxb) },
      })),
    );
  }

  const out: MapEntry[] = [];
  for (const r of raw) {
    const keys = keysOf(r.key);
    switch (m.kind) {
      case 'int':
      case 'str':
        if (m.value && m.value.type !== 'int') out.push({ keys, value: { type: 'scalar', value: decodeField(r.value, 0, m.value, ctx) } });
        else out.push({ keys, value: { type: 'int', value: r.value.readBigInt64LE(0) } });
        break;
      case 'count':
      case 'sum':
        out.push({ keys, value: { type: 'int', value: sum(perCpu(r.value, 0)) } });
        break;
      case 'avg':
      case 'stats': {
        const count = sum(perCpu(r.value, 0));
        const total = sum(perCpu(r.value, 8));
        const average = count === 0n ? 0n : total / count;
        if (m.kind === 'avg') out.push({ keys, value: { type: 'int', value: average, avg: { count, total } } });
        else out.push({ keys, value: { type: 'stats', count, average, total, ...statsExtra(m, perCpu, r.value) } });
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
  return byFunction(m, out);
}

/** usym() and caller name a function, not an address: an aggregation keyed by them has one
 *  entry per function, whichever of its addresses each update saw (a function with two go
 *  statements is one creation site of usym(gostart)). N.B. only aggregations, whose values
 *  combine; a plain assignment (`@x[usym(pc)] = v`) keeps an entry per address, as bpftrace. */
function byFunction(m: MapSpec, entries: MapEntry[]): MapEntry[] {
  if (m.kind === 'int' || m.kind === 'str' || !m.keys.slice(0, m.keyCount).some((f) => f.type === 'usym' || f.type === 'caller')) {
    return entries;
  }
  const merged = new Map<string, MapEntry>();
  for (const e of entries) {
    const id = JSON.stringify(e.keys, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const prev = merged.get(id);
    merged.set(id, prev ? { keys: prev.keys, value: combine(m, prev.value, e.value) } : e);
  }
  return [...merged.values()];
}

const larger = (a?: bigint, b?: bigint): bigint | undefined => (a === undefined ? b : b === undefined || a > b ? a : b);
const addAll = (a: bigint[], b: bigint[]): bigint[] => a.map((x, i) => x + (b[i] ?? 0n));

/** Two values of one aggregation as one, as if every update had gone to the same key. */
function combine(m: MapSpec, a: MapValue, b: MapValue): MapValue {
  if (a.type === 'hist' && b.type === 'hist') {
    const sum = a.sum !== undefined && b.sum !== undefined ? { sum: a.sum + b.sum } : {};
    return { type: 'hist', buckets: addAll(a.buckets, b.buckets), ...sum, max: larger(a.max, b.max) };
  }
  if (a.type === 'stats' && b.type === 'stats') {
    const count = a.count + b.count;
    const total = a.total + b.total;
    const buckets = a.buckets && b.buckets ? { buckets: addAll(a.buckets, b.buckets) } : {};
    const max = a.max !== undefined || b.max !== undefined ? { max: larger(a.max, b.max) } : {};
    return { type: 'stats', count, average: count === 0n ? 0n : total / count, total, ...max, ...buckets };
  }
  if (a.type !== 'int' || b.type !== 'int') return a;
  if (a.avg && b.avg) {
    const count = a.avg.count + b.avg.count;
    const total = a.avg.total + b.avg.total;
    return { type: 'int', value: count === 0n ? 0n : total / count, avg: { count, total } };
  }
  if (m.kind === 'min') return { type: 'int', value: a.value < b.value ? a.value : b.value };
  if (m.kind === 'max') return { type: 'int', value: a.value > b.value ? a.value : b.value };
  return { type: 'int', value: a.value + b.value };
}

/** stats()'s exact max and log2 buckets (struct gt_stats), when its value has them. */
function statsExtra(m: MapSpec, perCpu: (v: Buffer, off: number) => bigint[], v: Buffer): { max?: bigint; buckets?: bigint[] } {
  if (m.valueSize < STATS_VALUE_SIZE) return {};
  const buckets = Array.from({ length: LOG2_BUCKETS }, (_, i) => perCpu(v, 24 + 8 * i).reduce((a, b) => a + b, 0n));
  return { max: unbias(maxBiased(perCpu(v, 16), 0n)), buckets };
}

/** bpftrace's order: by value ascending (hist by total count, stats by total), ties by key. */
export function sortEntries(entries: MapEntry[]): MapEntry[] {
  const weight = (e: MapEntry): bigint | undefined =>
    e.value.type === 'int'
      ? e.value.value
      : e.value.type === 'stats'
        ? e.value.total
        : e.value.type === 'hist'
          ? e.value.buckets.reduce((a, b) => a + b, 0n)
          : undefined;
  const cmpKeys = (a: Value[], b: Value[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  };
  return [...entries].sort((a, b) => {
    const wa = weight(a);
    const wb = weight(b);
    if (wa !== undefined && wb !== undefined && wa !== wb) return wa < wb ? -1 : 1;
    // Tuples are not ordered by value: bpftrace lists them by key.
    if (a.value.type === 'scalar' && b.value.type === 'scalar' && a.value.value.type !== 'tuple') {
      const c = compareValues(a.value.value, b.value.value);
      if (c) return c;
    }
    return cmpKeys(a.keys, b.keys);
  });
}

/** print(@m, top, div) as bpftrace does it: the `top` largest entries (the last of the sorted
 *  list, still printed in ascending order), integer values divided by `div`. */
export function topEntries(entries: MapEntry[], top?: number, div?: number): MapEntry[] {
  let out = top !== undefined && top > 0 ? entries.slice(-top) : entries;
  if (div !== undefined && div > 1) {
    const d = BigInt(div);
    out = out.map((e) => (e.value.type === 'int' ? { ...e, value: { type: 'int', value: e.value.value / d } } : e));
  }
  return out;
}
