// The binary analyzed is the binary attached to (#12.2, #12.12): a file replaced on disk
// between analysis and attach, or a probe on binary A with -p of a process running B, is a plain
// error naming both, with nothing attached and the target unharmed; uprobes go through the open
// file analyzed, so -p on a process whose file was since replaced traces the right code.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace, startGotrace, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { fakeBackend, ReplDriver } from '../helpers/repl.js';
import { Target } from '../../runtime/target.js';

const PROGRAM = (bin = '') => `uprobe:${bin ? bin + ':' : ''}main.handle { @n = count(); }`;

/** A copy of the latency fixture in a folder of its own, and a rebuilt variant to swap in. */
function workspace(t: Test): { app: string; rebuilt: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-ident-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const app = path.join(dir, 'app');
  fs.copyFileSync(buildGo('latency'), app);
  fs.chmodSync(app, 0o755);
  // The same program built again with other flags: same functions, another Go build ID.
  const rebuilt = path.join(dir, 'app.rebuilt');
  fs.copyFileSync(buildGo('latency', { ldflags: '-s -w' }), rebuilt);
  fs.chmodSync(rebuilt, 0o755);
  return { app, rebuilt };
}

/** `go build`'s way: a new file renamed over the old path. */
const replaceCommand = (from: string, to: string) => `cp ${from} ${to}.new && mv ${to}.new ${to}`;

async function withHook<T>(cmd: string, f: () => Promise<T>): Promise<T> {
  process.env.GOTRACE_TEST_BEFORE_ATTACH = cmd;
  try {
    return await f();
  } finally {
    delete process.env.GOTRACE_TEST_BEFORE_ATTACH;
  }
}

/** Starts `bin -wait ...`; resolves once it waits for SIGUSR1. */
async function waitingTarget(bin: string): Promise<{ proc: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const proc = spawn(bin, ['-wait', '-g', '4', '-n', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  await waitForOutput(proc.stdout!, /ready/);
  return { proc, output: () => out, exited };
}

t.test('-c: the binary replaced between analysis and attach is refused, the command never runs', async (t) => {
  if (!requireBpf(t)) return;
  const { app, rebuilt } = workspace(t);
  const r = await withHook(replaceCommand(rebuilt, app), () => runGotrace(['-e', PROGRAM(), '-c', `${app} -g 4 -n 5`]));
  t.equal(r.code, 1, 'exit 1');
  t.match(
    r.stderr,
    /ERROR: .*app \(Go build ID \S+, inode \d+:\d+\) is not .*app \(Go build ID \S+, inode \d+:\d+\), the binary the probes were resolved in \(replaced since\): nothing attached/,
  );
  t.notMatch(r.stderr, /Attaching/, 'nothing attached');
  t.notMatch(r.stdout, /goid=/, 'the command never ran');
});

t.test('a path probe whose file is replaced between analysis and attach is refused', async (t) => {
  if (!requireBpf(t)) return;
  const { app, rebuilt } = workspace(t);
  const r = await withHook(replaceCommand(rebuilt, app), () => runGotrace(['-e', PROGRAM(app)]));
  t.equal(r.code, 1, 'exit 1');
  t.match(r.stderr, /\(replaced since\): nothing attached/);
  t.notMatch(r.stderr, /Attaching/);
  // Written in place (same inode, other bytes): the file analyzed is no longer what it was.
  const inPlace = await withHook(`cat ${rebuilt} > ${app}`, () => runGotrace(['-e', PROGRAM(app)]));
  t.equal(inPlace.code, 1, 'exit 1');
  t.match(inPlace.stderr, /app was written after it was analyzed: nothing attached/);
  t.notMatch(inPlace.stderr, /Attaching/);
});

t.test('-p of a process whose file was replaced: a probe on the path is refused, -p alone traces it right', async (t) => {
  if (!requireBpf(t)) return;
  const { app, rebuilt } = workspace(t);
  const target = await waitingTarget(app);
  t.teardown(() => void target.proc.kill('SIGKILL'));
  fs.renameSync(rebuilt, app);

  const refused = await runGotrace(['-e', PROGRAM(app), '-p', String(target.proc.pid)]);
  t.equal(refused.code, 1, 'exit 1');
  t.match(
    refused.stderr,
    new RegExp(
      `process ${target.proc.pid} runs \\S*app \\(deleted\\) \\(Go build ID \\S+, inode [\\d:]+\\), not \\S*app \\(Go build ID \\S+, inode [\\d:]+\\), the binary the probes were resolved in: nothing attached`,
    ),
  );

  // Without a path, the probes are resolved in /proc/PID/exe, the file the process runs.
  const g = startGotrace(['-e', PROGRAM(), '-p', String(target.proc.pid)]);
  await waitForOutput(g.child.stderr!, /Attaching 1 probe/);
  target.proc.kill('SIGUSR1');
  const r = await g.done;
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr})`);
  t.same(parseMapLines(r.stdout, '@n'), new Map([['', 20n]]), 'every call of the old binary counted');
  t.equal(await target.exited, 0, 'the target exited normally');
  t.equal(target.output().match(/^goid=\d+ last=\d+$/gm)?.length, 4, 'and printed its 4 goroutines');
});

t.test('a probe on binary A with -p of a process running B is refused, naming both', async (t) => {
  if (!requireBpf(t)) return;
  const a = buildGo('latency');
  const ticker = spawn(buildGo('ticker'), ['-every', '5ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void ticker.kill('SIGKILL'));
  await waitForOutput(ticker.stdout!, /./);
  const r = await runGotrace(['-e', PROGRAM(a), '-p', String(ticker.pid)]);
  t.equal(r.code, 1, 'exit 1');
  t.match(
    r.stderr,
    new RegExp(
      `process ${ticker.pid} runs \\S+/ticker-\\w+ \\(Go build ID .*\\), not ${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Go build ID`,
    ),
  );
  t.notMatch(r.stderr, /Attaching/);
  t.equal(ticker.exitCode, null, 'the ticker still runs');
});

t.test('REPL: a probe typed after the binary was replaced on disk is refused, nothing attached', async (t) => {
  const { app, rebuilt } = workspace(t);
  const d = new ReplDriver({ target: Target.open({ path: app }), backend: fakeBackend() });
  await d.waitFor(/gotrace> $/);
  t.equal(await d.type(PROGRAM()), 'probe 1 attached: uprobe:main.handle\n');
  fs.renameSync(rebuilt, app);
  t.match(
    await d.type(PROGRAM()),
    /ERROR: .*app \(Go build ID \S+, inode [\d:]+\) is not .*app \(Go build ID \S+, inode [\d:]+\), the binary the probes were resolved in \(replaced since\): nothing attached/,
  );
  t.equal(d.core.probes.size, 1, 'the second probe was not attached');
  await d.end();
});
