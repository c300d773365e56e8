// The cost of each go: probe (not a test; needs root and BPF): a workload that times its own
// runtime events (test/fixtures/go/gobench) runs untraced, then under each probe with a count()
// block; a row gives the nanoseconds the probe adds to one event and the runtime functions it
// hooks, with how hot they are (compiler/go/goruntime.ts). Writes bench/goprov.md.
//   npx tsc -p tsconfig.json && node dist/tools/bench-goprov.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GO_HOOKS, GO_PROBES } from '../compiler/go/goruntime.js';
import { buildGo, repoRoot } from '../test/helpers/go.js';

const gotrace = [process.execPath, path.join(repoRoot, 'bin', 'gotrace')];
const RUNS = 3;

type Costs = Record<string, number>;

/** "name ns" lines of the workload, the median of RUNS runs each. */
function measure(cmd: string[]): Costs {
  const runs: Costs[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.slice(-400)}`);
    runs.push(Object.fromEntries([...r.stdout.matchAll(/^(\w+) (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])])));
  }
  const out: Costs = {};
  for (const k of Object.keys(runs[0]!)) out[k] = runs.map((c) => c[k]!).sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  return out;
}

/** The loop of the workload each probe fires in. */
const LOOP: Record<string, string> = {
  goroutine_create: 'spawn',
  goroutine_exit: 'spawn',
  sched_run: 'spawn',
  block: 'pingpong',
  unblock: 'pingpong',
  gc_start: 'gc',
  gc_done: 'gc',
  stw_start: 'gc',
  stw_done: 'gc',
  panic: 'panic',
};

function main(): void {
  const bin = buildGo('gobench');
  const base = measure([bin]);
  const rows = ['| probe | hooks (how hot) | event | untraced ns | traced ns | added ns |', '|---|---|---|---|---|---|'];
  for (const p of GO_PROBES) {
    const loop = LOOP[p.name]!;
    const traced = measure([...gotrace, '-e', `go:${p.name} { @n = count(); }`, '-c', bin]);
    const hooks = [...new Set(p.hooks)].map((h) => `${GO_HOOKS[h].func} (${GO_HOOKS[h].heat})`).join('; ');
    rows.push(`| go:${p.name} | ${hooks} | ${loop} | ${base[loop]} | ${traced[loop]} | ${traced[loop]! - base[loop]!} |`);
    process.stdout.write(rows[rows.length - 1] + '\n');
  }
  const md = [
    '# go: probes: cost per runtime event',
    '',
    'spawn: a goroutine created, run and exited; pingpong: a channel round trip (two parks and',
    'wake-ups); gc: a forced GC cycle; panic: a panic and its recover. GOMAXPROCS 1, median of 3',
    'runs. A uprobe hit costs ~25 us on this machine (bench/scale.md): the rows are that cost',
    "times the hits a probe's hooks take per event.",
    '',
    ...rows,
    '',
    `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs, Linux ${os.release()}, \`node dist/tools/bench-goprov.js\``,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(repoRoot, 'bench', 'goprov.md'), md);
}

main();
