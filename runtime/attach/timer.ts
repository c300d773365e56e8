// interval and profile: CPU-clock software perf events. interval ticks on CPU 0 every `period`
// ns; profile samples every online CPU `period` times a second.
import fs from 'node:fs';
import type { TimerAttach } from '../../compiler/manifest.js';
import { onlineCpus, openCpuClock } from '../libbpf/index.js';
import type { KindAttach } from './index.js';

export function timer(how: 'interval' | 'profile'): KindAttach {
  return {
    attach(spec, c) {
      const a = spec as TimerAttach;
      if (how === 'interval') c.obj.attachPerfEvent(a.program, openCpuClock(0, { period: a.period }));
      else
        for (const cpu of onlineCpus((p) => fs.readFileSync(p, 'utf8')))
          c.obj.attachPerfEvent(a.program, openCpuClock(cpu, { freq: a.period }));
      return 1;
    },
  };
}
