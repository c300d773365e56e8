// Entry/return pairing across processes, limits on calls in flight and map keys (every drop
// counted and reported), and inlined calls: each checked against what the program measured.
import { spawn } from 'node:child_process';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, startGotrace, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

t.test('two processes of one binary traced binary-wide: each return pairs with its own entry', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('pairing');
  // Both run f() on their main goroutine at the same stack depth, overlapping in time: a key
  // without the process would pair one's return with the other's entry.
  const procs = [
    { arg: 11, ms: 300 },
    { arg: 22, ms: 100 },
  ].map((p) => {
    const child = spawn(bin, ['-mode', 'pair', '-arg', String(p.arg), '-ms', String(p.ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const done = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
    return { ...p, child, done, ready: waitForOutput(child.stdout!, /ready/) };
  });
  await Promise.all(procs.map((p) => p.ready));
  const g = startGotrace(['-e', `uprobe:${bin}:main.f < @a[pid] = arg0; @e[pid] = elapsed; >`]);
  await waitForOutput(g.child.stderr!, /Attaching/);
  for (const p of procs) p.child.kill('SIGUSR1');
  const outs = await Promise.all(procs.map((p) => p.done));
  g.child.kill('SIGINT');
  const r = await g.done;
  t.equal(r.code, 0, r.stderr);
  const args = parseMapLines(r.stdout, '@a');
  const elapsed = parseMapLines(r.stdout, '@e');
  for (const out of outs) {
    const m = /^pid=(\d+) arg=(\d+) elapsed=(\d+)$/m.exec(out);
    t.ok(m, `the process reported (${out})`);
    if (!m) continue;
    t.equal(args.get(m[1]), BigInt(m[2]), `pid ${m[1]}: its own argument`);
    const traced = Number(elapsed.get(m[1]) ?? -1n);
    const own = Number(m[3]);
    // The program's own measure spans f's call and a little more: within 20 ms of it.
    t.ok(traced > 0 && traced <= own && own - traced < 20e6, `pid ${m[1]}: elapsed ${traced} ns vs ${own} ns measured`);
  }
});
