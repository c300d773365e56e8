// Go values by name: gotrace prints the arguments and results of real calls, and the program
// prints the same values itself; the two must agree line for line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { compile } from '../../compiler/index.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';

const SCRIPT = `
uprobe:main.greet { printf("greet name=%s times=%d loud=%d\\n", args.name, args.times, args.loud); }
uretprobe:main.greet { printf("greet ret=%s err=%d\\n", retval, rets.1 != nil); }
uprobe:main.(*Server).Handle {
  printf("handle method=%s path=%s size=%d host=%s port=%d id=%d\\n",
         args.r.Method, args.r.Path, args.r.Size, args.r.Hdr.Host, args.r.Hdr.Port, args.id);
}
uretprobe:main.(*Server).Handle { printf("handle err=%d\\n", retval != nil); }
uprobe:main.sum { printf("sum len=%d x2=%d scale=%d\\n", len(args.xs), args.xs[2], args.scale); }
uretprobe:main.sum { printf("sum ret=%d\\n", retval); }
uprobe:main.many { printf("many a=%d k=%d s=%s\\n", args.a, args.k, args.s); }
uretprobe:main.many { printf("many ret=%d\\n", retval); }
uprobe:main.lookup { printf("lookup m=%d ch=%d\\n", len(args.m), len(args.ch)); }
uprobe:main.vsum { printf("vsum prefix=%s n=%d x1=%d\\n", args.prefix, len(args.xs), args.xs[1]); }
`;

t.test('arguments and results agree with what the program prints', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('values');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-values-'));
  const script = path.join(dir, 'values.gt');
  const out = path.join(dir, 'events.txt');
  fs.writeFileSync(script, SCRIPT);
  const r = await runGotrace(['-o', out, script, '-c', bin]);
  t.equal(r.code, 0, r.stderr);
  const own = r.stdout.split('\n').filter((l) => /^(greet|handle|sum|many|lookup|vsum) /.test(l));
  const traced = fs
    .readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l);
  t.equal(own.length, 16, 'the program made 16 reports');
  t.same(traced, own, 'line for line');
});

t.test('unreadable memory is marked, values work as map keys', async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('values');
  const r = await runGotrace([
    '-e',
    'uprobe:main.nilHeader { printf("host=%s method=%s\\n", args.r.Hdr.Host, args.r.Method); } uprobe:main.(*Server).Handle { @by[args.r.Method, str(args.r.Path)] = count(); } uprobe:main.(*Server).Handle /args.r.Method == "POST"/ { printf("post %s\\n", args.r.Path); } uprobe:main.greet /args.name != "bob"/ { @n[args.name] = count(); }',
    '-c',
    bin,
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^host=<fault> method=HEAD$/m, 'a nil pointer reads as <fault>, not garbage');
  t.match(r.stdout, /^@by\[GET, \/index\.html\]: 1$/m);
  t.match(r.stdout, /^@by\[POST, \/api\/v1\/items\]: 1$/m);
  t.match(r.stdout, /^post \/api\/v1\/items$/m, 'string equality in a predicate');
  t.notMatch(r.stdout, /^post \/index/m);
  t.match(r.stdout, /^@n\[alice\]: 1\n@n\[carol\]: 1$/m, 'string inequality');
});

t.test("print() shows Go values in gotrace's form, %v / %+v / %q as Go's fmt", async (t) => {
  if (!requireBpf(t)) return;
  const bin = buildGo('values');
  const r = await runGotrace([
    '-e',
    [
      'uprobe:main.(*Server).Handle { print(args.r); printf("%v|%v|%v\\n", args.id, args.r.Hdr, args.r.Method); }',
      'uretprobe:main.(*Server).Handle { printf("err=%v\\n", retval); }',
      'uprobe:main.sum { print(args.xs); }',
      'uretprobe:main.greet { printf("rets %v %q %+v\\n", rets.0, rets.0, rets.1); }',
      'uprobe:main.nilHeader { print(args.r); }',
    ].join(' '),
    '-c',
    bin,
  ]);
  t.equal(r.code, 0, r.stderr);
  const want = [
    '&{Method: "HEAD", Path: "", Size: 0, Hdr: <nil>}',
    'rets  "" negative',
    'rets hello bob x0 "hello bob x0" <nil>',
    'rets hello carol x1 "hello carol x1" <nil>',
    /^&\{Method: "GET", Path: "\/index\.html", Size: 10, Hdr: 0xc[0-9a-f]+\}$/,
    '-7|&{example.org 8080}|GET',
    'err=<nil>',
    /^&\{Method: "POST", Path: "\/api\/v1\/items", Size: 500, Hdr: 0xc[0-9a-f]+\}$/,
    '-6|&{api.example.org 443}|POST',
    'err=too big',
    '[4 5 6 7]',
  ];
  const lines = r.stdout.split('\n').filter((l) => /^(&|rets |-\d|err=|\[)/.test(l));
  t.equal(lines.length, want.length, lines.join('\n'));
  want.forEach((w, i) => (typeof w === 'string' ? t.equal(lines[i], w) : t.match(lines[i], w)));
});

t.test('located errors for Go values', async (t) => {
  const bin = buildGo('values');
  const stripped = buildGo('values', { ldflags: '-s -w' });
  const cases: [string, string, RegExp][] = [
    [
      bin,
      'uprobe:main.greet { printf("%s\\n", args.nme); }',
      /ERROR: main\.greet has no parameter 'nme'\n.*\n\s+~~~\nHINT: did you mean 'name'\?/,
    ],
    [
      bin,
      'uprobe:main.(*Server).Handle { printf("%s\\n", args.r.Methd); }',
      /ERROR: \*main\.Request has no field Methd\n.*\n\s+~~~~~\nHINT: did you mean 'Method'\?/,
    ],
    [bin, 'uprobe:main.scale { @x = args.f; }', /ERROR: f is passed in floating-point registers, which uprobes cannot read/],
    [
      bin,
      'uprobe:main.sum { @x = args.xs; }',
      /ERROR: \[\]int is a composite value: read a field or an element, or use len\(\) or str\(\)/,
    ],
    [bin, 'uprobe:main.greet { @x = len(args.times); }', /ERROR: len\(\) of int is not defined/],
    [bin, 'uprobe:main.greet { @x = args.name + 1; }', /ERROR: cannot use '\+' on a string/],
    [bin, 'uprobe:main.greet { @x = rets.5; }', /ERROR: main\.greet has no result '5'\n.*\n.*\nHINT: its results: ~r0, ~r1/],
    [
      stripped,
      'uprobe:main.greet { printf("%s\\n", args.name); }',
      /ERROR: .* has no DWARF \(stripped\?\) and its type descriptors do not give main\.greet's signature: Go values need its debug information\n.*\n.*\nHINT: give the DWARF of this build with --debug-file FILE .*; arg0\.\.arg8 give the raw integer argument registers/,
    ],
  ];
  for (const [binary, src, want] of cases) {
    const r = await compile(new SourceFile('stdin', src), { binary, skipBuild: true });
    t.match(renderDiagnostics(r.diagnostics), want, src);
  }
});

t.test('an error whose itab the runtime made (not in the binary) is named through the live target (-p)', async (t) => {
  if (!requireBpf(t)) return;
  const target = spawn(buildGo('runtimeitab'), [], { stdio: 'ignore' });
  t.teardown(() => void target.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 300));
  const r = await runGotrace([
    '-e',
    'uprobe:main.fail < printf("%v | %+v\\n", rets.0, rets.0); > interval:ms:400 { exit(); }',
    '-p',
    String(target.pid),
  ]);
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.includes(' | '));
  t.ok(lines.length >= 3, `events printed: ${r.stdout}`);
  for (const l of lines) t.match(l, /^&\{\d+\} \| &\{code:\d+\}$/, 'printed as Go prints *main.codeErr, not type@0x...');
  t.equal(target.exitCode, null, 'the target runs on');
});
