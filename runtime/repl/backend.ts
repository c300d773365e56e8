// What the REPL asks of the compiler and the kernel, behind two small interfaces so that the
// command logic can be tested without BPF (test/runtime/repl.test.ts gives a fake with maps in
// memory) and runs on the real thing otherwise (realBackend below).
//
// Maps are reached through fds the REPL owns (dups of the first object's fds): a map outlives
// the probe that created it, so `@lat` stays readable after `.detach 1` and is printed at exit.
import { compile, type CompileOptions, type CompileResult } from '../../compiler/index.js';
import type { Manifest, MapSpec } from '../../compiler/manifest.js';
import type * as ast from '../../grammar/ast.js';
import type { SourceFile } from '../../grammar/source.js';
import type { MapEntry } from '../aggregations.js';
import { libbpf } from '../libbpf/ffi.js';
import { clearMap, closeFd, dupFd, mapKeys } from '../libbpf/index.js';
import type { Drop } from '../drops.js';
import { LiveProgram, readEntries, zeroMap, type LiveEvent, type LoadOptions } from '../session.js';
import type { DecodeContext } from '../values.js';

/** A loaded probe object (LiveProgram fits). */
export interface ProbeHandle {
  readonly manifest: Manifest;
  readonly ctx: DecodeContext;
  attach(): number;
  mapFd(spec: MapSpec): number;
  readMap(spec: MapSpec): MapEntry[];
  onEvents(handler: (e: LiveEvent) => void): void;
  pollEvents(): number;
  runBegin(): void;
  runEnd(): void;
  /** Events dropped because the ring buffer was full. */
  lostEvents?(): bigint;
  /** Detach the probes, keeping maps and counters readable. */
  detach?(): void;
  /** Full maps, evicted calls, cut loops (exact once detached). */
  drops?(): Drop[];
  dispose(): void;
}

/** User-space access to kernel maps through fds. */
export interface MapStore {
  /** A second fd for the same map, owned by the caller. */
  dup(fd: number): number;
  close(fd: number): void;
  read(fd: number, spec: MapSpec, ctx: DecodeContext): MapEntry[];
  clear(fd: number, spec: MapSpec): void;
  /** Every value back to zero, keys kept (bpftrace's zero()). */
  zero(fd: number, spec: MapSpec): void;
  /** Removes the entry with these keys, integers or strings (every bucket of it for
   *  histograms); false when there was none. */
  delete(fd: number, spec: MapSpec, keys: (bigint | string)[]): boolean;
}

export interface Backend {
  /** Compiles `program` (parsed from `file`, with the REPL's additions). */
  compile(file: SourceFile, opts: CompileOptions, program: ast.Program): Promise<CompileResult>;
  /** LoadOptions plus the maps to share: name in the object → fd. */
  load(object: Uint8Array, manifest: Manifest, opts: LoadOptions & { reuseMaps?: Map<string, number> }): ProbeHandle;
  maps: MapStore;
}

/** A kernel key as the BPF side builds it: 8-byte integers, zero-padded strings. */
function keyBuffer(spec: MapSpec, keys: (bigint | string)[]): Buffer {
  const b = Buffer.alloc(spec.keySize);
  keys.forEach((k, i) => {
    const f = spec.keys[i];
    if (typeof k === 'bigint') b.writeBigInt64LE(k, f.offset);
    else
      Buffer.from(k)
        .subarray(0, f.size - 1)
        .copy(b, f.offset);
  });
  return b;
}

export const realMaps: MapStore = {
  dup: (fd) => dupFd(fd),
  close: (fd) => closeFd(fd),
  read: (fd, spec, ctx) => readEntries(fd, spec, ctx),
  clear(fd, spec) {
    clearMap(fd, spec.keySize);
  },
  zero: (fd, spec) => zeroMap(fd, spec),
  delete(fd, spec, keys) {
    const ffi = libbpf();
    if (spec.kind !== 'hist' && spec.kind !== 'lhist') return ffi.map_delete_elem(fd, keyBuffer(spec, keys.length ? keys : [0n])) === 0;
    // A histogram entry is one kernel key per bucket: the script's keys, then the bucket.
    const prefix = keyBuffer(spec, keys).subarray(0, spec.keys[spec.keyCount].offset);
    let found = false;
    for (const k of mapKeys(fd, spec.keySize)) {
      if (!k.subarray(0, prefix.length).equals(prefix)) continue;
      found = ffi.map_delete_elem(fd, k) === 0 || found;
    }
    return found;
  },
};

export const realBackend: Backend = {
  compile: (file, opts, program) => compile(file, opts, program),
  load: (object, manifest, opts) => LiveProgram.load(object, manifest, opts),
  maps: realMaps,
};
