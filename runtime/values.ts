// Decoding the fields the BPF side writes (map keys and values, event arguments) into typed
// values, and printing them as bpftrace does. The layout comes from the manifest.
import type { Field, Manifest } from '../compiler/manifest.js';
import type { FormatArg } from '../compiler/format.js';
import { bareText, bufferBytes } from './escape.js';
import { bufText, inetText, joinText, strftimeText } from './functions-text.js';
import { floatText, goText, type GoStyle, type TypeContext } from './govalue-text.js';

export type Value =
  | { type: 'int'; value: bigint }
  | { type: 'str'; value: string }
  | { type: 'probe'; id: number; name: string }
  /** raw: addresses, printed without indentation as bpftrace's ustack(raw). */
  | { type: 'ustack'; frames: string[]; raw?: boolean }
  /** A Go value captured for print()/%v: `text` in gotrace's form (print, keys), `styled` in
   *  Go's `%v`/`%+v` (printf) when the value was captured whole. */
  | { type: 'go'; text: string; styled?: (style: GoStyle) => string }
  /** A Go float32/float64 (`size` bytes). */
  | { type: 'float'; value: number; size: number }
  | { type: 'tuple'; elems: Value[] };

/** Turns return addresses into `func+off` names; the session provides one from the binary. */
export type Symbolizer = (pc: bigint) => string;

/** The frames at a code address, innermost first: the functions inlined there (`name
 *  [inlined]`), then the function itself (`func+off`). `ret`: the address is a return address,
 *  looked up at the call instruction before it (pc - 1), as Go's traceback does. */
export type FrameSymbolizer = (pc: bigint, ret: boolean) => string[];

export interface DecodeContext extends TypeContext {
  manifest: Manifest;
  symbolize: Symbolizer;
  /** percentile(@m[keys], p) now: `keys` are the map key's bytes before the bucket (a live
   *  session reads its map; without one, 0). */
  percentile?: (map: string, keys: Buffer, p: number) => bigint;
  /** Inlined frames too (the session gives one from the binary's inline trees). */
  frames?: FrameSymbolizer;
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
    case 'go': {
      if (f.join !== undefined) return { type: 'str', value: joinText(buf, off, f.go!, f.join) };
      // Spelled when asked, in the style asked: a printf `%v` never builds gotrace's form too.
      // N.B. an event's buffer is the ring's memory, reused once the callback returns: the value
      // keeps its own copy.
      const own = Buffer.from(buf.subarray(off, off + f.size));
      const styled = (style: GoStyle) => goText(own, 0, f.go!, ctx, 0, 0, style);
      let text: string | undefined;
      return {
        type: 'go',
        get text() {
          return (text ??= styled('gotrace'));
        },
        styled,
      };
    }
    case 'hex':
      return { type: 'go', text: `0x${buf.readBigUInt64LE(off).toString(16)}` };
    case 'usym':
      return { type: 'go', text: ctx.symbolize(buf.readBigUInt64LE(off)).replace(/\+\d+$/, '') };
    case 'float': {
      const size = f.go?.kind === 'float' ? f.go.size : 8;
      return { type: 'float', size, value: size === 4 ? buf.readFloatLE(off) : buf.readDoubleLE(off) };
    }
    case 'tuple':
      return { type: 'tuple', elems: f.elems!.map((e) => decodeField(buf, off, e, ctx)) };
    case 'pctl': {
      const keys = buf.subarray(off, off + f.size);
      return { type: 'int', value: ctx.percentile?.(f.pctl!.map, keys, f.pctl!.p) ?? 0n };
    }
    case 'ustack':
      return { type: 'ustack', frames: stackFrames(buf, off, f, ctx), ...(f.raw ? { raw: true } : {}) };
    case 'caller': {
      const pc = buf.readBigUInt64LE(off);
      const name = ctx.frames?.(pc, true)[0] ?? ctx.symbolize(pc - 1n);
      return { type: 'go', text: pc === 0n ? '<none>' : name.replace(/( \[inlined\]|\+\d+)$/, '') };
    }
    case 'strftime':
      return { type: 'str', value: strftimeText(f.fmt ?? '', buf.readBigInt64LE(off)) };
    case 'buf':
      return { type: 'str', value: bufText(buf, off, f.size) };
    case 'inet':
      return { type: 'str', value: inetText(buf, off) };
  }
}

/** A stack's frames: addresses (ustack(raw)), or names with the functions inlined at each. */
function stackFrames(buf: Buffer, off: number, f: Field, ctx: DecodeContext): string[] {
  const frames: string[] = [];
  for (let i = 0; i < f.size / 8; i++) {
    const pc = buf.readBigUInt64LE(off + i * 8);
    if (pc === 0n) break;
    if (f.raw) frames.push(pc.toString(16));
    else if (ctx.frames) frames.push(...ctx.frames(pc, i > 0));
    else frames.push(ctx.symbolize(pc));
  }
  return frames;
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
      return '\n' + v.frames.map((f) => `${v.raw ? '' : '        '}${f}\n`).join('');
    case 'go':
      return v.text;
    case 'float':
      return goFloatText(v.value, v.size);
    case 'tuple':
      // As bpftrace prints tuples: strings bare.
      return `(${v.elems.map(valueText).join(', ')})`;
  }
}

/** A float as Go's %v prints it (govalue-text.ts's floatText, from the number). */
export function goFloatText(x: number, size: number): string {
  const b = Buffer.alloc(8);
  if (size === 4) b.writeFloatLE(x);
  else b.writeDoubleLE(x);
  return floatText(b, 0, size);
}

export function valueJson(v: Value): unknown {
  switch (v.type) {
    case 'int':
      return v.value >= BigInt(Number.MIN_SAFE_INTEGER) && v.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v.value)
        : v.value.toString();
    case 'str':
      return v.value;
    case 'probe':
      return v.name;
    case 'ustack':
      return v.frames;
    case 'go':
      return v.text;
    case 'float':
      return Number.isFinite(v.value) ? v.value : goFloatText(v.value, v.size);
    case 'tuple':
      return v.elems.map(valueJson);
  }
}

export function formatArg(v: Value): FormatArg {
  if (v.type === 'int') return { type: 'int', value: v.value };
  if (v.type === 'float') return { type: 'float', value: v.value, text: goFloatText(v.value, v.size) };
  const styled = v.type === 'go' ? v.styled : undefined;
  // %q is Go's quoting of a Go string: gotrace's own form of a string is exactly that.
  return { type: 'str', value: valueText(v), go: styled && ((verb) => styled(verb === 'q' ? 'gotrace' : verb)) };
}

export function compareValues(a: Value, b: Value): number {
  if (a.type === 'int' && b.type === 'int') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.type === 'float' && b.type === 'float') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.type === 'tuple' && b.type === 'tuple') {
    for (let i = 0; i < Math.min(a.elems.length, b.elems.length); i++) {
      const c = compareValues(a.elems[i], b.elems[i]);
      if (c) return c;
    }
    return a.elems.length - b.elems.length;
  }
  const x = valueText(a);
  const y = valueText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
