// Decoding the fields the BPF side writes (map keys and values, event arguments) into typed
// values, and printing them as bpftrace does. The layout comes from the manifest.
import type { Field, Manifest } from '../compiler/manifest.js';
import type { FormatArg } from '../compiler/format.js';

export type Value =
  | { type: 'int'; value: bigint }
  | { type: 'str'; value: string }
  | { type: 'probe'; id: number; name: string }
  | { type: 'ustack'; frames: string[] };

/** Turns return addresses into `func+off` names; the session provides one from the binary. */
export type Symbolizer = (pc: bigint) => string;

export interface DecodeContext {
  manifest: Manifest;
  symbolize: Symbolizer;
}

export function decodeField(buf: Buffer, base: number, f: Field, ctx: DecodeContext): Value {
  const off = base + f.offset;
  switch (f.type) {
    case 'int':
      return { type: 'int', value: buf.readBigInt64LE(off) };
    case 'str': {
      const raw = buf.subarray(off, off + f.size);
      const nul = raw.indexOf(0);
      return { type: 'str', value: raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8') };
    }
    case 'probe': {
      const id = Number(buf.readBigInt64LE(off));
      return { type: 'probe', id, name: ctx.manifest.probes.find((p) => p.id === id)?.func ?? `probe#${id}` };
    }
    case 'ustack': {
      const frames: string[] = [];
      for (let i = 0; i < f.size / 8; i++) {
        const pc = buf.readBigUInt64LE(off + i * 8);
        if (pc === 0n) break;
        frames.push(ctx.symbolize(pc));
      }
      return { type: 'ustack', frames };
    }
  }
}

/** bpftrace's text for a value: strings bare, stacks one frame a line. */
export function valueText(v: Value): string {
  switch (v.type) {
    case 'int':
      return v.value.toString();
    case 'str':
      return v.value;
    case 'probe':
      return v.name;
    case 'ustack':
      return '\n' + v.frames.map((f) => `        ${f}\n`).join('');
  }
}

export function valueJson(v: Value): unknown {
  switch (v.type) {
    case 'int':
      return v.value >= BigInt(Number.MIN_SAFE_INTEGER) && v.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.value) : v.value.toString();
    case 'str':
      return v.value;
    case 'probe':
      return v.name;
    case 'ustack':
      return v.frames;
  }
}

export function formatArg(v: Value): FormatArg {
  return v.type === 'int' ? { type: 'int', value: v.value } : { type: 'str', value: valueText(v) };
}

export function compareValues(a: Value, b: Value): number {
  if (a.type === 'int' && b.type === 'int') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  const x = valueText(a);
  const y = valueText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
