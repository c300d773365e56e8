/* gotrace's BPF helpers: Go's goroutine identity, entry/return pairing and aggregations.
 * Included once by the generated program (program.bpf.c); every helper is always_inline. */
#ifndef GOTRACE_BPF_H
#define GOTRACE_BPF_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "shared.h"

/* The uprobe context: x86-64 pt_regs in the kernel's layout. Declared here rather than taken
 * from asm/ptrace.h so the names do not depend on __KERNEL__ and the template compiles alone. */
struct gt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

/* In a section of its own so that it sits at offset 0 of its map whatever else clang puts in
 * .rodata (string constants, say): the loader writes it without reading BTF. */
const volatile struct gt_config gt_cfg SEC(".rodata.gotrace") = {};

/* Entry timestamps of calls in flight. Its size is set at load time (--calls-in-flight), so a
 * compiled object serves every size.
 * N.B. LRU, because a call unwound by a panic never reaches a RET and its entry would otherwise
 * stay forever: net/http recovers handler panics, so a server would fill a plain hash with dead
 * entries and every later call would be refused. The price: when more calls are in flight than
 * the table holds, LRU evicts live entries without telling anyone, and their returns go
 * untraced. Those are counted, not seen: gt_stats counts entries put in and taken out by a
 * return, and user space subtracts what is left in the table at the end (an evicted entry is
 * the only other way out). Dead entries of panicked calls evicted under pressure count too. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct gt_call_key);
	__type(value, struct gt_call);
} gt_calls SEC(".maps");

/* Counters about gt_calls (GT_STAT_* slots). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GT_STAT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} gt_stats SEC(".maps");

/* The script's losses, one slot each (the manifest's drops say which): updates refused by a
 * full map (--map-keys), while loops cut off at their bound. Sized at load time. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} gt_drops SEC(".maps");

static __always_inline void gt_count(void *map, __u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(map, &slot);
	if (n)
		*n += 1;
}

/* Events for user space: printf, print, exit, ... */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} gt_events SEC(".maps");

/* Events that found the ring buffer full: counted, and reported by user space, never hidden. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} gt_lost SEC(".maps");

static __always_inline void *gt_event_reserve(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&gt_events, size, 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *lost = bpf_map_lookup_elem(&gt_lost, &zero);
		if (lost)
			*lost += 1;
	}
	return e;
}

/* Scratch space: map keys, string map values, string variables and string comparisons live
 * here rather than on the 512-byte BPF stack. The generated program declares struct gt_scratch
 * with the size its largest block needs after a guard word `busy` (in all at most
 * GT_SCRATCH_MAX, the kernel's limit on a per-CPU value).
 * N.B. per-CPU alone is NOT exclusive. Uprobe programs do not run with preemption disabled:
 * bpf_prog_run_array_uprobe (include/linux/bpf.h, perf-event uprobes) and uprobe_prog_run
 * (kernel/trace/bpf_trace.c, uprobe_multi) only take migrate_disable() and an RCU read lock
 * (rcu_read_lock_trace for sleepable programs), and neither bumps bpf_prog_active. On a
 * preemptible kernel (PREEMPT_RCU: this one is PREEMPT_DYNAMIC) a program can be preempted
 * mid-block by another task that hits a probe on the same CPU and runs a block over the same
 * scratch; and a perf-event program (profile, interval) can interrupt a uprobe program on any
 * kernel, since bpf_prog_active does not tell it one is running. Either would silently corrupt
 * the first program's keys and strings. So every block that uses scratch holds `busy` while it
 * runs (the generated gt_blockN wraps the block's body: scratch.ts, blockWrapper), and a block
 * that finds it held skips its event and counts it in gt_drops (reported: "events skipped:
 * scratch space busy"). The program migrate_disable() pins to this CPU, so a per-CPU word is
 * the right lock; its cost is nil: it sits in the scratch value the block looks up anyway. */
#define GT_SCRATCH_MAX 32768

/* Takes the CPU's scratch guard; 0 (and the event counted in gt_drops slot `drop`) when a
 * program this one preempted or interrupted holds it. N.B. an atomic add, then a read: the
 * holder is whoever reads exactly 1. Preemption can fall between any two instructions, so a
 * plain test-then-set would let two programs both see 0; and an add that returns the old value
 * needs BPF v3 (-mcpu=v3), which the build does not ask for. Two contenders may both back off
 * (both counted): never both hold. */
static __always_inline int gt_scratch_take(__u64 *busy, __u32 drop)
{
	__sync_fetch_and_add(busy, 1);
	if (*(volatile __u64 *)busy == 1)
		return 1;
	__sync_fetch_and_add(busy, -1);
	gt_count(&gt_drops, drop);
	return 0;
}

static __always_inline void gt_scratch_give(__u64 *busy)
{
	__sync_fetch_and_add(busy, -1);
}
#define GT_STRLEN_MAX 1024

/* A compiler barrier. N.B. the BPF backend lowers a memset of at most 128 stores (1024 bytes at
 * 8-byte alignment) to stores and anything bigger to a call to memset, which BPF cannot make;
 * LLVM merges adjacent memsets into one, so the generated code puts a barrier after each. */
#define gt_barrier() asm volatile("" ::: "memory")

/* Where a PIE binary is loaded in the traced process: the runtime subtracts it from stack
 * addresses before symbolizing. Entry programs note it (their IP minus the site's link-time
 * address) only when the script prints stacks or symbols of a PIE binary. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} gt_bias SEC(".maps");

static __always_inline void gt_note_bias(__u64 bias)
{
	__u32 zero = 0;
	__u64 *b = bpf_map_lookup_elem(&gt_bias, &zero);
	if (b && *b != bias)
		*b = bias;
}

/* Function probes share one entry and one return program per block; each site's BPF cookie
 * (set per site in the uprobe_multi link, or on each per-site link of the fallback) says which
 * probe fired: its low 32 bits are the probe id. */
static __always_inline __u64 gt_cookie_probe(struct gt_regs *ctx)
{
	return bpf_get_attach_cookie(ctx) & 0xffffffffULL;
}

/* The cookie's high 32 bits: the link-time address of the entry site, set only on entry sites
 * of a PIE whose stacks are read (0 elsewhere, inlined call sites included). */
static __always_inline void gt_cookie_note_bias(struct gt_regs *ctx)
{
	__u64 at = bpf_get_attach_cookie(ctx) >> 32;
	if (at)
		gt_note_bias(ctx->ip - at);
}

/* A Go user stack by frame pointers. At the sites gotrace probes (the entry site, before the
 * frame is built, and RET, after it is torn down) RBP is still the caller's frame pointer and
 * the return address into the caller is at [SP], so the walk is: IP, [SP], then the RBP chain. */
static __always_inline void gt_ustack(struct gt_regs *ctx, __u64 *out)
{
	__u64 fp = ctx->bp;
	out[0] = ctx->ip;
	bpf_probe_read_user(&out[1], sizeof(__u64), (void *)ctx->sp);
#pragma unroll
	for (int i = 2; i < GT_USTACK_DEPTH; i++) {
		__u64 frame[2] = {};
		if (!fp || bpf_probe_read_user(frame, sizeof(frame), (void *)fp))
			break;
		out[i] = frame[1];
		fp = frame[0];
	}
}

/* Only the traced process, when one was named (-p/-c); otherwise every process of the binary. */
static __always_inline int gt_pid_ok(void)
{
	if (!gt_cfg.target_tgid)
		return 1;
	return (bpf_get_current_pid_tgid() >> 32) == gt_cfg.target_tgid;
}

/* Go's ABIInternal keeps the current g in R14 at every function entry and return, so the
 * goroutine id is one read away: *(g + offsetof(g, goid)). */
static __always_inline __u64 gt_goid(struct gt_regs *ctx)
{
	__u64 goid = 0;
	bpf_probe_read_user(&goid, sizeof(goid), (void *)(ctx->r14 + gt_cfg.goid_offset));
	return goid;
}

/* goidof(g): the goroutine id of the runtime.g at `g`, for probes that see a goroutine other
 * than the one running (runtime.newproc1 runs on the system stack, R14 = g0, and is handed the
 * creating goroutine as callergp). An unreadable address reads 0. */
static __always_inline __s64 gt_goid_of(__s64 g)
{
	__u64 goid = 0;
	bpf_probe_read_user(&goid, sizeof(goid), (void *)(g + gt_cfg.goid_offset));
	return goid;
}

/* Distance from the top of the goroutine's stack to SP. At the entry site (before the frame is
 * built) and at each RET (after it is torn down) SP points at the return address, so entry and
 * return of one call agree, recursion levels differ, and stack copying (which moves stack.hi and
 * SP together) changes nothing. */
static __always_inline __u64 gt_depth(struct gt_regs *ctx)
{
	__u64 hi = 0;
	bpf_probe_read_user(&hi, sizeof(hi), (void *)(ctx->r14 + gt_cfg.stack_hi_offset));
	return hi - ctx->sp;
}

static __always_inline void gt_call_key_of(struct gt_regs *ctx, __u64 probe, struct gt_call_key *k)
{
	k->tgid = bpf_get_current_pid_tgid() >> 32;
	k->goid = gt_goid(ctx);
	k->depth = gt_depth(ctx);
	k->probe = probe;
}

/* The entry state of a call: time and Go's integer argument registers, in ABI order. */
static __always_inline void gt_fill_call(struct gt_regs *ctx, struct gt_call *c)
{
	c->start_ns = bpf_ktime_get_ns();
	c->args[0] = ctx->ax;
	c->args[1] = ctx->bx;
	c->args[2] = ctx->cx;
	c->args[3] = ctx->di;
	c->args[4] = ctx->si;
	c->args[5] = ctx->r8;
	c->args[6] = ctx->r9;
	c->args[7] = ctx->r10;
	c->args[8] = ctx->r11;
}

/* Record the entry of a call; its return finds it with gt_return(). An entry already under the
 * key belongs to a call of this goroutine at this depth that never returned (a panic unwound
 * it): it is replaced, and counted apart so that it is not taken for a new call. */
static __always_inline void gt_enter(struct gt_regs *ctx, __u64 probe)
{
	struct gt_call_key k = {};
	struct gt_call c = {};
	gt_call_key_of(ctx, probe, &k);
	gt_fill_call(ctx, &c);
	if (bpf_map_update_elem(&gt_calls, &k, &c, BPF_NOEXIST) == 0) {
		gt_count(&gt_stats, GT_STAT_CALLS_STARTED);
	} else if (bpf_map_update_elem(&gt_calls, &k, &c, BPF_ANY) == 0) {
		gt_count(&gt_stats, GT_STAT_CALLS_REPLACED);
	}
}

/* At a RET: the matching entry's record, copied out and removed, or 0 when the entry was not
 * seen (tracing started mid-call, or it was evicted: see gt_calls). */
static __always_inline int gt_return(struct gt_regs *ctx, __u64 probe, struct gt_call *out)
{
	struct gt_call_key k = {};
	gt_call_key_of(ctx, probe, &k);
	struct gt_call *c = bpf_map_lookup_elem(&gt_calls, &k);
	if (!c)
		return 0;
	*out = *c;
	if (bpf_map_delete_elem(&gt_calls, &k) == 0)
		gt_count(&gt_stats, GT_STAT_CALLS_RETURNED);
	return 1;
}

/* Integer maps (`@m[k] = v`) are shared by every CPU, so `@m[k] op= v`, `++` and `--` change
 * the value in place with one atomic instruction: a lookup, then an update of the sum, loses
 * one of two updates made at once on two CPUs (two threads' 400,000 `@n += 1` ended 363 short,
 * and goroutine-leaks.gt's `@alive[site] -= 1` on a worker's exit, racing the creator's `+= 1`,
 * left a site at 1). add, and, or, xor have their own instruction; the other operators retry a
 * compare-and-swap, and one that loses GT_CAS_TRIES races in a row is counted in gt_drops slot
 * `contended` (reported), never lost silently. */
#define GT_CAS_TRIES 32

/* The value of `key`, inserted as 0 when absent; NULL when the map is full (counted in slot
 * `drop`). N.B. a first insert made at once on another CPU fails ours (BPF_NOEXIST): the
 * lookup after it finds theirs. */
static __always_inline __s64 *gt_int_slot(void *map, void *key, __u32 drop)
{
	__s64 *v = bpf_map_lookup_elem(map, key);
	if (v)
		return v;
	__s64 zero = 0;
	bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
	v = bpf_map_lookup_elem(map, key);
	if (!v)
		gt_count(&gt_drops, drop);
	return v;
}

/* `fn` is __sync_fetch_and_add (or _and, _or, _xor) with its result unused: BPF's atomic
 * instruction without fetch, which needs no -mcpu=v3. */
#define GT_ATOMIC_RMW(map, key, fn, x, drop)                                        \
	do {                                                                        \
		__s64 *gt_p = gt_int_slot(map, key, drop);                           \
		if (gt_p)                                                            \
			fn(gt_p, (x));                                               \
	} while (0)

/* `next` is the new value computed from gt_old, the value it replaces. */
#define GT_ATOMIC_CAS(map, key, next, drop, contended)                              \
	do {                                                                        \
		__s64 *gt_p = gt_int_slot(map, key, drop);                           \
		if (gt_p) {                                                          \
			__s64 gt_old = *(volatile __s64 *)gt_p;                      \
			int gt_ok = 0;                                               \
			for (int gt_t = 0; gt_t < GT_CAS_TRIES && !gt_ok; gt_t++) {  \
				__s64 gt_seen = __sync_val_compare_and_swap(gt_p, gt_old, (next)); \
				gt_ok = gt_seen == gt_old;                           \
				gt_old = gt_seen;                                    \
			}                                                            \
			if (!gt_ok)                                                  \
				gt_count(&gt_drops, contended);                      \
		}                                                                    \
	} while (0)

/* Aggregations live in per-CPU hash maps: no atomics on the hot path, user space merges. A
 * first insert (or the += itself) could race with another program on the same CPU only through
 * preemption or a perf-event interrupt, and every map update runs in a block holding the
 * scratch guard (its key is in scratch); a failed BPF_NOEXIST insert then retries the lookup, and when
 * the key is still absent the map is full (--map-keys): the update is counted in gt_drops slot
 * `drop`, never lost silently. */
#define GT_PERCPU_ADD(map, key, delta, drop)                                        \
	do {                                                                        \
		__s64 *gt_v = bpf_map_lookup_elem(map, key);                         \
		if (gt_v) {                                                          \
			*gt_v += (delta);                                            \
		} else {                                                             \
			__s64 gt_init = (delta);                                     \
			if (bpf_map_update_elem(map, key, &gt_init, BPF_NOEXIST)) {  \
				gt_v = bpf_map_lookup_elem(map, key);                \
				if (gt_v)                                            \
					*gt_v += (delta);                            \
				else                                                 \
					gt_count(&gt_drops, drop);                   \
			}                                                            \
		}                                                                    \
	} while (0)

#define GT_PERCPU_AVG(map, key, x, drop)                                            \
	do {                                                                        \
		struct gt_avg *gt_a = bpf_map_lookup_elem(map, key);                 \
		if (!gt_a) {                                                         \
			struct gt_avg gt_init = {};                                  \
			bpf_map_update_elem(map, key, &gt_init, BPF_NOEXIST);        \
			gt_a = bpf_map_lookup_elem(map, key);                        \
		}                                                                    \
		if (gt_a) {                                                          \
			gt_a->count += 1;                                            \
			gt_a->sum += (x);                                            \
		} else {                                                             \
			gt_count(&gt_drops, drop);                                   \
		}                                                                    \
	} while (0)

/* min/max keep (value, set) so that an unset CPU slot does not read as 0 when merged. */
#define GT_PERCPU_MINMAX(map, key, x, cmp, drop)                                    \
	do {                                                                        \
		struct gt_avg *gt_m = bpf_map_lookup_elem(map, key);                 \
		__s64 gt_x = (x);                                                    \
		if (!gt_m) {                                                         \
			struct gt_avg gt_init = {};                                  \
			bpf_map_update_elem(map, key, &gt_init, BPF_NOEXIST);        \
			gt_m = bpf_map_lookup_elem(map, key);                        \
		}                                                                    \
		if (gt_m) {                                                          \
			if (!gt_m->count || gt_x cmp gt_m->sum)                      \
				gt_m->sum = gt_x;                                    \
			gt_m->count = 1;                                             \
		} else {                                                             \
			gt_count(&gt_drops, drop);                                   \
		}                                                                    \
	} while (0)

/* Largest values in per-CPU slots: stored as x ^ 2^63 (GT_MAX_BIAS), so that the zero a CPU's
 * slot starts with is below every value and an unsigned max over the CPUs merges them (user
 * space undoes the bias; 0 means no value). */
#define GT_MAX_BIAS(x) ((__u64)(x) ^ (1ULL << 63))

/* hist()/lhist(): a bucket's count, sum and largest value (struct gt_hist), inserted as
 * GT_PERCPU_ADD inserts. */
#define GT_PERCPU_HIST(map, key, x, drop)                                           \
	do {                                                                        \
		__u64 gt_hb = GT_MAX_BIAS(x);                                        \
		struct gt_hist *gt_hv = bpf_map_lookup_elem(map, key);               \
		if (!gt_hv) {                                                        \
			struct gt_hist gt_init = { 1, (x), gt_hb };                  \
			if (!bpf_map_update_elem(map, key, &gt_init, BPF_NOEXIST))   \
				break;                                               \
			gt_hv = bpf_map_lookup_elem(map, key);                       \
		}                                                                    \
		if (gt_hv) {                                                         \
			gt_hv->count += 1;                                           \
			gt_hv->sum += (x);                                           \
			if (gt_hb > gt_hv->maxb)                                     \
				gt_hv->maxb = gt_hb;                                 \
		} else {                                                             \
			gt_count(&gt_drops, drop);                                   \
		}                                                                    \
	} while (0)

/* stats(): `zero` points to sizeof(struct gt_stats) zero bytes (scratch space: the struct is
 * larger than the BPF stack allows) for the first insert. */
#define GT_PERCPU_STATS(map, key, x, zero, drop)                                    \
	do {                                                                        \
		__s64 gt_x = (x);                                                    \
		struct gt_stats *gt_st = bpf_map_lookup_elem(map, key);              \
		if (!gt_st) {                                                        \
			bpf_map_update_elem(map, key, zero, BPF_NOEXIST);            \
			gt_st = bpf_map_lookup_elem(map, key);                       \
		}                                                                    \
		if (gt_st) {                                                         \
			__s64 gt_bk = gt_log2_bucket(gt_x);                          \
			gt_st->count += 1;                                           \
			gt_st->sum += gt_x;                                          \
			if (GT_MAX_BIAS(gt_x) > gt_st->maxb)                         \
				gt_st->maxb = GT_MAX_BIAS(gt_x);                     \
			if (gt_bk >= 0 && gt_bk < GT_LOG2_BUCKETS)                   \
				gt_st->b[gt_bk] += 1;                                \
		} else {                                                             \
			gt_count(&gt_drops, drop);                                   \
		}                                                                    \
	} while (0)

/* Go's integer division and remainder: truncated toward zero, the remainder taking the
 * dividend's sign (-7 / 2 == -3, -7 % 2 == -1).
 * N.B. BPF before ISA v4 (which clang 14 cannot emit) divides unsigned only: the magnitudes
 * are divided and the sign put back. Division by zero gives 0 and x % 0 gives x, as the BPF
 * instructions do (tested here: clang folds a division by a known zero into anything);
 * MinInt64 / -1 wraps to MinInt64, as in Go. */
static __always_inline __s64 gt_sdiv(__s64 a, __s64 b)
{
	__u64 ua = a < 0 ? 0 - (__u64)a : (__u64)a;
	__u64 ub = b < 0 ? 0 - (__u64)b : (__u64)b;
	__u64 q = ub ? ua / ub : 0;
	return (__s64)(((a < 0) != (b < 0)) ? 0 - q : q);
}

static __always_inline __s64 gt_smod(__s64 a, __s64 b)
{
	__u64 ua = a < 0 ? 0 - (__u64)a : (__u64)a;
	__u64 ub = b < 0 ? 0 - (__u64)b : (__u64)b;
	__u64 r = ub ? ua % ub : ua;
	return (__s64)(a < 0 ? 0 - r : r);
}

/* The integer in the low `size` bytes of `v`, sign- or zero-extended. `size` is a constant at
 * every (inlined) call, so the switch folds away. */
static __always_inline __s64 gt_extend(__u64 v, __u32 size, int sign)
{
	switch (size) {
	case 1:
		return sign ? (__s64)(__s8)v : (__s64)(__u8)v;
	case 2:
		return sign ? (__s64)(__s16)v : (__s64)(__u16)v;
	case 4:
		return sign ? (__s64)(__s32)v : (__s64)(__u32)v;
	}
	return (__s64)v;
}

/* A Go integer of `size` bytes at a user address; 0 when unreadable. */
static __always_inline __s64 gt_read_int(__u64 addr, __u32 size, int sign)
{
	__u64 v = 0;
	if (size > 8 || bpf_probe_read_user(&v, size, (void *)addr))
		return 0;
	return gt_extend(v, size, sign);
}

/* A Go string (pointer and length, not NUL-terminated) into a zeroed buffer of `cap` bytes,
 * cut to cap - 1 bytes. Unreadable memory leaves the marker "<fault>", never garbage. Returns
 * the bytes kept, or -1 for a fault: captures for print()/%v store it, so that a string's NULs
 * (trailing ones included) print as Go prints them. */
static __always_inline __s64 gt_read_gostr(char *dst, __u64 cap, __u64 ptr, __u64 len)
{
	__u64 n = len;
	if (n > cap - 1)
		n = cap - 1;
	if (n == 0)
		return 0;
	if (bpf_probe_read_user(dst, n, (void *)ptr)) {
		__builtin_memset(dst, 0, 8);
		__builtin_memcpy(dst, "<fault>", 7);
		return -1;
	}
	return n;
}

/* A Go string whose header (pointer, length) is itself in user memory, e.g. a struct field
 * reached through a pointer: an unreadable header is marked too. */
static __always_inline __s64 gt_read_gostr_at(char *dst, __u64 cap, __u64 addr)
{
	__u64 hdr[2] = {};
	if (!addr || bpf_probe_read_user(hdr, sizeof(hdr), (void *)addr)) {
		__builtin_memset(dst, 0, 8);
		__builtin_memcpy(dst, "<fault>", 7);
		return -1;
	}
	return gt_read_gostr(dst, cap, hdr[0], hdr[1]);
}

/* bpftrace's str(ptr): a NUL-terminated C string. */
static __always_inline void gt_read_cstr(char *dst, __u64 cap, __u64 ptr)
{
	if (bpf_probe_read_user_str(dst, cap, (void *)ptr) < 0) {
		__builtin_memset(dst, 0, 8);
		__builtin_memcpy(dst, "<fault>", 7);
	}
}

/* String equality over the first n bytes (a constant per call: the smaller buffer's size, so
 * its terminating NULs take part), 8 bytes at a time: both operands sit 8-aligned in scratch
 * space and are zero-padded, so this is byte-for-byte equality, as Go's ==, NULs included.
 * N.B. a loop the verifier walks, not an unrolled one: unrolled over 1024 bytes, every
 * comparison would cost hundreds of instructions. */
static __always_inline int gt_streq(const char *a, const char *b, int n)
{
	const __u64 *x = (const __u64 *)a;
	const __u64 *y = (const __u64 *)b;
#pragma clang loop unroll(disable)
	for (int i = 0; i < GT_STRLEN_MAX / 8; i++) {
		if (i >= n / 8)
			return 1;
		if (x[i] != y[i])
			return 0;
	}
	return 1;
}

/* hist() buckets as bpftrace numbers them: 0 for negatives, 1 for 0, then 2 + floor(log2(v)). */
static __always_inline __s64 gt_log2_bucket(__s64 v)
{
	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	__u64 x = v;
	__s64 r = 0;
	if (x >> 32) { x >>= 32; r += 32; }
	if (x >> 16) { x >>= 16; r += 16; }
	if (x >> 8) { x >>= 8; r += 8; }
	if (x >> 4) { x >>= 4; r += 4; }
	if (x >> 2) { x >>= 2; r += 2; }
	if (x >> 1) { r += 1; }
	return r + 2;
}

/* lhist() buckets: 0 below min, 1..n for [min + (i-1)*step, min + i*step), n+1 at or above max. */
static __always_inline __s64 gt_linear_bucket(__s64 v, __s64 min, __s64 max, __s64 step)
{
	if (v < min)
		return 0;
	if (v >= max)
		return (__s64)((__u64)(max - min) / (__u64)step) + 1;
	return (__s64)((__u64)(v - min) / (__u64)step) + 1;
}

#include "functions.bpf.h"
#include "kernel.bpf.h"
#include "percentile.bpf.h"

#endif
