// Diagnostic table rows: source → whether the parse is `incomplete` → the exact rendered text
// (code on its own line, then bpftrace's format). Read by diagnostics.test.ts.

/** Lexer diagnostics (GT11xx), end-of-input errors, several errors at once. */
export const lexCases: [string, boolean, string][] = [
  [
    'uprobe:f { @x = 1 § 2 }',
    false,
    `GT1101
stdin:1:19-20: ERROR: unexpected character '§'
uprobe:f { @x = 1 § 2 }
                  ~
GT1001
stdin:1:21-22: ERROR: syntax error: expected ';' or '}' but found '2'
uprobe:f { @x = 1 § 2 }
                    ~
HINT: separate statements with ';'
`,
  ],
  [
    "uprobe:f { @x = 'a' }",
    false,
    `GT1107
stdin:1:17-20: ERROR: strings are written in double quotes
uprobe:f { @x = 'a' }
                ~~~
HINT: write "a"
`,
  ],
  [
    "uprobe:f { @x = 'a\\'b' }",
    false,
    `GT1107
stdin:1:17-23: ERROR: strings are written in double quotes
uprobe:f { @x = 'a\\'b' }
                ~~~~~~
HINT: write "a\\'b"
`,
  ],
  [
    "uprobe:f { @x = ' }",
    false,
    `GT1101
stdin:1:17-18: ERROR: unexpected character '''
uprobe:f { @x = ' }
                ~
HINT: strings are written in double quotes: "text"
GT1001
stdin:1:19-20: ERROR: syntax error: expected an expression but found '}'
uprobe:f { @x = ' }
                  ~
`,
  ],
  [
    'uprobe:f { # comment\n}',
    false,
    `GT1101
stdin:1:12-13: ERROR: unexpected character '#'
uprobe:f { # comment
           ~
HINT: comments start with // (#! is only allowed on the first line)
`,
  ],
  [
    'uprobe:f { @x = 1 }',
    false,
    `GT1101
stdin:1:18-19: ERROR: unexpected character U+00A0
uprobe:f { @x = 1 }
                 ~
`,
  ],
  [
    'uprobe:f { @x = "abc }',
    false,
    `GT1102
stdin:1:17-23: ERROR: unterminated string
uprobe:f { @x = "abc }
                ~~~~~~
HINT: a string ends on the line it starts; close it with "
`,
  ],
  [
    'uprobe:f { @x = "abc\n}',
    false,
    `GT1102
stdin:1:17-21: ERROR: unterminated string
uprobe:f { @x = "abc
                ~~~~
HINT: a string ends on the line it starts; close it with "
`,
  ],
  [
    'uprobe:f { @x = 1 } /* not closed',
    true,
    `GT1103
stdin:1:21-23: ERROR: unterminated comment
uprobe:f { @x = 1 } /* not closed
                    ~~
HINT: close it with */
`,
  ],
  [
    'uprobe:f { @x = "a\\qb" }',
    false,
    `GT1104
stdin:1:19-21: ERROR: invalid escape sequence '\\q' in string
uprobe:f { @x = "a\\qb" }
                  ~~
HINT: escapes are \\n \\t \\r \\0 \\\\ \\" \\' and \\xNN
`,
  ],
  [
    'uprobe:f { @x = "\\x4" }',
    false,
    `GT1104
stdin:1:18-21: ERROR: invalid escape sequence '\\x4' in string
uprobe:f { @x = "\\x4" }
                 ~~~
HINT: escapes are \\n \\t \\r \\0 \\\\ \\" \\' and \\xNN
`,
  ],
  [
    'interval:s:x { }',
    false,
    `GT1001
stdin:1:12-13: ERROR: syntax error: expected an integer but found 'x'
interval:s:x { }
           ~
HINT: write interval:s:N, interval:ms:N or profile:hz:N, e.g. interval:s:1
`,
  ],
  [
    'uprobe:f { @x = 12abc }',
    false,
    `GT1105
stdin:1:17-22: ERROR: invalid integer literal '12abc'
uprobe:f { @x = 12abc }
                ~~~~~
HINT: the duration suffixes are ns, us, ms and s
`,
  ],
  [
    'uprobe:f { @x = 09 }',
    false,
    `GT1105
stdin:1:17-19: ERROR: invalid integer literal '09'
uprobe:f { @x = 09 }
                ~~
HINT: a leading 0 makes an octal number; drop the 0
`,
  ],
  [
    'uprobe:f { @x = 1e9 }',
    false,
    `GT1105
stdin:1:17-20: ERROR: invalid integer literal '1e9'
uprobe:f { @x = 1e9 }
                ~~~
HINT: exponents are not supported; write the integer in full
`,
  ],
  [
    'uprobe:f { @x = 1__000 }',
    false,
    `GT1105
stdin:1:17-23: ERROR: invalid integer literal '1__000'
uprobe:f { @x = 1__000 }
                ~~~~~~
`,
  ],
  [
    'uprobe:f { @x = 0x }',
    false,
    `GT1105
stdin:1:17-19: ERROR: invalid integer literal '0x'
uprobe:f { @x = 0x }
                ~~
HINT: the duration suffixes are ns, us, ms and s
`,
  ],
  [
    'uprobe:f { @x = 18446744073709551616 }',
    false,
    `GT1106
stdin:1:17-37: ERROR: integer literal '18446744073709551616' does not fit in 64 bits
uprobe:f { @x = 18446744073709551616 }
                ~~~~~~~~~~~~~~~~~~~~
HINT: the largest integer is 18446744073709551615 (2^64-1)
`,
  ],
  [
    'uprobe:f { @x = 18446744074s }',
    false,
    `GT1106
stdin:1:17-29: ERROR: integer literal '18446744074s' does not fit in 64 bits
uprobe:f { @x = 18446744074s }
                ~~~~~~~~~~~~
HINT: the largest integer is 18446744073709551615 (2^64-1)
`,
  ],
  [
    'uprobe:f {',
    true,
    `GT1001
stdin:1:11-12: ERROR: syntax error: expected '}' but found end of input
uprobe:f {
          ~
`,
  ],
  [
    'uprobe:f { @x = ',
    true,
    `GT1001
stdin:1:16-17: ERROR: syntax error: expected an expression but found end of input
uprobe:f { @x = 
               ~
`,
  ],
  [
    'uprobe:f < @x = 1',
    true,
    `GT1001
stdin:1:18-19: ERROR: syntax error: expected ';' or '>' but found end of input
uprobe:f < @x = 1
                 ~
`,
  ],
  [
    'uprobe:f { if (a) {',
    true,
    `GT1001
stdin:1:20-21: ERROR: syntax error: expected '}' but found end of input
uprobe:f { if (a) {
                   ~
`,
  ],
  [
    'uprobe:f { @x = (1 + ',
    true,
    `GT1001
stdin:1:21-22: ERROR: syntax error: expected an expression but found end of input
uprobe:f { @x = (1 + 
                    ~
`,
  ],
  [
    'uprobe:f /pid',
    true,
    `GT1001
stdin:1:14-15: ERROR: syntax error: expected '/' but found end of input
uprobe:f /pid
             ~
`,
  ],
  [
    'uprobe:f,',
    true,
    `GT1001
stdin:1:10-11: ERROR: syntax error: expected a probe but found end of input
uprobe:f,
         ~
`,
  ],
  [
    'uprobe:f { @x = "a"\n/* still open',
    true,
    `GT1001
stdin:1:20-21: ERROR: syntax error: expected ';' or '}' but found end of input
uprobe:f { @x = "a"
                   ~
GT1103
stdin:2:1-3: ERROR: unterminated comment
/* still open
~~
HINT: close it with */
`,
  ],
  [
    'uprobe:f {\n  @x = 1;\n\t@y = ;\n  @z = 3 +;\n}',
    false,
    `GT1001
stdin:3:7-8: ERROR: syntax error: expected an expression but found ';'
	@y = ;
	     ~
GT1001
stdin:4:11-12: ERROR: syntax error: expected an expression but found ';'
  @z = 3 +;
          ~
`,
  ],
  [
    'uprobe:f { @x = 1 @y = 2 } uprobe:g { $x = ; } garbage here uprobe:h { @z = (1 }',
    false,
    `GT1001
stdin:1:19-21: ERROR: syntax error: expected ';' or '}' but found '@y'
uprobe:f { @x = 1 @y = 2 } uprobe:g { $x = ; } garbage here uprobe:h { @z = (1 }
                  ~~
HINT: separate statements with ';'
GT1001
stdin:1:44-45: ERROR: syntax error: expected an expression but found ';'
uprobe:f { @x = 1 @y = 2 } uprobe:g { $x = ; } garbage here uprobe:h { @z = (1 }
                                           ~
GT1001
stdin:1:48-55: ERROR: syntax error: expected a probe but found 'garbage'
uprobe:f { @x = 1 @y = 2 } uprobe:g { $x = ; } garbage here uprobe:h { @z = (1 }
                                               ~~~~~~~
GT1001
stdin:1:80-81: ERROR: syntax error: expected ')' but found '}'
uprobe:f { @x = 1 @y = 2 } uprobe:g { $x = ; } garbage here uprobe:h { @z = (1 }
                                                                               ~
`,
  ],
  // 16,385 lines of 65 bytes: the first byte past 1 MiB is on line 16132.
  [
    ('//' + 'x'.repeat(62) + '\n').repeat(16385),
    false,
    `GT1108
stdin:16132:62-63: ERROR: script too large: 1065025 bytes, the limit is 1048576
//xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
                                                             ~
HINT: split the script, or trace fewer things at once
`,
  ],
];
