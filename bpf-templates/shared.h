/* Structures shared between the BPF side and user space: compiler/manifest.ts mirrors struct
 * gt_config (RODATA_LAYOUT), runtime/session.ts reads struct gt_event_hdr (the 16 bytes before
 * each event's fields, laid out by compiler/passes/types.ts). Keep every field 8-byte aligned so
 * both sides agree without padding rules. */
#ifndef GOTRACE_SHARED_H
#define GOTRACE_SHARED_H

/* Per-target parameters, one read-only struct: a compiled object is reusable for any binary and
 * any pid because these are filled in by the loader (libbpf's .rodata initial value), not
 * compiled in. The loader writes them in this order, 8 bytes each. */
struct gt_config {
	__u64 goid_offset;     /* offsetof(runtime.g, goid), from DWARF or the version table */
	__u64 stack_hi_offset; /* offsetof(runtime.g, stack.hi): 8 in every release */
	__u64 target_tgid;     /* 0: every process running the binary */
	__u64 start_ns;        /* bpf_ktime_get_ns() when tracing started */
};

/* Identity of one live call: the process, the goroutine, and how deep its stack was at entry.
 * Depth is measured from g.stack.hi, so it survives the runtime copying the stack to a bigger
 * one. N.B. goids and depths are per process: two processes of one binary traced binary-wide
 * (no -p) have the same goroutine 1 at the same depth, so without the tgid one process's return
 * would take the other's entry (wrong time, wrong arguments). */
struct gt_call_key {
	__u64 tgid;
	__u64 goid;
	__u64 depth;
	__u64 probe;
};

/* What an entry leaves for its return: the time, and the integer argument registers of Go's
 * register ABI (RAX RBX RCX RDI RSI R8 R9 R10 R11), which are gone by the time the call returns. */
struct gt_call {
	__u64 start_ns;
	__u64 args[9];
};

/* Every event sent through the ring buffer starts with this header; the manifest's event
 * table says what follows. */
struct gt_event_hdr {
	__u64 event; /* index into the manifest's events */
	__u64 probe; /* which probe (block x function) sent it */
};

#define GT_USTACK_DEPTH 16

/* Slots of gt_stats (per-CPU counters of the entry/return table, summed by user space). Calls
 * lost to a full table are what was entered and neither returned nor is still in the table:
 * STARTED - RETURNED - (entries left at the end); REPLACED counts entries found stale. */
#define GT_STAT_CALLS_STARTED 0
#define GT_STAT_CALLS_RETURNED 1
#define GT_STAT_CALLS_REPLACED 2
#define GT_STAT_SLOTS 4

/* avg() and stats() keep a count and a sum per CPU; user space merges them. */
struct gt_avg {
	__s64 count;
	__s64 sum;
};

/* hist() has 66 log2 buckets (every 64-bit value); stats() keeps them too, for its p50/p99. */
#define GT_LOG2_BUCKETS 66

/* stats(): count and sum as avg(), the largest value (biased: GT_MAX_BIAS), and the log2
 * buckets of every value, from which user space takes p50/p99 (bucket bounds capped by max). */
struct gt_stats {
	__s64 count;
	__s64 sum;
	__u64 maxb;
	__s64 b[GT_LOG2_BUCKETS];
};

/* hist()/lhist(): one entry per (keys, bucket) holding its count, the sum of its values (the
 * exporters' exact _sum) and the largest value it saw (biased: GT_MAX_BIAS), so that percentiles
 * are capped by the exact max and the percentile line prints it, without a key more. */
struct gt_hist {
	__s64 count;
	__s64 sum;
	__u64 maxb;
};

#endif
