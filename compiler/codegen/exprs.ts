// Expressions in C: integers as C expressions (lines they need written before), strings and
// stacks filled into buffers, map keys built in scratch space, builtins by a table.
import type * as ast from '../../grammar/ast.js';
import type { Field, MapSpec } from '../manifest.js';
import { underlying } from '../passes/govalues.js';
import { bucketCount, layout, storageSize, type Ty } from '../passes/types.js';
import { percentileP } from '../passes/check/exprs.js';
import { FnWriter } from './functions.js';
import { EXPR_DEPTH_PER_LINE } from './scratch.js';
import { binary, castType, fieldTy, isBufferField } from './writer.js';
import { TARGET_VAR } from '../passes/builtins.js';
import type { TracepointField } from '../kernel/tracefs.js';

/** A tracepoint's string field into the zeroed buffer `dest` of `size` bytes. */
function tracepointString(f: TracepointField, dest: string, size: number): string {
  if (f.kind === 'data_loc') return `gt_tp_data_loc(ctx, ${f.offset}, (char *)&${dest}, ${size});`;
  return `gt_tp_chars(ctx, ${f.offset}, (char *)&${dest}, ${Math.min(size, f.size)});`;
}

/** gt_pct_in's kind of each map kind percentile() reads. */
const PCT_KIND: Partial<Record<MapSpec['kind'], string>> = { hist: 'GT_PCT_HIST', lhist: 'GT_PCT_LHIST', stats: 'GT_PCT_STATS' };

/** Builtins as C, by name. */
const BUILTIN_C: Record<string, (w: { context: string }) => string> = {
  // In a go: block the goroutine is the probe's (in its gt_call: goruntime.bpf.h), in a uprobe
  // block R14's.
  // In a kernel block (tracepoint, profile) ctx is not a uprobe's registers: the goroutine, func
  // and ustack are the current thread's (bpf-templates/kernel.bpf.h).
  goid: (w) =>
    w.context === 'go' ? '(__s64)call->args[GT_GO_SELF_GOID]' : w.context === 'kernel' ? '(__s64)gt_thread_goid()' : '(__s64)gt_goid(ctx)',
  pgoid: (w) => `gt_go_pgoid(${selfG(w)})`,
  gostart: (w) => `gt_go_gostart(${selfG(w)})`,
  pid: () => '(__s64)(bpf_get_current_pid_tgid() >> 32)',
  tid: () => '(__s64)(__u32)bpf_get_current_pid_tgid()',
  uid: () => '(__s64)(__u32)bpf_get_current_uid_gid()',
  gid: () => '(__s64)(bpf_get_current_uid_gid() >> 32)',
  cpu: () => '(__s64)bpf_get_smp_processor_id()',
  nsecs: () => '(__s64)bpf_ktime_get_ns()',
  elapsed: (w) => (w.context === 'function' ? '(__s64)(now - call->start_ns)' : '(__s64)(now - gt_cfg.start_ns)'),
  retval: () => '(__s64)ctx->ax',
  func: (w) => (w.context === 'kernel' ? '(__s64)gt_thread_ip(ctx)' : '(__s64)probe'),
  probe: () => '(__s64)probe',
  ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`arg${i}`, () => `(__s64)call->args[${i}]`])),
  caller: () => 'gt_caller_pc(ctx)',
  caller_pc: () => 'gt_caller_pc(ctx)',
};

/** The g and goid of a block's goroutine, for the goruntime.bpf.h helpers. */
function selfG(w: { context: string }): string {
  if (w.context === 'kernel') return 'gt_thread_g(), gt_thread_goid()';
  return w.context === 'go' ? 'call->args[GT_GO_SELF_G], call->args[GT_GO_SELF_GOID]' : 'ctx->r14, gt_goid(ctx)';
}

export abstract class ExprWriter extends FnWriter {
  /** Fill a buffer of type t (a string or a stack) from an expression. */
  protected fill(e: ast.Expr, t: Ty, dest: string): void {
    const size = storageSize(t);
    this.zero(`&${dest}`, size);
    if (t.k === 'ustack' && this.info.context === 'kernel') {
      this.line(`gt_thread_ustack(ctx, (__u64 *)&${dest}, ${size});`);
      return;
    }
    const tpf = this.sem.tracepointArgs.get(e);
    if (tpf) return this.line(tracepointString(tpf, dest, size));
    if (this.fillFunction(e, t, dest)) return;
    if ((t.k === 'tuple' && e.kind === 'Tuple') || t.k === 'pctl') return this.fillFields(e, t, dest);
    if (t.k !== 'str' && t.k !== 'tuple') {
      this.line(`*(__s64 *)&${dest} = ${this.expr(e)};`);
      return;
    }
    const acc = this.sem.goAccess.get(e);
    if (acc) return this.goString(acc, dest, size);
    const field = this.sem.goFields.get(e);
    if (field) {
      this.line(`gt_go_reason((char *)&${dest}, ${size}, call, call->args[${field.slot}]);`);
      return;
    }
    if (e.kind === 'Call' && e.name === 'str') {
      const a = e.args[0];
      const inner = this.sem.goAccess.get(a);
      if (inner) {
        const u = underlying(inner.type);
        if (u.kind === 'string' || u.kind === 'slice') return this.goString(inner, dest, size);
        this.line(`gt_read_cstr((char *)&${dest}, ${size}, (__u64)(${this.goScalar(inner)}));`);
        return;
      }
      if (this.ty(a).k === 'str') return this.fill(a, t, dest);
      this.line(`gt_read_cstr((char *)&${dest}, ${size}, (__u64)(${this.expr(a)}));`);
      return;
    }
    switch (e.kind) {
      case 'StrLit':
      case 'Positional': {
        const text = e.kind === 'StrLit' ? e.value : this.sem.positional.get(e)!;
        const bytes = Buffer.from(text).subarray(0, size - 1);
        bytes.forEach((b, i) => this.line(`((char *)&${dest})[${i}] = ${b};`));
        return;
      }
      case 'Ident': // comm
        this.line(`bpf_get_current_comm(&${dest}, ${Math.min(size, 16)});`);
        return;
      case 'VarRef':
        this.copy(`&${dest}`, `&${this.vref(e.name)}`, Math.min(size, storageSize(this.ty(e))));
        return;
      case 'MapRef': {
        const m = this.maps.get(e.name)!;
        const k = this.key(e, m);
        const p = `gt_p${this.tmp++}`;
        this.line(`struct gt_val_${m.cName} *${p} = bpf_map_lookup_elem(&${m.cName}, ${k});`);
        this.nested(`if (${p}) {`, () => this.copy(`&${dest}`, `${p}->v`, Math.min(size, m.value!.size)));
        return;
      }
      default:
        throw new Error(`codegen: no string form for ${e.kind}`);
    }
  }

  /** A tuple's elements, or percentile()'s keys, each at its offset in `dest` (already zeroed). */
  private fillFields(e: ast.Expr, t: Ty & { k: 'tuple' | 'pctl' }, dest: string): void {
    const [exprs, types] =
      t.k === 'tuple'
        ? [(e as ast.Expr & { kind: 'Tuple' }).elements, t.elems]
        : [((e as ast.Expr & { kind: 'Call' }).args[0] as ast.MapRef).keys, t.keys];
    layout(types).fields.forEach((f, i) => {
      const at = `((char *)&${dest})[${f.offset}]`;
      if (f.type === 'str') this.fill(exprs[i], types[i], at);
      // A key of a map kept in user space: the Go value captured as print() captures it.
      else if (f.type === 'go') this.goCaptureInto(this.sem.goAccess.get(exprs[i])!, f.go!, at);
      else this.line(`*(__s64 *)&${at} = ${this.expr(exprs[i])};`);
    });
  }

  /** Builds a map key in scratch space; returns a pointer to it. */
  protected key(ref: ast.MapRef, m: MapSpec, bucket?: string): string {
    const k = this.scratchTemp(`struct gt_key_${m.cName}`, 'gt_k', m.keySize);
    // Every field below is written whole (strings and stacks are zeroed by fill), and fields are
    // 8-byte sizes without padding: only a map without keys (one unused int field) needs zeroing.
    if (ref.keys.length === 0) this.zero(k, m.keySize);
    ref.keys.forEach((e, i) => {
      const f = m.keys[i];
      if (isBufferField(f) || f.type === 'tuple') this.fill(e, this.bufferTy(e, f), `${k}->f${i}`);
      else this.line(`${k}->f${i} = ${this.expr(e)};`);
    });
    if (bucket !== undefined) this.line(`${k}->f${ref.keys.length} = ${bucket};`);
    return k;
  }

  /** The type a buffer field of a key, value or event is filled as. */
  protected bufferTy(e: ast.Expr, f: Field): Ty {
    if (f.type === 'tuple' || f.type === 'pctl') return this.ty(e);
    return fieldTy(f);
  }

  /**
   * `a + b + c ...`: a left-leaning tree as deep as the chain is long. Walked with a loop (no
   * JS recursion) and, like nested expressions (see expr()), spilled into a temporary every
   * EXPR_DEPTH_PER_LINE operators: clang crashes on a few hundred nested parentheses. Lookups the operands need are emitted before, in
   * order, as for any expression, so the result is the same as the nested form's.
   */
  protected binaryChain(top: ast.Expr & { kind: 'Binary' }): string {
    const spine: Array<ast.Expr & { kind: 'Binary' }> = [];
    let n: ast.Expr = top;
    for (; n.kind === 'Binary' && this.ty(n.left).k !== 'str'; n = n.left) spine.push(n);
    let acc = this.expr(n);
    for (let i = spine.length - 1; i >= 0; i--) {
      acc = binary(spine[i]!.op, acc, this.expr(spine[i]!.right));
      if (i > 0 && (spine.length - i) % EXPR_DEPTH_PER_LINE === 0) {
        acc = this.tmpS64(acc);
      }
    }
    return acc;
  }

  /** C for an expression. N.B. clang refuses brackets nested deeper than 256 and every level of
   *  the script's expressions adds two (a 130-term sum is 260 deep), so every
   *  EXPR_DEPTH_PER_LINE levels the value goes through a temporary. Expressions have no side
   *  effects, so computing an operand of `&&`, `||` or `?:` unconditionally changes nothing. */
  expr(e: ast.Expr): string {
    this.exprDepth++;
    try {
      const c = this.exprInner(e);
      return this.exprDepth % EXPR_DEPTH_PER_LINE === 0 ? this.tmpS64(c) : c;
    } finally {
      this.exprDepth--;
    }
  }

  protected exprInner(e: ast.Expr): string {
    switch (e.kind) {
      case 'IntLit':
        return e.value > 0x7fffffffffffffffn ? `(__s64)${e.value}ULL` : `${e.value}LL`;
      case 'BoolLit':
        return e.value ? '1' : '0';
      case 'Positional':
        return `(__s64)${BigInt.asUintN(64, BigInt(this.sem.positional.get(e)!))}ULL`;
      case 'Ident':
        if (this.sem.goAccess.has(e)) return this.goScalar(this.sem.goAccess.get(e)!);
        return this.builtin(e.name);
      case 'Field':
      case 'Index': {
        if (this.sem.goFields.has(e)) return `(__s64)call->args[${this.sem.goFields.get(e)!.slot}]`;
        const tpf = this.sem.tracepointArgs.get(e);
        if (tpf) return `gt_tp_int(ctx, ${tpf.offset}, ${Math.min(tpf.size, 8)}, ${tpf.signed ? 1 : 0})`;
        return this.goScalar(this.sem.goAccess.get(e)!);
      }
      case 'NilLit':
        return '0';
      case 'Call':
        if (e.name === 'len') return this.goLen(e.args[0]);
        if (e.name === 'hex' || e.name === 'usym') return this.expr(e.args[0]);
        if (e.name === 'goidof') return `gt_goid_of(${this.expr(e.args[0])})`;
        if (e.name === 'percentile') return this.percentile(e);
        return this.functionValue(e);
      case 'VarRef':
        return e.name === TARGET_VAR ? '(__s64)gt_cfg.target_tgid' : this.vref(e.name);
      case 'MapRef': {
        const m = this.maps.get(e.name)!;
        const k = this.key(e, m);
        const p = `gt_rp${this.tmp++}`;
        this.line(`__s64 *${p} = bpf_map_lookup_elem(&${m.cName}, ${k});`);
        return `(${p} ? *${p} : 0)`;
      }
      case 'Unary':
        return e.op === '!' ? `(__s64)(!(${this.expr(e.operand)}))` : `(${e.op}(${this.expr(e.operand)}))`;
      case 'Binary': {
        const lt = this.ty(e.left);
        if (lt.k === 'str' && (e.op === '==' || e.op === '!=')) {
          // Byte-for-byte over the smaller buffer, whose zero padding takes part (gt_streq).
          const rt = this.ty(e.right);
          const n = Math.min(storageSize(lt), storageSize(rt));
          const a = this.scratchTemp(`char`, 'gt_sa', storageSize(lt));
          this.fill(e.left, lt, `*${a}`);
          const b = this.scratchTemp(`char`, 'gt_sb', storageSize(rt));
          this.fill(e.right, rt, `*${b}`);
          const r = `gt_eq${this.tmp++}`;
          this.line(`__s64 ${r} = gt_streq(${a}, ${b}, ${n});`);
          return e.op === '==' ? r : `(!${r})`;
        }
        return e.left.kind === 'Binary' ? this.binaryChain(e) : binary(e.op, this.expr(e.left), this.expr(e.right));
      }
      case 'Ternary':
        return `((${this.expr(e.cond)}) ? (${this.expr(e.then)}) : (${this.expr(e.else)}))`;
      case 'Cast':
        // A Go pointer cast's value is its operand, the address.
        if (e.type.startsWith('*')) return `(__s64)(${this.expr(e.operand)})`;
        return `(__s64)(${castType(e.type)})(${this.expr(e.operand)})`;
      default:
        throw new Error(`codegen: ${e.kind} is rejected by the semantic pass`);
    }
  }

  /** percentile(@h[keys], P) by gt_percentile (bpf-templates/percentile.bpf.h): the map's key
   *  built once, its bucket field (hist, lhist) rewritten by the helper for each bucket. */
  private percentile(e: ast.Expr & { kind: 'Call' }): string {
    const ref = e.args[0] as ast.MapRef;
    const m = this.maps.get(ref.name)!;
    const stats = m.kind === 'stats';
    const k = this.key(ref, m, stats ? undefined : '0');
    const shape = `gt_pin${this.tmp++}`;
    const { min, max, step } = m.lhist ?? { min: 0, max: 0, step: 1 };
    const p = percentileP(e.args[1], this.sem.positional)!;
    this.line(`struct gt_pct_in ${shape} = { ${PCT_KIND[m.kind]}, ${bucketCount(m)}, ${p}, ${min}LL, ${max}LL, ${step}LL };`);
    return this.tmpS64(`gt_percentile(&${m.cName}, ${k}, ${stats ? '0' : `&${k}->f${ref.keys.length}`}, &${shape})`);
  }

  private builtin(name: string): string {
    const c = BUILTIN_C[name];
    if (!c) throw new Error(`codegen: unknown builtin ${name}`);
    return c({ context: this.info.context });
  }
}
