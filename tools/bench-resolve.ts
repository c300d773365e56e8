// Times what `gotrace` does with a target binary before anything is loaded
// into the kernel, each case in a fresh node process (so caches and the
// heap start cold, as they do for a user):
//   resolve  GoBinary.open + findFunctions(exact name) + probeSites + gLayout
//            + (with DWARF) functionAbi (DWARF parameters + ABI assignment)
//   list     GoBinary.open + listFunctions('uprobe:runtime.*', verbose)
//
//   npx tsc -p tsconfig.json && node dist/tools/bench-resolve.js [dwarf-binary [stripped-binary]]
//
// Each case runs RUNS times (env GOTRACE_BENCH_RUNS, default 5). The best
// run is what the code costs, and what is held against the targets; the
// median shows what a busy machine adds (load average printed too).
//
// Without arguments it uses two large binaries: Go's own compiler built with
// DWARF (`go build cmd/compile`, ~24 MB with the local Go 1.19), and buf, a
// 47 MB stripped Go 1.27 release binary from the npm package
// @bufbuild/buf-linux-x64 (fetched once into ~/.cache/gotrace). Prints
// milliseconds (the work, and the whole process with node's start and
// module loading, iced-x86's WebAssembly mostly) and peak RSS per case;
// the targets are 300 ms of work and 150 MB.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoBinary } from '../compiler/go/binary.js';
import { listFunctions } from '../runtime/list.js';
import { npmGoBinary } from '../test/compiler/go/npm-binaries.js';

const RUNS = Math.max(1, Number(process.env.GOTRACE_BENCH_RUNS ?? 5));
const MS_TARGET = 300;
const MB_TARGET = 150;

interface Case {
  label: string;
  binary: string;
  kind: 'resolve' | 'list';
  arg: string;
}

interface Result {
  ms: number;
  note: string;
}

function compileWithDwarf(): string {
  const out = path.join(os.tmpdir(), 'gotrace-bench-compile');
  if (!fs.existsSync(out)) {
    console.log(`building cmd/compile into ${out} ...`);
    execFileSync('go', ['build', '-o', out, 'cmd/compile'], { stdio: 'inherit' });
  }
  return out;
}

function strippedBuf(): string {
  return npmGoBinary({ pkg: '@bufbuild/buf-linux-x64', version: '1.75.0', bin: 'package/bin/buf', goVersion: 'go1.27.3' });
}

/** The work of one case, run in the child process. */
function run(kind: Case['kind'], binary: string, arg: string): Result {
  const t0 = performance.now();
  const bin = GoBinary.open(binary);
  if (kind === 'resolve') {
    const fns = bin.findFunctions(arg);
    if (fns.length !== 1) throw new Error(`${arg}: ${fns.length} functions`);
    const fn = fns[0]!;
    const sites = bin.probeSites(fn);
    const g = bin.gLayout();
    const abi = bin.hasDwarf ? bin.functionAbi(fn) : undefined;
    const ms = performance.now() - t0;
    const params = abi ? `${abi.values.length} params/results` : 'no DWARF';
    return { ms, note: `entry +0x${(sites.entrySite - fn.entry).toString(16)}, goid@${g.goidOffset} (${g.source}), ${params}` };
  }
  const lines = listFunctions(bin, arg, true);
  const ms = performance.now() - t0;
  return { ms, note: `${lines.filter((l) => !l.startsWith(' ')).length} probes, ${lines.length} lines` };
}

function child(): void {
  const [, , , kind, binary, arg] = process.argv;
  const r = run(kind as Case['kind'], binary!, arg!);
  process.stdout.write(JSON.stringify({ ...r, rssMB: process.resourceUsage().maxRSS / 1024 }));
}

function main(): void {
  const targets = process.argv.slice(2);
  const dwarfBin = targets[0] ?? compileWithDwarf();
  const strippedBin = targets[1] ?? strippedBuf();
  const cases: Case[] = [];
  for (const binary of [dwarfBin, strippedBin]) {
    const bin = GoBinary.open(binary);
    const mb = (fs.statSync(binary).size / 1e6).toFixed(1);
    const name = `${path.basename(binary)} (${mb} MB, ${bin.goVersion ?? 'go?'}, ${bin.hasDwarf ? 'DWARF' : 'stripped'})`;
    // A function late in the binary (DWARF units are read in order until
    // the name is found) and main.main.
    const late = bin.functions().filter((f) => !f.name.startsWith('runtime.') && !f.name.startsWith('type.') && !f.name.includes('.func'));
    const lateName = late[Math.floor(late.length * 0.9)]!.name;
    bin.close();
    cases.push({ label: `${name}: resolve main.main`, binary, kind: 'resolve', arg: 'main.main' });
    cases.push({ label: `${name}: resolve ${lateName}`, binary, kind: 'resolve', arg: lateName });
    cases.push({ label: `${name}: -lv uprobe:runtime.*`, binary, kind: 'list', arg: 'uprobe:runtime.*' });
  }
  const self = fileURLToPath(import.meta.url);
  let over = 0;
  for (const c of cases) {
    const runs: (Result & { rssMB: number; wall: number })[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [self, '--child', c.kind, c.binary, c.arg], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const wall = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${c.label}: ${r.stderr}`);
      runs.push({ ...(JSON.parse(r.stdout) as Result & { rssMB: number }), wall });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const best = Math.min(...runs.map((r) => r.ms));
    const ms = median(runs.map((r) => r.ms));
    const wall = Math.min(...runs.map((r) => r.wall));
    const rss = Math.max(...runs.map((r) => r.rssMB));
    const bad = best > MS_TARGET || rss > MB_TARGET;
    if (bad) over++;
    console.log(`${c.label}`);
    console.log(
      `    ${best.toFixed(0).padStart(5)} ms work (median ${ms.toFixed(0)})  ${wall.toFixed(0).padStart(5)} ms whole process  ${rss.toFixed(0).padStart(4)} MB peak RSS  ${bad ? 'OVER TARGET  ' : ''}(${runs[0]!.note})`,
    );
  }
  console.log(
    `targets: ${MS_TARGET} ms of work (best of ${RUNS}), ${MB_TARGET} MB peak RSS: ${over === 0 ? 'all met' : `${over} over`}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
  );
  if (over > 0) process.exitCode = 1;
}

if (process.argv[2] === '--child') child();
else main();
