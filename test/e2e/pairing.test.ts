// Entry/return pairing across processes, limits on calls in flight and map keys (every drop
// counted and reported), and inlined calls: each checked against what the program measured.
import { spawn } from 'node:child_process';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace, startGotrace, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

t.test('two processes of one binary traced binary-wide: each return pairs with its own entry', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('pairing');
  // Both run f() on their main goroutine at the same stack depth, overlapping in time: a key
  // without the process would pair one's return with the other's entry.
  const procs = [
    { arg: 11, ms: 300 },
    { arg: 22, ms: 100 },
  ].map((p) => {
    const child = spawn(bin, ['-mode', 'pair', '-arg', String(p.arg), '-ms', String(p.ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const done = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
    return { ...p, child, done, ready: waitForOutput(child.stdout!, /ready/) };
  });
  await Promise.all(procs.map((p) => p.ready));
  const g = startGotrace(['-e', `uprobe:${bin}:main.f < @a[pid] = arg0; @e[pid] = elapsed; >`]);
  await waitForOutput(g.child.stderr!, /Attaching/);
  for (const p of procs) p.child.kill('SIGUSR1');
  const outs = await Promise.all(procs.map((p) => p.done));
  g.child.kill('SIGINT');
  const r = await g.done;
  t.equal(r.code, 0, r.stderr);
  const args = parseMapLines(r.stdout, '@a');
  const elapsed = parseMapLines(r.stdout, '@e');
  for (const out of outs) {
    const m = /^pid=(\d+) arg=(\d+) elapsed=(\d+)$/m.exec(out);
    t.ok(m, `the process reported (${out})`);
    if (!m) continue;
    t.equal(args.get(m[1]), BigInt(m[2]), `pid ${m[1]}: its own argument`);
    const traced = Number(elapsed.get(m[1]) ?? -1n);
    const own = Number(m[3]);
    // The program's own measure spans f's call and a little more: within 20 ms of it.
    t.ok(traced > 0 && traced <= own && own - traced < 20e6, `pid ${m[1]}: elapsed ${traced} ns vs ${own} ns measured`);
  }
});

t.test('calls in flight beyond --calls-in-flight are counted: returns traced + dropped = calls', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('pairing');
  const prog = 'uprobe:main.block { @in = count(); } uretprobe:main.block { @rets = count(); }';
  // 3000 goroutines wait inside block() together, three times what the table holds.
  const small = await runGotrace(['-f', 'json', '--calls-in-flight', '1000', '-e', prog, '-c', `${bin} -mode inflight -g 3000`]);
  t.equal(small.code, 0, small.stderr);
  t.match(small.stdout, /^blocked=3000 returned=3000$/m, 'the program saw every call return');
  const json = small.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const maps = Object.assign({}, ...json.filter((l) => l.type === 'map').map((l) => l.data));
  const dropped = json.find((l) => l.type === 'dropped')?.data ?? [];
  t.equal(maps['@in'], 3000, 'every entry seen');
  const evicted = dropped.find((d: { kind: string }) => d.kind === 'calls_evicted');
  t.ok(evicted && evicted.count >= 2000 && evicted.limit === 1000, `at least 2000 dropped (${JSON.stringify(dropped)})`);
  t.equal(maps['@rets'] + (evicted?.count ?? 0), 3000, 'returns traced + calls dropped = calls');
  t.match(
    small.stderr,
    new RegExp(
      `^${evicted?.count} calls in flight dropped \\(more than --calls-in-flight 1000 at once\\): their returns were not traced$`,
      'm',
    ),
  );

  const big = await runGotrace(['-e', prog, '-c', `${bin} -mode inflight -g 3000`]);
  t.equal(big.code, 0, big.stderr);
  t.equal(parseMapLines(big.stdout, '@rets').get(''), 3000n, 'default size: every return traced');
  t.notMatch(big.stderr, /dropped/, 'nothing dropped');
});

t.test('updates beyond --map-keys are counted per map and reported', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('pairing');
  // 300 goroutines, one key each; int, count, avg and hist maps all full at 100 keys.
  const prog = 'uprobe:main.block { @c[goid] = count(); @v[goid] = 1; @a[goid] = avg(5); @h[goid] = hist(5); }';
  const r = await runGotrace(['--map-keys', '100', '-e', prog, '-c', `${bin} -mode inflight -g 300`]);
  t.equal(r.code, 0, r.stderr);
  for (const m of ['@a', '@c', '@h', '@v'])
    t.match(r.stderr, new RegExp(`^200 map updates dropped \\(${m} full at 100 keys: raise --map-keys\\)$`, 'm'), m);
  t.equal(parseMapLines(r.stdout, '@c').size, 100, '@c kept 100 keys');
  const big = await runGotrace(['--map-keys', '1000', '-e', prog, '-c', `${bin} -mode inflight -g 300`]);
  t.equal(big.code, 0, big.stderr);
  t.equal(parseMapLines(big.stdout, '@c').size, 300, 'room for all: 300 keys');
  t.notMatch(big.stderr, /dropped/, 'nothing dropped');
  const bad = await runGotrace(['--map-keys', '0', '-e', prog, '-c', `${bin} -mode inflight -g 3`]);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /--map-keys wants a number of entries from 1 to 16777216, not '0'/);
});

t.test('calls of an inlined function are counted where it was inlined', async (t) => {
  if (!requireBpf(t)) return;
  for (const [name, opts] of [
    ['with symbols', {}],
    ['stripped', { ldflags: '-s -w' }],
  ] as const) {
    const bin = buildGo('pairing', opts);
    // 1,000 calls inlined into main.main's loop, 10 through a func value (the real body).
    const r = await runGotrace(['-e', 'uprobe:main.add { @n = count(); }', '-c', `${bin} -mode inlined -n 1000`]);
    t.equal(r.code, 0, r.stderr);
    const own = /^calls=(\d+)$/m.exec(r.stdout)?.[1];
    t.equal(own, '1010', `${name}: the program counted its calls`);
    t.equal(parseMapLines(r.stdout, '@n').get(''), 1010n, `${name}: every call counted`);
    t.match(
      r.stderr,
      /WARNING: main\.add is also inlined at 1 call site \(in main\.main\): traced there as entries, where arguments, results and the duration do not exist/,
    );
  }
  // A block that reads arguments cannot run there: the sites it misses are said, not hidden.
  const bin = buildGo('pairing');
  const r = await runGotrace(['-e', 'uprobe:main.add { @n = count(); @s = sum(arg1); }', '-c', `${bin} -mode inlined -n 1000`]);
  t.equal(r.code, 0, r.stderr);
  t.equal(parseMapLines(r.stdout, '@n').get(''), 10n, 'only the real calls');
  t.equal(parseMapLines(r.stdout, '@s').get(''), 45n, 'their arguments (0..9)');
  t.match(
    r.stderr,
    /WARNING: 1 inlined call site of main\.add not traced \(in main\.main\): the block needs arguments, which an inlined call does not have/,
  );
});
