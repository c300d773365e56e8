/* Helpers of the language's functions: stacks of any depth, the caller's return address,
 * strings read by length, string comparisons, buf(), ntop() of Go values. Included by
 * gotrace.bpf.h; every helper is always_inline. */
#ifndef GOTRACE_FUNCTIONS_BPF_H
#define GOTRACE_FUNCTIONS_BPF_H

/* A Go user stack of `depth` frames (a constant at each call) by frame pointers. At the sites
 * gotrace probes (the entry site, before the frame is built, and RET, after it is torn down)
 * RBP is still the caller's frame pointer and the return address into the caller is at [SP],
 * so the walk is: IP, [SP], then the RBP chain. N.B. a loop the verifier walks (127 frames
 * unrolled would cost thousands of instructions per stack). */
static __always_inline void gt_ustack_n(struct gt_regs *ctx, __u64 *out, int depth)
{
	__u64 fp = ctx->bp;
	out[0] = ctx->ip;
	if (depth < 2)
		return;
	bpf_probe_read_user(&out[1], sizeof(__u64), (void *)ctx->sp);
#pragma clang loop unroll(disable)
	for (int i = 2; i < 1024; i++) {
		__u64 frame[2] = {};
		if (i >= depth || !fp || bpf_probe_read_user(frame, sizeof(frame), (void *)fp))
			break;
		out[i] = frame[1];
		fp = frame[0];
	}
}

/* The return address into the caller: at the entry site and at every RET it is at [SP] (the
 * frame is not built yet, or torn down already). 0 when unreadable. */
static __always_inline __s64 gt_caller_pc(struct gt_regs *ctx)
{
	__u64 pc = 0;
	bpf_probe_read_user(&pc, sizeof(pc), (void *)ctx->sp);
	return (__s64)pc;
}

/* bpftrace's str(ptr, len): a C string of at most `len` bytes (and cap - 1), never reading a
 * byte past `len`: bpf_probe_read_user_str reads at most its size - 1 bytes. */
static __always_inline void gt_read_cstr_n(char *dst, __u64 cap, __u64 ptr, __s64 len)
{
	__u64 n = len < 0 ? 0 : (__u64)len;
	if (n > cap - 1)
		n = cap - 1;
	if (n == 0)
		return;
	if (bpf_probe_read_user_str(dst, n + 1, (void *)ptr) < 0) {
		__builtin_memset(dst, 0, 8);
		__builtin_memcpy(dst, "<fault>", 7);
	}
}

/* strncmp as bpftrace's: 0 when the first n bytes agree (a NUL in both ends the comparison
 * early), else 1. `size` is the smaller buffer's size, a constant. */
static __always_inline __s64 gt_strncmp(const char *a, const char *b, __s64 n, int size)
{
#pragma clang loop unroll(disable)
	for (int i = 0; i < GT_STRLEN_MAX; i++) {
		if (i >= n || i >= size)
			return 0;
		if (a[i] != b[i])
			return 1;
		if (a[i] == 0)
			return 0;
	}
	return 0;
}

/* Does the string h (hsize bytes, NUL-padded) contain the string n (nsize bytes)? Naive
 * search: hsize * nsize steps at worst, each bounded for the verifier. An empty needle is
 * found everywhere, as in Go's strings.Contains. */
static __always_inline __s64 gt_strcontains(const char *h, int hsize, const char *n, int nsize)
{
	if (n[0] == 0)
		return 1;
#pragma clang loop unroll(disable)
	for (int i = 0; i < GT_STRLEN_MAX; i++) {
		if (i >= hsize || h[i] == 0)
			return 0;
		int j = 0;
#pragma clang loop unroll(disable)
		for (; j < GT_STRLEN_MAX; j++) {
			if (j >= nsize || n[j] == 0 || i + j >= hsize)
				break;
			if (h[i + j] != n[j])
				break;
		}
		if (j < nsize && j < GT_STRLEN_MAX && n[j] == 0)
			return 1;
		if (j >= nsize)
			return 1;
	}
	return 0;
}

/* buf(ptr, len): the bytes kept (a word, -1 for a fault) then at most `cap` bytes. */
static __always_inline void gt_read_buf(char *dst, __u64 cap, __u64 ptr, __s64 len)
{
	__u64 n = len < 0 ? 0 : (__u64)len;
	if (n > cap)
		n = cap;
	*(__s64 *)dst = (__s64)n;
	if (n == 0)
		return;
	if (bpf_probe_read_user(dst + 8, n, (void *)ptr))
		*(__s64 *)dst = -1;
}

/* ntop() of a Go net.IP (a []byte of 4 or 16 bytes; anything else prints as Go prints it, by
 * length) into: family word (the slice's length, -1 for a fault), 16 bytes. */
static __always_inline void gt_ntop_ip(char *dst, __u64 ptr, __s64 len)
{
	*(__s64 *)dst = len;
	if (len != 4 && len != 16)
		return;
	if (bpf_probe_read_user(dst + 8, len == 4 ? 4 : 16, (void *)ptr))
		*(__s64 *)dst = -1;
}

/* ntop() of a Go netip.Addr, {addr uint128 {hi, lo}; z}: family word 4 when z is the
 * package's z4 (read at `z4at`, its link-time address), 6 for any other non-nil z (0x100: the
 * zero Addr, "invalid IP"), then the 16 bytes big-endian, as Go's As16 gives them. A v4 address
 * is stored as ::ffff:a.b.c.d, so its 4 bytes are the last 4: moved to the front. */
static __always_inline void gt_ntop_addr(char *dst, __u64 hi, __u64 lo, __u64 z, __u64 z4at)
{
	__u64 z4 = 0;
	if (z4at)
		bpf_probe_read_user(&z4, sizeof(z4), (void *)z4at);
	/* Without the z4 symbol (a stripped binary), a v4-mapped address is taken for a v4 one. */
	int is4 = z4at ? z == z4 : (hi == 0 && (lo >> 32) == 0xffff);
	*(__s64 *)dst = !z ? 0x100 : is4 ? 4 : 6;
	*(__u64 *)(dst + 8) = __builtin_bswap64(hi);
	*(__u64 *)(dst + 16) = __builtin_bswap64(lo);
	if (z && is4)
		*(__u32 *)(dst + 8) = *(__u32 *)(dst + 20);
}

/* ntop() of an integer: an IPv4 address as it lies in memory (network order), bpftrace's rule. */
static __always_inline void gt_ntop_int(char *dst, __u64 v)
{
	*(__s64 *)dst = 4;
	*(__u32 *)(dst + 8) = (__u32)v;
}

#endif
