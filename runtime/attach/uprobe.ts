// Function probes: uprobes at the entry site (and inlined call sites) or at every RET. The sites
// of one program (a block's shared entry or return program, every function of the block) go
// into one uprobe_multi link when the kernel has them, else one perf-event link each (the
// fallback, ~80 ms of kernel time per site to attach and again to detach). Either way each
// site carries its BPF cookie: the probe id (and, for an entry of a PIE whose stacks are read,
// the entry's address in the high 32 bits).
import type { ProbeSite, UprobeAttach } from '../../compiler/manifest.js';
import type { KindAttach } from './index.js';

/** The BPF cookie of site `i` of `a` (see bpf-templates/gotrace.bpf.h, gt_cookie_probe). */
export function siteCookie(a: UprobeAttach, i: number): bigint {
  const high = i === 0 && a.at === 'entry' && a.biasAt ? BigInt(a.biasAt) << 32n : 0n;
  return high | BigInt(a.probe >>> 0);
}

interface Batch {
  program: string;
  path: string;
  offsets: number[];
  cookies: bigint[];
}

export const uprobe: KindAttach = {
  attach(spec, c) {
    const a = spec as UprobeAttach;
    const path = c.attachPath ?? a.binary;
    if (c.multi) {
      const key = `${a.program}\0${path}`;
      let b = c.pending.get(key);
      if (!b) c.pending.set(key, (b = { program: a.program, path, offsets: [], cookies: [] }));
      a.sites.forEach((s: ProbeSite, i) => (b!.offsets.push(s.offset), b!.cookies.push(siteCookie(a, i))));
    } else {
      a.sites.forEach((s, i) => c.obj.attachUprobe(a.program, path, s.offset, c.attachPid, siteCookie(a, i)));
    }
    return a.at === 'entry' ? 1 : 0;
  },
  finish(c) {
    for (const b of c.pending.values() as Iterable<Batch>) c.obj.attachUprobeMulti(b.program, b.path, b.offsets, b.cookies, c.attachPid);
    c.pending.clear();
  },
};
