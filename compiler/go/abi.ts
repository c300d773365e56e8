// Where a Go function's arguments and results are at its entry and at its
// returns, computed from their types by Go's internal register ABI for
// amd64 (ABIInternal, Go 1.17+), as specified in Go's
// src/cmd/compile/abi-internal.md:
//
//   - values are decomposed recursively into base values (strings into
//     pointer and length, slices into pointer, length and capacity,
//     interfaces into type/itab and data, complex numbers into two floats,
//     structs into their fields, arrays of length 1 into their element,
//     arrays of length 0 into nothing) and each base value takes the next
//     integer register (RAX RBX RCX RDI RSI R8 R9 R10 R11) or floating-point
//     register (X0-X14);
//   - a value with an array of length > 1 anywhere inside, or whose pieces
//     do not all fit in the registers left, goes whole to the stack, and
//     the register counters go back to what they were before it, so a later,
//     smaller value may still get a register;
//   - zero-sized values go to the stack (they take no space, but align it);
//   - results are assigned the same way, starting again at RAX and X0; their
//     stack slots follow the stack-assigned arguments (after aligning to 8).
//
// The caller reserves the stack area, so at the callee's entry (before its
// prologue) the first stack slot is at [SP+8], above the return address.
// After the results comes the spill area where the callee may store its
// register arguments (stack growth does); spillOffset says where.
//
// N.B. with zero registers the same algorithm gives ABI0, the stack-only
// convention of Go ≤ 1.16 and of assembly functions: pass
// `{ registers: false }`.
import type { GoType } from './dwarf-types.js';

export const INT_REGS = ['RAX', 'RBX', 'RCX', 'RDI', 'RSI', 'R8', 'R9', 'R10', 'R11'] as const;
export const FLOAT_REGS = ['X0', 'X1', 'X2', 'X3', 'X4', 'X5', 'X6', 'X7', 'X8', 'X9', 'X10', 'X11', 'X12', 'X13', 'X14'] as const;
export type IntReg = (typeof INT_REGS)[number];
export type FloatReg = (typeof FLOAT_REGS)[number];
export type AbiReg = IntReg | FloatReg;

export interface RegPiece {
  reg: AbiReg;
  /** Byte offset of this piece within the value's memory layout. */
  offset: number;
  size: number;
}

export type AbiLocation =
  | { kind: 'regs'; pieces: RegPiece[] }
  /** offset: from SP at function entry (the first stack slot is SP+8). */
  | { kind: 'stack'; offset: number; size: number }
  /** A type the DWARF did not describe well enough (and everything it displaced). */
  | { kind: 'unknown'; reason: string };

export interface AbiParam {
  name: string;
  type?: GoType | undefined;
  isResult: boolean;
}

export interface AbiValue {
  name: string;
  type: GoType;
  isResult: boolean;
  location: AbiLocation;
  /** Register arguments only: their home in the caller's spill area, from SP at entry. */
  spillOffset?: number;
  /** A value read in a block over functions of different signatures: its place in each
   *  (probe ids of the functions of one signature), picked at run time (codegen/go-values.ts). */
  perProbe?: { ids: number[]; location: AbiLocation }[];
}

export interface AbiAssignment {
  /** In the order given: receiver and arguments, then results. */
  values: AbiValue[];
  /**
   * Size of the argument area the caller reserves above the return
   * address (stack arguments, stack results, spill space); what Go records
   * as the function's argument size. Undefined when some type is unknown.
   */
  frameSize?: number;
}

export interface AbiOptions {
  /** false: ABI0 (everything on the stack). Default true (ABIInternal). */
  registers?: boolean;
}

const UNKNOWN_TYPE: GoType = { kind: 'unknown', name: '?', size: 0, tag: 0 };
const PTR = 8;

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/**
 * Why the layout of `t` cannot be computed (a type DWARF did not
 * describe), or undefined when it can. Pointers are not followed.
 */
function unknownPart(t: GoType): string | undefined {
  switch (t.kind) {
    case 'unknown':
      return `type ${t.name || '?'} is not described`;
    case 'named':
      return unknownPart(t.underlying);
    case 'array':
      if (!t.elem) return t.length === 0 ? undefined : `element type of ${t.name} is not described`;
      return unknownPart(t.elem);
    case 'struct':
      for (const m of t.members) {
        const why = unknownPart(m.type);
        if (why) return why;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Alignment of a type in Go's memory layout (abi-internal.md, "Memory layout"). */
export function alignOf(t: GoType): number {
  switch (t.kind) {
    case 'base':
      if (t.encoding === 'complex') return Math.max(1, t.size / 2);
      return Math.max(1, Math.min(t.size, PTR));
    case 'named':
      return alignOf(t.underlying);
    case 'array':
      return t.elem ? alignOf(t.elem) : 1;
    case 'struct':
      return t.members.reduce((a, m) => Math.max(a, alignOf(m.type)), 1);
    case 'unknown':
      return PTR;
    default:
      // pointer, string, slice, interface, map, chan, func
      return PTR;
  }
}

interface RegState {
  i: number;
  fp: number;
}

/**
 * Register-assigns `t` at byte `offset` of the value, appending pieces.
 * False when the value must go to the stack.
 */
function regAssign(t: GoType, offset: number, s: RegState, out: RegPiece[]): boolean {
  const int = (off: number, size: number): boolean => {
    if (s.i >= INT_REGS.length) return false;
    out.push({ reg: INT_REGS[s.i++]!, offset: off, size });
    return true;
  };
  const float = (off: number, size: number): boolean => {
    if (s.fp >= FLOAT_REGS.length) return false;
    out.push({ reg: FLOAT_REGS[s.fp++]!, offset: off, size });
    return true;
  };
  switch (t.kind) {
    case 'base':
      if (t.encoding === 'float') return float(offset, t.size);
      if (t.encoding === 'complex') return float(offset, t.size / 2) && float(offset + t.size / 2, t.size / 2);
      if (t.size > PTR) return false;
      return int(offset, t.size);
    case 'pointer':
    case 'map':
    case 'chan':
    case 'func':
      return int(offset, PTR);
    case 'string':
      return int(offset, PTR) && int(offset + PTR, PTR);
    case 'interface':
      return int(offset, PTR) && int(offset + PTR, PTR);
    case 'slice':
      return int(offset, PTR) && int(offset + PTR, PTR) && int(offset + 2 * PTR, PTR);
    case 'named':
      return regAssign(t.underlying, offset, s, out);
    case 'struct':
      return t.members.every((m) => regAssign(m.type, offset + m.offset, s, out));
    case 'array':
      if (t.length === 0) return true;
      if (t.length === 1 && t.elem) return regAssign(t.elem, offset, s, out);
      return false;
    case 'unknown':
      return false;
  }
}

/**
 * Assigns every argument and result of a function to registers or stack
 * slots. `params` is the function's parameters in declaration order, the
 * receiver of a method first, results after arguments (as DWARF lists
 * them, see Dwarf.functionParams); their relative order within each group
 * is what matters.
 */
export function assignAbi(params: readonly AbiParam[], opts: AbiOptions = {}): AbiAssignment {
  const regs = opts.registers !== false;
  const values: AbiValue[] = params.map((p) => ({
    name: p.name,
    type: p.type ?? UNKNOWN_TYPE,
    isResult: p.isResult,
    location: { kind: 'unknown', reason: '' },
  }));
  let stack = 0;
  // Once a value's size is unknown, the stack offsets after it are too,
  // and so are the registers of the later values of its group.
  let stackLost: string | undefined;

  const assignGroup = (group: AbiValue[]): void => {
    const s: RegState = regs ? { i: 0, fp: 0 } : { i: INT_REGS.length, fp: FLOAT_REGS.length };
    let regsLost: string | undefined;
    for (const v of group) {
      const why = v.type === UNKNOWN_TYPE ? `no type for ${v.name}` : unknownPart(v.type);
      if (why) {
        v.location = { kind: 'unknown', reason: why };
        stackLost ??= why;
        regsLost ??= why;
        continue;
      }
      if (regsLost) {
        v.location = { kind: 'unknown', reason: regsLost };
        continue;
      }
      const size = v.type.size;
      if (size > 0) {
        const saved = { ...s };
        const pieces: RegPiece[] = [];
        if (regAssign(v.type, 0, s, pieces)) {
          v.location = { kind: 'regs', pieces };
          continue;
        }
        s.i = saved.i;
        s.fp = saved.fp;
      }
      if (stackLost) {
        v.location = { kind: 'unknown', reason: stackLost };
        continue;
      }
      stack = align(stack, alignOf(v.type));
      v.location = { kind: 'stack', offset: PTR + stack, size };
      stack += size;
    }
    stack = align(stack, PTR);
  };

  const args = values.filter((v) => !v.isResult);
  assignGroup(args);
  assignGroup(values.filter((v) => v.isResult));
  for (const v of args) {
    if (v.location.kind !== 'regs' || stackLost) continue;
    stack = align(stack, alignOf(v.type));
    v.spillOffset = PTR + stack;
    stack += v.type.size;
  }
  stack = align(stack, PTR);
  const out: AbiAssignment = { values };
  if (!stackLost) out.frameSize = stack;
  return out;
}

/** `RAX`, `RBX,RCX`, `[SP+16]`, `-` (zero-sized) or `?`, for listings. */
export function locationString(loc: AbiLocation): string {
  switch (loc.kind) {
    case 'regs':
      return loc.pieces.map((p) => p.reg).join(',');
    case 'stack':
      return loc.size === 0 ? '-' : `[SP+${loc.offset}]`;
    case 'unknown':
      return '?';
  }
}

/**
 * A Go type as a Go programmer writes it: `*net/http.Request`, `[]byte`,
 * `map[string]int`, `func(int) error`, `any`; anonymous structs and
 * interfaces with methods shortened to `struct {...}` / `interface {...}`.
 * Named types print by name.
 */
export function typeString(t: GoType | undefined): string {
  if (!t) return '?';
  // Generic shapes: Go names the parameter types `.param0`...
  if (t.kind === 'named' && t.name.startsWith('.')) return typeString(t.underlying);
  if (t.name && !(t.kind === 'func' && t.name.startsWith('.'))) return prettyName(t.name);
  switch (t.kind) {
    case 'pointer':
      return t.elem ? `*${typeString(t.elem)}` : 'unsafe.Pointer';
    case 'slice':
      return `[]${t.elem?.kind === 'base' && t.elem.name === 'uint8' ? 'byte' : typeString(t.elem)}`;
    case 'array':
      return `[${t.length}]${typeString(t.elem)}`;
    case 'map':
      return `map[${typeString(t.key)}]${typeString(t.elem)}`;
    case 'chan':
      return `chan ${typeString(t.elem)}`;
    case 'struct':
      return t.members.length ? 'struct {...}' : 'struct {}';
    case 'interface':
      return t.empty ? 'any' : 'interface {...}';
    case 'func':
      return 'func(...)';
    case 'string':
      return 'string';
    default:
      return '?';
  }
}

/**
 * Go's DWARF type names are already Go syntax; this shortens the long
 * anonymous forms and spells byte slices and the empty interface the way
 * people write them.
 */
function prettyName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length;) {
    const m = /^(struct|interface) \{/.exec(name.slice(i, i + 12));
    if (m && (i === 0 || !/[\w.]/.test(name[i - 1]!))) {
      // Skip to the matching brace.
      let depth = 0;
      let j = i + m[0].length - 1;
      for (; j < name.length; j++) {
        if (name[j] === '{') depth++;
        else if (name[j] === '}' && --depth === 0) break;
      }
      const body = name.slice(i + m[0].length, j).trim();
      out += body === '' ? (m[1] === 'interface' ? 'any' : 'struct {}') : `${m[1]} {...}`;
      i = j + 1;
      continue;
    }
    out += name[i];
    i++;
  }
  return out.replace(/\[\]uint8(?![\w.])/g, '[]byte');
}
