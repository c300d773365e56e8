// uprobe_multi links (Linux 6.6): every site of one program in one link, made by one
// bpf(BPF_LINK_CREATE), destroyed by one close. Per-site perf-event links cost a kernel grace
// period each to attach and to detach (~80 ms on a test VM: 457 functions took 37 s); one
// multi link for 456 sites took 0.3 ms to create and 10 ms to destroy. Each site carries a BPF
// cookie (bpf_get_attach_cookie) so one shared program knows which probe fired.
// N.B. a program is verified for one attach type: a uprobe_multi program must be loaded with
// expected_attach_type BPF_TRACE_UPROBE_MULTI (bpf_program__set_expected_attach_type before
// load) and cannot then be attached per site, so the choice is made before loading, by
// uprobeMultiSupported().
import { libbpf } from './ffi.js';
import { BpfError, errnoName } from './index.js';

/** BPF_TRACE_UPROBE_MULTI in enum bpf_attach_type (absent from Debian 12's UAPI headers). */
export const BPF_TRACE_UPROBE_MULTI = 48;
/** The kernel's limit on sites per link (MAX_UPROBE_MULTI_CNT). */
export const MAX_MULTI_SITES = 1 << 20;

let supported: boolean | undefined;
let reason = '';

/** Can this kernel make uprobe_multi links? Asked once: a trivial program loaded for the
 *  attach type, then a link on "/" (not a regular file), which a kernel that knows the attach
 *  type refuses with EBADF, one that does not with EINVAL (libbpf's own probe does the same).
 *  GOTRACE_NO_UPROBE_MULTI=1 answers no (tests of the fallback). */
export function uprobeMultiSupported(): boolean {
  if (supported !== undefined) return supported;
  if (process.env.GOTRACE_NO_UPROBE_MULTI === '1') {
    reason = 'GOTRACE_NO_UPROBE_MULTI=1';
    return (supported = false);
  }
  const ffi = libbpf();
  // r0 = 0; exit
  const insns = new BigUint64Array([0xb7n, 0x95n]);
  const prog = ffi.prog_load_raw({
    prog_type: 2 /* BPF_PROG_TYPE_KPROBE */,
    insn_cnt: 2,
    insns,
    license: 'GPL',
    log_level: 0,
    log_size: 0,
    log_buf: 0n,
    kern_version: 0,
    prog_flags: 0,
    name0: 0n,
    name1: 0n,
    prog_ifindex: 0,
    expected_attach_type: BPF_TRACE_UPROBE_MULTI,
    tail: 0n,
  });
  if (prog < 0) {
    reason = `a uprobe_multi program does not load: ${errnoName(ffi.errno())}`;
    return (supported = false);
  }
  const link = createLink(prog, '/', [0], [0n], 0);
  const e = link < 0 ? ffi.errno() : 0;
  if (link >= 0) ffi.close_fd(link);
  ffi.close_fd(prog);
  supported = link < 0 && e === 9; /* EBADF */
  if (!supported) reason = `uprobe_multi link creation answers ${link < 0 ? errnoName(e) : 'success'} on a directory`;
  return supported;
}

/** Why uprobe_multi is not used, for -v. */
export function uprobeMultiReason(): string {
  return reason;
}

function createLink(progFd: number, path: string, offsets: number[], cookies: bigint[], pid: number): number {
  return libbpf().link_create_uprobe_multi({
    prog_fd: progFd,
    target_fd: 0,
    attach_type: BPF_TRACE_UPROBE_MULTI,
    flags: 0,
    path,
    offsets: new BigUint64Array(offsets.map(BigInt)),
    ref_ctr_offsets: null,
    cookies: new BigUint64Array(cookies),
    cnt: offsets.length,
    multi_flags: 0,
    pid: pid > 0 ? pid : 0,
    pad: 0,
  });
}

/** One uprobe_multi link of program `progFd` at `offsets` of `path` (file offsets), each site
 *  with its cookie; only process `pid` when pid > 0. Returns the link's fd (closing it detaches). */
export function attachUprobeMulti(progFd: number, path: string, offsets: number[], cookies: bigint[], pid: number): number {
  if (offsets.length > MAX_MULTI_SITES)
    throw new BpfError(`${offsets.length} sites in one link, more than the kernel's ${MAX_MULTI_SITES}`);
  const fd = createLink(progFd, path, offsets, cookies, pid);
  if (fd < 0) {
    const e = libbpf().errno();
    const what = e === 3 ? ` (no process ${pid})` : '';
    throw new BpfError(`cannot attach ${offsets.length} uprobes at ${path} (uprobe_multi): ${errnoName(e)}${what}`, e);
  }
  return fd;
}
