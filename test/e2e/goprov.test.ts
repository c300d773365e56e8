// The go: provider against real BPF. On the goroutines fixture (Go 1.19, the local toolchain)
// every count gotrace makes equals the program's own: goroutines created and exited per
// creation site, parks and wake-ups per site and wait reason, GC cycles (runtime.NumGC) and
// stop-the-world pauses. On the stripped Go 1.17-1.27 binaries of npm packages the probes
// attach and fire with sane values.
import t from 'tap';
import os from 'node:os';
import path from 'node:path';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { checkSample } from '../helpers/samples.js';
import { buildGo, repoRoot } from '../helpers/go.js';
import { NPM_GO_BINARIES, npmGoBinary } from '../compiler/go/npm-binaries.js';
import { M_P_OFFSET_BY_MINOR, goMinor } from '../../compiler/go/goruntime.js';

const SCRIPT = `
go:goroutine_create { @create[usym(args.pc)] = count(); @fn[usym(args.fn)] = count(); }
go:goroutine_exit { @exit[usym(gostart)] = count(); @parent[usym(gostart), pgoid] = count(); @life = min(args.lifetime_ns); }
go:block { @block[usym(gostart), args.reason] = count(); }
go:unblock { @unblock[usym(gostart), args.reason] = count(); @blocked = min(args.blocked_ns); }
go:sched_run /args.runnable_ns >= 0/ { @run[usym(gostart)] = count(); }
go:gc_start { @gcs = count(); }
go:gc_done { @gcd = count(); @cycle = max(args.cycle); }
go:stw_start { @stw[args.reason] = count(); }
go:stw_done { @stwd[args.reason] = count(); @pause = min(args.pause_ns); }
`;

/** "name count" lines of the fixture's own output. */
function own(out: string): Record<string, bigint> {
  return Object.fromEntries([...out.matchAll(/^(\w+) (\d+)$/gm)].map((m) => [m[1]!, BigInt(m[2]!)]));
}

t.test("go: counts equal the program's own (Go 1.19 fixture)", async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('goroutines');
  const r = await runGotrace(['-e', SCRIPT, '-c', bin]);
  t.equal(r.code, 0, r.stderr);
  const n = own(r.stdout);
  t.equal(n.workers, 50n, 'the fixture ran');
  const get = (map: string, key: string) => parseMapLines(r.stdout, map).get(key);
  for (const [site, count] of [
    ['main.spawnWorkers', n.workers],
    ['main.spawnReceiver', n.receivers],
    ['main.spawnLocker', n.lockers],
    ['main.spawnSleeper', n.sleepers],
    ['main.spawnLeaked', n.leaked],
  ] as const) {
    t.equal(get('@create', site), count, `created at ${site}`);
    t.equal(get('@fn', `${site}.func1`), count, `entry functions of ${site}`);
    // Leaked goroutines are alive at exit: created, never exited.
    t.equal(get('@exit', site), site === 'main.spawnLeaked' ? undefined : count, `exited, created at ${site}`);
    if (site !== 'main.spawnLeaked') t.equal(get('@parent', `${site}, 1`), count, `pgoid of those from ${site} is main's`);
    t.ok((get('@run', site) ?? 0n) >= count, `each goroutine of ${site} ran`);
  }
  // Each receiver, locker and sleeper parks exactly once, and is woken once; leaked ones never.
  const parks: [string, string, bigint][] = [
    ['main.spawnReceiver', 'chan receive', n.receivers!],
    ['main.spawnLocker', 'semacquire', n.lockers!],
    ['main.spawnSleeper', 'sleep', n.sleepers!],
  ];
  for (const [site, reason, count] of parks) {
    t.equal(get('@block', `${site}, ${reason}`), count, `${site} parked on ${reason}`);
    t.equal(get('@unblock', `${site}, ${reason}`), count, `${site} woken from ${reason}`);
  }
  t.equal(get('@block', 'main.spawnLeaked, chan receive'), n.leaked, 'leaked goroutines parked');
  t.equal(get('@unblock', 'main.spawnLeaked, chan receive'), undefined, 'and were never woken');
  t.equal(get('@gcd', ''), n.numgc, 'gc_done counts runtime.NumGC');
  t.equal(get('@gcs', ''), n.numgc, 'gc_start too');
  t.equal(get('@cycle', ''), n.numgc, 'the last cycle number is NumGC');
  t.equal(get('@stw', 'GC sweep termination'), n.numgc, 'one sweep-termination pause per cycle');
  t.ok((get('@stw', 'GC mark termination') ?? 0n) >= n.numgc!, 'a mark-termination pause per cycle at least');
  t.equal(get('@stw', 'read mem stats'), 1n, "ReadMemStats's pause, with stopTheWorld's reason");
  t.same(parseMapLines(r.stdout, '@stwd'), parseMapLines(r.stdout, '@stw'), 'every pause ended');
  for (const m of ['@life', '@blocked', '@pause']) t.ok((get(m, '') ?? -1n) >= 0n, `${m} is a duration`);
});

t.test('-l go:* lists the probes and their fields', async (t) => {
  const r = await runGotrace(['-l', 'go:*']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^go:goroutine_create\n {4}args\.goid int64/m);
  t.match(r.stdout, /^go:unblock\n(?: {4}.*\n)*? {4}args\.reason string/m);
  t.equal((r.stdout.match(/^go:/gm) ?? []).length, 10);
});

for (const b of NPM_GO_BINARIES) {
  t.test(`${b.pkg}@${b.version} (${b.goVersion}): go: probes fire with sane values`, async (t) => {
    if (!requireBpf(t)) return;
    const bin = npmGoBinary(b);
    const script =
      'go:goroutine_create { @c = count(); @g = min(args.goid); @pc[usym(args.pc)] = count(); } ' +
      'go:sched_run { @p[args.p] = count(); } go:block { @b[args.reason] = count(); } ' +
      'go:gc_done { @gc = count(); } go:stw_start { @stw[args.reason] = count(); }';
    // GOGC=1: the runtime's start-up allocations are enough for a GC cycle.
    const r = await runGotrace(['-e', script, '-c', `${bin} --version`], 120_000, { GOGC: '1' });
    t.ok(r.code === 0 || /target exited with status 1/.test(r.stderr), r.stderr);
    const get = (m: string) => parseMapLines(r.stdout, m);
    t.ok((get('@c').get('') ?? 0n) >= 4n, 'the runtime creates its goroutines');
    t.ok((get('@g').get('') ?? 0n) >= 1n, 'goids are non-zero');
    t.ok(get('@pc').has('runtime.gcenable'), "creation sites symbolize (gcenable's goroutines)");
    t.ok(get('@b').has('force gc (idle)'), "wait reasons read from the binary's table");
    const ps = [...get('@p').keys()].map(Number);
    if (M_P_OFFSET_BY_MINOR[goMinor(b.goVersion)!] !== undefined)
      t.ok(ps.length && ps.every((p) => p >= 0 && p < os.cpus().length), `P ids ${ps} are below GOMAXPROCS`);
    else t.same(ps, [-1], 'no m.p offset for this release: -1');
    if (get('@gc').get('')) t.ok(get('@stw').has('GC sweep termination'), 'GC pauses named');
  });
}

const script = (name: string) => path.join(repoRoot, 'scripts', name);

t.test('scripts: leaks by creation site, GC pauses, scheduler latency, blocked time', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('goroutines');
  const leaks = await runGotrace([script('goroutine-leaks.gt'), '-c', bin]);
  t.equal(leaks.code, 0, leaks.stderr);
  checkSample(t, 'goroutine-leaks.gt', leaks.stdout);
  const n = own(leaks.stdout);
  const alive = parseMapLines(leaks.stdout, '@alive');
  t.equal(alive.get('main.spawnLeaked'), n.leaked, 'the leaked goroutines are alive at exit');
  for (const site of ['main.spawnWorkers', 'main.spawnReceiver', 'main.spawnLocker', 'main.spawnSleeper'])
    t.equal(alive.get(site), 0n, `none of ${site}'s`);
  t.equal(parseMapLines(leaks.stdout, '@created').get('main.spawnWorkers'), n.workers);

  const gc = await runGotrace([script('gc-pauses.gt'), '-c', bin]);
  t.equal(gc.code, 0, gc.stderr);
  checkSample(t, 'gc-pauses.gt', gc.stdout);
  t.equal(parseMapLines(gc.stdout, '@gc_cycles').get(''), own(gc.stdout).numgc, 'GC cycles = NumGC');
  t.equal(parseMapLines(gc.stdout, '@stw_pauses').get('GC sweep termination'), own(gc.stdout).numgc);

  const lat = await runGotrace([script('sched-latency.gt'), '-c', bin]);
  t.equal(lat.code, 0, lat.stderr);
  checkSample(t, 'sched-latency.gt', lat.stdout);
  t.match(lat.stdout, /^@all: \n\[/m, 'an overall histogram');
  t.match(lat.stdout, /^@by_goroutine\[1\]: \n\[/m, 'one per goroutine');

  const blocked = await runGotrace([script('blocked.gt'), '-c', bin]);
  t.equal(blocked.code, 0, blocked.stderr);
  checkSample(t, 'blocked.gt', blocked.stdout);
  // 20 receivers parked for ~100 ms each.
  t.ok((parseMapLines(blocked.stdout, '@blocked_ns').get('chan receive') ?? 0n) >= 20n * 50_000_000n, 'time by reason');
  t.match(blocked.stdout, /^\s+main\.spawnReceiver\.func1\+\d+\n(?:.*\n)*?, chan receive\]: 20$/m, 'parks by stack');
});

t.test('scripts: panics.gt counts the panics the program recovered', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace([script('panics.gt'), '-c', buildGo('panicky')]);
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'panics.gt', r.stdout);
  const total = [...r.stdout.matchAll(/^\]: (\d+)$/gm)].reduce((a, m) => a + BigInt(m[1]!), 0n);
  t.ok(total > 0n, `panics seen: ${total}`);
  t.match(r.stdout, /runtime\.gopanic/, 'with their stacks');
});

t.test('go:panic prints each panic value as print() prints an any', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace(['-e', 'go:panic { print(args.value); @n[goid] = count(); }', '-c', buildGo('panicvalues')]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^"boom"\n42\nbad thing\n\{A: 1, B: 2\}\nwrapped: inner$/m, 'a string, an int, errors, a struct');
  t.equal(parseMapLines(r.stdout, '@n').get('1'), 5n, 'five panics, on the main goroutine');
});
