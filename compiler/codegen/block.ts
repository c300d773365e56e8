// Statements in C: one block's body as `gt_blockN_body(ctx, call, now, probe, gt_s)` (its
// wrapper gt_blockN holds the scratch guard: scratch.ts, blockWrapper), its variables, map
// updates (aggregations per CPU), events and bounded loops.
import type * as ast from '../../grammar/ast.js';
import type { EventSpec, MapSpec } from '../manifest.js';
import { AGGREGATIONS } from '../passes/builtins.js';
import { INT, STATS_VALUE_SIZE } from '../passes/types.js';
import { ExprWriter } from './exprs.js';
import { blockBodyHead } from './scratch.js';
import { binary, fieldTy, isBuffer, isBufferField, varC, WHILE_LIMIT } from './writer.js';

/** Compound assignments with an atomic instruction of their own; `arg` is what it adds (ands...).
 *  N.B. -= adds the negation, computed unsigned: -INT64_MIN is undefined in C. */
const ATOMIC_RMW: Partial<Record<ast.BinaryOp, { fn: string; arg: (x: string) => string }>> = {
  '+': { fn: '__sync_fetch_and_add', arg: (x) => x },
  '-': { fn: '__sync_fetch_and_add', arg: (x) => `(__s64)(0ULL - (__u64)${x})` },
  '&': { fn: '__sync_fetch_and_and', arg: (x) => x },
  '|': { fn: '__sync_fetch_and_or', arg: (x) => x },
  '^': { fn: '__sync_fetch_and_xor', arg: (x) => x },
};

/** Writes one block's body, `gt_blockN_body(ctx, call, now, probe, gt_s)`. */
export class BlockWriter extends ExprWriter {
  write(): string {
    const b = this.info;
    this.out.push(`/* block ${b.index} */`, blockBodyHead(b.index), `{`);
    this.line(`(void)gt_s;`);
    for (const [name, t] of b.vars) this.declareVar(name, t);
    this.line(`(void)ctx; (void)call; (void)now; (void)probe;`);
    if (b.block.predicate) {
      this.line(`if (!(${this.expr(b.block.predicate)}))`);
      this.line(`\treturn;`);
    }
    this.stmts(b.block.body);
    this.out.push(`}`);
    return this.out.join('\n');
  }

  private stmts(ss: ast.Stmt[]): void {
    for (const s of ss) {
      const mark = this.scratch.mark();
      const outer = this.at;
      this.at = s;
      this.stmt(s);
      this.at = outer;
      this.scratch.release(mark);
    }
  }

  private stmt(s: ast.Stmt): void {
    switch (s.kind) {
      case 'ExprStmt':
        if (this.sem.eventOf.has(s.expr)) return this.nested('{', () => this.emitEvent(s.expr));
        if (s.expr.kind === 'Call' && s.expr.name === 'signal') return this.signal(s.expr);
        if (s.expr.kind === 'Call' && s.expr.name === 'delete') {
          const ref = s.expr.args[0] as ast.MapRef;
          return this.nested('{', () => {
            const m = this.maps.get(ref.name)!;
            this.line(`bpf_map_delete_elem(&${m.cName}, ${this.key(ref, m)});`);
          });
        }
        return this.nested('{', () => this.line(`(void)(${this.expr(s.expr)});`));
      case 'AssignStmt':
        if (s.target.kind === 'VarRef') {
          const name = this.vref(s.target.name);
          const t = this.info.vars.get(s.target.name)!;
          if (isBuffer(t)) return this.nested('{', () => this.fill(s.value, t, name));
          return this.nested('{', () => {
            const v = this.expr(s.value);
            if (s.op === '=') this.line(`${name} = ${v};`);
            else this.line(`${name} = ${binary(s.op.slice(0, -1) as ast.BinaryOp, name, v)};`);
          });
        }
        return this.nested('{', () => this.mapAssign(s.target as ast.MapRef, s.op, s.value));
      case 'IncDecStmt': {
        if (s.target.kind === 'VarRef') return this.line(`${varC(s.target.name)}${s.op};`);
        const one: ast.Expr = { kind: 'IntLit', span: s.span, value: 1n, text: '1' };
        this.sem.types.set(one, INT);
        return this.nested('{', () => this.mapAssign(s.target as ast.MapRef, s.op === '++' ? '+=' : '-=', one));
      }
      case 'IfStmt':
        this.nested(`if (${this.expr(s.cond)}) {`, () => this.stmts(s.then), s.else ? '} else {' : '}');
        if (s.else) {
          this.depth++;
          this.stmts(s.else);
          this.depth--;
          this.line('}');
        }
        return;
      case 'BlockStmt':
        return this.nested('{', () => this.stmts(s.body));
      case 'UnrollStmt':
        for (let i = 0; i < s.count; i++) this.nested('{', () => this.stmts(s.body));
        return;
      case 'WhileStmt':
        return this.whileLoop(s);
      case 'ReturnStmt':
        return this.line(`return;`);
    }
  }

  /** Bounded: the verifier must see an end. A loop whose condition still holds after
   *  WHILE_LIMIT iterations is cut off there and counted in its gt_drops slot. */
  private whileLoop(s: Extract<ast.Stmt, { kind: 'WhileStmt' }>): void {
    const pos = s.span.file.position(s.span.start);
    const slot = this.drops.push({ kind: 'loop_cut', at: `${s.span.file.name}:${pos.line}:${pos.col}`, limit: WHILE_LIMIT }) - 1;
    const i = `gt_i${this.tmp++}`;
    const done = `gt_done${this.tmp++}`;
    this.line(`int ${done} = 0;`);
    this.nested(`for (int ${i} = 0; ${i} < ${WHILE_LIMIT}; ${i}++) {`, () => {
      this.nested(`if (!(${this.expr(s.cond)})) {`, () => {
        this.line(`${done} = 1;`);
        this.line('break;');
      });
      this.stmts(s.body);
    });
    // After the last allowed iteration the condition decides whether anything was cut off.
    this.nested(`if (!${done}) {`, () => {
      this.line(`if (${this.expr(s.cond)})`);
      this.line(`\tgt_count(&gt_drops, ${slot});`);
    });
  }

  private mapAssign(ref: ast.MapRef, op: ast.AssignOp, value: ast.Expr): void {
    const m = this.maps.get(ref.name)!;
    if (m.user) return this.userUpdate(ref, value);
    if (value.kind === 'Call' && m.perCpu) {
      const x = `gt_x${this.tmp++}`;
      this.line(`__s64 ${x} = ${value.args[0] ? this.expr(value.args[0]) : '1'};`);
      switch (m.kind) {
        case 'count':
        case 'sum':
          return this.line(`GT_PERCPU_ADD(&${m.cName}, ${this.key(ref, m)}, ${x}, ${this.dropSlot(m)});`);
        case 'avg':
          return this.line(`GT_PERCPU_AVG(&${m.cName}, ${this.key(ref, m)}, ${x}, ${this.dropSlot(m)});`);
        case 'stats': {
          const z = this.scratchTemp('struct gt_stats', 'gt_z', STATS_VALUE_SIZE);
          this.zero(z, STATS_VALUE_SIZE);
          return this.line(`GT_PERCPU_STATS(&${m.cName}, ${this.key(ref, m)}, ${x}, ${z}, ${this.dropSlot(m)});`);
        }
        case 'min':
          return this.line(`GT_PERCPU_MINMAX(&${m.cName}, ${this.key(ref, m)}, ${x}, <, ${this.dropSlot(m)});`);
        case 'max':
          return this.line(`GT_PERCPU_MINMAX(&${m.cName}, ${this.key(ref, m)}, ${x}, >, ${this.dropSlot(m)});`);
        // A bucket counts its values and sums them (GT_PERCPU_AVG): exact Prometheus/OTLP _sum.
        case 'hist':
          return this.line(`GT_PERCPU_HIST(&${m.cName}, ${this.key(ref, m, `gt_log2_bucket(${x})`)}, ${x}, ${this.dropSlot(m)});`);
        case 'lhist': {
          const { min, max, step } = m.lhist!;
          return this.line(
            `GT_PERCPU_HIST(&${m.cName}, ${this.key(ref, m, `gt_linear_bucket(${x}, ${min}, ${max}, ${step})`)}, ${x}, ${this.dropSlot(m)});`,
          );
        }
        default:
          throw new Error(`codegen: ${m.kind} map assigned a call`);
      }
    }
    const k = this.key(ref, m);
    if (isBufferField(m.value) || m.value?.type === 'tuple') {
      const v = this.scratchTemp(`struct gt_val_${m.cName}`, 'gt_sv', m.value!.size);
      this.fill(value, m.value!.type === 'tuple' ? this.ty(value) : fieldTy(m.value!), `${v}->v`);
      this.line(`if (bpf_map_update_elem(&${m.cName}, ${k}, ${v}, BPF_ANY))`);
      this.line(`\tgt_count(&gt_drops, ${this.dropSlot(m)});`);
      return;
    }
    if (op !== '=') return this.compoundAssign(m, k, op.slice(0, -1) as ast.BinaryOp, value);
    const v = `gt_v${this.tmp++}`;
    this.line(`__s64 ${v} = ${this.expr(value)};`);
    this.line(`if (bpf_map_update_elem(&${m.cName}, ${k}, &${v}, BPF_ANY))`);
    this.line(`\tgt_count(&gt_drops, ${this.dropSlot(m)});`);
  }

  /** A map kept in user space (MapSpec.user): its keys and value (the aggregation's argument;
   *  1 for count()) go out as one map_update event, user space aggregates (runtime/usermaps.ts). */
  private userUpdate(ref: ast.MapRef, value: ast.Expr): void {
    let v = value;
    if (value.kind === 'Call' && AGGREGATIONS[value.name] !== undefined) {
      v = value.args[0] ?? { kind: 'IntLit', span: value.span, value: 1n, text: '1' };
      this.sem.types.set(v, INT);
    }
    this.eventArgs(this.events[this.sem.eventOf.get(ref)!], [...ref.keys, v]);
  }

  /** `@m[k] op= x` in place, atomically (gotrace.bpf.h, GT_ATOMIC_RMW/CAS): integer maps are
   *  shared by every CPU, and a lookup then an update loses concurrent updates. */
  private compoundAssign(m: MapSpec, k: string, op: ast.BinaryOp, value: ast.Expr): void {
    const x = `gt_x${this.tmp++}`;
    this.line(`__s64 ${x} = ${this.expr(value)};`);
    const rmw = ATOMIC_RMW[op];
    if (rmw) return this.line(`GT_ATOMIC_RMW(&${m.cName}, ${k}, ${rmw.fn}, ${rmw.arg(x)}, ${this.dropSlot(m)});`);
    this.line(`GT_ATOMIC_CAS(&${m.cName}, ${k}, ${binary(op, 'gt_old', x)}, ${this.dropSlot(m)}, ${this.contendedSlot(m)});`);
  }

  /** The gt_drops slot counting `m`'s compare-and-swap updates given up, made on first use. */
  private contendedSlot(m: MapSpec): number {
    const at = this.drops.findIndex((d) => d.kind === 'map_contended' && d.map === m.name);
    return at >= 0 ? at : this.drops.push({ kind: 'map_contended', map: m.name }) - 1;
  }

  private emitEvent(call: ast.Expr): void {
    const ev = this.events[this.sem.eventOf.get(call)!];
    const whole = ev.kind === 'print_value' || ev.kind === 'exit' || ev.kind === 'join';
    const args =
      call.kind !== 'Call' ? [] : ev.kind === 'map_delete' ? (call.args[0] as ast.MapRef).keys : whole ? call.args : call.args.slice(1);
    this.eventArgs(ev, args);
  }

  /** Reserves event `ev`, fills its arguments from `args`, submits it. */
  private eventArgs(ev: EventSpec, args: ast.Expr[]): void {
    const e = `gt_e${this.tmp++}`;
    // Reserve first and fill the record in place: strings and captured Go values can be far
    // larger than the 512-byte BPF stack. Nothing below returns early, so the record is always
    // submitted.
    this.line(`struct gt_ev_${ev.id} *${e} = gt_event_reserve(sizeof(*${e}));`);
    this.nested(`if (${e}) {`, () => {
      this.line(`${e}->h.event = ${ev.id};`);
      this.line(`${e}->h.probe = probe;`);
      ev.args.forEach((f, i) => {
        const a = args[i];
        const dest = `${e}->a${i}`;
        if (f.type === 'go') this.goCaptureInto(this.sem.goAccess.get(a)!, f.go!, dest);
        else if (isBufferField(f) || f.type === 'tuple' || f.type === 'pctl') this.fill(a, this.bufferTy(a, f), dest);
        else this.line(`${dest} = ${this.expr(a)};`);
      });
      // N.B. no wakeup: user space reads the ring on its own clock (runtime/trace.ts eventPump)
      // and never sleeps on it, so a wakeup (an irq_work in the target's thread, per event
      // whenever the reader has caught up) would cost the target and tell no one.
      this.line(`bpf_ringbuf_submit(${e}, BPF_RB_NO_WAKEUP);`);
    });
  }
}
