// One case per diagnostic code that really produces it: script text through the checker or the
// compiler (without clang), a patched Go binary, the REPL with a fake kernel, or bin/gotrace
// itself. Played by coverage.test.ts; the mapped type makes a code without a case a compile error.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Code } from '../../grammar/catalog/index.js';
import { buildGo } from '../helpers/go.js';
import { funcTypesUndescribed, greetWithoutDwarf, strippedFromGo, withoutGopark, withoutWaitReasons } from './synthetic.js';

export type Case =
  /** Parse and check, no binary. */
  | { check: string; positional?: string[]; unsafe?: boolean }
  /** compile() against `binary`, with clang only when `build` (through the cache). */
  | { compile: string | (() => string); binary?: () => string; strlen?: number; build?: boolean }
  /** bin/gotrace --json-diagnostics ARGS; `fakeClang` puts GOTRACE_CLANG on a script that fails,
   *  `noClang` hides clang, `noBpf` drops the capabilities BPF needs. */
  | { cli: string[] | (() => string[]); fakeClang?: boolean; noClang?: boolean; noBpf?: boolean; env?: NodeJS.ProcessEnv }
  /** Lines typed at a REPL on the ticker fixture (or no target), with a fake kernel; the code must
   *  come from the last line. `{tmp}` is a scratch folder. */
  | { repl: string[]; noTarget?: boolean; /** -p on a process that has exited since. */ deadTarget?: boolean }
  /** The parser's safety net: parse() of a source that throws when read. */
  | { parserCrash: true };

const values = () => buildGo('values');
const abi = () => buildGo('abi');
const valuesStripped = () => buildGo('values', { ldflags: '-s -w' });
const onValues = (compile: string): Case => ({ compile, binary: values });
const onAbi = (compile: string): Case => ({ compile, binary: abi });
const TICK = 'uprobe:main.tick { @m[1] = count() }';
const onFloats = (compile: string): Case => ({ compile, binary: () => buildGo('floats') });
const onPairing = (compile: string): Case => ({ compile, binary: () => buildGo('pairing') });

/** A script file in a folder of its own (imports are relative to it). */
function scriptFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-case-'));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

/** A thread of this test's own process that is not its main thread (Node runs several). */
function threadOfThisProcess(): number {
  const tid = fs
    .readdirSync(`/proc/${process.pid}/task`)
    .map(Number)
    .find((t) => t !== process.pid);
  if (tid === undefined) throw new Error('this process has one thread');
  return tid;
}

/** A process whose executable cannot be read even by root: a kernel thread (kthreadd is 2 on a
 *  host, but a container numbers its own). */
function processWithoutExe(): number {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      fs.accessSync(`/proc/${name}/exe`, fs.constants.R_OK);
    } catch {
      if (fs.existsSync(`/proc/${name}`)) return Number(name);
    }
  }
  throw new Error('no process without a readable /proc/PID/exe');
}

/** A port on 127.0.0.1 this process holds (unref'd: it never keeps the test alive). */
const busy = net.createServer();
await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
busy.unref();
const busyPort = (busy.address() as net.AddressInfo).port;

export const cases: { readonly [C in Code]: Case } = {
  GT1001: { check: 'uprobe:main.f { foo bar }' },
  GT1002: { check: 'uprobe { @x = 1 }' },
  GT1003: { check: 'kprobe:do_sys_open { }' },
  GT1004: { check: 'uprobe:/usr/bin/app { }' },
  GT1005: { check: 'uprobe::main.f { }' },
  GT1006: { check: 'interval:m:1 { }' },
  GT1007: { check: 'interval:s:0 { }' },
  GT1008: { check: 'uprobe:f { count() = 1 }' },
  GT1009: { check: 'uprobe:f { pid++ }' },
  GT1010: { check: 'uprobe:main.f { unroll(n) { } }' },
  GT1011: { check: 'uprobe:f { @x = 1.5 }' },
  GT1012: { check: 'uprobe:main.f/pid/ { }' },
  GT1013: { check: `BEGIN { @x = ${'('.repeat(200)}1${')'.repeat(200)}; }` },
  GT1014: { check: `BEGIN { ${'@x = 1; '.repeat(2001)}}` },
  GT1015: { check: `BEGIN { @x = ${Array(5002).fill('1').join(' * ')}; }` },
  GT1016: { check: 'interval:s:99999999999 { exit(); }' },
  GT1101: { check: 'uprobe:f { @x = 1 § 2 }' },
  GT1102: { check: 'uprobe:f { @x = "abc }' },
  GT1103: { check: 'uprobe:f { @x = 1 } /* not closed' },
  GT1104: { check: 'uprobe:f { @x = "a\\qb" }' },
  GT1105: { check: 'uprobe:f { @x = 12abc }' },
  GT1106: { check: 'uprobe:f { @x = 18446744073709551616 }' },
  GT1107: { check: "uprobe:f { @x = 'a' }" },
  GT1108: { check: ('//' + 'x'.repeat(62) + '\n').repeat(16385) },
  GT1220: { check: 'import "/nonexistent/gotrace-lib.gt"\nBEGIN { exit() }' },
  GT1221: { cli: () => [scriptFile('cycle.gt', 'import "cycle.gt"\nBEGIN { exit() }')] },
  GT1222: { check: 'macro one() { 1 }\nmacro one() { 2 }\nBEGIN { @x = one(); }' },
  GT1223: { check: 'macro one() { 1 }\nBEGIN { @x = one(2); }' },
  GT1224: { check: 'macro inc($x) { $x += 1; }\nBEGIN { inc(1); }' },
  GT1225: { check: 'macro r() { r() }\nBEGIN { r(); }' },
  GT1226: { check: 'macro set() { @a = 1; }\nBEGIN { @x = set(); }' },
  GT1227: { check: 'macro two(x) { $y = x; $y * 2 }\nBEGIN { while (two(1) < 3) { exit(); } }' },
  GT1228: { check: 'macro m() { @hidden = 1; }\nBEGIN { m(); }' },
  GT2370: { check: 'config = { max_strlen = 64 }\nBEGIN { exit() }' },
  GT2371: { check: 'config = { missing_probes = "maybe" }\nBEGIN { exit() }' },
  GT2372: { check: 'config = { missing_probes = "warn"; missing_probes = "error" }\nBEGIN { exit() }' },
  GT1229: { check: 'macro d(x) { x + x }\nBEGIN { @w = d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(1)))))))))))))))))) }' },
  GT1205: { check: 'tracepoint:syscalls { @n = count() }' },
  GT1206: { check: 'tracepoint:sys*:sys_enter_write { @n = count() }' },
  GT1999: { parserCrash: true },

  GT2001: { check: 'uprobe:main.f { @x = goidd; }' },
  GT2002: { check: 'uprobe:main.f { @x = $y; }' },
  GT2003: { check: 'BEGIN { @x = arg0; }' },
  GT2004: { check: 'uprobe:main.f { @x = cuont(); }' },
  GT2005: { check: 'END { @x = retval; }' },
  GT2010: { check: 'uprobe:main.f { @x = ksym(arg0); }' },
  GT2011: { check: 'uprobe:main.f, BEGIN { @x = 1; }' },

  GT2020: { check: 'uprobe:main.f { count(); }' },
  GT2021: { check: 'uprobe:main.f { $x = count(); }' },
  GT2022: { check: 'uprobe:main.f { @x += count(); }' },
  GT2023: { check: 'uprobe:main.f { @x = sum(); }' },
  GT2024: { check: 'uprobe:main.f { @x = lhist(arg0, 0, arg1, 10); }' },
  GT2025: { check: 'uprobe:main.f { @x = lhist(arg0, 10, 0, 1); }' },
  GT2026: { check: 'uprobe:main.f { @x = count(); @y = @x + 1; }' },
  GT2027: { check: 'uprobe:main.f { @x = 1; @x; }' },
  GT2028: { check: 'uprobe:main.f { @x = printf("a"); }' },
  GT2029: { check: 'uprobe:main.f { @lat = 1; print(@lta); }' },
  GT2031: { check: 'BEGIN { exit(1, 2); }' },
  GT2032: { check: 'BEGIN { print(); }' },
  GT2033: { check: 'BEGIN { clear(1); }' },
  GT2034: { check: 'BEGIN { @x[1] = 1; delete(1); }' },
  GT2035: { check: 'uprobe:main.f { @x = lhist(arg0, 0, 10, 0); }' },
  GT2036: { check: 'uprobe:main.f { @x = lhist(arg0, 0, 10, 20); }' },
  GT2037: { check: 'uprobe:main.f { @x = lhist(arg0, 0, 1001, 1); }' },
  GT2040: { check: 'uprobe:main.f { @x[1] = 1; @x[1, 2] = 2; }' },
  GT2041: { check: 'uprobe:main.f { @x = 1; @x = count(); }' },
  GT2042: { check: 'uprobe:main.f { $x = 1; $x = comm; }' },
  GT2043: { check: 'uprobe:main.f { @s = ustack; }' },
  GT2044: { check: 'uprobe:main.f { @x[comm] = 1; @x[pid] = 2; }' },
  GT2045: { check: 'uprobe:main.f { @x = lhist(arg0, 0, 10, 1); @x = lhist(arg0, 0, 20, 1); }' },
  GT2050: { check: 'uprobe:main.f { @x = arg0 / 0; }' },
  GT2060: { check: 'uprobe:main.f { @x = comm + 1; }' },
  GT2061: { check: 'uprobe:main.f /comm/ { @x = 1; }' },
  GT2062: { check: 'uprobe:main.f { @x = pid ? comm : 1; }' },
  GT2063: { check: 'uprobe:main.f { @x = (uint32)comm; }' },
  GT2070: { check: 'uprobe:main.f { printf(); }' },
  GT2071: { check: 'uprobe:main.f { printf(comm); }' },
  GT2072: { check: 'uprobe:main.f { printf("%k\\n", 1); }' },
  GT2073: { check: 'uprobe:main.f { printf("%d %d\\n", 1); }' },
  GT2074: { check: 'uprobe:main.f { printf("%d\\n", comm); }' },
  GT2075: { check: 'uprobe:main.f { printf("%99999d\\n", 1); }' },
  GT2076: { check: 'uprobe:main.f { execv(comm); }', unsafe: true },
  GT2080: { check: 'uprobe:main.f { system("ls"); }' },
  GT2090: { check: 'BEGIN { printf("%d\\n", $2); }', positional: ['1'] },
  GT2091: { check: 'BEGIN { @x = $1; }', positional: ['99999999999999999999999999'] },
  GT2100: { check: 'uprobe:main.f { @x = args; }' },
  GT2101: onValues('uprobe:main.(*Server).Handle { @x = args.r.Nope }'),
  GT2102: onValues('uprobe:main.sum { @x = args.xs }'),
  GT2103: onValues('uprobe:main.greet { @x = len(args.times) }'),
  GT2260: { check: 'uprobe:main.f { @x = reg("rax"); }' },
  GT2261: { check: 'uprobe:main.f { @x = strftime(comm, nsecs); }' },
  GT2262: { check: 'uprobe:main.f { signal("SIGNOPE"); }', unsafe: true },
  GT2263: { check: 'BEGIN { signal("SIGUSR1"); }', unsafe: true },
  GT2264: { check: 'uprobe:main.f { printf("%s", ntop(comm)); }' },
  GT2265: onValues('uprobe:main.sum { join(args.xs) }'),
  GT2266: { check: 'uprobe:main.f { printf("%r", buf(arg0)); }' },
  GT2267: { check: 'uprobe:main.f { printf("%r", comm); }' },
  GT2268: { check: 'uprobe:main.f { @[ustack(0)] = count(); }' },
  GT2269: { check: 'uprobe:main.f { @x = strcontains(comm, arg0); }' },
  GT2270: { check: 'uprobe:main.f { printf("%s", buf(arg0, 8)); }' },
  GT2271: { compile: 'uprobe:main.show { @x = strcontains(str(arg0), str(arg2)); }', binary: () => buildGo('langfn'), strlen: 256 },
  GT2104: onAbi('uprobe:main.arrays { print(args.two) }'),
  GT2105: onValues('uprobe:main.greet { @x = args.nosuch }'),
  GT2106: { compile: 'uprobe:sync.(*Once).doSlow { @x = args.f }', binary: funcTypesUndescribed },
  GT2107: onValues('uprobe:main.scale { @x = args.f }'),
  GT2108: onValues('uprobe:runtime.typedmemmove { @x = args.dst.x }'),
  GT2109: onValues('uprobe:main.greet { @x = args.name[0] }'),
  GT2120: { check: 'BEGIN { @x = len(args.x) }' },
  GT2121: { check: 'uprobe:main.f { @x = len(pid.x) }' },
  GT2122: onValues('uprobe:main.greet, uprobe:main.sum { @x = len(args.0) }'),
  GT2301: onValues('uprobe:main.s* /rets.error != nil/ { @x = count() }'),
  GT2302: onValues('uprobe:main.*e* /rets.error != nil/ { @x = count() }'),
  // Floats in memory are read now (args.n.one[0] is one); complex numbers are not.
  GT2123: onFloats('uprobe:main.place { @x = args.p.Z }'),
  GT2241: { check: 'uprobe:main.f { @c = count(); print(percentile(@c, 50)); }' },
  GT2242: { check: 'uprobe:main.f { @h = hist(1); print(percentile(@h)); }' },
  GT2330: { check: 'uprobe:main.f { @h = hist(1); @x = percentile(@h, arg0); }' },
  GT2243: { check: 'uprobe:main.f { $t = (1, "a"); }' },
  GT2244: { check: 'uprobe:main.f { @t = (1, ustack); }' },
  GT2245: onFloats('uprobe:main.manyFloats { @x = args.q * 2 }'),
  GT2124: { compile: 'uprobe:runtime.freedefer { @x = args.d.fn }', binary: funcTypesUndescribed },
  GT2125: onValues('uprobe:runtime.send { print(args.sg.g) }'),
  GT2127: { compile: 'uprobe:main.greet { @x = args.name }', binary: greetWithoutDwarf },
  GT2128: { compile: 'uprobe:main.greet { @x = args.name }', binary: valuesStripped },
  GT2220: { compile: 'tracepoint:syscalls:sys_enter_write, profile:hz:99 { @[args.fd] = count() }' },
  GT2221: { compile: 'tracepoint:syscalls:sys_enter_write { @[args.fdd] = count() }' },
  GT2222: { compile: 'tracepoint:sched:sched_wakeup, tracepoint:sched:sched_process_exec { @[args.pid] = count() }' },
  GT2223: { compile: 'tracepoint:sock:inet_sock_set_state { @[args.saddr] = count() }' },
  GT2224: { compile: 'profile:hz:99 { @[goid] = count() }' },
  GT2225: { check: 'BEGIN { $target = 1 }' },
  GT2226: { check: 'BEGIN { @x = goid }' },
  GT2350: onValues('uprobe:main.greet { @e[rets.error] = count(); if (@e[rets.error] > 1) { printf("again\\n"); } }'),
  GT2351: onValues('uprobe:main.greet { @e[rets.error]++; }'),
  GT2129: { compile: 'uprobe:main.greet { @x = (*main.Nope)(arg0) }', binary: valuesStripped },
  GT2151: {
    compile: `uprobe:main.show { unroll(100) { @[${Array(8).fill('args.s').join(', ')}] = count(); } }`,
    binary: () => buildGo('strings'),
    strlen: 1024,
    build: true,
  },
  GT2150: { compile: `uprobe:main.greet { @[${Array(40).fill('args.name').join(', ')}] = count(); }`, binary: values, strlen: 1024 },

  GT2200: { check: 'go:goroutine_crate { @x = count() }' },
  GT2201: { check: 'go:block { @x[args.reson] = count() }' },
  GT2202: { check: 'go:block, go:stw_start { @x[args.reason] = count() }' },
  GT3100: { compile: 'go:block { @x = count() }', binary: withoutGopark },
  GT3101: { compile: 'go:block { @x[args.reason] = count() }', binary: withoutWaitReasons },
  GT3102: { compile: 'go:sched_run { @x[args.p] = count() }', binary: () => strippedFromGo('26') },
  GT3001: { compile: 'uprobe:main.f { @x = 1 }' },
  GT3002: { compile: 'uprobe:/etc/passwd:main.f { @x = 1 }' },
  GT3003: { compile: () => `uprobe:${values()}:main.greet { @x = 1 } uprobe:${abi()}:main.ints { @y = 1 }` },
  GT3004: onValues('uprobe:main.nosuch { @x = count() }'),
  GT3190: onValues('config = { missing_probes = "warn" }\nuprobe:main.nosuch, uprobe:main.main { @x = count() }'),
  GT3191: onValues('config = { missing_probes = "ignore" }\nuprobe:main.nosuch { @x = count() }'),
  GT3005: onValues('uretprobe:runtime.goexit { @x = count() }'),
  GT3006: onValues('uretprobe:runtime.memequal { @x = count() }'),
  GT3007: { cli: () => ['--dry-run', '--max-functions', '10', '-e', `uprobe:${values()}:runtime.* { @x = count() }`] },
  GT3010: { compile: 'uprobe:main.main { @x = count() }', binary: () => strippedFromGo('10') },
  GT3011: { repl: ['.args main.nosuch'] },
  GT3012: onPairing('uprobe:main.add { @n = count(); }'),
  GT3013: onPairing('uprobe:main.add { @s = sum(arg1); }'),
  GT3014: { compile: 'uprobe:main.main { @x = count() }', binary: () => strippedFromGo('99') },
  GT3015: onValues('uretprobe:runtime.goexit* { @x = count() }'),
  GT3016: onValues('uprobe:sync.* { @n = count(); }'),
  GT3017: onValues('uprobe:sync.* { @s = sum(arg1); }'),
  GT3150: { cli: () => ['--dry-run', '--graph', 'main.nothing', '-c', buildGo('callgraph')] },
  GT3151: { cli: () => ['--dry-run', '--graph', 'main.main', '--under', 'main.add', '-c', buildGo('pairing')] },
  GT3152: { cli: () => ['--dry-run', '--graph', 'main.handle', '--under', 'type..eq.*', '-c', buildGo('callgraph')] },
  GT5280: { repl: ['.graph main.tick --min soon'] },
  GT4001: { cli: ['--no-cache', '-e', 'BEGIN { exit() }'], noClang: true },
  GT4002: { cli: ['--no-cache', '-e', 'BEGIN { exit() }'], fakeClang: true },

  GT3120: { cli: ['-e', 'tracepoint:syscalls:sys_enter_write { @n = count() }'], env: { GOTRACE_TRACEFS: '/nonexistent' } },
  GT3121: { compile: 'tracepoint:syscalls:sys_enter_wirte { @n = count() }' },
  GT5001: { cli: ['/nonexistent/script.gt'] },
  GT5002: { cli: ['-p', '999999999', '-e', 'BEGIN { exit() }'] },
  GT5003: { cli: () => ['-p', String(processWithoutExe()), '-e', 'BEGIN { exit() }'] },
  GT5004: { cli: ['-c', '', '-e', 'BEGIN { exit() }'] },
  GT5005: { cli: ['-c', 'gotrace-no-such-command', '-e', 'BEGIN { exit() }'] },
  GT5006: { repl: ['.save /nonexistent/dir/x.gt'] },
  GT5007: { cli: ['-l', 'main.*'] },
  GT5008: { cli: () => ['-p', String(threadOfThisProcess()), '-e', 'BEGIN { exit() }'] },
  // A probe on one binary, -p of a process running another (this test's own Node).
  GT5009: { cli: () => ['-p', String(process.pid), '-e', `uprobe:${buildGo('latency')}:main.handle { @n = count(); }`] },
  GT5010: { cli: () => ['--prometheus', `127.0.0.1:${busyPort}`, '-e', 'BEGIN { @n = count(); exit() }'] },
  GT5011: { cli: ['--dry-run', '--prometheus', '127.0.0.1:9464', '-e', '// labels: @nope[a]\nBEGIN { @n = count(); exit() }'] },
  GT5100: { cli: ['-e', 'BEGIN { exit() }'], noBpf: true },
  GT5601: { repl: ['@nope'] },
  GT5602: { repl: ['interval:s:1 { @x = count() }', '.detach 1', 'interval:s:1 { @x = 5 }'] },
  GT5603: { repl: ['uprobe:main.tick { @__x = 1 }'] },
  GT5340: { repl: ['uprobe:os.(*File).Write { @e[rets.err] = count() }'] },
  GT5604: { repl: ['$x = 1'] },
  GT5605: { repl: [TICK, '@m[pid]'] },
  GT5606: { repl: [TICK, '@m[1, 2]'] },
  GT5607: { repl: [TICK, '@m[42]'] },
  GT5611: { repl: ['.load {tmp}/empty.gt'] },
  GT5612: { repl: ['}'] },
  GT5613: { repl: ['clear()'] },
  GT5614: { repl: [TICK, 'clear(@m[1])'] },
  GT5615: { repl: [TICK, 'delete(@m["a"])'] },
  GT5620: { repl: ['.funcs main'], noTarget: true },
  GT5621: { repl: ['.detach'] },
  GT5622: { repl: ['.detach 9'] },
  GT5623: { repl: ['.args'] },
  GT5625: { repl: [TICK, '.target /bin/true'] },
  GT5626: { repl: ['.target /nonexistent/app'] },
  GT5627: { repl: ['.load'] },
  GT5628: { repl: ['.save'] },
  GT5629: { repl: ['.bogus'] },
  GT5630: { repl: [TICK], deadTarget: true },
  GT5631: { repl: [TICK, '.save {tmp}/s.gt', '.detach 1', '.load {tmp}/s.gt', '.load {tmp}/s.gt'] },
  GT5632: { repl: ['.help nosuchname'] },
  GT5633: { repl: ['.types'] },
  GT5634: { repl: ['.types main.Nope'] },
  GT5635: { repl: ['.watch m'] },
};
