// printf formats: parsed once at compile time (to check arguments against conversions) and again
// by the runtime's formatter, from the same code, so the two can never disagree.

export interface Conversion {
  /** The whole conversion text, e.g. `%-8lld`. */
  text: string;
  flags: string;
  width?: number;
  precision?: number;
  conv: 'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 's' | 'c' | 'p' | 'v' | 'q';
  /** Character offset of the `%` in the format. */
  at: number;
}

export type FormatPiece = string | Conversion;

/** Widest field a conversion may ask for. N.B. the formatter pads in memory: `%999999999d` would
 *  build a gigabyte string (a RangeError) for every event. */
export const MAX_WIDTH = 4096;

const RE = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?(hh|h|ll|l|z|j|t)?([a-zA-Z%])?/y;

/** Parse a format; an error names the offending conversion and its offset. */
export function parseFormat(fmt: string): {
  pieces: FormatPiece[];
  error?: { message: string; conv: string; at: number; tooWide?: string };
} {
  const pieces: FormatPiece[] = [];
  let lit = '';
  for (let i = 0; i < fmt.length;) {
    const c = fmt[i];
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    RE.lastIndex = i;
    const m = RE.exec(fmt)!;
    const conv = m[5];
    if (conv === '%' && m[0] === '%%') {
      lit += '%';
      i += 2;
      continue;
    }
    if (!conv || !'diuxXoscpvq'.includes(conv))
      return { pieces, error: { message: `invalid conversion '${m[0] || '%'}' in format`, conv: m[0] || '%', at: i } };
    const big = [m[2], m[3]].find((n) => n !== undefined && Number(n) > MAX_WIDTH);
    if (big !== undefined)
      return {
        pieces,
        error: { message: `width or precision ${big} in '${m[0]}' is over the limit of ${MAX_WIDTH}`, conv: m[0], at: i, tooWide: big },
      };
    if (lit) pieces.push(lit);
    lit = '';
    pieces.push({
      text: m[0],
      flags: m[1] ?? '',
      width: m[2] !== undefined ? Number(m[2]) : undefined,
      precision: m[3] !== undefined ? Number(m[3]) : undefined,
      conv: conv as Conversion['conv'],
      at: i,
    });
    i += m[0].length;
  }
  if (lit) pieces.push(lit);
  return { pieces };
}

/** An argument of a format. `go` spells a Go value as Go's fmt does for a verb: `%v`, `%+v`,
 *  or `%q` (the checker lets `%q` take Go strings only). */
export type FormatArg = { type: 'int'; value: bigint } | { type: 'str'; value: string; go?: (verb: GoVerb) => string };
export type GoVerb = 'v' | '+v' | 'q';

function goVerb(c: Conversion): GoVerb | undefined {
  if (c.conv === 'q') return 'q';
  if (c.conv === 'v') return c.flags.includes('+') ? '+v' : 'v';
  return undefined;
}

function pad(s: string, c: Conversion): string {
  if (c.width === undefined || s.length >= c.width) return s;
  if (c.flags.includes('-')) return s.padEnd(c.width);
  if (c.flags.includes('0') && c.conv !== 's' && c.conv !== 'c') {
    const sign = /^[-+ ]/.test(s) ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    const prefix = /^0[xX]/.test(body) ? body.slice(0, 2) : '';
    return sign + prefix + body.slice(prefix.length).padStart(c.width - sign.length - prefix.length, '0');
  }
  return s.padStart(c.width);
}

/** C's conversions on 64-bit integers and strings. */
export function formatOne(c: Conversion, a: FormatArg): string {
  if (c.conv === 's' || c.conv === 'v' || c.conv === 'q') {
    const verb = goVerb(c);
    let s = a.type === 'int' ? a.value.toString() : verb && a.go ? a.go(verb) : a.value;
    if (c.precision !== undefined && c.conv === 's') s = s.slice(0, c.precision);
    return pad(s, c);
  }
  const v = a.type === 'int' ? a.value : BigInt(a.value.length);
  const u = BigInt.asUintN(64, v);
  let s: string;
  switch (c.conv) {
    case 'd':
    case 'i':
      s = v.toString();
      if (v >= 0n && c.flags.includes('+')) s = '+' + s;
      else if (v >= 0n && c.flags.includes(' ')) s = ' ' + s;
      break;
    case 'u':
      s = u.toString();
      break;
    case 'x':
      s = (c.flags.includes('#') && u !== 0n ? '0x' : '') + u.toString(16);
      break;
    case 'X':
      s = (c.flags.includes('#') && u !== 0n ? '0X' : '') + u.toString(16).toUpperCase();
      break;
    case 'o':
      s = (c.flags.includes('#') ? '0' : '') + u.toString(8);
      break;
    case 'c':
      s = String.fromCharCode(Number(u & 0xffn));
      break;
    case 'p':
      s = '0x' + u.toString(16);
      break;
  }
  if (c.precision !== undefined && 'diuxXo'.includes(c.conv)) {
    const neg = s.startsWith('-');
    const digits = neg ? s.slice(1) : s;
    s = (neg ? '-' : '') + digits.padStart(c.precision, '0');
  }
  return pad(s, c);
}

export function formatAll(pieces: FormatPiece[], args: FormatArg[]): string {
  let out = '';
  let i = 0;
  for (const p of pieces) out += typeof p === 'string' ? p : formatOne(p, args[i++] ?? { type: 'str', value: '' });
  return out;
}
