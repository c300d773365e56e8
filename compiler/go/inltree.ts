// Inlined calls, from the inline trees Go keeps in .gopclntab for its own tracebacks (so this
// works on stripped binaries). A function the compiler inlined has no call of its own at those
// places: a probe on its body never sees them, and main.add called 1,010 times may show 10.
//
// Each function that received inlined code has funcdata FUNCDATA_InlTree (index 3): an array
// of inlinedCall records, and pcdata PCDATA_InlTreeIndex (index 2): for each pc, the record of
// the innermost inlined call it belongs to (-1: the function's own code). The array's length is
// not recorded, so the records are the indices the pc table uses. Layouts, from Go's
// runtime/symtab.go and runtime2.go:
//   format  _func size  npcdata  nfuncdata  funcdata                          inlinedCall
//   go1.16  44          @32      @43        8-byte pointers, 8-aligned         20 bytes: name @12, parentPc @16
//   go1.18  40          @28      @39        uint32 offsets from moduledata.gofunc   (same)
//   go1.20  44          @28      @43        (same)                             16 bytes: name @4, parentPc @8
// The name is an offset into funcnametab; parentPc is the offset from the outer function's
// entry of an instruction placed at the call site.
// N.B. that instruction is one the compiler found at the call's source line (or a NOP it left
// there), so it runs once per inlined call in straight code; on a line holding several
// branches it may run when another branch does. It is in the outer function's code, so the
// registers are the caller's: the arguments of the inlined call are nowhere in particular, and
// the call has no RET of its own.
import type { ElfFile } from './elf.js';
import { funcIndexAt, type Pclntab } from './pclntab.js';
import { varint } from './pclntab-lines.js';

export interface InlinedSite {
  /** The function the call was inlined into. */
  caller: string;
  /** Virtual address of the instruction at the call site. */
  vaddr: number;
}

interface Layout {
  funcSize: number;
  npcdata: number;
  nfuncdata: number;
  /** inlinedCall: its size and the offsets of its name and parentPc fields. */
  callSize: number;
  callName: number;
  callPc: number;
  funcRecord: (i: number) => number;
  funcnametab: number;
  pctab: number;
}

const PCDATA_INL_TREE_INDEX = 2;
const FUNCDATA_INL_TREE = 3;

/** moduledata.gofunc's offset in runtime.moduledata, by pclntab format (1.20 added covctrs;
 *  1.27 reordered the fields after etypes, and is not read yet: its inline trees stay unknown
 *  unless the binary keeps its go:func.* symbol). */
const GOFUNC_OFFSET: Partial<Record<Pclntab['format'], number>> = { 'go1.18': 304, 'go1.20': 320 };

export class InlineTrees {
  private readonly b: Buffer;
  private readonly L?: Layout;
  private index?: Map<string, InlinedSite[]>;

  constructor(
    private readonly t: Pclntab,
    private readonly elf: ElfFile,
  ) {
    const b = (this.b = t.data);
    const word = (off: number) => Number(b.readBigUInt64LE(off));
    if (t.format === 'go1.16') {
      const ftab = word(56);
      this.L = {
        funcSize: 44,
        npcdata: 32,
        nfuncdata: 43,
        callSize: 20,
        callName: 12,
        callPc: 16,
        funcRecord: (i) => ftab + word(ftab + 16 * i + 8),
        funcnametab: word(24),
        pctab: word(48),
      };
    } else if (t.format !== 'go1.2') {
      const ftab = word(64);
      const old = t.format === 'go1.18';
      this.L = {
        funcSize: old ? 40 : 44,
        npcdata: 28,
        nfuncdata: old ? 39 : 43,
        callSize: old ? 20 : 16,
        callName: old ? 12 : 4,
        callPc: old ? 16 : 8,
        funcRecord: (i) => ftab + b.readUInt32LE(ftab + 8 * i + 4),
        funcnametab: word(32),
        pctab: word(56),
      };
    }
  }

  /** Can this binary's inline trees be read? (Not before Go 1.16's layout.) */
  get readable(): boolean {
    return !!this.L && (this.t.format === 'go1.16' || this.goFunc() !== undefined);
  }

  /** Every place where `name` was inlined, in address order. */
  sitesOf(name: string): InlinedSite[] {
    this.index ??= this.build();
    return this.index.get(name) ?? [];
  }

  private build(): Map<string, InlinedSite[]> {
    const out = new Map<string, InlinedSite[]>();
    if (!this.readable) return out;
    this.t.funcs.forEach((f, i) => {
      try {
        for (const [callee, vaddr] of this.calls(i, f.entry)) {
          // A site outside its caller means a record misread: never probe there.
          if (vaddr < f.entry || vaddr >= f.end) continue;
          let list = out.get(callee);
          if (!list) out.set(callee, (list = []));
          if (!list.some((s) => s.vaddr === vaddr)) list.push({ caller: f.name, vaddr });
        }
      } catch {
        // A table we cannot read hides that function's inlined calls, nothing else.
      }
    });
    for (const list of out.values()) list.sort((a, b) => a.vaddr - b.vaddr);
    return out;
  }

  /**
   * The functions inlined at `pc`, innermost first: what Go's
   * traceback shows above the function itself. Each record's parentPc leads to the call site
   * in the outer code, whose own index says what that call was inlined into, up to -1 (the
   * function's own code). Empty when nothing is inlined there or the tables cannot be read.
   */
  inlinedAt(pc: number): string[] {
    const i = this.funcIndex(pc);
    if (!this.readable || i < 0) return [];
    try {
      return this.chain(i, this.t.funcs[i]!.entry, pc);
    } catch {
      return [];
    }
  }

  /** Index of the function holding `pc`, or -1 (functions are in address order). */
  private funcIndex(pc: number): number {
    return funcIndexAt(this.t.funcs, pc);
  }

  private chain(i: number, entry: number, pc: number): string[] {
    const L = this.L!;
    const f = L.funcRecord(i);
    const npcdata = this.b.readUInt32LE(f + L.npcdata);
    if (npcdata <= PCDATA_INL_TREE_INDEX || this.b[f + L.nfuncdata]! <= FUNCDATA_INL_TREE) return [];
    const table = this.b.readUInt32LE(f + L.funcSize + 4 * PCDATA_INL_TREE_INDEX);
    const tree = this.funcdata(f, npcdata, FUNCDATA_INL_TREE);
    if (!table || tree === undefined) return [];
    const out: string[] = [];
    // N.B. bounded: a misread table must not loop (Go's own trees are a few levels deep).
    for (let idx = this.valueAt(table, entry, pc); idx >= 0 && out.length < 64;) {
      const rec = this.elf.readVaddr(tree + idx * L.callSize, L.callSize);
      if (rec.length < L.callSize) break;
      out.push(this.name(rec.readInt32LE(L.callName)));
      idx = this.valueAt(table, entry, entry + rec.readInt32LE(L.callPc));
    }
    return out;
  }

  /** The value of a pc-value table at `pc` (see pclntab-lines.ts for the encoding; amd64's
   *  instruction quantum is 1). */
  private valueAt(tableOff: number, entry: number, pc: number): number {
    const b = this.b;
    const quantum = b[6] || 1;
    let p = this.L!.pctab + tableOff;
    let val = -1;
    let at = entry;
    for (let first = true; p < b.length; first = false) {
      let uv: number;
      [uv, p] = varint(b, p);
      if (uv === 0 && !first) break;
      val += uv & 1 ? -((uv + 1) / 2) : uv / 2;
      let d: number;
      [d, p] = varint(b, p);
      at += d * quantum;
      if (pc < at) return val;
    }
    return -1;
  }

  /** (callee, call-site address) for each inlined call in function i. */
  private calls(i: number, entry: number): [string, number][] {
    const L = this.L!;
    const b = this.b;
    const f = L.funcRecord(i);
    const npcdata = b.readUInt32LE(f + L.npcdata);
    const nfuncdata = b[f + L.nfuncdata]!;
    if (npcdata <= PCDATA_INL_TREE_INDEX || nfuncdata <= FUNCDATA_INL_TREE) return [];
    const table = b.readUInt32LE(f + L.funcSize + 4 * PCDATA_INL_TREE_INDEX);
    const tree = this.funcdata(f, npcdata, FUNCDATA_INL_TREE);
    if (!table || tree === undefined) return [];
    const out: [string, number][] = [];
    for (const idx of this.indices(table)) {
      const rec = this.elf.readVaddr(tree + idx * L.callSize, L.callSize);
      if (rec.length < L.callSize) continue;
      const name = this.name(rec.readInt32LE(L.callName));
      out.push([name, entry + rec.readInt32LE(L.callPc)]);
    }
    return out;
  }

  /** Address of function record f's funcdata `k`, or undefined when it has none. */
  private funcdata(f: number, npcdata: number, k: number): number | undefined {
    const L = this.L!;
    const at = f + L.funcSize + 4 * npcdata;
    if (this.t.format === 'go1.16') {
      // Pointers, aligned to 8 in memory (the table itself is 8-aligned).
      const p = (this.t.addr + at) % 8 ? at + 4 : at;
      const v = Number(this.b.readBigUInt64LE(p + 8 * k));
      return v || undefined;
    }
    const off = this.b.readUInt32LE(at + 4 * k);
    const base = this.goFunc();
    return off === 0xffffffff || base === undefined ? undefined : base + off;
  }

  /** The distinct non-negative values of a pc-value table (see pclntab-lines.ts). */
  private indices(tableOff: number): Set<number> {
    const b = this.b;
    let p = this.L!.pctab + tableOff;
    let val = -1;
    const out = new Set<number>();
    for (let first = true; p < b.length; first = false) {
      let uv: number;
      [uv, p] = varint(b, p);
      if (uv === 0 && !first) break;
      val += uv & 1 ? -((uv + 1) / 2) : uv / 2;
      [, p] = varint(b, p);
      if (val >= 0) out.add(val);
    }
    return out;
  }

  private name(off: number): string {
    const at = this.L!.funcnametab + off;
    let end = this.b.indexOf(0, at);
    if (end < 0) end = this.b.length;
    return this.b.toString('utf8', at, end);
  }

  private gofuncCache?: number | null;

  /** moduledata.gofunc: the go:func.* symbol, or read from moduledata, found as the data word
   *  that points at the pclntab header and is followed by funcnametab's address. */
  private goFunc(): number | undefined {
    if (this.gofuncCache !== undefined) return this.gofuncCache ?? undefined;
    const sym = this.elf.symbol('go:func.*') ?? this.elf.symbol('go.func.*');
    this.gofuncCache = sym ? sym.value : (this.moduledataGofunc() ?? null);
    return this.gofuncCache ?? undefined;
  }

  private moduledataGofunc(): number | undefined {
    const off = GOFUNC_OFFSET[this.t.format];
    if (off === undefined || !this.t.addr) return undefined;
    const want = BigInt(this.t.addr);
    const names = BigInt(this.t.addr + this.L!.funcnametab);
    // Go 1.26 moved moduledata into a section of its own.
    for (const name of ['.noptrdata', '.go.module', '.data']) {
      const s = this.elf.section(name);
      if (!s) continue;
      const d = this.elf.rawSection(s);
      for (let p = 0; p + off + 8 <= d.length; p += 8) {
        if (d.readBigUInt64LE(p) !== want || d.readBigUInt64LE(p + 8) !== names) continue;
        const gofunc = Number(d.readBigUInt64LE(p + off));
        // rodata, just before gofunc, starts the region gofunc points into.
        if (gofunc >= Number(d.readBigUInt64LE(p + off - 8))) return gofunc;
      }
    }
    return undefined;
  }
}
