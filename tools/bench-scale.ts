// Probing at scale, gotrace against bpftrace in the same run on the same targets (not a test;
// needs root, BPF and bpftrace). Targets are programs of N generated functions
// (tools/gen-many.ts), built once under .gotrace-build/bench/. Rows:
//   start-up        `BEGIN { exit(); }`: process start to attached and back out
//   attach+detach N a wildcard over N functions, minus that tool's start-up
//   per hit         ns added to each call of one function (target's own timing) by an empty
//                   probe (the floor), count(), elapsed and printf
//   printf          events a second from a 1,000,000-call loop, and how many were lost
//   peak RSS        of the 3,000-function run
// Prints a Markdown table and writes it to bench/scale.md (committed: a regression is a diff).
// bpftrace over 3,000 functions takes minutes (one perf-event link per site): BENCH_FULL=1.
//   npx tsc -p tsconfig.json && node dist/tools/bench-scale.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../test/helpers/go.js';
import { deliveryRows } from './bench-delivery.js';
import { manyTarget as target } from './gen-many.js';

const gotrace = [process.execPath, path.join(repoRoot, 'bin', 'gotrace')];

interface Run {
  ms: number;
  rssMb: number;
  stdout: string;
  stderr: string;
}

/** One run under /usr/bin/time: wall ms and peak RSS. */
function run(cmd: string[]): Run {
  const tf = path.join(os.tmpdir(), `gotrace-bench-${process.pid}.time`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', tf, ...cmd], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 900_000 });
  const ms = performance.now() - t0;
  const rss = Number(fs.readFileSync(tf, 'utf8').trim().split('\n').pop()) / 1024;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr.slice(-600)}`);
  return { ms, rssMb: rss, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function medianRun(cmd: string[], times: number): Run {
  const runs = Array.from({ length: times }, () => run(cmd));
  return runs.sort((a, b) => a.ms - b.ms)[Math.floor(times / 2)];
}

const tools = {
  gotrace: (script: string, extra: string[] = []) => [...gotrace, ...extra, '-e', script],
  bpftrace: (script: string, extra: string[] = []) => ['bpftrace', ...extra, '-e', script],
};
type Tool = keyof typeof tools;

interface Row {
  what: string;
  gotrace: string;
  bpftrace: string;
  ratio: string;
  goal?: string;
}

const fmt = (x: number, unit: string) => `${x >= 100 ? x.toFixed(0) : x.toFixed(2)} ${unit}`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');

function startup(tool: Tool): number {
  return medianRun(tools[tool]('BEGIN { exit(); }'), 5).ms;
}

function attachDetach(tool: Tool, n: number, base: number): { ms: number; rssMb: number } {
  const bin = target(n);
  const cmd = tools[tool](`uprobe:${bin}:main.F* { @c = count(); } BEGIN { exit(); }`);
  // gotrace's first run of a script compiles it (clang); the figure is for the cached object.
  if (tool === 'gotrace') run(cmd);
  const r = run(cmd);
  return { ms: r.ms - base, rssMb: r.rssMb };
}

/** ns/call of F0001 in a loop of `calls`, under `script` (or untraced). */
function perCall(tool: Tool | undefined, script: string, calls: number): { ns: number; lost: number; lines: number } {
  const bin = target(30);
  const cmd = `${bin} loop ${calls}`;
  const r = tool ? run(tools[tool](script.replace('uprobe:', `uprobe:${bin}:`), ['-c', cmd])) : run([bin, 'loop', String(calls)]);
  const m = /ns_per_call ([\d.]+)/.exec(r.stdout);
  if (!m) throw new Error(`no timing in ${r.stdout.slice(0, 300)}`);
  const lost = Number(/Lost (\d+) events/.exec(r.stderr)?.[1] ?? 0);
  return { ns: Number(m[1]), lost, lines: r.stdout.split('\n').filter((l) => /^x \d+$/.test(l)).length };
}

let startupBase: { gotrace: number; bpftrace: number } | undefined;

/** The start-up row; the base each attach+detach row subtracts. */
function startupRows(rows: Row[]): { gotrace: number; bpftrace: number } {
  // The figure is for a warm start (gotrace's first run of a script compiles it with clang).
  if (!startupBase) run(tools.gotrace('BEGIN { exit(); }'));
  const base = (startupBase ??= { gotrace: startup('gotrace'), bpftrace: startup('bpftrace') });
  rows.push({
    what: 'start-up to attached and out (BEGIN { exit(); })',
    gotrace: fmt(base.gotrace, 'ms'),
    bpftrace: fmt(base.bpftrace, 'ms'),
    ratio: ratio(base.gotrace, base.bpftrace),
    goal: '≤ 0.6x',
  });
  return base;
}

function attachRows(rows: Row[], base: { gotrace: number; bpftrace: number }): void {
  const full = process.env.BENCH_FULL === '1';
  let rss3000 = 0;
  for (const n of [30, 480, 3000]) {
    const g = attachDetach('gotrace', n, base.gotrace);
    if (n === 3000) rss3000 = g.rssMb;
    const b = n < 3000 || full ? attachDetach('bpftrace', n, base.bpftrace).ms : NaN;
    rows.push({
      what: `attach+detach, ${n} functions`,
      gotrace: fmt(g.ms, 'ms'),
      bpftrace: Number.isNaN(b) ? 'not run (BENCH_FULL=1)' : fmt(b, 'ms'),
      ratio: Number.isNaN(b) ? '-' : ratio(g.ms, b),
      goal: n === 480 ? '≤ 0.05x' : undefined,
    });
  }
  rows.push({ what: 'peak RSS, 3,000-function wildcard', gotrace: fmt(rss3000, 'MB'), bpftrace: '-', ratio: '-', goal: '≤ 150 MB' });
}

function perHitRows(rows: Row[]): void {
  const calls = 2_000_000;
  const bare = median([1, 2, 3].map(() => perCall(undefined, '', calls).ns));
  const hit = (tool: Tool, script: string) => perCall(tool, script, calls).ns - bare;
  const floor = hit('bpftrace', 'uprobe:main.F0001 {}');
  rows.push({
    // N.B. the label stays the same from run to run: rows are merged with the last run's by it.
    what: 'per hit, empty uprobe (floor)',
    gotrace: fmt(hit('gotrace', 'uprobe:main.F0001 {}'), 'ns'),
    bpftrace: fmt(floor, 'ns'),
    ratio: `- (untraced call ${bare} ns)`,
  });
  const count = { g: hit('gotrace', 'uprobe:main.F0001 { @c = count(); }'), b: hit('bpftrace', 'uprobe:main.F0001 { @c = count(); }') };
  rows.push({
    what: 'per hit, count()',
    gotrace: fmt(count.g, 'ns'),
    bpftrace: fmt(count.b, 'ns'),
    ratio: `${ratio(count.g, count.b)} (gotrace/floor ${ratio(count.g, floor)})`,
    goal: '≤ 1.10x floor',
  });
  const el = hit('gotrace', 'uprobe:main.F0001 < @e = sum(elapsed) >');
  rows.push({
    what: 'per hit, elapsed (entry + RET; bpftrace needs uretprobe: not run)',
    gotrace: fmt(el, 'ns'),
    bpftrace: '-',
    ratio: `gotrace/floor ${ratio(el, floor)}`,
  });
  const pcalls = 1_000_000;
  const pf = (tool: Tool) => perCall(tool, 'uprobe:main.F0001 { printf("x %d\\n", arg0); }', pcalls);
  const pg = pf('gotrace');
  const pb = pf('bpftrace');
  const rate = (p: { ns: number }) => 1e9 / (p.ns + 0.001);
  rows.push({
    what: `per hit, printf`,
    gotrace: fmt(pg.ns - bare, 'ns'),
    bpftrace: fmt(pb.ns - bare, 'ns'),
    ratio: ratio(pg.ns - bare, pb.ns - bare),
  });
  rows.push({
    what: `printf events/s, ${pcalls} calls (printed / lost)`,
    gotrace: `${fmt(rate(pg), '/s')} (${pg.lines} / ${pg.lost})`,
    bpftrace: `${fmt(rate(pb), '/s')} (${pb.lines} / ${pb.lost})`,
    ratio: ratio(rate(pg), rate(pb)),
    goal: 'none lost',
  });
}

/** The row groups; BENCH_ROWS=startup,attach,perhit,delivery runs some (the others keep the
 *  figures of bench/scale.md's previous run). */
const GROUPS: Record<string, (rows: Row[]) => void> = {
  startup: (rows) => startupRows(rows),
  attach: (rows) => attachRows(rows, startupRows([])),
  perhit: perHitRows,
  delivery: (rows) => rows.push(...deliveryRows(target(30))),
};

const tableFile = path.join(repoRoot, 'bench', 'scale.md');

/** The previous run's rows, by measure. */
function previousRows(): Map<string, string> {
  const out = new Map<string, string>();
  const text = fs.existsSync(tableFile) ? fs.readFileSync(tableFile, 'utf8') : '';
  for (const line of text.split('\n')) {
    const what = /^\| ([^|]+) \|/.exec(line)?.[1];
    if (what && what !== 'measure' && !what.startsWith('---')) out.set(what, line);
  }
  return out;
}

function main(): void {
  const pick = (process.env.BENCH_ROWS ?? Object.keys(GROUPS).join(',')).split(',');
  const rows: Row[] = [];
  for (const g of Object.keys(GROUPS)) if (pick.includes(g)) GROUPS[g](rows);
  const fresh = new Map(rows.map((r) => [r.what, `| ${r.what} | ${r.gotrace} | ${r.bpftrace} | ${r.ratio} | ${r.goal ?? ''} |`]));
  // A full run replaces the table; a partial one keeps the other rows of the last run.
  const lines = pick.length === Object.keys(GROUPS).length ? fresh : new Map([...previousRows(), ...fresh]);
  const head = `| measure | gotrace | bpftrace | ratio | goal |\n|---|---|---|---|---|\n`;
  const table = head + [...lines.values()].join('\n') + '\n';
  const runOf = pick.length === Object.keys(GROUPS).length ? '' : ` (this run: ${pick.join(', ')}; other rows from the run before)`;
  const note = `\n${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs, Linux ${os.release()}, \`node dist/tools/bench-scale.js\`${runOf}\n`;
  process.stdout.write(table + note);
  fs.mkdirSync(path.dirname(tableFile), { recursive: true });
  fs.writeFileSync(tableFile, `# Probing at scale\n\n${table}${note}`);
}

main();
