// What a session lost besides ring-buffer events, read from the BPF side's counters: updates a
// full map refused (--map-keys) or other CPUs kept winning (map_contended), calls whose entry was evicted from the full in-flight table
// (--calls-in-flight) so that their return went untraced, while loops cut off at their bound,
// events skipped because a program preempted on the same CPU held the scratch space.
// Reported at the end on stderr and as one JSON line, never hidden.
import type { DropSpec } from '../compiler/manifest.js';

/** Keys a script map holds by default. Maps are not preallocated, so a large bound costs
 *  memory only when keys exist. */
export const DEFAULT_MAP_KEYS = 65536;
/** Calls traced at once (entries waiting for their return), over every goroutine: room for
 *  a server with a hundred thousand requests in flight. Preallocated (LRU): ~160 bytes each. */
export const DEFAULT_CALLS_IN_FLIGHT = 131072;

/** GT_CAS_TRIES of gotrace.bpf.h: the tries of an atomic compound assignment (`@m *= 2`). */
export const CAS_TRIES = 32;

export interface Sizes {
  mapKeys: number;
  callsInFlight: number;
}

export type Drop =
  | { kind: 'map_full'; map: string; count: bigint; limit: number }
  | { kind: 'map_contended'; map: string; count: bigint }
  | { kind: 'loop_cut'; at: string; count: bigint; limit: number }
  | { kind: 'calls_evicted'; count: bigint; limit: number }
  | { kind: 'scratch_busy'; count: bigint };

/** The counters of gt_stats (GT_STAT_* slots of shared.h) and what is left in gt_calls. */
export interface CallStats {
  started: bigint;
  returned: bigint;
  left: bigint;
}

/** Every non-zero loss. `slots` are gt_drops' counters, summed over CPUs, in manifest order. */
export function collectDrops(specs: DropSpec[], slots: bigint[], calls: CallStats, sizes: Sizes): Drop[] {
  const out: Drop[] = [];
  specs.forEach((d, i) => {
    const count = slots[i] ?? 0n;
    if (count === 0n) return;
    if (d.kind === 'map_full') out.push({ kind: 'map_full', map: d.map, count, limit: sizes.mapKeys });
    else if (d.kind === 'map_contended') out.push({ kind: 'map_contended', map: d.map, count });
    else if (d.kind === 'loop_cut') out.push({ kind: 'loop_cut', at: d.at, count, limit: d.limit });
    else out.push({ kind: 'scratch_busy', count });
  });
  // An entry leaves gt_calls by its return or by eviction: what is neither is evicted.
  const evicted = calls.started - calls.returned - calls.left;
  if (evicted > 0n) out.push({ kind: 'calls_evicted', count: evicted, limit: sizes.callsInFlight });
  return out;
}

/** One stderr line per loss, saying what was lost and the option that moves the limit. */
export function dropText(d: Drop): string {
  switch (d.kind) {
    case 'map_full':
      return `${d.count} map updates dropped (${d.map} full at ${d.limit} keys: raise --map-keys)`;
    case 'map_contended':
      return `${d.count} map updates dropped (${d.map}: lost ${CAS_TRIES} compare-and-swaps in a row to other CPUs)`;
    case 'loop_cut':
      return `${d.count} while loops cut off at ${d.limit} iterations (${d.at})`;
    case 'calls_evicted':
      return `${d.count} calls in flight dropped (more than --calls-in-flight ${d.limit} at once): their returns were not traced`;
    case 'scratch_busy':
      return `${d.count} events skipped: scratch space busy (preempted program on the same CPU)`;
  }
}

/** The JSON form (numbers: counts stay far below 2^53). */
export function dropJson(d: Drop): Record<string, unknown> {
  return { ...d, count: Number(d.count) };
}
