// The language's functions as tables: each parses, checks to its type or to its diagnostic, and
// compiles to the helper of bpf-templates/functions.bpf.h it needs; the inline-tree reader names
// the functions inlined at a code address.
import t from 'tap';
import { compile } from '../../compiler/index.js';
import { analyze } from '../../compiler/passes/semantic.js';
import { parse } from '../../grammar/index.js';
import { SourceFile } from '../../grammar/source.js';
import { openCached } from '../../compiler/passes/resolve.js';
import { buildGo } from '../helpers/go.js';

/** The type the checker gives `expr` in a uprobe block without a binary, or its codes. */
function typeOf(expr: string, unsafe = false): string {
  const parsed = parse(new SourceFile('stdin', `uprobe:main.f { $v = ${expr}; }`));
  if (!parsed.program) return parsed.diagnostics.map((d) => d.code).join(' ');
  const r = analyze(parsed.program, { unsafe });
  if (r.diagnostics.length) return r.diagnostics.map((d) => d.code).join(' ');
  const t = r.blocks[0].vars.get('$v')!;
  return JSON.stringify(t);
}

t.test('functions check to their types, or to located errors', async (t) => {
  const table: [string, string][] = [
    ['reg("ax")', '{"k":"int"}'],
    ['reg("rax")', 'GT2260'],
    ['reg(comm)', 'GT2261'],
    ['strncmp(comm, "go", 2)', '{"k":"int"}'],
    ['strncmp(comm, "go", arg0)', 'GT2261'],
    ['strncmp(comm, arg0, 2)', 'GT2269'],
    ['strcontains(comm, "go")', '{"k":"int"}'],
    ['strcontains(comm)', 'GT2023'],
    ['str(arg0, 8)', '{"k":"str","size":64}'],
    ['str(arg0, comm)', 'GT2061'],
    ['strftime("%H:%M", nsecs)', '{"k":"strftime","fmt":"%H:%M"}'],
    ['strftime(comm, nsecs)', 'GT2261'],
    ['buf(arg0, 16)', '{"k":"buf","size":16}'],
    ['buf(arg0, arg1)', '{"k":"buf","size":64}'],
    ['buf(arg0)', 'GT2266'],
    ['ntop(arg0)', '{"k":"inet"}'],
    ['ntop(comm)', 'GT2264'],
    ['ustack', '{"k":"ustack"}'],
    ['ustack(5)', '{"k":"ustack","depth":5}'],
    ['ustack(raw)', '{"k":"ustack","depth":127,"raw":true}'],
    ['ustack(raw, 3)', '{"k":"ustack","depth":3,"raw":true}'],
    ['ustack(bpftrace, 3)', '{"k":"ustack","depth":3}'],
    ['ustack(perf)', 'GT2268'],
    ['ustack(2000)', 'GT2268'],
    ['ustack()', 'GT2268'],
    ['caller', '{"k":"caller"}'],
    ['caller_pc', '{"k":"int"}'],
  ];
  for (const [expr, want] of table) t.equal(typeOf(expr), want, expr);
});

t.test('statements: signal() and join() and the %r conversion', async (t) => {
  const codes = (src: string, unsafe = false) => {
    const p = parse(new SourceFile('stdin', src)).program!;
    return analyze(p, { unsafe }).diagnostics.map((d) => d.code);
  };
  t.same(codes('uprobe:main.f { signal("SIGUSR1"); }', true), []);
  t.same(codes('uprobe:main.f { signal("KILL"); signal(10); }', true), []);
  t.same(codes('uprobe:main.f { signal("SIGUSR1"); }'), ['GT2080'], 'only with --unsafe');
  t.same(codes('BEGIN { signal("SIGUSR1"); }', true), ['GT2263'], 'only where the current task is the traced one');
  t.same(codes('uprobe:main.f { signal("SIGFOO"); signal(99); }', true), ['GT2262', 'GT2262']);
  t.same(codes('uprobe:main.f { join(comm); }'), ['GT2265'], 'join() takes a Go []string');
  t.same(codes('uprobe:main.f { printf("%r\\n", buf(arg0, 4)); }'), []);
  t.same(codes('uprobe:main.f { printf("%s\\n", buf(arg0, 4)); }'), ['GT2270']);
  t.same(codes('uprobe:main.f { printf("%r\\n", arg0); }'), ['GT2267']);
  t.same(codes('uprobe:main.f { @[ntop(arg0)] = count(); @b[1] = buf(arg0, 4); }'), [], 'as map keys and values');
});

t.test('each function compiles to its helper', async (t) => {
  const bin = buildGo('langfn');
  const table: [string, RegExp][] = [
    ['uprobe:main.show { @x = reg("sp"); }', /\(__s64\)ctx->sp/],
    ['uprobe:main.show { @x = strncmp(str(arg0), "ab", 2); }', /gt_strncmp\(/],
    ['uprobe:main.show { @x = strcontains(str(arg0), "ab"); }', /gt_strcontains\(/],
    ['uprobe:main.show { @x = str(arg0, 3); }', /gt_read_cstr_n\(/],
    // str(arg0) where arg0 is a Go string's pointer: read by its length, not as a C string.
    ['uprobe:main.show { @x = str(arg0); }', /gt_read_gostr\(/],
    ['uprobe:main.show { @x = str(arg4); }', /gt_read_cstr\(/],
    ['uprobe:main.addrs { @x = buf(args.data); }', /gt_read_buf\(/],
    ['uprobe:main.addrs { @x = ntop(args.ip); }', /gt_ntop_ip\(/],
    ['uprobe:main.addrs { @x = ntop(args.a); }', /gt_ntop_addr\([^;]*, [1-9]\d*ULL\)/],
    ['uprobe:main.addrs { @x = ntop(arg0); }', /gt_ntop_int\(/],
    ['uprobe:main.leaf { @[ustack(7)] = count(); }', /gt_ustack_n\(ctx, [^;]*, 7\)/],
    ['uprobe:main.leaf { @[ustack] = count(); }', /gt_ustack_n\(ctx, [^;]*, 127\)/],
    ['uprobe:main.leaf { @[caller] = count(); }', /gt_caller_pc\(ctx\)/],
    ['uprobe:main.waitSignal { signal("SIGUSR1"); }', /bpf_send_signal\(10\)/],
    ['uprobe:main.addrs { join(args.parts); }', /struct gt_ev_0/],
  ];
  for (const [src, want] of table) {
    const r = await compile(new SourceFile('stdin', src), { binary: bin, skipBuild: true, unsafe: true });
    t.same(r.diagnostics, [], src);
    t.match(r.cSource ?? '', want, src);
  }
  const r = await compile(new SourceFile('stdin', 'uprobe:main.addrs { join(args.parts, ", "); }'), { binary: bin, skipBuild: true });
  t.equal(r.manifest?.events[0].args[0].join, ', ', "join()'s separator travels in the manifest");
});

t.test('the inline trees name the functions inlined at a return address', async (t) => {
  const bin = openCached(buildGo('langfn'));
  const trees = bin.inlineTrees()!;
  const top = bin.func('main.top')!;
  const inlined = new Set<string>();
  for (let pc = top.entry; pc < top.end; pc++) for (const n of trees.inlinedAt(pc)) inlined.add(n);
  t.same([...inlined], ['main.mid'], 'main.mid is inlined into main.top');
  t.same(trees.inlinedAt(top.entry), [], "top's first instruction is its own");
  t.same(trees.inlinedAt(bin.func('main.leaf')!.entry), [], 'nothing is inlined at the entry of leaf');
});
