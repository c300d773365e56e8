// The REPL's history file (#12.3, #15.2): never followed through a symlink, never taken from
// another user, rewritten whole (no fused lines), 1,000s of entries kept, and a probe typed over
// several lines recalled as one entry. Driven through the REPL server's streams on a terminal.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { buildGo } from '../helpers/go.js';
import { fakeBackend, ReplDriver } from '../helpers/repl.js';
import { Target } from '../../runtime/target.js';
import { HISTORY_SIZE, loadHistory, parseHistory, saveHistory } from '../../runtime/repl/history.js';

const bin = buildGo('ticker');
const NOBODY = 65534;
const UP = '\x1b[A';

function home(t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-hist-'));
  fs.chmodSync(dir, 0o755);
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function terminalRepl(historyFile: string): ReplDriver {
  return new ReplDriver({ target: Target.open({ path: bin }), backend: fakeBackend(), terminal: true, historyFile });
}

/** readline's live history, newest first. */
const histOf = (d: ReplDriver) => (d.session.server as unknown as { history: string[] }).history;

/** Types `line` and Enter, then waits for `re`. */
async function enter(d: ReplDriver, line: string, re: RegExp): Promise<void> {
  const from = d.text.length;
  d.input.write(line + '\r');
  await d.waitFor(re, from);
}

t.test('a symlink to a root-owned file is not followed: the file is untouched', async (t) => {
  if (process.getuid?.() !== 0) return t.plan(0, 'needs root (the attack is against root)');
  const dir = home(t);
  const precious = path.join(dir, 'precious');
  fs.writeFileSync(precious, 'root:secret\n', { mode: 0o600 });
  const user = path.join(dir, 'user');
  fs.mkdirSync(user, { mode: 0o755 });
  fs.chownSync(user, NOBODY, NOBODY);
  const hist = path.join(user, '.gotrace_history');
  // The user plants the link; root then runs the REPL with that HOME.
  execFileSync('runuser', ['-u', 'nobody', '--', 'ln', '-s', precious, hist]);
  const d = terminalRepl(hist);
  await d.waitFor(/history disabled: .*\.gotrace_history is a symbolic link/);
  await enter(d, 'uprobe:main.tick { @n = count(); }', /probe 1 attached/);
  d.input.write('\x04');
  t.equal(await d.session.done, 0);
  t.equal(fs.readFileSync(precious, 'utf8'), 'root:secret\n', 'the root-owned file is untouched');
  t.ok(fs.lstatSync(hist).isSymbolicLink(), 'the link is left as it was');
  t.same(fs.readdirSync(user), ['.gotrace_history'], 'no file written beside it');
});

t.test("a history file of another user's, or not a regular file, is refused", async (t) => {
  if (process.getuid?.() !== 0) return t.plan(0, 'needs root (to give the file away)');
  const dir = home(t);
  const hist = path.join(dir, '.gotrace_history');
  fs.writeFileSync(hist, 'uprobe:main.evil { system("x"); }\n', { mode: 0o644 });
  fs.chownSync(hist, NOBODY, NOBODY);
  t.match(loadHistory(hist), { refused: /owned by uid 65534/ });
  t.match(saveHistory(hist, ['x']), /owned by uid 65534/);
  const d = terminalRepl(hist);
  await d.waitFor(/history disabled: .*owned by uid 65534/);
  await enter(d, '.probes', /no probes|gotrace> $/);
  d.input.write('\x04');
  await d.session.done;
  t.equal(fs.readFileSync(hist, 'utf8'), 'uprobe:main.evil { system("x"); }\n', 'left as it was');
  t.same(histOf(d).includes('uprobe:main.evil { system("x"); }'), false, 'nothing of it recalled');
  fs.rmSync(hist);
  fs.mkdirSync(hist);
  t.match(loadHistory(hist), { refused: /not a regular file/ });
  fs.rmdirSync(hist);
  fs.writeFileSync(hist, '', { mode: 0o666 });
  fs.chmodSync(hist, 0o666);
  t.match(loadHistory(hist), { refused: /writable by others/ });
});

t.test('1,500 entries round-trip through the REPL without a fused line', async (t) => {
  const dir = home(t);
  const hist = path.join(dir, '.gotrace_history');
  // Entries of varied lengths: a rewrite in place without truncation leaves tails behind.
  const old = Array.from({ length: 1400 }, (_, i) => `uprobe:main.f${i} /args.ID > ${i}/ { @c${'x'.repeat(i % 37)} = count(); }`).reverse();
  t.equal(saveHistory(hist, old), undefined);
  const d = terminalRepl(hist);
  await d.session.ready;
  const typed: string[] = [];
  for (let i = 0; i < 100; i++) {
    typed.push(i % 2 ? `@m${i}` : `.help`);
    await enter(d, typed[i], /gotrace> $/);
  }
  d.input.write('\x04');
  await d.session.done;
  const back = loadHistory(hist) as string[];
  t.ok(Array.isArray(back));
  t.equal(back.length, 1500, '1,500 entries kept');
  const expected = [...typed]
    .reverse()
    .filter((x, i, a) => i === 0 || a[i - 1] !== x)
    .concat(old);
  t.same(back, expected.slice(0, 1500), 'every entry exact, newest first');
  t.ok(HISTORY_SIZE >= 1000);
  t.same(fs.readdirSync(dir), ['.gotrace_history'], 'no temporary file left');
  t.equal(fs.statSync(hist).mode & 0o777, 0o600);
});

t.test('a probe typed over several lines is stored and recalled as one entry', async (t) => {
  const dir = home(t);
  const hist = path.join(dir, '.gotrace_history');
  const block = ['uprobe:main.tick', '/arg0 > 0/ {', '  @n = count();', '}'];
  let d = terminalRepl(hist);
  await d.session.ready;
  for (const l of block.slice(0, -1)) await enter(d, l, /\.\.\. (\x1b\[\d+G)?$/);
  await enter(d, block[block.length - 1], /probe 1 attached/);
  t.equal(histOf(d)[0], block.join('\n'), 'one entry in the live history');
  d.input.write('\x04');
  await d.session.done;
  t.same(loadHistory(hist), [block.join('\n')], 'one entry in the file');
  t.match(fs.readFileSync(hist, 'utf8'), /^# gotrace history v2\n"uprobe:main.tick\\n\/arg0 > 0\/ \{\\n  @n = count\(\);\\n\}"\n$/);

  // A new session: one Up brings the whole block back, Enter attaches it again.
  d = terminalRepl(hist);
  await d.session.ready;
  const from = d.text.length;
  d.input.write(UP);
  d.input.write('\r');
  await d.waitFor(/probe 1 attached: uprobe:main\.tick/, from);
  t.equal(d.core.probes.size, 1);
  t.same(histOf(d).slice(0, 2), [block.join('\n')], 'recalled, run, still one entry');
  d.input.write('\x04');
  await d.session.done;
  t.same(loadHistory(hist), [block.join('\n')]);
});

t.test("Node's old format (one entry a line) is read; damaged lines are dropped", async (t) => {
  t.same(parseHistory('.maps\n.probes\n'), ['.maps', '.probes']);
  t.same(parseHistory('# gotrace history v2\n"a\\nb"\n{bad\n"c"\n'), ['a\nb', 'c']);
});
