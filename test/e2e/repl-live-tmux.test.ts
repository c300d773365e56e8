// The REPL as a live instrument in a real terminal (tmux), issue #15: the terminal closing
// (tmux kill-session) ends the session cleanly; a probe prints a map another probe writes;
// printf output arriving while a long line wraps in a narrow terminal is never lost; TAB after
// args.; .load twice; the target dying.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { bpftool, hasTmux, progIds, segfaults, sleep, TmuxRepl } from '../helpers/tmux.js';

function needTmux(t: Test): boolean {
  if (hasTmux()) return true;
  if (process.env.GOTRACE_REQUIRE_BPF === '1') t.fail('tmux required (GOTRACE_REQUIRE_BPF=1) but not installed');
  else t.plan(0, 'tmux not installed');
  return false;
}

async function startTicker(t: Test) {
  const p = spawn(buildGo('ticker'), ['-every', '2ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void p.kill('SIGKILL'));
  await waitForOutput(p.stdout!, /ready/);
  return p;
}

t.test('the terminal closes: maps to -o FILE, everything detached, exit 0, no crash', async (t) => {
  if (!requireBpf(t) || !needTmux(t)) return;
  const ticker = await startTicker(t);
  const segsBefore = segfaults();
  const out = `/tmp/gotrace-hangup-${process.pid}.txt`;
  t.teardown(() => fs.rmSync(out, { force: true }));
  const r = new TmuxRepl(['-p', String(ticker.pid), '-o', out]);
  t.teardown(() => r.close());
  await r.wait(/^gotrace> $/m, 'the prompt');
  r.line('uprobe:main.tick { @n = count(); }');
  await r.wait(/^probe 1 attached: uprobe:main\.tick$/m, 'the attach');
  const ids = progIds(r.gotracePid);
  t.ok(ids.length > 0, `gotrace holds BPF programs ${ids.join(', ')}`);
  await sleep(300);
  r.tmux('kill-session', '-t', 'repl');
  t.equal(await r.status(), 'status=0', 'exit status 0');
  t.match(fs.readFileSync(out, 'utf8'), /^\n@n: [1-9]\d*\n$/, 'the maps at exit, in -o FILE');
  t.notMatch(r.stderr(), /internal error|Assertion|setRawMode|EIO/, `no crash on stderr: ${r.stderr()}`);
  t.same(segfaults().slice(segsBefore.length), [], 'no new segfault in the kernel log');
  const links = bpftool<{ prog_id: number }>('link', 'show').filter((l) => ids.includes(l.prog_id));
  t.same(links, [], 'bpftool: no link of its programs left');
  t.same(
    bpftool<{ id: number }>('prog', 'show').filter((p) => ids.includes(p.id)),
    [],
    'bpftool: no program left',
  );
  t.equal(ticker.exitCode, null, 'the traced program still runs');
});

t.test('a narrow terminal: shared maps, output while a line wraps, TAB, .load twice, the target dies', async (t) => {
  if (!requireBpf(t) || !needTmux(t)) return;
  const ticker = await startTicker(t);
  const r = new TmuxRepl(['-p', String(ticker.pid)], 60, 40);
  t.teardown(() => r.close());
  await r.wait(/^gotrace> $/m, 'the prompt');

  // 3: a probe prints a map another probe writes.
  r.line('uprobe:main.tick { @c = count(); }');
  await r.wait(/^probe 1 attached/m, 'probe 1');
  r.line('interval:ms:200 { print(@c); }');
  await r.wait(/^probe 2 attached: interval:ms:200\n(.*\n)*@c: [1-9]\d*$/m, '@c printed by probe 2');
  t.notMatch(r.joined(), /Undefined map/, 'no "Undefined map: @c"');
  r.line('.detach 2');
  await r.wait(/^probe 2 detached$/m, 'the detach');

  // 4: numbered lines arrive while a typed line wraps over three rows: none is lost.
  r.line('interval:ms:100 { @k = @k + 1; printf("out-%d\\n", @k); }');
  await r.wait(/^out-3$/m, 'the first lines');
  r.type('print(@c); print(@c); print(@c); print(@c); print(@c); print(@c); print(@c); print(@c)');
  await sleep(1500);
  const numbers = [...r.joined().matchAll(/^out-(\d+)$/gm)].map((m) => Number(m[1]));
  const last = numbers[numbers.length - 1];
  t.ok(last >= 10, `lines kept coming (${last})`);
  t.same(
    numbers,
    Array.from({ length: last }, (_, i) => i + 1),
    'every line shown, in order, none overwritten',
  );
  const screen = r.pane().split('\n');
  t.equal(screen.filter((l) => l.startsWith('gotrace> print(@c)')).length, 1, 'one copy of the prompt and its line');
  r.key('C-u');
  r.line('.detach 3');
  await r.wait(/^probe 3 detached$/m, 'the detach');

  // 6: TAB after args. gives the parameter.
  r.type('uprobe:main.work { @w = sum(args.');
  r.key('Tab');
  await r.wait(/sum\(args\.n$/m, 'args.n completed');
  r.line('); }');
  await r.wait(/^probe 4 attached: uprobe:main\.work$/m, 'probe 4');

  // 9: the same file twice is refused.
  const file = path.join(r.dir, 'w.gt');
  fs.writeFileSync(file, 'uprobe:main.work { @v = count(); }\n');
  r.line(`.load ${file}`);
  await r.wait(/^probe 5 attached/m, 'the load');
  r.line(`.load ${file}`);
  await r.wait(/ERROR: .*w\.gt is already loaded \(probes 5\)/, 'the refusal');

  // 7: the target dies.
  ticker.kill('SIGKILL');
  await r.wait(/^target process \d+ .* exited$/m, 'the exit');
  await r.wait(/^probes 1, 4, 5 detached/m, 'its probes detached');
  r.line('.probes');
  await r.wait(/^no probes attached$/m, '.probes');
  r.line('uprobe:main.tick { @z = count(); }');
  await r.wait(/ERROR: the target exited: use \.target/, 'a new probe refused');
  r.line('.exit');
  t.equal(await r.status(), 'status=0', 'exit status 0');
  t.match(r.joined(), /^@c: [1-9]\d*$/m, 'the maps at exit');
});
