// Function probes: one uprobe per site (the entry site, or every RET for the return half).
import type { UprobeAttach } from '../../compiler/manifest.js';
import type { KindAttach } from './index.js';

export const uprobe: KindAttach = {
  attach(spec, c) {
    const a = spec as UprobeAttach;
    for (const s of a.sites) c.obj.attachUprobe(a.program, c.attachPath ?? a.binary, s.offset, c.attachPid);
    return a.at === 'entry' ? 1 : 0;
  },
};
