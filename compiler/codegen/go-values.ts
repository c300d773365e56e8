// Go values in C: where an access (compiler/passes/govalues.ts) leads, registers saved at
// entry or user memory, and how a value is read there: scalars, strings, lengths, and whole
// values captured for print()/%v.
import type * as ast from '../../grammar/ast.js';
import type { AbiLocation, AbiValue, RegPiece } from '../go/abi.js';
import { underlying, type GoAccess } from '../passes/govalues.js';
import { emitCapture, type CaptureHost, type GoLoc } from './gocapture.js';
import type { GoFormat } from '../passes/types.js';
import { CWriter } from './writer.js';

export type { GoLoc } from './gocapture.js';

/** Go's ABI register names → pt_regs fields. */
const REG_FIELDS: Record<string, string> = {
  RAX: 'ax',
  RBX: 'bx',
  RCX: 'cx',
  RDI: 'di',
  RSI: 'si',
  R8: 'r8',
  R9: 'r9',
  R10: 'r10',
  R11: 'r11',
};
/** The order gt_fill_call saves them in (struct gt_call.args). */
const ARG_REGS = ['ax', 'bx', 'cx', 'di', 'si', 'r8', 'r9', 'r10', 'r11'];

export abstract class GoWriter extends CWriter {
  /** Capture a Go value for print()/%v, laid out as its GoFormat says (gocapture.ts). */
  protected goCaptureInto(a: GoAccess, fmt: GoFormat, dest: string): void {
    const host: CaptureHost = {
      line: (l) => this.line(l),
      nested: (o, b, c) => this.nested(o, b, c),
      tmpU64: (x) => this.tmpU64(x),
      word: (l, off) => this.word(l, off),
      reg: (r, res) => this.reg(r, res),
      zero: (p, n) => this.zero(p, n),
    };
    emitCapture(
      host,
      fmt,
      () => this.goLoc(a),
      `((char *)&${dest})`,
      () => this.goScalar(a),
    );
  }

  /** Where an access leads: registers (pieces of the root value) or a user address. */
  protected goLoc(a: GoAccess): GoLoc {
    let loc: GoLoc = a.base
      ? { kind: 'value', expr: this.tmpU64(this.expr(a.base)) }
      : a.root.perProbe
        ? this.perProbeLoc(a.root)
        : a.root.location.kind === 'regs'
          ? { kind: 'regs', pieces: a.root.location.pieces, base: 0, result: a.root.isResult }
          : { kind: 'mem', addr: `(ctx->sp + ${(a.root.location as { offset: number }).offset})` };
    for (const st of a.steps) {
      switch (st.op) {
        case 'field':
          // (A cast's value is a pointer: a deref comes before any field.)
          loc =
            loc.kind === 'regs'
              ? { ...loc, base: loc.base + st.offset }
              : loc.kind === 'mem'
                ? { kind: 'mem', addr: `(${loc.addr} + ${st.offset})` }
                : loc;
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
          } else if (loc.kind !== 'mem') {
            // arrays in registers have one element
          } else {
            loc = { kind: 'mem', addr: this.tmpU64(`(${i} < ${st.length} ? ${loc.addr} + ${i} * ${st.elemSize} : 0)`) };
          }
          break;
        }
      }
    }
    return loc;
  }

  /** A value placed differently in the functions of one block (govariants.ts): picked by the
   *  probe id of the function that fired. Each register piece becomes a temporary holding the
   *  piece's register (or stack slot) in that function; N.B. the pieces' offsets and sizes are
   *  the same in every function, as the value has one type. On the stack in all of them, the
   *  value stays in memory at the address picked. */
  private perProbeLoc(root: AbiValue): GoLoc {
    const places = root.perProbe!;
    const shape = places.find((p) => p.location.kind === 'regs')?.location as Extract<AbiLocation, { kind: 'regs' }> | undefined;
    if (!shape) return { kind: 'mem', addr: this.tmpU64(`ctx->sp + ${pickByProbe(places, (l) => String(stackOffset(l)))}`) };
    // N.B. every place is read into its own variable first, unconditionally, and the pick
    // chooses among values: clang turns `c ? ctx->ax : ctx->bx` into one load at an offset from
    // ctx it computes, which the verifier refuses (a modified ctx pointer); volatile reads are
    // never merged. (A stack slot read for a function that keeps the value elsewhere reads
    // harmless bytes of the goroutine's stack.)
    const reads = new Map<string, string>();
    const once = (expr: string) => {
      if (!reads.has(expr)) reads.set(expr, this.tmpU64(expr));
      return reads.get(expr)!;
    };
    const pieces = shape.pieces.map((sp, i) => {
      const read = (l: AbiLocation) =>
        once(
          l.kind === 'regs'
            ? `*(volatile __u64 *)&${this.reg(l.pieces[i].reg, root.isResult)}`
            : `gt_read_int(ctx->sp + ${stackOffset(l) + sp.offset}, ${sp.size}, 0)`,
        );
      return { ...sp, reg: `=${this.tmpU64(pickByProbe(places, read))}` as RegPiece['reg'] };
    });
    return { kind: 'regs', pieces, base: 0, result: root.isResult };
  }

  /** The 8-byte word at `off` of a location. */
  protected word(loc: GoLoc, off: number): string {
    if (loc.kind === 'mem') return `gt_read_int(${loc.addr} + ${off}, 8, 0)`;
    if (loc.kind === 'value') return off === 0 ? loc.expr : '0';
    const p = loc.pieces.find((x) => x.offset === loc.base + off);
    return p ? this.reg(p.reg, loc.result) : '0';
  }

  protected reg(r: string, result: boolean): string {
    // A piece picked per probe (perProbeLoc) names the temporary that holds it.
    if (r.startsWith('=')) return r.slice(1);
    const name = REG_FIELDS[r];
    return result ? `ctx->${name}` : `call->args[${ARG_REGS.indexOf(name)}]`;
  }

  protected goScalar(a: GoAccess): string {
    const u = underlying(a.type);
    const size = Math.min(8, Math.max(1, u.size));
    const sign = u.kind === 'base' && u.encoding === 'signed' ? 1 : 0;
    const loc = this.goLoc(a);
    if (loc.kind === 'mem') return `gt_read_int(${loc.addr}, ${size}, ${sign})`;
    if (loc.kind === 'value') return `(__s64)${loc.expr}`;
    const p = loc.pieces.find((x) => x.offset === loc.base);
    if (!p) return '0';
    const v = this.reg(p.reg, loc.result);
    if (size === 8) return `(__s64)${v}`;
    return `(__s64)(${sign ? '__s' : '__u'}${size * 8})${v}`;
  }

  /** Reads a Go string into the buffer `dest`; `lenTo`, when given, receives the bytes kept. */
  protected goString(a: GoAccess, dest: string, size: number, lenTo?: string): void {
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

  protected goLen(arg: ast.Expr): string {
    const a = this.sem.goAccess.get(arg)!;
    const u = underlying(a.type);
    if (u.kind === 'array') return `${u.length}LL`;
    const loc = this.goLoc(a);
    if (u.kind === 'string' || u.kind === 'slice') return `(__s64)${this.tmpU64(this.word(loc, 8))}`;
    // map: hmap.count, chan: hchan.qcount, both the first word; a nil map or chan has length 0.
    const p = this.tmpU64(this.word(loc, 0));
    return `(${p} ? gt_read_int(${p}, 8, 1) : 0)`;
  }
}

/** An expression choosing, by `probe`, the place of a value in the function that fired: the
 *  functions whose place reads the same share one test. */
function pickByProbe(places: { ids: number[]; location: AbiLocation }[], expr: (l: AbiLocation) => string): string {
  const byExpr = new Map<string, number[]>();
  for (const p of places) {
    const e = expr(p.location);
    byExpr.set(e, [...(byExpr.get(e) ?? []), ...p.ids]);
  }
  const groups = [...byExpr];
  return groups.slice(0, -1).reduceRight((els, [e, ids]) => `(${probeIn(ids)} ? ${e} : ${els})`, groups.at(-1)![0]);
}

function stackOffset(l: AbiLocation): number {
  return (l as { offset: number }).offset;
}

/** `probe` is one of `ids`: ranges of consecutive ids as one comparison each. */
function probeIn(ids: number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const terms: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    terms.push(i === j ? `probe == ${sorted[i]}` : `(probe >= ${sorted[i]} && probe <= ${sorted[j]})`);
    i = j + 1;
  }
  return `(${terms.join(' || ')})`;
}
