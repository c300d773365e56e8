// The language's functions with a value, in the checker: reg, strncmp, strcontains, str(ptr,
// len), strftime, buf, ntop, ustack(N|raw), and the statements signal() and join(). Each
// handler returns the call's type, or undefined after reporting why. Go values given to them
// (net.IP, netip.Addr, []string, []byte) are typed through GoChecker.
import type * as ast from '../../../grammar/ast.js';
import { typeString } from '../../go/abi.js';
import { underlying } from '../govalues.js';
import { suggest } from '../suggest.js';
import { INT, USTACK_DEPTH, aTy, str, type Ty } from '../types.js';
import { GoChecker, isGoPath } from './go.js';

type Call = Extract<ast.Expr, { kind: 'Call' }>;

/** x86-64 registers as bpftrace names them: the fields of the uprobe context (struct gt_regs). */
export const REGISTERS = [
  'r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8',
  'ax', 'cx', 'dx', 'si', 'di', 'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss',
]; // prettier-ignore

/** Linux signal numbers (x86-64), by name without "SIG". */
export const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
}; // prettier-ignore

/** The registers of arg0..arg8: Go's integer argument registers in ABI order. */
const ARG_REGS = ['RAX', 'RBX', 'RCX', 'RDI', 'RSI', 'R8', 'R9', 'R10', 'R11'];

/** Haystack bytes times needle bytes strcontains() may compare (functions.bpf.h). */
export const SEARCH_STEPS = 16384;

/** Deepest ustack(N): the bound of the frame walk's loop (functions.bpf.h). */
export const USTACK_MAX = 1024;

export abstract class FnChecker extends GoChecker {
  /** Functions with a value, by name (the rest of VALUE_CALLS is in exprs.ts). */
  protected static readonly FN_CALLS: Record<string, (c: FnChecker, e: Call) => Ty | undefined> = {
    reg: (c, e) => c.reg(e),
    strncmp: (c, e) => (c.arity(e, 3) && c.strArgs(e, 2) && c.literalInt(e, 2, 'length') !== undefined ? INT : undefined),
    strcontains: (c, e) => (c.arity(e, 2) && c.strArgs(e, 2) && c.searchFits(e) ? INT : undefined),
    strftime: (c, e) => c.strftime(e),
    buf: (c, e) => c.buf(e),
    ntop: (c, e) => c.ntop(e),
    ustack: (c, e) => c.ustackCall(e),
  };

  /** `argc` arguments, or an error saying how many there are. */
  protected arity(e: Call, ...counts: number[]): boolean {
    if (counts.includes(e.args.length)) return true;
    const n = counts.map((k) => `${k} argument${k === 1 ? '' : 's'}`).join(' or ');
    this.err('GT2023', e.span, { fn: e.name, expected: n, count: e.args.length });
    return false;
  }

  /** The first n arguments are strings. */
  private strArgs(e: Call, n: number): boolean {
    let ok = true;
    for (let i = 0; i < n; i++) {
      const t = this.expr(e.args[i]);
      if (t && t.k !== 'str') {
        this.err('GT2269', e.args[i].span, { what: `${e.name}()'s argument ${i + 1}`, type: aTy(t) });
        ok = false;
      } else if (!t) ok = false;
    }
    return ok;
  }

  /** strcontains() compares every position of the haystack with the needle: a loop the kernel's
   *  verifier walks step by step, within its budget of a million instructions only when the two
   *  sizes are small enough (a literal needle always is at the default --strlen). */
  private searchFits(e: Call): boolean {
    const [h, n] = e.args.map((a) => this.r.types.get(a));
    const steps = (h?.k === 'str' ? h.size : 0) * (n?.k === 'str' ? n.size : 0);
    if (steps <= SEARCH_STEPS) return true;
    this.err('GT2271', e.span, { steps, limit: SEARCH_STEPS });
    return false;
  }

  /** Argument i as an integer literal (named `what` in errors), or undefined after reporting. */
  protected literalInt(e: Call, i: number, what: string): number | undefined {
    const a = e.args[i];
    if (a?.kind === 'IntLit') return Number(a.value);
    this.err('GT2261', (a ?? e).span, { fn: e.name, what });
    return undefined;
  }

  private reg(e: Call): Ty | undefined {
    if (!this.arity(e, 1)) return undefined;
    const a = e.args[0];
    if (a.kind !== 'StrLit') return void this.err('GT2261', a.span, { fn: 'reg', what: 'register name' });
    if (!REGISTERS.includes(a.value)) {
      const near = suggest(a.value, REGISTERS);
      this.err('GT2260', a.span, { name: a.value, names: REGISTERS.join(' ') }, near ? [`did you mean '${near}'?`] : []);
      return undefined;
    }
    if (this.block.context !== 'function') return void this.err('GT2003', e.nameSpan, { name: 'reg()' });
    return INT;
  }

  private strftime(e: Call): Ty | undefined {
    if (!this.arity(e, 2)) return undefined;
    const f = e.args[0];
    if (f.kind !== 'StrLit') return void this.err('GT2261', f.span, { fn: 'strftime', what: 'format' });
    this.intExpr(e.args[1], "strftime()'s time");
    return { k: 'strftime', fmt: f.value };
  }

  /** buf(ptr, len), buf(goBytesOrString), buf(goBytesOrString, len): at most --strlen bytes. */
  private buf(e: Call): Ty | undefined {
    if (!this.arity(e, 1, 2)) return undefined;
    const [a, n] = e.args;
    const lit = n?.kind === 'IntLit' ? Number(n.value) : undefined;
    const size = Math.max(1, Math.min(this.strlen, lit ?? this.strlen));
    if (n) this.intExpr(n, "buf()'s length");
    if (isGoPath(a)) {
      const u = this.goComposite(a);
      if (!u) return undefined;
      const ok = u.kind === 'string' || (u.kind === 'slice' && u.elem?.size === 1) || (n && (u.kind === 'pointer' || u.kind === 'base'));
      if (!ok) return void this.err('GT2266', a.span, { type: typeString(this.r.goAccess.get(a)!.type) });
      return { k: 'buf', size };
    }
    const t = this.expr(a);
    if (t && (t.k !== 'int' || !n)) return void this.err('GT2266', a.span, { type: aTy(t) });
    return t && { k: 'buf', size };
  }

  private ntop(e: Call): Ty | undefined {
    if (!this.arity(e, 1)) return undefined;
    const a = e.args[0];
    if (isGoPath(a)) {
      const u = this.goComposite(a);
      if (!u) return undefined;
      const t = this.r.goAccess.get(a)!.type;
      const isIP = u.kind === 'slice' && u.elem?.size === 1;
      const isAddr = t.name === 'net/netip.Addr' && u.kind === 'struct';
      const z4 = isAddr ? this.opts.variable?.('net/netip.z4') : undefined;
      if (z4) (this.r.symbols ??= new Map()).set('net/netip.z4', z4);
      if (isIP || isAddr || (u.kind === 'base' && u.encoding !== 'float')) return { k: 'inet' };
      return void this.err('GT2264', a.span, { type: typeString(t) });
    }
    const t = this.expr(a);
    if (t && t.k !== 'int') return void this.err('GT2264', a.span, { type: aTy(t) });
    return t && { k: 'inet' };
  }

  /** ustack(N), ustack(raw), ustack(raw, N), ustack(bpftrace, N). */
  private ustackCall(e: Call): Ty | undefined {
    if (this.block.context !== 'function') return void this.err('GT2003', e.nameSpan, { name: 'ustack' });
    let raw = false;
    let depth = USTACK_DEPTH;
    const args = [...e.args];
    const mode = args[0]?.kind === 'Ident' ? args.shift() : undefined;
    if (mode?.kind === 'Ident') {
      if (mode.name !== 'raw' && mode.name !== 'bpftrace') return void this.err('GT2268', mode.span);
      raw = mode.name === 'raw';
    }
    if (args.length > 1 || (!mode && !args.length)) return void this.err('GT2268', e.span);
    if (args.length) {
      const n = args[0];
      if (n.kind !== 'IntLit' || n.value < 1n || n.value > BigInt(USTACK_MAX)) return void this.err('GT2268', n.span);
      depth = Number(n.value);
    }
    return { k: 'ustack', depth, ...(raw ? { raw } : {}) };
  }

  /** A Go value used whole (a slice, a struct): its access recorded, its underlying type
   *  returned; undefined while Go values are not typed yet, or after reporting why. */
  protected goComposite(a: ast.Expr): ReturnType<typeof underlying> | undefined {
    const r = this.goPath(a);
    if (!r || this.goValue(a, r, true) === undefined) return undefined;
    return underlying(this.r.goAccess.get(a)!.type);
  }

  /**
   * str(argN) where argN is the pointer word of a Go string parameter (the functions' DWARF or
   * descriptors say so): the string read by its length, as str(args.NAME) reads it. Without
   * this it would be read as a C string, on past the string's end into whatever follows (Go
   * strings have no NUL). Undefined when argN is not such a word.
   */
  protected argString(e: Call): Ty | undefined {
    const a = e.args[0];
    if (e.args.length !== 1 || a.kind !== 'Ident' || !/^arg\d$/.test(a.name)) return undefined;
    const info = this.opts.goInfo?.(this.block.block);
    if (!info || 'error' in info || this.block.context !== 'function') return undefined;
    const reg = ARG_REGS[Number(a.name.slice(3))];
    const v = info.values.find(
      (x) =>
        !x.isResult &&
        x.location.kind === 'regs' &&
        underlying(x.type).kind === 'string' &&
        x.location.pieces.some((p) => p.offset === 0 && p.reg === reg),
    );
    if (!v) return undefined;
    this.r.goAccess.set(a, { root: v, steps: [], type: v.type });
    return str(this.strlen);
  }

  /** str(ptr, len): a C string of at most len bytes. */
  protected strN(e: Call): Ty | undefined {
    const [p, n] = e.args;
    this.intExpr(p, "str()'s pointer");
    this.intExpr(n, "str()'s length");
    return str(this.strlen);
  }

  /** signal(SIG): a name (SIGUSR1, USR1) or number, sent to the traced process; needs --unsafe. */
  protected signal(e: Call): number | undefined {
    if (!this.opts.unsafe) return void this.err('GT2080', e.nameSpan, { fn: 'signal' });
    if (!this.arity(e, 1)) return undefined;
    if (this.block.context !== 'function') return void this.err('GT2263', e.nameSpan, { fn: 'signal' });
    const a = e.args[0];
    if (a.kind !== 'StrLit' && a.kind !== 'IntLit') return void this.err('GT2261', a.span, { fn: 'signal', what: 'signal' });
    const n = signalNumber(a);
    if (n === undefined) return void this.err('GT2262', a.span, { name: a.kind === 'StrLit' ? a.value : String(a.value) });
    return n;
  }
}

/** signal()'s argument as a number: SIGUSR1, USR1 or 10; undefined for anything else. */
export function signalNumber(a: ast.Expr): number | undefined {
  if (a.kind === 'IntLit') return a.value >= 1n && a.value <= 64n ? Number(a.value) : undefined;
  return a.kind === 'StrLit' ? SIGNALS[a.value.replace(/^SIG/, '')] : undefined;
}
