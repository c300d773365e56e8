// The REPL in a real terminal (tmux): `gotrace -p PID` on a running Go program, a probe typed
// with TAB completion, @n growing across two reads, .detach all, .exit; then a clean exit:
// status 0 and none of gotrace's BPF programs left in the kernel.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { cachePath } from '../../compiler/cache.js';
import { requireBpf } from '../helpers/bpf.js';
import { gotraceBin, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { bpftool, progIds } from '../helpers/tmux.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

t.test('gotrace -p PID in a terminal', async (t) => {
  if (!requireBpf(t)) return;
  if (!hasTmux()) {
    if (process.env.GOTRACE_REQUIRE_BPF === '1') t.fail('tmux required (GOTRACE_REQUIRE_BPF=1) but not installed');
    else t.plan(0, 'tmux not installed');
    return;
  }
  const bin = buildGo('ticker');
  const ticker = spawn(bin, ['-every', '2ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void ticker.kill('SIGKILL'));
  await waitForOutput(ticker.stdout!, /ready/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-tmux-'));
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  const sock = `gotrace-test-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  t.teardown(() => {
    try {
      tmux('kill-server');
    } catch {
      /* already gone */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  // tap puts its loaders in NODE_OPTIONS for every child; a user's shell has none. The compile
  // cache stays the usual one although HOME points elsewhere (for the history file).
  const script = path.join(dir, 'run.sh');
  fs.writeFileSync(
    script,
    [
      '#!/bin/sh',
      `echo $$ > ${dir}/sh.pid`,
      `env -u NODE_OPTIONS HOME=${home} GOTRACE_CACHE=${cachePath()} ${process.execPath} ${gotraceBin} -p ${ticker.pid}`,
      `echo "status=$?" > ${dir}/status`,
      'sleep 600',
      '',
    ].join('\n'),
  );
  tmux('new-session', '-d', '-s', 'repl', '-x', '200', '-y', '50', `sh ${script}`);
  const pane = () => tmux('capture-pane', '-p', '-J', '-t', 'repl', '-S', '-200');
  const waitPane = async (re: RegExp, what: string, ms = 60_000): Promise<string> => {
    const end = Date.now() + ms;
    for (;;) {
      const s = pane();
      if (re.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${s}`);
      await sleep(50);
    }
  };
  const type = (text: string) => tmux('send-keys', '-t', 'repl', '-l', text);
  const key = (k: string) => tmux('send-keys', '-t', 'repl', k);

  await waitPane(/^gotrace> $/m, 'the prompt');
  t.match(pane(), /gotrace 0\.\d+\.\d+ REPL, tracing process \d+ /, 'banner');
  // TAB completes the function name from the target's table (one key at a time, as typed).
  type('uprobe:main.ti');
  await waitPane(/gotrace> uprobe:main\.ti$/m, 'the typed text');
  key('Tab');
  await waitPane(/gotrace> uprobe:main\.tick$/m, 'the completion');
  type(' { @n = count(); }');
  key('Enter');
  await waitPane(/^probe 1 attached: uprobe:main\.tick$/m, 'the attach');
  const gotracePid = Number(
    execFileSync('ps', ['-o', 'pid=', '--ppid', fs.readFileSync(`${dir}/sh.pid`, 'utf8').trim()], { encoding: 'utf8' }).trim(),
  );
  const ids = progIds(gotracePid);
  t.ok(ids.length > 0, `gotrace (pid ${gotracePid}) holds BPF programs ${ids.join(', ')}`);
  t.ok(
    bpftool<{ id: number; name?: string }>('prog', 'show').some((p) => ids.includes(p.id) && /^b\d+_entry$/.test(p.name ?? '')),
    'bpftool lists them (b0_entry)',
  );

  await sleep(200);
  type('@n');
  key('Enter');
  const first = Number(/^@n: (\d+)$/m.exec(await waitPane(/^@n: \d+$/m, 'the first read'))![1]);
  await sleep(300);
  type('print(@n)');
  key('Enter');
  const screen = await waitPane(/print\(@n\)\n@n: \d+$/m, 'the second read');
  const second = Number(/print\(@n\)\n@n: (\d+)$/m.exec(screen)![1]);
  t.ok(first > 0 && second > first, `@n grows: ${first} then ${second}`);

  type('.detach all');
  key('Enter');
  await waitPane(/^probe 1 detached$/m, 'the detach');
  t.same(progIds(gotracePid), [], 'no program held after .detach all');

  type('.exit');
  key('Enter');
  const status = await (async () => {
    const end = Date.now() + 30_000;
    while (!fs.existsSync(`${dir}/status`) && Date.now() < end) await sleep(50);
    return fs.existsSync(`${dir}/status`) ? fs.readFileSync(`${dir}/status`, 'utf8').trim() : 'no status';
  })();
  t.equal(status, 'status=0', 'exit status 0');
  const last = Number(/^@n: (\d+)$/m.exec(pane().split('.exit').pop()!)?.[1]);
  t.ok(last >= second, `@n printed at exit (${last})`);
  const left = bpftool<{ id: number; name?: string }>('prog', 'show').filter((p) => ids.includes(p.id));
  t.same(left, [], 'bpftool: none of its programs remain');
  t.ok(fs.readFileSync(path.join(home, '.gotrace_history'), 'utf8').includes('uprobe:main.tick { @n = count(); }'), 'history in $HOME');
  t.equal(ticker.exitCode, null, 'the traced program still runs');
});
