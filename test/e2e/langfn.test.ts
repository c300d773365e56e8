// The language's functions against real BPF. The fixture (test/fixtures/go/langfn) prints, itself,
// what gotrace must print: Go's own runtime.Callers for stacks (inlined frames included),
// runtime.Caller for the caller, net.IP's and netip.Addr's String, strings.Join, %r's rule for
// bytes, its strings, and the wall clock. Where bpftrace 0.17 has the function (ntop of an
// integer, strncmp, strcontains), the output is bpftrace's, byte for byte.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

const SCRIPT = `
uprobe:main.show {
  printf("str %s|%s|%s\\n", str(arg0), str(arg2), str(arg0, arg1 < 2 ? arg1 : 2));
  if (args.n == 1) { printf("now %s\\n", strftime("%Y-%m-%d %H:%M:%S", nsecs)); }
}
uprobe:main.addrs {
  printf("ip %s %s\\n", ntop(args.ip), ntop(args.a));
  printf("buf %r\\n", buf(args.data));
  if (len(args.parts) == 3) { join(args.parts, ","); }
}
uprobe:main.leaf {
  printf("caller %s\\n", caller);
  @stack[ustack] = count();
  @raw[ustack(raw, 3)] = count();
}
uretprobe:main.leaf { printf("atret %s\\n", caller); }
`;

/** The fixture's lines starting with `word `, without it. */
const own = (out: string, word: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith(word + ' '))
    .map((l) => l.slice(word.length + 1));

t.test('functions print what the Go program prints of the same values', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('langfn');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-langfn-'));
  const out = path.join(dir, 'out.txt');
  fs.writeFileSync(path.join(dir, 'x.gt'), SCRIPT);
  const r = await runGotrace(['-o', out, path.join(dir, 'x.gt'), '-c', bin]);
  t.equal(r.code, 0, r.stderr);
  const traced = fs.readFileSync(out, 'utf8');
  for (const word of ['str', 'ip', 'buf', 'caller']) t.same(own(traced, word), own(r.stdout, word), `${word}: the program's own lines`);
  t.equal(own(r.stdout, 'str').length, 3, 'three calls of show');
  t.equal(own(r.stdout, 'caller')[0], 'main.mid', "the caller is the inlined function, as Go's runtime.Caller says");
  t.same(own(traced, 'atret'), own(r.stdout, 'caller'), 'the same caller at return ([SP] holds the return address at RET too)');
  t.match(traced, new RegExp(`^${own(r.stdout, 'join')[0]}$`, 'm'), 'join() as strings.Join');

  // strftime(): the fixture read the clock just before its first call of show.
  const [mine, theirs] = [own(traced, 'now')[0], own(r.stdout, 'now')[0]].map((s) => Date.parse(s!.replace(' ', 'T')));
  t.ok(mine! - theirs! >= 0 && mine! - theirs! <= 1000, `strftime within a second of the program's clock (${mine! - theirs!} ms)`);

  // ustack: the names of the frames, inlined ones included, are Go's traceback's.
  const stack = /@stack\[\n([\s\S]*?)\]: 2/.exec(traced)?.[1] ?? '';
  const names = stack
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().replace(/(\+\d+| \[inlined\])$/, ''));
  t.same(names, own(r.stdout, 'stack')[0]!.split(' '), 'ustack frames as runtime.Callers');
  t.match(stack, /^ {8}main\.mid \[inlined\]$/m, 'the inlined frame is marked');
  const raw = /@raw\[\n([\s\S]*?)\]: 2/.exec(traced)?.[1] ?? '';
  t.match(raw, /^([0-9a-f]+\n){3}$/, 'ustack(raw, 3): three addresses in hex');
});

t.test('signal() sends to the traced process, only with --unsafe', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('langfn');
  const script = 'uprobe:main.waitSignal { signal("SIGUSR1"); }';
  const r = await runGotrace(['--unsafe', '-e', script, '-c', `${bin} signal`]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^got user defined signal 1$/m, 'the program received SIGUSR1');
  const refused = await runGotrace(['-e', script, '-c', `${bin} signal`]);
  t.not(refused.code, 0);
  t.match(refused.stderr, /ERROR: signal\(\) runs with gotrace's privileges and needs --unsafe/);
});

t.test('ntop, strncmp and strcontains print as bpftrace prints them', async (t) => {
  if (!requireBpf(t)) return;
  const script =
    'BEGIN { printf("%s %s|%d %d %d %d %d|%d %d %d %d\\n", ntop(0x0100007f), ntop(0xfeffff0a), ' +
    'strncmp("abc", "abd", 2), strncmp("abc", "abd", 3), strncmp("ab", "abc", 3), strncmp("", "", 3), strncmp("abc", "ab", 2), ' +
    'strcontains("hello", "ell"), strcontains("hello", "elx"), strcontains("hello", ""), strcontains("hello", "llo")); exit(); }';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-langfn-'));
  fs.writeFileSync(path.join(dir, 'x.bt'), script);
  const r = await runGotrace([path.join(dir, 'x.bt')]);
  t.equal(r.code, 0, r.stderr);
  const b = spawnSync('bpftrace', [path.join(dir, 'x.bt')], { encoding: 'utf8', timeout: 60_000 });
  t.equal(b.status, 0, b.stderr);
  const line = (s: string) => s.split('\n').find((l) => l.includes('|'));
  t.equal(line(r.stdout), line(b.stdout), "bpftrace's line");
  t.equal(line(r.stdout), '127.0.0.1 10.255.255.254|0 1 1 0 0|1 0 1 1');
});

t.test('a macro from an imported file traces as the code written out', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('langfn');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-langfn-'));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.writeFileSync(path.join(dir, 'lib', 'net.gt'), 'macro ip(a, b) {\n  printf("ip %s %s\\n", ntop(a), ntop(b));\n}\n');
  fs.writeFileSync(path.join(dir, 'x.gt'), 'import "lib/net.gt"\nuprobe:main.addrs { ip(args.ip, args.a); }\n');
  const out = path.join(dir, 'out.txt');
  const r = await runGotrace(['-o', out, path.join(dir, 'x.gt'), '-c', bin]);
  t.equal(r.code, 0, r.stderr);
  t.same(own(fs.readFileSync(out, 'utf8'), 'ip'), own(r.stdout, 'ip'), "the program's own lines");
  t.equal(own(r.stdout, 'ip').length, 4);

  // A mistake inside the imported macro is located in the imported file.
  fs.writeFileSync(path.join(dir, 'x.gt'), 'import "lib/net.gt"\nuprobe:main.addrs { ip(args.nope, args.a); }\n');
  const bad = await runGotrace([path.join(dir, 'x.gt'), '-c', bin]);
  t.not(bad.code, 0);
  t.match(bad.stderr, /x\.gt:2:25-29: ERROR: main\.addrs has no parameter 'nope'|x\.gt:2:\d+-\d+: ERROR: .*nope/);
  fs.writeFileSync(path.join(dir, 'lib', 'net.gt'), 'macro ip(a, b) {\n  printf("ip %d\\n", ntop(a));\n}\n');
  fs.writeFileSync(path.join(dir, 'x.gt'), 'import "lib/net.gt"\nuprobe:main.addrs { ip(args.ip, args.a); }\n');
  const bad2 = await runGotrace([path.join(dir, 'x.gt'), '-c', bin]);
  t.not(bad2.code, 0);
  t.match(bad2.stderr, new RegExp(`${dir}/lib/net\\.gt:2:\\d+-\\d+: ERROR: '%d' wants an integer`), 'named by its file and line');
});
