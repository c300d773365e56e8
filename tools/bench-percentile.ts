// percentile() computed in BPF (bpf-templates/percentile.bpf.h): what one use costs the traced
// program, per call of the probed function (not a test; needs root and BPF). The target calls
// record(v) then check(v) for v = 1..N and times its loop itself (test/fixtures/go/pctl -time);
// every traced row has `@h = hist(args.v)` (or lhist) on record. Rows:
//   untraced                      the floor: the loop with nothing attached
//   hist() only                   the histogram on record, nothing on check
//   + count() on check            a probe on check that does little: the uprobe's own cost
//   + percentile(hist) on check   `@p = percentile(@h, 99)`: 66 log2 buckets read twice on
//                                 every CPU (so it grows with the CPUs: this machine's are said)
//   + percentile in a predicate   `/percentile(@h, 99) > 1000/ { @n = count(); }`
//   + percentile(lhist 1000)      `lhist(args.v, 0, 100000, 100)`: 1,002 buckets
// The cost of a percentile() is its row minus the count() row. Prints a Markdown table and
// writes it to bench/percentile.md (committed: a regression is a diff).
//   npx tsc -p tsconfig.json && node dist/tools/bench-percentile.js
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildGo, repoRoot } from '../test/helpers/go.js';

const gotrace = [process.execPath, path.join(repoRoot, 'bin', 'gotrace')];
const CALLS = 20_000;
const RUNS = 5;

/** ns per (record, check) pair as the target measured it, the median of RUNS runs, traced by
 *  `script` (untraced without one). */
function nsPerCall(script?: string): number {
  const target = `${buildGo('pctl')} -time -n ${CALLS}`;
  const cmd = script ? [...gotrace, '-e', script, '-c', target] : target.split(' ');
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000 });
    const m = /ns_per_call=(\d+)/.exec(r.stdout);
    if (!m) throw new Error(`${cmd.join(' ')}: no figure (${r.status}): ${r.stderr.slice(-400)}`);
    xs.push(Number(m[1]));
  }
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

const HIST = 'uprobe:main.record { @h = hist(args.v); }';
const LHIST = 'uprobe:main.record { @h = lhist(args.v, 0, 100000, 100); }';
// END clears the maps: printing 20,000 values is not what is measured.
const END = ' END { clear(@h); }';
const ROWS: [string, string | undefined][] = [
  ['untraced', undefined],
  ['hist() only', HIST + END],
  ['+ count() on check', HIST + ' uprobe:main.check { @n = count(); }' + END],
  ['+ percentile(hist) on check', HIST + ' uprobe:main.check { @p = percentile(@h, 99); }' + END],
  ['+ percentile in a predicate', HIST + ' uprobe:main.check /percentile(@h, 99) > 1000/ { @n = count(); }' + END],
  ['+ percentile(lhist 1000) on check', LHIST + ' uprobe:main.check { @p = percentile(@h, 99); }' + END],
];

const lines = [
  `percentile() in BPF, ns per (record, check) pair of test/fixtures/go/pctl (${CALLS} pairs, median of ${RUNS} runs),`,
  `on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Linux ${os.release()}, load average ${os.loadavg()[0]!.toFixed(1)} at the start;`,
  'node dist/tools/bench-percentile.js. N.B. on a loaded machine the rows differ by more than a percentile costs: compare runs on a quiet one.',
  '',
  '| row | ns per pair |',
  '|---|---|',
];
for (const [name, script] of ROWS) lines.push(`| ${name} | ${nsPerCall(script)} |`);
const table = lines.join('\n') + '\n';
process.stdout.write(table);
fs.mkdirSync(path.join(repoRoot, 'bench'), { recursive: true });
fs.writeFileSync(path.join(repoRoot, 'bench', 'percentile.md'), table);
