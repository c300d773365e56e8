// The REPL as a live instrument (issue #15), through its streams with the fake live layer:
// probes reading maps other probes write, a target that dies, -o/-f through the printer
// registry, pipe mode's status and prompts, .load twice, .target's kept maps, .funcs on Go
// method names, .help NAME, did-you-mean, .types, completion of parameters and fields.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { FakeKernel, fakeBackend, ReplDriver } from '../helpers/repl.js';
import { Target } from '../../runtime/target.js';
import { ringBytesFor } from '../../runtime/session.js';
import { topEntries, type MapEntry } from '../../runtime/aggregations.js';
import { AGGREGATIONS, BUILTINS } from '../../compiler/passes/semantic.js';
import { PROBE_KINDS } from '../../grammar/probe-kinds.js';
import { COMMANDS } from '../../runtime/repl/commands.js';
import { BUILTIN_HELP, FUNCTION_HELP, PROBE_HELP, COMMAND_EXAMPLES, helpFor } from '../../runtime/repl/help.js';

const ticker = buildGo('ticker');
const basic = buildGo('basic');

function repl(
  opts: { bin?: string; target?: Target; kernel?: FakeKernel } & Record<string, unknown> = {},
): ReplDriver & { kernel: FakeKernel } {
  const kernel = opts.kernel ?? new FakeKernel();
  const { bin, target, ...rest } = opts;
  const d = new ReplDriver({
    target: target ?? Target.open({ path: bin ?? ticker }),
    backend: fakeBackend(kernel),
    ...rest,
  }) as ReplDriver & { kernel: FakeKernel };
  d.kernel = kernel;
  return d;
}

t.test('a probe reads a map another probe writes (typed, kept after a detach, or in one .load)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-live-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const d = repl();
  await d.waitFor(/gotrace> $/);
  t.equal(await d.type('uprobe:main.tick { @c = count(); }'), 'probe 1 attached: uprobe:main.tick\n');
  t.equal(await d.type('interval:s:1 { print(@c); }'), 'probe 2 attached: interval:s:1\n', 'no "Undefined map: @c"');
  const load = d.kernel.loads[1];
  const c = load.manifest.maps.find((m) => m.name === '@c');
  t.ok(c && load.reuseMaps.has(c.cName), 'the reader shares the writer’s kernel map');
  await d.type('.detach all');
  t.equal(await d.type('interval:s:1 { print(@c); }'), 'probe 3 attached: interval:s:1\n', 'a kept map with no writer left');
  t.match(await d.type('interval:s:1 { print(@nope); }'), /ERROR: Undefined map: @nope/, 'unknown maps are still errors');
  const file = path.join(dir, 'two.gt');
  fs.writeFileSync(file, 'uprobe:main.work { @w = count(); }\ninterval:s:1 { print(@w); }\n');
  t.equal(await d.type(`.load ${file}`), 'probe 4 attached: uprobe:main.work\nprobe 5 attached: interval:s:1\n');
  // Loading it again would double-count: refused, said clearly.
  t.equal(await d.type(`.load ${file}`), `ERROR: ${file} is already loaded (probes 4, 5)\nHINT: .detach 4, 5 first, then .load it again\n`);
  t.equal(d.core.probes.size, 3, 'nothing attached twice');
  await d.end();
});

t.test('the target dies: probes detached, .run and new probes say so', async (t) => {
  const p = spawn(ticker, ['-every', '5ms'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.teardown(() => void p.kill('SIGKILL'));
  await waitForOutput(p.stdout!, /ready/);
  const d = repl({ target: Target.open({ pid: p.pid! }) });
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { @n = count(); }');
  const from = d.text.length;
  p.kill('SIGKILL');
  t.match(
    await d.waitFor(/detached .*\n/, from),
    new RegExp(
      `target process ${p.pid} .* exited\nprobe 1 detached \\(their maps stay; \\.target PID\\|PATH to trace another process\\)\n`,
    ),
  );
  t.ok(d.kernel.handles[0].disposed, 'its object released');
  t.equal(await d.type('.probes'), 'no probes attached\n');
  t.match(await d.type('.run'), /^process \d+ .* exited: \.target PID\|PATH to trace another\n$/);
  t.equal(
    await d.type('uprobe:main.tick { @m = count(); }'),
    `ERROR: the target exited: use .target\nHINT: process ${p.pid} (${ticker}) exited; .target PID|PATH traces another process\n`,
  );
  t.equal(await d.type('@n'), '@n is empty\n', 'its maps stay readable');
  t.match(await d.type(`.target ${ticker}`), /^target: every process running .*\nmaps kept from before: @n \(clear\(@m\) empties one\)\n$/);
  t.equal(await d.type('uprobe:main.tick { @m = count(); }'), 'probe 2 attached: uprobe:main.tick\n', 'a new target takes probes again');
  await d.end();
});

t.test('-o and -f: probe output and the exit maps through the printer registry', async (t) => {
  let results = '';
  const d = repl({ format: 'json', results: { write: (s: string) => void (results += s) } });
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { @n = count(); printf("hi\\n"); }');
  d.kernel.set(d.core.maps.get('@n')!.fd, [], 4n);
  const h = d.kernel.handles[0];
  h.handler!({ spec: { id: 0, kind: 'print_map', map: '@n', args: [] }, probe: 0, args: [] });
  t.equal(results, '{"type":"map","data":{"@n":4}}\n', 'print(@n) from a probe: JSON, to the results');
  t.equal(await d.type('@n'), '@n: 4\n', 'answers at the prompt stay text on the terminal');
  const r = await d.end();
  t.equal(r.code, 0);
  t.equal(results, '{"type":"map","data":{"@n":4}}\n{"type":"map","data":{"@n":4}}\n', 'the exit maps too');
  t.notMatch(r.text, /@n/, 'not on the terminal');
});

t.test('pipe mode: no prompts; exit status 1 when a line failed, 0 otherwise', async (t) => {
  for (const [lines, code] of [
    [['uprobe:main.tick { @n = count(); }', '.maps'], 0],
    [['uprobe:main.tick { @n = nope; }', '.maps'], 1],
    [['.nosuch'], 1],
    [['@zz'], 1],
  ] as const) {
    const d = repl({ pipe: true });
    d.input.write(lines.join('\n') + '\n');
    const r = await d.end();
    t.equal(r.code, code, `${lines.join('; ')}: status ${code}`);
    t.notMatch(d.text, /gotrace> |\.\.\. /, 'no prompt printed');
  }
});

t.test('.funcs on Go method names, with a count; .types; .help NAME; did-you-mean', async (t) => {
  const d = repl({ bin: basic });
  await d.waitFor(/gotrace> $/);
  t.equal(
    await d.type('.funcs main.(*Server)'),
    'uprobe:main.(*Server).Handle\n1 function match *main.(*Server)*\n',
    'the * of (*T) is not a wildcard',
  );
  t.equal(await d.type('.funcs main.(*Server).Handle'), 'uprobe:main.(*Server).Handle\n1 function match *main.(*Server).Handle*\n');
  const long = await d.type('.funcs runtime.');
  t.match(
    long,
    /\n\d+ functions match \*runtime\.\*; \d+ more not shown: narrow the pattern, or \.funcs runtime\. all\n$/,
    'a long list is cut, with a count',
  );
  t.ok(long.split('\n').length <= 40, 'to a screenful');
  t.match(await d.type('.funcs runtime. all'), /\n\d+ functions match \*runtime\.\*\n$/);
  t.match(await d.type('.types main.Server'), /^main\.Server: struct, \d+ bytes\n {4}\+0 +name +string\n {4}\+16 +count +int\n$/);
  t.match(await d.type('.types main.Nope'), /^ERROR: no type main\.Nope in /);
  t.equal(
    await d.type('.help hist'),
    'hist: function: a power-of-2 histogram (sized to the terminal at the prompt)\n    @lat = hist(elapsed)\n',
  );
  t.equal(
    await d.type('.help elapsed'),
    'elapsed: builtin: nanoseconds from entry to return (makes a uprobe block run at return)\n    uprobe:main.handle { @lat = hist(elapsed); }\n',
  );
  t.match(await d.type('.help interval'), /^interval: probe kind: .*\n {4}interval:s:1 /);
  t.match(await d.type('.help .detach'), /^\.detach ID\|all: dot-command: Detach a probe .*\n {4}\.detach 2\n$/);
  t.equal(
    await d.type('.help histt'),
    'ERROR: no help for histt\nHINT: did you mean hist?\nHINT: .help lists the commands; .help NAME knows builtins, functions, probe kinds and .commands\n',
  );
  t.equal(await d.type('.prbes'), 'ERROR: unknown command .prbes\nHINT: did you mean .probes?\nHINT: .help lists the commands\n');
  await d.end();
});

t.test('.help knows every builtin, function, probe kind and command, each with an example', async (t) => {
  for (const n of Object.keys(BUILTINS)) t.ok(BUILTIN_HELP[n]?.example, `builtin ${n}`);
  for (const n of Object.keys(AGGREGATIONS)) t.ok(FUNCTION_HELP[n]?.example, `function ${n}`);
  for (const n of ['printf', 'print', 'time', 'exit', 'clear', 'zero', 'delete', 'str', 'len', 'system', 'execv', 'cat'])
    t.ok(FUNCTION_HELP[n]?.example, `function ${n}`);
  for (const k of PROBE_KINDS) t.ok(PROBE_HELP[k.kind]?.example, `probe kind ${k.kind}`);
  for (const c of Object.keys(COMMANDS)) {
    t.ok(COMMAND_EXAMPLES[c], `.${c} has an example`);
    t.ok(helpFor('.' + c, COMMANDS), `.help .${c}`);
  }
});

t.test('TAB: parameters after args., fields after args.NAME., inside str(), across lines', async (t) => {
  const d = repl({ bin: basic, terminal: true });
  await d.session.ready;
  const typeKeys = (s: string) => {
    for (const k of s) d.input.write(k);
  };
  typeKeys('uprobe:main.(*Server).Handle { @x = args.');
  // Two TABs: readline lists the candidates when they share no longer prefix.
  d.input.write('\t');
  d.input.write('\t');
  await d.waitFor(/args\.req/);
  t.match(d.text, /args\.s\s+args\.req/, 'the parameters, not the builtins');
  d.input.write('\x15');
  typeKeys('uprobe:main.(*Server).Handle { @x = args.s.c');
  d.input.write('\t');
  await d.waitFor(/args\.s\.count$/);
  t.equal(d.session.server.line, 'uprobe:main.(*Server).Handle { @x = args.s.count', 'a field through the pointer');
  d.input.write('\x15');
  typeKeys('uprobe:main.(*Server).Handle { @x[str(args.r');
  d.input.write('\t');
  await d.waitFor(/str\(args\.req$/);
  d.input.write('\x15');
  typeKeys('uprobe:main.(*Server).Handle {\r');
  await d.waitFor(/\.\.\. (\x1b\[\d+G)?$/);
  typeKeys('@x = args.r');
  d.input.write('\t');
  await d.waitFor(/@x = args\.req$/);
  t.pass('the probe on the line before gives the function');
  d.input.write('\x15');
  d.input.write('\x04');
  await d.session.done;
});

t.test('print(@m, top, div) keeps the largest entries, as bpftrace', async (t) => {
  const e = (k: bigint, v: bigint): MapEntry => ({ keys: [{ type: 'int', value: k }], value: { type: 'int', value: v } });
  const sorted = [e(1n, 10n), e(3n, 20n), e(2n, 30n)];
  t.same(topEntries(sorted, 2), [e(3n, 20n), e(2n, 30n)]);
  t.same(topEntries(sorted, 2, 10), [e(3n, 2n), e(2n, 3n)]);
  t.same(topEntries(sorted), sorted);
});

t.test('histograms at the prompt fill the terminal; bpftrace’s 52 columns without one', async (t) => {
  for (const [columns, bar] of [
    [60, 33],
    [120, 93],
    [undefined, 52],
  ] as const) {
    const d = repl({ columns });
    await d.waitFor(/gotrace> $/);
    await d.type('uprobe:main.tick { @h = hist(arg0); }');
    const fd = d.core.maps.get('@h')!.fd;
    d.kernel.map(fd).entries.set('', { keys: [], value: { type: 'hist', buckets: [0n, 0n, 5n, 10n] } });
    const rows = (await d.type('@h')).split('\n').filter((l) => l.includes('|'));
    t.equal(rows.length, 2, `${columns}: two buckets`);
    t.equal(rows[1], `[2, 4)${' '.repeat(10)}${'10'.padStart(8)} |${'@'.repeat(bar)}|`, `${columns} columns: bars of ${bar}`);
    if (columns)
      t.ok(
        rows.every((r) => r.length === columns),
        'as wide as the terminal',
      );
    await d.end();
  }
});

t.test('.watch @m [seconds] [top N]: redrawn until a key; once from a pipe', async (t) => {
  const d = repl({ terminal: true });
  await d.session.ready;
  d.input.write('uprobe:main.tick { @m[arg0] = count(); }\r');
  await d.waitFor(/probe 1 attached/);
  const fd = d.core.maps.get('@m')!.fd;
  for (const [k, v] of [
    [1n, 10n],
    [2n, 30n],
    [3n, 20n],
  ])
    d.kernel.set(fd, [k], v);
  const from = d.text.length;
  d.input.write('.watch @m 0.1 top 2\r');
  await d.waitFor(/(@m every 0\.1s, top 2 .*any key stops\n@m\[3\]: 20\n@m\[2\]: 30\n[^]*){3}/, from);
  d.kernel.set(fd, [4n], 99n);
  await d.waitFor(/@m\[2\]: 30\n@m\[4\]: 99\n/, from);
  t.notMatch(d.text.slice(from), /@m\[1\]/, 'only the top 2');
  t.match(d.text.slice(from), /\x1b\[H\x1b\[2J@m every/, 'redrawn in place');
  d.input.write('q');
  await d.waitFor(/gotrace> (\x1b\[\d+G)?$/, d.text.length);
  t.equal(d.session.server.line, '', 'the key that stopped it is not typed');
  d.input.write('\x04');
  await d.session.done;

  const p = repl();
  await p.waitFor(/gotrace> $/);
  await p.type('uprobe:main.tick { @n = count(); }');
  t.match(await p.type('.watch @n'), /^@n every 1s .*\n@n is empty\n$/, 'without a terminal: once');
  t.equal(await p.type('.watch @x'), 'ERROR: unknown map @x\n');
  t.equal(await p.type('.watch n'), 'ERROR: usage: .watch @MAP [SECONDS] [top N]\n');
  await p.end();
});

t.test("each probe's event ring: 1 MiB in the REPL, --ring-size when given, a page without events", async (t) => {
  const d = repl();
  await d.waitFor(/gotrace> $/);
  await d.type('uprobe:main.tick { printf("%d\\n", arg0); }');
  t.equal(d.kernel.loads[0].ringBytes, 1 << 20, 'the REPL default, not the CLI 8 MiB');
  t.equal(ringBytesFor(d.kernel.loads[0].manifest, d.kernel.loads[0].ringBytes), 1 << 20, 'a probe with events gets it');
  await d.type('uprobe:main.tick { @n = count(); }');
  t.equal(ringBytesFor(d.kernel.loads[1].manifest, d.kernel.loads[1].ringBytes), 4096, 'a maps-only probe: one page');
  await d.end();
  const sized = repl({ ringBytes: 64 << 10 });
  await sized.waitFor(/gotrace> $/);
  await sized.type('uprobe:main.tick { printf("%d\\n", arg0); }');
  t.equal(sized.kernel.loads[0].ringBytes, 64 << 10, '--ring-size');
  await sized.end();
});
