// `.help NAME`: one entry per builtin, function, probe kind and dot-command, each with an example.
// A table, checked against the language's own tables by test/runtime/repl-help.test.ts (a
// builtin added to the checker without a help entry fails it).

export interface HelpEntry {
  what: string;
  example: string;
}

const V = (what: string, example: string): HelpEntry => ({ what, example });

/** Builtin values (compiler/passes/semantic.ts BUILTINS). */
export const BUILTIN_HELP: Record<string, HelpEntry> = {
  goid: V('the goroutine id of the traced call', 'uprobe:main.handle { @per[goid] = count(); }'),
  pgoid: V("the goroutine's parent (its creator's goid; 0 when unknown)", 'go:goroutine_exit { @by_parent[pgoid] = count(); }'),
  gostart: V('the PC of the go statement that created the goroutine', 'go:block { @parks[usym(gostart)] = count(); }'),
  pid: V('the process id (tgid)', 'uprobe:main.handle { @p[pid] = count(); }'),
  tid: V('the thread id', 'uprobe:main.handle { @t[tid] = count(); }'),
  uid: V('the user id of the process', 'uprobe:main.handle { @u[uid] = count(); }'),
  gid: V('the group id of the process', 'uprobe:main.handle { @g[gid] = count(); }'),
  cpu: V('the CPU the probe runs on', 'uprobe:main.handle { @c[cpu] = count(); }'),
  nsecs: V('a monotonic timestamp in nanoseconds', 'uprobe:main.handle { printf("%d\\n", nsecs); }'),
  comm: V("the thread's name", 'uprobe:main.handle { @c[comm] = count(); }'),
  elapsed: V('nanoseconds from entry to return (makes a uprobe block run at return)', 'uprobe:main.handle { @lat = hist(elapsed); }'),
  retval: V('the first result (makes a uprobe block run at return)', 'uretprobe:main.handle { @r[retval] = count(); }'),
  func: V('the traced function', 'uprobe:main.* { @calls[func] = count(); }'),
  probe: V('the probe as written', 'uprobe:main.* { @calls[probe] = count(); }'),
  ustack: V("the goroutine's user stack, inlined frames included (127 frames)", 'uprobe:main.handle { @s[ustack] = count(); }'),
  caller: V('the calling function, as runtime.Caller(1) names it (inlined ones included)', 'uprobe:main.handle { @by[caller] = count(); }'),
  caller_pc: V('the return address into the caller', 'uprobe:main.handle { printf("%x\\n", caller_pc); }'),
  args: V('a parameter by its Go name (.args FUNC lists them), fields with .', 'uprobe:main.handle { @n[args.req.Method] = count(); }'),
  rets: V('a result by name or number (at return)', 'uprobe:main.handle { @errs[rets.1 != 0] = count(); }'),
  ...Object.fromEntries(
    Array.from({ length: 9 }, (_, i) => [
      `arg${i}`,
      V(`the ${i + 1}th integer argument word (Go's register ABI order)`, `uprobe:main.handle { @a = hist(arg${i}); }`),
    ]),
  ),
};

/** Functions: aggregations, actions, value functions. */
export const FUNCTION_HELP: Record<string, HelpEntry> = {
  count: V('counts events', '@calls[func] = count()'),
  sum: V('sums a value', '@bytes = sum(args.n)'),
  avg: V('averages a value', '@avg = avg(elapsed)'),
  min: V('the smallest value', '@min = min(elapsed)'),
  max: V('the largest value', '@max = max(elapsed)'),
  stats: V('count, average and total', '@s = stats(elapsed)'),
  hist: V('a power-of-2 histogram (sized to the terminal at the prompt)', '@lat = hist(elapsed)'),
  lhist: V('a linear histogram: value, min, max, step', '@l = lhist(args.n, 0, 100, 10)'),
  printf: V('formatted output, printed above the prompt', 'printf("%s took %d ns\\n", func, elapsed)'),
  print: V('prints a map (top N entries with a second argument) or a value', 'print(@calls, 10)'),
  time: V('prints the time with a strftime format', 'time("%H:%M:%S\\n")'),
  exit: V('in a REPL probe: detaches that probe', 'interval:s:10 { exit(); }'),
  clear: V('empties a map (at the prompt too)', 'clear(@calls)'),
  zero: V('sets every value of a map to zero, keys kept', 'zero(@calls)'),
  delete: V('removes one entry', 'delete(@calls[42])'),
  str: V('a Go string, []byte or C string as a string', '@paths[str(args.path)] = count()'),
  len: V('the length of a Go string, slice or map', '@sizes = hist(len(args.b))'),
  hex: V('an integer printed in hex', 'printf("%s\\n", hex(arg0))'),
  goidof: V('the goroutine id of the runtime.g at an address', 'uprobe:runtime.newproc1 { @creators[goidof(arg1)] = count(); }'),
  system: V('runs a shell command (needs --unsafe)', 'system("date")'),
  execv: V('runs a program without a shell (needs --unsafe)', 'execv("/bin/date")'),
  cat: V('prints a file (needs --unsafe)', 'cat("/proc/loadavg")'),
  signal: V('sends a signal to the traced process (needs --unsafe)', 'signal("SIGUSR1")'),
  join: V('prints a Go []string on one line, joined by a separator', 'join(args.argv, ",")'),
  reg: V('a register at the probe site (x86-64 names: ax, sp, ip, ...)', '@sp = reg("sp")'),
  strncmp: V('0 when the first n bytes of two strings agree', '@x = strncmp(str(args.s), "GET", 3)'),
  strcontains: V('1 when a string contains another', 'if (strcontains(args.path, "/api")) { @api++ }'),
  strftime: V('a time in nanoseconds (nsecs) printed by a strftime format', 'printf("%s\\n", strftime("%H:%M:%S", nsecs))'),
  buf: V('bytes by pointer and length (or a Go []byte), printed with %r', 'printf("%r\\n", buf(args.b))'),
  ntop: V('an IP address: a Go net.IP, netip.Addr or IPv4 integer', '@peers[ntop(args.ip)] = count()'),
  usym: V('the Go function at a code address', '@f[usym(arg0)] = count()'),
  ustack: V('ustack(N) keeps N frames, ustack(raw) prints addresses', '@s[ustack(raw, 8)] = count()'),
};

/** Probe kinds (grammar/probe-kinds.ts). */
export const PROBE_HELP: Record<string, HelpEntry> = {
  uprobe: V('a Go function: entry, or return when the block reads elapsed/retval/rets', 'uprobe:main.handle { @calls = count(); }'),
  uretprobe: V('a Go function at return', 'uretprobe:main.handle { @r[retval] = count(); }'),
  BEGIN: V('runs once when attached', 'BEGIN { printf("tracing\\n"); }'),
  END: V('runs once when detached (or at exit)', 'END { print(@calls); }'),
  go: V("a Go runtime event (gotrace -l 'go:*' lists them)", 'go:sched_run { @latency = hist(args.runnable_ns); }'),
  interval: V('runs every period, on one CPU', 'interval:s:1 { print(@calls); clear(@calls); }'),
  profile: V('samples at a rate on every CPU; goid and ustack of the sampled thread', 'profile:hz:99 { @[goid, ustack] = count(); }'),
  tracepoint: V(
    "a kernel tracepoint; args.FIELD from its format, goid from the thread's g",
    'tracepoint:syscalls:sys_enter_write { @[goid] = count(); }',
  ),
};

/** Extra examples for the dot-commands (their text is in commands.ts). */
export const COMMAND_EXAMPLES: Record<string, string> = {
  help: '.help hist',
  probes: '.probes',
  detach: '.detach 2',
  maps: '.maps',
  funcs: '.funcs main.(*Store)',
  args: '.args main.handle',
  types: '.types main.Server',
  target: '.target 4242',
  run: '.run',
  load: '.load tools/lat.gt',
  save: '.save session.gt',
  watch: '.watch @calls 1 top 10',
  graph: ".graph main.handle --under 'main.*' --min 10ms --max-trees 5",
  exit: '.exit',
};

/** The help of `name` (with or without a leading `.` for commands, `:` for probe kinds). */
export function helpFor(name: string, commands: Record<string, { help: string; usage?: string }>): string | undefined {
  const n = name.replace(/:$/, '');
  const cmd = n.startsWith('.') ? n.slice(1) : undefined;
  if (cmd !== undefined && Object.hasOwn(commands, cmd)) {
    const c = commands[cmd];
    return `.${cmd}${c.usage ? ' ' + c.usage : ''}: dot-command: ${c.help}\n    ${COMMAND_EXAMPLES[cmd] ?? '.' + cmd}\n`;
  }
  const tables: [string, Record<string, HelpEntry>][] = [
    ['builtin', BUILTIN_HELP],
    ['function', FUNCTION_HELP],
    ['probe kind', PROBE_HELP],
  ];
  for (const [kind, table] of tables) {
    if (!Object.hasOwn(table, n)) continue;
    const e = table[n];
    return `${n}: ${kind}: ${e.what}\n    ${e.example}\n`;
  }
  if (cmd === undefined && Object.hasOwn(commands, n)) return helpFor('.' + n, commands);
  return undefined;
}

/** Every name .help knows, for "did you mean". */
export function helpNames(commands: Record<string, unknown>): string[] {
  return [
    ...Object.keys(BUILTIN_HELP),
    ...Object.keys(FUNCTION_HELP),
    ...Object.keys(PROBE_HELP),
    ...Object.keys(commands).map((c) => '.' + c),
  ];
}
