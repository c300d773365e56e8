// REPL latency benchmark (not a test; needs root and BPF): from a probe typed at the prompt to
// "probe N attached", through the REPL's streams, against the ticker fixture (-p).
//   first   the session's first probe with an empty compile cache (binary tables, DWARF, clang)
//   cold    a new probe text, binary already open, empty cache entry (clang runs)
//   warm    a probe text seen before (the object comes from the cache), retyped after .detach
// Target (issue #11): ≤ 100 ms median, elapsed probes included. Run:
//   npx tsc -p tsconfig.json && node dist/tools/bench-repl.js
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { buildGo, repoRoot } from '../test/helpers/go.js';
import { trustedTempDir } from '../test/helpers/tmp.js';
import { startRepl } from '../runtime/repl/server.js';
import { Target } from '../runtime/target.js';

const COLD_RUNS = 5;
const WARM_RUNS = 20;

async function main(): Promise<void> {
  const bin = buildGo('ticker');
  const ticker = spawn(bin, ['-every', '1ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => ticker.stdout!.once('data', () => resolve()));
  const cache = trustedTempDir('gotrace-bench-cache-');
  process.env.GOTRACE_CACHE = cache;

  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.setEncoding('utf8');
  output.on('data', (d: string) => (text += d));
  const session = startRepl({ input, output, target: Target.open({ pid: ticker.pid! }) });

  /** ms from writing the line to `re` appearing in the output. */
  const typed = (line: string, re: RegExp): Promise<number> =>
    new Promise((resolve, reject) => {
      const from = text.length;
      const t0 = performance.now();
      const check = () => {
        const s = text.slice(from);
        if (re.test(s)) {
          output.off('data', check);
          resolve(performance.now() - t0);
        } else if (/ERROR/.test(s)) reject(new Error(s));
      };
      output.on('data', check);
      input.write(line + '\n');
    });

  const attach = async (probe: string) => {
    const ms = await typed(probe, /probe \d+ attached/);
    await typed('.detach all', /detached/);
    return ms;
  };
  try {
    const first = await attach('uprobe:main.tick { @first = count(); }');
    const cold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) cold.push(await attach(`uprobe:main.tick { @cold${i}[arg0] = count(); }`));
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await attach('uprobe:main.tick { @cold0[arg0] = count(); }'));
    // elapsed: an entry program and a return program (every RET), still one link each.
    const elCold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) elCold.push(await attach(`uprobe:main.tick < @el${i} = hist(elapsed) >`));
    const elWarm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) elWarm.push(await attach('uprobe:main.tick < @el0 = hist(elapsed) >'));
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
      return `median ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} runs)`;
    };
    const lines = [
      `typed probe -> attached, the ticker fixture (-p), ${os.cpus().length} CPUs, Linux ${os.release()}`,
      `first probe of the session, empty cache: ${first.toFixed(1)} ms`,
      `cold cache (clang runs):                 ${stats(cold)}`,
      `warm cache:                              ${stats(warm)}`,
      `elapsed probe, cold cache (clang runs):  ${stats(elCold)}`,
      `elapsed probe, warm cache:               ${stats(elWarm)}`,
    ];
    console.log(lines.join('\n'));
    // Committed beside bench/scale.md: a regression shows as a diff.
    const note = `${new Date().toISOString().slice(0, 10)}, \`node dist/tools/bench-repl.js\` (goal: ≤ 100 ms median, elapsed included)`;
    fs.writeFileSync(
      path.join(repoRoot, 'bench', 'repl.md'),
      `# REPL: typed probe to attached\n\n    ${lines.join('\n    ')}\n\n${note}\n`,
    );
  } finally {
    input.end();
    await session.done;
    ticker.kill('SIGKILL');
    console.log(`objects compiled into the cache: ${fs.readdirSync(cache).filter((f) => f.endsWith('.obj')).length}`);
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(`${cache}.key`, { force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
