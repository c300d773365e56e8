// go: probes (compiler/go/goruntime.ts): uprobes on the runtime functions they hook, attached
// as function probes are (one uprobe_multi link per program). The hooks are shared by every
// go: probe of the script, so they count as the probes they stand for, not one each.
import type { UprobeAttach } from '../../compiler/manifest.js';
import type { KindAttach } from './index.js';
import { uprobe } from './uprobe.js';

export const goRuntime: KindAttach = {
  attach(a, c) {
    uprobe.attach(a, c);
    return (a as UprobeAttach).counts ?? 0;
  },
  finish: uprobe.finish,
};
