// The runtime tools of scripts/ against test/fixtures/go/tools, which does what each tool
// measures at known places and prints its own counts and timings: the tool must find the same
// counts, at the fixture's own stacks and goroutines, and times that agree with the fixture's
// clock. Also: the tools that rely on runtime internals compile against stripped binaries of
// every Go release from 1.17 to 1.27.
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { runPipeline } from '../../compiler/pipeline.js';
import { SourceFile } from '../../grammar/source.js';
import { NPM_GO_BINARIES, npmGoBinary } from '../compiler/go/npm-binaries.js';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { checkSample } from '../helpers/samples.js';
import { buildGo, repoRoot } from '../helpers/go.js';
import { parseStackMap, sumThrough } from '../helpers/stacks.js';

const script = (name: string) => path.join(repoRoot, 'scripts', name);

async function runTool(name: string, mode: string, args: string[] = []) {
  const r = await runGotrace([script(name), '-c', `${buildGo('tools')} ${mode}`, ...args]);
  return r;
}

/** "LABEL k=v k=v" lines of the fixture. */
function truth(out: string, label: string): Record<string, number>[] {
  const re = new RegExp(`^${label} (.*)$`, 'gm');
  return [...out.matchAll(re)].map((m) => Object.fromEntries(m[1].split(' ').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])])));
}

/** gotrace's total wait against the fixture's own clock, which also counts the probes' cost and
 *  any descheduling around the operation: gotrace's is never above it (beyond the clocks'
 *  jitter), nor below the time the other side surely made the waiter wait (`floor`). */
function closeTo(t: Test, got: bigint, own: number, floor: number, what: string) {
  t.ok(Number(got) <= own * 1.02 + 1e6 && Number(got) >= floor, `${what}: gotrace ${got} ns, fixture ${own} ns, floor ${floor} ns`);
}

t.test('funclatency.gt: per-goroutine counts and per-function histograms of a wildcard', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runTool('funclatency.gt', 'funclat', ['--', 'main.*Work']);
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'funclatency.gt', r.stdout);
  for (const fn of ['fastWork', 'slowWork']) {
    for (const g of truth(r.stdout, fn)) {
      const m = r.stdout.match(new RegExp(`^@by_goroutine\\[main\\.${fn}, ${g.goid}\\]: count (\\d+), average (\\d+)`, 'm'));
      t.ok(m, `main.${fn} on goroutine ${g.goid}`);
      t.equal(Number(m?.[1]), g.n, `main.${fn} calls on goroutine ${g.goid}`);
      // fastWork sleeps 1 ms, slowWork 8 ms.
      t.ok(Number(m?.[2]) >= (fn === 'fastWork' ? 1e6 : 8e6), `main.${fn} average ${m?.[2]} ns`);
    }
  }
  const hist = (fn: string) => {
    const h = r.stdout.split(`@ns[main.${fn}]: \n`)[1]?.split('\n\n')[0] ?? '';
    return [...h.matchAll(/^\[\S+, \S+\)\s+(\d+) \|/gm)].reduce((a, m) => a + Number(m[1]), 0);
  };
  t.equal(hist('fastWork'), 10, 'the histogram of main.fastWork holds its 10 calls');
  t.equal(hist('slowWork'), 4, 'the histogram of main.slowWork holds its 4 calls');
  t.notMatch(r.stdout, /main\.funclat\b|main\.goid\b/, 'nothing outside the wildcard');
});

t.test('mutex.gt: waits on a Mutex and an RWMutex by stack, with the time the waiters measured', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runTool('mutex.gt', 'mutex');
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'mutex.gt', r.stdout);
  const [mu] = truth(r.stdout, 'mutex');
  const [rw] = truth(r.stdout, 'rwmutex');
  t.equal(sumThrough(parseStackMap(r.stdout, '@mutex_waits'), 'main.waitMutex'), BigInt(mu.waits), 'Mutex waits');
  t.equal(sumThrough(parseStackMap(r.stdout, '@rwmutex_waits'), 'main.waitRead'), BigInt(rw.waits), 'RWMutex read waits');
  // The holder keeps the lock 20 ms after starting the waiter (which may start late).
  closeTo(t, sumThrough(parseStackMap(r.stdout, '@mutex_ns'), 'main.waitMutex'), mu.ns, mu.waits * 5e6, 'Mutex wait');
  closeTo(t, sumThrough(parseStackMap(r.stdout, '@rwmutex_ns'), 'main.waitRead'), rw.ns, rw.waits * 5e6, 'RWMutex wait');
  t.equal(
    sumThrough(parseStackMap(r.stdout, '@rwmutex_waits'), 'main.waitMutex'),
    0n,
    "a Mutex's wait is not counted again as a semaphore wait",
  );
});

t.test('chan.gt: blocked sends, receives and selects by stack; operations that did not block are not counted', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runTool('chan.gt', 'chan');
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'chan.gt', r.stdout);
  for (const [op, fn] of [
    ['recv', 'main.blockRecv'],
    ['send', 'main.blockSend'],
    ['select', 'main.blockSelect'],
  ]) {
    const [own] = truth(r.stdout, op);
    t.equal(sumThrough(parseStackMap(r.stdout, `@${op}_waits`), fn), BigInt(own.waits), `${op} waits`);
    // The other side acts 15 ms after it started (the waiter may start late).
    closeTo(t, sumThrough(parseStackMap(r.stdout, `@${op}_ns`), fn), own.ns, own.waits * 5e6, `${op} wait`);
  }
  // The fixture's other sides (the goroutines that send to or receive from a waiting peer) never
  // block: their operations must not appear.
  t.equal(sumThrough(parseStackMap(r.stdout, '@send_waits'), 'main.chans.func1'), 0n, 'a send to a waiting receiver did not block');
  t.equal(sumThrough(parseStackMap(r.stdout, '@recv_waits'), 'main.chans.func2'), 0n, 'a receive from a waiting sender did not block');
});

t.test('alloc.gt: allocations and bytes by stack', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runTool('alloc.gt', 'alloc');
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'alloc.gt', r.stdout);
  const [own] = truth(r.stdout, 'alloc');
  t.equal(sumThrough(parseStackMap(r.stdout, '@allocs'), 'main.allocBig'), BigInt(own.n), 'allocations in main.allocBig');
  t.equal(sumThrough(parseStackMap(r.stdout, '@bytes'), 'main.allocBig'), BigInt(own.n * own.size), 'bytes in main.allocBig');
  t.match(r.stdout, /^\[32K, 64K\)\s+(\d+) \|/m, 'the 40000-byte allocations in the size histogram');
  t.ok(Number(r.stdout.match(/^\[32K, 64K\)\s+(\d+) \|/m)?.[1]) >= own.n);
});

t.test('syscall.gt: blocking syscalls by goroutine and number', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runTool('syscall.gt', 'syscall');
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'syscall.gt', r.stdout);
  const calls = parseMapLines(r.stdout, '@calls');
  const ns = parseMapLines(r.stdout, '@ns');
  const own = truth(r.stdout, 'nanosleep');
  t.equal(own.length, 2);
  for (const g of own) {
    t.equal(calls.get(`${g.goid}, 35`), BigInt(g.n), `nanosleep (35) calls of goroutine ${g.goid}`);
    // Each sleeps 2 ms.
    t.ok((ns.get(`${g.goid}, 35`) ?? 0n) >= BigInt(g.n * 2e6), `time in nanosleep on goroutine ${g.goid}`);
  }
});

t.test('syscall.gt on Go 1.17 and 1.18 (syscall.Syscall was assembly there): the write of --version is number 1', async (t) => {
  if (!requireBpf(t)) return;
  for (const b of NPM_GO_BINARIES.filter((x) => /^go1\.1[78]/.test(x.goVersion))) {
    const bin = npmGoBinary(b);
    const r = await runGotrace([script('syscall.gt'), '-c', `${bin} ${b.pkg.startsWith('lefthook') ? 'version' : '--version'}`]);
    t.equal(r.code, 0, r.stderr);
    const writes = [...parseMapLines(r.stdout, '@calls')].filter(([k]) => k.endsWith(', 1'));
    t.ok(writes.length >= 1 && writes.every(([, n]) => n >= 1n), `${b.goVersion}: the version was written by write (1): ${r.stdout}`);
    const numbers = [...parseMapLines(r.stdout, '@calls').keys()].map((k) => Number(k.split(', ')[1]));
    t.ok(
      numbers.every((n) => [0, 1, 16, 72, 202, 281, 291].includes(n)),
      `${b.goVersion}: only real syscalls of a --version run: ${numbers}`,
    );
  }
});

t.test('the runtime tools compile against stripped binaries of Go 1.17 to 1.27', async (t) => {
  if (!requireBpf(t)) return;
  for (const b of NPM_GO_BINARIES) {
    const bin = npmGoBinary(b);
    for (const name of ['mutex.gt', 'chan.gt', 'alloc.gt', 'syscall.gt', 'funclatency.gt']) {
      const file = script(name);
      const r = await runPipeline(
        { file: new SourceFile(file, fs.readFileSync(file, 'utf8')) },
        { binary: bin, skipBuild: true, positional: ['runtime.gcStart'] },
      );
      t.same(
        r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
        [],
        `${name} on ${b.goVersion}`,
      );
    }
  }
});
