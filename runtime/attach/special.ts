// BEGIN and END: uprobes on a libbpf function that gotrace calls itself, in its own process
// only (bpftrace does the same with functions of its own binary). Firing the block is calling
// the function.
import fs from 'node:fs';
import type { BpfObject } from '../libbpf/index.js';
import type { KindAttach } from './index.js';

/** The shared library whose functions trigger BEGIN and END: libbpf itself, as mapped here. */
function libbpfPath(): string {
  const maps = fs.readFileSync('/proc/self/maps', 'utf8');
  const m = /\s(\/\S*libbpf\.so[.\d]*)$/m.exec(maps);
  return m ? m[1] : 'libbpf.so.1';
}

export function special(func: string, fire: (obj: BpfObject) => void): KindAttach {
  return {
    attach(a, c) {
      c.obj.attachUprobeByName(a.program, libbpfPath(), func, process.pid);
      return 1;
    },
    trigger: fire,
  };
}
