// Kernel tracepoints: one perf-event link per tracepoint, each with its BPF cookie (the probe id,
// and the offset of the field naming the task the event is about: see codegen/probe-kinds.ts).
// The tracepoints of a block share its program.
import type { TracepointAttach } from '../../compiler/manifest.js';
import { tracefsRoot } from '../../compiler/kernel/tracefs.js';
import { BpfError } from '../libbpf/index.js';
import type { KindAttach } from './index.js';

/** The BPF cookie of a tracepoint's attachment (bpf-templates/kernel.bpf.h, gt_tp_pid_ok). */
export function tracepointCookie(a: TracepointAttach): bigint {
  const high = a.taskField !== undefined ? BigInt(a.taskField + 1) << 32n : 0n;
  return high | BigInt(a.probe >>> 0);
}

/** tracefs, mounted when missing: libbpf finds a tracepoint's id there (a compile from the
 *  script cache has not looked). */
function ensureTracefs(): void {
  try {
    tracefsRoot();
  } catch (e) {
    throw new BpfError(`cannot attach tracepoints: ${(e as Error).message}`);
  }
}

export const tracepoint: KindAttach = {
  attach(spec, c) {
    const a = spec as TracepointAttach;
    ensureTracefs();
    c.obj.attachTracepoint(a.program, a.category, a.name, tracepointCookie(a));
    return 1;
  },
};
