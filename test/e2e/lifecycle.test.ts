// How a session ends (issue #12 items 9, 10, 13 and system()'s shell, 12.4), against real BPF:
// exit() ends a -p session by itself; a thread id is refused; a target named ") Z x" is alive;
// a bad format, a closed or full output, or a bad -o path end with a plain error (or quietly,
// for a reader that went away) and the -c command never outlives gotrace unless
// --keep-target; execv() never hands a target's string to a shell.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { cleanEnv, gotraceBin, parseMapLines, runGotrace, startGotrace, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { processAlive } from '../../runtime/target.js';

const noStack = (s: string) => !/\n\s+at .*:\d+:\d+\)?\n/.test(s) && !/RangeError|TypeError|internal error|Error: (write|EPIPE)/.test(s);

async function ticker(exe = buildGo('ticker')): Promise<ChildProcess> {
  const p = spawn(exe, ['-every', '2ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitForOutput(p.stdout!, /ready/);
  return p;
}

/** Pids of processes whose command line holds `tag` (a -c command made unique by its flags). */
function running(tag: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(tag) && !/^\s*\d+\s+Z/.test(l) && !l.includes('gotrace'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** The -c command is gone (given a moment for SIGTERM to land). */
async function gone(tag: string): Promise<number[]> {
  for (let i = 0; i < 20 && running(tag).length; i++) await new Promise((r) => setTimeout(r, 100));
  return running(tag);
}

let tags = 0;
/** A -c command line for the ticker, unique to one test so its process can be found. */
function tickerCommand(): { cmd: string; tag: string } {
  const tag = `-n ${7_700_000 + process.pid * 10 + tags++}`;
  return { cmd: `${buildGo('ticker')} -every 1ms ${tag}`, tag };
}

t.test('exit() ends a -p session by itself: in a probe, in BEGIN, in interval', async (t) => {
  if (!requireBpf(t)) return;
  const target = await ticker();
  t.teardown(() => void target.kill());
  const programs = {
    probe: 'uprobe:main.tick { @n = count(); exit(); }',
    BEGIN: 'BEGIN { printf("begun\\n"); exit(); }',
    interval: 'uprobe:main.tick { @n = count(); } interval:ms:200 { exit(); }',
  };
  for (const [where, program] of Object.entries(programs)) {
    const t0 = Date.now();
    const r = await runGotrace(['-e', program, '-p', String(target.pid)], 15_000);
    const ms = Date.now() - t0;
    t.equal(r.code, 0, `${where}: exit status 0 (stderr: ${r.stderr})`);
    t.ok(ms < 8_000, `${where}: gotrace ended by itself (${ms} ms)`);
    if (where !== 'BEGIN') t.ok((parseMapLines(r.stdout, '@n').get('') ?? 0n) > 0n, `${where}: the maps were printed`);
    t.ok(processAlive(target.pid!), `${where}: the -p target is left running`);
  }
});

t.test('-p with a thread id is refused, naming the process', async (t) => {
  if (!requireBpf(t)) return;
  const target = await ticker();
  t.teardown(() => void target.kill());
  const tid = fs.readdirSync(`/proc/${target.pid}/task`).find((x) => Number(x) !== target.pid);
  t.ok(tid, 'the Go program has a second thread');
  const r = await runGotrace(['-e', 'uprobe:main.tick { @n = count(); }', '-p', tid!], 30_000);
  t.equal(r.code, 1);
  t.match(
    r.stderr,
    new RegExp(
      `^ERROR: ${tid} is a thread of process ${target.pid} \\(ticker[^)]*\\), not a process\\nHINT: trace the process: -p ${target.pid}$`,
      'm',
    ),
  );
  t.ok(noStack(r.stderr));
});

t.test('a target whose name holds ") Z " is alive', async (t) => {
  if (!requireBpf(t)) return;
  // The kernel names a process after the file it executed (only the process itself may write
  // its /proc/PID/comm): a link called ") Z x" gives the name.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-comm-'));
  const link = path.join(dir, ') Z x');
  fs.symlinkSync(buildGo('ticker'), link);
  const target = await ticker(link);
  t.teardown(() => {
    target.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  t.match(
    fs.readFileSync(`/proc/${target.pid}/stat`, 'utf8'),
    /^\d+ \(\) Z x\) [RS] /,
    'the stat line reads like a zombie up to the first ) (the ticker is sleeping or, on a loaded machine, running)',
  );
  t.ok(processAlive(target.pid!), 'processAlive reads the state after the last )');
  // A session taken for ended at once would stop long before the interval's exit().
  const t0 = Date.now();
  const r = await runGotrace(['-e', 'uprobe:main.tick { @n = count(); } interval:ms:1500 { exit(); }', '-p', String(target.pid)], 30_000);
  t.equal(r.code, 0, r.stderr);
  t.ok(Date.now() - t0 >= 1_400, 'the session ran until exit()');
  t.ok((parseMapLines(r.stdout, '@n').get('') ?? 0n) > 100n, 'calls were counted');
});

t.test('a printf width over the limit is a located error; the -c command never ran', async (t) => {
  if (!requireBpf(t)) return;
  const { cmd, tag } = tickerCommand();
  const r = await runGotrace(['-e', 'uprobe:main.tick { printf("%999999999d\\n", 1); }', '-c', cmd], 30_000);
  t.equal(r.code, 1);
  t.match(r.stderr, /^stdin:1:27-42: ERROR: width or precision 999999999 in '%999999999d' is over the limit of 4096$/m);
  t.ok(noStack(r.stderr), r.stderr);
  t.same(await gone(tag), [], 'no -c command left running');
});

t.test('| head -2 ends the session quietly with status 0 and stops the -c command', async (t) => {
  if (!requireBpf(t)) return;
  const { cmd, tag } = tickerCommand();
  const script = `env -u NODE_OPTIONS "$0" "$1" -e 'uprobe:main.tick { printf("%d\\n", nsecs); }' -c "$2" | head -2; echo "status=\${PIPESTATUS[0]}" >&2`;
  const r = await runTo('bash', ['-c', script, process.execPath, gotraceBin, cmd]);
  t.match(r.stderr, /^status=0$/m, r.stderr);
  t.ok(noStack(r.stderr), r.stderr);
  t.equal(r.stdout.split('\n').filter(Boolean).length, 2, 'two lines read');
  t.same(await gone(tag), [], 'no -c command left running');
});

t.test('a full output (/dev/full) is a plain error, status 1, and stops the -c command', async (t) => {
  if (!requireBpf(t)) return;
  const { cmd, tag } = tickerCommand();
  const full = fs.openSync('/dev/full', 'w');
  const r = await runTo(
    '/usr/bin/env',
    ['-u', 'NODE_OPTIONS', process.execPath, gotraceBin, '-e', 'uprobe:main.tick { printf("%d\\n", nsecs); }', '-c', cmd],
    [full],
  );
  fs.closeSync(full);
  t.equal(r.code, 1);
  t.match(r.stderr, /^ERROR: cannot write stdout: ENOSPC$/m);
  t.ok(noStack(r.stderr), r.stderr);
  t.same(await gone(tag), [], 'no -c command left running');
});

t.test('-o in a missing directory fails before anything is attached or started', async (t) => {
  if (!requireBpf(t)) return;
  const { cmd, tag } = tickerCommand();
  const r = await runGotrace(['-e', 'uprobe:main.tick { @n = count(); }', '-c', cmd, '-o', '/nonexistent/dir/f'], 30_000);
  t.equal(r.code, 1);
  t.match(r.stderr, /^ERROR: cannot write \/nonexistent\/dir\/f: ENOENT$/m);
  t.notMatch(r.stderr, /Attaching/);
  t.ok(noStack(r.stderr));
  t.same(await gone(tag), [], 'no -c command left running');
});

t.test('--keep-target leaves the -c command running; without it, it is stopped', async (t) => {
  if (!requireBpf(t)) return;
  const kept = tickerCommand();
  // N.B. the kept command inherited gotrace's stdout and stderr: they stay open after gotrace
  // exits, so its exit (not the pipes' close) is what ends the run.
  const g = startGotrace(['--keep-target', '-e', 'uprobe:main.tick { @n = count(); exit(); }', '-c', kept.cmd]);
  const timer = setTimeout(() => g.child.kill('SIGKILL'), 30_000);
  const [code] = (await once(g.child, 'exit')) as [number | null];
  clearTimeout(timer);
  t.equal(code, 0, 'gotrace exits by itself');
  const pids = running(kept.tag);
  t.equal(pids.length, 1, 'the kept command still runs');
  for (const p of pids) process.kill(p, 'SIGKILL');
  await g.done;
  const stopped = tickerCommand();
  const r2 = await runGotrace(['-e', 'uprobe:main.tick { @n = count(); exit(); }', '-c', stopped.cmd], 30_000);
  t.equal(r2.code, 0, r2.stderr);
  t.same(await gone(stopped.tag), [], 'without --keep-target the command is gone');
});

t.test("execv() passes a target's string as one argument, never to a shell", async (t) => {
  if (!requireBpf(t)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-inject-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bin = buildGo('inject');
  const safe = path.join(dir, 'safe');
  const r = await runGotrace(
    ['--unsafe', '-e', 'uprobe:main.show { execv("/bin/echo", "arg:", args.s); exit(); }', '-c', `${bin} -path ${safe}`],
    30_000,
  );
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, new RegExp(`^arg: x; touch ${safe}$`, 'm'), 'the string arrives whole, as one argument');
  t.notOk(fs.existsSync(safe), 'nothing ran the "; touch"');
  // The same string through system(): the shell runs it. This is the danger the help warns of,
  // and the proof that this test would see an injection.
  const unsafe = path.join(dir, 'unsafe');
  const r2 = await runGotrace(
    ['--unsafe', '-e', 'uprobe:main.show { system("echo %s", args.s); exit(); }', '-c', `${bin} -path ${unsafe}`],
    30_000,
  );
  t.equal(r2.code, 0, r2.stderr);
  t.ok(fs.existsSync(unsafe), 'system() ran the injected command');
});

t.test('execv() needs --unsafe and a literal program', async (t) => {
  const bin = buildGo('inject');
  const r = await runGotrace(['-e', 'uprobe:main.show { execv("/bin/echo", args.s); }', '--dry-run', '-c', bin], 30_000);
  t.equal(r.code, 1);
  t.match(r.stderr, /ERROR: execv\(\) runs with gotrace's privileges and needs --unsafe/);
  const r2 = await runGotrace(['--unsafe', '-e', 'uprobe:main.show { execv(args.s); }', '--dry-run', '-c', bin], 30_000);
  t.equal(r2.code, 1);
  t.match(r2.stderr, /ERROR: execv\(\)'s first argument must be the program, a string literal/);
});

/** Runs a command to its end, its stdout a pipe or the fd given. */
function runTo(
  cmd: string,
  args: string[],
  stdout: [number | 'pipe'] = ['pipe'],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', stdout[0], 'pipe'], env: cleanEnv() });
    let out = '';
    let err = '';
    p.stdout?.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    });
  });
}

t.test('SIGHUP (a closed terminal) ends the session like SIGTERM and stops the -c command', async (t) => {
  if (!requireBpf(t)) return;
  const { cmd, tag } = tickerCommand();
  const g = startGotrace(['-e', 'uprobe:main.tick { @n = count(); }', '-c', cmd]);
  await waitForOutput(g.child.stderr!, /Attaching 1 probe/);
  await new Promise((r) => setTimeout(r, 300));
  g.child.kill('SIGHUP');
  const r = await g.done;
  t.equal(r.code, 0, r.stderr);
  t.ok((parseMapLines(r.stdout, '@n').get('') ?? 0n) > 0n, 'the maps were printed');
  t.same(await gone(tag), [], 'no -c command left running');
});
