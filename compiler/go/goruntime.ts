// The Go runtime as a probe provider (`go:NAME`): which runtime functions each probe hooks, where
// their register-ABI arguments are, and the per-release facts they need, as tables (the way
// goid.ts keeps runtime.g's layout). Checked against Go 1.19's sources and DWARF (the local
// toolchain) and, for every release 1.17-1.27, against the stripped release binaries of
// test/compiler/go/npm-binaries.ts: every hook below exists there, out of line (none is
// inlined into its callers), and the e2e tests fire each probe on them.
import { parseGoVersion } from './buildinfo.js';

/** A runtime function a probe hooks, and where (its entry site, or every RET as well). */
export interface GoHook {
  func: string;
  /** The state-keeping or event-firing programs need its RET sites too. */
  returns?: boolean;
  /** Go releases (minor) that have the function with the arguments used; absent: all. */
  since?: number;
  until?: number;
  /** How hot it is, for -l and the bench table. */
  heat: string;
}

/**
 * The hooks, by the name the BPF side (bpf-templates/goruntime.bpf.h) gives their programs.
 * Register ABI (amd64): integer arguments in AX BX CX DI SI R8 R9 R10 R11.
 *  newproc1(fn *funcval, callergp *g, callerpc uintptr, ...) *g: AX BX CX (1.17: AX DI SI,
 *    see newprocOldAbi); the new g in AX at RET. N.B. it runs on the system stack: R14 is g0 there, so the creator is callergp.
 *  goexit0(gp *g): mcall passes the exiting g in AX (asm_amd64.s, runtime·mcall); runs on g0.
 *  gopark(unlockf, lock, reason waitReason, ...): reason (a uint8) in CL; on the parking g.
 *  casgstatus(gp *g, oldval, newval uint32): AX BX CX; every scheduler state change of gp.
 *  stopTheWorldWithSema(reason stwReason) since 1.21 (AL); before, no arguments, and the
 *    reason string is stopTheWorld(reason string)'s (AX, BX), GC's own pauses have none.
 *  gopanic(e any): the interface in AX (type) and BX (data).
 */
export const GO_HOOKS = {
  newproc1: { func: 'runtime.newproc1', returns: true, heat: 'once per go statement' },
  goexit0: { func: 'runtime.goexit0', heat: 'once per goroutine exit' },
  gopark: { func: 'runtime.gopark', heat: 'once per park (channel, mutex, sleep, select, IO wait...)' },
  casgstatus: { func: 'runtime.casgstatus', heat: 'several per goroutine switch: the hottest' },
  startCycle: { func: 'runtime.(*gcControllerState).startCycle', heat: 'once per GC cycle' },
  gcMarkTermination: { func: 'runtime.gcMarkTermination', heat: 'once per GC cycle' },
  stopTheWorld: { func: 'runtime.stopTheWorld', until: 20, heat: 'once per non-GC stop-the-world' },
  stopTheWorldWithSema: { func: 'runtime.stopTheWorldWithSema', heat: 'once per stop-the-world' },
  startTheWorldWithSema: { func: 'runtime.startTheWorldWithSema', heat: 'once per stop-the-world' },
  gopanic: { func: 'runtime.gopanic', heat: 'once per panic' },
} satisfies Record<string, GoHook>;

export type GoHookName = keyof typeof GO_HOOKS;

/** A field of `args` in a go: probe: an integer, or one of the runtime's reason strings. */
export interface GoField {
  name: string;
  /** 'any': a Go interface value in the first two slots, printed by print()/%v as Go values are. */
  type: 'int' | 'reason' | 'any';
  doc: string;
}

export interface GoProbe {
  name: string;
  doc: string;
  fields: GoField[];
  /** Hooks whose programs fire the probe, then those that only keep the state it reads. */
  hooks: GoHookName[];
  /** The goroutine `goid`, `pgoid`, `gostart` and `ustack` describe in its block. */
  self: string;
}

const goid: GoField = { name: 'goid', type: 'int', doc: 'the goroutine' };

/** The probes of the go: provider. The order of `fields` is the order of their slots in the
 *  block's gt_call (goruntime.bpf.h fills them). */
export const GO_PROBES: readonly GoProbe[] = [
  {
    name: 'goroutine_create',
    doc: 'a go statement made a goroutine runnable',
    fields: [
      { ...goid, doc: 'the new goroutine' },
      { name: 'pc', type: 'int', doc: "the go statement's PC (usym(args.pc))" },
      { name: 'fn', type: 'int', doc: "the new goroutine's entry function PC" },
    ],
    hooks: ['newproc1'],
    self: 'the creating goroutine',
  },
  {
    name: 'goroutine_exit',
    doc: 'a goroutine exited',
    fields: [goid, { name: 'lifetime_ns', type: 'int', doc: 'since its creation; -1 when the creation was not seen' }],
    hooks: ['goexit0', 'newproc1'],
    self: 'the exiting goroutine (ustack: the scheduler stack)',
  },
  {
    name: 'sched_run',
    doc: 'a goroutine starts running on a thread',
    fields: [
      goid,
      { name: 'runnable_ns', type: 'int', doc: 'from runnable to running (scheduler latency); -1 when not seen' },
      { name: 'p', type: 'int', doc: "the P's id; -1 when the release's m.p offset is unknown" },
      { name: 'm', type: 'int', doc: "the M's thread id" },
    ],
    hooks: ['casgstatus', 'newproc1'],
    self: 'the goroutine about to run (ustack: the scheduler stack)',
  },
  {
    name: 'block',
    doc: 'a goroutine parks',
    fields: [goid, { name: 'reason', type: 'reason', doc: 'Go\'s wait reason ("chan receive", "sleep", ...)' }],
    hooks: ['gopark'],
    self: 'the parking goroutine',
  },
  {
    name: 'unblock',
    doc: 'a parked goroutine is made runnable (its park was seen)',
    fields: [goid, { name: 'reason', type: 'reason', doc: 'why it was parked' }, { name: 'blocked_ns', type: 'int', doc: 'time parked' }],
    hooks: ['casgstatus', 'gopark'],
    self: 'the goroutine made runnable (ustack: the waker stack)',
  },
  {
    name: 'gc_start',
    doc: 'a GC cycle starts',
    fields: [{ name: 'cycle', type: 'int', doc: 'cycles of the process seen since tracing began, this one included' }],
    hooks: ['startCycle'],
    self: 'the goroutine starting it',
  },
  {
    name: 'gc_done',
    doc: 'a GC cycle ends its mark phase (runtime.NumGC counts it)',
    fields: [
      { name: 'cycle', type: 'int', doc: 'as gc_start' },
      { name: 'duration_ns', type: 'int', doc: 'since its gc_start; -1 when not seen' },
    ],
    hooks: ['gcMarkTermination', 'startCycle'],
    self: 'the goroutine ending it',
  },
  {
    name: 'stw_start',
    doc: 'the world stops',
    fields: [{ name: 'reason', type: 'reason', doc: 'why ("GC sweep termination", "GOMAXPROCS", ...)' }],
    hooks: ['stopTheWorldWithSema', 'stopTheWorld', 'startCycle', 'gcMarkTermination'],
    self: 'the goroutine stopping it',
  },
  {
    name: 'stw_done',
    doc: 'the world restarts',
    fields: [
      { name: 'reason', type: 'reason', doc: 'as stw_start' },
      { name: 'pause_ns', type: 'int', doc: 'since its stw_start; -1 when not seen' },
    ],
    hooks: ['startTheWorldWithSema', 'stopTheWorldWithSema', 'stopTheWorld', 'startCycle', 'gcMarkTermination'],
    self: 'the goroutine restarting it',
  },
  {
    name: 'panic',
    doc: 'a goroutine panics (recovered or not)',
    fields: [{ name: 'value', type: 'any', doc: 'the value passed to panic(): print(args.value) or %v' }],
    hooks: ['gopanic'],
    self: 'the panicking goroutine',
  },
];

const BY_NAME = new Map(GO_PROBES.map((p) => [p.name, p]));

export function goProbe(name: string): GoProbe | undefined {
  return BY_NAME.get(name);
}

/** Is the hook in this release? (`minor` undefined: an unknown release, assumed newest.) */
export function hookInRelease(h: GoHookName, minor: number | undefined): boolean {
  const row: GoHook = GO_HOOKS[h];
  if (minor === undefined) return row.until === undefined;
  return (row.since === undefined || minor >= row.since) && (row.until === undefined || minor <= row.until);
}

/** The Go minor release of a version string ("go1.21.5" → 21). */
export function goMinor(goVersion: string | undefined): number | undefined {
  const v = parseGoVersion(goVersion);
  return v && v[0] === 1 ? v[1] : undefined;
}

/** stopTheWorldWithSema takes its reason as an stwReason (an index into stwReasonStrings)
 *  from Go 1.21 on; before, the reason is stopTheWorld's string argument. */
export function stwReasonIsArg(minor: number | undefined): boolean {
  return minor === undefined || minor >= 21;
}

/**
 * runtime.m's `p` (the P the M holds) for args.p of sched_run, when the binary has no DWARF.
 * m begins g0 *g 8 | morebuf gobuf | divmod uint32 4 (+4 to align) | procid 8 | gsignal 8 |
 * goSigStack gsignalStack 40 | sigmask sigset 8 | tls [6]uintptr 48 | mstartfn 8 | curg 8 |
 * caughtsig 8 | p, so p = 152 + sizeof(gobuf): 56 until 1.24, 48 in 1.25 (gobuf.ret
 * removed, see goid.ts). N.B. 1.26 moved something before p (200 reads no P there): 1.26 and
 * 1.27 are left out until their layout is worked out. 1.19's 208 is DWARF's; the e2e tests check on every release's
 * stripped binary that the P ids read this way are below the process's GOMAXPROCS.
 * A release absent here reads args.p as -1 (said by GT3102).
 */
export const M_P_OFFSET_BY_MINOR: Record<number, number> = {
  17: 208,
  18: 208,
  19: 208,
  20: 208,
  21: 208,
  22: 208,
  23: 208,
  24: 208,
  25: 200,
};

/** Go 1.17's newproc1 took (fn, argp, narg, callergp, callerpc): callergp and callerpc in DI
 *  and SI; 1.18 dropped argp and narg (go statements with arguments became closures). */
export function newprocOldAbi(minor: number | undefined): boolean {
  return minor === 17;
}
