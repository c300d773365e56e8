// The manifest: everything the runtime needs besides the BPF object. Inert data (JSON-safe), so
// it can be printed (-v), cached next to the object, and inspected in tests.

export type MapKind = 'int' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'stats' | 'hist' | 'lhist';

export interface MapSpec {
  /** As written in the script: `@lat`, or `@` for the anonymous map. */
  name: string;
  /** The BPF map's name in the object. */
  cName: string;
  kind: MapKind;
  /** Number of 8-byte integer keys (0 for `@x = ...`, stored under key 0 as bpftrace does). */
  keyCount: number;
  /** Bytes per value per CPU. */
  valueSize: number;
  perCpu: boolean;
  /** lhist parameters. */
  lhist?: { min: number; max: number; step: number };
}

export interface ProbeSite {
  /** Virtual address in the binary (for -v and tests). */
  vaddr: number;
  /** File offset: what the kernel's uprobe wants. */
  offset: number;
}

export interface AttachSpec {
  /** Index of the probe block in the script. */
  block: number;
  /** The spec as written: `uprobe:main.handle`. */
  spec: string;
  /** The Go function it resolved to. */
  func: string;
  /** BPF program name in the object. */
  program: string;
  role: 'entry' | 'return';
  binary: string;
  sites: ProbeSite[];
}

export interface RodataField {
  name: 'goid_offset' | 'stack_hi_offset' | 'target_tgid' | 'start_ns';
  offset: number;
}

export interface Manifest {
  version: 1;
  target: { binary: string; goVersion?: string; buildId?: string };
  attach: AttachSpec[];
  maps: MapSpec[];
  /** Layout of `struct gt_config` in the `.rodata.gotrace` section (bpf-templates/shared.h). */
  rodata: { section: '.rodata.gotrace'; size: number; fields: RodataField[] };
  /** Per-target values found at compile time; the runtime adds the pid and start time. */
  params: { goid_offset: number; stack_hi_offset: number };
}

export const RODATA_LAYOUT: Manifest['rodata'] = {
  section: '.rodata.gotrace',
  size: 32,
  fields: [
    { name: 'goid_offset', offset: 0 },
    { name: 'stack_hi_offset', offset: 8 },
    { name: 'target_tgid', offset: 16 },
    { name: 'start_ns', offset: 24 },
  ],
};
