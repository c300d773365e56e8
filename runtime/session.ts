// A live program: the BPF object loaded from a compiled object and its manifest, with the
// per-target rodata filled in, attached at the manifest's sites. Owns every kernel object it
// creates and releases them exactly once (dispose), on every exit path.
import type { Manifest, MapSpec } from '../compiler/manifest.js';
import { keySlots } from '../compiler/codegen/c.js';
import { decodeEntries, sortEntries, type MapEntry } from './aggregations.js';
import { BpfObject, clearMap, possibleCpus, readMap } from './libbpf/index.js';

export interface LoadOptions {
  /** Trace only this process (its tgid as the kernel sees it); 0 = every process of the binary. */
  targetTgid: number;
  /** pid given to the kernel when attaching (-1: any). Filtering happens in BPF regardless. */
  attachPid: number;
  /** Path used to attach (e.g. /proc/PID/exe so a container's binary is found). */
  attachPath?: string;
}

export function rodataBytes(m: Manifest, values: Record<string, bigint>): Buffer {
  const b = Buffer.alloc(m.rodata.size);
  for (const f of m.rodata.fields) b.writeBigUInt64LE(values[f.name] ?? 0n, f.offset);
  return b;
}

export class LiveProgram {
  private disposed = false;
  readonly startNs: bigint;

  private constructor(
    private readonly obj: BpfObject,
    readonly manifest: Manifest,
    private readonly opts: LoadOptions,
  ) {
    this.startNs = process.hrtime.bigint();
  }

  /** Open and load (verify) the object. Nothing is attached yet. */
  static load(object: Uint8Array, manifest: Manifest, opts: LoadOptions): LiveProgram {
    const obj = BpfObject.open(object);
    try {
      // CLOCK_MONOTONIC on both sides: Node's hrtime and BPF's ktime_get_ns.
      const start = process.hrtime.bigint();
      obj.setInitialValue(
        manifest.rodata.section,
        rodataBytes(manifest, {
          goid_offset: BigInt(manifest.params.goid_offset),
          stack_hi_offset: BigInt(manifest.params.stack_hi_offset),
          target_tgid: BigInt(opts.targetTgid),
          start_ns: start,
        }),
      );
      obj.load();
      return new LiveProgram(obj, manifest, opts);
    } catch (e) {
      obj.close();
      throw e;
    }
  }

  /** Attach every site; returns the number of probes (function × block) attached. On failure
   *  everything attached so far is left for dispose() to release. */
  attach(): number {
    for (const a of this.manifest.attach) {
      const path = this.opts.attachPath ?? a.binary;
      for (const s of a.sites) this.obj.attachUprobe(a.program, path, s.offset, this.opts.attachPid);
    }
    return this.manifest.attach.filter((a) => a.role === 'entry').length;
  }

  get linkCount(): number {
    return this.obj.attachedCount;
  }

  readMap(spec: MapSpec): MapEntry[] {
    const fd = this.obj.map(spec.cName).fd;
    const raw = readMap(fd, keySlots(spec) * 8, spec.valueSize, spec.perCpu);
    return sortEntries(decodeEntries(spec, raw, possibleCpus()));
  }

  clearMap(spec: MapSpec): void {
    clearMap(this.obj.map(spec.cName).fd, keySlots(spec) * 8);
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
    this.obj.close();
  }
}
