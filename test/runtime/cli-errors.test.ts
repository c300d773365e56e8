// Bad input (script, binary, pid, flags) gets a located, plain error and exit status 1, never a
// JavaScript stack trace.
import t from 'tap';
import { buildGo } from '../helpers/go.js';
import { runGotrace } from '../helpers/cli.js';

const noStack = (s: string) => !/\n\s+at .*:\d+:\d+\)?\n/.test(s) && !/TypeError|ReferenceError|internal error/.test(s);

t.test('bad inputs', async (t) => {
  const bin = buildGo('latency');
  const cases: { name: string; args: string[]; stderr: RegExp }[] = [
    { name: 'unknown flag', args: ['-x'], stderr: /^ERROR: unknown option '-x'\nUSAGE:/ },
    { name: 'no program', args: ['-p', '1'], stderr: /^ERROR: no program given/ },
    {
      name: 'bad pid text',
      args: ['-e', 'uprobe:main.handle { @x = 1 }', '-p', 'abc'],
      stderr: /^ERROR: -p wants a process id, not 'abc'/,
    },
    {
      name: 'no such pid',
      args: ['-e', 'uprobe:main.handle { @x = 1 }', '-p', '999999999'],
      stderr: /^ERROR: no process with pid 999999999$/m,
    },
    {
      name: 'no such command',
      args: ['-e', 'uprobe:main.handle { @x = 1 }', '-c', '/nonexistent/app'],
      stderr: /^ERROR: command not found: \/nonexistent\/app$/m,
    },
    {
      name: 'not a Go binary',
      args: ['-e', 'uprobe:main.handle { @x = 1 }', '-c', '/bin/true'],
      stderr: /^stdin:1:1-19: ERROR: \/bin\/true: .*not a Go binary/m,
    },
    {
      name: 'unknown function, with a suggestion',
      args: ['-e', 'uprobe:main.hndle < @lat[goid] = elapsed >', '-c', bin],
      stderr:
        /^stdin:1:1-18: ERROR: no function in .* matches 'main.hndle'\nuprobe:main.hndle < @lat\[goid\] = elapsed >\n~{17}\nHINT: did you mean 'main.handle'\?/m,
    },
    {
      name: 'script errors before target errors, several at once',
      args: ['-e', 'uprobe:main.handle { @x = fake; @y = count() + 1 }', '-p', '999999999'],
      stderr:
        /^stdin:1:27-31: ERROR: Unknown identifier: 'fake'\n[^\n]*\n {26}~~~~\nstdin:1:38-45: ERROR: count\(\) must be assigned to a map/,
    },
    { name: 'syntax error', args: ['-e', 'uprobe:main.handle { @x = ; }'], stderr: /^stdin:1:\d+-\d+: ERROR: / },
    {
      name: '--strlen above 1024',
      args: ['--strlen', '1025', '-e', 'BEGIN { exit() }'],
      stderr: /^ERROR: --strlen wants a size from 8 to 1024, not '1025'/,
    },
    {
      name: '--strlen below 8',
      args: ['--strlen', '7', '-e', 'BEGIN { exit() }'],
      stderr: /^ERROR: --strlen wants a size from 8 to 1024, not '7'/,
    },
    { name: 'missing script file', args: ['/nonexistent.gt'], stderr: /^ERROR: cannot read \/nonexistent.gt: ENOENT$/m },
  ];
  for (const c of cases) {
    const r = await runGotrace(c.args, 60_000);
    t.equal(r.code, 1, `${c.name}: exit 1`);
    t.match(r.stderr, c.stderr, `${c.name}: message`);
    t.ok(noStack(r.stderr), `${c.name}: no stack trace`);
  }
});
