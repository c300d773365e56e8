/* percentile(@h[keys], P) as a value in BPF: the same number user space's percentile() gives
 * (runtime/percentiles.ts), from the same buckets. Included by gotrace.bpf.h.
 *
 * The buckets of one key are read across every CPU: hist()/lhist() keep one per-CPU entry per
 * (keys, bucket) (struct gt_hist), stats() one per-CPU struct gt_stats per key. Two passes
 * over the buckets: the first sums the counts and finds the largest value, the second runs up
 * to the rank ceil(P% of the total) (at least 1). The value is the largest one the bucket
 * holding the rank can hold, capped by the exact max.
 *
 * N.B. loops are bpf_loop() callbacks, not C loops: the verifier checks a callback once, where a
 * bounded loop of up to 1,002 lhist buckets times the CPUs would be walked iteration by
 * iteration (past its 1M-instruction limit). gt_percentile is one BPF function, not inlined at
 * each use. It costs 2 x buckets x (CPUs + 1) map lookups: fine in END or an interval, costly
 * on a hot probe. */
#ifndef GOTRACE_PERCENTILE_BPF_H
#define GOTRACE_PERCENTILE_BPF_H

/* CPUs are read until bpf_map_lookup_percpu_elem() finds no slot (past nr_cpu_ids, or the entry
 * is gone); NR_CPUS is at most 8192. */
#define GT_PCT_MAX_CPUS 8192

#define GT_PCT_HIST 0
#define GT_PCT_LHIST 1
#define GT_PCT_STATS 2

/* What a call site knows at compile time (on its stack): the map's kind, its buckets and, for
 * lhist, its bounds; and P. */
struct gt_pct_in {
	__u64 kind;
	__u64 n;
	__u64 p;
	__s64 lmin;
	__s64 lmax;
	__s64 lstep;
};

/* The state the callbacks share. `bucketp` is the key's bucket field (hist, lhist) or `spare`
 * (stats, whose key has none). */
struct gt_pct {
	void *map;
	void *key;
	__s64 *bucketp;
	__u64 stats;
	__u64 bucket;
	__u64 count; /* of the bucket being read, over every CPU */
	__u64 maxb;  /* the largest biased max (GT_MAX_BIAS) seen; 0: none */
	__u64 total;
	__u64 rank; /* 0 in the first pass */
	__u64 run;
	__u64 found;
	__s64 spare;
};

/* One CPU's slot of the current bucket; stops at the first CPU with none. */
static long gt_pct_cpu(__u32 cpu, void *arg)
{
	struct gt_pct *c = arg;
	if (c->stats) {
		struct gt_stats *s = bpf_map_lookup_percpu_elem(c->map, c->key, cpu);
		__u64 b = c->bucket;
		if (!s || b >= GT_LOG2_BUCKETS)
			return 1;
		c->count += s->b[b];
		if (s->maxb > c->maxb)
			c->maxb = s->maxb;
		return 0;
	}
	struct gt_hist *h = bpf_map_lookup_percpu_elem(c->map, c->key, cpu);
	if (!h)
		return 1;
	c->count += h->count;
	if (h->maxb > c->maxb)
		c->maxb = h->maxb;
	return 0;
}

/* Bucket i: its count over the CPUs, added to the total (first pass) or to the running count,
 * ending the second pass at the bucket that reaches the rank. */
static long gt_pct_bucket(__u32 i, void *arg)
{
	struct gt_pct *c = arg;
	c->bucket = i;
	*c->bucketp = i;
	c->count = 0;
	bpf_loop(GT_PCT_MAX_CPUS, gt_pct_cpu, c, 0);
	if (!c->rank) {
		c->total += c->count;
		return 0;
	}
	c->run += c->count;
	if (c->run < c->rank)
		return 0;
	c->found = i;
	return 1;
}

/* The largest value bucket i holds (runtime/percentiles.ts, bucketRange), before the cap. */
static __always_inline __s64 gt_pct_top(struct gt_pct_in *in, __u64 i, __s64 max, int has_max)
{
	if (in->kind == GT_PCT_LHIST) {
		if (i == 0)
			return in->lmin - 1;
		if (i == in->n - 1)
			return has_max ? max : in->lmax;
		__s64 hi = in->lmin + (__s64)i * in->lstep;
		return (hi < in->lmax ? hi : in->lmax) - 1;
	}
	if (i == 0)
		return -1;
	/* [2^(i-2), 2^(i-1)); the last bucket's top (2^64 - 1) is past every max. */
	if (i < 65)
		return (__s64)((1ULL << (i - 1)) - 1);
	return has_max ? max : -1;
}

/* percentile(): 0 for an empty (or absent) key, as user space gives. */
static __noinline __s64 gt_percentile(void *map, void *key, __s64 *bucketp, struct gt_pct_in *in)
{
	struct gt_pct c = { .map = map, .key = key, .bucketp = bucketp, .stats = in->kind == GT_PCT_STATS };
	if (!bucketp)
		c.bucketp = &c.spare;
	bpf_loop(in->n, gt_pct_bucket, &c, 0);
	if (!c.total)
		return 0;
	/* ceil(total * p / 100) without overflowing: total = 100q + r. */
	__u64 p = in->p;
	c.rank = (c.total / 100) * p + ((c.total % 100) * p + 99) / 100;
	if (!c.rank)
		c.rank = 1;
	c.found = in->n - 1;
	bpf_loop(in->n, gt_pct_bucket, &c, 0);
	int has_max = c.maxb != 0;
	__s64 max = (__s64)GT_MAX_BIAS(c.maxb);
	__s64 top = gt_pct_top(in, c.found, max, has_max);
	return has_max && max < top ? max : top;
}

#endif
