// DWARF location descriptions: where a variable lives at a given pc.
//
// Go describes each parameter with an expression (DW_AT_location as an
// exprloc) or with a location list (.debug_loc in DWARF 4, .debug_loclists
// in DWARF 5) of pc ranges each with its own expression. Only the
// operations Go emits for parameters are decoded: DW_OP_regN/regx,
// DW_OP_call_frame_cfa (alone or plus a constant), DW_OP_fbreg (Go's frame
// base is always the CFA) and DW_OP_piece, which splits a value into parts
// (a string in two registers, say). An empty part means "optimized out".
//
// This is used by tests and tools as an independent account of the ABI
// (abi.ts computes the same from types); nothing on the tracing path needs it.
import { readUint, sleb, uleb } from './dwarf-forms.js';

/** One part of a value: a DWARF register number, a CFA offset, or nothing. */
export type DwarfPart =
  | { kind: 'reg'; reg: number }
  /** At CFA + offset: the caller's SP before the call, i.e. SP at entry + 8. */
  | { kind: 'cfa'; offset: number }
  | { kind: 'empty' }
  | { kind: 'other'; ops: number[] };

export interface DwarfPiece {
  part: DwarfPart;
  /** Bytes, from DW_OP_piece; undefined for an expression without pieces (the whole value). */
  size?: number;
}

/** DWARF register numbers of amd64 (System V psABI) as Go's names. */
export const AMD64_DWARF_REGS: Record<number, string> = {
  0: 'RAX',
  1: 'RDX',
  2: 'RCX',
  3: 'RBX',
  4: 'RSI',
  5: 'RDI',
  6: 'RBP',
  7: 'RSP',
  8: 'R8',
  9: 'R9',
  10: 'R10',
  11: 'R11',
  12: 'R12',
  13: 'R13',
  14: 'R14',
  15: 'R15',
  ...Object.fromEntries(Array.from({ length: 16 }, (_, i) => [17 + i, `X${i}`])),
};

const OP = {
  consts: 0x11,
  plus: 0x22,
  plus_uconst: 0x23,
  reg0: 0x50,
  reg31: 0x6f,
  regx: 0x90,
  fbreg: 0x91,
  piece: 0x93,
  call_frame_cfa: 0x9c,
} as const;

/**
 * Decodes a location expression into its pieces. `fbIsCfa`: the function's
 * DW_AT_frame_base is DW_OP_call_frame_cfa (as Go writes it), so fbreg N
 * means CFA + N.
 */
export function decodeLocation(expr: Buffer, fbIsCfa = true): DwarfPiece[] {
  const out: DwarfPiece[] = [];
  let ops: number[] = [];
  let part: DwarfPart = { kind: 'empty' };
  let p = 0;
  const other = (): DwarfPart => ({ kind: 'other', ops: [...ops] });
  while (p < expr.length) {
    const op = expr[p++]!;
    ops.push(op);
    if (op >= OP.reg0 && op <= OP.reg31) {
      part = ops.length === 1 ? { kind: 'reg', reg: op - OP.reg0 } : other();
    } else if (op === OP.regx) {
      let r: number;
      [r, p] = uleb(expr, p);
      part = ops.length === 1 ? { kind: 'reg', reg: r } : other();
    } else if (op === OP.call_frame_cfa) {
      part = ops.length === 1 ? { kind: 'cfa', offset: 0 } : other();
    } else if (op === OP.fbreg) {
      let n: number;
      [n, p] = sleb(expr, p);
      part = ops.length === 1 && fbIsCfa ? { kind: 'cfa', offset: n } : other();
    } else if (op === OP.consts) {
      let n: number;
      [n, p] = sleb(expr, p);
      // call_frame_cfa; consts N; plus
      if (part.kind === 'cfa' && expr[p] === OP.plus) {
        p++;
        ops.push(OP.plus);
        part = { kind: 'cfa', offset: part.offset + n };
      } else part = other();
    } else if (op === OP.plus_uconst) {
      let n: number;
      [n, p] = uleb(expr, p);
      part = part.kind === 'cfa' ? { kind: 'cfa', offset: part.offset + n } : other();
    } else if (op === OP.piece) {
      let size: number;
      [size, p] = uleb(expr, p);
      ops.pop();
      out.push({ part: ops.length === 0 ? { kind: 'empty' } : part, size });
      ops = [];
      part = { kind: 'empty' };
    } else {
      // Anything else (stack values, implicit values...) is reported raw;
      // its operands are not skipped, so stop here.
      part = other();
      break;
    }
  }
  if (ops.length > 0 || out.length === 0) out.push({ part: ops.length === 0 ? { kind: 'empty' } : part });
  return out;
}

export interface LocListSections {
  loc?: Buffer | undefined;
  loclists?: Buffer | undefined;
  addr?: Buffer | undefined;
}

/**
 * The expression of the location-list entry covering `pc`, reading the list
 * at `offset` of .debug_loc (DWARF ≤ 4) or .debug_loclists (DWARF 5).
 * `base` is the unit's base address (its DW_AT_low_pc), `addrBase` its
 * DW_AT_addr_base for DW_LLE_*x entries. Undefined when no entry covers pc.
 */
export function locListEntryAt(
  s: LocListSections,
  version: number,
  offset: number,
  pc: number,
  base: number,
  addrBase = 8,
): Buffer | undefined {
  return version >= 5 ? loclistsAt(s, offset, pc, base, addrBase) : locAt(s.loc, offset, pc, base);
}

function locAt(b: Buffer | undefined, offset: number, pc: number, base: number): Buffer | undefined {
  if (!b) return undefined;
  const MAX = 0xffffffffffffffffn;
  let p = offset;
  while (p + 16 <= b.length) {
    const start = b.readBigUInt64LE(p);
    const end = b.readBigUInt64LE(p + 8);
    p += 16;
    if (start === 0n && end === 0n) return undefined;
    if (start === MAX) {
      base = Number(end);
      continue;
    }
    const len = b.readUInt16LE(p);
    p += 2;
    const lo = base + Number(start);
    const hi = base + Number(end);
    if (pc >= lo && pc < hi) return b.subarray(p, p + len);
    p += len;
  }
  return undefined;
}

// DW_LLE_* entry kinds (DWARF 5, section 7.7.3).
const LLE = {
  end_of_list: 0,
  base_addressx: 1,
  startx_endx: 2,
  startx_length: 3,
  offset_pair: 4,
  default_location: 5,
  base_address: 6,
  start_end: 7,
  start_length: 8,
} as const;

function loclistsAt(s: LocListSections, offset: number, pc: number, base: number, addrBase: number): Buffer | undefined {
  const b = s.loclists;
  if (!b) return undefined;
  const addrx = (i: number): number => (s.addr ? readUint(s.addr, addrBase + 8 * i, 8) : NaN);
  let p = offset;
  let fallback: Buffer | undefined;
  while (p < b.length) {
    const kind = b[p++]!;
    let lo = NaN;
    let hi = NaN;
    let a: number;
    let c: number;
    switch (kind) {
      case LLE.end_of_list:
        return fallback;
      case LLE.base_addressx:
        [a, p] = uleb(b, p);
        base = addrx(a);
        continue;
      case LLE.base_address:
        base = readUint(b, p, 8);
        p += 8;
        continue;
      case LLE.startx_endx:
        [a, p] = uleb(b, p);
        [c, p] = uleb(b, p);
        [lo, hi] = [addrx(a), addrx(c)];
        break;
      case LLE.startx_length:
        [a, p] = uleb(b, p);
        [c, p] = uleb(b, p);
        lo = addrx(a);
        hi = lo + c;
        break;
      case LLE.offset_pair:
        [a, p] = uleb(b, p);
        [c, p] = uleb(b, p);
        [lo, hi] = [base + a, base + c];
        break;
      case LLE.default_location:
        break;
      case LLE.start_end:
        lo = readUint(b, p, 8);
        hi = readUint(b, p + 8, 8);
        p += 16;
        break;
      case LLE.start_length:
        lo = readUint(b, p, 8);
        p += 8;
        [c, p] = uleb(b, p);
        hi = lo + c;
        break;
      default:
        return undefined;
    }
    let len: number;
    [len, p] = uleb(b, p);
    const expr = b.subarray(p, p + len);
    p += len;
    if (kind === LLE.default_location) fallback = expr;
    else if (pc >= lo && pc < hi) return expr;
  }
  return fallback;
}
