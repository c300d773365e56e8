// Where to put uprobes inside one Go function, found by decoding its code.
//
// N.B. entry probes sit after the stack-growth check, not at the entry: when
// the stack is too small the function calls morestack, which copies the stack
// and jumps back to the entry, so a probe on the first instruction would fire
// twice for one call (and with the old stack's addresses the first time).
//
// The check, as Go's compiler emits it on amd64 (cmd/internal/obj/x86/obj6.go
// stacksplit), comes in three shapes; in every one the branch goes to a block
// at the end of the function that calls runtime.morestack* and then jumps
// back to the entry:
//   small:  CMP RSP, [R14+0x10]            ; JBE more
//   large:  LEA R12, [RSP-N] ; CMP R12, [R14+0x10] ; JBE more
//   huge:   MOV R12, RSP ; SUB R12, N ; JB more ; CMP R12, [R14+0x10] ; JBE more
// (before register ABI, Go ≤1.16, g came from FS:[-8] into RCX instead of
// R14; the shapes are otherwise alike). Rather than match exact encodings,
// the prologue's conditional branches are followed: one whose target block
// jumps back to the entry is the stack check, and the site is the
// instruction after the last such branch.
import { createRequire } from 'node:module';
import type * as Iced from 'iced-x86';

// N.B. iced-x86 is loaded on the first decode, not on import: loading it instantiates its
// WebAssembly (~100 ms of start-up), and a run whose object and manifest come from the script
// cache (compiler/script-cache.ts) decodes nothing.
let icedModule: typeof Iced | undefined;
const iced = (): typeof Iced => (icedModule ??= createRequire(import.meta.url)('iced-x86') as typeof Iced);

export interface ProbeSites {
  /** First instruction after the stack check, or the entry without one. */
  entrySite: number;
  stackCheck: 'small' | 'large' | 'none';
  /** Address of every RET in the body. */
  returnSites: number[];
  /**
   * Unconditional jumps that leave the function (tail calls, mostly in
   * assembly). A return probe cannot see these exits.
   */
  tailJumps: number[];
  /** Jumps through a register or memory: jump tables, or assembly tail calls. */
  indirectJumps: number[];
  /** No RET and no tail jump: the function never returns normally. */
  noReturn: boolean;
  /** Set when decoding stopped early at bytes that are not an instruction. */
  decodeErrorAt?: number;
}

// The check is in the first few instructions; anything later is the body.
const PROLOGUE_LIMIT = 12;
// The morestack block spills and reloads every register argument around the
// call: up to 9 integer and 15 float registers each way.
const MORESTACK_BLOCK_LIMIT = 80;

interface Insn {
  ip: number;
  next: number;
  flow: Iced.FlowControl;
  target: number;
  /** CMP against [reg+0x10|0x18], the g.stackguard0/1 fields (prologue only). */
  guardCmp: boolean;
  cmpRsp: boolean;
}

/**
 * Decodes up to `limit` instructions. N.B. every property read of an iced
 * Instruction is a call into WebAssembly, so only what the callers use is
 * read: the comparison details only for the prologue (`detail`), branch
 * targets only for branches, and the ip is counted here rather than read.
 */
function decodeAll(code: Uint8Array, entry: number, limit: number, detail = false): { insns: Insn[]; errorAt?: number } {
  const { Decoder, DecoderOptions, FlowControl, Instruction, Mnemonic, OpKind, Register, Code } = iced();
  const decoder = new Decoder(64, code, DecoderOptions.None);
  decoder.ip = BigInt(entry);
  const ins = new Instruction();
  const insns: Insn[] = [];
  let errorAt: number | undefined;
  let pos = 0;
  try {
    while (pos < code.length && insns.length < limit) {
      decoder.decodeOut(ins);
      const ip = entry + pos;
      const flow = ins.flowControl;
      // Undecodable bytes come back as Code.INVALID, whose flow is Exception.
      if (flow === FlowControl.Exception && ins.code === Code.INVALID) {
        errorAt = ip;
        break;
      }
      pos += ins.length;
      const isBranch = flow === FlowControl.ConditionalBranch || flow === FlowControl.UnconditionalBranch || flow === FlowControl.Call;
      const target = isBranch && ins.op0Kind !== OpKind.Memory ? Number(ins.nearBranchTarget) : -1;
      let guardCmp = false;
      let cmpRsp = false;
      if (detail && ins.mnemonic === Mnemonic.Cmp && ins.opCount === 2) {
        for (let i = 0; i < 2; i++) {
          const kind = ins.opKind(i);
          if (kind === OpKind.Memory) {
            const d = Number(ins.memoryDisplacement);
            if ((d === 0x10 || d === 0x18) && ins.memoryIndex === Register.None) guardCmp = true;
          } else if (kind === OpKind.Register && ins.opRegister(i) === Register.RSP) {
            cmpRsp = true;
          }
        }
      }
      insns.push({ ip, next: entry + pos, flow, target, guardCmp, cmpRsp });
    }
  } finally {
    ins.free();
    decoder.free();
  }
  return { insns, errorAt };
}

/**
 * True when the block at `target` is a morestack call: exactly one CALL,
 * then a jump back to `entry`. (Blocks that call a panic function fall
 * through into it, hence "exactly one".)
 */
function isMorestackBlock(code: Uint8Array, entry: number, target: number): boolean {
  const off = target - entry;
  if (off <= 0 || off >= code.length) return false;
  const { FlowControl } = iced();
  const { insns } = decodeAll(code.subarray(off), target, MORESTACK_BLOCK_LIMIT);
  let calls = 0;
  for (const i of insns) {
    if (i.flow === FlowControl.Call) calls++;
    else if (i.flow === FlowControl.UnconditionalBranch) return calls === 1 && i.target === entry;
    else if (i.flow !== FlowControl.Next) return false;
  }
  return false;
}

/**
 * Finds the entry and return probe sites of the function whose machine code
 * is `code`, loaded at `entry` (so `code` spans [entry, end)).
 */
export function findProbeSites(code: Uint8Array, entry: number): ProbeSites {
  const { FlowControl } = iced();
  const end = entry + code.length;
  let entrySite = entry;
  let stackCheck: ProbeSites['stackCheck'] = 'none';

  const prologue = decodeAll(code, entry, PROLOGUE_LIMIT, true).insns;
  let sawGuardCmp = false;
  let cmpRsp = false;
  for (const i of prologue) {
    if (i.guardCmp) {
      sawGuardCmp = true;
      cmpRsp = i.cmpRsp;
    }
    if (i.flow === FlowControl.ConditionalBranch) {
      const toMorestack = i.target > entry && i.target < end && isMorestackBlock(code, entry, i.target);
      if (toMorestack) {
        entrySite = i.next;
        stackCheck = sawGuardCmp && cmpRsp ? 'small' : 'large';
      }
      // The branch after the guard comparison ends the check. Before it,
      // only the huge form's JB (also to morestack) may come; any other
      // branch means the function has no check.
      if (sawGuardCmp || !toMorestack) break;
      continue;
    }
    if (i.flow !== FlowControl.Next) break;
  }

  const body = scanBody(code, entry);
  const { returnSites, tailJumps, indirectJumps } = body;
  const out: ProbeSites = {
    entrySite,
    stackCheck,
    returnSites,
    tailJumps,
    indirectJumps,
    noReturn: returnSites.length === 0 && tailJumps.length === 0 && indirectJumps.length === 0,
  };
  if (body.errorAt !== undefined) out.decodeErrorAt = body.errorAt;
  return out;
}

/**
 * The exits of a function body: RETs, jumps out of it, indirect jumps.
 * Decodes every instruction but keeps only these (see decodeAll's N.B.:
 * three calls into iced per instruction, no object per instruction).
 */
function scanBody(
  code: Uint8Array,
  entry: number,
): {
  returnSites: number[];
  tailJumps: number[];
  indirectJumps: number[];
  errorAt?: number;
} {
  const end = entry + code.length;
  const out: ReturnType<typeof scanBody> = { returnSites: [], tailJumps: [], indirectJumps: [] };
  const { Decoder, DecoderOptions, FlowControl, Instruction, OpKind, Code } = iced();
  const decoder = new Decoder(64, code, DecoderOptions.None);
  decoder.ip = BigInt(entry);
  const ins = new Instruction();
  let pos = 0;
  try {
    while (pos < code.length) {
      decoder.decodeOut(ins);
      const ip = entry + pos;
      const flow = ins.flowControl;
      if (flow === FlowControl.Exception && ins.code === Code.INVALID) {
        out.errorAt = ip;
        break;
      }
      pos += ins.length;
      if (flow === FlowControl.Next || flow === FlowControl.Call || flow === FlowControl.ConditionalBranch) continue;
      if (flow === FlowControl.Return) out.returnSites.push(ip);
      else if (flow === FlowControl.IndirectBranch) out.indirectJumps.push(ip);
      else if (flow === FlowControl.UnconditionalBranch) {
        const target = ins.op0Kind !== OpKind.Memory ? Number(ins.nearBranchTarget) : -1;
        if (target < entry || target >= end) out.tailJumps.push(ip);
      }
    }
  } finally {
    ins.free();
    decoder.free();
  }
  return out;
}

/** Targets of the direct CALLs and JMPs in `code` (loaded at `entry`). */
export function directBranchTargets(code: Uint8Array, entry: number): number[] {
  const out: number[] = [];
  const { FlowControl } = iced();
  for (const i of decodeAll(code, entry, Number.MAX_SAFE_INTEGER).insns) {
    if ((i.flow === FlowControl.Call || i.flow === FlowControl.UnconditionalBranch) && i.target >= 0) out.push(i.target);
  }
  return out;
}
