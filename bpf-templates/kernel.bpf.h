/* Kernel events on a thread (tracepoint:, profile:): the goroutine, user stack and user PC of
 * the current thread, read from the task rather than from a uprobe's registers, and the filter
 * that keeps a target's events. Included by gotrace.bpf.h; every helper is always_inline. */
#ifndef GOTRACE_KERNEL_BPF_H
#define GOTRACE_KERNEL_BPF_H

/* CO-RE views of the two kernel structures read: libbpf moves these offsets to the running
 * kernel's (its BTF, /sys/kernel/btf/vmlinux) when it loads the object, so no offset is
 * compiled in. The ___gt suffix keeps them apart from any other declaration; CO-RE ignores it. */
struct thread_struct___gt {
	unsigned long fsbase;
} __attribute__((preserve_access_index));

struct mm_struct___gt {
	unsigned long start_code;
} __attribute__((preserve_access_index));

struct task_struct___gt {
	struct thread_struct___gt thread;
	struct mm_struct___gt *mm;
} __attribute__((preserve_access_index));

/* Where the target's executable code starts in memory (mm->start_code): a PIE's load bias plus
 * its lowest executable address as linked. Kernel events note it for user space to symbolize
 * their stacks; uprobes note the bias itself (gt_bias). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} gt_start_code SEC(".maps");

static __always_inline void gt_note_start_code(void)
{
	struct task_struct___gt *t = (void *)bpf_get_current_task();
	struct mm_struct___gt *mm = 0;
	__u64 start = 0;
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&gt_start_code, &zero);
	if (!v || *v)
		return;
	if (bpf_probe_read_kernel(&mm, sizeof(mm), &t->mm) || !mm)
		return;
	if (!bpf_probe_read_kernel(&start, sizeof(start), &mm->start_code))
		*v = start;
}

/* Where Go keeps the current g on linux/amd64: the TLS word just below the thread pointer (the
 * FS base), runtime.tlsg at -8. Go sets the FS base with arch_prctl(ARCH_SET_FS) (runtime.settls)
 * on every thread it starts, so the kernel's copy in task->thread.fsbase is the live one.
 * N.B. a cgo binary linked externally has its TLS block laid out by the system linker: -8 holds
 * as long as runtime.tlsg is the executable's only TLS variable (C code with __thread variables
 * in the executable would move it). */
#define GT_G_TLS_OFFSET 8

/* Largest goroutine stack the sanity check accepts (Go's limit is 1 GB on 64-bit). */
#define GT_G_STACK_MAX (1ULL << 30)

static __always_inline int gt_is_target(void)
{
	return gt_cfg.target_tgid && (bpf_get_current_pid_tgid() >> 32) == gt_cfg.target_tgid;
}

/* The current thread's g: *(fsbase - 8), for a thread of the target only (any other process's
 * TLS holds something else), and only when g.stack {lo, hi} looks like a stack, so that a word
 * that is not a g reads as no g. On g0 (the scheduler, a thread parked in futex) this is g0,
 * whose goid is 0. */
static __always_inline __u64 gt_thread_g(void)
{
	struct task_struct___gt *t = (void *)bpf_get_current_task();
	__u64 fs = 0, g = 0, stack[2] = {};
	if (!gt_is_target())
		return 0;
	if (bpf_probe_read_kernel(&fs, sizeof(fs), &t->thread.fsbase) || fs < GT_G_TLS_OFFSET)
		return 0;
	if (bpf_probe_read_user(&g, sizeof(g), (void *)(fs - GT_G_TLS_OFFSET)) || !g)
		return 0;
	if (bpf_probe_read_user(stack, sizeof(stack), (void *)g) || !stack[0] || stack[1] <= stack[0] ||
	    stack[1] - stack[0] > GT_G_STACK_MAX)
		return 0;
	return g;
}

/* goid in a kernel block: the thread's g's, 0 when the thread has no g (see gt_thread_g). */
static __always_inline __u64 gt_thread_goid(void)
{
	__u64 g = gt_thread_g(), goid = 0;
	if (g)
		bpf_probe_read_user(&goid, sizeof(goid), (void *)(g + gt_cfg.goid_offset));
	return goid;
}

/* ustack in a kernel block: the thread's user stack by frame pointers (the kernel walks it from
 * the user registers saved at kernel entry, or those the sample interrupted), zeros for a
 * thread of another process. */
static __always_inline void gt_thread_ustack(void *ctx, __u64 *out, __u32 size)
{
	if (!gt_is_target())
		return;
	gt_note_start_code();
	bpf_get_stack(ctx, out, size, BPF_F_USER_STACK);
}

/* func in a kernel block: the thread's user PC (where it entered the kernel, or was sampled). */
static __always_inline __u64 gt_thread_ip(void *ctx)
{
	__u64 ip = 0;
	if (!gt_is_target())
		return 0;
	gt_note_start_code();
	bpf_get_stack(ctx, &ip, sizeof(ip), BPF_F_USER_STACK);
	return ip;
}

/* Threads of the target seen by a tracepoint whose record names another task (see below). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} gt_tids SEC(".maps");

/* Only the target's events with -p/-c (every process's without, as bpftrace). A tracepoint fires
 * on the current task, but some are about another one: sched_switch runs on the task switched
 * out, and a thread of the target switched in is its next_pid. For those the cookie's high 32
 * bits hold that pid field's offset plus one; the event passes when that pid is a thread of the
 * target, which it is known to be once it ran such a tracepoint itself (a thread switched in was
 * switched out before, and recorded then: gt_tids).
 * N.B. a thread of the target seen before tracing started is unknown until it runs one. */
static __always_inline int gt_tp_pid_ok(void *ctx, __u64 cookie)
{
	__u32 off = cookie >> 32, pid = 0;
	__u8 one = 1;
	if (!gt_cfg.target_tgid)
		return 1;
	if (gt_is_target()) {
		pid = (__u32)bpf_get_current_pid_tgid();
		if (off && !bpf_map_lookup_elem(&gt_tids, &pid))
			bpf_map_update_elem(&gt_tids, &pid, &one, BPF_ANY);
		return 1;
	}
	if (!off || bpf_probe_read_kernel(&pid, sizeof(pid), (char *)ctx + off - 1))
		return 0;
	return bpf_map_lookup_elem(&gt_tids, &pid) != 0;
}

/* An integer field of a tracepoint's record, of `size` bytes (a constant at every inlined call). */
static __always_inline __s64 gt_tp_int(void *ctx, __u32 off, __u32 size, int sign)
{
	__u64 v = 0;
	if (size > 8 || bpf_probe_read_kernel(&v, size, (char *)ctx + off))
		return 0;
	return gt_extend(v, size, sign);
}

/* A char array field (char prev_comm[16]) into a zeroed buffer: up to its NUL, never past the
 * field (the bytes after a NUL may be stale). */
static __always_inline void gt_tp_chars(void *ctx, __u32 off, char *dst, __u32 n)
{
	bpf_probe_read_kernel_str(dst, n, (char *)ctx + off);
}

/* A __data_loc string: a 32-bit word at `off` gives its offset in the record (low 16 bits). */
static __always_inline void gt_tp_data_loc(void *ctx, __u32 off, char *dst, __u32 cap)
{
	__u32 loc = 0;
	if (bpf_probe_read_kernel(&loc, sizeof(loc), (char *)ctx + off))
		return;
	bpf_probe_read_kernel_str(dst, cap, (char *)ctx + (loc & 0xffff));
}

#endif
