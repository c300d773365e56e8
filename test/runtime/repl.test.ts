// The REPL driven through its streams with a fake live layer (real compiler without clang, maps
// in memory): every command, statement, error and continuation line. test/runtime/repl-bpf.test.ts
// does the parts that need the kernel.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { FakeKernel, fakeBackend, ReplDriver } from '../helpers/repl.js';
import { Target } from '../../runtime/target.js';
import { complete, functionCandidates } from '../../runtime/repl/complete.js';
import { historyPath } from '../../runtime/repl.js';
import { loadHistory } from '../../runtime/repl/history.js';

const bin = buildGo('ticker');

function repl(kernel = new FakeKernel()): ReplDriver & { kernel: FakeKernel } {
  const d = new ReplDriver({ target: Target.open({ path: bin }), backend: fakeBackend(kernel) }) as ReplDriver & { kernel: FakeKernel };
  d.kernel = kernel;
  return d;
}

const fdOf = (d: ReplDriver, name: string) => d.core.maps.get(name)!.fd;

t.test('a typed probe is compiled, attached and numbered; .probes lists it', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  t.equal(await d.type('uprobe:main.tick { @n = count(); }'), 'probe 1 attached: uprobe:main.tick\n');
  t.equal(await d.type('uprobe:main.t* { @m[arg0] = count(); }'), 'probe 2 attached: uprobe:main.t* (main.tick)\n');
  d.kernel.handles[0].hits = 41n;
  const probes = await d.type('.probes');
  t.match(probes, /^ {3}1 {9}41 {2}uprobe:main\.tick \{ @n = count\(\); \}\n {17}main\.tick; 1 site\n/m);
  t.match(probes, /^ {3}2 {10}0 {2}uprobe:main\.t\* \{ @m\[arg0\] = count\(\); \}$/m);
  t.ok(
    d.kernel.handles.every((h) => h.attached),
    'every object attached',
  );
  // The hidden hit counter is in the compiled object, not in what the user sees or saves.
  t.ok(d.kernel.loads[0].manifest.maps.some((m) => m.name === '@__hits'));
  t.notMatch(await d.type('.maps'), /__hits/);
  const r = await d.end();
  t.equal(r.code, 0);
});

t.test('blocks left open continue on the next lines; .break abandons one', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  t.equal(await d.type('uprobe:main.tick {'), '');
  t.match(d.text, /\.\.\. $/, 'continuation prompt');
  t.equal(await d.type('  @n = count();'), '');
  t.equal(await d.type('}'), 'probe 1 attached: uprobe:main.tick\n');
  t.match(d.text, /gotrace> $/);
  t.equal(await d.type('uprobe:main.work < @w = count() '), '');
  t.equal(await d.type('>'), 'probe 2 attached: uprobe:main.work\n');
  // A statement left open continues too.
  t.equal(await d.type('print(@n'), '');
  t.equal(await d.type(')'), '@n is empty\n');
  t.equal(await d.type('uprobe:main.tick {'), '');
  await d.type('.break');
  t.match(d.text, /gotrace> $/);
  t.equal(await d.type('.probes').then((s) => s.match(/^ +\d+ /gm)?.length), 2, 'the abandoned block attached nothing');
  await d.end();
});

t.test('a pasted block (several lines in one write) is read line by line', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  d.input.write('uprobe:main.tick {\n@n = count();\n}\n@n\nuprobe:main.work { @w = count() }\n.probes\n');
  const out = await d.waitFor(/main\.work; 1 site\n/);
  t.match(out, /probe 1 attached: uprobe:main\.tick\n@n is empty\nprobe 2 attached: uprobe:main\.work\n/);
  await d.end();
});

t.test('errors are located, the session goes on', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  t.equal(
    await d.type('uprobe:main.tick { @x = fake; }'),
    "stdin:1:25-29: ERROR: Unknown identifier: 'fake'\nuprobe:main.tick { @x = fake; }\n                        ~~~~\n",
  );
  t.match(await d.type('uprobe:main.tick { @x = ; }'), /^stdin:1:\d+-\d+: ERROR: syntax error/);
  // Resolution errors come from the block compiled with the hit counter inserted: located on
  // the text as typed all the same; and nothing of the input is attached.
  const two = await d.type('uprobe:main.tick { @a = count() } uprobe:main.tock { @b = count() }');
  t.match(
    two,
    /^stdin:1:35-51: ERROR: no function in .* matches 'main\.tock'\nuprobe:main\.tick .*\n {34}~{16}\nHINT: did you mean 'main\.tick'\?/,
  );
  t.equal(d.core.probes.size, 0);
  t.equal(
    await d.type('}'),
    "stdin:1:1-2: ERROR: unexpected '}': no block is open\n}\n~\n",
    'a stray brace is an error, not a continuation',
  );
  t.equal(
    await d.type('uprobe:main.tick { @x = 1; }}'),
    "stdin:1:29-30: ERROR: syntax error: expected a probe but found '}'\nuprobe:main.tick { @x = 1; }}\n                            ~\n",
  );
  t.match(await d.type('.nosuch x'), /^ERROR: unknown command \.nosuch x\nHINT: \.help lists the commands\n$/);
  t.equal(await d.type('uprobe:main.tick { @n = count(); }'), 'probe 1 attached: uprobe:main.tick\n');
  t.match(await d.type('uprobe:main.tick { @__hits = 1; }'), /ERROR: map names starting with @__ are reserved/);
  // The hit counter goes in every shape of block.
  t.equal(await d.type('uprobe:main.work { }'), 'probe 2 attached: uprobe:main.work\n');
  t.equal(await d.type('uprobe:main.work /pid == 1/ < >'), 'probe 3 attached: uprobe:main.work\n');
  t.equal(await d.type('uprobe:main.work /pid == 1/ < @w = elapsed >'), 'probe 4 attached: uprobe:main.work\n');
  t.equal(await d.type('uretprobe:main.work { if (retval > 0) { @r = 1 } }'), 'probe 5 attached: uretprobe:main.work\n');
  t.ok(
    d.kernel.loads.slice(1).every((l) => l.manifest.maps.some((m) => m.name === '@__hits')),
    'each has its counter',
  );
  await d.end();
});

t.test('maps keep one type across probes; a kept map keeps its layout until forgotten', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { @x = 5; }');
  t.equal(
    await d.type('uprobe:main.work { @x = count(); }'),
    'stdin:1:20-22: ERROR: @x holds integers elsewhere, count() here\nuprobe:main.work { @x = count(); }\n                   ~~\nHINT: a map keeps one type of value\n',
  );
  t.match(await d.type('uprobe:main.work { @x[1] = 2; }'), /^stdin:1:20-25: ERROR: @x used with 1 key here but 0 elsewhere/);
  // The same map in a second probe: one kernel map (the second object reuses the first's).
  t.equal(await d.type('uprobe:main.work { @x = 7; @y = count() }'), 'probe 2 attached: uprobe:main.work\n');
  const second = d.kernel.loads[1];
  const xSpec = second.manifest.maps.find((m) => m.name === '@x')!;
  t.ok(second.reuseMaps.has(xSpec.cName), '@x reused');
  t.notOk(
    second.manifest.maps.some((m) => m.name !== '@x' && second.reuseMaps.has(m.cName)),
    'nothing else reused (@y is new, hits are private)',
  );
  d.kernel.set(fdOf(d, '@x'), [], 7n);
  t.equal(await d.type('.detach 1'), 'probe 1 detached\n');
  t.equal(await d.type('@x'), '@x: 7\n', 'probe 2 still shares @x');
  t.equal(await d.type('.detach 2'), 'probe 2 detached\n');
  t.equal(await d.type('@x'), '@x: 7\n', 'kept after every probe using it is gone');
  t.equal(
    await d.type('uprobe:main.tick { @x = count(); }'),
    'stdin:1:20-22: ERROR: @x already holds integers, not count()\nuprobe:main.tick { @x = count(); }\n                   ~~\nHINT: clear(@x) once no probe uses it, and the name is free again\n',
  );
  t.equal(await d.type('clear(@x)'), '');
  t.match(await d.type('.maps'), /^@y /);
  t.equal(await d.type('uprobe:main.tick { @x = count(); }'), 'probe 3 attached: uprobe:main.tick\n');
  await d.end();
  t.equal(d.kernel.fds.size, 0, 'every fd closed at exit');
});

t.test('statements run at once on the live maps', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { @m[arg0] = count(); @n = count(); @h = hist(arg0) }');
  t.equal(await d.type('@n'), '@n is empty\n');
  d.kernel.set(fdOf(d, '@n'), [], 5n);
  for (const [k, v] of [
    [1n, 10n],
    [2n, 30n],
    [-3n, 20n],
  ])
    d.kernel.set(fdOf(d, '@m'), [k], v);
  t.equal(await d.type('@n'), '@n: 5\n');
  t.equal(await d.type('print(@m)'), '@m[1]: 10\n@m[-3]: 20\n@m[2]: 30\n');
  t.equal(await d.type('print(@m[2]); @m[-3]; @m[1 + 1]'), '@m[2]: 30\n@m[-3]: 20\n@m[2]: 30\n');
  t.equal(await d.type('delete(@m[2])'), '');
  t.equal(await d.type('@m[2]'), 'stdin:1:1-6: ERROR: @m has no entry [2]\n@m[2]\n~~~~~\n');
  t.equal(await d.type('delete(@m[2])'), 'stdin:1:8-13: ERROR: @m has no entry [2]\ndelete(@m[2])\n       ~~~~~\n');
  t.equal(await d.type('zero(@m)'), '');
  t.equal(await d.type('@m'), '@m[-3]: 0\n@m[1]: 0\n');
  t.equal(await d.type('clear(@m)'), '');
  t.equal(await d.type('@m'), '@m is empty\n');
  t.equal(await d.type('.maps').then((s) => /^@m .* probe 1$/m.test(s)), true, 'cleared but kept: probe 1 writes it');
  t.equal(await d.type('@mm'), 'stdin:1:1-4: ERROR: unknown map @mm\n@mm\n~~~\nHINT: did you mean @m?\n');
  t.equal(
    await d.type('print(@zzzzzz)'),
    'stdin:1:7-14: ERROR: unknown map @zzzzzz\nprint(@zzzzzz)\n      ~~~~~~~\nHINT: maps so far: @h, @m, @n\n',
  );
  t.match(await d.type('@m[1, 2]'), /^stdin:1:1-9: ERROR: @m has 1 key, 2 given\n/);
  t.match(await d.type('@m[pid]'), /^stdin:1:4-7: ERROR: keys at the prompt must be constants\n/);
  t.match(
    await d.type('@n = 1'),
    /^stdin:1:1-7: ERROR: only print\(\), clear\(\), zero\(\), delete\(\) and @map run at the prompt\n.*\n.*\nHINT: anything else belongs in a probe/,
  );
  t.match(await d.type('clear(@m[1])'), /^stdin:1:7-12: ERROR: clear\(\) acts on a whole map: clear\(@m\)/);
  t.match(await d.type('print(1)'), /ERROR: print\(\) at the prompt takes one map/);
  await d.end();
});

t.test('dot-commands: .help .funcs .args .maps .detach .target .run', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  const help = await d.type('.help');
  for (const c of [
    '.args FUNC',
    '.detach ID|all',
    '.exit',
    '.funcs PATTERN',
    '.help [NAME]',
    '.load FILE.gt',
    '.maps',
    '.probes',
    '.run',
    '.save FILE.gt',
    '.target PID|PATH',
    '.types NAME',
  ])
    t.match(help, new RegExp(`^    ${c.replace(/[.|[\]]/g, '\\$&')} `, 'm'), `.help lists ${c}`);
  t.equal(await d.type('.funcs main.t'), 'uprobe:main.tick\n1 function match *main.t*\n');
  t.equal(await d.type('.funcs main.*'), 'uprobe:main.main\nuprobe:main.tick\nuprobe:main.work\n3 functions match main.*\n');
  t.equal(await d.type('.funcs nosuchthing'), 'no function matches *nosuchthing*\n');
  t.match(
    await d.type('.args main.work'),
    /^uprobe:main\.work\n {4}args\.n int {2}RAX\n {4}rets\.0 int {2}RAX\n {4}entry \+0x[0-9a-f]+ .*1 return\n$/,
  );
  t.match(await d.type('.args uprobe:main.tick'), /^uprobe:main\.tick\n {4}args\.n int {2}RAX\n/);
  t.match(await d.type('.args main.nope'), /^ERROR: no function main\.nope in /);
  t.equal(await d.type('.maps'), 'no maps\n');
  t.equal(await d.type('.probes'), 'no probes attached\n');
  t.equal(await d.type('.detach 3'), 'ERROR: no probe 3\n');
  t.equal(await d.type('.detach'), 'ERROR: usage: .detach ID|all\n');
  await d.type('uprobe:main.tick { @n = count(); }');
  await d.type('uprobe:main.work { @n = count(); @w = count() }');
  d.kernel.set(fdOf(d, '@n'), [], 3n);
  t.equal(
    await d.type('.maps'),
    '@n           count()                      1 entry; probes 1, 2\n@w           count()                      0 entries; probe 2\n',
  );
  t.equal(await d.type('.run'), 'no held command (.run is for -c)\n');
  t.match(await d.type('.target'), /^target: every process running .*ticker/);
  t.match(await d.type(`.target ${bin}`), /^ERROR: probes are attached to the current target\nHINT: \.detach all first\n$/);
  t.equal(await d.type('.detach all'), 'probe 1 detached\nprobe 2 detached\n');
  t.ok(
    d.kernel.handles.every((h) => h.disposed),
    'detached objects released',
  );
  t.match(await d.type('.target /nonexistent/app'), /^ERROR: no such file: \/nonexistent\/app\n$/);
  t.match(await d.type('.target 999999999'), /^ERROR: no process with pid 999999999\n$/);
  t.match(await d.type(`.target ${bin}`), /^target: every process running /);
  t.equal(await d.type('@n'), '@n: 3\n', 'maps survive a change of target');
  // A process: its end is reported above the prompt.
  const p = spawn(bin, ['-every', '5ms'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await waitForOutput(p.stdout!, /ready/);
  t.match(
    await d.type(`.target ${p.pid}`),
    new RegExp(`^target: process ${p.pid} \\(.*ticker.*\\)\nmaps kept from before: @n, @w \\(clear\\(@m\\) empties one\\)\n$`),
  );
  const from = d.text.length;
  p.kill('SIGKILL');
  t.match(await d.waitFor(/exited\n/, from), new RegExp(`target process ${p.pid} .* exited\n`));
  await d.end();
});

t.test('.save writes the live probes as a script; .load attaches a script', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-repl-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const d = repl();
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick {');
  await d.type('  @n = count();');
  await d.type('}');
  await d.type('uprobe:main.work < @w = count() >');
  await d.type('uprobe:main.work { @gone = count() }');
  await d.type('.detach 3');
  const file = path.join(dir, 's.gt');
  t.equal(await d.type(`.save ${file}`), `saved 2 probes to ${file}\n`);
  const saved = fs.readFileSync(file, 'utf8');
  t.match(
    saved,
    /^\/\/ gotrace REPL session: 2 probes on every process running .*\nuprobe:main\.tick \{\n  @n = count\(\);\n\}\nuprobe:main\.work < @w = count\(\) >\n$/,
  );
  t.equal(await d.type('.detach all'), 'probe 1 detached\nprobe 2 detached\n');
  t.equal(await d.type(`.load ${file}`), 'probe 4 attached: uprobe:main.tick\nprobe 5 attached: uprobe:main.work\n');
  fs.writeFileSync(path.join(dir, 'bad.gt'), '// a comment\nuprobe:main.tick { @n = nope; }\n');
  t.equal(
    await d.type(`.load ${path.join(dir, 'bad.gt')}`),
    `${path.join(dir, 'bad.gt')}:2:25-29: ERROR: Unknown identifier: 'nope'\nuprobe:main.tick { @n = nope; }\n                        ~~~~\n`,
  );
  t.match(await d.type('.load /nonexistent.gt'), /^ERROR: cannot read \/nonexistent\.gt: ENOENT\n$/);
  t.match(await d.type(`.save ${dir}/no/such/dir.gt`), /^ERROR: cannot write .*: ENOENT\n$/);
  await d.end();
});

t.test('exit: every non-empty map printed in name order, everything released', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { @b = count(); @a[arg0] = count(); @empty = count() }');
  await d.type('uprobe:main.work { @c = count(); }');
  await d.type('.detach 2');
  d.kernel.set(fdOf(d, '@b'), [], 2n);
  d.kernel.set(fdOf(d, '@a'), [4n], 9n);
  d.kernel.set(fdOf(d, '@c'), [], 1n);
  const r = await d.end();
  t.equal(r.code, 0);
  t.equal(r.text, '\n@a[4]: 9\n@b: 2\n@c: 1\n');
  t.ok(d.kernel.handles.every((h) => h.disposed));
  t.equal(d.kernel.fds.size, 0);
});

t.test('probe events and exit() go through the REPL', async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { @n = count(); }');
  d.kernel.set(fdOf(d, '@n'), [], 12n);
  const h = d.kernel.handles[0];
  const from = d.text.length;
  h.handler!({ spec: { id: 0, kind: 'print_map', map: '@n', args: [] }, probe: 0, args: [] });
  t.equal(d.text.slice(from), '@n: 12\n', 'print(@n) from a probe is printed');
  h.handler!({ spec: { id: 1, kind: 'exit', args: [] }, probe: 0, args: [] });
  d.core.poll();
  t.ok(h.disposed, 'exit() detaches the probe that called it');
  t.match(d.text.slice(from), /probe 1 called exit\(\): detached\n$/);
  await d.end();
});

t.test('terminal: history in $HOME, Ctrl-C clears the line then exits, output above the prompt', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-home-'));
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  const saved = process.env.HOME;
  process.env.HOME = home;
  t.teardown(() => void (process.env.HOME = saved));
  t.equal(historyPath(), path.join(home, '.gotrace_history'));
  fs.writeFileSync(historyPath(), '.maps\n');

  const kernel = new FakeKernel();
  const d = new ReplDriver({
    target: Target.open({ path: bin }),
    backend: fakeBackend(kernel),
    terminal: true,
    historyFile: historyPath(),
  });
  await d.session.ready;
  d.input.write('uprobe:main.tick { @n = count(); }\r');
  await d.waitFor(/probe 1 attached/);
  d.input.write('.probes\r');
  await d.waitFor(/main\.tick; 1 site/);
  // Output arriving on its own is printed above the prompt; the half-typed line is redrawn.
  d.input.write('print(@');
  await d.waitFor(/print\(@$/);
  let from = d.text.length;
  d.core.out.notify('the target said hello\n');
  const redraw = d.text.slice(from);
  t.match(redraw, /^\x1b\[1G\x1b\[0J/, 'the line is cleared first');
  t.match(redraw, /the target said hello\n.*gotrace> print\(@/s, 'then the message, then the prompt and the line');
  // Ctrl-C clears the line; a second one on an empty line exits.
  from = d.text.length;
  d.input.write('\x03');
  await d.waitFor(/gotrace> (\x1b\[\d+G)?$/, from);
  t.equal(d.session.server.line, '', 'Ctrl-C cleared the line');
  d.input.write('\x03');
  await d.waitFor(/To exit, press Ctrl\+C again/, from);
  d.input.write('\x03');
  t.equal(await d.session.done, 0, 'second Ctrl-C on an empty line exits');
  await new Promise((r) => setTimeout(r, 100));
  const hist = loadHistory(historyPath());
  t.same(hist, ['.probes', 'uprobe:main.tick { @n = count(); }', '.maps'], 'history: newest first, kept from before');
  t.ok(kernel.handles.every((h) => h.disposed));
});

t.test('terminal: Ctrl-D exits; TAB completes', async (t) => {
  const d = new ReplDriver({ target: Target.open({ path: bin }), backend: fakeBackend(), terminal: true });
  await d.session.ready;
  // One key per write: readline does not complete pasted tabs.
  for (const k of ['u', 'p', 'r', 'o', 'b', 'e', ':', 'm', 'a', 'i', 'n', '.', 't', 'i', '\t']) d.input.write(k);
  await d.waitFor(/uprobe:main\.tick$/);
  t.equal(d.session.server.line, 'uprobe:main.tick');
  d.input.write('\x15'); // Ctrl-U
  for (const k of ['.', 'p', 'r', '\t']) d.input.write(k);
  await d.waitFor(/\.probes$/);
  d.input.write('\x15');
  for (const k of 'uprobe:main.work { @x = args.') d.input.write(k);
  d.input.write('\t');
  await d.waitFor(/args\.n$/);
  t.equal(d.session.server.line, 'uprobe:main.work { @x = args.n', 'parameter names from DWARF');
  d.input.write('\x15');
  d.input.write('\x04');
  t.equal(await d.session.done, 0);
});

t.test('completion candidates', async (t) => {
  const kernel = new FakeKernel();
  const d = repl(kernel);
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { @lat = count(); @calls = count() }');
  const src = {
    functions: () => ['main.main', 'main.tick', 'main.work', 'net/http.(*conn).serve', 'net/http.(*conn).close', 'net/http.Get'],
    maps: () => d.core.mapNames(),
    probeIds: () => [...d.core.probes.keys()],
    commands: () => ['args', 'detach', 'exit', 'funcs', 'help', 'load', 'maps', 'probes', 'run', 'save', 'target'],
  };
  t.same(complete('', src), [
    ['uprobe:', 'uretprobe:', 'go:', 'BEGIN', 'END', 'interval:', 'profile:', 'tracepoint:', 'print(', 'clear(', 'delete(', 'zero('],
    '',
  ]);
  t.same(complete('u', src), [['uprobe:', 'uretprobe:'], 'u']);
  t.same(complete('pro', src), [['profile:'], 'pro'], 'every probe kind of the table completes, profile: too');
  t.same(complete('uprobe:main.', src), [['main.main', 'main.tick', 'main.work'], 'main.']);
  t.same(complete('uprobe:net/http.(*', src), [['net/http.(*conn).serve', 'net/http.(*conn).close'], 'net/http.(*']);
  t.same(complete('uprobe:main.tick, ur:main.w', src), [['main.work'], 'main.w']);
  t.same(complete('uprobe:main.tick { @lat = el', src), [['elapsed'], 'el']);
  t.same(complete('uprobe:main.tick { @x[go', src), [['goid', 'gostart'], 'go']);
  t.same(
    complete('uprobe:main.tick { @x = co', src)[0].filter((w) => w === 'count' || w === 'comm'),
    ['comm', 'count'],
  );
  t.same(complete('uprobe:main.tick { @x = h', src)[0].includes('hist'), true);
  t.same(complete('print(@', src), [['@calls', '@lat'], '@']);
  const withParams = { ...src, params: (f: string) => (f === 'main.work' ? { args: ['n', 'name'], rets: ['0', 'err'] } : undefined) };
  t.same(complete('uprobe:main.work { @x = args.', withParams), [['args.n', 'args.name'], 'args.']);
  t.same(complete('uprobe:main.work { @x = args.na', withParams), [['args.name'], 'args.na']);
  t.same(complete('uprobe:main.tick { @a = 1 } uretprobe:main.work { @x = rets.', withParams), [['rets.0', 'rets.err'], 'rets.']);
  t.same(complete('uprobe:main.* { @x = args.', withParams), [[], 'args.'], 'no names for a wildcard');
  t.same(complete('@l', src), [['@lat'], '@l']);
  t.same(complete('.d', src), [['.detach'], '.d']);
  t.same(complete('.detach ', src), [['all', '1'], '']);
  t.same(complete('.funcs main.w', src), [['main.work'], 'main.w']);
  // Many functions: grouped at the next package or type boundary.
  const many = Array.from({ length: 200 }, (_, i) => `runtime.f${i}`).concat(['net/http.Get', 'net/url.Parse', 'main.main']);
  t.same(functionCandidates(many, ''), ['main.main', 'net/', 'runtime.']);
  t.same(functionCandidates(many, 'net/'), ['net/http.Get', 'net/url.Parse']);
  // The real target's names.
  const real = await import('../../compiler/passes/resolve.js').then((m) => m.openCached(bin));
  t.ok(real.findFunctions('main.*').length >= 3);
  await d.end();
});
