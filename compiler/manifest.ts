// The manifest: everything the runtime needs besides the BPF object. Inert data (JSON-safe), so
// it can be printed (-v), cached next to the object, and inspected in tests.
import type { FunctionKind, KeywordKind, RateKind, TracepointKind } from '../grammar/probe-kinds.js';
import type { Field } from './passes/types.js';
import type { EventKind } from './passes/semantic.js';
export type { Field } from './passes/types.js';

export type MapKind = 'int' | 'str' | 'count' | 'sum' | 'avg' | 'min' | 'max' | 'stats' | 'hist' | 'lhist';

export interface MapSpec {
  /** As written in the script: `@lat`, or `@` for the anonymous map. */
  name: string;
  /** The BPF map's name in the object. */
  cName: string;
  kind: MapKind;
  /** Number of keys the script gives (0 for `@x = ...`, stored under key 0 as bpftrace does). */
  keyCount: number;
  /** Layout of the key struct: the script's keys, then the bucket for hist/lhist; a single int
   *  0 for maps without keys. */
  keys: Field[];
  keySize: number;
  /** For int/str maps: the value's type (a probe id prints as the function's name). */
  value?: Field;
  /** Bytes per value per CPU. */
  valueSize: number;
  perCpu: boolean;
  /** lhist parameters. */
  lhist?: { min: number; max: number; step: number };
  /** hist/lhist/stats of durations (nanoseconds): bucket labels and percentiles in time units
   *  (compiler/passes/types.ts says which values are durations). */
  duration?: boolean;
  /** Kept in user space, not in BPF: a key is a Go value only user space spells (an error's
   *  message). Probes send each update as a map_update event; runtime/usermaps.ts aggregates. */
  user?: boolean;
}

export interface ProbeSite {
  /** Virtual address in the binary (for -v and tests). */
  vaddr: number;
  /** File offset: what the kernel's uprobe wants. */
  offset: number;
}

/** A function probe (uprobe:, uretprobe:): uprobes at its entry site or at every RET. */
export interface UprobeAttach {
  kind: FunctionKind;
  /** Where in the call: the entry site, or every return site. */
  at: 'entry' | 'return';
  /** Index of the probe block in the script. */
  block: number;
  /** The spec as written: `uprobe:main.handle`. */
  spec: string;
  /** The Go function it resolved to. */
  func: string;
  /** BPF program name in the object: shared by every function of the block. */
  program: string;
  binary: string;
  sites: ProbeSite[];
  /** The probe id, which every site's BPF cookie carries (its low 32 bits). */
  probe: number;
  /** Link-time address of sites[0] (the entry), carried in its cookie's high 32 bits when
   *  the program notes a PIE's load bias (IP minus this). */
  biasAt?: number;
  /** kind 'go' (a runtime function the go: probes hook): the go: probes it stands for, on the
   *  first hook's entry only (hooks are shared; runtime/attach/go.ts). */
  counts?: number;
}

/** BEGIN and END: raw tracepoint programs that gotrace runs itself (BPF_PROG_TEST_RUN), once,
 *  in its own process, as bpftrace runs BEGIN in its own (runtime/attach/special.ts). */
export interface SpecialAttach {
  kind: KeywordKind;
  block: number;
  spec: string;
  program: string;
}

/** interval: one CPU-clock perf event on CPU 0; profile: one per CPU. */
export interface TimerAttach {
  kind: RateKind;
  block: number;
  spec: string;
  program: string;
  /** interval: period in ns; profile: frequency in Hz. */
  period: number;
}

/** A kernel tracepoint, attached by category and name (a perf event of the tracepoint). */
export interface TracepointAttach {
  kind: TracepointKind;
  block: number;
  /** `tracepoint:CATEGORY:NAME`, the wildcard expanded. */
  spec: string;
  program: string;
  category: string;
  name: string;
  /** The probe id, in the attachment's BPF cookie (low 32 bits). */
  probe: number;
  /** Offset in the record of the pid of the task the event is about, when it is not the current
   *  task (sched_switch's next_pid): cookie's high 32 bits, plus one. */
  taskField?: number;
}

export type AttachSpec = UprobeAttach | SpecialAttach | TimerAttach | TracepointAttach;

export interface EventSpec {
  id: number;
  kind: EventKind;
  format?: string;
  /** Fields after the 16-byte header (event id, probe id). */
  args: Field[];
  map?: string;
  top?: number;
  div?: number;
}

/** One counter slot of gt_drops: updates a full map refused (its size is --map-keys),
 *  compound assignments (`@m *= 2`) given up after losing GT_CAS_TRIES compare-and-swaps to
 *  other CPUs, executions of a while loop cut off at `limit` iterations (`at`: file:line:col),
 *  or events skipped because the CPU's scratch space was held by a preempted program
 *  (gotrace.bpf.h). */
export type DropSpec =
  | { kind: 'map_full'; map: string }
  | { kind: 'map_contended'; map: string }
  | { kind: 'loop_cut'; at: string; limit: number }
  | { kind: 'scratch_busy' };

export interface RodataField {
  name: 'goid_offset' | 'stack_hi_offset' | 'target_tgid' | 'start_ns';
  offset: number;
}

export interface Manifest {
  version: 1;
  target: { binary: string; goVersion?: string; buildId?: string };
  attach: AttachSpec[];
  maps: MapSpec[];
  events: EventSpec[];
  /** What each slot of gt_drops counts. */
  drops: DropSpec[];
  /** Probe ids (what `func` and `probe` hold) to names. */
  probes: { id: number; func: string; spec: string }[];
  /** Layout of `struct gt_config` in the `.rodata.gotrace` section (bpf-templates/shared.h). */
  rodata: { section: '.rodata.gotrace'; size: number; fields: RodataField[] };
  /** Per-target values found at compile time; the runtime adds the pid and start time. */
  params: { goid_offset: number; stack_hi_offset: number };
  /** Scripts the program imported (absolute paths): the script cache re-checks them. */
  scripts?: string[];
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
