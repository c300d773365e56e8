#!/usr/bin/env node
// `npm run demo`: what gotrace is for, on one screen. It builds the bundled Go demo server (100
// worker goroutines on 2 threads handling requests for ~3 s) and traces main.handle once with
// the card's one-liner plus a few maps, then shows: the one-liner's output, the latency
// histogram, the slowest goroutines, and what a tracer keyed by thread would have reported,
// measured in the same run:
//   - the threads the calls ran on (@threads), against the goroutines (@goroutines);
//   - how many returns came on a thread whose last entry was another goroutine's
//     (@mispaired): a tracer storing @start[tid] at entry pairs those with the wrong call;
//   - the average such a thread-keyed tracer computes (@by_thread), against gotrace's.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'test', 'fixtures', 'go', 'demo');
const bin = path.join(root, 'test', 'fixtures', 'go', 'bin', 'demo');

const ONE_LINER = 'uprobe:main.handle < @lat[goid] = elapsed >';
const PROGRAM = `${ONE_LINER}
uprobe:main.handle < @latency = hist(elapsed); @slowest[goid] = max(elapsed); @calls[goid] = count();
                     @goroutines[goid] = 1; @threads[tid] = 1; @avg = avg(elapsed) >
uprobe:main.handle { @last_on_thread[tid] = goid; @start[tid] = nsecs; }
uretprobe:main.handle /@last_on_thread[tid] != goid/ { @mispaired = count(); }
uretprobe:main.handle /@start[tid] != 0/ { @by_thread = avg(nsecs - @start[tid]); }`;

function build() {
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const stale = !fs.existsSync(bin) || fs.statSync(path.join(src, 'main.go')).mtimeMs > fs.statSync(bin).mtimeMs;
  if (!stale) return;
  process.stderr.write('demo: building the Go demo program\n');
  execFileSync('go', ['build', '-o', bin, '.'], {
    cwd: src,
    stdio: 'inherit',
    env: { ...process.env, GO111MODULE: 'off', CGO_ENABLED: '0' },
  });
}

/** The text output's maps: name -> lines (a histogram's lines, or `key: value` entries). */
function parseMaps(text) {
  const maps = new Map();
  let current;
  for (const line of text.split('\n')) {
    const m = /^(@\w+)(?:\[(.*)\])?: ?(.*)$/.exec(line);
    if (m) {
      current = maps.get(m[1]) ?? { entries: [], hist: [] };
      maps.set(m[1], current);
      if (m[3] !== '') current.entries.push({ key: m[2], value: Number(m[3]) });
    } else if (current && /^[[(]/.test(line)) current.hist.push(line);
    else if (line === '') current = undefined;
  }
  return maps;
}

const ms = (ns) => `${(ns / 1e6).toFixed(1)} ms`;
const entries = (maps, name) => maps.get(name)?.entries ?? [];
const total = (maps, name) => entries(maps, name).reduce((s, e) => s + e.value, 0);

function screen(maps, rel) {
  const lat = entries(maps, '@lat');
  const calls = new Map(entries(maps, '@calls').map((e) => [e.key, e.value]));
  const slowest = [...entries(maps, '@slowest')].sort((a, b) => b.value - a.value).slice(0, 5);
  const n = total(maps, '@calls');
  const goroutines = entries(maps, '@goroutines').length;
  const threads = entries(maps, '@threads').length;
  const mispaired = total(maps, '@mispaired');
  const out = [
    `$ gotrace -e '${ONE_LINER}' -c ${rel}`,
    ...lat.slice(0, 4).map((e) => `@lat[${e.key}]: ${e.value}`),
    `... ${lat.length} lines: each goroutine's last call of main.handle, in ns`,
    '',
    `The same run, over all ${n} calls: latency of main.handle (ns)`,
    ...(maps.get('@latency')?.hist ?? []),
    '',
    'The slowest goroutines (their slowest call):',
    ...slowest.map((e) => `  goroutine ${String(e.key).padEnd(5)} ${ms(e.value).padStart(9)}  of ${calls.get(e.key)} calls`),
    '',
    `A tracer keyed by thread would have seen ${threads} threads, not ${goroutines} goroutines: ${mispaired} of the`,
    `${n} returns (${((100 * mispaired) / Math.max(n, 1)).toFixed(1)}%) came on a thread whose last entry was another goroutine's, so @start[tid]`,
    `pairs them with the wrong call, and its average latency reads ${ms(total(maps, '@by_thread'))} instead of ${ms(total(maps, '@avg'))}.`,
  ];
  return out.join('\n') + '\n';
}

build();
if (process.getuid && process.getuid() !== 0) {
  process.stderr.write('demo: tracing needs root (BPF and uprobes): run `sudo npm run demo`\n');
  process.exit(1);
}
const rel = path.relative(process.cwd(), bin) || bin;
process.stderr.write(`demo: tracing ${rel} (100 goroutines on 2 threads) for about 3 s...\n`);
// --bpftrace-text: the screen reads the histogram's rows in bpftrace's nanosecond labels.
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'gotrace'), '--bpftrace-text', '-e', PROGRAM, '-c', bin], {
  encoding: 'utf8',
});
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(r.status ?? 1);
}
const maps = parseMaps(r.stdout);
if (!maps.get('@latency')) {
  process.stderr.write(`demo: gotrace printed no histogram:\n${r.stdout}${r.stderr}`);
  process.exit(1);
}
process.stdout.write(screen(maps, rel));
