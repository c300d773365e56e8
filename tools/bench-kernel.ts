// Kernel tracepoints: what a tracepoint probe costs the traced program, gotrace against bpftrace
// in the same run (not a test; needs root, BPF and bpftrace). The target makes one-byte write(2)
// calls to /dev/null in a loop and times them itself (test/fixtures/go/kwriteloop). Rows:
//   per call, untraced          the floor: a write(2) with nothing attached
//   per call, count() by goid   gotrace's `@[goid] = count()` (goid from the thread's g through
//                               TLS) against bpftrace's `@[tid] = count()` (bpftrace has no goid)
//   per call, other process     the probe fires for the target only (-p/-c): another process's
//                               writes pay the program's tgid check
//   attach+detach, N tracepoints `syscalls:sys_enter_*`: one perf-event link per tracepoint,
//                               each detach waits a grace period (the kernel's)
// Prints a Markdown table and writes it to bench/kernel.md (committed: a regression is a diff).
//   npx tsc -p tsconfig.json && node dist/tools/bench-kernel.js
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildGo, repoRoot } from '../test/helpers/go.js';

const gotrace = [process.execPath, path.join(repoRoot, 'bin', 'gotrace')];
const CALLS = 400_000;
const RUNS = 5;

/** ns per write(2) as the target measured it, the median of RUNS runs of `cmd` (the target's
 *  command line is its last element when traced). */
function nsPerCall(cmd: (target: string) => string[]): number {
  const target = `${buildGo('kwriteloop')} -n ${CALLS}`;
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(cmd(target)[0]!, cmd(target).slice(1), { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000 });
    const m = /ns_per_call=(\d+)/.exec(r.stdout);
    if (!m) throw new Error(`${cmd(target).join(' ')}: no figure (${r.status}): ${r.stderr.slice(-400)}`);
    xs.push(Number(m[1]));
  }
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

const untraced = (target: string) => target.split(' ');
const gotraceCount = (target: string) => [...gotrace, '-e', 'tracepoint:syscalls:sys_enter_write { @[goid] = count(); }', '-c', target];
const bpftraceCount = (target: string) => [
  'bpftrace',
  '-e',
  'tracepoint:syscalls:sys_enter_write /pid == cpid/ { @[tid] = count(); }',
  '-c',
  target,
];

/** ns per write(2) of the target while gotrace traces another process (a `sleep`): what the
 *  target filter costs everyone else. */
async function otherProcess(): Promise<number> {
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  const g = spawn(
    gotrace[0]!,
    [...gotrace.slice(1), '-e', 'tracepoint:syscalls:sys_enter_write { @n = count(); }', '-p', String(sleeper.pid)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let err = '';
      g.stderr!.on('data', (d) => ((err += d), /Attaching/.test(err) && resolve()));
      g.on('exit', () => reject(new Error(`gotrace -p ended: ${err}`)));
    });
    return nsPerCall(untraced);
  } finally {
    g.kill('SIGINT');
    sleeper.kill();
  }
}

/** Wall time of gotrace attaching every `syscalls:sys_enter_*` tracepoint, then detaching. */
function wildcard(): { ms: number; n: number } {
  const t0 = performance.now();
  const r = spawnSync(
    gotrace[0]!,
    [...gotrace.slice(1), '-e', 'tracepoint:syscalls:sys_enter_* { @n = count(); } interval:ms:100 { exit(); }'],
    {
      encoding: 'utf8',
      timeout: 600_000,
    },
  );
  const ms = performance.now() - t0;
  const n = Number(/Attaching (\d+) probes/.exec(r.stderr)?.[1] ?? 0) - 1;
  return { ms, n };
}

async function main(): Promise<void> {
  const floor = nsPerCall(untraced);
  const g = nsPerCall(gotraceCount);
  const b = nsPerCall(bpftraceCount);
  const other = await otherProcess();
  const w = wildcard();
  const rows = [
    '| measure | gotrace | bpftrace | note |',
    '|---|---|---|---|',
    `| per write(2), untraced | ${floor} ns | ${floor} ns | the target's own timing, median of ${RUNS} runs of ${CALLS} calls |`,
    `| per write(2), sys_enter_write count() | ${g} ns (+${g - floor}) | ${b} ns (+${b - floor}) | gotrace keys by goid (thread's g via TLS), bpftrace by tid |`,
    `| per write(2) of another process, while -p traces one | ${other} ns (+${other - floor}) | - | the program runs and its tgid check refuses the event |`,
    `| attach+detach, syscalls:sys_enter_* (${w.n} tracepoints) | ${w.ms.toFixed(0)} ms | - | the kernel waits a grace period per tracepoint detached |`,
  ];
  const text = `# Kernel tracepoints\n\n${rows.join('\n')}\n\n${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs, Linux ${os.release()}, \`node dist/tools/bench-kernel.js\`\n`;
  process.stdout.write(text);
  fs.writeFileSync(path.join(repoRoot, 'bench', 'kernel.md'), text);
}

await main();
