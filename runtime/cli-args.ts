// Option values of the command line that need checking (sizes, the ring buffer), apart from
// cli.ts so that the CLI's steps fit in one file. A bad value is a UsageError: the CLI prints
// its message and the usage, and exits with status 1.

export class UsageError extends Error {}

/** --ring-size: bytes (K and M suffixes), a power of two from 4 KiB (a page) to 1 GiB, as the
 *  kernel wants a ring buffer. */
export function ringArg(v: string): number {
  const m = /^([1-9][0-9]*)([KkMm]?)$/.exec(v);
  const n = m ? Number(m[1]) * (m[2] ? (m[2].toUpperCase() === 'K' ? 1024 : 1 << 20) : 1) : 0;
  if (!m || n < 4096 || n > 1 << 30 || (n & (n - 1)) !== 0)
    throw new UsageError(`--ring-size wants a power of two from 4K to 1024M, not '${v}'`);
  return n;
}

/** A map size: at least 1, at most 2^24 (16M entries; the kernel refuses far less memory). */
export function sizeArg(flag: string, v: string): number {
  if (!/^[1-9][0-9]*$/.test(v) || Number(v) > 1 << 24)
    throw new UsageError(`${flag} wants a number of entries from 1 to ${1 << 24}, not '${v}'`);
  return Number(v);
}
