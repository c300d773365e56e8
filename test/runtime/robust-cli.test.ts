// The whole CLI on hostile input (issue #12): deep and long scripts, corrupt binaries, FIFOs,
// directories and devices. Each run ends with a plain, located error or success: never exit 70
// (gotrace's "internal error") and never a JavaScript stack, and never hangs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildGo } from '../helpers/go.js';
import { runGotrace } from '../helpers/cli.js';

const noStack = (s: string) =>
  !/\n\s+at .*:\d+:\d+\)?\n/.test(s) && !/TypeError|RangeError|ReferenceError|internal error|Maximum call stack/.test(s);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-robust-'));
t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

/** A copy of `bin` with the 8-byte field at `offset` set to `value`. */
function corrupt(bin: string, name: string, offset: number, value: bigint): string {
  const b = fs.readFileSync(bin);
  b.writeBigUInt64LE(value, offset);
  return file(name, b as unknown as string);
}

t.test('hostile inputs end with a plain error or success, never exit 70', async (t) => {
  const bin = buildGo('basic');
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const cases: { name: string; args: string[]; code: number; stderr: RegExp }[] = [
    {
      name: '500 nested parentheses',
      args: ['--dry-run', '-e', `BEGIN { @x = ${'('.repeat(500)}1${')'.repeat(500)}; }`],
      code: 1,
      stderr: /^stdin:1:141-142: ERROR: nested too deeply: more than 128 levels/,
    },
    {
      name: '10,000 nested !',
      args: ['--dry-run', '-e', `BEGIN { @x = ${'!'.repeat(10000)}1; }`],
      code: 1,
      stderr: /ERROR: nested too deeply/,
    },
    {
      name: '4,000-term sum',
      args: ['--dry-run', '-e', `BEGIN { @x = ${Array(4000).fill('1').join(' + ')}; exit(); }`],
      code: 0,
      stderr: /^$/,
    },
    {
      name: '20,000-term sum',
      args: ['--dry-run', '-e', `BEGIN { @x = ${Array(20000).fill('1').join(' + ')}; }`],
      code: 1,
      stderr: /ERROR: expression too deep: more than 5000 levels/,
    },
    {
      name: '3,000 statements',
      args: ['--dry-run', file('long.gt', `BEGIN {\n${'  @x = 1;\n'.repeat(3000)}}\n`)],
      code: 1,
      stderr: /long\.gt:2002:3-9: ERROR: too many statements: the limit is 2000/,
    },
    {
      name: 'interval:s:99999999999',
      args: ['--dry-run', '-e', 'interval:s:99999999999 { exit(); }'],
      code: 1,
      stderr: /^stdin:1:12-23: ERROR: interval period too long: at most 9223372036 s/,
    },
    {
      name: 'FIFO as script',
      args: [fifo],
      code: 1,
      stderr: /^ERROR: cannot read .*fifo: it is a FIFO \(named pipe\), not a regular file$/m,
    },
    { name: 'directory as script', args: [dir], code: 1, stderr: /it is a directory, not a regular file/ },
    {
      name: 'FIFO as binary',
      args: ['--dry-run', '-e', `uprobe:${fifo}:main.main {}`],
      code: 1,
      stderr: /ERROR: .*fifo: is a FIFO \(named pipe\), not a regular file/,
    },
    {
      name: '-l on a device',
      args: ['-l', '/dev/zero'],
      code: 1,
      stderr: /^ERROR: \/dev\/zero: is a character device, not a regular file$/m,
    },
    {
      name: 'bad program-header offset',
      args: ['--dry-run', '-e', `uprobe:${corrupt(bin, 'phoff', 32, 0x7fffffffffffff00n)}:main.main {}`],
      code: 1,
      stderr: /ERROR: .*phoff: /,
    },
    // Without section headers the Go tables are still found (from the program headers).
    { name: 'bad section-header offset', args: ['-l', corrupt(bin, 'shoff', 40, 0xfffffffffffff000n)], code: 0, stderr: /^$/ },
  ];
  for (const c of cases) {
    const r = await runGotrace(c.args, 60_000);
    t.equal(r.code, c.code, `${c.name}: exit ${c.code}`);
    t.match(r.stderr, c.stderr, `${c.name}: message`);
    t.ok(noStack(r.stderr), `${c.name}: no stack trace`);
  }
});

t.test('-l PATH lists every function of PATH', async (t) => {
  const bin = buildGo('basic');
  const r = await runGotrace(['-l', bin]);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.ok(lines.length > 1000, `${lines.length} functions`);
  t.ok(lines.includes('uprobe:main.(*Server).Handle') && lines.includes('uprobe:main.(*ProxyServer).Handle'));
  const exact = await runGotrace(['-l', 'uprobe:main.(*Server).Handle', bin]);
  t.equal(exact.stdout, 'uprobe:main.(*Server).Handle\n', 'an exact method is one line');
});

t.test('functions a wildcard matches without RET: one warning, names in full with -v', async (t) => {
  const bin = buildGo('basic');
  const args = ['--dry-run', '-e', `uprobe:${bin}:runtime.goPanic* { @[probe] = elapsed; }`];
  const r = await runGotrace(args);
  t.equal(r.code, 0, r.stderr);
  const warnings = r.stderr.split('\n').filter((l) => l.includes('WARNING'));
  t.equal(warnings.length, 1, 'one warning line');
  t.match(
    warnings[0],
    /WARNING: (\d+) of the \1 functions matching 'runtime.goPanic\*' have no RET instruction .*: runtime\.goPanic\w+, runtime\.goPanic\w+, runtime\.goPanic\w+, and \d+ more$/,
  );
  t.match(r.stderr, /^HINT: run with -v to list them all$/m);
  const v = await runGotrace(['-v', ...args]);
  const all = v.stderr.split('\n').find((l) => l.includes('WARNING'))!;
  t.notMatch(all, /more$/, '-v: no "and N more"');
  t.ok(all.split(', ').length > 3, '-v: every name');
});
