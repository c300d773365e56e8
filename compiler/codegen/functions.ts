// The language's functions in C: reg(), strncmp(), strcontains(), strftime()'s time, and the
// buffers filled in place: ustack(N|raw), str(ptr, len), buf(), ntop(). The helpers they call
// are in bpf-templates/functions.bpf.h.
import type * as ast from '../../grammar/ast.js';
import { signalNumber } from '../passes/check/functions.js';
import { underlying, type GoAccess } from '../passes/govalues.js';
import { storageSize, USTACK_DEPTH, type Ty } from '../passes/types.js';
import { GoWriter } from './go-values.js';

type Call = Extract<ast.Expr, { kind: 'Call' }>;

export abstract class FnWriter extends GoWriter {
  /** Fill a buffer of type t from an expression (exprs.ts). */
  protected abstract fill(e: ast.Expr, t: Ty, dest: string): void;

  /** Integer-valued functions, by name. */
  private static readonly VALUES: Record<string, (w: FnWriter, e: Call) => string> = {
    reg: (_, e) => `(__s64)ctx->${(e.args[0] as { value: string }).value}`,
    strftime: (w, e) => w.expr(e.args[1]),
    strncmp: (w, e) => w.strings(e, (a, b, n) => `gt_strncmp(${a}, ${b}, ${w.expr(e.args[2])}, ${n})`),
    strcontains: (w, e) => w.strings(e, (a, b, _n, sa, sb) => `gt_strcontains(${a}, ${sa}, ${b}, ${sb})`),
  };

  /** C for a function with an integer value. */
  protected functionValue(e: Call): string {
    const f = FnWriter.VALUES[e.name];
    if (!f) throw new Error(`codegen: ${e.name}() has no integer value`);
    return f(this, e);
  }

  /** Both string arguments in scratch space, then `use(a, b, smaller size, size a, size b)`. */
  private strings(e: Call, use: (a: string, b: string, n: number, sa: number, sb: number) => string): string {
    const [ta, tb] = [this.ty(e.args[0]), this.ty(e.args[1])];
    const [sa, sb] = [storageSize(ta), storageSize(tb)];
    const a = this.scratchTemp('char', 'gt_sa', sa);
    this.fill(e.args[0], ta, `*${a}`);
    const b = this.scratchTemp('char', 'gt_sb', sb);
    this.fill(e.args[1], tb, `*${b}`);
    const r = `gt_r${this.tmp++}`;
    this.line(`__s64 ${r} = ${use(a, b, Math.min(sa, sb), sa, sb)};`);
    return r;
  }

  /** signal(SIG): to the current process, which in a uprobe block is the traced one. */
  protected signal(e: Call): void {
    this.line(`bpf_send_signal(${signalNumber(e.args[0])});`);
  }

  /** Fills `dest` when `e` is one of these functions' buffers; false for anything else. The
   *  buffer is zeroed already. */
  protected fillFunction(e: ast.Expr, t: Ty, dest: string): boolean {
    const size = storageSize(t);
    if (t.k === 'ustack') {
      const depth = e.kind === 'Call' ? size / 8 : Math.min(size / 8, USTACK_DEPTH);
      this.line(`gt_ustack_n(ctx, (__u64 *)&${dest}, ${depth});`);
      return true;
    }
    if (e.kind !== 'Call') return false;
    if (e.name === 'str' && e.args.length === 2) {
      this.line(`gt_read_cstr_n((char *)&${dest}, ${size}, (__u64)(${this.expr(e.args[0])}), ${this.expr(e.args[1])});`);
      return true;
    }
    if (e.name === 'buf') return (this.buf(e, dest, size - 8), true);
    if (e.name === 'ntop') return (this.ntop(e, dest), true);
    return false;
  }

  /** buf(ptr, len) or buf(goValue[, len]): at most the buffer's bytes. */
  private buf(e: Call, dest: string, cap: number): void {
    const [a, n] = e.args;
    const acc = this.sem.goAccess.get(a);
    let ptr: string;
    let len: string;
    if (acc && ['string', 'slice'].includes(underlying(acc.type).kind)) {
      [ptr, len] = this.pointerAndLength(acc);
      if (n) len = this.tmpS64(`((${this.expr(n)}) < (__s64)${len} ? (${this.expr(n)}) : (__s64)${len})`);
    } else {
      ptr = `(__u64)(${acc ? this.goScalar(acc) : this.expr(a)})`;
      len = this.expr(n!);
    }
    this.line(`gt_read_buf((char *)&${dest}, ${cap}, ${ptr}, ${len});`);
  }

  /** ntop of an integer, a net.IP ([]byte) or a netip.Addr ({hi, lo uint64; z pointer}). */
  private ntop(e: Call, dest: string): void {
    const a = e.args[0];
    const acc = this.sem.goAccess.get(a);
    const u = acc && underlying(acc.type);
    if (!acc || !u || u.kind === 'base') {
      this.line(`gt_ntop_int((char *)&${dest}, (__u64)(${acc ? this.goScalar(acc) : this.expr(a)}));`);
      return;
    }
    if (u.kind === 'slice') {
      const [ptr, len] = this.pointerAndLength(acc);
      this.line(`gt_ntop_ip((char *)&${dest}, ${ptr}, (__s64)${len});`);
      return;
    }
    const loc = this.goLoc(acc);
    const [hi, lo, z] = [0, 8, 16].map((off) => this.tmpU64(this.word(loc, off)));
    const z4 = this.sem.symbols?.get('net/netip.z4') ?? 0;
    this.line(`gt_ntop_addr((char *)&${dest}, ${hi}, ${lo}, ${z}, ${z4}ULL);`);
  }

  /** A Go string's or slice's data pointer and length, as C temporaries. */
  private pointerAndLength(acc: GoAccess): [string, string] {
    const loc = this.goLoc(acc);
    return [this.tmpU64(this.word(loc, 0)), this.tmpU64(this.word(loc, 8))];
  }
}
