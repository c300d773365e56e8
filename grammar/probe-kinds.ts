// The probe kinds: one row each, the only place a kind's syntax and context are written. The
// lexer's probe-target prefixes and keywords, the parser's spec rule, the checker's rules on
// where a builtin means something, codegen (compiler/codegen/probe-kinds.ts, keyed by the same
// names), the runtime's attach (runtime/attach/) and the REPL's completion all read this table.
// How to add a kind: grammar/README.md, "Adding a probe kind".

/** The kind of a probe, as written: the one vocabulary for it from the AST to the manifest. */
export type ProbeKind = FunctionKind | KeywordKind | RateKind | TracepointKind;
/** Kinds by spec form (the AST's UprobeSpec, SpecialSpec, IntervalSpec and TracepointSpec nodes). */
export type FunctionKind = 'uprobe' | 'uretprobe' | 'go';
export type TracepointKind = 'tracepoint';
export type KeywordKind = 'BEGIN' | 'END';
export type RateKind = 'interval' | 'profile';

/** What follows the kind: `KIND:[PATH:]FUNC`, nothing, `KIND:UNIT:N`, or `KIND:CATEGORY:NAME`. */
export type SpecForm = 'function' | 'none' | 'rate' | 'tracepoint';

/** Where a block runs, which decides the builtins that mean something there (compiler/passes
 *  builtins name the contexts they allow). Specs of one context may share a block. */
export type ProbeContext = 'function' | 'special' | 'timer' | 'go' | 'kernel';
// N.B. 'kernel' is a kernel event on a thread (a tracepoint, a profile sample): the current task
// is the one the event is about, so goid, ustack and func come from the thread (its g through
// TLS, its user registers), not from a uprobe's registers. interval ticks belong to no thread.

export interface ProbeKindRow {
  kind: ProbeKind;
  /** Other spellings (`u:` for `uprobe:`). Aliases of function kinds are probe targets only
   *  where a probe can start (see tokens.ts). */
  aliases: readonly string[];
  form: SpecForm;
  /** For keyword kinds (form none/rate): the lexer token's name. */
  token?: string;
  /** For form 'rate': the units and what one unit is (nanoseconds, or 1 for hz). */
  units?: Readonly<Record<string, number>>;
  context: ProbeContext;
  /** When the block runs in a traced call: never (no call), when it reads a return-time value
   *  (elapsed, retval, rets), or always at return. */
  atReturn: 'never' | 'when-read' | 'always';
  /** An example spec, for hints and completion. */
  example: string;
  /** For function- and tracepoint-form kinds: what follows `KIND:` in hints (FUNC when absent). */
  target?: string;
}

// N.B. interval and profile accept the same units today, each scaled the same way (an hz value
// is taken as is): the runtime reads `period` as nanoseconds for interval, as hz for profile.
const RATE_UNITS = { s: 1e9, ms: 1e6, us: 1e3, hz: 1 } as const;

export const PROBE_KINDS: readonly ProbeKindRow[] = [
  { kind: 'uprobe', aliases: ['u'], form: 'function', context: 'function', atReturn: 'when-read', example: 'uprobe:main.handle' },
  { kind: 'uretprobe', aliases: ['ur'], form: 'function', context: 'function', atReturn: 'always', example: 'uretprobe:main.handle' },
  // The Go runtime as a provider, written `go:[PATH:]NAME` like a function target; NAME is a row
  // of compiler/go/goruntime.ts (GO_PROBES), not a Go function.
  { kind: 'go', aliases: [], form: 'function', context: 'go', atReturn: 'never', example: 'go:goroutine_create', target: 'NAME' },
  { kind: 'BEGIN', aliases: [], form: 'none', token: 'Begin', context: 'special', atReturn: 'never', example: 'BEGIN' },
  { kind: 'END', aliases: [], form: 'none', token: 'End', context: 'special', atReturn: 'never', example: 'END' },
  {
    kind: 'interval',
    aliases: [],
    form: 'rate',
    token: 'Interval',
    units: RATE_UNITS,
    context: 'timer',
    atReturn: 'never',
    example: 'interval:s:1',
  },
  {
    kind: 'profile',
    aliases: [],
    form: 'rate',
    token: 'Profile',
    units: RATE_UNITS,
    context: 'kernel',
    atReturn: 'never',
    example: 'profile:hz:99',
  },
  {
    kind: 'tracepoint',
    aliases: ['t'],
    form: 'tracepoint',
    context: 'kernel',
    atReturn: 'never',
    example: 'tracepoint:syscalls:sys_enter_write',
    target: 'CATEGORY:NAME',
  },
];

const BY_KIND = new Map(PROBE_KINDS.map((r) => [r.kind, r]));

/** The row of a kind. */
export function probeKind(kind: ProbeKind): ProbeKindRow {
  return BY_KIND.get(kind)!;
}

/** The kind a function-target prefix (`uprobe`, `u`, ...) names, if any. */
export function functionKindOf(word: string): FunctionKind | undefined {
  return PROBE_KINDS.find((r) => r.form === 'function' && (r.kind === word || r.aliases.includes(word)))?.kind as FunctionKind | undefined;
}

/** The kind a tracepoint-target prefix (`tracepoint`, `t`) names, if any. */
export function tracepointKindOf(word: string): TracepointKind | undefined {
  return PROBE_KINDS.find((r) => r.form === 'tracepoint' && (r.kind === word || r.aliases.includes(word)))?.kind as
    TracepointKind | undefined;
}

/** Every unit any rate kind accepts (for the hint of GT1006). */
export function rateUnits(): string[] {
  return [...new Set(PROBE_KINDS.flatMap((r) => Object.keys(r.units ?? {})))];
}
