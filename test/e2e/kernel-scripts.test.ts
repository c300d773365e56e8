// The kernel-event tools of scripts/ against the fixtures' own figures: syscalls and off-CPU time
// by goroutine.
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { checkSample } from '../helpers/samples.js';
import { buildGo, repoRoot } from '../helpers/go.js';

const script = (name: string) => path.join(repoRoot, 'scripts', name);

t.test('syscalls-by-goroutine.gt: 700 and 300 write(2) calls (nr 1) by the goroutines that made them', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace([script('syscalls-by-goroutine.gt'), '-c', buildGo('kwrites')]);
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'syscalls-by-goroutine.gt', r.stdout);
  const own = [...r.stdout.matchAll(/^goid=(\d+) writes=(\d+)$/gm)];
  t.equal(own.length, 2, 'the program names its two writers');
  const counts = parseMapLines(r.stdout, '@syscalls');
  for (const [, goid, n] of own) t.equal(counts.get(`${goid}, 1`), BigInt(n!), `goroutine ${goid}: ${n} writes`);
});

t.test('offcpu-by-goroutine.gt: each sleeper off-CPU for its nanosleeps, within what it measured', async (t) => {
  if (!requireBpf(t)) return;
  const sleeps = 40;
  const ms = 10;
  const r = await runGotrace([script('offcpu-by-goroutine.gt'), '-c', `${buildGo('kbusy')} -ms 10 -sleeps ${sleeps} -sleep-ms ${ms}`]);
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'offcpu-by-goroutine.gt', r.stdout);
  const own = [...r.stdout.matchAll(/^sleeper=(\d+) slept_ns=(\d+)$/gm)];
  t.equal(own.length, 2, 'the program names its two sleepers');
  const traced = parseMapLines(r.stdout, '@offcpu_ns');
  // Sleeper 0 makes `sleeps` calls, sleeper 1 a quarter of them.
  own.forEach(([, goid, slept], i) => {
    const calls = i === 0 ? sleeps : sleeps / 4;
    const off = Number(traced.get(goid!) ?? 0n);
    // The kernel sleeps at least what was asked; the thread's switch-out and switch-in fall
    // inside the program's own window around each call, so the sum cannot exceed it (2 ms of
    // slack for a preemption outside those windows).
    t.ok(off >= calls * ms * 1e6, `goroutine ${goid}: off-CPU ${off} ns >= ${calls} x ${ms} ms asked`);
    t.ok(off <= Number(slept) + 2e6, `goroutine ${goid}: off-CPU ${off} ns <= ${slept} ns it measured`);
  });
  t.notMatch(r.stdout, /^@start|^@goroutine/m, 'the bookkeeping maps are cleared');
});
