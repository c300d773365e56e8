// Decoding of literal tokens: integers (bases, `_` separators, duration suffixes) and strings
// (escapes). Pure functions returning either a value or the reason it is invalid, so the lexer
// pass can report the problem at the exact offset.

export const U64_MAX = (1n << 64n) - 1n;

const DURATION: Record<string, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

export type IntResult = { ok: true; value: bigint; suffix?: string } | { ok: false; reason: 'invalid' | 'range' };

/**
 * `42`, `1_000`, `0x1F`, `0o17`, `017` (leading 0: octal, as in C and bpftrace), `0b1010`, and
 * any of these followed by a duration suffix `ns us ms s`, which scales to nanoseconds
 * (`5ms` = 5000000). `_` may only sit between digits. Values above 2^64-1 are out of range,
 * also after scaling.
 */
export function decodeInt(text: string): IntResult {
  const m = /^(?:0[xX]([0-9a-fA-F_]+)|0[oO]([0-7_]+)|0[bB]([01_]+)|([0-9][0-9_]*))(ns|us|ms|s)?$/.exec(text);
  if (!m) return { ok: false, reason: 'invalid' };
  const [, hex, oct, bin, dec, suffix] = m;
  let digits: string;
  let prefix: string;
  if (hex !== undefined) [digits, prefix] = [hex, '0x'];
  else if (oct !== undefined) [digits, prefix] = [oct, '0o'];
  else if (bin !== undefined) [digits, prefix] = [bin, '0b'];
  else if (dec.length > 1 && dec[0] === '0') {
    // Leading zero: C octal. `09` is therefore invalid, as in C.
    [digits, prefix] = [dec.slice(1), '0o'];
    if (!/^[0-7_]+$/.test(digits)) return { ok: false, reason: 'invalid' };
  } else [digits, prefix] = [dec, ''];
  if (digits.startsWith('_') || digits.endsWith('_') || digits.includes('__')) return { ok: false, reason: 'invalid' };
  let value = BigInt(prefix + digits.replace(/_/g, ''));
  if (suffix) value *= DURATION[suffix];
  if (value > U64_MAX) return { ok: false, reason: 'range' };
  return suffix ? { ok: true, value, suffix } : { ok: true, value };
}

export type StrResult = { ok: true; value: string } | { ok: false; value: string; badEscape: { offset: number; text: string } };

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'" };

/**
 * The value of a string token's image (quotes included; `terminated` says whether the closing quote is
 * there). Escapes: \n \t \r \0 \\ \" \' and \xNN. The first bad escape is reported
 * with its offset inside the image; decoding goes on so the parse can continue.
 */
export function decodeString(image: string, terminated: boolean): StrResult {
  const body = image.slice(1, terminated ? -1 : undefined);
  let out = '';
  let bad: { offset: number; text: string } | undefined;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e !== undefined && e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i++;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      const text = e === 'x' ? body.slice(i, i + 4).replace(/[^0-9a-fA-Fx\\].*$/, '') : body.slice(i, i + 2);
      bad ??= { offset: 1 + i, text };
      out += e ?? '';
      i++;
    }
  }
  return bad ? { ok: false, value: out, badEscape: bad } : { ok: true, value: out };
}
