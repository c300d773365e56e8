// koffi declarations mirroring the parts of libbpf.h (libbpf 1.x, Debian's libbpf1) that
// gotrace uses. Raw: pointers are opaque, errors are NULL/negative with errno. The safe wrappers
// in index.ts turn those into typed errors. Loaded lazily so that commands that never touch BPF
// (parsing, --dry-run, -l) work on machines without libbpf.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface LibbpfFfi {
  // N.B. koffi is loaded through require (a CommonJS addon) and its bound functions are typed
  // one by one below; the module object itself stays untyped.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  koffi: any;
  open_mem: (buf: Buffer, size: number, opts: null) => unknown;
  load: (obj: unknown) => number;
  close: (obj: unknown) => void;
  next_map: (obj: unknown, prev: unknown) => unknown;
  map_name: (map: unknown) => string;
  map_fd: (map: unknown) => number;
  map_set_initial_value: (map: unknown, data: Buffer, size: number) => number;
  map_initial_value: (map: unknown, size: number[]) => unknown;
  /** Before load: use an existing kernel map (by fd) instead of creating this one. */
  map_reuse_fd: (map: unknown, fd: number) => number;
  map_set_max_entries: (map: unknown, n: number) => number;
  find_program: (obj: unknown, name: string) => unknown;
  attach_uprobe: (prog: unknown, ret: boolean, pid: number, path: string, off: number) => unknown;
  attach_perf_event: (prog: unknown, pfd: number) => unknown;
  attach_tracepoint_opts: (prog: unknown, category: string, name: string, opts: object) => unknown;
  link_destroy: (link: unknown) => number;
  map_get_next_key: (fd: number, key: Buffer | null, next: Buffer) => number;
  map_lookup_elem: (fd: number, key: Buffer, value: Buffer) => number;
  map_delete_elem: (fd: number, key: Buffer) => number;
  map_update_elem: (fd: number, key: Buffer, value: Buffer, flags: number) => number;
  num_possible_cpus: () => number;
  set_print: (fn: unknown) => unknown;
  vsnprintf: (buf: Buffer, n: number, fmt: string, ap: unknown) => number;
  /** The event ring's pages (ring.ts reads it in place): MAP_FAILED and errno on failure. */
  mmap: (addr: null, len: number, prot: number, flags: number, fd: number, offset: number) => unknown;
  munmap: (addr: unknown, len: number) => number;
  /** struct bpf_map_info of a map fd (max_entries at byte 16); 0 or a negative errno. */
  obj_get_info_by_fd: (fd: number, info: Buffer, len: number[]) => number;
  attach_uprobe_opts: (prog: unknown, pid: number, path: string, off: number, opts: object) => unknown;
  /** Before load: the attach type the program is verified for (uprobe_multi needs its own). */
  set_expected_attach_type: (prog: unknown, type: number) => number;
  program_fd: (prog: unknown) => number;
  /** bpf(BPF_LINK_CREATE) for a uprobe_multi link (see multi.ts): a link fd, or -1 and errno. */
  link_create_uprobe_multi: (attr: object) => number;
  /** bpf(BPF_PROG_LOAD) of a raw program (the uprobe_multi feature probe): a fd, or -1. */
  prog_load_raw: (attr: object) => number;
  /** bpf(BPF_PROG_TEST_RUN) of a raw tracepoint program with zero arguments: 0, or -1 and errno. */
  prog_test_run: (fd: number) => number;
  perf_event_open: (attr: Buffer, pid: number, cpu: number, group: number, flags: number) => number;
  errno: () => number;
  /** fcntl(fd, F_DUPFD_CLOEXEC, 3): a second fd for the same kernel object. */
  dup_fd: (fd: number) => number;
  close_fd: (fd: number) => number;
}

let cached: LibbpfFfi | undefined;

/** Binds libbpf.so.1 once. Throws a plain Error when the library is missing. */
// eslint-disable-next-line max-lines-per-function -- one table of bindings, read top to bottom
export function libbpf(): LibbpfFfi {
  if (cached) return cached;
  const koffi = require('koffi');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let lib: any;
  try {
    lib = koffi.load('libbpf.so.1');
  } catch (e) {
    throw new Error(`cannot load libbpf.so.1 (install Debian's libbpf1): ${(e as Error).message}`, { cause: e });
  }
  const libc = koffi.load('libc.so.6');
  const fcntl = libc.func('int fcntl(int fd, int cmd, ...)');
  koffi.opaque('bpf_object');
  koffi.opaque('bpf_map');
  koffi.opaque('bpf_program');
  koffi.opaque('bpf_link');
  koffi.struct('bpf_uprobe_opts', {
    sz: 'size_t',
    ref_ctr_offset: 'size_t',
    bpf_cookie: 'uint64_t',
    retprobe: 'bool',
    func_name: 'const char *',
  });
  koffi.struct('bpf_tracepoint_opts', { sz: 'size_t', bpf_cookie: 'uint64_t' });
  // libbpf_print_fn_t: int (*)(enum libbpf_print_level, const char *, va_list). On x86-64 a
  // va_list argument travels as a pointer, which vsnprintf below accepts as such.
  // N.B. Debian's UAPI headers and libbpf 1.1 predate uprobe_multi (Linux 6.6): the attrs are
  // written out here. BPF_LINK_CREATE's common fields (prog_fd, target_fd, attach_type, flags),
  // then link_create.uprobe_multi; pointers are marshalled by koffi for the call's duration.
  koffi.struct('gt_uprobe_multi_attr', {
    prog_fd: 'uint32_t',
    target_fd: 'uint32_t',
    attach_type: 'uint32_t',
    flags: 'uint32_t',
    path: 'const char *',
    offsets: 'uint64_t *',
    ref_ctr_offsets: 'uint64_t *',
    cookies: 'uint64_t *',
    cnt: 'uint32_t',
    multi_flags: 'uint32_t',
    pid: 'uint32_t',
    pad: 'uint32_t',
  });
  koffi.struct('gt_prog_load_attr', {
    prog_type: 'uint32_t',
    insn_cnt: 'uint32_t',
    insns: 'uint64_t *',
    license: 'const char *',
    log_level: 'uint32_t',
    log_size: 'uint32_t',
    log_buf: 'uint64_t',
    kern_version: 'uint32_t',
    prog_flags: 'uint32_t',
    name0: 'uint64_t',
    name1: 'uint64_t',
    prog_ifindex: 'uint32_t',
    expected_attach_type: 'uint32_t',
    tail: 'uint64_t',
  });
  // BPF_PROG_TEST_RUN's attr (bpf_attr.test), up to the fields a raw tracepoint run reads:
  // ctx_in holds the tracepoint's arguments (all zero: BEGIN/END have none).
  koffi.struct('gt_test_run_attr', {
    prog_fd: 'uint32_t',
    retval: 'uint32_t',
    data_size_in: 'uint32_t',
    data_size_out: 'uint32_t',
    data_in: 'uint64_t',
    data_out: 'uint64_t',
    repeat: 'uint32_t',
    duration: 'uint32_t',
    ctx_size_in: 'uint32_t',
    ctx_size_out: 'uint32_t',
    ctx_in: 'uint8_t *',
    ctx_out: 'uint64_t',
    flags: 'uint32_t',
    cpu: 'uint32_t',
    batch_size: 'uint32_t',
    pad: 'uint32_t',
  });
  const sysBpf = libc.func('long syscall(long nr, ...)');
  const noArgs = Buffer.alloc(8 * 12 /* MAX_BPF_FUNC_ARGS */);
  const printFn = koffi.proto('int gt_libbpf_print_fn(int level, const char *fmt, void *ap)');
  cached = {
    koffi,
    open_mem: lib.func('bpf_object *bpf_object__open_mem(const void *buf, size_t size, void *opts)'),
    load: lib.func('int bpf_object__load(bpf_object *obj)'),
    close: lib.func('void bpf_object__close(bpf_object *obj)'),
    next_map: lib.func('bpf_map *bpf_object__next_map(bpf_object *obj, bpf_map *prev)'),
    map_name: lib.func('const char *bpf_map__name(bpf_map *map)'),
    map_fd: lib.func('int bpf_map__fd(bpf_map *map)'),
    map_set_initial_value: lib.func('int bpf_map__set_initial_value(bpf_map *map, const void *data, size_t size)'),
    map_initial_value: lib.func('void *bpf_map__initial_value(bpf_map *map, _Out_ size_t *size)'),
    map_reuse_fd: lib.func('int bpf_map__reuse_fd(bpf_map *map, int fd)'),
    map_set_max_entries: lib.func('int bpf_map__set_max_entries(bpf_map *map, uint32_t max_entries)'),
    find_program: lib.func('bpf_program *bpf_object__find_program_by_name(bpf_object *obj, const char *name)'),
    attach_uprobe: lib.func(
      'bpf_link *bpf_program__attach_uprobe(bpf_program *prog, bool retprobe, int pid, const char *path, size_t off)',
    ),
    attach_perf_event: lib.func('bpf_link *bpf_program__attach_perf_event(bpf_program *prog, int pfd)'),
    attach_tracepoint_opts: lib.func(
      'bpf_link *bpf_program__attach_tracepoint_opts(bpf_program *prog, const char *category, const char *name, bpf_tracepoint_opts *opts)',
    ),
    link_destroy: lib.func('int bpf_link__destroy(bpf_link *link)'),
    map_get_next_key: lib.func('int bpf_map_get_next_key(int fd, const void *key, _Out_ void *next)'),
    map_lookup_elem: lib.func('int bpf_map_lookup_elem(int fd, const void *key, _Out_ void *value)'),
    map_delete_elem: lib.func('int bpf_map_delete_elem(int fd, const void *key)'),
    map_update_elem: lib.func('int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags)'),
    num_possible_cpus: lib.func('int libbpf_num_possible_cpus(void)'),
    set_print: lib.func('void *libbpf_set_print(gt_libbpf_print_fn *fn)'),
    vsnprintf: libc.func('int vsnprintf(_Out_ uint8_t *buf, size_t n, const char *fmt, void *ap)'),
    mmap: libc.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)'),
    munmap: libc.func('int munmap(void *addr, size_t len)'),
    obj_get_info_by_fd: lib.func('int bpf_obj_get_info_by_fd(int fd, void *info, _Inout_ uint32_t *len)'),
    attach_uprobe_opts: lib.func(
      'bpf_link *bpf_program__attach_uprobe_opts(bpf_program *prog, int pid, const char *path, size_t off, bpf_uprobe_opts *opts)',
    ),
    set_expected_attach_type: lib.func('int bpf_program__set_expected_attach_type(bpf_program *prog, int type)'),
    program_fd: lib.func('int bpf_program__fd(bpf_program *prog)'),
    // SYS_bpf = 321 on x86-64; BPF_LINK_CREATE = 28, BPF_PROG_LOAD = 5.
    link_create_uprobe_multi: (attr: object) => Number(sysBpf(321, 'int', 28, 'gt_uprobe_multi_attr *', attr, 'uint32_t', 64)),
    // BPF_PROG_TEST_RUN = 10.
    prog_test_run: (fd: number) =>
      Number(sysBpf(321, 'int', 10, 'gt_test_run_attr *', { prog_fd: fd, ctx_size_in: noArgs.length, ctx_in: noArgs }, 'uint32_t', 80)),
    prog_load_raw: (attr: object) => Number(sysBpf(321, 'int', 5, 'gt_prog_load_attr *', attr, 'uint32_t', 80)),
    perf_event_open: (() => {
      const syscall = libc.func('long syscall(long nr, ...)');
      // SYS_perf_event_open on x86-64.
      return (attr: Buffer, pid: number, cpu: number, group: number, flags: number) =>
        Number(syscall(298, 'void *', attr, 'int', pid, 'int', cpu, 'int', group, 'unsigned long', flags));
    })(),
    errno: () => koffi.errno(),
    // F_DUPFD_CLOEXEC = 1030; fcntl is variadic, so the third argument's type is given per call.
    dup_fd: (fd: number) => fcntl(fd, 1030, 'int', 3),
    close_fd: libc.func('int close(int fd)'),
  };
  void printFn;
  return cached;
}
