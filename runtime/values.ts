// Decoding the fields the BPF side writes (map keys and values, event arguments) into typed
// values, and printing them as bpftrace does. The layout comes from the manifest.
import type { Field, Manifest } from '../compiler/manifest.js';
import type { GoFormat } from '../compiler/passes/types.js';
import type { FormatArg } from '../compiler/format.js';
import { bareText, bufferBytes, goQuote } from './escape.js';

export type Value =
  | { type: 'int'; value: bigint }
  | { type: 'str'; value: string }
  | { type: 'probe'; id: number; name: string }
  | { type: 'ustack'; frames: string[] }
  /** A Go value captured for print()/%v, already formatted the way Go would show it. */
  | { type: 'go'; text: string };

/** Turns return addresses into `func+off` names; the session provides one from the binary. */
export type Symbolizer = (pc: bigint) => string;

export interface DecodeContext {
  manifest: Manifest;
  symbolize: Symbolizer;
  /** Name of the Go type whose descriptor is at this address (`*errors.errorString`). */
  typeName?: (addr: bigint) => string | undefined;
}

export function decodeField(buf: Buffer, base: number, f: Field, ctx: DecodeContext): Value {
  const off = base + f.offset;
  switch (f.type) {
    case 'int':
      return { type: 'int', value: buf.readBigInt64LE(off) };
    case 'str':
      // The target's bytes, shown by the bare rule (runtime/escape.ts).
      return { type: 'str', value: bareText(bufferBytes(buf.subarray(off, off + f.size))) };
    case 'probe': {
      const id = Number(buf.readBigInt64LE(off));
      return { type: 'probe', id, name: ctx.manifest.probes.find((p) => p.id === id)?.func ?? `probe#${id}` };
    }
    case 'go':
      return { type: 'go', text: goText(buf, off, f.go!, ctx, true) };
    case 'hex':
      return { type: 'go', text: `0x${buf.readBigUInt64LE(off).toString(16)}` };
    case 'usym':
      return { type: 'go', text: ctx.symbolize(buf.readBigUInt64LE(off)).replace(/\+\d+$/, '') };
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
    case 'go':
      return v.text;
  }
}

/** A captured Go string: the bytes kept, then the bytes (compiler/passes/govalues.ts
 *  GO_STR_LEN); undefined when it was unreadable. */
function keptBytes(buf: Buffer, off: number, cap: number): Buffer | undefined {
  const n = Number(buf.readBigInt64LE(off));
  return n < 0 ? undefined : buf.subarray(off + 8, off + 8 + Math.min(n, cap - 1));
}

/** Error types whose first field is their message. */
const MESSAGE_ERRORS = new Set(['*errors.errorString', '*fmt.wrapError', '*fmt.wrapErrors', '*errors.joinError']);

/** Go-like text of a capture: `{Method: "GET", Hdr: 0xc000010000}`, `[1 2 3]`, `"text"`. */
export function goText(buf: Buffer, off: number, fmt: GoFormat, ctx: DecodeContext, top: boolean): string {
  switch (fmt.kind) {
    case 'int': {
      const v = buf.readBigInt64LE(off);
      if (fmt.bool) return v !== 0n ? 'true' : 'false';
      const bits = fmt.size * 8;
      return (fmt.signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)).toString();
    }
    case 'float':
      return String(fmt.size === 4 ? buf.readFloatLE(off) : buf.readDoubleLE(off));
    case 'ptr': {
      const v = buf.readBigUInt64LE(off);
      return v === 0n ? '<nil>' : `0x${v.toString(16)}`;
    }
    case 'str': {
      const b = keptBytes(buf, off, fmt.cap);
      return b ? goQuote(b) : '<fault>';
    }
    case 'iface': {
      const t = buf.readBigUInt64LE(off);
      const data = buf.readBigUInt64LE(off + 8);
      if (t === 0n) return '<nil>';
      const name = ctx.typeName?.(t);
      if (name && MESSAGE_ERRORS.has(name)) return bareText(keptBytes(buf, off + 16, fmt.cap) ?? Buffer.from('<fault>'));
      return `${name ?? `type@0x${t.toString(16)}`}(0x${data.toString(16)})`;
    }
    case 'opaque':
      return `${fmt.name}{...}`;
    case 'struct': {
      const parts = fmt.fields.map((f) => {
        const text = f.fmt.kind === 'str' && f.extra !== undefined ? goText(buf, off + f.extra, f.fmt, ctx, false) : goText(buf, off + f.offset, f.fmt, ctx, false);
        return `${f.name}: ${text}`;
      });
      return `${fmt.ref ? '&' : ''}{${parts.join(', ')}}`;
    }
    case 'slice': {
      const len = buf.readBigInt64LE(off);
      if (len === -1n) return '<fault>';
      const n = Math.min(Number(len), fmt.max);
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const at = off + 8 + i * fmt.elemSize;
        const tmp = Buffer.alloc(8);
        buf.copy(tmp, 0, at, at + fmt.elemSize);
        if (fmt.elem.kind === 'int' && fmt.elem.signed && fmt.elemSize < 8 && tmp[fmt.elemSize - 1] & 0x80) tmp.fill(0xff, fmt.elemSize);
        items.push(goText(tmp, 0, fmt.elem, ctx, false));
      }
      if (Number(len) > n) items.push(`...+${Number(len) - n}`);
      return `[${items.join(' ')}]`;
    }
  }
  void top;
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
    case 'go':
      return v.text;
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
