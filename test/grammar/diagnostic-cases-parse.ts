// Diagnostic table rows: source → whether the parse is `incomplete` → the exact rendered text
// (code on its own line, then bpftrace's format). Read by diagnostics.test.ts.

/** Parser and AST-builder diagnostics (GT10xx). */
export const parseCases: [string, boolean, string][] = [
  [
    'uprobe:main.f { foo bar }',
    false,
    `GT1001
stdin:1:21-24: ERROR: syntax error: expected ';' or '}' but found 'bar'
uprobe:main.f { foo bar }
                    ~~~
HINT: separate statements with ';'
`,
  ],
  [
    'uprobe:main.f { @x = 1 @y = 2 }',
    false,
    `GT1001
stdin:1:24-26: ERROR: syntax error: expected ';' or '}' but found '@y'
uprobe:main.f { @x = 1 @y = 2 }
                       ~~
HINT: separate statements with ';'
`,
  ],
  [
    'uprobe:main.f < @x = 1 @y = 2 >',
    false,
    `GT1001
stdin:1:24-26: ERROR: syntax error: expected ';' or '>' but found '@y'
uprobe:main.f < @x = 1 @y = 2 >
                       ~~
HINT: separate statements with ';'
`,
  ],
  [
    'uprobe:main.f { @x = }',
    false,
    `GT1001
stdin:1:22-23: ERROR: syntax error: expected an expression but found '}'
uprobe:main.f { @x = }
                     ~
`,
  ],
  [
    'uprobe:main.f { @x = (1 + 2; }',
    false,
    `GT1001
stdin:1:28-29: ERROR: syntax error: expected ')' but found ';'
uprobe:main.f { @x = (1 + 2; }
                           ~
`,
  ],
  [
    'uprobe:main.f { @x[1 = 2 }',
    false,
    `GT1001
stdin:1:22-23: ERROR: syntax error: expected ']' but found '='
uprobe:main.f { @x[1 = 2 }
                     ~
`,
  ],
  [
    'uprobe:main.f { if x { } }',
    false,
    `GT1001
stdin:1:20-21: ERROR: syntax error: expected '(' but found 'x'
uprobe:main.f { if x { } }
                   ~
GT1001
stdin:1:22-23: ERROR: syntax error: expected ')' but found '{'
uprobe:main.f { if x { } }
                     ~
`,
  ],
  [
    'uprobe:main.f { if (x) { } else }',
    false,
    `GT1001
stdin:1:33-34: ERROR: syntax error: expected 'if' or '{' but found '}'
uprobe:main.f { if (x) { } else }
                                ~
`,
  ],
  [
    'uprobe:main.f { unroll(n) { } }',
    false,
    `GT1010
stdin:1:24-25: ERROR: unroll count must be an integer literal from 1 to 100
uprobe:main.f { unroll(n) { } }
                       ~
HINT: unroll repeats its block a fixed number of times, e.g. unroll(4) { ... }
`,
  ],
  [
    'uprobe:main.f { @x = a ? b; }',
    false,
    `GT1001
stdin:1:27-28: ERROR: syntax error: expected ':' but found ';'
uprobe:main.f { @x = a ? b; }
                          ~
`,
  ],
  [
    'uprobe:main.f { $x = --y }',
    false,
    `GT1001
stdin:1:22-24: ERROR: syntax error: expected an expression but found '--'
uprobe:main.f { $x = --y }
                     ~~
`,
  ],
  [
    'uprobe:main.f @x = 1',
    false,
    `GT1001
stdin:1:15-17: ERROR: syntax error: expected '{' or '<' but found '@x'
uprobe:main.f @x = 1
              ~~
`,
  ],
  [
    'uprobe:a uprobe:b { }',
    false,
    `GT1001
stdin:1:10-18: ERROR: syntax error: expected '{' or '<' but found 'uprobe:b'
uprobe:a uprobe:b { }
         ~~~~~~~~
HINT: separate the probes that share a block with ','
`,
  ],
  [
    'uprobe:a, { }',
    false,
    `GT1001
stdin:1:11-12: ERROR: syntax error: expected a probe but found '{'
uprobe:a, { }
          ~
`,
  ],
  [
    '@x = 1',
    false,
    `GT1001
stdin:1:1-3: ERROR: syntax error: expected a probe but found '@x'
@x = 1
~~
`,
  ],
  [
    'uprobe:main.f { } }',
    false,
    `GT1001
stdin:1:19-20: ERROR: syntax error: expected a probe but found '}'
uprobe:main.f { } }
                  ~
`,
  ],
  [
    'uprobe:main.f/pid == 1/ { }',
    false,
    `GT1001
stdin:1:19-21: ERROR: syntax error: expected '{' or '<' but found '=='
uprobe:main.f/pid == 1/ { }
                  ~~
HINT: put a space before the predicate: uprobe:main.f /pid ...
`,
  ],
  [
    'uprobe:f < @x = a > ; >',
    false,
    `GT1001
stdin:1:21-22: ERROR: syntax error: expected a probe but found ';'
uprobe:f < @x = a > ; >
                    ~
HINT: the '>' at 1:19 closed the < > block (no operand follows it); to compare, write (a > b)
`,
  ],
  [
    'uprobe:f < @x = 1 > foo',
    true,
    `GT1001
stdin:1:24-25: ERROR: syntax error: expected ';' or '>' but found end of input
uprobe:f < @x = 1 > foo
                       ~
HINT: the '>' at 1:19 compares (an operand follows it); inside < >, write (a > b) or use { }
`,
  ],
  [
    'interval { }',
    false,
    `GT1001
stdin:1:10-11: ERROR: syntax error: expected ':' but found '{'
interval { }
         ~
HINT: write interval:s:N, interval:ms:N or profile:hz:N, e.g. interval:s:1
`,
  ],
  [
    'interval:s { }',
    false,
    `GT1001
stdin:1:12-13: ERROR: syntax error: expected ':' but found '{'
interval:s { }
           ~
HINT: write interval:s:N, interval:ms:N or profile:hz:N, e.g. interval:s:1
`,
  ],
  [
    'uprobe { @x = 1 }',
    false,
    `GT1002
stdin:1:1-7: ERROR: probe 'uprobe' needs a target
uprobe { @x = 1 }
~~~~~~
HINT: write uprobe:FUNC, e.g. uprobe:main.handle
`,
  ],
  [
    'uretprobe { }',
    false,
    `GT1002
stdin:1:1-10: ERROR: probe 'uretprobe' needs a target
uretprobe { }
~~~~~~~~~
HINT: write uretprobe:FUNC, e.g. uretprobe:main.handle
`,
  ],
  [
    'u { }',
    false,
    `GT1002
stdin:1:1-2: ERROR: probe 'u' needs a target
u { }
~
HINT: write uprobe:FUNC, e.g. uprobe:main.handle
`,
  ],
  [
    'uprobe :main.f { }',
    false,
    `GT1002
stdin:1:1-7: ERROR: probe 'uprobe' needs a target
uprobe :main.f { }
~~~~~~
HINT: write uprobe:FUNC (no space around ':'), e.g. uprobe:main.handle
`,
  ],
  [
    'uprobe: { }',
    false,
    `GT1002
stdin:1:1-8: ERROR: probe 'uprobe' needs a target
uprobe: { }
~~~~~~~
HINT: write uprobe:FUNC, e.g. uprobe:main.handle
`,
  ],
  [
    'uprobe:/usr/bin/app: { }',
    false,
    `GT1002
stdin:1:1-21: ERROR: probe 'uprobe' needs a target
uprobe:/usr/bin/app: { }
~~~~~~~~~~~~~~~~~~~~
HINT: write uprobe:PATH:FUNC, e.g. uprobe:/usr/bin/app:main.handle
`,
  ],
  [
    'kprobe:do_sys_open { }',
    false,
    `GT1003
stdin:1:1-7: ERROR: unknown probe type 'kprobe'
kprobe:do_sys_open { }
~~~~~~
HINT: gotrace probes are uprobe:FUNC (u:), uretprobe:FUNC (ur:), go:NAME, BEGIN, END, interval:s:N, profile:hz:N and tracepoint:CATEGORY:NAME (t:)
`,
  ],
  [
    'kfunc:vfs_read { }',
    false,
    `GT1003
stdin:1:1-6: ERROR: unknown probe type 'kfunc'
kfunc:vfs_read { }
~~~~~
HINT: gotrace probes are uprobe:FUNC (u:), uretprobe:FUNC (ur:), go:NAME, BEGIN, END, interval:s:N, profile:hz:N and tracepoint:CATEGORY:NAME (t:)
`,
  ],
  [
    'begin { }',
    false,
    `GT1003
stdin:1:1-6: ERROR: unknown probe type 'begin'
begin { }
~~~~~
HINT: did you mean BEGIN?
`,
  ],
  [
    'uprobe:/usr/bin/app { }',
    false,
    `GT1004
stdin:1:1-20: ERROR: probe target '/usr/bin/app' is a path; the probe also needs a function
uprobe:/usr/bin/app { }
~~~~~~~~~~~~~~~~~~~
HINT: write uprobe:/usr/bin/app:FUNC, e.g. uprobe:/usr/bin/app:main.main
`,
  ],
  [
    'uprobe:./app { }',
    false,
    `GT1004
stdin:1:1-13: ERROR: probe target './app' is a path; the probe also needs a function
uprobe:./app { }
~~~~~~~~~~~~
HINT: write uprobe:./app:FUNC, e.g. uprobe:./app:main.main
`,
  ],
  [
    'tracepoint:syscalls { }',
    false,
    `GT1205
stdin:1:1-20: ERROR: tracepoint target 'syscalls' needs a category and a name
tracepoint:syscalls { }
~~~~~~~~~~~~~~~~~~~
HINT: write tracepoint:CATEGORY:NAME, e.g. tracepoint:syscalls:sys_enter_write (gotrace -l 'tracepoint:*' lists them)
`,
  ],
  [
    't:sys*:sys_enter_write { }',
    false,
    `GT1206
stdin:1:1-23: ERROR: invalid tracepoint target 'sys*:sys_enter_write'
t:sys*:sys_enter_write { }
~~~~~~~~~~~~~~~~~~~~~~
HINT: categories and names are letters, digits and _; a name may hold * wildcards (tracepoint:syscalls:sys_enter_*)
`,
  ],
  [
    'uprobe::main.f { }',
    false,
    `GT1005
stdin:1:1-15: ERROR: empty path in probe target
uprobe::main.f { }
~~~~~~~~~~~~~~
HINT: write uprobe:FUNC or uprobe:PATH:FUNC, e.g. uprobe:/usr/bin/app:main.f
`,
  ],
  [
    'interval:m:1 { }',
    false,
    `GT1006
stdin:1:10-11: ERROR: invalid interval unit 'm'
interval:m:1 { }
         ~
HINT: units are s, ms, us and hz, e.g. interval:s:1 or profile:hz:99
`,
  ],
  [
    'profile:khz:1 { }',
    false,
    `GT1006
stdin:1:9-12: ERROR: invalid profile unit 'khz'
profile:khz:1 { }
        ~~~
HINT: units are s, ms, us and hz, e.g. interval:s:1 or profile:hz:99
`,
  ],
  [
    'interval:s:0 { }',
    false,
    `GT1007
stdin:1:12-13: ERROR: interval value must be a positive integer without suffix
interval:s:0 { }
           ~
HINT: e.g. interval:s:1
`,
  ],
  [
    'interval:s:5ms { }',
    false,
    `GT1007
stdin:1:12-15: ERROR: interval value must be a positive integer without suffix
interval:s:5ms { }
           ~~~
HINT: e.g. interval:s:1
`,
  ],
  [
    'uprobe:f { count() = 1 }',
    false,
    `GT1008
stdin:1:12-19: ERROR: cannot assign to the result of count()
uprobe:f { count() = 1 }
           ~~~~~~~
HINT: assign to a map (@name[key] = ...) or a variable ($name = ...)
`,
  ],
  [
    'uprobe:f { pid = 1 }',
    false,
    `GT1008
stdin:1:12-15: ERROR: cannot assign to builtin 'pid'
uprobe:f { pid = 1 }
           ~~~
HINT: assign to a map (@name[key] = ...) or a variable ($name = ...)
`,
  ],
  [
    'uprobe:f { args.x = 1 }',
    false,
    `GT1008
stdin:1:12-18: ERROR: cannot assign to a field
uprobe:f { args.x = 1 }
           ~~~~~~
HINT: assign to a map (@name[key] = ...) or a variable ($name = ...)
`,
  ],
  [
    'uprobe:f { 1 += 2 }',
    false,
    `GT1008
stdin:1:12-13: ERROR: cannot assign to a literal
uprobe:f { 1 += 2 }
           ~
HINT: assign to a map (@name[key] = ...) or a variable ($name = ...)
`,
  ],
  [
    'uprobe:f { $1 = 2 }',
    false,
    `GT1008
stdin:1:12-14: ERROR: cannot assign to a positional parameter
uprobe:f { $1 = 2 }
           ~~
HINT: assign to a map (@name[key] = ...) or a variable ($name = ...)
`,
  ],
  [
    'uprobe:f { pid++ }',
    false,
    `GT1009
stdin:1:12-15: ERROR: cannot increment builtin 'pid'
uprobe:f { pid++ }
           ~~~
HINT: ++ works on a map (@name[key]++) or a variable ($name++)
`,
  ],
  [
    'uprobe:f { --count() }',
    false,
    `GT1009
stdin:1:14-21: ERROR: cannot decrement the result of count()
uprobe:f { --count() }
             ~~~~~~~
HINT: -- works on a map (@name[key]--) or a variable ($name--)
`,
  ],
  [
    'uprobe:f { unroll(0) { } }',
    false,
    `GT1010
stdin:1:19-20: ERROR: unroll count must be an integer literal from 1 to 100
uprobe:f { unroll(0) { } }
                  ~
HINT: unroll repeats its block a fixed number of times, e.g. unroll(4) { ... }
`,
  ],
  [
    'uprobe:f { unroll(101) { } }',
    false,
    `GT1010
stdin:1:19-22: ERROR: unroll count must be an integer literal from 1 to 100
uprobe:f { unroll(101) { } }
                  ~~~
HINT: unroll repeats its block a fixed number of times, e.g. unroll(4) { ... }
`,
  ],
  [
    'uprobe:f { unroll(n) { } }',
    false,
    `GT1010
stdin:1:19-20: ERROR: unroll count must be an integer literal from 1 to 100
uprobe:f { unroll(n) { } }
                  ~
HINT: unroll repeats its block a fixed number of times, e.g. unroll(4) { ... }
`,
  ],
  [
    'uprobe:f { @x = 1.5 }',
    false,
    `GT1011
stdin:1:17-20: ERROR: floating-point literals are not supported
uprobe:f { @x = 1.5 }
                ~~~
HINT: write an integer, or a duration such as 1500us
`,
  ],
  [
    'uprobe:main.f/pid/ { }',
    false,
    `GT1012
stdin:1:1-19: ERROR: 'main.f/pid/' is not a Go function name
uprobe:main.f/pid/ { }
~~~~~~~~~~~~~~~~~~
HINT: put a space before the predicate: uprobe:main.f /pid/
`,
  ],
  [
    'uprobe:main.f/pid==1/ { }',
    false,
    `GT1012
stdin:1:1-22: ERROR: 'main.f/pid==1/' is not a Go function name
uprobe:main.f/pid==1/ { }
~~~~~~~~~~~~~~~~~~~~~
HINT: put a space before the predicate: uprobe:main.f /pid==1/
`,
  ],
  // Limits (grammar/limits.ts): each source puts the offending token on a short line of its own.
  [
    'BEGIN {\n  @x = ' + '!\n'.repeat(128) + '1;\n}',
    false,
    `GT1013
stdin:129:1-2: ERROR: nested too deeply: more than 128 levels of ( [ {, prefix operators, ?: or else if
!
~
HINT: name parts of the expression with $variables, or split the block
`,
  ],
  [
    'BEGIN {\n' + '  @x = 1;\n'.repeat(2001) + '}',
    false,
    `GT1014
stdin:2002:3-9: ERROR: too many statements: the limit is 2000 in one script
  @x = 1;
  ~~~~~~
HINT: split the script into several runs
`,
  ],
  [
    'BEGIN {\n  @x = 1' + ' +\n1'.repeat(5002) + ';\n}',
    false,
    `GT1015
stdin:2:8-11: ERROR: expression too deep: more than 5000 levels (a chain of 5000 operators)
  @x = 1 +
       ~~~
HINT: sum the terms into a $variable in several statements
`,
  ],
  [
    'interval:s:99999999999 { exit(); }',
    false,
    `GT1016
stdin:1:12-23: ERROR: interval period too long: at most 9223372036 s (2^63-1 ns)
interval:s:99999999999 { exit(); }
           ~~~~~~~~~~~
`,
  ],
  // import and macro (grammar/imports.ts, grammar/macros.ts)
  [
    'import "/nonexistent/gotrace-lib.gt"\nBEGIN { exit() }',
    false,
    'GT1220\nstdin:1:1-37: ERROR: cannot import \'/nonexistent/gotrace-lib.gt\': no such file\nimport "/nonexistent/gotrace-lib.gt"\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n',
  ],
  [
    'import "test/grammar/imports/cycle.gt"',
    false,
    'GT1221\ntest/grammar/imports/cycle.gt:2:1-18: ERROR: \'cycle.gt\' imports itself: test/grammar/imports/cycle.gt \u2192 test/grammar/imports/cycle.gt\nimport "cycle.gt"\n~~~~~~~~~~~~~~~~~\nHINT: an import cycle; move what both need into a third file\n',
  ],
  [
    'macro one() { 1 }\nmacro one() { 2 }\nBEGIN { @x = one(); }',
    false,
    "GT1222\nstdin:2:7-10: ERROR: macro 'one' is defined twice\nmacro one() { 2 }\n      ~~~\nHINT: the other definition is at stdin:1:7\n",
  ],
  [
    'macro one() { 1 }\nBEGIN { @x = one(2); }',
    false,
    "GT1223\nstdin:2:14-20: ERROR: macro 'one' takes 0 arguments, found 1\nBEGIN { @x = one(2); }\n             ~~~~~~\n",
  ],
  [
    'macro inc($x) { $x += 1; }\nBEGIN { inc(1); }',
    false,
    "GT1224\nstdin:2:13-14: ERROR: parameter $x of macro 'inc' takes a variable ($name)\nBEGIN { inc(1); }\n            ~\nHINT: $x takes a variable, @m a map, and a bare name any expression\n",
  ],
  [
    'macro r() { r() }\nBEGIN { r(); }',
    false,
    "GT1225\nstdin:1:13-16: ERROR: macro 'r' expands into itself: r \u2192 r\nmacro r() { r() }\n            ~~~\n",
  ],
  [
    'macro set() { @a = 1; }\nBEGIN { @x = set(); }',
    false,
    "GT1226\nstdin:2:14-17: ERROR: macro 'set' has no value\nBEGIN { @x = set(); }\n             ~~~\nHINT: a macro used as a value ends with an expression and no `;`\n",
  ],
  [
    'macro two(x) { $y = x; $y * 2 }\nBEGIN { while (two(1) < 3) { exit(); } }',
    false,
    "GT1227\nstdin:2:16-22: ERROR: macro 'two' runs statements and cannot be used in a while condition\nBEGIN { while (two(1) < 3) { exit(); } }\n               ~~~~~~\nHINT: give the value to a variable first: $v = two(...);\n",
  ],
  [
    'macro m() { @hidden = 1; }\nBEGIN { m(); }',
    false,
    "GT1228\nstdin:1:13-20: ERROR: macro 'm' uses @hidden, which is not one of its parameters\nmacro m() { @hidden = 1; }\n            ~~~~~~~\nHINT: macros see only what they are given: add @hidden to its parameters\n",
  ],
  [
    'macro d(x) { x + x }\nBEGIN { @w = d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(1)))))))))))))))))) }',
    false,
    'GT1229\nstdin:2:9-69: ERROR: macros expand into more than 100000 nodes\nBEGIN { @w = d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(d(1)))))))))))))))))) }\n        ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\nHINT: a macro that calls others several times grows fast\n',
  ],
];
