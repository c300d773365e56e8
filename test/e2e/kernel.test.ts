// Kernel tracepoints and profile samples with the goroutine: goid, ustack and func read from the
// current thread's g (its TLS) and user registers, checked against the fixtures' own figures.
import t from 'tap';
import { buildGo } from '../helpers/go.js';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';

/** `goid=N writes=M` lines: the program's own count per goroutine. */
function ownWrites(stdout: string): Map<string, bigint> {
  return new Map([...stdout.matchAll(/^goid=(\d+) writes=(\d+)$/gm)].map((m) => [m[1]!, BigInt(m[2]!)]));
}

t.test('sys_enter_write by goroutine: two goroutines on one thread, exactly 700 and 300', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('kwrites');
  const r = await runGotrace(['-e', 'tracepoint:syscalls:sys_enter_write /pid == $target/ { @[goid] = count(); }', '-c', bin]);
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr})`);
  t.match(r.stderr, /^Attaching 1 probe\.\.\.$/m);
  const own = ownWrites(r.stdout);
  t.equal(own.size, 2, 'the program names its two writers');
  const traced = parseMapLines(r.stdout, '@');
  for (const [goid, n] of own) t.equal(traced.get(goid), n, `goroutine ${goid}: ${n} writes`);
});

t.test('tracepoint fields, probe and ustack: the writers are told apart by their stacks', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('kwrites');
  const prog =
    'tracepoint:syscalls:sys_enter_write /pid == $target && args.count == 1/ { @fd[args.fd] = count(); @s[goid, ustack] = count(); @p[probe] = count(); @parent[goid] = pgoid; }';
  const r = await runGotrace(['-e', prog, '-c', bin]);
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr})`);
  const fd = parseMapLines(r.stdout, '@fd');
  t.equal(fd.size, 1, 'one fd written one byte at a time');
  t.equal([...fd.values()][0], 1000n, '1000 one-byte writes');
  t.match(r.stdout, /^@p\[tracepoint:syscalls:sys_enter_write\]: 1000$/m, 'probe names the tracepoint');
  for (const [goid, n] of ownWrites(r.stdout)) {
    t.match(r.stdout, new RegExp(`^@parent\\[${goid}\\]: 1$`, 'm'), `goroutine ${goid}: pgoid is main's (1), from the thread's g`);
    const re = new RegExp(
      `^@s\\[${goid}, \\n(?:\\s+\\S+\\n)*?\\s+syscall\\.write\\+\\d+\\n(?:\\s+\\S+ \\[inlined\\]\\n)*\\s+main\\.writer\\+\\d+\\n(?:\\s+\\S+\\n)*\\]: ${n}$`,
      'm',
    );
    t.match(r.stdout, re, `goroutine ${goid}: its ${n} writes under one stack through main.writer`);
  }
});

t.test('a PIE target: kernel-event stacks symbolized at its load address (noted from mm->start_code)', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('kwrites', { buildmode: 'pie' });
  const r = await runGotrace([
    '-e',
    'tracepoint:syscalls:sys_enter_write /pid == $target/ { @[ustack] = count(); @f[func] = count(); }',
    '-c',
    bin,
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(
    r.stdout,
    /^\s+syscall\.write\+\d+\n(?:\s+\S+ \[inlined\]\n)*\s+main\.writer\+\d+\n\s+main\.main\.func1\+\d+\n\s+runtime\.goexit\+1\n\]: 700$/m,
  );
  t.match(r.stdout, /^@f\[runtime\/internal\/syscall\.Syscall6\]: \d+$/m, 'func symbolized too');
});

t.test('profile:hz by goroutine: the spinning goroutine has most samples, its stack symbolized', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('kbusy');
  const prog = 'profile:hz:997 /pid == $target/ { @[goid] = count(); @s[ustack] = count(); @f[func] = count(); }';
  const r = await runGotrace(['-e', prog, '-c', `${bin} -ms 1500`]);
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr})`);
  const spinner = /^spinner=(\d+)$/m.exec(r.stdout)?.[1];
  t.ok(spinner, 'the program names its spinner');
  const byGoid = parseMapLines(r.stdout, '@');
  const total = [...byGoid.values()].reduce((a, b) => a + b, 0n);
  const mine = byGoid.get(spinner!) ?? 0n;
  t.ok(total >= 20n, `enough samples (${total})`);
  t.ok(mine * 10n >= total * 8n, `the spinner has at least 80% of the samples (${mine} of ${total})`);
  t.match(r.stdout, /^\s+main\.spin\+\d+\n\s+main\.main\.func1\+\d+\n\s+runtime\.goexit\+\d+\n\]: \d+$/m, 'Go frames symbolized');
  t.match(r.stdout, /^@f\[main\.spin\]: \d+$/m, 'func is the sampled Go function');
});

t.test('without a target, goid in a kernel block is refused with a located error', async (t) => {
  const r = await runGotrace(['-e', 'tracepoint:syscalls:sys_enter_write { @[goid] = count(); }']);
  t.equal(r.code, 1);
  t.match(r.stderr, /^stdin:1:41-45: ERROR: goid in a tracepoint block needs the traced process: give -p PID or -c CMD$/m);
});

t.test('-l lists tracepoints, -lv their fields as the format declares them', async (t) => {
  const r = await runGotrace(['-lv', 'tracepoint:sched:sched_switch']);
  t.equal(r.code, 0, r.stderr);
  t.equal(
    r.stdout,
    [
      'tracepoint:sched:sched_switch',
      '    char prev_comm[16]',
      '    pid_t prev_pid',
      '    int prev_prio',
      '    long prev_state',
      '    char next_comm[16]',
      '    pid_t next_pid',
      '    int next_prio',
      '',
    ].join('\n'),
  );
  const all = await runGotrace(['-l', 'tracepoint:syscalls:*']);
  const lines = all.stdout.trim().split('\n');
  t.ok(lines.length > 500, `the syscalls category (${lines.length} tracepoints)`);
  t.ok(lines.includes('tracepoint:syscalls:sys_enter_write'), 'sys_enter_write among them');
  t.ok(
    lines.every((l) => l.startsWith('tracepoint:syscalls:')),
    'nothing else',
  );
});
