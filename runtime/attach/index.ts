// Attaching, per probe kind (grammar/probe-kinds.ts), as cilium/ebpf's link/: one small file per
// mechanism, one interface. The live program (session.ts) attaches each manifest entry through
// the entry of its kind and never asks which kind it is.
import type { ProbeKind } from '../../grammar/probe-kinds.js';
import type { AttachSpec } from '../../compiler/manifest.js';
import type { BpfObject } from '../libbpf/index.js';
import { special } from './special.js';
import { timer } from './timer.js';
import { tracepoint } from './tracepoint.js';
import { uprobe } from './uprobe.js';
import { goRuntime } from './go.js';

export interface AttachContext {
  obj: BpfObject;
  /** Path used for uprobes instead of the manifest's binary (/proc/PID/exe). */
  attachPath?: string;
  /** pid given to the kernel (-1: any). */
  attachPid: number;
  /** Function sites go into uprobe_multi links (programs loaded for them), made by finish(). */
  multi: boolean;
  /** Sites gathered for those links, by program and binary. */
  pending: Map<string, { program: string; path: string; offsets: number[]; cookies: bigint[] }>;
}

export interface KindAttach {
  /** Attaches one manifest entry; returns how many probes it counts (a function probe's
   *  return half counts none). Links belong to `c.obj`, which releases them. */
  attach(a: AttachSpec, c: AttachContext): number;
  /** After every entry is attached: make what was gathered (the uprobe_multi links). */
  finish?(c: AttachContext): void;
  /** For kinds gotrace fires itself (BEGIN, END): run the programs of these entries. */
  trigger?(obj: BpfObject, entries: AttachSpec[]): void;
}

/** How every probe kind is attached. */
export const ATTACH: Record<ProbeKind, KindAttach> = {
  uprobe,
  uretprobe: uprobe,
  go: goRuntime,
  BEGIN: special,
  END: special,
  interval: timer('interval'),
  profile: timer('profile'),
  tracepoint,
};
