// `gotrace repl ...` and `gotrace -p/-c` without a program, as a user runs them: bad targets
// are plain errors with status 1; commands can come from a pipe.
import { spawn } from 'node:child_process';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { cleanEnv, gotraceBin, runGotrace, waitForOutput, type RunResult } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

/** gotrace with a pipe for stdin (runGotrace gives it none). */
function withStdin(args: string[]) {
  const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, gotraceBin, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: cleanEnv(),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

t.test('bad REPL targets and options', async (t) => {
  const bin = buildGo('ticker');
  const cases: { args: string[]; stderr: RegExp }[] = [
    { args: ['repl', '-p', '999999999'], stderr: /^ERROR: no process with pid 999999999\n$/ },
    { args: ['repl', '-c', '/nonexistent/app'], stderr: /^ERROR: command not found: \/nonexistent\/app\n$/ },
    { args: ['repl', '/bin/true'], stderr: /^ERROR: .*\/bin\/true.*not a Go binary/ },
    { args: ['repl', '/nonexistent'], stderr: /^ERROR: no such file: \/nonexistent\n$/ },
    { args: ['repl', '-e', 'uprobe:main.f {}'], stderr: /^ERROR: the REPL takes no -e program: type probes at its prompt\nUSAGE:/ },
    { args: ['repl', '-c', bin, bin], stderr: /^ERROR: give -p, -c or a PATH, not two\n/ },
    // Not on a terminal, a target without a program is still the CLI's error.
    { args: ['-c', bin], stderr: /^ERROR: no program given/ },
  ];
  for (const c of cases) {
    const r = await runGotrace(c.args, 60_000);
    t.equal(r.code, 1, `${c.args.join(' ')}: exit 1`);
    t.match(r.stderr, c.stderr, `${c.args.join(' ')}: message`);
  }
  const help = await runGotrace(['repl', '-h']);
  t.equal(help.code, 0);
  t.match(help.stdout, /gotrace repl \[-p PID \| -c 'CMD' \| PATH\]/);
});

t.test('gotrace repl PATH with commands from a pipe, no probe: no prompts, status 1 for a failed line', async (t) => {
  const bin = buildGo('ticker');
  const g = withStdin(['repl', bin]);
  g.child.stdin.end('.funcs main.ti\n.args main.tick\n@nothing\n');
  const r = await g.done;
  t.equal(r.code, 1, 'a line failed: status 1');
  t.match(
    r.stderr,
    /^gotrace \d+\.\d+\.\d+ REPL, tracing every process running .*ticker.*\. Type \.help for help\.\n/,
    'the banner on stderr',
  );
  t.match(r.stdout, /^uprobe:main\.tick\n1 function match \*main\.ti\*\n/, 'stdout starts with the answers');
  t.notMatch(r.stdout, /gotrace> /, 'no prompt');
  const ok = withStdin(['repl', bin]);
  ok.child.stdin.end('.funcs main.ti\n');
  t.equal((await ok.done).code, 0, 'every line ran: status 0');
  t.match(r.stdout, /args\.n int {2}RAX/);
  t.match(r.stdout, /ERROR: unknown map @nothing/);
});

t.test('gotrace repl -p PID from a pipe: a probe, then the maps at the end of input', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('ticker');
  const target = spawn(bin, ['-every', '1ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void target.kill('SIGKILL'));
  await waitForOutput(target.stdout!, /ready/);
  const g = withStdin(['repl', '-p', String(target.pid)]);
  g.child.stdin.write('uprobe:main.tick { @n = count(); }\n');
  await waitForOutput(g.child.stdout, /probe 1 attached/);
  await new Promise((r) => setTimeout(r, 200));
  g.child.stdin.end();
  const r = await g.done;
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^probe 1 attached: uprobe:main\.tick\n\n@n: [1-9]\d*\n$/, 'the maps at exit, no prompt');
  t.equal(target.exitCode, null, 'the target keeps running');
});

t.test('SIGTERM ends the REPL like .exit', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('ticker');
  const g = withStdin(['repl', '-c', `${bin} -every 1ms`]);
  g.child.stdin.write('uprobe:main.tick { @n = count(); }\n');
  await waitForOutput(g.child.stdout, /ready/);
  g.child.kill('SIGTERM');
  const r = await g.done;
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /\n@n: [1-9]\d*\n$/);
});
