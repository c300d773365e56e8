// BPF C generation. Each probe block becomes one always-inline C function; each (block, Go
// function) pair gets thin programs that the runtime attaches: an entry program at the entry
// site and, for blocks that run at return, a return program attached at every RET. BEGIN/END
// and timers get one program each (the programs of each kind: probe-kinds.ts).
//
// Integers are 64-bit signed, as in Go: division and remainder truncate toward zero (gt_sdiv,
// gt_smod: BPF before ISA v4 divides unsigned only), >> is arithmetic, comparisons are signed.
// N.B. bpftrace 0.17 divides and shifts right unsigned (-10 / 2 is 9223372036854775803 there,
// with a warning); on non-negative operands both agree. Shift counts are taken mod 64 so that
// a constant shift means what the same shift computed at run time means.
// Strings are zero-padded buffers of a size fixed at compile time (--strlen), filled by
// statements emitted before their use. Every update that a full map refuses and every while
// loop cut off at its bound is counted in a slot of gt_drops (the manifest's drops name them).
import fs from 'node:fs';
import path from 'node:path';
import type * as ast from '../../grammar/ast.js';
import type { DropSpec, EventSpec, MapKind, MapSpec } from '../manifest.js';
import type { BlockInfo, MapInfo, SemanticResult } from '../passes/semantic.js';
import { INT, USTACK_DEPTH, layout, storageSize, type Field, type GoFormat, type Ty } from '../passes/types.js';
import { templatesDir } from '../paths.js';
import type { RegPiece } from '../go/abi.js';
import { GO_STR_LEN, underlying, type GoAccess } from '../passes/govalues.js';
import { PROBE_CODEGEN, type CodegenProbe } from './probe-kinds.js';
import { EXPR_DEPTH_PER_LINE, ScratchAllocator, scratchDecl, zeroLines } from './scratch.js';

export type { CodegenProbe } from './probe-kinds.js';

/** Map name in the object: `@lat` → `m_lat`, `@` → `m_`; BPF map names keep 15 characters, so
 *  long names are shortened with an index to stay unique. */
export function mapCName(name: string, index: number): string {
  const base = 'm_' + name.slice(1).replace(/[^A-Za-z0-9_]/g, '_');
  return base.length <= 15 ? base : `m${index}_${base.slice(2, 10)}`;
}

function isHist(k: MapKind): boolean {
  return k === 'hist' || k === 'lhist';
}

/** The manifest's description of every map: key and value layouts, per-CPU or not. */
export function mapSpecs(maps: Map<string, MapInfo>): MapSpec[] {
  return [...maps.values()].map((m, i) => {
    const keyTypes = [...m.keyTypes, ...(isHist(m.kind) ? [INT] : [])];
    const keys = layout(keyTypes.length ? keyTypes : [INT]);
    const value = m.valueType ? layout([m.valueType]).fields[0] : undefined;
    const valueSize = value ? value.size : m.kind === 'avg' || m.kind === 'stats' || m.kind === 'min' || m.kind === 'max' ? 16 : 8;
    return {
      name: m.name,
      cName: mapCName(m.name, i),
      kind: m.kind,
      keyCount: m.keyTypes.length,
      keys: keys.fields,
      keySize: keys.size,
      ...(value ? { value } : {}),
      valueSize,
      perCpu: m.kind !== 'int' && m.kind !== 'str',
      ...(m.lhist ? { lhist: m.lhist } : {}),
    };
  });
}

/** The manifest's description of every event: its kind and the layout of its arguments. */
export function eventSpecs(sem: SemanticResult): EventSpec[] {
  return sem.events.map((e) => ({
    id: e.id,
    kind: e.kind,
    ...(e.format !== undefined ? { format: e.format } : {}),
    args: layout(e.argTypes).fields,
    ...(e.map ? { map: e.map } : {}),
    ...(e.top !== undefined ? { top: e.top } : {}),
    ...(e.div !== undefined ? { div: e.div } : {}),
  }));
}

function cField(f: Field, name: string): string {
  if (f.type === 'str' || f.type === 'go') return `char ${name}[${f.size}];`;
  if (f.type === 'ustack') return `__u64 ${name}[${USTACK_DEPTH}];`;
  return `__s64 ${name};`;
}

function cType(t: Ty, name: string): string {
  return cField(layout([t]).fields[0], name);
}

/** Largest number of iterations of a `while` loop; more are cut off and counted. */
export const WHILE_LIMIT = 1024;

/** The gt_drops slots of a program: one per map (same order as maps), then one per while loop
 *  in the order the blocks are written. */
export function dropSpecs(maps: MapSpec[]): DropSpec[] {
  return maps.map((m) => ({ kind: 'map_full' as const, map: m.name }));
}

/** The BPF C of a checked program: map and event declarations, one inline function per block,
 *  and the programs of each probe (codegen/probe-kinds.ts), put into the skeleton
 *  bpf-templates/program.bpf.c. Map sizes in the C are placeholders: the loader sets them
 *  (--map-keys, --calls-in-flight) so that one compiled object serves every size. `drops`
 *  starts with the maps' slots (dropSpecs) and gets the loops' slots appended. */
export function generateC(sem: SemanticResult, probes: CodegenProbe[], maps: MapSpec[], events: EventSpec[], drops: DropSpec[] = dropSpecs(maps)): string {
  const maxEntries = 1;
  const byName = new Map(maps.map((m) => [m.name, m]));
  const decls: string[] = [];
  for (const m of maps) {
    const type = m.perCpu ? 'BPF_MAP_TYPE_PERCPU_HASH' : 'BPF_MAP_TYPE_HASH';
    const value = m.valueSize === 16 && m.perCpu ? 'struct gt_avg' : m.value?.type === 'str' ? `struct gt_val_${m.cName}` : '__s64';
    decls.push(
      `/* ${m.name}: ${m.kind} */`,
      `struct gt_key_${m.cName} { ${m.keys.map((f, i) => cField(f, `f${i}`)).join(' ')} };`,
      ...(m.value?.type === 'str' ? [`struct gt_val_${m.cName} { char v[${m.value.size}]; };`] : []),
      // Not preallocated: --map-keys can be large and costs memory only for keys that exist.
      `struct {\n\t__uint(type, ${type});\n\t__uint(map_flags, BPF_F_NO_PREALLOC);\n\t__uint(max_entries, ${maxEntries});\n\t__type(key, struct gt_key_${m.cName});\n\t__type(value, ${value});\n} ${m.cName} SEC(".maps");\n`,
    );
  }
  for (const e of events)
    decls.push(`struct gt_ev_${e.id} { struct gt_event_hdr h; ${e.args.map((f, i) => cField(f, `a${i}`)).join(' ')} };`);

  const writers = sem.blocks.map((b) => new BlockWriter(b, sem, byName, events, drops));
  const bodies = writers.map((w) => w.write());
  decls.push(scratchDecl(Math.max(0, ...writers.map((w) => w.scratch.high))));
  const programs = probes.flatMap((p) => PROBE_CODEGEN[p.kind].programs(p));
  const skeleton = fs.readFileSync(path.join(templatesDir(), 'program.bpf.c'), 'utf8');
  return skeleton
    .replace('/* @@GOTRACE_MAPS@@ */', decls.join('\n'))
    .replace('/* @@GOTRACE_PROGRAMS@@ */', [...bodies, ...programs].join('\n\n'));
}

/** Writes one block as `static __always_inline void gt_blockN(ctx, call, now, probe)`. */
class BlockWriter {
  private out: string[] = [];
  private tmp = 0;
  private depth = 1;
  /** Nesting of expr() calls, to bound the brackets on one line of C. */
  private exprDepth = 0;
  /** The statement being written: where a limit error points. */
  private at: ast.Stmt | undefined;
  readonly scratch = new ScratchAllocator();

  constructor(
    private readonly info: BlockInfo,
    private readonly sem: SemanticResult,
    private readonly maps: Map<string, MapSpec>,
    private readonly events: EventSpec[],
    private readonly drops: DropSpec[],
  ) {}

  /** The gt_drops slot of a map. */
  private dropSlot(m: MapSpec): number {
    return this.drops.findIndex((d) => d.kind === 'map_full' && d.map === m.name);
  }

  write(): string {
    const b = this.info;
    this.out.push(
      `/* block ${b.index} */`,
      `static __always_inline void gt_block${b.index}(struct gt_regs *ctx, struct gt_call *call, __u64 now, __u64 probe)`,
      `{`,
    );
    this.line(`__u32 gt_zero_key = 0;`);
    this.line(`char *gt_s = bpf_map_lookup_elem(&gt_scratch, &gt_zero_key);`);
    this.line(`if (!gt_s)`);
    this.line(`\treturn;`);
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

  /** Integers are C locals; strings and stacks take scratch space for the whole block. */
  private declareVar(name: string, t: Ty): void {
    if (!isBuffer(t)) return this.line(cType(t, varC(name)).replace(/;$/, ' = 0;'));
    const size = storageSize(t);
    this.line(`${t.k === 'ustack' ? '__u64' : 'char'} (*${varC(name)})[${t.k === 'ustack' ? size / 8 : size}] = (void *)(gt_s + ${this.scratch.alloc(size, this.info.block.span)});`);
    this.zero(`${varC(name)}`, size);
  }

  /** A scratch variable as an lvalue: strings and stacks through their scratch pointer. */
  private vref(name: string): string {
    return isBuffer(this.info.vars.get(name)) ? `(*${varC(name)})` : varC(name);
  }

  /** Temporary scratch space of `size` bytes, typed `cType *`; released when the statement ends. */
  private scratchTemp(cType: string, prefix: string, size: number): string {
    const p = `${prefix}${this.tmp++}`;
    this.line(`${cType} *${p} = (void *)(gt_s + ${this.scratch.alloc(size, this.at?.span ?? this.info.block.span)});`);
    return p;
  }

  private zero(ptr: string, size: number): void {
    for (const l of zeroLines(ptr, size)) this.line(l);
  }

  private line(s: string): void {
    this.out.push('\t'.repeat(this.depth) + s);
  }

  private nested(open: string, body: () => void, close = '}'): void {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    this.line(close);
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
          if (t.k === 'str' || t.k === 'ustack') return this.nested('{', () => this.fill(s.value, t, name));
          const ref = s.target;
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

  private ty(e: ast.Expr): Ty {
    return this.sem.types.get(e) ?? INT;
  }

  /** Fill a buffer of type t (a string or a stack) from an expression. */
  private fill(e: ast.Expr, t: Ty, dest: string): void {
    const size = storageSize(t);
    this.zero(`&${dest}`, size);
    if (t.k === 'ustack') {
      this.line(`gt_ustack(ctx, (__u64 *)&${dest});`);
      return;
    }
    if (t.k !== 'str') {
      this.line(`*(__s64 *)&${dest} = ${this.expr(e)};`);
      return;
    }
    const acc = this.sem.goAccess.get(e);
    if (acc) return this.goString(acc, dest, size);
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

  /** Copy `size` bytes between buffers, in chunks for the same reason as zeroLines. */
  private copy(dst: string, src: string, size: number): void {
    for (let off = 0; off < size; off += 512)
      this.line(`__builtin_memcpy((char *)(${dst}) + ${off}, (char *)(${src}) + ${off}, ${Math.min(512, size - off)}); gt_barrier();`);
  }

  /** Builds a map key in scratch space; returns a pointer to it. */
  private key(ref: ast.MapRef, m: MapSpec, bucket?: string): string {
    const k = this.scratchTemp(`struct gt_key_${m.cName}`, 'gt_k', m.keySize);
    // Every field below is written whole (strings and stacks are zeroed by fill), and fields are
    // 8-byte sizes without padding: only a map without keys (one unused int field) needs zeroing.
    if (ref.keys.length === 0) this.zero(k, m.keySize);
    ref.keys.forEach((e, i) => {
      const f = m.keys[i];
      if (f.type === 'str' || f.type === 'ustack') this.fill(e, { k: f.type === 'str' ? 'str' : 'ustack', size: f.size } as Ty, `${k}->f${i}`);
      else this.line(`${k}->f${i} = ${this.expr(e)};`);
    });
    if (bucket !== undefined) this.line(`${k}->f${ref.keys.length} = ${bucket};`);
    return k;
  }

  private mapAssign(ref: ast.MapRef, op: ast.AssignOp, value: ast.Expr): void {
    const m = this.maps.get(ref.name)!;
    if (value.kind === 'Call' && m.perCpu) {
      const x = `gt_x${this.tmp++}`;
      this.line(`__s64 ${x} = ${value.args[0] ? this.expr(value.args[0]) : '1'};`);
      switch (m.kind) {
        case 'count':
        case 'sum':
          return this.line(`GT_PERCPU_ADD(&${m.cName}, ${this.key(ref, m)}, ${x}, ${this.dropSlot(m)});`);
        case 'avg':
        case 'stats':
          return this.line(`GT_PERCPU_AVG(&${m.cName}, ${this.key(ref, m)}, ${x}, ${this.dropSlot(m)});`);
        case 'min':
          return this.line(`GT_PERCPU_MINMAX(&${m.cName}, ${this.key(ref, m)}, ${x}, <, ${this.dropSlot(m)});`);
        case 'max':
          return this.line(`GT_PERCPU_MINMAX(&${m.cName}, ${this.key(ref, m)}, ${x}, >, ${this.dropSlot(m)});`);
        case 'hist':
          return this.line(`GT_PERCPU_ADD(&${m.cName}, ${this.key(ref, m, `gt_log2_bucket(${x})`)}, 1, ${this.dropSlot(m)});`);
        case 'lhist': {
          const { min, max, step } = m.lhist!;
          return this.line(`GT_PERCPU_ADD(&${m.cName}, ${this.key(ref, m, `gt_linear_bucket(${x}, ${min}, ${max}, ${step})`)}, 1, ${this.dropSlot(m)});`);
        }
        default:
          throw new Error(`codegen: ${m.kind} map assigned a call`);
      }
    }
    const k = this.key(ref, m);
    if (m.value?.type === 'str') {
      const v = this.scratchTemp(`struct gt_val_${m.cName}`, 'gt_sv', m.value.size);
      this.fill(value, { k: 'str', size: m.value.size }, `${v}->v`);
      this.line(`if (bpf_map_update_elem(&${m.cName}, ${k}, ${v}, BPF_ANY))`);
      this.line(`\tgt_count(&gt_drops, ${this.dropSlot(m)});`);
      return;
    }
    const v = `gt_v${this.tmp++}`;
    if (op === '=') this.line(`__s64 ${v} = ${this.expr(value)};`);
    else {
      const cur = `gt_cur${this.tmp++}`;
      this.line(`__s64 *${cur} = bpf_map_lookup_elem(&${m.cName}, ${k});`);
      this.line(`__s64 ${v} = ${binary(op.slice(0, -1) as ast.BinaryOp, `(${cur} ? *${cur} : 0)`, this.expr(value))};`);
    }
    this.line(`if (bpf_map_update_elem(&${m.cName}, ${k}, &${v}, BPF_ANY))`);
    this.line(`\tgt_count(&gt_drops, ${this.dropSlot(m)});`);
  }

  private emitEvent(call: ast.Expr): void {
    const ev = this.events[this.sem.eventOf.get(call)!];
    const args = call.kind === 'Call' ? (ev.kind === 'print_value' || ev.kind === 'exit' ? call.args : call.args.slice(1)) : [];
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
        else if (f.type === 'str' || f.type === 'ustack') this.fill(a, { k: f.type === 'str' ? 'str' : 'ustack', size: f.size } as Ty, dest);
        else this.line(`${dest} = ${this.expr(a)};`);
      });
      this.line(`bpf_ringbuf_submit(${e}, 0);`);
    });
  }

  /** Capture a Go value for print()/%v, laid out as its GoFormat says. */
  private goCaptureInto(a: GoAccess, fmt: GoFormat, dest: string): void {
    const buf = `((char *)&${dest})`;
    switch (fmt.kind) {
      case 'int':
      case 'float':
      case 'ptr':
        this.line(`*(__s64 *)${buf} = ${this.goScalar(a)};`);
        return;
      case 'str':
        this.goString(a, `*(${buf} + ${GO_STR_LEN})`, fmt.cap, `*(__s64 *)${buf}`);
        return;
      case 'iface': {
        const loc = this.goLoc(a);
        const w0 = this.tmpU64(this.word(loc, 0));
        const data = this.tmpU64(this.word(loc, 8));
        // The first word: an itab for a non-empty interface (the linker names each one,
        // go.itab.TYPE,IFACE), the type descriptor for `any`.
        this.line(`*(__u64 *)${buf} = ${w0};`);
        this.line(`*(__u64 *)(${buf} + 8) = ${data};`);
        // Common error types (*errors.errorString, *fmt.wrapError) start with their message;
        // user space shows it only for those types.
        this.line(`*(__s64 *)(${buf} + 16) = ${data} ? gt_read_gostr_at(${buf} + ${16 + GO_STR_LEN}, ${fmt.cap}, ${data}) : -1;`);
        return;
      }
      case 'struct': {
        const loc = this.goLoc(a);
        if (loc.kind === 'mem') this.nested(`if (bpf_probe_read_user(${buf}, ${fmt.size}, (void *)${loc.addr})) {`, () => this.zero(buf, fmt.size));
        else
          for (const p of loc.pieces.filter((x) => x.offset >= loc.base && x.offset < loc.base + fmt.size))
            this.line(`*(__u${p.size * 8} *)(${buf} + ${p.offset - loc.base}) = (__u${p.size * 8})${this.reg(p.reg, loc.result)};`);
        for (const f of fmt.fields) {
          if (f.fmt.kind !== 'str' || f.extra === undefined) continue;
          const len = `*(__s64 *)(${buf} + ${f.extra})`;
          const dst = `${buf} + ${f.extra + GO_STR_LEN}`;
          if (loc.kind === 'mem') this.line(`${len} = gt_read_gostr_at(${dst}, ${f.fmt.cap}, ${loc.addr} + ${f.offset});`);
          else this.line(`${len} = gt_read_gostr(${dst}, ${f.fmt.cap}, ${this.word({ ...loc, base: loc.base + f.offset }, 0)}, ${this.word({ ...loc, base: loc.base + f.offset }, 8)});`);
        }
        return;
      }
      case 'slice': {
        const loc = this.goLoc(a);
        const ptr = this.tmpU64(this.word(loc, 0));
        const len = this.tmpU64(this.word(loc, 8));
        const nb = `gt_nb${this.tmp++}`;
        this.line(`*(__u64 *)${buf} = ${len};`);
        this.line(`__u64 ${nb} = ${len} * ${fmt.elemSize};`);
        this.line(`if (${nb} > ${fmt.max * fmt.elemSize})`);
        this.line(`\t${nb} = ${fmt.max * fmt.elemSize};`);
        this.line(`if (${nb} && bpf_probe_read_user(${buf} + 8, ${nb}, (void *)${ptr}))`);
        this.line(`\t*(__u64 *)${buf} = (__u64)-1;`);
        return;
      }
      case 'opaque':
        return;
    }
  }

  /** Where an access leads: registers (pieces of the root value) or a user address. */
  private goLoc(a: GoAccess): GoLoc {
    let loc: GoLoc =
      a.root.location.kind === 'regs'
        ? { kind: 'regs', pieces: a.root.location.pieces, base: 0, result: a.root.isResult }
        : { kind: 'mem', addr: `(ctx->sp + ${(a.root.location as { offset: number }).offset})` };
    for (const st of a.steps) {
      switch (st.op) {
        case 'field':
          loc = loc.kind === 'regs' ? { ...loc, base: loc.base + st.offset } : { kind: 'mem', addr: `(${loc.addr} + ${st.offset})` };
          break;
        case 'deref':
          loc = { kind: 'mem', addr: this.tmpU64(this.word(loc, 0)) };
          break;
        case 'index': {
          const i = this.tmpU64(this.expr(st.index));
          if (st.container === 'slice') {
            const ptr = this.tmpU64(this.word(loc, 0));
            const len = this.tmpU64(this.word(loc, 8));
            // Out of range reads address 0, which faults: a zero, never another element.
            loc = { kind: 'mem', addr: this.tmpU64(`(${i} < ${len} ? ${ptr} + ${i} * ${st.elemSize} : 0)`) };
          } else if (loc.kind === 'regs') {
            loc = { ...loc, base: loc.base }; // arrays in registers have one element
          } else {
            loc = { kind: 'mem', addr: this.tmpU64(`(${i} < ${st.length} ? ${loc.addr} + ${i} * ${st.elemSize} : 0)`) };
          }
          break;
        }
      }
    }
    return loc;
  }

  private tmpU64(expr: string): string {
    const v = `gt_g${this.tmp++}`;
    this.line(`__u64 ${v} = (__u64)(${expr});`);
    return v;
  }

  /** The 8-byte word at `off` of a location. */
  private word(loc: GoLoc, off: number): string {
    if (loc.kind === 'mem') return `gt_read_int(${loc.addr} + ${off}, 8, 0)`;
    const p = loc.pieces.find((x) => x.offset === loc.base + off);
    return p ? this.reg(p.reg, loc.result) : '0';
  }

  private reg(r: string, result: boolean): string {
    const name = REG_FIELDS[r];
    return result ? `ctx->${name}` : `call->args[${ARG_REGS.indexOf(name)}]`;
  }

  private goScalar(a: GoAccess): string {
    const u = underlying(a.type);
    const size = Math.min(8, Math.max(1, u.size));
    const sign = u.kind === 'base' && u.encoding === 'signed' ? 1 : 0;
    const loc = this.goLoc(a);
    if (loc.kind === 'mem') return `gt_read_int(${loc.addr}, ${size}, ${sign})`;
    const p = loc.pieces.find((x) => x.offset === loc.base);
    if (!p) return '0';
    const v = this.reg(p.reg, loc.result);
    if (size === 8) return `(__s64)${v}`;
    return `(__s64)(${sign ? '__s' : '__u'}${size * 8})${v}`;
  }

  /** Reads a Go string into the buffer `dest`; `lenTo`, when given, receives the bytes kept. */
  private goString(a: GoAccess, dest: string, size: number, lenTo?: string): void {
    const loc = this.goLoc(a);
    const set = lenTo ? `${lenTo} = ` : '';
    if (loc.kind === 'mem') {
      this.line(`${set}gt_read_gostr_at((char *)&${dest}, ${size}, ${loc.addr});`);
      return;
    }
    const ptr = this.tmpU64(this.word(loc, 0));
    const len = this.tmpU64(this.word(loc, 8));
    this.line(`${set}gt_read_gostr((char *)&${dest}, ${size}, ${ptr}, ${len});`);
  }

  private goLen(arg: ast.Expr): string {
    const a = this.sem.goAccess.get(arg)!;
    const u = underlying(a.type);
    if (u.kind === 'array') return `${u.length}LL`;
    const loc = this.goLoc(a);
    if (u.kind === 'string' || u.kind === 'slice') return `(__s64)${this.tmpU64(this.word(loc, 8))}`;
    // map: hmap.count, chan: hchan.qcount, both the first word; a nil map or chan has length 0.
    const p = this.tmpU64(this.word(loc, 0));
    return `(${p} ? gt_read_int(${p}, 8, 1) : 0)`;
  }

  /**
   * `a + b + c ...`: a left-leaning tree as deep as the chain is long. Walked with a loop (no
   * JS recursion) and, like nested expressions (see expr()), spilled into a temporary every
   * EXPR_DEPTH_PER_LINE operators: clang crashes on a few hundred nested parentheses. Lookups the operands need are emitted before, in
   * order, as for any expression, so the result is the same as the nested form's.
   */
  private binaryChain(top: ast.Expr & { kind: 'Binary' }): string {
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

  private tmpS64(expr: string): string {
    const v = `gt_t${this.tmp++}`;
    this.line(`__s64 ${v} = ${expr};`);
    return v;
  }

  private exprInner(e: ast.Expr): string {
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
      case 'Index':
        return this.goScalar(this.sem.goAccess.get(e)!);
      case 'NilLit':
        return '0';
      case 'Call':
        if (e.name === 'len') return this.goLen(e.args[0]);
        if (e.name === 'hex' || e.name === 'usym') return this.expr(e.args[0]);
        throw new Error(`codegen: ${e.name}() has no integer value`);
      case 'VarRef':
        return this.vref(e.name);
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
        return `(__s64)(${castType(e.type)})(${this.expr(e.operand)})`;
      default:
        throw new Error(`codegen: ${e.kind} is rejected by the semantic pass`);
    }
  }

  private builtin(name: string): string {
    switch (name) {
      case 'goid':
        return '(__s64)gt_goid(ctx)';
      case 'pid':
        return '(__s64)(bpf_get_current_pid_tgid() >> 32)';
      case 'tid':
        return '(__s64)(__u32)bpf_get_current_pid_tgid()';
      case 'uid':
        return '(__s64)(__u32)bpf_get_current_uid_gid()';
      case 'gid':
        return '(__s64)(bpf_get_current_uid_gid() >> 32)';
      case 'cpu':
        return '(__s64)bpf_get_smp_processor_id()';
      case 'nsecs':
        return '(__s64)bpf_ktime_get_ns()';
      case 'elapsed':
        return this.info.context === 'function' ? '(__s64)(now - call->start_ns)' : '(__s64)(now - gt_cfg.start_ns)';
      case 'retval':
        return '(__s64)ctx->ax';
      case 'func':
      case 'probe':
        return '(__s64)probe';
    }
    const m = /^arg([0-8])$/.exec(name);
    if (m) return `(__s64)call->args[${m[1]}]`;
    throw new Error(`codegen: unknown builtin ${name}`);
  }
}

function binary(op: ast.BinaryOp, a: string, b: string): string {
  if (op === '/') return `gt_sdiv(${a}, ${b})`;
  if (op === '%') return `gt_smod(${a}, ${b})`;
  if (op === '<<') return `(__s64)((__u64)(${a}) << ((${b}) & 63))`;
  if (op === '>>') return `((${a}) >> ((${b}) & 63))`;
  if (op === '&&' || op === '||' || ['<', '<=', '>', '>=', '==', '!='].includes(op)) return `(__s64)((${a}) ${op} (${b}))`;
  return `((${a}) ${op} (${b}))`;
}

type GoLoc = { kind: 'regs'; pieces: RegPiece[]; base: number; result: boolean } | { kind: 'mem'; addr: string };

/** Go's ABI register names → pt_regs fields. */
const REG_FIELDS: Record<string, string> = {
  RAX: 'ax', RBX: 'bx', RCX: 'cx', RDI: 'di', RSI: 'si', R8: 'r8', R9: 'r9', R10: 'r10', R11: 'r11',
};
/** The order gt_fill_call saves them in (struct gt_call.args). */
const ARG_REGS = ['ax', 'bx', 'cx', 'di', 'si', 'r8', 'r9', 'r10', 'r11'];

function isBuffer(t: Ty | undefined): boolean {
  return t?.k === 'str' || t?.k === 'ustack';
}

/** Scratch variable `$x` → C local `v_x`. */
function varC(name: string): string {
  return 'v_' + name.replace(/^\$/, '');
}

function castType(t: string): string {
  const m = /^(u|s|uint|int)(8|16|32|64)$/.exec(t);
  if (!m) return '__s64';
  const unsigned = m[1] === 'u' || m[1] === 'uint';
  return `${unsigned ? '__u' : '__s'}${m[2]}`;
}
