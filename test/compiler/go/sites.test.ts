// Probe sites against `go tool objdump` for every function of the fixtures,
// plus hand-assembled prologues for shapes Go 1.19 does not emit.
import t from 'tap';
import { GoBinary } from '../../../compiler/go/binary.js';
import { findProbeSites } from '../../../compiler/go/sites.js';
import { buildFixture, goTool, objdump, Variant } from './fixtures.js';

interface Expected {
  entrySite: number;
  stackCheck: 'small' | 'large' | 'none';
  rets: number[];
  tailJumps: number[];
}

/** Reads what the sites should be from objdump's Go-syntax listing. */
function expectedFrom(insns: { addr: number; text: string }[], entry: number, end: number, symAddr: Map<string, number>): Expected {
  const e: Expected = { entrySite: entry, stackCheck: 'none', rets: [], tailJumps: [] };
  // The check is CMPQ 0x10(R14), SP|R12 (Go syntax puts the memory operand
  // first) followed by JBE, within the first few instructions.
  for (let i = 0; i < Math.min(insns.length, 6); i++) {
    const m = /^CMPQ 0x1[08]\(R14\), (SP|R12)$/.exec(insns[i]!.text);
    if (m && insns[i + 1]?.text.startsWith('JBE ')) {
      e.entrySite = insns[i + 2]!.addr;
      e.stackCheck = m[1] === 'SP' ? 'small' : 'large';
      break;
    }
  }
  for (const i of insns) {
    if (i.text === 'RET') e.rets.push(i.addr);
    const j = /^JMP (?:0x([0-9a-f]+)|(\S+)\(SB\))$/.exec(i.text);
    if (j) {
      const target = j[1] ? parseInt(j[1], 16) : symAddr.get(j[2]!);
      if (target !== undefined && (target < entry || target >= end)) e.tailJumps.push(i.addr);
    }
  }
  return e;
}

for (const [name, variant] of [
  ['basic', 'dwarf'],
  ['cgo', 'dwarf'],
  ['basic', 'pie'],
] as [string, Variant][]) {
  t.test(`sites of every function agree with objdump: ${name}-${variant}`, async (t) => {
    const path = buildFixture(name, variant);
    const bin = GoBinary.open(path);
    t.teardown(() => bin.close());
    const symAddr = new Map<string, number>();
    for (const line of goTool('nm', path).split('\n')) {
      const m = /^\s*([0-9a-f]+) [Tt] (.+)$/.exec(line);
      if (m) symAddr.set(m[2]!, parseInt(m[1]!, 16));
    }
    const dump = new Map(objdump(path).map((d) => [d.insns[0]?.addr ?? -1, d.insns]));
    let checked = 0;
    let small = 0;
    let large = 0;
    let failures = 0;
    for (const fn of bin.functions()) {
      const insns = dump.get(fn.entry);
      if (!insns) {
        t.fail(`objdump has no function at ${fn.name} 0x${fn.entry.toString(16)}`);
        continue;
      }
      const want = expectedFrom(insns, fn.entry, fn.end, symAddr);
      const got = bin.probeSites(fn);
      const same =
        got.entrySite === want.entrySite &&
        got.stackCheck === want.stackCheck &&
        got.returnSites.join() === want.rets.join() &&
        got.tailJumps.join() === want.tailJumps.join() &&
        got.decodeErrorAt === undefined;
      if (!same && failures++ < 10) {
        t.same(
          { ...got, name: fn.name },
          {
            ...got,
            name: fn.name,
            ...{ entrySite: want.entrySite, stackCheck: want.stackCheck, returnSites: want.rets, tailJumps: want.tailJumps },
          },
          fn.name,
        );
      }
      checked++;
      if (got.stackCheck === 'small') small++;
      if (got.stackCheck === 'large') large++;
    }
    t.equal(failures, 0, `all ${checked} functions agree`);
    t.ok(small > 500 && large > 10, `${small} small and ${large} large stack checks`);
  });
}

t.test('named cases in the basic fixture', async (t) => {
  const bin = GoBinary.open(buildFixture('basic', 'dwarf'));
  t.teardown(() => bin.close());
  const sites = (n: string) => bin.probeSites(bin.func(n)!);
  t.equal(sites('main.add').stackCheck, 'none', 'leaf without a frame has no check');
  t.equal(sites('main.add').entrySite, bin.func('main.add')!.entry);
  t.equal(sites('main.(*Server).Handle').stackCheck, 'small');
  t.equal(sites('main.bigFrame').stackCheck, 'large');
  t.equal(sites('main.hugeFrame').stackCheck, 'large', 'MOV/SUB/JB then CMP/JBE');
  t.equal(sites('main.classify').returnSites.length, 4, 'one RET per return statement');
  const fail = sites('main.fail');
  t.equal(fail.returnSites.length, 0);
  t.equal(fail.noReturn, true, 'a function that always panics never returns');
  const gogo = sites('runtime.gogo');
  t.ok(gogo.tailJumps.length + gogo.indirectJumps.length > 0, 'runtime.gogo leaves by a jump');
  t.equal(gogo.noReturn, false);
  // File offsets of sites are where uprobes go.
  const f = bin.func('main.main')!;
  t.equal(bin.fileOffset(sites('main.main').entrySite) - bin.fileOffset(f.entry), sites('main.main').entrySite - f.entry);
});

t.test('hand-assembled prologues', async (t) => {
  const entry = 0x401000;
  const asm = (...parts: number[][]) => Uint8Array.from(parts.flat());
  // LEA R12,[RSP-0x100]; CMP R12,[R14+0x10]; JBE more; SUB RSP,8; ADD RSP,8; RET;
  // more: CALL morestack; JMP entry
  const lea = asm(
    [0x4c, 0x8d, 0xa4, 0x24, 0x00, 0xff, 0xff, 0xff], // lea r12,[rsp-0x100]       0..8
    [0x4d, 0x3b, 0x66, 0x10], // cmp r12,[r14+0x10]                                8..12
    [0x76, 0x09], // jbe +9 -> 0x17                                                12..14
    [0x48, 0x83, 0xec, 0x08], // sub rsp,8                                         14..18
    [0x48, 0x83, 0xc4, 0x08], // add rsp,8                                         18..22
    [0xc3], // ret                                                                  22..23
    [0xe8, 0x00, 0x00, 0x00, 0x00], // call (anything)                             23..28
    [0xeb, 0xd2 - 0x100 + 0x100 - 0x00], // jmp back to entry: fixed below          28..30
  );
  lea[29] = (0x100 - 30) & 0xff; // rel8 from 30 to 0
  lea[13] = 23 - 14;
  let s = findProbeSites(lea, entry);
  t.equal(s.stackCheck, 'large');
  t.equal(s.entrySite, entry + 14);
  t.same(s.returnSites, [entry + 22]);

  // Pre-register-ABI form: MOV RCX, FS:[-8]; CMP RSP,[RCX+0x10]; JBE more; ... RET; more: CALL; JMP entry
  const tls = asm(
    [0x64, 0x48, 0x8b, 0x0c, 0x25, 0xf8, 0xff, 0xff, 0xff], // mov rcx, fs:[-8]   0..9
    [0x48, 0x3b, 0x61, 0x10], // cmp rsp,[rcx+0x10]                              9..13
    [0x76, 0x01], // jbe +1 -> 16                                                 13..15
    [0xc3], // ret                                                                 15..16
    [0xe8, 0x00, 0x00, 0x00, 0x00], // call                                       16..21
    [0xeb, (0x100 - 23) & 0xff], // jmp entry                                     21..23
  );
  s = findProbeSites(tls, entry);
  t.equal(s.stackCheck, 'small');
  t.equal(s.entrySite, entry + 15);

  // A conditional branch in the prologue that is not a stack check.
  const plain = asm([0x48, 0x85, 0xc0], [0x74, 0x01], [0xc3], [0xc3]);
  s = findProbeSites(plain, entry);
  t.equal(s.stackCheck, 'none');
  t.equal(s.entrySite, entry);
  t.same(s.returnSites, [entry + 5, entry + 6]);

  // Tail jump out of the function, and an indirect jump.
  const tail = asm([0xe9, 0x00, 0x10, 0x00, 0x00], [0xff, 0xe0]);
  s = findProbeSites(tail, entry);
  t.same(s.tailJumps, [entry]);
  t.same(s.indirectJumps, [entry + 5]);
  t.same(s.returnSites, []);
  t.equal(s.noReturn, false);

  // Bytes that do not decode stop the sweep without throwing.
  const bad = asm([0xc3], [0x06], [0xc3]); // 0x06 (push es) is invalid in 64-bit mode
  s = findProbeSites(bad, entry);
  t.same(s.returnSites, [entry]);
  t.equal(s.decodeErrorAt, entry + 1);

  // Padding after a call that never returns.
  const noret = asm([0xe8, 0, 0, 0, 0], [0x90], [0xcc, 0xcc]);
  s = findProbeSites(noret, entry);
  t.equal(s.noReturn, true);
});
