// A live program: the BPF object loaded from a compiled object and its manifest, with the
// per-target rodata filled in, attached at the manifest's sites. Owns every kernel object it
// creates (links, perf events, the ring buffer, maps, programs) and releases them exactly once
// (dispose), on every exit path.
import { GO_TABLE_DROP } from '../compiler/codegen/go-runtime.js';
import type { EventSpec, Manifest, MapSpec } from '../compiler/manifest.js';
import type { GoBinary } from '../compiler/go/binary.js';
import { ElfFile } from '../compiler/go/elf.js';
import { decodeEntries, sortEntries, type MapEntry } from './aggregations.js';
import { probeKind, type ProbeKind } from '../grammar/probe-kinds.js';
import { guarded, makeTypeFinder, makeTypeNamer } from './typenames.js';
import { ATTACH, type AttachContext } from './attach/index.js';
import { BpfObject, clearMap, mapKeys, mapMaxEntries, possibleCpus, readMap } from './libbpf/index.js';
import { RingReader } from './libbpf/ring.js';
import { libbpf } from './libbpf/ffi.js';
import { BPF_TRACE_UPROBE_MULTI, uprobeMultiReason, uprobeMultiSupported } from './libbpf/multi.js';
import { collectDrops, DEFAULT_CALLS_IN_FLIGHT, DEFAULT_MAP_KEYS, type Drop, type Sizes } from './drops.js';
import { decodeField, type DecodeContext, type FrameSymbolizer, type Value } from './values.js';
import { percentileValue } from './percentiles.js';
import { UserMaps } from './usermaps.js';

export interface LoadOptions {
  /** Trace only this process (its tgid as the kernel sees it); 0 = every process of the binary. */
  targetTgid: number;
  /** pid given to the kernel when attaching (-1: any). Filtering happens in BPF regardless. */
  attachPid: number;
  /** Path used to attach: GoBinary.attachPath(), the open file analyzed (/proc/self/fd/N), so
   *  a file renamed over the binary's path since cannot receive the probes. */
  attachPath?: string;
  /** For ustack symbols. */
  binary?: GoBinary;
  /** Maps (by name in the object) to take from existing kernel maps instead of creating them:
   *  the REPL compiles each probe on its own and shares maps of the same name this way. */
  reuseMaps?: Map<string, number>;
  /** Keys per script map (--map-keys) and calls traced at once (--calls-in-flight). */
  sizes?: Partial<Sizes>;
  /** Bytes of the event ring buffer (--ring-size), a power of two. */
  ringBytes?: number;
  /** Says (once a process) that uprobe_multi is missing and sites get a link each (-v). */
  note?: (line: string) => void;
}

/** The event ring buffer by default: 8 MiB, room for ~100,000 printf records while user space
 *  catches up (a printf on every runtime.mallocgc of a busy program must lose nothing). */
export const DEFAULT_RING_BYTES = 8 << 20;
/** The REPL's default: one ring per typed probe, so a smaller one (--ring-size still sets it). */
export const REPL_RING_BYTES = 1 << 20;
/** The smallest ring the kernel takes: one page. */
const PAGE = 4096;

/** The event ring's bytes: what was asked, but one page for an object that sends no event (a
 *  maps-only script, most REPL probes): its ring is never written, and a ring's memory is all
 *  allocated (and charged) when the map is made. */
export function ringBytesFor(manifest: Manifest, asked: number | undefined): number {
  return manifest.events.length === 0 ? PAGE : (asked ?? DEFAULT_RING_BYTES);
}

let fallbackNoted = false;

/** Function probes use uprobe_multi links when the kernel has them
 *  (runtime/libbpf/multi.ts); their programs must then be loaded for that attach type. */
function chooseMulti(obj: BpfObject, manifest: Manifest, note?: (line: string) => void): boolean {
  const uprobes = manifest.attach.filter((a) => probeKind(a.kind).form === 'function');
  const programs = new Set(uprobes.map((a) => a.program));
  if (programs.size === 0) return false;
  if (!uprobeMultiSupported()) {
    if (note && !fallbackNoted) note(`uprobe_multi links unavailable (${uprobeMultiReason()}): one uprobe link per site`);
    fallbackNoted = true;
    return false;
  }
  for (const p of programs) obj.setExpectedAttachType(p, BPF_TRACE_UPROBE_MULTI);
  return true;
}

export interface LiveEvent {
  spec: EventSpec;
  probe: number;
  args: Value[];
}

/** A map's entries through its fd: read, per-CPU slots merged, sorted as bpftrace sorts. */
export function readEntries(fd: number, spec: MapSpec, ctx: DecodeContext): MapEntry[] {
  const raw = readMap(fd, spec.keySize, spec.valueSize, spec.perCpu);
  return sortEntries(decodeEntries(spec, raw, possibleCpus(), ctx));
}

const BPF_EXIST = 2;

/** Every value of a map set to zero bytes, each key kept. N.B. BPF_EXIST: a key deleted
 *  meanwhile stays deleted. A per-CPU value is zeroed on every CPU. */
export function zeroMap(fd: number, spec: MapSpec): void {
  const slot = spec.perCpu ? Math.ceil(spec.valueSize / 8) * 8 * possibleCpus() : spec.valueSize;
  const zeros = Buffer.alloc(slot);
  for (const k of mapKeys(fd, spec.keySize)) libbpf().map_update_elem(fd, k, zeros, BPF_EXIST);
}

/** The bytes of `.rodata.gotrace` (struct gt_config) with the given values. */
export function rodataBytes(m: Manifest, values: Record<string, bigint>): Buffer {
  const b = Buffer.alloc(m.rodata.size);
  for (const f of m.rodata.fields) b.writeBigUInt64LE(values[f.name] ?? 0n, f.offset);
  return b;
}

/** A compiled program loaded into the kernel: `load` verifies it, `attach` attaches it, events
 *  and maps are read through it, `dispose` releases everything it owns, exactly once. */
export class LiveProgram {
  private disposed = false;
  private ring?: RingReader;
  readonly ctx: DecodeContext;
  /** The maps kept in user space (MapSpec.user), updated by their events. */
  private readonly users: UserMaps;

  private constructor(
    private readonly obj: BpfObject,
    readonly manifest: Manifest,
    private readonly opts: LoadOptions,
    /** Function sites go into uprobe_multi links. */
    readonly multi: boolean,
  ) {
    this.users = new UserMaps(manifest.maps, this.sizes.mapKeys);
    this.ctx = {
      manifest,
      symbolize: makeSymbolizer(opts.binary, () => this.loadBias()),
      typeName: makeTypeNamer(opts.binary, () => this.loadBias(), opts.targetTgid),
      frames: makeFrameSymbolizer(opts.binary, () => this.loadBias()),
      goType: guarded(makeTypeFinder(opts.binary)),
      percentile: (map, keys, p) => this.percentile(map, keys, p),
    };
  }

  /** percentile(@map[keys], p) now (runtime/percentiles.ts); 0 for an empty or unknown map. */
  private percentile(map: string, keys: Buffer, p: number): bigint {
    const spec = this.mapSpec(map);
    if (!spec) return 0n;
    const e = spec.user ? this.users.lookup(spec, userKeys(spec, keys, this.ctx)) : this.bpfValue(spec, keys);
    const v =
      e?.type === 'hist'
        ? percentileValue(spec, e.buckets, e.max, p)
        : e?.type === 'stats' && e.buckets
          ? percentileValue({ kind: 'hist' }, e.buckets, e.max, p)
          : undefined;
    return v ?? 0n;
  }

  /** The value of one key of a BPF map (its bytes before the bucket). */
  private bpfValue(spec: MapSpec, keys: Buffer): MapEntry['value'] | undefined {
    const n = spec.keyCount ? spec.keys[spec.keyCount - 1].offset + spec.keys[spec.keyCount - 1].size : 0;
    const raw = readMap(this.mapFd(spec), spec.keySize, spec.valueSize, spec.perCpu).filter((r) =>
      r.key.subarray(0, n).equals(keys.subarray(0, n)),
    );
    return decodeEntries(spec, raw, possibleCpus(), this.ctx)[0]?.value;
  }

  /** Open and load (verify) the object. Nothing is attached yet. */
  static load(object: Uint8Array, manifest: Manifest, opts: LoadOptions): LiveProgram {
    const obj = BpfObject.open(object);
    try {
      // CLOCK_MONOTONIC on both sides: Node's hrtime and BPF's ktime_get_ns.
      obj.setInitialValue(
        manifest.rodata.section,
        rodataBytes(manifest, {
          goid_offset: BigInt(manifest.params.goid_offset),
          stack_hi_offset: BigInt(manifest.params.stack_hi_offset),
          target_tgid: BigInt(opts.targetTgid),
          start_ns: process.hrtime.bigint(),
        }),
      );
      sizeMaps(obj, manifest, opts.sizes);
      obj.setMaxEntries('gt_events', ringBytesFor(manifest, opts.ringBytes));
      for (const [cName, fd] of opts.reuseMaps ?? []) obj.reuseMap(cName, fd);
      const multi = chooseMulti(obj, manifest, opts.note);
      obj.load();
      return new LiveProgram(obj, manifest, opts, multi);
    } catch (e) {
      obj.close();
      throw e;
    }
  }

  /** Start receiving events; the caller consumes them with pollEvents(). */
  onEvents(handler: (e: LiveEvent) => void): void {
    if (this.ring || this.manifest.events.length === 0) return;
    const fd = this.obj.map('gt_events').fd;
    this.ring = new RingReader(fd, mapMaxEntries(fd), (data, at) => {
      // N.B. the header's u64s are read as two u32s: ids are small, and no BigInt is made.
      const spec = this.manifest.events[data.readUInt32LE(at)];
      if (!spec) return;
      const probe = data.readUInt32LE(at + 8);
      const e = { spec, probe, args: spec.args.map((f) => decodeField(data, at + 16, f, this.ctx)) };
      if (!this.users.take(e)) handler(e);
    });
  }

  /** Handle the events waiting now, without blocking. */
  pollEvents(): number {
    return this.ring?.consume() ?? 0;
  }

  /** Attach every probe of the manifest, each by its kind (runtime/attach/); BEGIN/END are
   *  then fired, not attached, by the caller through runBegin/runEnd. Returns the number of
   *  probes. On failure, everything attached so far is left for dispose() to release. */
  attach(): number {
    let n = 0;
    const c: AttachContext = {
      obj: this.obj,
      attachPath: this.opts.attachPath,
      attachPid: this.opts.attachPid,
      multi: this.multi,
      pending: new Map(),
    };
    for (const a of this.manifest.attach) n += ATTACH[a.kind].attach(a, c);
    for (const k of new Set(this.manifest.attach.map((a) => ATTACH[a.kind]))) k.finish?.(c);
    return n;
  }

  /** Run the BEGIN blocks (each program run once, in this process), then their events. */
  runBegin(): void {
    this.fire('BEGIN');
  }

  runEnd(): void {
    this.fire('END');
  }

  private fire(kind: ProbeKind): void {
    const entries = this.manifest.attach.filter((a) => a.kind === kind);
    if (entries.length) ATTACH[kind].trigger?.(this.obj, entries);
    this.pollEvents();
  }

  get linkCount(): number {
    return this.obj.attachedCount;
  }

  mapSpec(name: string): MapSpec | undefined {
    return this.manifest.maps.find((m) => m.name === name);
  }

  mapFd(spec: MapSpec): number {
    return this.obj.map(spec.cName).fd;
  }

  readMap(spec: MapSpec): MapEntry[] {
    return spec.user ? this.users.entries(spec) : readEntries(this.mapFd(spec), spec, this.ctx);
  }

  clearMap(spec: MapSpec): void {
    if (spec.user) this.users.clear(spec);
    else clearMap(this.mapFd(spec), spec.keySize);
  }

  /** zero(@m): every value back to zero, the keys kept (bpftrace's zero()). */
  zeroMap(spec: MapSpec): void {
    if (spec.user) this.users.zero(spec);
    else zeroMap(this.mapFd(spec), spec);
  }

  /** A PIE binary's load address in the traced process, as the entry programs noted it. */
  loadBias(): number {
    const noted = (map: string) => {
      const raw = readMap(this.obj.map(map).fd, 4, 8, false);
      return raw.length ? Number(raw[0].value.readBigUInt64LE(0)) : 0;
    };
    // N.B. only uprobe entries note the bias itself; kernel events note where the code starts
    // (kernel.bpf.h, gt_note_start_code), which is the bias plus the code's linked address.
    const start = noted('gt_bias') ? 0 : noted('gt_start_code');
    return start && this.opts.binary ? start - execVaddr(this.opts.binary.path) : noted('gt_bias');
  }

  /** Events that found the ring buffer full, over all CPUs. */
  lostEvents(): bigint {
    const raw = readMap(this.obj.map('gt_lost').fd, 4, 8, true);
    let n = 0n;
    for (const r of raw) for (let i = 0; i < r.value.length; i += 8) n += r.value.readBigUInt64LE(i);
    return n;
  }

  /** Detach every probe, keeping the maps readable: counters then stop moving. */
  detach(): void {
    this.obj.detach();
  }

  /** What was dropped (full maps, evicted calls, cut loops); exact once detached. */
  drops(): Drop[] {
    const sum = (fd: number, slots: number): bigint[] => {
      const out = new Array<bigint>(slots).fill(0n);
      for (const r of readMap(fd, 4, 8, true)) {
        const i = r.key.readUInt32LE(0);
        for (let c = 0; c < r.value.length; c += 8) if (i < slots) out[i] += r.value.readBigUInt64LE(c);
      }
      return out;
    };
    const stats = sum(this.obj.map('gt_stats').fd, 4);
    const slots = sum(this.obj.map('gt_drops').fd, Math.max(1, this.manifest.drops.length));
    // A map kept in user space refuses its new keys there, past --map-keys, as BPF would.
    this.manifest.drops.forEach((d, i) => {
      if (d.kind === 'map_full') slots[i] += this.users.refusedKeys(d.map);
    });
    const left = stats[0] > stats[1] ? BigInt(mapKeys(this.obj.map('gt_calls').fd, 32).length) : 0n;
    return collectDrops(this.manifest.drops, slots, { started: stats[0], returned: stats[1], left }, this.sizes);
  }

  get sizes(): Sizes {
    return {
      mapKeys: this.opts.sizes?.mapKeys ?? DEFAULT_MAP_KEYS,
      callsInFlight: this.opts.sizes?.callsInFlight ?? DEFAULT_CALLS_IN_FLIGHT,
    };
  }

  /** Maps in bpftrace's order (by name), with their entries. */
  readAllMaps(): { spec: MapSpec; entries: MapEntry[] }[] {
    return [...this.manifest.maps]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((spec) => ({ spec, entries: this.readMap(spec) }));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ring?.free();
    this.obj.close();
  }
}

/** The keys of a map kept in user space from their bytes (a percentile() event's). */
function userKeys(spec: MapSpec, keys: Buffer, ctx: DecodeContext): Value[] {
  return spec.keys.slice(0, spec.keyCount).map((f) => decodeField(keys, 0, f, ctx));
}

/** Map sizes are set here, before load, not compiled in: the cached object serves any size. */
function sizeMaps(obj: BpfObject, manifest: Manifest, sizes: Partial<Sizes> = {}): void {
  for (const m of manifest.maps) if (!m.user) obj.setMaxEntries(m.cName, sizes.mapKeys ?? DEFAULT_MAP_KEYS);
  // Preallocated (LRU): an object whose blocks never run at return keeps one unused entry.
  const returns = manifest.attach.some((a) => 'at' in a && a.at === 'return');
  obj.setMaxEntries('gt_calls', returns ? (sizes.callsInFlight ?? DEFAULT_CALLS_IN_FLIGHT) : 1);
  obj.setMaxEntries('gt_drops', Math.max(1, manifest.drops.length));
  // The go: provider's goroutine table (goruntime.bpf.h) holds --map-keys goroutines.
  if (manifest.drops.some((d) => d.kind === 'map_full' && d.map === GO_TABLE_DROP))
    obj.setMaxEntries('gt_go_gs', sizes.mapKeys ?? DEFAULT_MAP_KEYS);
}

function execVaddr(path: string): number {
  try {
    const elf = ElfFile.open(path);
    try {
      return elf.execVaddr();
    } finally {
      elf.close();
    }
  } catch {
    return 0;
  }
}

/** `func+off` for a return address, from the binary's function table. A PIE binary is mapped
 *  at a random base, which the BPF side notes (gt_bias) for the runtime to subtract. */
function makeSymbolizer(bin: GoBinary | undefined, bias: () => number): (pc: bigint) => string {
  if (!bin) return (pc) => `0x${pc.toString(16)}`;
  let base: number | undefined;
  return (pc) => {
    base ??= bin.pie ? bias() : 0;
    const s = bin.symbolize(Number(pc) - base);
    return s ? `${s.func}+${s.offset}` : `0x${pc.toString(16)}`;
  };
}

/** The frames at a code address with the functions inlined there, innermost first (Go's
 *  traceback's view); a return address is looked up at pc - 1, inside the call instruction. */
function makeFrameSymbolizer(bin: GoBinary | undefined, bias: () => number): FrameSymbolizer | undefined {
  if (!bin) return undefined;
  let base: number | undefined;
  return (pc, ret) => {
    base ??= bin.pie ? bias() : 0;
    const at = Number(pc) - base;
    const s = bin.symbolize(at);
    if (!s) return [`0x${pc.toString(16)}`];
    const inl = (bin.inlineTrees()?.inlinedAt(ret ? at - 1 : at) ?? []).map((n) => `${n} [inlined]`);
    return [...inl, `${s.func}+${s.offset}`];
  };
}
