// Call graphs at scale (not a test; needs root and BPF): `--graph` over N functions of the
// generated target (tools/gen-many.ts), from gotrace's start to the first tree printed and out
// (--max-trees 1), minus gotrace's own start-up (BEGIN { exit(); }). The graph's script has two
// blocks per group of functions, each one uprobe_multi link, so N functions attach in one
// link per block whatever N. Compiled once first: the figure is for the cached object.
// Prints a Markdown table and writes it to bench/graph.md.
//   npx tsc -p tsconfig.json && node dist/tools/bench-graph.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../test/helpers/go.js';
import { manyTarget as target } from './gen-many.js';

const gotrace = [process.execPath, path.join(repoRoot, 'bin', 'gotrace')];

function ms(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(gotrace[0], [...gotrace.slice(1), ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`gotrace ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-600)}`);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const base = median([1, 2, 3].map(() => ms(['-e', 'BEGIN { exit(); }'])));
  const rows: string[] = [];
  for (const n of [30, 480, 3000]) {
    const bin = target(n);
    const args = ['--graph', 'main.F0001', '--under', 'main.F*', '--max-trees', '1', '-c', `${bin} loop 100000000`];
    ms(args);
    const t = median([1, 2, 3].map(() => ms(args))) - base;
    rows.push(`| --graph over ${n} functions: to the first tree and out | ${t.toFixed(0)} ms |`);
  }
  const table = `| measure | gotrace |\n|---|---|\n${rows.join('\n')}\n`;
  const note = `\nminus start-up (${base.toFixed(0)} ms); ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs, Linux ${os.release()}, \`node dist/tools/bench-graph.js\`\n`;
  process.stdout.write(table + note);
  fs.mkdirSync(path.join(repoRoot, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, 'bench', 'graph.md'), `# Call graphs at scale\n\n${table}${note}`);
}

main();
