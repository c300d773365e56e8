// BPF C generation. Each probe block becomes one always-inline C function; each (block, Go
// function) pair gets thin programs that the runtime attaches: an entry program at the entry
// site and, for blocks that run at return, a return program attached at every RET. BEGIN/END
// and timers get one program each (the programs of each kind: probe-kinds.ts).
//
// Integers are 64-bit signed, as in Go: division and remainder truncate toward zero (gt_sdiv,
// gt_smod: BPF before ISA v4 divides unsigned only), >> is arithmetic, comparisons are signed.
// N.B. bpftrace 0.17 divides and shifts right unsigned (-10 / 2 is 9223372036854775803 there,
// with a warning); on non-negative operands both agree. Shift counts are taken mod 64 so that
// a constant shift means what the same shift computed at run time means.
// Strings are zero-padded buffers of a size fixed at compile time (--strlen), filled by
// statements emitted before their use. Every update that a full map refuses and every while
// loop cut off at its bound is counted in a slot of gt_drops (the manifest's drops name them).
// The writer of a block: writer.ts (base), go-values.ts, exprs.ts, block.ts (statements).
import fs from 'node:fs';
import path from 'node:path';
import type { DropSpec, EventSpec, MapKind, MapSpec } from '../manifest.js';
import type { MapInfo, SemanticResult } from '../passes/semantic.js';
import { INT, STATS_VALUE_SIZE, layout } from '../passes/types.js';
import { templatesDir } from '../paths.js';
import { BlockWriter } from './block.js';
import { PROBE_CODEGEN, type CodegenProbe } from './probe-kinds.js';
import { blockWrapper, scratchDecl } from './scratch.js';
import { cField, isBufferField } from './writer.js';

export type { CodegenProbe } from './probe-kinds.js';

/** Map name in the object: `@lat` → `m_lat`, `@` → `m_`; BPF map names keep 15 characters, so
 *  long names are shortened with an index to stay unique. */
export function mapCName(name: string, index: number): string {
  const base = 'm_' + name.slice(1).replace(/[^A-Za-z0-9_]/g, '_');
  return base.length <= 15 ? base : `m${index}_${base.slice(2, 10)}`;
}

function isHist(k: MapKind): boolean {
  return k === 'hist' || k === 'lhist';
}

/** Bytes of an aggregation's value per CPU (bpf-templates/shared.h); 8 for the others. */
const VALUE_SIZES: Partial<Record<MapKind, number>> = { avg: 16, min: 16, max: 16, hist: 24, lhist: 24, stats: STATS_VALUE_SIZE };
/** ... and its C type. */
const AGG_VALUE_C: Partial<Record<MapKind, string>> = {
  avg: 'struct gt_avg',
  min: 'struct gt_avg',
  max: 'struct gt_avg',
  hist: 'struct gt_hist',
  lhist: 'struct gt_hist',
  stats: 'struct gt_stats',
};

/** The manifest's description of every map: key and value layouts, per-CPU or not. */
export function mapSpecs(maps: Map<string, MapInfo>): MapSpec[] {
  return [...maps.values()].map((m, i) => {
    const keyTypes = [...m.keyTypes, ...(isHist(m.kind) ? [INT] : [])];
    const keys = layout(keyTypes.length ? keyTypes : [INT]);
    const value = m.valueType ? layout([m.valueType]).fields[0] : undefined;
    // N.B. hist/lhist buckets are (count, sum, max): the sum makes the exporters' _sum exact
    // (runtime/exporters/metrics.ts), the max the percentile line's; bpftrace's text shows counts.
    const valueSize = value ? value.size : (VALUE_SIZES[m.kind] ?? 8);
    return {
      name: m.name,
      cName: mapCName(m.name, i),
      kind: m.kind,
      keyCount: m.keyTypes.length,
      keys: keys.fields,
      keySize: keys.size,
      ...(value ? { value } : {}),
      valueSize,
      perCpu: m.kind !== 'int' && m.kind !== 'str',
      ...(m.lhist ? { lhist: m.lhist } : {}),
      ...(m.duration ? { duration: true } : {}),
      ...(m.user ? { user: true } : {}),
    };
  });
}

/** The manifest's description of every event: its kind and the layout of its arguments. */
export function eventSpecs(sem: SemanticResult): EventSpec[] {
  return sem.events.map((e) => ({
    id: e.id,
    kind: e.kind,
    ...(e.format !== undefined ? { format: e.format } : {}),
    args: layout(e.argTypes).fields,
    ...(e.map ? { map: e.map } : {}),
    ...(e.top !== undefined ? { top: e.top } : {}),
    ...(e.div !== undefined ? { div: e.div } : {}),
  }));
}

export { WHILE_LIMIT } from './writer.js';

/** The gt_drops slots of a program: one per map (same order as maps), then one per while loop
 *  in the order the blocks are written. */
export function dropSpecs(maps: MapSpec[]): DropSpec[] {
  return maps.map((m) => ({ kind: 'map_full' as const, map: m.name }));
}

/** The BPF C of a checked program: map and event declarations, one inline function per block,
 *  and the programs of each probe (codegen/probe-kinds.ts), put into the skeleton
 *  bpf-templates/program.bpf.c. Map sizes in the C are placeholders: the loader sets them
 *  (--map-keys, --calls-in-flight) so that one compiled object serves every size. `drops`
 *  starts with the maps' slots (dropSpecs) and gets the loops' slots appended. */
export function generateC(
  sem: SemanticResult,
  probes: CodegenProbe[],
  maps: MapSpec[],
  events: EventSpec[],
  drops: DropSpec[] = dropSpecs(maps),
  extra?: { decls: string; programs: string[] },
): string {
  const maxEntries = 1;
  const byName = new Map(maps.map((m) => [m.name, m]));
  // The go: provider's state and helpers (compiler/passes/goprobes.ts), which blocks call.
  const decls: string[] = extra ? [extra.decls] : [];
  // A map kept in user space has no BPF map: its updates are events.
  for (const m of maps.filter((x) => !x.user)) {
    const type = m.perCpu ? 'BPF_MAP_TYPE_PERCPU_HASH' : 'BPF_MAP_TYPE_HASH';
    const stored = isBufferField(m.value) || m.value?.type === 'tuple';
    const value = AGG_VALUE_C[m.kind] ?? (stored ? `struct gt_val_${m.cName}` : '__s64');
    decls.push(
      `/* ${m.name}: ${m.kind} */`,
      `struct gt_key_${m.cName} { ${m.keys.map((f, i) => cField(f, `f${i}`)).join(' ')} };`,
      ...(stored ? [`struct gt_val_${m.cName} { char v[${m.value!.size}]; };`] : []),
      // Not preallocated: --map-keys can be large and costs memory only for keys that exist.
      `struct {\n\t__uint(type, ${type});\n\t__uint(map_flags, BPF_F_NO_PREALLOC);\n\t__uint(max_entries, ${maxEntries});\n\t__type(key, struct gt_key_${m.cName});\n\t__type(value, ${value});\n} ${m.cName} SEC(".maps");\n`,
    );
  }
  for (const e of events)
    decls.push(`struct gt_ev_${e.id} { struct gt_event_hdr h; ${e.args.map((f, i) => cField(f, `a${i}`)).join(' ')} };`);

  const writers = sem.blocks.map((b) => new BlockWriter(b, sem, byName, events, drops));
  const bodies = writers.map((w) => w.write());
  decls.push(scratchDecl(Math.max(0, ...writers.map((w) => w.scratch.high))));
  // After the loops' slots: events skipped because the scratch guard was held.
  const busy = writers.some((w) => w.scratch.high > 0) ? drops.push({ kind: 'scratch_busy' }) - 1 : -1;
  writers.forEach((w, i) => bodies.push(blockWrapper(sem.blocks[i].index, w.scratch.high, busy)));
  // Function probes of one block share their programs (codegen/probe-kinds.ts): each once.
  const programs = [...new Set(probes.flatMap((p) => PROBE_CODEGEN[p.kind].programs(p))), ...(extra?.programs ?? [])];
  const skeleton = fs.readFileSync(path.join(templatesDir(), 'program.bpf.c'), 'utf8');
  return skeleton
    .replace('/* @@GOTRACE_MAPS@@ */', decls.join('\n'))
    .replace('/* @@GOTRACE_PROGRAMS@@ */', [...bodies, ...programs].join('\n\n'));
}
