// How the values of the language's functions print: strftime() as wall-clock time, buf() by
// %r's rule, ntop() as Go prints IPs, join() of a []string, and the caller's name.
import type { GoFormat } from '../compiler/passes/types.js';
import { bareText } from './escape.js';
import { keptBytes } from './govalue-text.js';

const p2 = (n: number) => String(n).padStart(2, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** C's strftime conversions (local time, as libc's), and bpftrace's %f: microseconds. */
const CONV: Record<string, (d: Date, us: number) => string> = {
  a: (d) => DAYS[d.getDay()].slice(0, 3),
  A: (d) => DAYS[d.getDay()],
  b: (d) => MONTHS[d.getMonth()].slice(0, 3),
  h: (d) => MONTHS[d.getMonth()].slice(0, 3),
  B: (d) => MONTHS[d.getMonth()],
  d: (d) => p2(d.getDate()),
  e: (d) => String(d.getDate()).padStart(2, ' '),
  H: (d) => p2(d.getHours()),
  I: (d) => p2(d.getHours() % 12 || 12),
  j: (d) => String(Math.round((dayStart(d) - new Date(d.getFullYear(), 0, 1).getTime()) / 864e5) + 1).padStart(3, '0'),
  m: (d) => p2(d.getMonth() + 1),
  M: (d) => p2(d.getMinutes()),
  p: (d) => (d.getHours() < 12 ? 'AM' : 'PM'),
  S: (d) => p2(d.getSeconds()),
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  u: (d) => String(d.getDay() || 7),
  w: (d) => String(d.getDay()),
  y: (d) => p2(d.getFullYear() % 100),
  Y: (d) => String(d.getFullYear()),
  z: (d) => {
    const o = -d.getTimezoneOffset();
    return `${o < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(o) / 60))}${p2(Math.abs(o) % 60)}`;
  },
  T: (d) => `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`,
  R: (d) => `${p2(d.getHours())}:${p2(d.getMinutes())}`,
  D: (d) => `${p2(d.getMonth() + 1)}/${p2(d.getDate())}/${p2(d.getFullYear() % 100)}`,
  F: (d) => `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`,
  f: (_, us) => String(us).padStart(6, '0'),
  n: () => '\n',
  t: () => '\t',
  '%': () => '%',
};

function dayStart(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** strftime(fmt, d) as C's (the conversions above; an unknown one stays as written). */
export function strftimeDate(fmt: string, d: Date, us = d.getMilliseconds() * 1000): string {
  return fmt.replace(/%(.)/gs, (m, c: string) => CONV[c]?.(d, us) ?? m);
}

/** Wall-clock nanoseconds minus the BPF clock's (bpf_ktime_get_ns and Node's hrtime both read
 *  CLOCK_MONOTONIC), taken once: nsecs values become dates by adding it. */
let wallOffset: bigint | undefined;

/** strftime()'s value: `nsecs` on the BPF clock, printed as local wall-clock time. */
export function strftimeText(fmt: string, nsecs: bigint): string {
  wallOffset ??= BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  const wall = nsecs + wallOffset;
  const ms = Number(wall / 1_000_000n);
  return strftimeDate(fmt, new Date(ms), Number((wall / 1000n) % 1_000_000n));
}

/** %r of buf(): printable ASCII as is, every other byte as \xNN (bpftrace's rule). */
export function bufText(buf: Buffer, off: number, size: number): string {
  const n = Number(buf.readBigInt64LE(off));
  if (n < 0) return '<fault>';
  let out = '';
  for (const b of buf.subarray(off + 8, off + 8 + Math.min(n, size - 8))) {
    out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** ntop(): a family word, then 16 bytes, printed as Go's net.IP.String and netip.Addr.String
 *  print them. The word is a net.IP's length (4, 16; 0 is nil), 6 for a netip.Addr of 16 bytes,
 *  INVALID_ADDR for netip's zero Addr, -1 for a fault (functions.bpf.h, gt_ntop_*). */
export function inetText(buf: Buffer, off: number): string {
  const fam = Number(buf.readBigInt64LE(off));
  const b = buf.subarray(off + 8, off + 24);
  if (fam === -1) return '<fault>';
  if (fam === 0) return '<nil>';
  if (fam === INVALID_ADDR) return 'invalid IP';
  if (fam === 4) return v4(b.subarray(0, 4));
  if (fam !== 16 && fam !== 6) return `?len=${fam}`;
  // net.IP prints a v4-in-v6 address dotted; netip.Addr keeps the ::ffff: prefix.
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (fam === 16 && mapped) return v4(b.subarray(12));
  if (fam === 6 && mapped) return `::ffff:${v4(b.subarray(12))}`;
  return v6(b);
}

/** The family word of netip's zero Addr. */
const INVALID_ADDR = 0x100;

function v4(b: Uint8Array): string {
  return [...b].join('.');
}

/** RFC 5952: lower-case hex groups, the longest run of two or more zero groups as `::`. */
function v6(b: Uint8Array): string {
  const g = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** join(): the strings of a captured []string, as printf %s shows each, joined by `sep`;
 *  elements past the capture are counted, never hidden. */
export function joinText(buf: Buffer, base: number, fmt: GoFormat, sep: string): string {
  if (fmt.kind !== 'slice') return '';
  const len = Number(buf.readBigInt64LE(base + fmt.slot));
  if (len < 0) return '<fault>';
  const n = Math.min(len, fmt.elems.length);
  const items = fmt.elems.slice(0, n).map((e) => {
    if (e.kind !== 'str') return '?';
    const b = keptBytes(buf, base + e.slot, e.cap);
    return b ? bareText(b) : '<fault>';
  });
  if (len > n) items.push(`...+${len - n}`);
  return items.join(sep);
}
