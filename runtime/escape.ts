// How bytes read from the traced program are shown. The target's strings are data, not text we
// trust: they may hold NULs, terminal escape sequences (`\x1b[2J` clears the screen) or invalid
// UTF-8. Two rules, both Go's strconv.Quote escapes (what `%q` prints):
//
// - quoted (print() and %v of a Go string, as Go shows them): exactly `fmt.Sprintf("%q", s)`;
// - bare (printf %s, map keys and values, errors' messages): printable text as is, so output
//   stays identical to bpftrace's for printable text, and every other byte or rune (control
//   characters, newline and tab included, DEL, C1 controls, invalid UTF-8) escaped as %q escapes
//   it. `\` and `"` stay as they are. The same rule applies on a terminal, in a pipe and in a
//   file, so what a test or a log sees is what a user sees.

const SHORT: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** One UTF-8 sequence at `i`: its code point and length, or undefined when invalid (a stray or
 *  missing continuation byte, an overlong form, a surrogate, past U+10FFFF), as Go decodes. */
function decodeRune(b: Uint8Array, i: number): { r: number; n: number } | undefined {
  const c = b[i];
  if (c < 0x80) return { r: c, n: 1 };
  const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return undefined;
  let r = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const x = b[i + k];
    if ((x & 0xc0) !== 0x80) return undefined;
    r = (r << 6) | (x & 0x3f);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000][n];
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return undefined;
  return { r, n };
}

function escapeRune(r: number): string {
  if (SHORT[r]) return SHORT[r];
  if (r < 0x80) return `\\x${hex(r, 2)}`;
  if (r < 0x10000) return `\\u${hex(r, 4)}`;
  return `\\U${hex(r, 8)}`;
}

function escapeBytes(b: Uint8Array, quoted: boolean): string {
  let out = '';
  for (let i = 0; i < b.length;) {
    const d = decodeRune(b, i);
    if (!d) {
      out += `\\x${hex(b[i], 2)}`;
      i++;
      continue;
    }
    const ch = String.fromCodePoint(d.r);
    if (quoted && (ch === '"' || ch === '\\')) out += '\\' + ch;
    else out += PRINT.test(ch) ? ch : escapeRune(d.r);
    i += d.n;
  }
  return out;
}

/** `fmt.Sprintf("%q", s)` of the bytes. */
export function goQuote(b: Uint8Array): string {
  return `"${escapeBytes(b, true)}"`;
}

/** The bare rule: printable text as is, everything else escaped as %q would. */
export function bareText(b: Uint8Array): string {
  return escapeBytes(b, false);
}

/** The bytes of a zero-padded string buffer. N.B. up to its last non-NUL byte, not its first
 *  NUL: a Go string may hold NULs (the buffer is zeroed before the string is read into it, so
 *  only NULs at the very end of a Go string are lost). */
export function bufferBytes(raw: Uint8Array): Uint8Array {
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0) end--;
  return raw.subarray(0, end);
}
