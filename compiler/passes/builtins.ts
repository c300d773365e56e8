// The language's builtins and functions, as the checker knows them: where each builtin means
// something (a probe context of grammar/probe-kinds.ts), the aggregations and their map kinds,
// the calls that are statements. The REPL's completion reads them too.
import type { ProbeContext } from '../../grammar/probe-kinds.js';
import type { MapKind } from '../manifest.js';
import type { Options } from './semantic.js';
import { COMM_SIZE, DUR, INT, PROBE, USTACK, str, type Ty } from './types.js';

export interface Builtin {
  ty: (o: Options) => Ty;
  /** The probe contexts (grammar/probe-kinds.ts) where the builtin means something. */
  where: ProbeContext[];
  /** Makes a uprobe block run at return. */
  returnTime?: boolean;
}

const ALL: ProbeContext[] = ['function', 'special', 'timer', 'go', 'kernel'];
const UPROBE: ProbeContext[] = ['function'];
/** Where a goroutine is at hand: uprobes, go: probes (their goroutine: goruntime.ts), and kernel
 *  events on a thread of the target (the thread's g, read through TLS: kernel.bpf.h). */
const GOROUTINE: ProbeContext[] = ['function', 'go', 'kernel'];

/** `$target`: the traced process's id, -p's or -c's (0 without), as DTrace's. Read-only. */
export const TARGET_VAR = '$target';

/** Builtins the code generator implements, with where they may be used. */
export const BUILTINS: Record<string, Builtin> = {
  goid: { ty: () => INT, where: GOROUTINE },
  // The goroutine's parent and its go statement's PC (bpf-templates/goruntime.bpf.h).
  pgoid: { ty: () => INT, where: GOROUTINE },
  gostart: { ty: () => INT, where: GOROUTINE },
  pid: { ty: () => INT, where: ALL },
  tid: { ty: () => INT, where: ALL },
  uid: { ty: () => INT, where: ALL },
  gid: { ty: () => INT, where: ALL },
  cpu: { ty: () => INT, where: ALL },
  nsecs: { ty: () => INT, where: ALL },
  comm: { ty: () => str(COMM_SIZE), where: ALL },
  elapsed: { ty: () => DUR, where: ALL, returnTime: true },
  retval: { ty: () => INT, where: ALL, returnTime: true },
  func: { ty: () => PROBE, where: GOROUTINE },
  probe: { ty: () => PROBE, where: GOROUTINE },
  ustack: { ty: () => USTACK, where: GOROUTINE },
  // The return address into the calling function (at the entry site and at RET both at [SP]),
  // and that function's name, inlined frames included, as Go's runtime.Caller(1) names it.
  caller: { ty: () => ({ k: 'caller' }), where: UPROBE },
  caller_pc: { ty: () => INT, where: UPROBE },
  // Only as the root of a Go value: args.NAME, rets.NAME (see govalues.ts); in go: blocks, the
  // probe's fields (args.goid, args.reason...); in tracepoint blocks, the record's fields
  // (args.FIELD: tracepoints.ts).
  args: { ty: () => INT, where: GOROUTINE },
  rets: { ty: () => INT, where: UPROBE, returnTime: true },
  ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`arg${i}`, { ty: () => INT, where: UPROBE }])),
};

/** Aggregating functions and their map kind. */
export const AGGREGATIONS: Record<string, MapKind> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  stats: 'stats',
  hist: 'hist',
  lhist: 'lhist',
};

/** Functions used as statements. */
export const ACTIONS = ['printf', 'print', 'time', 'exit', 'clear', 'zero', 'delete', 'system', 'execv', 'cat', 'signal', 'join'];
/** Functions with a value (check/exprs.ts, check/functions.ts). */
export const VALUE_FUNCTIONS = ['str', 'len', 'hex', 'usym', 'reg', 'strncmp', 'strcontains', 'strftime', 'buf', 'ntop', 'ustack'];
/** Known but belonging to a later part of the language. */
export const LATER = ['ksym', 'override'];
export const KNOWN_CALLS = [...Object.keys(AGGREGATIONS), ...ACTIONS, ...LATER, ...VALUE_FUNCTIONS, 'goidof', 'percentile'];
