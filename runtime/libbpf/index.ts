// Safe wrappers over libbpf: errno and verifier logs become BpfError, every kernel object is
// owned by a BpfObject that releases it exactly once (links first, then the object with its
// programs and maps).
import { libbpf, type LibbpfFfi } from './ffi.js';
import { attachUprobeMulti } from './multi.js';

export class BpfError extends Error {
  constructor(
    message: string,
    readonly errno = 0,
    /** What libbpf printed while failing (the verifier log, say). */
    readonly log = '',
  ) {
    super(message);
  }
}

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  7: 'E2BIG',
  9: 'EBADF',
  12: 'ENOMEM',
  13: 'EACCES',
  16: 'EBUSY',
  17: 'EEXIST',
  22: 'EINVAL',
  28: 'ENOSPC',
  95: 'EOPNOTSUPP',
  524: 'ENOTSUPP',
};

export function errnoName(e: number): string {
  return ERRNO_NAMES[Math.abs(e)] ?? `errno ${Math.abs(e)}`;
}

// libbpf prints through one global callback; we keep the lines of the current operation so a
// failure can show them, and echo them live only when asked (-v).
let logLines: string[] = [];
let echoLog = false;
let printCallback: unknown;

function installPrint(ffi: LibbpfFfi): void {
  if (printCallback) return;
  const buf = Buffer.alloc(8192);
  printCallback = ffi.koffi.register((level: number, fmt: string, ap: unknown) => {
    const n = ffi.vsnprintf(buf, buf.length, fmt, ap);
    const text = buf.subarray(0, Math.max(0, Math.min(n, buf.length - 1))).toString('utf8');
    logLines.push(text);
    if (echoLog || (level === 0 && process.env.GOTRACE_LIBBPF_WARN)) process.stderr.write(text);
    return 0;
  }, ffi.koffi.pointer('gt_libbpf_print_fn'));
  ffi.set_print(printCallback);
}

export function setLibbpfVerbose(on: boolean): void {
  echoLog = on;
}

function takeLog(): string {
  const s = logLines.join('');
  logLines = [];
  return s;
}

export interface MapHandle {
  name: string;
  fd: number;
}

/** A libbpf bpf_object and everything attached from it. */
export class BpfObject {
  private obj: unknown;
  private links: unknown[] = [];
  /** uprobe_multi links, by fd (libbpf 1.1 has no bpf_link for them). */
  private linkFds: number[] = [];
  private closed = false;
  readonly ffi: LibbpfFfi;

  private constructor(
    ffi: LibbpfFfi,
    obj: unknown,
    private readonly image: Buffer,
  ) {
    this.ffi = ffi;
    this.obj = obj;
  }

  static open(object: Uint8Array): BpfObject {
    const ffi = libbpf();
    installPrint(ffi);
    takeLog();
    // libbpf keeps pointers into the buffer until load; the BpfObject holds it alive.
    const image = Buffer.from(object);
    const obj = ffi.open_mem(image, image.length, null);
    if (!obj) {
      const e = ffi.errno();
      throw new BpfError(`cannot open BPF object: ${errnoName(e)}`, e, takeLog());
    }
    return new BpfObject(ffi, obj, image);
  }

  private maps(): { ptr: unknown; name: string }[] {
    const out: { ptr: unknown; name: string }[] = [];
    let m: unknown = null;
    for (;;) {
      m = this.ffi.next_map(this.obj, m);
      if (!m) break;
      out.push({ ptr: m, name: this.ffi.map_name(m) });
    }
    return out;
  }

  /** Set the initial contents of a global-data map (before load): `.rodata.gotrace` etc. libbpf
   *  names such maps by a prefix of the object name plus the section, so match the suffix. */
  setInitialValue(sectionSuffix: string, data: Buffer): void {
    const m = this.maps().find((x) => x.name.endsWith(sectionSuffix));
    if (!m) throw new BpfError(`BPF object has no ${sectionSuffix} map`);
    const size = [0];
    this.ffi.map_initial_value(m.ptr, size);
    if (size[0] !== data.length) throw new BpfError(`${sectionSuffix} is ${size[0]} bytes in the object, the loader has ${data.length}`);
    const r = this.ffi.map_set_initial_value(m.ptr, data, data.length);
    if (r < 0) throw new BpfError(`cannot set ${sectionSuffix}: ${errnoName(r)}`, -r);
  }

  /** Verify and load every program and create every map. */
  load(): void {
    takeLog();
    const r = this.ffi.load(this.obj);
    if (r < 0) {
      const log = takeLog();
      const hint = -r === 1 ? ' (are you root? BPF needs CAP_BPF and CAP_PERFMON)' : '';
      throw new BpfError(`cannot load BPF program: ${errnoName(r)}${hint}`, -r, log);
    }
  }

  /** Before load: make map `name` the existing kernel map `fd` (libbpf dups the fd), so that
   *  several objects share one map. The kernel keeps a map while any fd or program holds it. */
  reuseMap(name: string, fd: number): void {
    const m = this.maps().find((x) => x.name === name);
    if (!m) throw new BpfError(`BPF object has no map ${name}`);
    const r = this.ffi.map_reuse_fd(m.ptr, fd);
    if (r < 0) throw new BpfError(`cannot reuse map ${name} (fd ${fd}): ${errnoName(r)}`, -r);
  }

  /** Before load: the number of entries map `name` holds (its max_entries in the C is a
   *  placeholder, so one compiled object serves every size). */
  setMaxEntries(name: string, n: number): void {
    const m = this.maps().find((x) => x.name === name);
    if (!m) throw new BpfError(`BPF object has no map ${name}`);
    const r = this.ffi.map_set_max_entries(m.ptr, n);
    if (r < 0) throw new BpfError(`cannot size map ${name} to ${n} entries: ${errnoName(r)}`, -r);
  }

  /** Before load: verify program `name` for attach type `type` (uprobe_multi, say). */
  setExpectedAttachType(name: string, type: number): void {
    const r = this.ffi.set_expected_attach_type(this.program(name), type);
    if (r < 0) throw new BpfError(`cannot set the attach type of ${name}: ${errnoName(r)}`, -r);
  }

  /** Detach every link, keeping maps and programs (their counters can still be read).
   *  N.B. a multi link's sites go in one close (one grace period for all of them). */
  detach(): void {
    for (const fd of this.linkFds) this.ffi.close_fd(fd);
    this.linkFds = [];
    for (const l of this.links.reverse()) this.ffi.link_destroy(l);
    this.links = [];
  }

  private program(name: string): unknown {
    const prog = this.ffi.find_program(this.obj, name);
    if (!prog) throw new BpfError(`BPF object has no program ${name}`);
    return prog;
  }

  map(name: string): MapHandle {
    const m = this.maps().find((x) => x.name === name);
    if (!m) throw new BpfError(`BPF object has no map ${name}`);
    return { name, fd: this.ffi.map_fd(m.ptr) };
  }

  /** Attach a program at a file offset of a binary, with a BPF cookie. pid -1 means every
   *  process. One perf-event link per site: the fallback when uprobe_multi is missing. */
  attachUprobe(program: string, path: string, fileOffset: number, pid: number, cookie = 0n): void {
    const prog = this.program(program);
    takeLog();
    const opts = { sz: 40, ref_ctr_offset: 0, bpf_cookie: cookie, retprobe: false, func_name: null };
    const link = this.ffi.attach_uprobe_opts(prog, pid, path, fileOffset, opts);
    if (!link) {
      const e = this.ffi.errno();
      const what = e === 3 ? ` (no process ${pid})` : '';
      throw new BpfError(`cannot attach uprobe at ${path}+0x${fileOffset.toString(16)}: ${errnoName(e)}${what}`, e, takeLog());
    }
    this.links.push(link);
  }

  /** Attach a program (loaded for uprobe_multi) at every file offset of `path` with one link,
   *  each site with its cookie. pid -1 means every process. */
  attachUprobeMulti(program: string, path: string, offsets: number[], cookies: bigint[], pid: number): void {
    const fd = this.ffi.program_fd(this.program(program));
    this.linkFds.push(attachUprobeMulti(fd, path, offsets, cookies, pid));
  }

  /** Run a (raw tracepoint) program once, here and now (BEGIN/END). */
  testRun(program: string): void {
    const fd = this.ffi.program_fd(this.program(program));
    const r = this.ffi.prog_test_run(fd);
    if (r < 0) throw new BpfError(`cannot run program ${program}: ${errnoName(this.ffi.errno())}`, this.ffi.errno());
  }

  /** Attach at a kernel tracepoint (a perf event of it: libbpf finds its id in tracefs), with a
   *  BPF cookie. */
  attachTracepoint(program: string, category: string, name: string, cookie: bigint): void {
    const prog = this.program(program);
    takeLog();
    const link = this.ffi.attach_tracepoint_opts(prog, category, name, { sz: 16, bpf_cookie: cookie });
    if (!link) {
      const e = this.ffi.errno();
      throw new BpfError(`cannot attach tracepoint ${category}:${name}: ${errnoName(e)}`, e, takeLog());
    }
    this.links.push(link);
  }

  /** Attach to a perf event fd (timers); the link owns the fd from then on. */
  attachPerfEvent(program: string, pfd: number): void {
    const prog = this.ffi.find_program(this.obj, program);
    if (!prog) throw new BpfError(`BPF object has no program ${program}`);
    const link = this.ffi.attach_perf_event(prog, pfd);
    if (!link) {
      const e = this.ffi.errno();
      this.ffi.close_fd(pfd);
      throw new BpfError(`cannot attach perf event: ${errnoName(e)}`, e, takeLog());
    }
    this.links.push(link);
  }

  get attachedCount(): number {
    return this.links.length + this.linkFds.length;
  }

  /** Detach everything, then free programs and maps. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detach();
    this.ffi.close(this.obj);
    this.obj = null;
    void this.image;
  }
}

/** Every (key, value) of a map, read through its fd. Values of per-CPU maps arrive as one slot
 *  per possible CPU, each rounded up to 8 bytes, as the kernel returns them. */
export function readMap(fd: number, keySize: number, valueSize: number, perCpu: boolean): { key: Buffer; value: Buffer }[] {
  const ffi = libbpf();
  const cpus = perCpu ? ffi.num_possible_cpus() : 1;
  const slot = perCpu ? Math.ceil(valueSize / 8) * 8 : valueSize;
  const out: { key: Buffer; value: Buffer }[] = [];
  let prev: Buffer | null = null;
  // A bounded walk: a map being written while read may restart; never loop forever.
  for (let i = 0; i < 1 << 20; i++) {
    const next = Buffer.alloc(keySize);
    if (ffi.map_get_next_key(fd, prev, next) !== 0) break;
    const value = Buffer.alloc(slot * cpus);
    if (ffi.map_lookup_elem(fd, next, value) === 0) out.push({ key: next, value });
    prev = next;
  }
  return out;
}

/** A second, close-on-exec fd for the kernel object behind `fd` (a map kept past its object). */
export function dupFd(fd: number): number {
  const ffi = libbpf();
  const r = ffi.dup_fd(fd);
  if (r < 0) {
    const e = ffi.errno();
    throw new BpfError(`cannot duplicate fd ${fd}: ${errnoName(e)}`, e);
  }
  return r;
}

export function closeFd(fd: number): void {
  libbpf().close_fd(fd);
}

/** A CPU-clock software perf event: every `period` ns (interval) or `freq` times a second
 *  (profile), on one CPU, for every process. */
export function openCpuClock(cpu: number, opts: { period?: number; freq?: number }): number {
  const ffi = libbpf();
  const attr = Buffer.alloc(112);
  attr.writeUInt32LE(1, 0); // PERF_TYPE_SOFTWARE
  attr.writeUInt32LE(112, 4); // PERF_ATTR_SIZE_VER5
  attr.writeBigUInt64LE(0n, 8); // PERF_COUNT_SW_CPU_CLOCK
  attr.writeBigUInt64LE(BigInt(Math.max(1, Math.round(opts.period ?? opts.freq ?? 1))), 16);
  attr.writeBigUInt64LE(opts.freq ? 1n << 10n : 0n, 40); // flags: freq
  const fd = ffi.perf_event_open(attr, -1, cpu, -1, 8 /* PERF_FLAG_FD_CLOEXEC */);
  if (fd < 0) {
    const e = ffi.errno();
    throw new BpfError(`cannot open a perf event on CPU ${cpu}: ${errnoName(e)}`, e);
  }
  return fd;
}

/** CPUs that are online now: /sys/devices/system/cpu/online, e.g. "0-1". */
export function onlineCpus(read: (p: string) => string): number[] {
  const out: number[] = [];
  for (const part of read('/sys/devices/system/cpu/online').trim().split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let c = a; c <= (b ?? a); c++) out.push(c);
  }
  return out;
}

/** A map's max_entries, from the kernel (a ring's is its size in bytes). */
export function mapMaxEntries(fd: number): number {
  const ffi = libbpf();
  const info = Buffer.alloc(80);
  const r = ffi.obj_get_info_by_fd(fd, info, [info.length]);
  if (r !== 0) throw new BpfError(`cannot read map fd ${fd}'s info: ${errnoName(r === -1 ? ffi.errno() : r)}`, r);
  return info.readUInt32LE(16);
}

export function possibleCpus(): number {
  return libbpf().num_possible_cpus();
}

/** Every key of a map, read before any is changed (deleting while walking would restart). */
export function mapKeys(fd: number, keySize: number): Buffer[] {
  const ffi = libbpf();
  const keys: Buffer[] = [];
  let prev: Buffer | null = null;
  for (let i = 0; i < 1 << 20; i++) {
    const next = Buffer.alloc(keySize);
    if (ffi.map_get_next_key(fd, prev, next) !== 0) break;
    keys.push(next);
    prev = next;
  }
  return keys;
}

export function clearMap(fd: number, keySize: number): void {
  const ffi = libbpf();
  for (const k of mapKeys(fd, keySize)) ffi.map_delete_elem(fd, k);
}
