// Percentiles of histograms: hist()/lhist() maps, stats()'s log2 buckets, and percentile().
//
// N.B. a histogram keeps counts per bucket, not the values: a percentile is known only to lie in
// one bucket. Its number here is the largest value that bucket can hold (its upper bound minus
// one), capped by the exact largest value, which every hist/lhist/stats keeps beside its
// buckets. So for hist() and stats() (log2 buckets) the true percentile v satisfies
// v <= shown <= 2v - 1 for positive v, and shown is exact when the bucket holds one value ([0],
// [1], an lhist step of 1) or when the percentile is the max. The text output prints the
// bucket itself, which says the same without a number that looks exact.
import type { MapSpec } from '../compiler/manifest.js';

const BIAS = 1n << 63n;

/** The largest of per-CPU slots of biased maxima (GT_MAX_BIAS: x ^ 2^63, 0 = no value). */
export function maxBiased(slots: bigint[], start: bigint): bigint {
  let m = start;
  for (const s of slots) {
    const u = BigInt.asUintN(64, s);
    if (u > m) m = u;
  }
  return m;
}

/** The value of a biased maximum, undefined for none. */
export function unbias(u: bigint): bigint | undefined {
  return u === 0n ? undefined : BigInt.asIntN(64, u ^ BIAS);
}

/** What percentiles need of a map: its kind and lhist bounds. */
export type BucketShape = Pick<MapSpec, 'kind' | 'lhist'>;

/** Bucket i's values: lo <= v < hi (undefined: unbounded on that side). */
export function bucketRange(m: BucketShape, i: number, n: number): { lo?: bigint; hi?: bigint } {
  if (m.kind === 'lhist') {
    const { min, max, step } = m.lhist!;
    if (i === 0) return { hi: BigInt(min) };
    if (i === n - 1) return { lo: BigInt(max) };
    return { lo: BigInt(min + (i - 1) * step), hi: BigInt(Math.min(max, min + i * step)) };
  }
  if (i === 0) return { hi: 0n };
  if (i === 1) return { lo: 0n, hi: 1n };
  return { lo: 1n << BigInt(i - 2), hi: 1n << BigInt(i - 1) };
}

/** The bucket holding the p-th percentile (0-100): the first whose running count reaches
 *  ceil(p% of the total), at least 1 (p 0 is the smallest value's bucket); -1 when empty. */
export function percentileBucket(buckets: bigint[], p: number): number {
  const total = buckets.reduce((a, b) => a + b, 0n);
  if (total === 0n) return -1;
  // In millionths of a percent: exact for the integer and decimal percentiles scripts write.
  const scaled = BigInt(Math.round(p * 1e6));
  let rank = (total * scaled + 100n * 1000000n - 1n) / (100n * 1000000n);
  if (rank < 1n) rank = 1n;
  let run = 0n;
  for (let i = 0; i < buckets.length; i++) {
    run += buckets[i];
    if (run >= rank) return i;
  }
  return buckets.length - 1;
}

/** The p-th percentile as a number: the largest value its bucket holds, capped by `max` (see
 *  the top of this file); undefined when the histogram is empty. */
export function percentileValue(m: BucketShape, buckets: bigint[], max: bigint | undefined, p: number): bigint | undefined {
  const i = percentileBucket(buckets, p);
  if (i < 0) return undefined;
  const { lo, hi } = bucketRange(m, i, buckets.length);
  const top = hi !== undefined ? hi - 1n : (max ?? lo!);
  return max !== undefined && max < top ? max : top;
}

/** The percentiles the text output shows under a histogram. */
export const HIST_PERCENTILES = [50, 90, 99];
/** ... and after stats()'s count, average and total. */
export const STATS_PERCENTILES = [50, 99];
