// Code generation of the go: provider (compiler/go/goruntime.ts): one program per hooked runtime
// function for the whole script, whatever the number of go: probes, which keeps the provider's
// state (bpf-templates/goruntime.bpf.h) and runs the blocks of the probes that function fires.
// The per-release facts (offsets, reason strings) are #defines and tables before the header.
import { GO_HOOKS, type GoHookName } from '../go/goruntime.js';
import type { CodegenProbe } from './probe-kinds.js';

/** The facts about the target's runtime the C needs. */
export interface GoRuntimeFacts {
  gopcOffset: number;
  parentGoidOffset: number;
  mpOffset: number;
  stwReasonArg: boolean;
  newprocOldAbi: boolean;
  waitReasons: string[];
  stwReasons: string[];
  /** The gt_drops slot counting goroutines the table refused. */
  dropSlot: number;
}

/** The name of the drop slot (runtime/drops.ts prints it; the loader sizes the table). */
export const GO_TABLE_DROP = 'the go: goroutine table';

/** One go: probe as lowered: its probe (block and id) and the probe's name. */
export interface GoCodegenProbe {
  probe: CodegenProbe;
  name: string;
}

/** Each hook's program: its name, and the C of its body after the pid filter. `fire(name,
 *  call)` runs the blocks of the go: probes named `name` with the gt_call `call`. */
const HOOK_C: Record<GoHookName, { program: string; ret?: string; body: (fire: (name: string, call: string) => string) => string }> = {
  newproc1: {
    program: 'go_newproc_e',
    ret: 'go_newproc_r',
    body: () => `gt_go_newproc_enter(ctx);`,
  },
  goexit0: {
    program: 'go_exit',
    body: (fire) => `struct gt_call c = {};\n\tgt_go_exit(ctx, &c);${fire('goroutine_exit', 'c')}\n\tgt_go_exit_done(&c);`,
  },
  gopark: {
    program: 'go_park',
    body: (fire) => `struct gt_call c = {};\n\tgt_go_park(ctx, &c);${fire('block', 'c')}`,
  },
  casgstatus: {
    program: 'go_cas',
    body: (fire) =>
      `struct gt_call c = {};\n\tif (gt_go_cas_unblock(ctx, &c)) {${fire('unblock', 'c')}\n\t}\n\tstruct gt_call r = {};\n\tif (gt_go_cas_run(ctx, &r)) {${fire('sched_run', 'r')}\n\t}`,
  },
  startCycle: {
    program: 'go_gc_start',
    body: (fire) => `struct gt_call c = {};\n\tif (gt_go_gc_start(ctx, &c)) {${fire('gc_start', 'c')}\n\t}`,
  },
  gcMarkTermination: {
    program: 'go_gc_done',
    body: (fire) => `struct gt_call c = {};\n\tif (gt_go_gc_done(ctx, &c)) {${fire('gc_done', 'c')}\n\t}`,
  },
  stopTheWorld: { program: 'go_stw_arg', body: () => `gt_go_stw_arg(ctx);` },
  stopTheWorldWithSema: {
    program: 'go_stw_start',
    body: (fire) => `struct gt_call c = {};\n\tif (gt_go_stw_start(ctx, &c)) {${fire('stw_start', 'c')}\n\t}`,
  },
  startTheWorldWithSema: {
    program: 'go_stw_done',
    body: (fire) => `struct gt_call c = {};\n\tif (gt_go_stw_done(ctx, &c)) {${fire('stw_done', 'c')}\n\t}`,
  },
  gopanic: {
    program: 'go_panic',
    body: (fire) => `struct gt_call c = {};\n\tgt_go_panic(ctx, &c);${fire('panic', 'c')}`,
  },
};

export function hookPrograms(h: GoHookName): { entry: string; ret?: string } {
  return { entry: HOOK_C[h].program, ret: HOOK_C[h].ret };
}

/** The C before the blocks: the facts, then the header. */
export function goRuntimeDecls(f: GoRuntimeFacts): string {
  const table = (name: string, strs: string[]) => {
    const rows = (strs.length ? strs : ['']).map((s) => `\t${JSON.stringify(s.slice(0, 31))},`);
    return `#define ${name.toUpperCase()}_N ${Math.max(1, strs.length)}\nstatic const char ${name}[${Math.max(1, strs.length)}][32] = {\n${rows.join('\n')}\n};`;
  };
  return [
    `/* go: provider: the target's runtime */`,
    `#define GT_GO_GOPC_OFF ${f.gopcOffset}`,
    `#define GT_GO_PARENT_OFF ${f.parentGoidOffset}`,
    `#define GT_GO_MP_OFF ${f.mpOffset}`,
    `#define GT_GO_STW_ARG ${f.stwReasonArg ? 1 : 0}`,
    `#define GT_GO_NEWPROC_OLD ${f.newprocOldAbi ? 1 : 0}`,
    `#define GT_GO_DROP ${f.dropSlot}`,
    table('gt_go_wait', f.waitReasons),
    table('gt_go_stw', f.stwReasons),
    `#include "goruntime.bpf.h"`,
    '',
  ].join('\n');
}

/** The programs of the hooks, each running the blocks of the probes it fires. */
export function goRuntimePrograms(hooks: GoHookName[], probes: GoCodegenProbe[]): string[] {
  const fire = (name: string, call: string) =>
    probes
      .filter((p) => p.name === name)
      .map((p) => `\n\tgt_block${p.probe.block.index}(ctx, &${call}, ${call}.start_ns, ${p.probe.id});`)
      .join('');
  const prog = (name: string, body: string) =>
    `SEC("uprobe")\nint ${name}(struct gt_regs *ctx)\n{\n\tif (!gt_pid_ok())\n\t\treturn 0;\n\t${body}\n\treturn 0;\n}`;
  const out: string[] = [];
  for (const h of hooks) {
    const row = HOOK_C[h];
    out.push(prog(row.program, row.body(fire)));
    if (row.ret)
      out.push(prog(row.ret, `struct gt_call c = {};\n\tif (!gt_go_newproc_ret(ctx, &c))\n\t\treturn 0;${fire('goroutine_create', 'c')}`));
  }
  return out;
}

/** The runtime function of a hook (for the attach entries). */
export function hookFunc(h: GoHookName): string {
  return GO_HOOKS[h].func;
}
