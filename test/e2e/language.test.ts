// The whole language running against real Go processes: aggregations laid out exactly as
// bpftrace lays them out, JSON lines, events, exact counts under panics and GC, per-goroutine
// histograms that agree with the program's own, and no kernel object left behind.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace, startGotrace, waitForOutput, parseMapLines } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

const AGG = `BEGIN {
  @h = hist(0); @h = hist(1); @h = hist(2); @h = hist(3); @h = hist(1000); @h = hist(1024); @h = hist(1500000); @h = hist(-5);
  @l = lhist(5, 0, 100, 10); @l = lhist(55, 0, 100, 10); @l = lhist(57, 0, 100, 10); @l = lhist(150, 0, 100, 10); @l = lhist(-1, 0, 100, 10);
  @s = stats(10); @s = stats(20); @s = stats(33);
  @a = avg(10); @a = avg(21);
  @mn = min(7); @mn = min(-3); @mx = max(7); @mx = max(99);
  @c[1] = count(); @c[2] = count(); @c[2] = count();
  @k[1, 2] = sum(5); @k[3, 4] = sum(2);
  @hk[1] = hist(8); @hk[2] = hist(9); @hk[2] = hist(100);
  @x = 5;
  exit();
}
`;

t.test('hist, lhist, stats, avg, min, max and keyed maps print as bpftrace prints them', async (t) => {
  if (!requireBpf(t)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-agg-'));
  const script = path.join(dir, 'agg.bt');
  fs.writeFileSync(script, AGG);
  // --bpftrace-text: without it, histograms end with their percentile line and stats() with
  // p50/p99 (test/e2e/aggregations.test.ts).
  const r = await runGotrace(['--bpftrace-text', script]);
  t.equal(r.code, 0, r.stderr);
  // bpftrace, our peer, on the very same script: its stdout starts with "Attaching 1 probe...",
  // which gotrace writes to stderr.
  const b = spawnSync('bpftrace', [script], { encoding: 'utf8', timeout: 60_000 });
  t.equal(b.status, 0, `bpftrace ran (${b.stderr})`);
  const theirs = b.stdout.replace(/^Attaching 1 probe\.\.\.\n\n/, '');
  t.equal(r.stdout, theirs, 'byte-identical map output');
});

t.test('JSON output parses line by line', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('latency');
  const r = await runGotrace([
    '-f',
    'json',
    '-e',
    'BEGIN { printf("start %s\\n", "x"); } uretprobe:main.handle { @h = hist(elapsed); @n[comm] = count(); @s = stats(arg0); }',
    '-c',
    `${bin} -g 8 -n 3`,
  ]);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
  const objs = lines.map((l) => JSON.parse(l));
  // bpftrace's lines, each histogram and stats() followed by its percentiles (docs/aggregations.md).
  t.same(
    objs.map((o) => o.type),
    ['attached_probes', 'printf', 'hist', 'percentiles', 'map', 'map', 'percentiles'],
  );
  t.equal(objs[1].data, 'start x');
  t.equal(
    objs[2].data['@h'].reduce((a: number, b: { count: number }) => a + b.count, 0),
    24,
    'hist counts every call',
  );
  t.ok(
    objs[2].data['@h'].every((b: { min: number; max: number }) => b.max === 2 * b.min - 1),
    'bucket bounds like bpftrace',
  );
  t.same(Object.keys(objs[3].data['@h']), ['p50', 'p90', 'p99', 'max'], "the hist's percentiles");
  t.same(Object.values(objs[4].data['@n']), [24]);
  t.equal(objs[5].data['@s'].count, 24);
  t.same(Object.keys(objs[6].data['@s']), ['p50', 'p99'], "stats()' percentiles");
});

t.test('exact entry and return counts under stack growth, GC and panics; output unchanged', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('panicky');
  const alone = execFileSync(bin, { encoding: 'utf8' });
  const r = await runGotrace(['-e', 'uprobe:main.work { @calls = count(); } uretprobe:main.work { @rets = count(); }', '-c', bin]);
  t.equal(r.code, 0, r.stderr);
  const m = /^calls=(\d+) returns=(\d+) panics=(\d+)$/m.exec(r.stdout)!;
  t.ok(m, 'program output present');
  t.equal(r.stdout.split('\n')[0] + '\n', alone, "the target's output is what it prints untraced");
  t.equal(String(parseMapLines(r.stdout, '@calls').get('')), m[1], 'entries = calls');
  t.equal(String(parseMapLines(r.stdout, '@rets').get('')), m[2], 'returns = normal returns (panics unwind past RET)');
  t.ok(Number(m[3]) > 0, 'the fixture really panicked');
});

t.test('per-goroutine hist(elapsed) agrees with the program within 2% of calls', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('latency');
  const r = await runGotrace(['-f', 'json', '-e', 'uretprobe:main.handle { @h[goid] = hist(elapsed); }', '-c', `${bin} -g 64 -n 8 -hist`]);
  t.equal(r.code, 0, r.stderr);
  const own = new Map<string, number>();
  for (const x of r.stdout.matchAll(/^hist goid=(\d+) bucket=(\d+) count=(\d+)$/gm)) own.set(`${x[1]}/${x[2]}`, Number(x[3]));
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"type":"hist"'));
  t.ok(line, 'a hist in the JSON output');
  const traced = new Map<string, number>();
  const data = JSON.parse(line!).data['@h'] as Record<string, { min: number; count: number }[]>;
  for (const [goid, buckets] of Object.entries(data)) for (const b of buckets) traced.set(`${goid}/${Math.log2(b.min) + 2}`, b.count);
  let total = 0;
  let diff = 0;
  for (const k of new Set([...own.keys(), ...traced.keys()])) {
    total += own.get(k) ?? 0;
    diff += Math.abs((own.get(k) ?? 0) - (traced.get(k) ?? 0));
  }
  t.equal(total, 64 * 8, 'the program counted every call');
  t.ok(diff / 2 <= total * 0.02, `calls in a different bucket: ${diff / 2} of ${total}`);
});

t.test('printf, exit() and END', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('latency');
  const r = await runGotrace([
    '-e',
    'uretprobe:main.handle { @n++; if (@n == 10) { printf("%-5d|%5s|%x|%s\\n", @n, "ab", 255, func); exit(); } } END { printf("end %d\\n", @n >= 10); }',
    '-c',
    // N.B. one goroutine: with several on two CPUs, two returns can both increment before
    // either reads @n (9 -> 10 -> 11, both read 11) and no call sees 10.
    `${bin} -g 1 -n 20`,
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^10   \|   ab\|ff\|main\.handle\nend 1\n/m);
});

/** Kernel objects gotrace created, found through a map whose name only this run uses. */
function objectsUsing(mapName: string): { progs: number[]; maps: number[] } {
  const maps = JSON.parse(execFileSync('bpftool', ['map', 'show', '-j'], { encoding: 'utf8' })) as { id: number; name?: string }[];
  const ids = maps.filter((m) => m.name === mapName).map((m) => m.id);
  const progs = JSON.parse(execFileSync('bpftool', ['prog', 'show', '-j'], { encoding: 'utf8' })) as { id: number; map_ids?: number[] }[];
  return { maps: ids, progs: progs.filter((p) => p.map_ids?.some((m) => ids.includes(m))).map((p) => p.id) };
}

t.test('no BPF program or map remains after any exit path', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('latency');
  const paths: { name: string; run: (prog: string) => Promise<void> }[] = [
    { name: 'target exits', run: async (p) => void (await runGotrace(['-e', p, '-c', `${bin} -g 2 -n 150`])) },
    {
      name: 'exit()',
      run: async (p) => void (await runGotrace(['-e', p.replace('}', 'if (@n > 20) { exit(); } }'), '-c', `${bin} -g 2 -n 400`])),
    },
    ...(['SIGINT', 'SIGTERM'] as const).map((sig) => ({
      name: sig,
      run: async (p: string) => {
        const g = startGotrace(['-e', p, '-c', `${bin} -g 2 -n 400`]);
        await waitForOutput(g.child.stderr!, /Attaching/);
        // N.B. teardown takes milliseconds with uprobe_multi links: let the 100 ms sampler see it.
        await new Promise((r) => setTimeout(r, 400));
        g.child.kill(sig);
        const r = await g.done;
        t.equal(r.code, 0, `${sig}: exit 0 (${r.stderr})`);
      },
    })),
  ];
  for (const p of paths) {
    const map = `@lk${crypto.randomBytes(4).toString('hex')}`;
    const prog = `uprobe:main.handle { ${map}[tid] = count(); @n++; }`;
    let seen: { progs: number[]; maps: number[] } = { progs: [], maps: [] };
    const watcher = setInterval(() => {
      // Keep the richest sample: a late one may be taken mid-teardown.
      const o = objectsUsing(`m_${map.slice(1)}`);
      if (o.maps.length + o.progs.length > seen.maps.length + seen.progs.length) seen = o;
    }, 100);
    await p.run(prog);
    clearInterval(watcher);
    t.ok(seen.maps.length === 1 && seen.progs.length >= 1, `${p.name}: objects were seen while tracing (${JSON.stringify(seen)})`);
    // The kernel frees a map in deferred work after its last reference goes: give it a moment.
    let left = objectsUsing(`m_${map.slice(1)}`);
    for (let i = 0; i < 30 && (left.maps.length || left.progs.length); i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = objectsUsing(`m_${map.slice(1)}`);
    }
    t.same(left, { progs: [], maps: [] }, `${p.name}: none remain (${map})`);
  }
});

t.test('ustack symbolized from .gopclntab, PIE binaries included', async (t) => {
  if (!requireBpf(t)) return;
  for (const opts of [{}, { buildmode: 'pie' }]) {
    const bin = buildGo('latency', opts);
    const r = await runGotrace(['-e', 'uprobe:main.handle { @s[ustack] = count(); }', '-c', `${bin} -g 2 -n 3`]);
    t.equal(r.code, 0, r.stderr);
    // bpftrace's layout: the stack as a key, one frame a line.
    t.match(
      r.stdout,
      /^@s\[\n {8}main\.handle\+\d+\n {8}main\.main\.func1\+\d+\n(?: {8}\S+\n)*\]: 6$/m,
      `${opts.buildmode ?? 'exec'}: stack frames by name`,
    );
  }
});
