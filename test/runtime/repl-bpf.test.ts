// The REPL on real BPF, driven through its streams: maps shared between probes compiled as
// separate objects, detaching one keeps the map for the other, hit counts, the -c hold, and an
// exit that releases every kernel object.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { ReplDriver } from '../helpers/repl.js';
import { Target } from '../../runtime/target.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** This process's BPF programs, maps, links and perf events, by kind. */
function bpfFds(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    let link: string;
    try {
      link = fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^anon_inode:\[?(bpf[-_]\w+|perf_event)\]?$/.exec(link);
    if (m) out[m[1]] = (out[m[1]] ?? 0) + 1;
  }
  return out;
}

function startTicker(args: string[] = []) {
  const bin = buildGo('ticker');
  const p = spawn(bin, ['-every', '1ms', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { p, ready: waitForOutput(p.stdout!, /ready/) };
}

/** A REPL on a running ticker fixture (-p), at its first prompt; the ticker dies with the test. */
async function replOnTicker(t: { teardown(fn: () => void): void }): Promise<ReplDriver> {
  const { p, ready } = startTicker();
  t.teardown(() => void p.kill('SIGKILL'));
  await ready;
  const d = new ReplDriver({ target: Target.open({ pid: p.pid! }) });
  await d.waitFor(/gotrace> $/);
  return d;
}

t.test('maps shared between probes survive a detach; hits; exit releases everything', async (t) => {
  if (!requireBpf(t)) return;
  const { p, ready } = startTicker();
  t.teardown(() => void p.kill('SIGKILL'));
  await ready;
  const before = bpfFds();
  const d = new ReplDriver({ target: Target.open({ pid: p.pid! }) });
  await d.waitFor(/gotrace> $/);

  t.equal(await d.type('uprobe:main.tick { @lat[1] = count(); @calls = count() }'), 'probe 1 attached: uprobe:main.tick\n');
  t.equal(await d.type('uprobe:main.work { @lat[2] = count(); }'), 'probe 2 attached: uprobe:main.work\n');
  t.ok(bpfFds()['bpf-prog']! >= 2, 'two objects loaded');
  await sleep(300);
  const a = parseMapLines(await d.type('@lat'), '@lat');
  t.ok((a.get('1') ?? 0n) > 0n && (a.get('2') ?? 0n) > 0n, `one @lat written by both objects (${[...a].join(' ')})`);

  t.match(
    await d.type('uprobe:main.tick { @lat = 5 }'),
    /^stdin:1:20-24: ERROR: @lat used with 0 keys here but 1 elsewhere\n/,
    'a type clash with a live probe is rejected, located',
  );
  const probes = await d.type('.probes');
  const hits = [...probes.matchAll(/^ +(\d) +(\d+) {2}uprobe/gm)].map((m) => [m[1], BigInt(m[2])] as const);
  t.same(
    hits.map((h) => h[0]),
    ['1', '2'],
  );
  t.ok(
    hits.every((h) => h[1] > 0n),
    `hits counted (${probes.trim()})`,
  );

  t.equal(await d.type('.detach 1'), 'probe 1 detached\n');
  const b = parseMapLines(await d.type('@lat'), '@lat');
  await sleep(300);
  const c = parseMapLines(await d.type('print(@lat)'), '@lat');
  t.equal(c.get('1'), b.get('1'), '@lat[1] stopped with probe 1');
  t.ok(c.get('2')! > b.get('2')!, `probe 2 still writes the same @lat (${b.get('2')} -> ${c.get('2')})`);
  t.match(await d.type('@calls'), /^@calls: \d+\n$/, 'a map no probe uses any more is still readable');

  t.equal(await d.type('.detach all'), 'probe 2 detached\n');
  t.notOk(bpfFds()['bpf-prog'], 'no program left once every probe is detached');
  const e = parseMapLines(await d.type('@lat'), '@lat');
  await sleep(100);
  t.same(parseMapLines(await d.type('@lat'), '@lat'), e, 'nothing writes @lat any more');

  const r = await d.end();
  t.equal(r.code, 0);
  t.match(r.text, /^\n@calls: \d+\n@lat\[1\]: \d+\n@lat\[2\]: \d+\n$/, 'the maps printed at exit');
  t.same(bpfFds(), before, 'every program, map, link and perf event released');
  t.ok(p.exitCode === null, 'a -p target is left running');
});

t.test('statements on kernel maps: print, delete, zero, clear (and hist entries)', async (t) => {
  if (!requireBpf(t)) return;
  const d = await replOnTicker(t);
  t.equal(
    await d.type('uprobe:main.tick { @t[args.n] = count(); @h[args.n % 2] = hist(args.n); @s = sum(args.n) }'),
    'probe 1 attached: uprobe:main.tick\n',
  );
  await sleep(300);
  await d.type('.detach 1');
  const all = parseMapLines(await d.type('@t'), '@t');
  t.same([...all.keys()].sort(), ['0', '1', '2', '3', '4', '5', '6'], 'tick(i % 7): seven keys');
  t.equal(await d.type('@t[3]'), `@t[3]: ${all.get('3')}\n`);
  t.equal(await d.type('delete(@t[3])'), '');
  t.equal(await d.type('@t[3]'), 'stdin:1:1-6: ERROR: @t has no entry [3]\n@t[3]\n~~~~~\n');
  t.equal(parseMapLines(await d.type('@t'), '@t').size, 6);
  t.match(await d.type('@h[1]'), /^@h\[1\]: \n\[1\]/);
  t.equal(await d.type('delete(@h[1])'), '', 'a histogram entry: every bucket of it');
  t.match(await d.type('@h'), /^@h\[0\]: \n(?![^]*@h\[1\])/);
  t.equal(await d.type('zero(@t); zero(@s)'), '');
  t.same([...parseMapLines(await d.type('@t'), '@t').values()], [0n, 0n, 0n, 0n, 0n, 0n], 'zero keeps the keys');
  t.equal(await d.type('@s'), '@s: 0\n');
  t.equal(await d.type('clear(@t)'), '');
  t.match(await d.type('@t'), /^stdin:1:1-3: ERROR: unknown map @t\n/, 'cleared with no probe using it: forgotten');
  t.equal(await d.type('uprobe:main.tick { @t = 1 }'), 'probe 2 attached: uprobe:main.tick\n', 'the name takes another type');
  t.equal((await d.end()).code, 0);
});

t.test('a probe typed again attaches from the warm cache in well under a second', async (t) => {
  if (!requireBpf(t)) return;
  const d = await replOnTicker(t);
  await d.type('uprobe:main.work { @warm = count(); }');
  const first = d.core.probes.get(1)!.attachMs;
  await d.type('.detach 1');
  await d.type('uprobe:main.work { @warm = count(); }');
  const again = d.core.probes.get(2)!.attachMs;
  t.ok(again < 1000, `typed to attached: ${first.toFixed(0)} ms, then ${again.toFixed(0)} ms from the cache`);
  t.equal((await d.end()).code, 0);
});

t.test('-c: the command is held until the first probe, so no call escapes', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('ticker');
  const target = Target.open({ command: `${bin} -every 1ms -n 40` }, { childOutput: 'pipe' });
  const d = new ReplDriver({ target });
  await d.waitFor(/gotrace> $/);
  await sleep(300);
  t.notMatch(d.text, /ready/, 'held: the command has not started');
  const attached = await d.type('uprobe:main.tick { @n = count(); }');
  t.match(attached, /^probe 1 attached: uprobe:main\.tick\nreleased '.*ticker.* -every 1ms -n 40' \(pid \d+\)\n/);
  // The command's output and its end come above the prompt.
  await d.waitFor(/ticks=40\n/);
  await d.waitFor(/exited with status 0\n/);
  t.equal(await d.type('@n'), '@n: 40\n', 'every call seen, the first ones too');
  t.equal((await d.end()).code, 0);
});

t.test('-c with .run, and a command still running at exit is stopped', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('ticker');
  const target = Target.open({ command: `${bin} -every 5ms` }, { childOutput: 'pipe' });
  const d = new ReplDriver({ target });
  await d.waitFor(/gotrace> $/);
  t.match(await d.type('.run'), /^released '.*' \(pid \d+\)\n/);
  await d.waitFor(/ready\n/);
  t.equal(await d.type('.run'), 'the command is already running\n');
  const exited = new Promise<string>((resolve) => target.child!.onExit((code, signal) => resolve(`${code}/${signal}`)));
  t.equal((await d.end()).code, 0);
  t.equal(await exited, 'null/SIGTERM', 'SIGTERM at exit');
});

t.test('a command that never ran is killed at exit', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('ticker');
  const target = Target.open({ command: bin }, { childOutput: 'pipe' });
  const exited = new Promise<string>((resolve) => target.child!.onExit((code, signal) => resolve(`${code}/${signal}`)));
  const d = new ReplDriver({ target });
  await d.waitFor(/gotrace> $/);
  t.equal((await d.end()).code, 0);
  t.equal(await exited, 'null/SIGKILL');
  t.notMatch(d.text, /ready/);
});

t.test('func written into one map by two probes names both functions', async (t) => {
  if (!requireBpf(t)) return;
  const d = await replOnTicker(t);
  t.equal(await d.type('uprobe:main.tick { @f[func] = count(); }'), 'probe 1 attached: uprobe:main.tick\n');
  t.equal(await d.type('uprobe:main.work { @f[func] = count(); }'), 'probe 2 attached: uprobe:main.work\n');
  await sleep(300);
  const keys = [...parseMapLines(await d.type('@f'), '@f').keys()].sort();
  t.same(keys, ['main.tick', 'main.work'], 'each object numbers its probes apart');
  t.equal((await d.end()).code, 0);
});

t.test('delete() at the prompt with a string key', async (t) => {
  if (!requireBpf(t)) return;
  const d = await replOnTicker(t);
  await d.type('uprobe:main.tick { @c[comm, 7] = count(); }');
  await sleep(300);
  await d.type('.detach all');
  const before = [...parseMapLines(await d.type('@c'), '@c').keys()];
  t.equal(before.length, 1, 'one entry');
  const [comm, seven] = before[0].split(', ');
  t.equal(seven, '7');
  t.match(await d.type('delete(@c[1, 7])'), /ERROR: @c's keys are a string, an integer/, 'wrong key kinds are refused');
  t.equal(await d.type(`delete(@c["${comm}", 7])`), '', 'deleted by its string key');
  t.match(await d.type('@c'), /^@c is empty\n/);
  t.equal((await d.end()).code, 0);
});

t.test('a probe detached reports what it dropped', async (t) => {
  if (!requireBpf(t)) return;
  const d = await replOnTicker(t);
  t.equal(await d.type('uprobe:main.tick { $i = 0; while ($i < 5000) { $i++; } @n = count(); }'), 'probe 1 attached: uprobe:main.tick\n');
  await sleep(200);
  const n = parseMapLines(await d.type('@n'), '@n').get('') ?? 0n;
  t.ok(n > 0n, `the probe ran (${n})`);
  const out = await d.type('.detach 1');
  const m = /^probe 1: (\d+) while loops cut off at 1024 iterations \(stdin:1:28\)\n/m.exec(out);
  t.ok(m && BigInt(m[1]) >= n, `every run of the loop cut off was counted (${out})`);
  t.match(out, /probe 1 detached\n$/);
});

t.test('each BEGIN block runs once when typed, each END block once at exit, several live at once', async (t) => {
  if (!requireBpf(t)) return;
  const d = await replOnTicker(t);
  t.match(await d.type('BEGIN { printf("begin a\\n"); @a = count(); }'), /begin a\n/);
  t.match(await d.type('BEGIN { printf("begin b\\n"); @b = count(); }'), /begin b\n/);
  await d.type('END { printf("end c\\n"); @c = count(); }');
  await d.type('END { printf("end d\\n"); @d = count(); }');
  t.equal(await d.type('@a'), '@a: 1\n', 'the second BEGIN did not run the first again');
  const r = await d.end();
  t.equal(r.code, 0);
  t.equal(r.text.match(/end c\n/g)?.length, 1, 'the first END ran once');
  t.equal(r.text.match(/end d\n/g)?.length, 1, 'the second END ran once');
  t.match(r.text, /@b: 1\n/);
  t.match(r.text, /@c: 1\n/);
  t.match(r.text, /@d: 1\n/);
});
