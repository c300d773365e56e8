// bench-scale's event-delivery rows (not a test; needs root, BPF and bpftrace):
//   mallocgc printf  a printf on every runtime.mallocgc of a program that allocates
//                    1,300,000 times (issue #11's case): lines printed and events lost, gotrace
//                    and bpftrace on the same program in the same run
//   scrape overhead  per-hit cost and lost events of a count()+hist()+printf probe, with
//                    Prometheus-style scrapes of /metrics every second against none (#16)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../test/helpers/go.js';

const gotrace = [process.execPath, path.join(repoRoot, 'bin', 'gotrace')];
const ALLOCS = 1_300_000;

const ALLOC_GO = `// Allocates N small objects one by one (each a runtime.mallocgc call) and says how many.
package main

import (
\t"fmt"
\t"os"
\t"strconv"
)

var sink []byte

func main() {
\tn, _ := strconv.Atoi(os.Args[1])
\tfor i := 0; i < n; i++ {
\t\tsink = make([]byte, 16+i%64)
\t}
\tfmt.Printf("allocs %d\\n", n)
}
`;

function allocTarget(): string {
  const dir = path.join(repoRoot, '.gotrace-build', 'bench', 'alloc');
  const bin = path.join(dir, 'alloc');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.go'), ALLOC_GO);
  execFileSync('go', ['build', '-o', bin, '.'], { cwd: dir, env: { ...process.env, GO111MODULE: 'off', CGO_ENABLED: '0' } });
  return bin;
}

interface Out {
  stdout: string;
  stderr: string;
  ms: number;
}

function exec(cmd: string[]): Out {
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 900_000 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${r.stderr.slice(-600)}`);
  return { stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

const lostIn = (stderr: string) => Number(/Lost (\d+) events/.exec(stderr)?.[1] ?? 0);
const lines = (stdout: string, re: RegExp) => stdout.split('\n').filter((l) => re.test(l)).length;

export interface DeliveryRow {
  what: string;
  gotrace: string;
  bpftrace: string;
  ratio: string;
  goal?: string;
}

/** A printf per runtime.mallocgc: printed and lost, for each tool. */
function mallocgcRow(): DeliveryRow {
  const bin = allocTarget();
  const script = `uprobe:${bin}:runtime.mallocgc { printf("m %d\\n", arg0); }`;
  const one = (cmd: string[]) => {
    const r = exec([...cmd, '-e', script, '-c', `${bin} ${ALLOCS}`]);
    return { printed: lines(r.stdout, /^m \d+$/), lost: lostIn(r.stderr), s: r.ms / 1000 };
  };
  const g = one(gotrace);
  const b = one(['bpftrace']);
  const show = (x: typeof g) => `${x.printed} / ${x.lost} (${x.s.toFixed(1)} s)`;
  return {
    what: `printf per runtime.mallocgc, ${ALLOCS} allocations (printed / lost)`,
    gotrace: show(g),
    bpftrace: show(b),
    ratio: `lost ${g.lost} vs ${b.lost}`,
    goal: 'none lost where bpftrace loses none',
  };
}

/** ns per call of F0001 and events lost, with a scraper hitting /metrics every second or not. */
function scraped(bin: string, scrape: boolean): { ns: number; lost: number; scrapes: number } {
  const calls = 300_000;
  const port = 19464 + (process.pid % 500);
  const script = `uprobe:${bin}:main.F0001 { @c = count(); @h = hist(arg0); printf("x %d\\n", arg0); }`;
  const log = path.join(repoRoot, '.gotrace-build', 'bench', `scrapes-${process.pid}`);
  fs.rmSync(log, { force: true });
  // N.B. a process of its own: this one blocks in spawnSync while gotrace runs.
  const scraper = scrape
    ? spawn(
        'bash',
        ['-c', `while sleep 1; do curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:${port}/metrics >> ${log}; done`],
        {
          stdio: 'ignore',
        },
      )
    : undefined;
  try {
    const extra = scrape ? ['--prometheus', `127.0.0.1:${port}`] : [];
    const r = exec([...gotrace, ...extra, '-e', script, '-c', `${bin} loop ${calls}`]);
    const ns = Number(/ns_per_call ([\d.]+)/.exec(r.stdout)?.[1]);
    const scrapes = fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l === '200').length
      : 0;
    return { ns, lost: lostIn(r.stderr), scrapes };
  } finally {
    scraper?.kill();
    fs.rmSync(log, { force: true });
  }
}

function scrapeRow(bin: string): DeliveryRow {
  const quiet = scraped(bin, false);
  const busy = scraped(bin, true);
  return {
    what: `per call, count()+hist()+printf, Prometheus scraping every 1 s vs not (scrapes; lost)`,
    gotrace: `${busy.ns.toFixed(0)} ns vs ${quiet.ns.toFixed(0)} ns (${busy.scrapes} scrapes; lost ${busy.lost} / ${quiet.lost})`,
    bpftrace: '-',
    ratio: `${(busy.ns / quiet.ns).toFixed(2)}x`,
    goal: 'no lost events',
  };
}

/** `many` is the 30-function target of bench-scale (its `loop N` mode). */
export function deliveryRows(many: string): DeliveryRow[] {
  return [mallocgcRow(), scrapeRow(many)];
}
