// BPF C generation. Each probe block becomes one always-inline C function; each (block, Go
// function) pair gets thin programs that the runtime attaches: an entry program at the entry
// site and, for blocks that run at return, a return program attached at every RET.
//
// All script values are 64-bit signed integers in this version. Divisions and remainders are
// done unsigned because BPF (before ISA v4, which clang 14 cannot emit) has no signed division.
import fs from 'node:fs';
import path from 'node:path';
import type * as ast from '../../grammar/ast.js';
import type { MapKind, MapSpec } from '../manifest.js';
import type { BlockInfo, MapInfo } from '../passes/semantic.js';
import { templatesDir } from '../paths.js';

export interface CodegenProbe {
  /** Unique id, also the pairing id of entries and returns. */
  id: number;
  block: BlockInfo;
  entryProgram: string;
  returnProgram?: string;
}

const REG_ARGS = ['ax', 'bx', 'cx', 'di', 'si', 'r8', 'r9', 'r10', 'r11'];

/** Map name in the object: `@lat` → `m_lat`, `@` → `m_`; BPF map names keep 15 characters, so
 *  long names are shortened with an index to stay unique. */
export function mapCName(name: string, index: number): string {
  const base = 'm_' + name.slice(1).replace(/[^A-Za-z0-9_]/g, '_');
  return base.length <= 15 ? base : `m${index}_${base.slice(2, 10)}`;
}

export function mapSpecs(maps: Map<string, MapInfo>): MapSpec[] {
  return [...maps.values()].map((m, i) => {
    const perCpu = m.kind !== 'int';
    const valueSize = m.kind === 'avg' || m.kind === 'stats' || m.kind === 'min' || m.kind === 'max' ? 16 : 8;
    return {
      name: m.name,
      cName: mapCName(m.name, i),
      kind: m.kind,
      keyCount: m.keyCount,
      valueSize,
      perCpu,
      ...(m.lhist ? { lhist: m.lhist } : {}),
    };
  });
}

/** Key slots: the map's keys, plus the bucket for histograms; at least one (bpftrace's key 0). */
export function keySlots(m: { keyCount: number; kind: MapKind }): number {
  const n = m.keyCount + (m.kind === 'hist' || m.kind === 'lhist' ? 1 : 0);
  return Math.max(1, n);
}

export function generateC(blocks: BlockInfo[], probes: CodegenProbe[], maps: MapSpec[], maxEntries = 4096): string {
  const byName = new Map(maps.map((m) => [m.name, m]));
  const mapDecls = maps.map((m) => {
    const type = m.perCpu ? 'BPF_MAP_TYPE_PERCPU_HASH' : 'BPF_MAP_TYPE_HASH';
    const value = m.valueSize === 16 ? 'struct gt_avg' : '__s64';
    return [
      `/* ${m.name}: ${m.kind} */`,
      `struct gt_key_${m.cName} { __s64 k[${keySlots(m)}]; };`,
      `struct {`,
      `\t__uint(type, ${type});`,
      `\t__uint(max_entries, ${maxEntries});`,
      `\t__type(key, struct gt_key_${m.cName});`,
      `\t__type(value, ${value});`,
      `} ${m.cName} SEC(".maps");`,
    ].join('\n');
  });

  const bodies = blocks.map((b) => new BlockWriter(b, byName).write());
  const programs: string[] = [];
  for (const p of probes) {
    const b = p.block;
    if (b.atReturn) {
      programs.push(
        `SEC("uprobe")\nint ${p.entryProgram}(struct gt_regs *ctx)\n{\n\tif (!gt_pid_ok())\n\t\treturn 0;\n\tgt_enter(ctx, ${p.id});\n\treturn 0;\n}`,
        `SEC("uprobe")\nint ${p.returnProgram}(struct gt_regs *ctx)\n{\n\tstruct gt_call c;\n\tif (!gt_pid_ok())\n\t\treturn 0;\n\tif (!gt_return(ctx, ${p.id}, &c))\n\t\treturn 0;\n\tgt_block${b.index}(ctx, &c, bpf_ktime_get_ns());\n\treturn 0;\n}`,
      );
    } else {
      programs.push(
        `SEC("uprobe")\nint ${p.entryProgram}(struct gt_regs *ctx)\n{\n\tstruct gt_call c = {};\n\tif (!gt_pid_ok())\n\t\treturn 0;\n\tgt_fill_call(ctx, &c);\n\tgt_block${b.index}(ctx, &c, c.start_ns);\n\treturn 0;\n}`,
      );
    }
  }
  const skeleton = fs.readFileSync(path.join(templatesDir(), 'program.bpf.c'), 'utf8');
  return skeleton
    .replace('/* @@GOTRACE_MAPS@@ */', mapDecls.join('\n\n'))
    .replace('/* @@GOTRACE_PROGRAMS@@ */', [...bodies, ...programs].join('\n\n'));
}

/** Writes one block as `static __always_inline void gt_blockN(ctx, call, now)`. */
class BlockWriter {
  private out: string[] = [];
  private tmp = 0;

  constructor(
    private readonly info: BlockInfo,
    private readonly maps: Map<string, MapSpec>,
  ) {}

  write(): string {
    const b = this.info;
    this.out.push(
      `/* block ${b.index} */`,
      `static __always_inline void gt_block${b.index}(struct gt_regs *ctx, struct gt_call *call, __u64 now)`,
      `{`,
    );
    for (const v of b.vars) this.out.push(`\t__s64 ${varC(v)} = 0;`);
    this.out.push(`\t(void)ctx; (void)call; (void)now;`);
    if (b.block.predicate) this.out.push(`\tif (!(${this.expr(b.block.predicate)}))`, `\t\treturn;`);
    this.stmts(b.block.body, 1);
    this.out.push(`}`);
    return this.out.join('\n');
  }

  private line(depth: number, s: string): void {
    this.out.push('\t'.repeat(depth) + s);
  }

  private stmts(ss: ast.Stmt[], d: number): void {
    for (const s of ss) this.stmt(s, d);
  }

  private stmt(s: ast.Stmt, d: number): void {
    switch (s.kind) {
      case 'ExprStmt':
        this.line(d, `(void)(${this.expr(s.expr)});`);
        return;
      case 'AssignStmt':
        if (s.target.kind === 'VarRef') {
          const op = s.op === '/=' || s.op === '%=' ? null : s.op;
          if (op) this.line(d, `${varC(s.target.name)} ${op} ${this.expr(s.value)};`);
          else this.line(d, `${varC(s.target.name)} = ${this.divmod(s.op[0] as '/' | '%', varC(s.target.name), this.expr(s.value))};`);
          return;
        }
        this.mapAssign(s.target, s.op, s.value, d);
        return;
      case 'IncDecStmt': {
        const one: ast.Expr = { kind: 'IntLit', span: s.span, value: 1n, text: '1' };
        if (s.target.kind === 'VarRef') this.line(d, `${varC(s.target.name)}${s.op};`);
        else this.mapAssign(s.target, s.op === '++' ? '+=' : '-=', one, d);
        return;
      }
      case 'IfStmt':
        this.line(d, `if (${this.expr(s.cond)}) {`);
        this.stmts(s.then, d + 1);
        if (s.else) {
          this.line(d, `} else {`);
          this.stmts(s.else, d + 1);
        }
        this.line(d, `}`);
        return;
      case 'BlockStmt':
        this.line(d, `{`);
        this.stmts(s.body, d + 1);
        this.line(d, `}`);
        return;
      case 'UnrollStmt':
        for (let i = 0; i < s.count; i++) {
          this.line(d, `{`);
          this.stmts(s.body, d + 1);
          this.line(d, `}`);
        }
        return;
      case 'ReturnStmt':
        this.line(d, `return;`);
        return;
      case 'WhileStmt':
        throw new Error('while is rejected by the semantic pass');
    }
  }

  private key(ref: ast.MapRef, m: MapSpec, d: number, bucket?: string): string {
    const k = `gt_k${this.tmp++}`;
    const slots = ref.keys.map((e) => this.expr(e));
    if (bucket !== undefined) slots.push(bucket);
    if (slots.length === 0) slots.push('0');
    this.line(d, `struct gt_key_${m.cName} ${k};`);
    this.line(d, `__builtin_memset(&${k}, 0, sizeof(${k}));`);
    slots.forEach((s, i) => this.line(d, `${k}.k[${i}] = ${s};`));
    return k;
  }

  private mapAssign(ref: ast.MapRef, op: ast.AssignOp, value: ast.Expr, d: number): void {
    const m = this.maps.get(ref.name)!;
    this.line(d, `{`);
    const inner = d + 1;
    if (value.kind === 'Call' && m.kind !== 'int') {
      const arg = value.args[0] ? this.expr(value.args[0]) : '1';
      const x = `gt_x${this.tmp++}`;
      this.line(inner, `__s64 ${x} = ${arg};`);
      switch (m.kind) {
        case 'count':
          this.line(inner, `__s64 gt_one = 1;`);
          this.line(inner, `(void)${x};`);
          this.line(inner, `GT_PERCPU_ADD(&${m.cName}, &${this.key(ref, m, inner)}, gt_one);`);
          break;
        case 'sum':
          this.line(inner, `GT_PERCPU_ADD(&${m.cName}, &${this.key(ref, m, inner)}, ${x});`);
          break;
        case 'avg':
        case 'stats':
          this.line(inner, `GT_PERCPU_AVG(&${m.cName}, &${this.key(ref, m, inner)}, ${x});`);
          break;
        case 'min':
          this.line(inner, `GT_PERCPU_MINMAX(&${m.cName}, &${this.key(ref, m, inner)}, ${x}, <);`);
          break;
        case 'max':
          this.line(inner, `GT_PERCPU_MINMAX(&${m.cName}, &${this.key(ref, m, inner)}, ${x}, >);`);
          break;
        case 'hist':
          this.line(inner, `GT_PERCPU_ADD(&${m.cName}, &${this.key(ref, m, inner, `gt_log2_bucket(${x})`)}, 1);`);
          break;
        case 'lhist': {
          const { min, max, step } = m.lhist!;
          this.line(
            inner,
            `GT_PERCPU_ADD(&${m.cName}, &${this.key(ref, m, inner, `gt_linear_bucket(${x}, ${min}, ${max}, ${step})`)}, 1);`,
          );
          break;
        }
      }
      this.line(d, `}`);
      return;
    }
    const k = this.key(ref, m, inner);
    const v = `gt_v${this.tmp++}`;
    if (op === '=') {
      this.line(inner, `__s64 ${v} = ${this.expr(value)};`);
    } else {
      const cur = `gt_cur${this.tmp++}`;
      this.line(inner, `__s64 *${cur} = bpf_map_lookup_elem(&${m.cName}, &${k});`);
      const old = `(${cur} ? *${cur} : 0)`;
      const bop = op.slice(0, -1) as ast.BinaryOp;
      this.line(inner, `__s64 ${v} = ${this.binary(bop, old, this.expr(value))};`);
    }
    this.line(inner, `bpf_map_update_elem(&${m.cName}, &${k}, &${v}, BPF_ANY);`);
    this.line(d, `}`);
  }

  private divmod(op: '/' | '%', a: string, b: string): string {
    return `(__s64)((__u64)(${a}) ${op} (__u64)(${b}))`;
  }

  private binary(op: ast.BinaryOp, a: string, b: string): string {
    if (op === '/' || op === '%') return this.divmod(op, a, b);
    if (op === '&&' || op === '||' || ['<', '<=', '>', '>=', '==', '!='].includes(op)) return `(__s64)((${a}) ${op} (${b}))`;
    return `((${a}) ${op} (${b}))`;
  }

  expr(e: ast.Expr): string {
    switch (e.kind) {
      case 'IntLit':
        return e.value > 0x7fffffffffffffffn ? `(__s64)${e.value}ULL` : `${e.value}LL`;
      case 'BoolLit':
        return e.value ? '1' : '0';
      case 'Ident':
        return this.builtin(e.name);
      case 'VarRef':
        return varC(e.name);
      case 'MapRef': {
        const m = this.maps.get(e.name)!;
        // A GNU statement expression keeps the lookup local to the expression.
        const slots = e.keys.map((k) => this.expr(k));
        if (slots.length === 0) slots.push('0');
        const init = slots.map((s, i) => `gt_rk.k[${i}] = ${s};`).join(' ');
        return `({ struct gt_key_${m.cName} gt_rk; __builtin_memset(&gt_rk, 0, sizeof(gt_rk)); ${init} __s64 *gt_rp = bpf_map_lookup_elem(&${m.cName}, &gt_rk); gt_rp ? *gt_rp : 0; })`;
      }
      case 'Unary':
        return e.op === '!' ? `(__s64)(!(${this.expr(e.operand)}))` : `(${e.op}(${this.expr(e.operand)}))`;
      case 'Binary':
        return this.binary(e.op, this.expr(e.left), this.expr(e.right));
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
        return '(__s64)(now - call->start_ns)';
      case 'retval':
        return '(__s64)ctx->ax';
    }
    const m = /^arg([0-8])$/.exec(name);
    if (m) return `(__s64)call->args[${m[1]}]`;
    throw new Error(`codegen: unknown builtin ${name}`);
  }
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

export { REG_ARGS };
