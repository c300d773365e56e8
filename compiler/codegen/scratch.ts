// Where big values live in the generated C, and how they are cleared.
//
// The BPF stack is 512 bytes: eight string keys of 64 bytes fill it. Map keys, string map
// values, string variables and the operands of string comparisons therefore live in a per-CPU
// "scratch" array (gotrace.bpf.h explains why per-CPU is safe), at offsets fixed at compile
// time. Event records need no scratch: they are reserved in the ring buffer and filled in place.
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { Span } from '../../grammar/source.js';

/** Scratch space a block may use: the kernel's limit on a per-CPU map value (PCPU_MIN_UNIT_SIZE,
 *  GT_SCRATCH_MAX in C) less the guard word that starts the value. */
export const SCRATCH_MAX = 32768 - 8;

/** Deepest expression nesting written on one line of C: see BlockWriter.expr. */
export const EXPR_DEPTH_PER_LINE = 32;

/** A limit of the generated program that the script went past, at the node responsible. The
 *  compiler turns it into a located diagnostic. */
export class CodegenLimitError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** A bump allocator over one block's scratch space. Variables take space for the whole block;
 *  each statement's temporaries (keys, values, comparison operands) are released when the
 *  statement ends, so the next statement reuses them. */
export class ScratchAllocator {
  private top = 0;
  /** The most space the block used at once: the size its program needs. */
  high = 0;

  alloc(size: number, span: Span | undefined): number {
    const off = this.top;
    this.top += Math.ceil(size / 8) * 8;
    this.high = Math.max(this.high, this.top);
    if (this.top > SCRATCH_MAX) throw new CodegenLimitError(diag('GT2150', span, { max: SCRATCH_MAX, used: this.top }));
    return off;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }
}

/** C lines that zero `size` bytes at the 8-aligned address `ptr`. N.B. in chunks of 512 bytes,
 *  each followed by a barrier: clang's BPF backend turns a bigger memset (or several adjacent
 *  ones, which LLVM merges) into a call to memset, which BPF cannot make. */
export function zeroLines(ptr: string, size: number): string[] {
  const out: string[] = [];
  for (let off = 0; off < size; off += 512)
    out.push(`__builtin_memset((__u64 *)(${ptr}) + ${off / 8}, 0, ${Math.min(512, size - off)}); gt_barrier();`);
  return out;
}

/** The scratch map of a program whose largest block needs `size` bytes, after the guard word
 *  `busy` (gt_scratch_take). */
export function scratchDecl(size: number): string {
  const words = Math.max(1, Math.ceil(size / 8));
  return [
    `/* scratch space: ${size} bytes per CPU */`,
    `struct gt_scratch { __u64 busy; __u64 w[${words}]; };`,
    `struct {\n\t__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);\n\t__uint(max_entries, 1);\n\t__type(key, __u32);\n\t__type(value, struct gt_scratch);\n} gt_scratch SEC(".maps");\n`,
  ].join('\n');
}

/** The C signature of a block's body: the block's code, handed its scratch space `gt_s`. */
export function blockBodyHead(index: number): string {
  return `static __always_inline void gt_block${index}_body(struct gt_regs *ctx, struct gt_call *call, __u64 now, __u64 probe, char *gt_s)`;
}

/** `gt_blockN`, what the probes' programs call: it runs the body of block N holding the CPU's
 *  scratch guard when the body uses scratch (`size` > 0), and releases it after the body, so that
 *  every `return` of the body releases it (they return to here). When the guard is held already
 *  (a program preempted on this CPU holds it), the event is skipped and counted in gt_drops slot
 *  `slot`. A body without scratch runs unguarded, with no scratch (gt_s is NULL). */
export function blockWrapper(index: number, size: number, slot: number): string {
  const head = `static __always_inline void gt_block${index}(struct gt_regs *ctx, struct gt_call *call, __u64 now, __u64 probe)`;
  if (size === 0) return `${head}\n{\n\tgt_block${index}_body(ctx, call, now, probe, (char *)0);\n}`;
  return [
    head,
    `{`,
    `\t__u32 gt_zero_key = 0;`,
    `\tstruct gt_scratch *gt_sc = bpf_map_lookup_elem(&gt_scratch, &gt_zero_key);`,
    `\tif (!gt_sc || !gt_scratch_take(&gt_sc->busy, ${slot}))`,
    `\t\treturn;`,
    `\tgt_block${index}_body(ctx, call, now, probe, (char *)gt_sc->w);`,
    `\tgt_scratch_give(&gt_sc->busy);`,
    `}`,
  ].join('\n');
}
