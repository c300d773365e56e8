// printf formats: parsed once at compile time (to check arguments against conversions) and again
// by the runtime's formatter, from the same code, so the two can never disagree.

export interface Conversion {
  /** The whole conversion text, e.g. `%-8lld`. */
  text: string;
  flags: string;
  width?: number;
  precision?: number;
  conv: 'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 's' | 'c' | 'p' | 'v' | 'q' | 'D' | 'f' | 'e' | 'g' | 'r';
  /** Character offset of the `%` in the format. */
  at: number;
}

export type FormatPiece = string | Conversion;

/** Widest field a conversion may ask for. N.B. the formatter pads in memory: `%999999999d` would
 *  build a gigabyte string (a RangeError) for every event. */
export const MAX_WIDTH = 4096;

/** C's integer and string conversions, %v %+v %q (a Go value as Go prints it), %D (nanoseconds as a
 *  duration: durationText) and the float conversions %f %e %g (Go floats, or integers). */
const CONVERSIONS = 'diuxXoscpvqDfegr';

/** The kind of argument a conversion takes. */
export function conversionWants(conv: Conversion['conv']): 'int' | 'float' | 'str' | 'any' {
  if (conv === 'v') return 'any';
  if (conv === 's' || conv === 'q' || conv === 'r') return 'str';
  return 'feg'.includes(conv) ? 'float' : 'int';
}

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
    if (!conv || !CONVERSIONS.includes(conv))
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
 *  or `%q` (the checker lets `%q` take Go strings only). A float carries Go's %v text for %s. */
export type FormatArg =
  | { type: 'int'; value: bigint }
  | { type: 'str'; value: string; go?: (verb: GoVerb) => string }
  | { type: 'float'; value: number; text: string };
export type GoVerb = 'v' | '+v' | 'q';

function goVerb(c: Conversion): GoVerb | undefined {
  if (c.conv === 'q') return 'q';
  if (c.conv === 'v') return c.flags.includes('+') ? '+v' : 'v';
  return undefined;
}

/** A nanosecond count as %D shows it: 3 significant digits in ns, us, ms or s, without
 *  trailing zeros (`512ns`, `1.24ms`, `1.05ms`, `2s`); whole seconds from 1000 s up. */
export function durationText(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  const a = ns < 0n ? -ns : ns;
  if (a < 1000n) return `${sign}${a}ns`;
  const units: [number, string][] = [
    [1e3, 'us'],
    [1e6, 'ms'],
    [1e9, 's'],
  ];
  let u = 0;
  while (u < units.length - 1 && Number(a) >= units[u + 1][0]) u++;
  for (;;) {
    const [f, name] = units[u];
    const x = Number(a) / f;
    const text = x >= 1000 && name === 's' ? Math.round(x).toString() : x.toPrecision(3);
    // Rounding up to 1000 (999.7us) shows in the next unit (1ms).
    if (Number(text) >= 1000 && name !== 's') {
      u++;
      continue;
    }
    return `${sign}${text.includes('.') ? text.replace(/\.?0+$/, '') : text}${name}`;
  }
}

/** %f %e %g as C prints a double (precision 6 unless given). */
function floatConv(c: Conversion, x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const p = c.precision ?? 6;
  let s: string;
  // N.B. toFixed switches to an exponent from 1e21 on; such doubles are integers, exactly.
  if (c.conv === 'f') s = Math.abs(x) >= 1e21 ? `${BigInt(x)}${p > 0 ? '.' + '0'.repeat(p) : ''}` : cFixed(x, Math.min(p, 99));
  else if (c.conv === 'e') s = cExp(x.toExponential(Math.min(p, 100)));
  else {
    // %g: %e when the exponent is below -4 or at least the precision, trailing zeros dropped.
    const P = p === 0 ? 1 : p;
    const e = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(x.toExponential(P - 1)))));
    s = e < -4 || e >= P ? cExp(x.toExponential(P - 1)) : x.toFixed(Math.max(0, P - 1 - e));
    if (!c.flags.includes('#')) s = s.replace(/\.?0+(e|$)/, '$1');
  }
  if (x >= 0 && c.flags.includes('+')) s = '+' + s;
  else if (x >= 0 && c.flags.includes(' ')) s = ' ' + s;
  return s;
}

/** %.Nf as C rounds: to nearest, a tie to the even digit (2.5 -> "2"), where toFixed takes the
 *  tie away from zero. A tie is a value whose exact decimal digits end right after digit N with
 *  a 5 (toFixed(100) shows the exact digits of every double that can be one). */
function cFixed(x: number, p: number): string {
  const s = x.toFixed(p);
  const exact = x.toFixed(100);
  const dot = exact.indexOf('.');
  const frac = exact.slice(dot + 1);
  if (frac[p] !== '5' || !/^0*$/.test(frac.slice(p + 1))) return s;
  const kept = exact.slice(0, p === 0 ? dot : dot + 1 + p);
  return Number(kept[kept.length - 1]) % 2 === 0 ? kept : s;
}

/** JavaScript's exponent (e+5) as C writes it (e+05). */
function cExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
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
  if ('feg'.includes(c.conv)) return pad(floatConv(c, a.type === 'float' ? a.value : a.type === 'int' ? Number(a.value) : NaN), c);
  if (c.conv === 'D') return pad(durationText(a.type === 'int' ? a.value : 0n), c);
  // %r: a buf() value, already shown by its rule (runtime/functions-text.ts).
  if (c.conv === 's' || c.conv === 'v' || c.conv === 'q' || c.conv === 'r') {
    const verb = goVerb(c);
    let s = a.type === 'int' ? a.value.toString() : a.type === 'float' ? a.text : verb && a.go ? a.go(verb) : a.value;
    if (c.precision !== undefined && c.conv === 's') s = s.slice(0, c.precision);
    return pad(s, c);
  }
  const v =
    a.type === 'int' ? a.value : a.type === 'str' ? BigInt(a.value.length) : Number.isFinite(a.value) ? BigInt(Math.trunc(a.value)) : 0n;
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
    default: // p
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
