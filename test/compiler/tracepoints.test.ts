// Tracepoint formats, resolution and args.FIELD against a fake tracefs (no root needed): the
// parser's kinds per declaration, wildcards, the errors and their hints, and the C a field and a
// string field become.
import t from 'tap';
import { parseFormat, type TracepointFormat } from '../../compiler/kernel/tracefs.js';
import { generateC, eventSpecs, mapSpecs } from '../../compiler/codegen/c.js';
import { lower } from '../../compiler/pipeline.js';
import { analyze } from '../../compiler/passes/semantic.js';
import { resolveTracepoints, type TracefsView } from '../../compiler/passes/tracepoints.js';
import { parseText } from '../grammar/helpers.js';

const WRITE = `name: sys_enter_write
ID: 840
format:
	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
	field:int common_pid;	offset:4;	size:4;	signed:1;

	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
	field:unsigned int fd;	offset:16;	size:8;	signed:0;
	field:const char * buf;	offset:24;	size:8;	signed:0;
	field:size_t count;	offset:32;	size:8;	signed:0;
`;
const EXEC = `format:
	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
	field:pid_t pid;	offset:12;	size:4;	signed:1;
	field:char comm[16];	offset:16;	size:16;	signed:0;
	field:__u8 saddr[4];	offset:32;	size:4;	signed:0;
`;
const READ = WRITE.replace('sys_enter_write', 'sys_enter_read').replace('const char * buf', 'char * buf');
const MOVED = WRITE.replace('offset:16;', 'offset:20;');

function fake(formats: Record<string, string>, mounted = true): TracefsView {
  const all = Object.keys(formats).sort();
  const glob = (p: string) => new RegExp(`^${p.replace(/\*/g, '.*')}$`);
  return {
    root: () => {
      if (!mounted) throw new Error('tracefs is not mounted at /sys/kernel/tracing');
      return '/fake';
    },
    find: (c, n) => all.filter((k) => glob(c).test(k.split(':')[0]!) && glob(n).test(k.split(':')[1]!)),
    format: (c, n): TracepointFormat => ({ category: c, name: n, fields: parseFormat(formats[`${c}:${n}`]!) }),
    categories: () => [...new Set(all.map((k) => k.split(':')[0]!))],
    names: (c) => all.filter((k) => k.startsWith(c + ':')).map((k) => k.split(':')[1]!),
  };
}

const FS = fake({ 'syscalls:sys_enter_write': WRITE, 'syscalls:sys_enter_read': READ, 'sched:sched_process_exec': EXEC, 'x:moved': MOVED });

t.test('format fields: common ones hidden, each with its kind', async (t) => {
  const f = parseFormat(WRITE);
  t.same(
    f.map((x) => [x.name, x.type, x.offset, x.size, x.signed, x.kind]),
    [
      ['__syscall_nr', 'int', 8, 4, true, 'int'],
      ['fd', 'unsigned int', 16, 8, false, 'int'],
      ['buf', 'const char *', 24, 8, false, 'pointer'],
      ['count', 'size_t', 32, 8, false, 'int'],
    ],
  );
  t.same(
    parseFormat(EXEC).map((x) => [x.name, x.type, x.kind]),
    [
      ['filename', 'char[]', 'data_loc'],
      ['pid', 'pid_t', 'int'],
      ['comm', 'char[16]', 'chars'],
      ['saddr', '__u8[4]', 'array'],
    ],
  );
});

/** Codes and hints of resolving and checking `src` against FS. */
function check(src: string, fs = FS): string[] {
  const p = parseText(src).program!;
  const tps = resolveTracepoints(p, fs);
  const ds = tps.diagnostics.length ? tps.diagnostics : analyze(p, { tracepoints: tps.byBlock }).diagnostics;
  return ds.map((d) => [d.code, d.message, ...d.hints].join(' | '));
}

t.test('resolution: wildcards, misses with a suggestion, tracefs missing', async (t) => {
  const p = parseText('tracepoint:syscalls:sys_enter_* { @n = count(); }').program!;
  const r = resolveTracepoints(p, FS);
  t.same(
    r.byBlock.get(p.probes[0]!)!.map((x) => x.name),
    ['sys_enter_read', 'sys_enter_write'],
  );
  t.same(check('tracepoint:syscalls:sys_enter_wirte { @n = count(); }'), [
    "GT3121 | no tracepoint matches syscalls:sys_enter_wirte | did you mean 'syscalls:sys_enter_write'? | gotrace -l 'tracepoint:syscalls:*' lists them",
  ]);
  t.same(check('tracepoint:syscals:sys_enter_write { @n = count(); }'), [
    "GT3121 | no tracepoint matches syscals:sys_enter_write | did you mean 'syscalls:sys_enter_write'? | gotrace -l 'tracepoint:syscals:*' lists them",
  ]);
  t.same(check('tracepoint:syscalls:sys_enter_write { @n = count(); }', fake({}, false)), [
    'GT3120 | cannot read tracepoints: tracefs is not mounted at /sys/kernel/tracing | as root: mount -t tracefs nodev /sys/kernel/tracing',
  ]);
});

t.test('args.FIELD: typed from the format, the same in every tracepoint of the block', async (t) => {
  t.same(check('tracepoint:syscalls:sys_enter_* { @[args.fd, args.count] = count(); @b[str(args.buf)] = count(); }'), []);
  t.same(check('tracepoint:sched:sched_process_exec { @[args.filename, args.comm, args.pid] = count(); }'), []);
  t.same(check('tracepoint:syscalls:sys_enter_write { @[args.fdd] = count(); }'), [
    "GT2221 | tracepoint syscalls:sys_enter_write has no field 'fdd' | did you mean 'fd'?",
  ]);
  t.same(check('tracepoint:syscalls:sys_enter_write, tracepoint:x:moved { @[args.fd] = count(); }'), [
    'GT2222 | args.fd differs between the tracepoints of this block: syscalls:sys_enter_write (unsigned int at offset 16) and x:moved (unsigned int at offset 20) | the tracepoints of a block share one program: give them blocks of their own, or read fields they share',
  ]);
  t.same(check('tracepoint:sched:sched_process_exec { @[args.saddr] = count(); }'), [
    'GT2223 | args.saddr is an array of __u8[4]: only integers, pointers and strings are read',
  ]);
  t.same(
    check('tracepoint:syscalls:sys_enter_write { @[args.fd] = count(); @s[comm] = count(); @g[goid, ustack, func, $target] = count(); }'),
    [],
  );
});

t.test('codegen: fields read from the record, one shared program, cookies in the attach entries', async (t) => {
  t.same(check('tracepoint:sched:sched_process_exec { @[args.pid, args.filename, args.comm] = count(); }'), []);
  const src = 'tracepoint:sched:sched_process_exec { @[args.pid, args.filename, args.comm] = count(); }';
  const prog = parseText(src).program!;
  const tps = resolveTracepoints(prog, FS);
  const sem = analyze(prog, { tracepoints: tps.byBlock });
  const l = lower(prog, sem, [], undefined, 0, tps.byBlock);
  const maps = mapSpecs(sem.maps);
  const c = generateC(sem, l.probes, maps, eventSpecs(sem));
  t.match(c, /gt_tp_int\(ctx, 12, 4, 1\)/, 'pid: 4 signed bytes at 12');
  t.match(c, /gt_tp_data_loc\(ctx, 8, /, 'filename: a __data_loc string');
  t.match(c, /gt_tp_chars\(ctx, 16, .*, 16\);/, 'comm: at most its 16 bytes');
  t.match(c, /SEC\("tracepoint"\)\nint b0_tp\(void \*ctx\)/, 'one program for the block');
  t.same(l.attach, [
    {
      kind: 'tracepoint',
      block: 0,
      spec: 'tracepoint:sched:sched_process_exec',
      program: 'b0_tp',
      category: 'sched',
      name: 'sched_process_exec',
      probe: 0,
    },
  ]);
});
