// Maps kept in user space: `@errors[func, rets.error] = count()`. A BPF map key holds bytes, and
// an error's message is not in the error's bytes: it is rebuilt here from the captured memory
// (runtime/goiface.ts). So a map keyed by a Go value only user space spells (an interface, a
// struct, a slice: MapSpec.user) has no BPF map at all; each update is a map_update event that
// carries the keys, captured as print() captures them, and the value (1 for count()), and the
// entries are kept here by the keys' text: two errors.New("x") at two addresses are one key, as
// a reader of the output expects. Every kind of map works as in BPF (the aggregations, plain
// values, delete, clear, zero, print, percentile) and prints the same way (aggregations.ts's
// MapEntry). N.B. an update is an event: when the ring buffer is full it is lost, counted with
// the other lost events, and the map's values are then lower bounds (trace.ts says so).
import type { MapKind, MapSpec } from '../compiler/manifest.js';
import { LOG2_BUCKETS } from '../compiler/passes/types.js';
import { bucketCount, sortEntries, type MapEntry, type MapValue } from './aggregations.js';
import type { LiveEvent } from './session.js';
import { valueText, type Value } from './values.js';

/** One key's state: what every kind of map needs of it (a table row below reads its part). */
interface Cell {
  keys: Value[];
  /** Values added (avg, stats). */
  n: bigint;
  /** count: the updates; sum, avg, stats, hist: the sum of the values. */
  total: bigint;
  /** min(), max(), and the largest value of stats/hist/lhist; undefined: none yet. */
  best?: bigint;
  buckets?: bigint[];
  /** A plain value (`@m[k] = x`): the last one stored. */
  last?: Value;
}

interface KindRow {
  add(c: Cell, x: bigint, m: MapSpec): void;
  /** The entry's value as decodeEntries gives it for a BPF map; undefined: not shown. */
  value(c: Cell): MapValue | undefined;
}

const larger = (a: bigint | undefined, x: bigint) => (a === undefined || x > a ? x : a);
const smaller = (a: bigint | undefined, x: bigint) => (a === undefined || x < a ? x : a);

/** bpf-templates/gotrace.bpf.h's gt_log2_bucket: 0 for negatives, 1 for 0, then 2 + log2. */
export function log2Bucket(x: bigint): number {
  if (x < 0n) return 0;
  if (x === 0n) return 1;
  return x.toString(2).length + 1;
}

/** gt_linear_bucket: 0 below min, then one per step, the last for max and above. */
export function linearBucket(x: bigint, lh: { min: number; max: number; step: number }): number {
  const [min, max, step] = [BigInt(lh.min), BigInt(lh.max), BigInt(lh.step)];
  if (x < min) return 0;
  return Number(((x >= max ? max : x) - min) / step) + 1;
}

const bucketed = (bucket: (x: bigint, m: MapSpec) => number): KindRow => ({
  add: (c, x, m) => {
    c.buckets ??= new Array<bigint>(bucketCount(m)).fill(0n);
    c.buckets[bucket(x, m)] += 1n;
    c.total += x;
    c.best = larger(c.best, x);
  },
  value: (c) => ({ type: 'hist', buckets: c.buckets!, sum: c.total, max: c.best }),
});

const plain: KindRow = {
  add: () => {},
  value: (c) => (c.last?.type === 'int' ? { type: 'int', value: c.last.value } : c.last && { type: 'scalar', value: c.last }),
};

const KINDS: Record<MapKind, KindRow> = {
  count: { add: (c) => void (c.total += 1n), value: (c) => ({ type: 'int', value: c.total }) },
  sum: { add: (c, x) => void (c.total += x), value: (c) => ({ type: 'int', value: c.total }) },
  avg: {
    add: (c, x) => {
      c.n += 1n;
      c.total += x;
    },
    value: (c) => ({ type: 'int', value: c.n === 0n ? 0n : c.total / c.n, avg: { count: c.n, total: c.total } }),
  },
  min: {
    add: (c, x) => void (c.best = smaller(c.best, x)),
    value: (c) => (c.best === undefined ? undefined : { type: 'int', value: c.best }),
  },
  max: {
    add: (c, x) => void (c.best = larger(c.best, x)),
    value: (c) => (c.best === undefined ? undefined : { type: 'int', value: c.best }),
  },
  stats: {
    add: (c, x) => {
      c.n += 1n;
      c.total += x;
      c.best = larger(c.best, x);
      c.buckets ??= new Array<bigint>(LOG2_BUCKETS).fill(0n);
      c.buckets[log2Bucket(x)] += 1n;
    },
    value: (c) => ({
      type: 'stats',
      count: c.n,
      average: c.n === 0n ? 0n : c.total / c.n,
      total: c.total,
      max: c.best,
      buckets: c.buckets ?? new Array<bigint>(LOG2_BUCKETS).fill(0n),
    }),
  },
  hist: bucketed((x) => log2Bucket(x)),
  lhist: bucketed((x, m) => linearBucket(x, m.lhist!)),
  int: plain,
  str: plain,
};

/** The text that identifies a key: its values as printed. */
function keyId(keys: Value[]): string {
  return JSON.stringify(keys.map(valueText));
}

/** The maps of a program kept in user space, with their entries. */
export class UserMaps {
  private readonly cells = new Map<string, Map<string, Cell>>();
  /** New keys refused because the map had --map-keys of them (a BPF map's limit too). */
  private readonly refused = new Map<string, bigint>();

  constructor(
    private readonly specs: readonly MapSpec[],
    private readonly maxKeys: number,
  ) {}

  /** Applies a map_update or map_delete event; false for any other event. */
  take(e: LiveEvent): boolean {
    if (e.spec.kind !== 'map_update' && e.spec.kind !== 'map_delete') return false;
    const spec = this.specs.find((m) => m.name === e.spec.map);
    if (!spec) return true;
    if (e.spec.kind === 'map_delete') this.of(spec).delete(keyId(e.args));
    else this.update(spec, e.args.slice(0, -1), e.args[e.args.length - 1]);
    return true;
  }

  private of(spec: MapSpec): Map<string, Cell> {
    let m = this.cells.get(spec.name);
    if (!m) this.cells.set(spec.name, (m = new Map()));
    return m;
  }

  private update(spec: MapSpec, keys: Value[], v: Value): void {
    const cells = this.of(spec);
    const id = keyId(keys);
    let c = cells.get(id);
    if (!c) {
      if (cells.size >= this.maxKeys) {
        this.refused.set(spec.name, (this.refused.get(spec.name) ?? 0n) + 1n);
        return;
      }
      cells.set(id, (c = { keys, n: 0n, total: 0n }));
    }
    if (spec.kind === 'int' || spec.kind === 'str') c.last = v;
    else KINDS[spec.kind].add(c, v.type === 'int' ? v.value : 0n, spec);
  }

  /** The entries, sorted as bpftrace sorts a map. */
  entries(spec: MapSpec): MapEntry[] {
    const out: MapEntry[] = [];
    for (const c of this.of(spec).values()) {
      const value = KINDS[spec.kind].value(c);
      if (value) out.push({ keys: c.keys, value });
    }
    return sortEntries(out);
  }

  /** One key's value (percentile()), undefined when the key has none. */
  lookup(spec: MapSpec, keys: Value[]): MapValue | undefined {
    const c = this.of(spec).get(keyId(keys));
    return c && KINDS[spec.kind].value(c);
  }

  clear(spec: MapSpec): void {
    this.of(spec).clear();
  }

  /** zero(@m): as zeroing a BPF map's values, the keys kept (a min/max then shows nothing). */
  zero(spec: MapSpec): void {
    for (const c of this.of(spec).values()) {
      c.n = c.total = 0n;
      c.best = undefined;
      c.buckets = c.buckets?.map(() => 0n);
      if (c.last) c.last = c.last.type === 'int' ? { type: 'int', value: 0n } : { type: 'str', value: '' };
    }
  }

  /** New keys refused for lack of room, by map name. */
  refusedKeys(name: string): bigint {
    return this.refused.get(name) ?? 0n;
  }
}

/** Said after the lost-event count: updates of maps kept in user space were among the events
 *  lost, so what those maps show is short of what happened. */
export function lowerBoundsNote(maps: readonly MapSpec[]): string | undefined {
  const names = maps.filter((m) => m.user).map((m) => m.name);
  if (names.length === 0) return undefined;
  const one = names.length === 1;
  return `${names.join(', ')} ${one ? 'is' : 'are'} kept in user space from events, and events were lost: ${one ? 'its' : 'their'} values are lower bounds (counts and sums short, histograms missing values)\n`;
}
