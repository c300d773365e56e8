// The base of the C writer of a block: lines and nesting, temporaries, scratch space (strings,
// stacks and keys live in a per-CPU buffer, not on the 512-byte BPF stack), and the helpers the
// expression, Go-value and statement writers share.
import type * as ast from '../../grammar/ast.js';
import type { DropSpec, EventSpec, MapSpec } from '../manifest.js';
import type { BlockInfo, SemanticResult } from '../passes/semantic.js';
import { INT, layout, storageSize, type Field, type Ty } from '../passes/types.js';
import { ScratchAllocator, zeroLines } from './scratch.js';

/** Largest number of iterations of a `while` loop; more are cut off and counted. */
export const WHILE_LIMIT = 1024;

export abstract class CWriter {
  protected out: string[] = [];
  protected tmp = 0;
  protected depth = 1;
  /** Nesting of expr() calls, to bound the brackets on one line of C. */
  protected exprDepth = 0;
  /** The statement being written: where a limit error points. */
  protected at: ast.Stmt | undefined;
  readonly scratch = new ScratchAllocator();

  constructor(
    protected readonly info: BlockInfo,
    protected readonly sem: SemanticResult,
    protected readonly maps: Map<string, MapSpec>,
    protected readonly events: EventSpec[],
    protected readonly drops: DropSpec[],
  ) {}

  /** An integer expression as C, lines it needs written before. */
  abstract expr(e: ast.Expr): string;

  /** The gt_drops slot of a map. */
  protected dropSlot(m: MapSpec): number {
    return this.drops.findIndex((d) => d.kind === 'map_full' && d.map === m.name);
  }

  /** Integers are C locals; strings and stacks take scratch space for the whole block. */
  protected declareVar(name: string, t: Ty): void {
    if (!isBuffer(t)) return this.line(cType(t, varC(name)).replace(/;$/, ' = 0;'));
    const size = storageSize(t);
    this.line(
      `${t.k === 'ustack' ? '__u64' : 'char'} (*${varC(name)})[${t.k === 'ustack' ? size / 8 : size}] = (void *)(gt_s + ${this.scratch.alloc(size, this.info.block.span)});`,
    );
    this.zero(`${varC(name)}`, size);
  }

  /** A scratch variable as an lvalue: strings and stacks through their scratch pointer. */
  protected vref(name: string): string {
    return isBuffer(this.info.vars.get(name)) ? `(*${varC(name)})` : varC(name);
  }

  /** Temporary scratch space of `size` bytes, typed `cType *`; released when the statement ends. */
  protected scratchTemp(cType: string, prefix: string, size: number): string {
    const p = `${prefix}${this.tmp++}`;
    this.line(`${cType} *${p} = (void *)(gt_s + ${this.scratch.alloc(size, this.at?.span ?? this.info.block.span)});`);
    return p;
  }

  protected zero(ptr: string, size: number): void {
    for (const l of zeroLines(ptr, size)) this.line(l);
  }

  protected line(s: string): void {
    this.out.push('\t'.repeat(this.depth) + s);
  }

  protected nested(open: string, body: () => void, close = '}'): void {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    this.line(close);
  }

  protected ty(e: ast.Expr): Ty {
    return this.sem.types.get(e) ?? INT;
  }

  /** Copy `size` bytes between buffers, in chunks for the same reason as zeroLines. */
  protected copy(dst: string, src: string, size: number): void {
    for (let off = 0; off < size; off += 512)
      this.line(`__builtin_memcpy((char *)(${dst}) + ${off}, (char *)(${src}) + ${off}, ${Math.min(512, size - off)}); gt_barrier();`);
  }

  protected tmpU64(expr: string): string {
    const v = `gt_g${this.tmp++}`;
    this.line(`__u64 ${v} = (__u64)(${expr});`);
    return v;
  }

  protected tmpS64(expr: string): string {
    const v = `gt_t${this.tmp++}`;
    this.line(`__s64 ${v} = ${expr};`);
    return v;
  }
}

export function cField(f: Field, name: string): string {
  if (f.type === 'str' || f.type === 'go' || f.type === 'tuple' || f.type === 'pctl' || f.type === 'buf' || f.type === 'inet')
    return `char ${name}[${f.size}];`;
  if (f.type === 'ustack') return `__u64 ${name}[${f.size / 8}];`;
  return `__s64 ${name};`;
}

export function cType(t: Ty, name: string): string {
  return cField(layout([t]).fields[0], name);
}

export function binary(op: ast.BinaryOp, a: string, b: string): string {
  if (op === '/') return `gt_sdiv(${a}, ${b})`;
  if (op === '%') return `gt_smod(${a}, ${b})`;
  if (op === '<<') return `(__s64)((__u64)(${a}) << ((${b}) & 63))`;
  if (op === '>>') return `((${a}) >> ((${b}) & 63))`;
  if (op === '&&' || op === '||' || ['<', '<=', '>', '>=', '==', '!='].includes(op)) return `(__s64)((${a}) ${op} (${b}))`;
  return `((${a}) ${op} (${b}))`;
}

/** Fields filled in place rather than assigned an integer: strings, stacks, buf(), ntop(). */
export function isBufferField(f: Field | undefined): boolean {
  return f?.type === 'str' || f?.type === 'ustack' || f?.type === 'buf' || f?.type === 'inet';
}

/** The type a buffer field holds, for fill(). */
export function fieldTy(f: Field): Ty {
  if (f.type === 'ustack') return { k: 'ustack', depth: f.size / 8 };
  if (f.type === 'buf') return { k: 'buf', size: f.size - 8 };
  if (f.type === 'inet') return { k: 'inet' };
  return { k: 'str', size: f.size };
}

export function isBuffer(t: Ty | undefined): boolean {
  return t?.k === 'str' || t?.k === 'ustack' || t?.k === 'buf' || t?.k === 'inet';
}

/** Scratch variable `$x` → C local `v_x`. */
export function varC(name: string): string {
  return 'v_' + name.replace(/^\$/, '');
}

export function castType(t: string): string {
  const m = /^(u|s|uint|int)(8|16|32|64)$/.exec(t);
  if (!m) return '__s64';
  const unsigned = m[1] === 'u' || m[1] === 'uint';
  return `${unsigned ? '__u' : '__s'}${m[2]}`;
}
