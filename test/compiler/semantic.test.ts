// Every checker diagnostic, with the exact text a user sees (bpftrace's format). The expected
// text was reviewed by hand; a change to a message shows here first.
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';

const cases: [name: string, source: string, expected: string][] = [
  [
    'GT2001',
    'uprobe:main.f { @x = goidd; }',
    "stdin:1:22-27: ERROR: Unknown identifier: 'goidd'\nuprobe:main.f { @x = goidd; }\n                     ~~~~~\nHINT: did you mean 'goid'?\n",
  ],
  [
    'GT2002',
    'uprobe:main.f { @x = $y; }',
    'stdin:1:22-24: ERROR: Undefined variable: $y\nuprobe:main.f { @x = $y; }\n                     ~~\n',
  ],
  [
    'GT2003',
    'BEGIN { @x = arg0; }',
    'stdin:1:14-18: ERROR: arg0 is only available in uprobe and uretprobe blocks\nBEGIN { @x = arg0; }\n             ~~~~\n',
  ],
  [
    'GT2226',
    'interval:s:1 { @x = goid; }',
    'stdin:1:21-25: ERROR: goid is only available in blocks that run on a thread: uprobe, uretprobe, tracepoint and profile\ninterval:s:1 { @x = goid; }\n                    ~~~~\n',
  ],
  [
    'GT2004',
    'uprobe:main.f { @x = cuont(); }',
    "stdin:1:22-27: ERROR: Unknown function: 'cuont'\nuprobe:main.f { @x = cuont(); }\n                     ~~~~~\n",
  ],
  [
    'GT2005',
    'END { @x = retval; }',
    'stdin:1:12-18: ERROR: retval exists only where a call returns\nEND { @x = retval; }\n           ~~~~~~\n',
  ],
  [
    'GT2010',
    'uprobe:main.f { @x = ksym(arg0); }',
    'stdin:1:22-26: ERROR: ksym() is not supported yet\nuprobe:main.f { @x = ksym(arg0); }\n                     ~~~~\n',
  ],
  [
    'GT2011',
    'uprobe:main.f, BEGIN { @x = 1; }',
    'stdin:1:1-33: ERROR: uprobe and BEGIN/END/interval specs cannot share a block\nuprobe:main.f, BEGIN { @x = 1; }\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\nHINT: give each its own block\n',
  ],
  [
    'mixed-uretprobe',
    'uprobe:main.f, uretprobe:main.g { @x = 1; }',
    'stdin:1:1-44: ERROR: uprobe and uretprobe specs cannot share a block\nuprobe:main.f, uretprobe:main.g { @x = 1; }\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\nHINT: give each its own block\n',
  ],
  [
    'GT2020',
    'uprobe:main.f { count(); }',
    'stdin:1:17-24: ERROR: count() must be assigned to a map\nuprobe:main.f { count(); }\n                ~~~~~~~\nHINT: write @name = count(...)\n',
  ],
  [
    'GT2021',
    'uprobe:main.f { $x = count(); }',
    'stdin:1:22-29: ERROR: count() can only be assigned to a map, not to a variable\nuprobe:main.f { $x = count(); }\n                     ~~~~~~~\n',
  ],
  [
    'GT2022',
    'uprobe:main.f { @x += count(); }',
    'stdin:1:17-30: ERROR: count() cannot be used with +=\nuprobe:main.f { @x += count(); }\n                ~~~~~~~~~~~~~\n',
  ],
  [
    'GT2023',
    'uprobe:main.f { @x = sum(); }',
    'stdin:1:22-27: ERROR: sum() takes 1 argument, found 0\nuprobe:main.f { @x = sum(); }\n                     ~~~~~\n',
  ],
  [
    'GT2024',
    'uprobe:main.f { @x = lhist(arg0, 0, arg1, 10); }',
    'stdin:1:22-46: ERROR: lhist() min, max and step must be integer literals\nuprobe:main.f { @x = lhist(arg0, 0, arg1, 10); }\n                     ~~~~~~~~~~~~~~~~~~~~~~~~\n',
  ],
  [
    'GT2025',
    'uprobe:main.f { @x = lhist(arg0, 10, 0, 1); }',
    'stdin:1:22-43: ERROR: lhist() min must be less than max (provided min 10 and max 0)\nuprobe:main.f { @x = lhist(arg0, 10, 0, 1); }\n                     ~~~~~~~~~~~~~~~~~~~~~\n',
  ],
  [
    'GT2035',
    'uprobe:main.f { @x = lhist(arg0, 0, 10, 0); }',
    'stdin:1:22-43: ERROR: lhist() step must be >= 1 (0 provided)\nuprobe:main.f { @x = lhist(arg0, 0, 10, 0); }\n                     ~~~~~~~~~~~~~~~~~~~~~\n',
  ],
  [
    'GT2036',
    'uprobe:main.f { @x = lhist(arg0, 0, 10, 20); }',
    'stdin:1:22-44: ERROR: lhist() step is too large for the given range (provided step 20 for range 10)\nuprobe:main.f { @x = lhist(arg0, 0, 10, 20); }\n                     ~~~~~~~~~~~~~~~~~~~~~~\n',
  ],
  [
    'GT2037',
    'uprobe:main.f { @x = lhist(arg0, 0, 1001, 1); }',
    'stdin:1:22-45: ERROR: lhist() too many buckets, must be <= 1000 (would need 1001)\nuprobe:main.f { @x = lhist(arg0, 0, 1001, 1); }\n                     ~~~~~~~~~~~~~~~~~~~~~~~\n',
  ],
  [
    'GT2026',
    'uprobe:main.f { @x = count(); @y = @x + 1; }',
    'stdin:1:36-38: ERROR: @x holds count() and cannot be used as a value\nuprobe:main.f { @x = count(); @y = @x + 1; }\n                                   ~~\nHINT: aggregations are read in user space: print(@x)\n',
  ],
  [
    'GT2027',
    'uprobe:main.f { @x = 1; @x; }',
    'stdin:1:25-27: ERROR: @x alone does nothing in a probe\nuprobe:main.f { @x = 1; @x; }\n                        ~~\nHINT: print it: print(@x)\n',
  ],
  [
    'GT2028',
    'uprobe:main.f { @x = printf("a"); }',
    'stdin:1:22-33: ERROR: printf() is a statement and has no value\nuprobe:main.f { @x = printf("a"); }\n                     ~~~~~~~~~~~\n',
  ],
  [
    'GT2029',
    'uprobe:main.f { @lat = 1; print(@lta); }',
    'stdin:1:33-37: ERROR: Undefined map: @lta\nuprobe:main.f { @lat = 1; print(@lta); }\n                                ~~~~\n',
  ],
  [
    'GT2040',
    'uprobe:main.f { @x[1] = 1; @x[1, 2] = 2; }',
    'stdin:1:28-36: ERROR: @x used with 2 keys here but 1 elsewhere\nuprobe:main.f { @x[1] = 1; @x[1, 2] = 2; }\n                           ~~~~~~~~\n',
  ],
  [
    'GT2041',
    'uprobe:main.f { @x = 1; @x = count(); }',
    'stdin:1:25-27: ERROR: @x holds integers elsewhere, count() here\nuprobe:main.f { @x = 1; @x = count(); }\n                        ~~\nHINT: a map keeps one type of value\n',
  ],
  [
    'GT2042',
    'uprobe:main.f { $x = 1; $x = comm; }',
    'stdin:1:25-34: ERROR: $x holds an integer and cannot be assigned a string\nuprobe:main.f { $x = 1; $x = comm; }\n                        ~~~~~~~~~\n',
  ],
  [
    'GT2043',
    'uprobe:main.f { @s = ustack; }',
    'stdin:1:22-28: ERROR: ustack can be a map key or printed, not stored as a map value\nuprobe:main.f { @s = ustack; }\n                     ~~~~~~\nHINT: @s[ustack] = count()\n',
  ],
  [
    'GT2044',
    'uprobe:main.f { @x[comm] = 1; @x[pid] = 2; }',
    "stdin:1:34-37: ERROR: @x's key 1 is an integer here but a string elsewhere\nuprobe:main.f { @x[comm] = 1; @x[pid] = 2; }\n                                 ~~~\n",
  ],
  [
    'GT2045',
    'uprobe:main.f { @x = lhist(arg0, 0, 10, 1); @x = lhist(arg0, 0, 20, 1); }',
    'stdin:1:45-47: ERROR: @x is an lhist() with other bounds elsewhere\nuprobe:main.f { @x = lhist(arg0, 0, 10, 1); @x = lhist(arg0, 0, 20, 1); }\n                                            ~~\n',
  ],
  [
    'GT2050',
    'uprobe:main.f { @x = arg0 / 0; }',
    'stdin:1:29-30: ERROR: division by zero\nuprobe:main.f { @x = arg0 / 0; }\n                            ~\n',
  ],
  [
    'GT2060',
    'uprobe:main.f { @x = comm + 1; }',
    "stdin:1:22-30: ERROR: cannot use '+' on a string\nuprobe:main.f { @x = comm + 1; }\n                     ~~~~~~~~\n",
  ],
  [
    'GT2061',
    'uprobe:main.f /comm/ { @x = 1; }',
    'stdin:1:16-20: ERROR: a predicate must be an integer, not a string\nuprobe:main.f /comm/ { @x = 1; }\n               ~~~~\n',
  ],
  [
    'GT2070',
    'uprobe:main.f { printf(); }',
    'stdin:1:17-25: ERROR: printf() needs a format string\nuprobe:main.f { printf(); }\n                ~~~~~~~~\n',
  ],
  [
    'GT2071',
    'uprobe:main.f { printf(comm); }',
    "stdin:1:24-28: ERROR: printf()'s first argument must be a string literal\nuprobe:main.f { printf(comm); }\n                       ~~~~\n",
  ],
  [
    'GT2072',
    'uprobe:main.f { printf("%k\\n", 1); }',
    'stdin:1:24-30: ERROR: invalid conversion \'%k\' in format\nuprobe:main.f { printf("%k\\n", 1); }\n                       ~~~~~~\n',
  ],
  [
    'GT2073',
    'uprobe:main.f { printf("%d %d\\n", 1); }',
    'stdin:1:17-37: ERROR: printf() format has 2 conversions but 1 argument follows\nuprobe:main.f { printf("%d %d\\n", 1); }\n                ~~~~~~~~~~~~~~~~~~~~\n',
  ],
  [
    'GT2074',
    'uprobe:main.f { printf("%d\\n", comm); }',
    "stdin:1:32-36: ERROR: '%d' wants an integer, argument 1 is a string\nuprobe:main.f { printf(\"%d\\n\", comm); }\n                               ~~~~\nHINT: use '%s'\n",
  ],
  [
    'GT2074',
    'uprobe:main.f { printf("%q\\n", comm); }',
    "stdin:1:32-36: ERROR: '%q' wants a Go string, argument 1 is a string\nuprobe:main.f { printf(\"%q\\n\", comm); }\n                               ~~~~\nHINT: use '%s'\n",
  ],
  [
    'GT2080',
    'uprobe:main.f { system("ls"); }',
    'stdin:1:17-23: ERROR: system() runs with gotrace\'s privileges and needs --unsafe\nuprobe:main.f { system("ls"); }\n                ~~~~~~\n',
  ],
  [
    'GT2090',
    'BEGIN { printf("%d\\n", $2); }',
    'stdin:1:24-26: ERROR: $2 is not set: the script got 1 argument\nBEGIN { printf("%d\\n", $2); }\n                       ~~\nHINT: give arguments after --: gotrace script.gt -- 42 main\n',
  ],
  [
    'many',
    'uprobe:main.f { @x = fake; printf("%s\\n", 1); @y = count() + 1; $z += 1; }',
    'stdin:1:22-26: ERROR: Unknown identifier: \'fake\'\nuprobe:main.f { @x = fake; printf("%s\\n", 1); @y = count() + 1; $z += 1; }\n                     ~~~~\nstdin:1:43-44: ERROR: \'%s\' wants a string, argument 1 is an integer\nuprobe:main.f { @x = fake; printf("%s\\n", 1); @y = count() + 1; $z += 1; }\n                                          ~\nstdin:1:52-59: ERROR: count() must be assigned to a map\nuprobe:main.f { @x = fake; printf("%s\\n", 1); @y = count() + 1; $z += 1; }\n                                                   ~~~~~~~\nstdin:1:65-67: ERROR: Undefined variable: $z\nuprobe:main.f { @x = fake; printf("%s\\n", 1); @y = count() + 1; $z += 1; }\n                                                                ~~\n',
  ],
];

for (const [name, source, expected] of cases) {
  t.test(name, async (t) => {
    const r = checkSource(new SourceFile('stdin', source), { positional: ['a'] });
    t.equal(renderDiagnostics(r.diagnostics), expected);
    t.ok(
      r.diagnostics.every((d) => /^GT2\d{3}$/.test(d.code)),
      'stable GT2xxx codes',
    );
    if (/^GT2\d{3}/.test(name))
      t.ok(
        r.diagnostics.some((d) => d.code === name.slice(0, 6)),
        `reports ${name.slice(0, 6)}`,
      );
  });
}

t.test('valid programs pass the checker', async (t) => {
  for (const src of [
    'uprobe:main.f < @lat[goid] = elapsed >',
    'uprobe:main.f { @[comm, pid] = count(); @s[ustack] = count(); @b = hist(arg0); @l = lhist(arg1, 0, 100, 10); }',
    'uretprobe:main.f /retval != 0/ { printf("%s %d %-5x %s\\n", func, retval, arg0, comm); @last = comm; }',
    'BEGIN { @start = nsecs; } interval:ms:100 { @ticks++; if (@ticks > 10) { exit(); } } END { print(@ticks); clear(@ticks); }',
    'uprobe:main.f { $x = arg0 * 2; $x += 1; $s = comm; @v[$s] = $x; unroll(3) { $x++; } }',
    // Go values are typed in the second look, against the binary: nothing to say before it.
    'uprobe:main.f { $s = args.name; @v[args.name] = comm; printf("%s %s %d\\n", $s, @v[args.name], $s == "x"); } END { print(@v); }',
    // ... nor on a variable holding one, updated in place.
    'uprobe:main.f { $n = args.n; $n *= 10; $n++; $n--; @[1] = sum($n); }',
  ]) {
    const r = checkSource(new SourceFile('stdin', src));
    t.equal(renderDiagnostics(r.diagnostics), '', src);
  }
});

t.test('GT2091: an integer $N must fit in 64 bits', async (t) => {
  const src = 'BEGIN { @x = $1; }';
  const r = checkSource(new SourceFile('stdin', src), { positional: ['-9223372036854775809'] });
  t.equal(
    renderDiagnostics(r.diagnostics),
    'stdin:1:14-16: ERROR: $1 is -9223372036854775809, which does not fit in 64 bits\nBEGIN { @x = $1; }\n             ~~\nHINT: integers are 64-bit: from -9223372036854775808 to 18446744073709551615\n',
  );
  for (const ok of ['-9223372036854775808', '18446744073709551615', '-0x10', '0xffffffffffffffff'])
    t.equal(checkSource(new SourceFile('stdin', src), { positional: [ok] }).diagnostics.length, 0, ok);
});
