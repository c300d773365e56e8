// A function's parameters with their ABI locations, from its DWARF, checked
// against the argument size Go's function table records for it.
//
// N.B. Go's DWARF leaves out parameters without a usable name: blank (`_`)
// and unnamed parameters, unnamed method receivers, and the receiver of the
// compiler's pointer wrappers for value methods (`pkg.(*T).M` calling
// `pkg.T.M`). They still take registers, so the locations computed from the
// remaining ones would be wrong. The argument area computed from the DWARF
// list (stack arguments, stack results, spill space) is compared with
// _func.args; when they differ:
//   - for a method whose first listed parameter is not of the receiver type,
//     the receiver is assumed missing and added back (as `~recv`); for
//     shape-stenciled generic code (a `[` in the name), the dictionary
//     pointer Go passes first (as `.dict`); a guess is kept if the sizes
//     then agree;
//   - otherwise each argument takes the registers its own DWARF location at
//     the entry pc names (or keeps a stack slot that agrees with it); those
//     without one are reported unknown. Results in registers stay right
//     (their assignment starts afresh), results on the stack do not.
import { AbiAssignment, AbiParam, AbiReg, AbiValue, assignAbi } from './abi.js';
import { AMD64_DWARF_REGS } from './dwarf-loc.js';
import type { Dwarf } from './dwarf.js';
import type { GoType } from './dwarf-types.js';

export interface FunctionAbi extends AbiAssignment {
  /** Size of the argument area recorded in the function table (-1 if unknown). */
  argsSize: number;
  /** Set when some locations are unknown, saying why. */
  warning?: string;
  /** Where the types come from when not from DWARF (for -lv). */
  source?: string;
}

const DICT: GoType = { kind: 'pointer', name: 'unsafe.Pointer', size: 8, elem: undefined };

/** Receiver type named in a method's symbol: `pkg.(*T).M` or `pkg.T.M`. */
function receiverOf(dwarf: Dwarf, name: string): GoType | undefined {
  const ptr = /^(.+)\.\(\*([^()]+)\)\.[^.()]+$/.exec(name);
  if (ptr) {
    const typeName = `${ptr[1]}.${ptr[2]}`;
    const found = dwarf.findType(`*${typeName}`, false);
    if (found) return found;
    const elem = dwarf.findType(typeName, false);
    return elem ? { kind: 'pointer', name: `*${typeName}`, size: 8, elem } : undefined;
  }
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.includes('(')) return undefined;
  // `main.main.func1` is a closure, not a method: only a real type counts.
  const t = dwarf.findType(name.slice(0, dot), false);
  return t && t.kind !== 'func' ? t : undefined;
}

export function functionAbiFor(
  dwarf: Dwarf,
  fn: { name: string; entry: number },
  argsSize: number,
  registers: boolean,
): FunctionAbi | undefined {
  const params = dwarf.functionParams(fn.name, fn.entry);
  if (!params) return undefined;
  const a = assignAbi(params, { registers });
  if (a.frameSize === undefined)
    return { ...a, argsSize, warning: 'some locations unknown: the DWARF does not describe some parameter types' };
  if (argsSize < 0 || a.frameSize === argsSize) return { ...a, argsSize };

  // Put back what the DWARF may have left out, and keep the first guess
  // that accounts for the whole argument area.
  const first = params.find((p) => !p.isResult);
  const guesses: AbiParam[][] = [];
  const recv = receiverOf(dwarf, fn.name);
  const missingRecv = recv && first?.type?.name !== recv.name ? [{ name: '~recv', type: recv, isResult: false }] : undefined;
  // Shape-stenciled generic code takes its dictionary first, before any receiver.
  const missingDict = fn.name.includes('[') && first?.name !== '.dict' ? [{ name: '.dict', type: DICT, isResult: false }] : undefined;
  if (missingRecv) guesses.push([...missingRecv, ...params]);
  if (missingDict) guesses.push([...missingDict, ...params]);
  if (missingRecv && missingDict) guesses.push([...missingDict, ...missingRecv, ...params]);
  for (const g of guesses) {
    const b = assignAbi(g, { registers });
    if (b.frameSize === argsSize) return { ...b, argsSize };
  }

  const reason = first
    ? 'the DWARF leaves out blank or unnamed parameters'
    : 'the DWARF names no arguments (assembly, or unnamed parameters)';
  const confirmed = confirmedByDwarf(dwarf, fn, a.values);
  const args = a.values.filter((v) => !v.isResult);
  const from =
    args.length > 0 && args.every((v) => confirmed.has(v))
      ? "from the DWARF's entry locations"
      : confirmed.size
        ? 'unknown for some'
        : 'unknown';
  const out: FunctionAbi = {
    values: a.values,
    argsSize,
    warning: `argument locations ${from}: ${reason} (argument area ${argsSize} bytes, the named ones take ${a.frameSize})`,
  };
  for (const v of out.values) {
    delete v.spillOffset;
    if (confirmed.has(v)) continue;
    if (!v.isResult || v.location.kind === 'stack') v.location = { kind: 'unknown', reason };
  }
  return out;
}

/**
 * Arguments placed by the DWARF's own location at the entry pc, when our assignment cannot
 * be trusted (a blank or unnamed parameter missing from the list): registers named there
 * are taken (`f(a int, _ string, b int)`: a in RAX, b in RDI), stack slots kept when they
 * agree with ours (the DWARF's CFA is SP at entry + 8). Optimized-out ones stay unknown.
 */
function confirmedByDwarf(dwarf: Dwarf, fn: { name: string; entry: number }, values: readonly AbiValue[]): Set<AbiValue> {
  const out = new Set<AbiValue>();
  const locs = dwarf.paramLocations(fn.name, fn.entry, fn.entry);
  if (!locs) return out;
  for (const v of values) {
    if (v.isResult) continue;
    const pieces = locs.find((l) => l.name === v.name && !l.isResult)?.pieces;
    if (!pieces || pieces.length === 0) continue;
    const loc = v.location;
    const regs = pieces.map((p) => (p.part.kind === 'reg' ? AMD64_DWARF_REGS[p.part.reg] : undefined));
    // The value's own decomposition (offsets and sizes), as if it were the only argument.
    const alone = assignAbi([{ name: v.name, type: v.type, isResult: false }]).values[0]!.location;
    if (regs.every((r) => r !== undefined) && alone.kind === 'regs' && alone.pieces.length === regs.length) {
      // The DWARF names the registers: take them (a gap before this argument shifted ours).
      v.location = { kind: 'regs', pieces: alone.pieces.map((p, i) => ({ ...p, reg: regs[i] as AbiReg })) };
      out.add(v);
    } else if (loc.kind === 'stack') {
      const p = pieces[0]!.part;
      if (pieces.length === 1 && p.kind === 'cfa' && p.offset + 8 === loc.offset) out.add(v);
    }
  }
  return out;
}
