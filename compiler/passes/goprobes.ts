// Lowering of the go: provider: which runtime functions the script's go: probes (and pgoid,
// gostart) hook in the target's release, the facts of that release the BPF side needs (offsets
// from DWARF or tables, reason strings from the binary), and their attach entries. A probe
// whose runtime function the release lacks is a located error naming the release.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { some } from '../../grammar/walk.js';
import { goRuntimeDecls, goRuntimePrograms, hookFunc, hookPrograms, type GoCodegenProbe } from '../codegen/go-runtime.js';
import type { GoBinary } from '../go/binary.js';
import {
  GO_HOOKS,
  goMinor,
  goProbe,
  hookInRelease,
  M_P_OFFSET_BY_MINOR,
  newprocOldAbi,
  stwReasonIsArg,
  type GoHookName,
} from '../go/goruntime.js';
import { reasonTables } from '../go/runtime-strings.js';
import type { AttachSpec, UprobeAttach } from '../manifest.js';
import type { BlockInfo } from './semantic.js';

/** What the go: provider adds to a program: C before the blocks, programs, attach entries. */
export interface GoRuntimeLowered {
  decls: string;
  programs: string[];
  attach: AttachSpec[];
  diagnostics: Diagnostic[];
}

/** The go: specs of a script, with their blocks. */
export function goSpecs(blocks: BlockInfo[]): { spec: ast.ProbeSpec & { kind: 'UprobeSpec' }; block: BlockInfo }[] {
  return blocks.flatMap((b) => b.block.specs.flatMap((s) => (s.kind === 'UprobeSpec' && s.type === 'go' ? [{ spec: s, block: b }] : [])));
}

/** Does the program read pgoid or gostart (which need the creations the provider sees)? */
export function readsGoroutineOrigin(program: ast.Program): boolean {
  return some(program, (n) => n.kind === 'Ident' && (n.name === 'pgoid' || n.name === 'gostart'));
}

/** The hooks the probes need, in a fixed order; those missing from the release that only keep
 *  state (stopTheWorld before 1.21, for its reason string) are left out. */
function neededHooks(names: string[], origin: boolean, minor: number | undefined): GoHookName[] {
  const want = new Set<GoHookName>(names.flatMap((n) => goProbe(n)?.hooks ?? []));
  if (origin) want.add('newproc1');
  // Entries of the goroutine table leave when their goroutine exits.
  if (want.has('newproc1') || want.has('gopark') || want.has('casgstatus')) want.add('goexit0');
  return (Object.keys(GO_HOOKS) as GoHookName[]).filter((h) => want.has(h) && hookInRelease(h, minor));
}

/**
 * The go: provider's part of a program. `probes` are the lowered go: probes (one per spec, in
 * order), `dropSlot` the gt_drops slot of the goroutine table. Returns undefined when the
 * program needs nothing of it.
 */
export function lowerGoRuntime(
  program: ast.Program,
  probes: GoCodegenProbe[],
  specs: ast.ProbeSpec[],
  binary: GoBinary,
  dropSlot: number,
): GoRuntimeLowered | undefined {
  const origin = readsGoroutineOrigin(program);
  if (probes.length === 0 && !origin) return undefined;
  const minor = goMinor(binary.goVersion);
  const release = binary.goVersion ?? 'an unknown Go release';
  const hooks = neededHooks(
    probes.map((p) => p.name),
    origin,
    minor,
  );
  const diagnostics: Diagnostic[] = [];
  const attach: AttachSpec[] = [];
  for (const h of hooks) {
    const fn = binary.func(hookFunc(h));
    // N.B. the linker drops stopTheWorld from a program that never stops the world by name:
    // it only names reasons, so nothing is lost.
    if (!fn && h === 'stopTheWorld') continue;
    if (!fn) {
      // Located at each spec that needs it (pgoid/gostart alone: at the first spec, if any).
      const users = probes.map((p, i) => ({ p, s: specs[i] })).filter(({ p }) => goProbe(p.name)?.hooks.includes(h));
      for (const { p, s } of users.length ? users : [{ p: undefined, s: specs[0] }])
        diagnostics.push(diag('GT3100', s?.span, { probe: p?.name ?? 'pgoid', func: hookFunc(h), path: binary.path, release }));
      continue;
    }
    const sites = binary.probeSites(fn);
    const prog = hookPrograms(h);
    const common = { kind: 'go' as const, block: probes[0]?.probe.block.index ?? 0, spec: `go:${h}`, func: fn.name, binary: binary.path };
    // Each hook counts as a probe attached only through the specs: see runtime/attach/go.ts.
    const entry: UprobeAttach = { ...common, at: 'entry', program: prog.entry, probe: 0, sites: [site(binary, sites.entrySite)] };
    attach.push(entry);
    if (prog.ret)
      attach.push({ ...common, at: 'return', program: prog.ret, probe: 0, sites: sites.returnSites.map((r) => site(binary, r)) });
  }
  if (attach[0]) (attach[0] as UprobeAttach).counts = probes.length;
  const facts = runtimeFacts(binary, minor, release, dropSlot, probes, diagnostics);
  return { decls: goRuntimeDecls(facts), programs: goRuntimePrograms(hooks, probes), attach, diagnostics };
}

function site(binary: GoBinary, vaddr: number) {
  return { vaddr, offset: binary.fileOffset(vaddr) };
}

/** Offsets (DWARF, else tables) and reason strings (the binary's) of the target's runtime. */
function runtimeFacts(
  binary: GoBinary,
  minor: number | undefined,
  release: string,
  dropSlot: number,
  probes: GoCodegenProbe[],
  diagnostics: Diagnostic[],
) {
  const dwarf = binary.dwarf();
  const off = (s: string, m: string) => {
    try {
      return dwarf?.memberOffset(s, m);
    } catch {
      return undefined;
    }
  };
  const tables = reasonTables(binary.elfFile());
  const names = new Set(probes.map((p) => p.name));
  if (tables.wait.length === 0 && (names.has('block') || names.has('unblock')))
    diagnostics.push(diag('GT3101', undefined, { path: binary.path, table: 'wait reasons (waitReasonStrings)' }));
  const stwArg = stwReasonIsArg(minor);
  if (stwArg && tables.stw.length === 0 && (names.has('stw_start') || names.has('stw_done')))
    diagnostics.push(diag('GT3101', undefined, { path: binary.path, table: 'stop-the-world reasons (stwReasonStrings)' }));
  const mp = off('runtime.m', 'p') ?? (minor !== undefined ? M_P_OFFSET_BY_MINOR[minor] : undefined);
  if (mp === undefined && names.has('sched_run')) diagnostics.push(diag('GT3102', undefined, { path: binary.path, release }));
  return {
    gopcOffset: off('runtime.g', 'gopc') ?? -1,
    parentGoidOffset: off('runtime.g', 'parentGoid') ?? -1,
    mpOffset: mp ?? -1,
    stwReasonArg: stwArg,
    newprocOldAbi: newprocOldAbi(minor),
    waitReasons: tables.wait,
    // Before 1.21 GC's own pauses are named as 1.21 names them (goruntime.bpf.h, gt_go_stw_start).
    stwReasons: stwArg ? tables.stw : ['unknown', 'GC mark termination', 'GC sweep termination'],
    dropSlot,
  };
}
