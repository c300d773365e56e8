/* The go: provider's BPF side: what each hook on a runtime function computes and the state the
 * hooks share (compiler/go/goruntime.ts lists the hooks and their arguments). Included by a
 * generated program that uses go: probes, pgoid or gostart, after it defines:
 *   GT_GO_GOPC_OFF, GT_GO_PARENT_OFF  offsets of g.gopc and g.parentGoid (-1: not known, the
 *                                     creations seen since attach answer instead)
 *   GT_GO_MP_OFF                      offset of m.p (-1: args.p of sched_run reads -1)
 *   GT_GO_STW_ARG                     1 when stopTheWorldWithSema takes an stwReason (Go 1.21+)
 *   GT_GO_NEWPROC_OLD                 1 for Go 1.17's newproc1 (callergp, callerpc in DI, SI)
 *   GT_GO_WAIT_N, gt_go_wait[][32]    the binary's waitReasonStrings
 *   GT_GO_STW_N, gt_go_stw[][32]      its stwReasonStrings (or the names of GC's pauses)
 *   GT_GO_DROP                        the gt_drops slot counting goroutines the table refused
 * A go: block gets a struct gt_call whose args[] hold the probe's fields in the order of its
 * table (GO_PROBES), then: args[4], args[5] a reason string's pointer and length and args[6]
 * where its reason comes from (GT_GO_SRC_*), args[7] the goroutine the block is about and
 * args[8] its g. */
#ifndef GOTRACE_GORUNTIME_H
#define GOTRACE_GORUNTIME_H

#define GT_GO_SELF_GOID 7
#define GT_GO_SELF_G 8
#define GT_GO_SRC_WAIT 0
#define GT_GO_SRC_STW 1
#define GT_GO_SRC_GOSTR 2
#define GT_GO_REASON_LEN 32

/* Go's scheduler states (runtime2.go), the same in every release. */
#define GT_G_RUNNABLE 1
#define GT_G_RUNNING 2
#define GT_G_WAITING 4
#define GT_G_DEAD 6
/* g.m: stack 16 | stackguard0 8 | stackguard1 8 | _panic 8 | _defer 8, in every release. */
#define GT_G_M_OFF 48

struct gt_go_key {
	__u64 tgid;
	__u64 goid;
};

/* What the hooks learn about a goroutine, until it exits. */
struct gt_go_g {
	__u64 create_ns; /* 0: its creation was not seen */
	__u64 parent;    /* the creator's goid */
	__u64 gopc;      /* the go statement's PC */
	__u64 runnable_ns;
	__u64 park_ns;
	__u64 park_reason;
};

/* N.B. a plain hash, not an LRU: an evicted goroutine would silently lose its lifetime and
 * parent. A full table refuses the insert, which is counted (GT_GO_DROP) and reported; entries
 * leave when their goroutine exits (goexit0), so only live goroutines take room. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct gt_go_key);
	__type(value, struct gt_go_g);
} gt_go_gs SEC(".maps");

/* newproc1's arguments from its entry to its RET, by thread: it runs on the system stack and
 * cannot be preempted, so the thread's next RET of newproc1 is this call's. */
struct gt_go_newproc {
	__u64 callergp;
	__u64 callerpc;
	__u64 fn;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct gt_go_newproc);
} gt_go_newprocs SEC(".maps");

/* Per process: GC cycles and the stop-the-world in progress. */
struct gt_go_proc {
	__u64 cycle;
	__u64 gc_start_ns;
	__u64 in_gc;
	__u64 stw_ns;
	__u64 stw_src;
	__u64 stw_idx;
	__u64 stw_ptr;
	__u64 stw_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct gt_go_proc);
} gt_go_procs SEC(".maps");

/* Before Go 1.21: stopTheWorld(reason string)'s reason, by thread, for the
 * stopTheWorldWithSema it calls on the system stack of the same thread. */
struct gt_go_str {
	__u64 ptr;
	__u64 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct gt_go_str);
} gt_go_stwargs SEC(".maps");

static __always_inline __u64 gt_go_read(__u64 addr)
{
	__u64 v = 0;
	if (addr)
		bpf_probe_read_user(&v, sizeof(v), (void *)addr);
	return v;
}

static __always_inline __u64 gt_go_goid_of(__u64 g)
{
	return g ? gt_go_read(g + gt_cfg.goid_offset) : 0;
}

static __always_inline struct gt_go_g *gt_go_lookup(__u64 goid)
{
	struct gt_go_key k = {bpf_get_current_pid_tgid() >> 32, goid};
	return bpf_map_lookup_elem(&gt_go_gs, &k);
}

/* The goroutine's entry, made when missing (a goroutine created before tracing began); NULL
 * when the table is full, counted. */
static __always_inline struct gt_go_g *gt_go_entry(__u64 goid)
{
	struct gt_go_key k = {bpf_get_current_pid_tgid() >> 32, goid};
	struct gt_go_g *e = bpf_map_lookup_elem(&gt_go_gs, &k);
	if (e)
		return e;
	struct gt_go_g init = {};
	if (bpf_map_update_elem(&gt_go_gs, &k, &init, BPF_NOEXIST) && !bpf_map_lookup_elem(&gt_go_gs, &k)) {
		gt_count(&gt_drops, GT_GO_DROP);
		return 0;
	}
	return bpf_map_lookup_elem(&gt_go_gs, &k);
}

static __always_inline struct gt_go_proc *gt_go_proc(void)
{
	__u64 tgid = bpf_get_current_pid_tgid() >> 32;
	struct gt_go_proc *p = bpf_map_lookup_elem(&gt_go_procs, &tgid);
	if (p)
		return p;
	struct gt_go_proc init = {};
	bpf_map_update_elem(&gt_go_procs, &tgid, &init, BPF_NOEXIST);
	return bpf_map_lookup_elem(&gt_go_procs, &tgid);
}

static __always_inline void gt_go_self(struct gt_call *c, __u64 g)
{
	c->args[GT_GO_SELF_G] = g;
	c->args[GT_GO_SELF_GOID] = gt_go_goid_of(g);
}

/* pgoid: g.parentGoid where the release has it, else the creation seen since attach, else 0. */
static __always_inline __s64 gt_go_pgoid(__u64 g, __u64 goid)
{
	if (GT_GO_PARENT_OFF >= 0) {
		__u64 p = gt_go_read(g + GT_GO_PARENT_OFF);
		if (p)
			return p;
	}
	struct gt_go_g *e = gt_go_lookup(goid);
	return e && e->create_ns ? e->parent : 0;
}

/* gostart: g.gopc (the go statement that created it) where its offset is known, else the
 * creation seen since attach, else 0. */
static __always_inline __s64 gt_go_gostart(__u64 g, __u64 goid)
{
	if (GT_GO_GOPC_OFF >= 0)
		return gt_go_read(g + GT_GO_GOPC_OFF);
	struct gt_go_g *e = gt_go_lookup(goid);
	return e ? e->gopc : 0;
}

/* args.reason into a zeroed buffer of `cap` (a constant) bytes. */
static __always_inline void gt_go_reason(char *dst, __u64 cap, struct gt_call *c, __u64 idx)
{
	__u64 n = cap - 1 < GT_GO_REASON_LEN - 1 ? cap - 1 : GT_GO_REASON_LEN - 1;
	if (c->args[6] == GT_GO_SRC_GOSTR) {
		gt_read_gostr(dst, cap, c->args[4], c->args[5]);
		return;
	}
	if (c->args[6] == GT_GO_SRC_STW) {
		if (idx < GT_GO_STW_N)
			__builtin_memcpy(dst, gt_go_stw[idx], n);
		return;
	}
	if (idx < GT_GO_WAIT_N)
		__builtin_memcpy(dst, gt_go_wait[idx], n);
}

/* runtime.newproc1 entry: keep its arguments for its RET. */
static __always_inline void gt_go_newproc_enter(struct gt_regs *ctx)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct gt_go_newproc a = {ctx->bx, ctx->cx, ctx->ax};
	if (GT_GO_NEWPROC_OLD) {
		a.callergp = ctx->di;
		a.callerpc = ctx->si;
	}
	bpf_map_update_elem(&gt_go_newprocs, &tid, &a, BPF_ANY);
}

/* runtime.newproc1 RET (the new g in AX): the goroutine is runnable. Fills goroutine_create's
 * fields (goid, pc, fn) about the creator; 0 when the entry was not seen. */
static __always_inline int gt_go_newproc_ret(struct gt_regs *ctx, struct gt_call *c)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct gt_go_newproc *a = bpf_map_lookup_elem(&gt_go_newprocs, &tid);
	if (!a)
		return 0;
	struct gt_go_newproc args = *a;
	bpf_map_delete_elem(&gt_go_newprocs, &tid);
	__u64 goid = gt_go_goid_of(ctx->ax);
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, args.callergp);
	c->args[0] = goid;
	c->args[1] = args.callerpc;
	c->args[2] = gt_go_read(args.fn); /* funcval.fn */
	struct gt_go_g *e = gt_go_entry(goid);
	if (e) {
		e->create_ns = c->start_ns;
		e->parent = c->args[GT_GO_SELF_GOID];
		e->gopc = args.callerpc;
		e->runnable_ns = c->start_ns;
		e->park_ns = 0;
	}
	return 1;
}

/* runtime.goexit0(gp) entry: goroutine_exit's goid and lifetime_ns; its entry is removed. */
static __always_inline void gt_go_exit(struct gt_regs *ctx, struct gt_call *c)
{
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->ax);
	__u64 goid = c->args[GT_GO_SELF_GOID];
	struct gt_go_key k = {bpf_get_current_pid_tgid() >> 32, goid};
	struct gt_go_g *e = bpf_map_lookup_elem(&gt_go_gs, &k);
	c->args[0] = goid;
	c->args[1] = e && e->create_ns ? c->start_ns - e->create_ns : (__u64)-1;
}

/* After the exit's blocks ran (pgoid and gostart read the entry there). */
static __always_inline void gt_go_exit_done(struct gt_call *c)
{
	struct gt_go_key k = {bpf_get_current_pid_tgid() >> 32, c->args[GT_GO_SELF_GOID]};
	bpf_map_delete_elem(&gt_go_gs, &k);
}

/* runtime.gopark entry, on the parking goroutine: block's goid and reason. */
static __always_inline void gt_go_park(struct gt_regs *ctx, struct gt_call *c)
{
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->r14);
	c->args[0] = c->args[GT_GO_SELF_GOID];
	c->args[1] = ctx->cx & 0xff;
	c->args[6] = GT_GO_SRC_WAIT;
	struct gt_go_g *e = gt_go_entry(c->args[0]);
	if (e) {
		e->park_ns = c->start_ns;
		e->park_reason = c->args[1];
	}
}

/* runtime.casgstatus(gp, old, new) entry, out of waiting: unblock's fields, when the park was
 * seen (returns 1). Any move to runnable starts the scheduler-latency clock. */
static __always_inline int gt_go_cas_unblock(struct gt_regs *ctx, struct gt_call *c)
{
	__u32 from = ctx->bx, to = ctx->cx;
	if (to != GT_G_RUNNABLE && to != GT_G_RUNNING)
		return 0;
	/* N.B. a g moving out of _Gdead still has its previous life's goid: newproc1 sets the new
	 * one after this (Go 1.19), and its RET starts the clock instead. */
	if (from == GT_G_DEAD)
		return 0;
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->ax);
	struct gt_go_g *e = gt_go_lookup(c->args[GT_GO_SELF_GOID]);
	if (!e && to == GT_G_RUNNABLE)
		e = gt_go_entry(c->args[GT_GO_SELF_GOID]);
	if (!e)
		return 0;
	if (to == GT_G_RUNNABLE)
		e->runnable_ns = c->start_ns;
	if (from != GT_G_WAITING || !e->park_ns)
		return 0;
	c->args[0] = c->args[GT_GO_SELF_GOID];
	c->args[1] = e->park_reason;
	c->args[2] = c->start_ns - e->park_ns;
	c->args[6] = GT_GO_SRC_WAIT;
	e->park_ns = 0;
	return 1;
}

/* casgstatus to running (runtime.execute, on the M's g0): sched_run's fields. */
static __always_inline int gt_go_cas_run(struct gt_regs *ctx, struct gt_call *c)
{
	__u32 from = ctx->bx, to = ctx->cx;
	if (to != GT_G_RUNNING || from == GT_G_RUNNING)
		return 0;
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->ax);
	c->args[0] = c->args[GT_GO_SELF_GOID];
	c->args[1] = (__u64)-1;
	struct gt_go_g *e = gt_go_lookup(c->args[0]);
	if (e && e->runnable_ns) {
		c->args[1] = c->start_ns - e->runnable_ns;
		e->runnable_ns = 0;
	}
	c->args[2] = (__u64)-1;
	if (GT_GO_MP_OFF >= 0) {
		__u64 p = gt_go_read(gt_go_read(ctx->r14 + GT_G_M_OFF) + GT_GO_MP_OFF);
		__s32 id = -1;
		if (p)
			bpf_probe_read_user(&id, sizeof(id), (void *)p); /* p.id, its first field */
		c->args[2] = (__s64)id;
	}
	c->args[3] = (__u32)bpf_get_current_pid_tgid();
	return 1;
}

/* (*gcControllerState).startCycle entry: a GC cycle starts (gc_start's cycle). */
static __always_inline int gt_go_gc_start(struct gt_regs *ctx, struct gt_call *c)
{
	struct gt_go_proc *p = gt_go_proc();
	if (!p)
		return 0;
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->r14);
	p->cycle += 1;
	p->gc_start_ns = c->start_ns;
	p->in_gc = 1;
	c->args[0] = p->cycle;
	return 1;
}

/* gcMarkTermination entry: the cycle's mark phase ends (gc_done's cycle, duration_ns). */
static __always_inline int gt_go_gc_done(struct gt_regs *ctx, struct gt_call *c)
{
	struct gt_go_proc *p = gt_go_proc();
	if (!p)
		return 0;
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->r14);
	c->args[0] = p->cycle;
	c->args[1] = p->gc_start_ns ? c->start_ns - p->gc_start_ns : (__u64)-1;
	p->gc_start_ns = 0;
	p->in_gc = 0;
	return 1;
}

/* stopTheWorld(reason string) entry, before Go 1.21: keep the reason for this thread. */
static __always_inline void gt_go_stw_arg(struct gt_regs *ctx)
{
	__u64 tid = bpf_get_current_pid_tgid();
	struct gt_go_str s = {ctx->ax, ctx->bx};
	bpf_map_update_elem(&gt_go_stwargs, &tid, &s, BPF_ANY);
}

/* stopTheWorldWithSema entry: stw_start's reason. Go 1.21+ passes it (an stwReason); before,
 * stopTheWorld's string, or for GC's own pauses (which call it directly) the names 1.21 gives
 * them: "GC mark termination" during a cycle, "GC sweep termination" before it. */
static __always_inline int gt_go_stw_start(struct gt_regs *ctx, struct gt_call *c)
{
	struct gt_go_proc *p = gt_go_proc();
	if (!p)
		return 0;
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->r14);
	c->args[6] = GT_GO_SRC_STW;
	if (GT_GO_STW_ARG) {
		c->args[0] = ctx->ax & 0xff;
	} else {
		__u64 tid = bpf_get_current_pid_tgid();
		struct gt_go_str *s = bpf_map_lookup_elem(&gt_go_stwargs, &tid);
		if (s) {
			c->args[6] = GT_GO_SRC_GOSTR;
			c->args[4] = s->ptr;
			c->args[5] = s->len;
			bpf_map_delete_elem(&gt_go_stwargs, &tid);
		} else {
			c->args[0] = p->in_gc ? 1 : 2;
		}
	}
	p->stw_ns = c->start_ns;
	p->stw_src = c->args[6];
	p->stw_idx = c->args[0];
	p->stw_ptr = c->args[4];
	p->stw_len = c->args[5];
	return 1;
}

/* startTheWorldWithSema entry: stw_done's reason and pause_ns (-1 when its start was not seen). */
static __always_inline int gt_go_stw_done(struct gt_regs *ctx, struct gt_call *c)
{
	struct gt_go_proc *p = gt_go_proc();
	if (!p)
		return 0;
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->r14);
	c->args[0] = p->stw_idx;
	c->args[1] = p->stw_ns ? c->start_ns - p->stw_ns : (__u64)-1;
	c->args[4] = p->stw_ptr;
	c->args[5] = p->stw_len;
	c->args[6] = p->stw_ns ? p->stw_src : GT_GO_SRC_STW;
	p->stw_ns = 0;
	return 1;
}

/* runtime.gopanic(e any) entry, on the panicking goroutine: the interface's two words where a
 * Go value of type any in RAX, RBX is read from (args[0], args[1], as gt_fill_call puts them). */
static __always_inline void gt_go_panic(struct gt_regs *ctx, struct gt_call *c)
{
	c->start_ns = bpf_ktime_get_ns();
	gt_go_self(c, ctx->r14);
	c->args[0] = ctx->ax;
	c->args[1] = ctx->bx;
}

#endif
