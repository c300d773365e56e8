// Code generation per probe kind, keyed by the kinds of grammar/probe-kinds.ts: how the specs
// of a block become probes (program names, the manifest's attach entries and probe names) and
// the thin BPF programs of each probe, which call the block's function (c.ts).
import type * as ast from '../../grammar/ast.js';
import { probeKind, type ProbeKind } from '../../grammar/probe-kinds.js';
import type { AttachSpec, Manifest } from '../manifest.js';
import type { ResolvedProbe } from '../passes/resolve.js';
import type { BlockInfo } from '../passes/semantic.js';
import type { ResolvedTracepoint } from '../passes/tracepoints.js';

/** One probe as the code generator sees it: a block's programs for one spec (and, for function
 *  kinds, one resolved function). */
export interface CodegenProbe {
  /** Unique id: the pairing id of entries and returns, and what `func`/`probe` hold. */
  id: number;
  block: BlockInfo;
  kind: ProbeKind;
  entryProgram: string;
  returnProgram?: string;
  /** Set when the load bias must be noted (PIE + stacks): the link-time address of the entry
   *  site (function probes carry it in the entry site's cookie; 0 when it does not fit). */
  noteBiasAt?: number;
}

/** What lowering one spec needs besides the spec. */
export interface LowerContext {
  id: number;
  block: BlockInfo;
  /** The spec as written. */
  text: string;
  /** Function kinds: the function this probe traces and the binary. */
  resolved?: ResolvedProbe;
  /** Tracepoint kinds: the tracepoint (one of those the spec matched). */
  tracepoint?: ResolvedTracepoint;
  binary?: string;
  /** Function kinds: note the load bias at entry (a PIE binary whose stacks are read). */
  noteBias?: boolean;
}

export interface Lowered {
  probe: CodegenProbe;
  attach: AttachSpec[];
  name: Manifest['probes'][number];
}

export interface KindCodegen {
  /** One spec (for function kinds: one of the functions it resolved to) as a probe. */
  lower(spec: ast.ProbeSpec, c: LowerContext): Lowered;
  /** The probe's BPF programs, C text. */
  programs(p: CodegenProbe): string[];
}

const call = (p: CodegenProbe, now: string, id = String(p.id)) => `gt_block${p.block.index}(ctx, &c, ${now}, ${id});`;

// N.B. function probes share their programs: one entry program and one return program per
// block, whatever the number of functions the block traces, and each site's BPF cookie says
// which probe fired (low 32 bits: the probe id; high 32 bits: see biasAt). A wildcard over N
// functions is then two programs, not 2N copies of the block for clang and the verifier, and
// the runtime attaches all sites of a program with one uprobe_multi link (runtime/attach/).
const functionProbe: KindCodegen = {
  lower(spec, c) {
    const r = c.resolved!;
    const entryProgram = `b${c.block.index}_entry`;
    const returnProgram = c.block.atReturn ? `b${c.block.index}_return` : undefined;
    // N.B. the bias is the IP minus the entry's address: only the entry site (not the inlined
    // call sites, other addresses) carries that address in its cookie, and only when it fits.
    const biasAt = c.noteBias && r.entry.vaddr > 0 && r.entry.vaddr < 2 ** 32 ? r.entry.vaddr : undefined;
    const probe: CodegenProbe = {
      id: c.id,
      block: c.block,
      kind: spec.type,
      entryProgram,
      returnProgram,
      ...(c.noteBias ? { noteBiasAt: biasAt ?? 0 } : {}),
    };
    const common = { kind: spec.type as 'uprobe', block: c.block.index, spec: c.text, func: r.func.name, binary: c.binary!, probe: c.id };
    const attach: AttachSpec[] = [
      { ...common, at: 'entry', program: entryProgram, sites: [r.entry, ...r.inlined], ...(biasAt ? { biasAt } : {}) },
    ];
    if (returnProgram) attach.push({ ...common, at: 'return', program: returnProgram, sites: r.returns });
    return { probe, attach, name: { id: c.id, func: r.func.name, spec: c.text } };
  },
  programs(p) {
    const head = (name: string) => `SEC("uprobe")\nint ${name}(struct gt_regs *ctx)\n{\n\t__u64 probe = gt_cookie_probe(ctx);`;
    const bias = p.noteBiasAt !== undefined ? `\n\tgt_cookie_note_bias(ctx);` : '';
    if (!p.block.atReturn)
      return [
        `${head(p.entryProgram)}\n\tstruct gt_call c = {};\n\tif (!gt_pid_ok())\n\t\treturn 0;${bias}\n\tgt_fill_call(ctx, &c);\n\t${call(p, 'c.start_ns', 'probe')}\n\treturn 0;\n}`,
      ];
    return [
      `${head(p.entryProgram)}\n\tif (!gt_pid_ok())\n\t\treturn 0;${bias}\n\tgt_enter(ctx, probe);\n\treturn 0;\n}`,
      `${head(p.returnProgram!)}\n\tstruct gt_call c;\n\tif (!gt_pid_ok())\n\t\treturn 0;\n\tif (!gt_return(ctx, probe, &c))\n\t\treturn 0;\n\t${call(p, 'bpf_ktime_get_ns()', 'probe')}\n\treturn 0;\n}`,
    ];
  },
};

/** A program in section `sec` that runs the block at once; `filter` keeps only the target's
 *  events. BEGIN/END run in gotrace's own process and interval ticks belong to no process: no
 *  filter. A profile sample is of whatever ran: with -p/-c, only the target's count. */
function oneProgram(
  sec: string,
  filter: boolean,
  attach: (spec: ast.ProbeSpec, c: LowerContext, program: string) => AttachSpec,
): KindCodegen {
  return {
    lower(spec, c) {
      const program = `p${c.id}_${spec.type.toLowerCase()}`;
      const probe: CodegenProbe = { id: c.id, block: c.block, kind: spec.type, entryProgram: program };
      return { probe, attach: [attach(spec, c, program)], name: { id: c.id, func: c.text, spec: c.text } };
    },
    programs(p) {
      const f = filter ? `\n\tif (!gt_pid_ok())\n\t\treturn 0;` : '';
      return [
        `SEC("${sec}")\nint ${p.entryProgram}(struct gt_regs *ctx)\n{\n\tstruct gt_call c = {};${f}\n\t${call(p, 'bpf_ktime_get_ns()')}\n\treturn 0;\n}`,
      ];
    },
  };
}

// N.B. BEGIN/END are raw tracepoint programs that the runtime runs with BPF_PROG_TEST_RUN (runtime/attach/special.ts).
const special = oneProgram('raw_tp', false, (spec, c, program) => ({
  kind: spec.type as 'BEGIN',
  block: c.block.index,
  spec: c.text,
  program,
}));

/** interval and profile: a perf event every `period` (ns for interval, hz for profile). */
const timer = (filter: boolean) =>
  oneProgram('perf_event', filter, (spec, c, program) => {
    const s = spec as Extract<ast.ProbeSpec, { kind: 'IntervalSpec' }>;
    return { kind: s.type, block: c.block.index, spec: c.text, program, period: s.value * probeKind(s.type).units![s.unit] };
  });

/** go: probes have no programs of their own: the programs of the runtime functions they hook
 *  run their blocks, one program per function for all of them (passes/goprobes.ts). */
const goProbe: KindCodegen = {
  lower(spec, c) {
    const name = (spec as Extract<ast.ProbeSpec, { kind: 'UprobeSpec' }>).func;
    const probe: CodegenProbe = { id: c.id, block: c.block, kind: 'go', entryProgram: `go_${name}` };
    return { probe, attach: [], name: { id: c.id, func: c.text, spec: c.text } };
  },
  programs: () => [],
};

/** The field of a tracepoint's record that names the task an event is about when that task is
 *  not the current one: a thread of the target switched in (sched_switch's current task is the
 *  one switched out) or woken by another process. With -p/-c such an event passes the target
 *  filter when that field is a thread of the target (gt_tp_pid_ok in kernel.bpf.h). */
const TASK_FIELDS: Readonly<Record<string, string>> = {
  'sched:sched_switch': 'next_pid',
  'sched:sched_wakeup': 'pid',
  'sched:sched_waking': 'pid',
  'sched:sched_wakeup_new': 'pid',
  'sched:sched_migrate_task': 'pid',
};

/** tracepoint: the tracepoints of a block share one program (a wildcard over 300 syscalls is
 *  one program for clang and the verifier); each attachment's BPF cookie says which fired: its
 *  low 32 bits are the probe id, its high 32 bits the offset of TASK_FIELDS's field plus one
 *  (0: none). */
const tracepoint: KindCodegen = {
  lower(spec, c) {
    const tp = c.tracepoint!;
    const program = `b${c.block.index}_tp`;
    const probe: CodegenProbe = { id: c.id, block: c.block, kind: spec.type, entryProgram: program };
    const taskField = tp.fields.find((f) => f.name === TASK_FIELDS[`${tp.category}:${tp.name}`] && f.size === 4);
    const attach: AttachSpec = {
      kind: 'tracepoint',
      block: c.block.index,
      spec: c.text,
      program,
      category: tp.category,
      name: tp.name,
      probe: c.id,
      ...(taskField ? { taskField: taskField.offset } : {}),
    };
    return { probe, attach: [attach], name: { id: c.id, func: c.text, spec: c.text } };
  },
  programs(p) {
    return [
      `SEC("tracepoint")
int ${p.entryProgram}(void *ctx)
{
	struct gt_call c = {};
	__u64 cookie = bpf_get_attach_cookie(ctx);
	if (!gt_tp_pid_ok(ctx, cookie))
		return 0;
	gt_block${p.block.index}((struct gt_regs *)ctx, &c, bpf_ktime_get_ns(), cookie & 0xffffffffULL);
	return 0;
}`,
    ];
  },
};

/** Code generation of every probe kind. */
export const PROBE_CODEGEN: Record<ProbeKind, KindCodegen> = {
  uprobe: functionProbe,
  uretprobe: functionProbe,
  go: goProbe,
  BEGIN: special,
  END: special,
  interval: timer(false),
  profile: timer(true),
  tracepoint,
};
