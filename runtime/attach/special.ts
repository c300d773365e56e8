// BEGIN and END: uprobes on a libbpf function that gotrace calls itself, in its own process
// only (bpftrace does the same with functions of its own binary). Firing the block is calling
// the function. With uprobe_multi, each is a multi link of one site (its file offset found from
// the function's address here and /proc/self/maps): a perf-event uprobe link costs a grace
// period (~0.1 s) to detach, which every run paid at exit.
import fs from 'node:fs';
import type { BpfObject } from '../libbpf/index.js';
import type { KindAttach } from './index.js';

interface Mapping {
  start: bigint;
  end: bigint;
  offset: bigint;
  path: string;
}

/** libbpf's file mappings in this process. */
function libbpfMappings(): Mapping[] {
  const maps = fs.readFileSync('/proc/self/maps', 'utf8');
  const out: Mapping[] = [];
  for (const m of maps.matchAll(/^([0-9a-f]+)-([0-9a-f]+) \S+ ([0-9a-f]+) \S+ \d+\s+(\/\S*libbpf\.so[.\d]*)$/gm))
    out.push({ start: BigInt('0x' + m[1]), end: BigInt('0x' + m[2]), offset: BigInt('0x' + m[3]), path: m[4] });
  return out;
}

/** The shared library whose functions trigger BEGIN and END: libbpf itself, as mapped here. */
function libbpfPath(): string {
  return libbpfMappings()[0]?.path ?? 'libbpf.so.1';
}

/** Where `func` is in libbpf's file, from its address in this process; undefined if unknown. */
function fileOffset(obj: BpfObject, func: string): { path: string; offset: number } | undefined {
  const addr = obj.ffi.libbpf_symbol_address(func);
  const m = libbpfMappings().find((x) => addr >= x.start && addr < x.end);
  return m && { path: m.path, offset: Number(addr - m.start + m.offset) };
}

export function special(func: string, fire: (obj: BpfObject) => void): KindAttach {
  return {
    attach(a, c) {
      const at = c.multi ? fileOffset(c.obj, func) : undefined;
      if (at) c.obj.attachUprobeMulti(a.program, at.path, [at.offset], [0n], process.pid);
      else c.obj.attachUprobeByName(a.program, libbpfPath(), func, process.pid);
      return 1;
    },
    trigger: fire,
  };
}
