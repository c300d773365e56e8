// Issue #18 on real BPF: zero(), print(@m, N), tuples and histograms side by side with bpftrace
// (--bpftrace-text must give its very bytes); percentile lines and percentile() against values
// the script itself knows; Go floats, tuples and durations against the fixture's own fmt output.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

// Values chosen so that no two entries of a printed map tie (bpftrace lists ties in hash order).
const SIDE_BY_SIDE = `BEGIN {
  @c[1] = count(); @c[2] = count(); @c[2] = count(); @c[3] = count(); @c[3] = count(); @c[3] = count();
  @h = hist(5); @h = hist(100); @h = hist(3000);
  @s = stats(4); @s = stats(9);
  @z = count(); @z = count();
  @t[1] = (2, "ab"); @t[2] = (1, "cd");
  @v[1, "y"] = 2;
  print(@c, 2);
  print(@c, 1);
  zero(@z); zero(@h); zero(@s);
  print(@z); print(@h); print(@s);
  print((1, "z"));
  print(@t);
  exit();
}
`;

function script(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-agg18-'));
  const file = path.join(dir, 'x.bt');
  fs.writeFileSync(file, text);
  return file;
}

t.test('zero, print(@m, N), tuples and histograms: byte-identical to bpftrace with --bpftrace-text', async (t) => {
  if (!requireBpf(t)) return;
  const file = script(SIDE_BY_SIDE);
  const r = await runGotrace(['--bpftrace-text', file]);
  t.equal(r.code, 0, r.stderr);
  const b = spawnSync('bpftrace', [file], { encoding: 'utf8', timeout: 60_000 });
  t.equal(b.status, 0, `bpftrace ran (${b.stderr})`);
  // bpftrace writes "Attaching 1 probe..." on stdout (gotrace: stderr) and two blank lines
  // before the maps at exit, gotrace one (language.test.ts drops the same line).
  const theirs = b.stdout.replace(/^Attaching 1 probe\.\.\.\n/, '').replace(/\n\n\n(?=@c\[1\]: 1\n)/, '\n\n');
  t.equal(r.stdout, theirs, 'byte-identical');
  // What the comparison rests on, so that it cannot pass by both printing nothing.
  t.match(r.stdout, /^@c\[2\]: 2\n@c\[3\]: 3\n@c\[3\]: 3\n@z: 0\n/, 'top 2, top 1, then zero() kept the key');
  t.match(r.stdout, /\n\(1, z\)\n@t\[1\]: \(2, ab\)\n@t\[2\]: \(1, cd\)\n/);
  t.match(r.stdout, /@v\[1, y\]: 2\n/);
});

t.test('percentile line, stats p50/p99 and percentile() by default', async (t) => {
  if (!requireBpf(t)) return;
  const file = script(`BEGIN {
  @h = hist(1); @h = hist(2); @h = hist(3); @h = hist(1000);
  @k["a"] = hist(7); @k["b"] = hist(70); @k["b"] = hist(80);
  @l = lhist(5, 0, 10, 1); @l = lhist(5, 0, 10, 1); @l = lhist(9, 0, 10, 1);
  @s = stats(10); @s = stats(20); @s = stats(33);
  printf("%d %d %d %d\\n", percentile(@h, 50), percentile(@h, 100), percentile(@k["b"], 50), percentile(@l, 50));
  print(percentile(@s, 99));
  exit();
}`);
  const r = await runGotrace([file]);
  t.equal(r.code, 0, r.stderr);
  // Median of 1,2,3,1000 is 2, in [2, 4): shown as the bucket's top, 3; p100 is the exact max.
  // @k["b"]: 70, 80 in [64, 128), capped by the max 80; lhist step 1 is exact.
  t.match(r.stdout, /^3 1000 80 5\n33\n/);
  t.match(r.stdout, /\n\[512, 1K\) +1 \|@+ +\|\np50 \[2, 4\), p90 \[512, 1K\), p99 \[512, 1K\), max 1000\n/);
  t.match(r.stdout, /@k\[b\]: \n\[64, 128\) +2 \|@+\|\np50 \[64, 128\), p90 \[64, 128\), p99 \[64, 128\), max 80\n/);
  t.match(r.stdout, /\np50 \[5, 6\), p90 \[9, 10\), p99 \[9, 10\), max 9\n/, 'lhist');
  t.match(r.stdout, /@s: count 3, average 21, total 63, p50 31, p99 33\n/);
  const avg = await runGotrace([
    '--avg-decimals',
    '2',
    '-e',
    'BEGIN { @a = avg(10); @a = avg(21); @s = stats(1); @s = stats(2); exit(); }',
  ]);
  t.match(avg.stdout, /@a: 15\.50\n\n@s: count 2, average 1\.50, total 3, p50 1, p99 2\n/);
});

t.test('Go floats from memory, tuples of Go values and durations, as the fixture prints them', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('floats');
  const mine = `
uprobe:main.place { printf("place %v %v %v %.3f %s %d\\n", args.p.X, args.p.Y, args.p.W, args.p.X, str(args.p.Name), args.id); }
uprobe:main.manyFloats { printf("many %v %v\\n", args.p, args.q); @q = args.q; }
uprobe:main.run {
  printf("run %s %d\\n", (args.j.ID, str(args.j.Name)), args.j.Wait);
  printf("dur %D %D\\n", args.j.StartNs, args.d);
  @jobs[args.j.ID] = (args.j.ID, str(args.j.Name), args.p);
  @w = hist(args.j.Wait);
  @lat = hist(elapsed);
}
END { printf("p50 %d max %d\\n", percentile(@w, 50), percentile(@w, 100)); }`;
  const r = await runGotrace(['-e', mine.replace(', args.p);', ');'), '-c', bin]);
  t.equal(r.code, 0, r.stderr);
  const own = spawnSync(bin, { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const ours = r.stdout.split('\n');
  t.ok(own.length >= 10, 'the fixture printed its lines');
  for (const line of own) t.ok(ours.includes(line), `gotrace printed: ${line}`);
  t.match(r.stdout, /\n@jobs\[1\]: \(1, job0\)\n@jobs\[2\]: \(2, job1\)\n@jobs\[3\]: \(3, job2\)\n/);
  t.match(r.stdout, /\n@q: -0\.0625\n/);
  // time.Duration values are durations: labels in time units; the max is exact (4.5ms).
  t.match(
    r.stdout,
    /\n@w: \n\[1\.05ms, 2\.1ms\) +1 \|@+\|\n\[2\.1ms, 4\.19ms\) +1 \|@+\|\n\[4\.19ms, 8\.39ms\) +1 \|@+\|\np50 \[2\.1ms, 4\.19ms\), p90 \[4\.19ms, 8\.39ms\), p99 \[4\.19ms, 8\.39ms\), max 4\.5ms\n/,
  );
  t.match(r.stdout, /^p50 4194303 max 4500000$/m, "percentile(): the bucket's top, and the exact max");
  // elapsed: each call sleeps 1ms, so every bucket is at least [524us, 1.05ms).
  t.match(r.stdout, /\n@lat: \n\[(524us, 1\.05ms|1\.05ms, 2\.1ms|2\.1ms, 4\.19ms)\) /);
  const plain = await runGotrace(['--bpftrace-text', '-e', 'uprobe:main.run { @w = hist(args.j.Wait); }', '-c', bin]);
  t.match(
    plain.stdout,
    /\n@w: \n\[1M, 2M\) +1 \|@+\|\n\[2M, 4M\) +1 \|@+\|\n\[4M, 8M\) +1 \|@+\|\n\n$/,
    "--bpftrace-text: bpftrace's labels, no line",
  );
});
