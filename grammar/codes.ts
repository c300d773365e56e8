// Every diagnostic the grammar can report, with a stable code and its message template.
// Codes never change meaning (tests, docs and editors refer to them); retire a code rather than
// reuse it. `{name}` placeholders are filled by format(). GT10xx come from the parser and the
// AST builder, GT11xx from the lexer, GT1999 is the safety net that should never be seen.

export const codes = {
  // ---- parser / AST builder ----
  GT1001: 'syntax error: expected {expected} but found {found}',
  GT1002: "probe '{type}' needs a target",
  GT1003: "unknown probe type '{name}'",
  GT1004: "probe target '{target}' is a path; the probe also needs a function",
  GT1005: 'empty path in probe target',
  GT1006: "invalid {type} unit '{unit}'",
  GT1007: '{type} value must be a positive integer without suffix',
  GT1008: 'cannot assign to {what}',
  GT1009: 'cannot {op} {what}',
  GT1010: 'unroll count must be an integer literal from 1 to 100',
  GT1011: 'floating-point literals are not supported',
  GT1012: "'{func}' is not a Go function name",
  // ---- lexer ----
  GT1101: 'unexpected {chars}',
  GT1102: 'unterminated string',
  GT1103: 'unterminated comment',
  GT1104: "invalid escape sequence '{seq}' in string",
  GT1105: "invalid integer literal '{text}'",
  GT1106: "integer literal '{text}' does not fit in 64 bits",
  GT1107: 'strings are written in double quotes',
  // ---- internal ----
  GT1999: 'internal parser error: {detail}',
} as const;

export type GrammarCode = keyof typeof codes;

/** The message for a code, placeholders replaced; a missing value leaves the placeholder visible. */
export function format(code: GrammarCode, values: Record<string, string | number> = {}): string {
  return codes[code].replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
