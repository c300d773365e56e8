// GT1xxx: the parser and the AST builder (GT10xx), the lexer (GT11xx), and GT1999, the safety net
// that should never be seen. Rows of the diagnostics catalog (see index.ts).

export const grammarCodes = {
  // ---- parser / AST builder ----
  GT1001: { severity: 'error', message: 'syntax error: expected {expected} but found {found}' },
  GT1002: { severity: 'error', message: "probe '{type}' needs a target" },
  GT1003: { severity: 'error', message: "unknown probe type '{name}'" },
  GT1004: {
    severity: 'error',
    message: "probe target '{target}' is a path; the probe also needs a function",
    hint: 'write {type}:{target}:FUNC, e.g. {type}:{target}:main.main',
  },
  GT1005: {
    severity: 'error',
    message: 'empty path in probe target',
    hint: 'write {type}:FUNC or {type}:PATH:FUNC, e.g. {type}:/usr/bin/app:{func}',
  },
  GT1006: {
    severity: 'error',
    message: "invalid {type} unit '{unit}'",
    hint: 'units are {units}, e.g. {examples}',
  },
  GT1007: { severity: 'error', message: '{type} value must be a positive integer without suffix', hint: 'e.g. {type}:{unit}:{example}' },
  GT1008: {
    severity: 'error',
    message: 'cannot assign to {what}',
    hint: 'assign to a map (@name[key] = ...) or a variable ($name = ...)',
  },
  GT1009: {
    severity: 'error',
    message: 'cannot {op} {what}',
    hint: '{sign} works on a map (@name[key]{sign}) or a variable ($name{sign})',
  },
  GT1010: {
    severity: 'error',
    message: 'unroll count must be an integer literal from 1 to 100',
    hint: 'unroll repeats its block a fixed number of times, e.g. unroll(4) { ... }',
  },
  GT1011: {
    severity: 'error',
    message: 'floating-point literals are not supported',
    hint: 'write an integer, or a duration such as 1500us',
  },
  GT1012: { severity: 'error', message: "'{func}' is not a Go function name" },
  // ---- limits (limits.ts) ----
  GT1013: {
    severity: 'error',
    message: 'nested too deeply: more than {limit} levels of ( [ {, prefix operators, ?: or else if',
    hint: 'name parts of the expression with $variables, or split the block',
  },
  GT1014: {
    severity: 'error',
    message: 'too many statements: the limit is {limit} in one script',
    hint: 'split the script into several runs',
  },
  GT1015: {
    severity: 'error',
    message: 'expression too deep: more than {limit} levels (a chain of {limit} operators)',
    hint: 'sum the terms into a $variable in several statements',
  },
  GT1016: { severity: 'error', message: '{type} period too long: at most {max} {unit} (2^63-1 ns)' },
  // ---- lexer ----
  GT1101: { severity: 'error', message: 'unexpected {chars}' },
  GT1102: {
    severity: 'error',
    message: 'unterminated string',
    hint: 'a string ends on the line it starts; close it with "',
  },
  GT1103: { severity: 'error', message: 'unterminated comment', hint: 'close it with */' },
  GT1104: {
    severity: 'error',
    message: "invalid escape sequence '{seq}' in string",
    hint: 'escapes are \\n \\t \\r \\0 \\\\ \\" \\\' and \\xNN',
  },
  GT1105: { severity: 'error', message: "invalid integer literal '{text}'" },
  GT1106: {
    severity: 'error',
    message: "integer literal '{text}' does not fit in 64 bits",
    hint: 'the largest integer is 18446744073709551615 (2^64-1)',
  },
  GT1107: { severity: 'error', message: 'strings are written in double quotes', hint: 'write "{text}"' },
  GT1108: {
    severity: 'error',
    message: 'script too large: {bytes} bytes, the limit is {limit}',
    hint: 'split the script, or trace fewer things at once',
  },
  // ---- tracepoint targets (lexer) ----
  GT1205: {
    severity: 'error',
    message: "tracepoint target '{target}' needs a category and a name",
    hint: "write tracepoint:CATEGORY:NAME, e.g. tracepoint:syscalls:sys_enter_write (gotrace -l 'tracepoint:*' lists them)",
  },
  GT1206: {
    severity: 'error',
    message: "invalid tracepoint target '{target}'",
    hint: 'categories and names are letters, digits and _; a name may hold * wildcards (tracepoint:syscalls:sys_enter_*)',
  },
  // ---- internal ----
  GT1999: {
    severity: 'error',
    message: 'internal parser error: {detail}',
    hint: 'please report this with the script that caused it',
  },
  // ---- import and macro (GT1220-1229) ----
  GT1220: { severity: 'error', message: "cannot import '{path}': {reason}" },
  GT1221: {
    severity: 'error',
    message: "'{path}' imports itself: {chain}",
    hint: 'an import cycle; move what both need into a third file',
  },
  GT1222: { severity: 'error', message: "macro '{name}' is defined twice", hint: 'the other definition is at {at}' },
  GT1223: { severity: 'error', message: "macro '{name}' takes {expected}, found {count}" },
  GT1224: {
    severity: 'error',
    message: "parameter {param} of macro '{name}' takes {want}",
    hint: '$x takes a variable, @m a map, and a bare name any expression',
  },
  GT1225: { severity: 'error', message: "macro '{name}' expands into itself: {chain}" },
  GT1226: {
    severity: 'error',
    message: "macro '{name}' has no value",
    hint: 'a macro used as a value ends with an expression and no `;`',
  },
  GT1227: {
    severity: 'error',
    message: "macro '{name}' runs statements and cannot be used in {where}",
    hint: 'give the value to a variable first: $v = {name}(...);',
  },
  GT1228: {
    severity: 'error',
    message: "macro '{name}' uses {ref}, which is not one of its parameters",
    hint: 'macros see only what they are given: add {ref} to its parameters',
  },
  GT1229: {
    severity: 'error',
    message: 'macros expand into more than {limit} nodes',
    hint: 'a macro that calls others several times grows fast',
  },
} as const;
