// Maps keyed by ustack in bpftrace's text format:
//   @name[
//           frame+off
//           ...
//   ]: value
// parsed into their stacks (frames without offsets) and values.
export interface StackEntry {
  frames: string[];
  value: bigint;
}

export function parseStackMap(out: string, name: string): StackEntry[] {
  const re = new RegExp(`^${name.replace(/[$@]/g, '\\$&')}\\[\\n((?:[ \\t]+\\S.*\\n)*)\\]: (-?\\d+)$`, 'gm');
  return [...out.matchAll(re)].map((m) => ({
    frames: m[1]
      .split('\n')
      .map((l) => l.trim().replace(/\+\d+$/, ''))
      .filter(Boolean),
    value: BigInt(m[2]),
  }));
}

/** The sum of the values of the stacks that pass through `frame`. */
export function sumThrough(entries: StackEntry[], frame: string): bigint {
  return entries.filter((e) => e.frames.includes(frame)).reduce((a, e) => a + e.value, 0n);
}
