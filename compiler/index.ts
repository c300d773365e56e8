// The compiler pipeline: source → AST → checked blocks → resolved probes → BPF C + manifest →
// object. Stops after the first stage that reports an error; warnings travel along.
import type * as ast from '../grammar/ast.js';
import { diag } from '../grammar/catalog/index.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { parse } from '../grammar/index.js';
import type { SourceFile } from '../grammar/source.js';
import { build } from './clang.js';
import { dropSpecs, eventSpecs, generateC, mapSpecs, type CodegenProbe } from './codegen/c.js';
import { CodegenLimitError } from './codegen/scratch.js';
import type { GoBinary } from './go/binary.js';
import { RODATA_LAYOUT, type AttachSpec, type Manifest } from './manifest.js';
import { resolve, type ResolvedProbe } from './passes/resolve.js';
import type { GoValueInfo } from './passes/govalues.js';
import { typeString } from './go/abi.js';
import { analyze, type Options as AnalyzeOptions, type SemanticResult } from './passes/semantic.js';

export interface CompileOptions {
  /** The binary of the target process (-p/-c), for specs that do not name one. */
  binary?: string;
  /** Stop after generating C (no clang): --dry-run without a compiler, tests. */
  skipBuild?: boolean;
  noCache?: boolean;
  /** Allow system() and cat(). */
  unsafe?: boolean;
  /** Size of string buffers (bpftrace's BPFTRACE_STRLEN), 64 by default. */
  strlen?: number;
  /** $1, $2, ... */
  positional?: string[];
  /** First probe id (what func/probe hold): the REPL gives each object its own range, so
   *  ids in maps shared between objects never clash. */
  probeIdBase?: number;
}

export interface CompileResult {
  diagnostics: Diagnostic[];
  program?: ast.Program;
  cSource?: string;
  manifest?: Manifest;
  object?: Uint8Array;
  cached?: boolean;
  binary?: GoBinary;
  /** The parse stopped at end of input (the REPL reads another line). */
  incomplete?: boolean;
}

/** The checks that need no binary: parsing and semantics. The CLI runs them before looking at
 *  the target, so a script's mistakes are reported even when the pid or path is wrong too. */
export function checkSource(
  file: SourceFile,
  opts: AnalyzeOptions = {},
): { program?: ast.Program; sem?: SemanticResult; diagnostics: Diagnostic[]; incomplete?: boolean } {
  const parsed = parse(file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (!parsed.program || hasErrors(diagnostics)) return { diagnostics, incomplete: parsed.incomplete };
  const sem = analyze(parsed.program, opts);
  diagnostics.push(...sem.diagnostics);
  return { program: parsed.program, sem, diagnostics };
}

/** Does the script read Go values by name? (Only then is DWARF needed.) */
function usesGoValues(program: ast.Program): boolean {
  return /\b(args|rets|retval)\b/.test(JSON.stringify(program, (k, v) => (k === 'span' || k === 'nameSpan' || k === 'fieldSpan' ? undefined : typeof v === 'bigint' ? String(v) : v)));
}

/** Per uprobe block: the parameters and results of the function(s) it traces. */
function goValueInfos(binary: GoBinary, probes: ResolvedProbe[]): Map<ast.Probe, GoValueInfo> {
  const out = new Map<ast.Probe, GoValueInfo>();
  const sig = new Map<ast.Probe, string>();
  for (const p of probes) {
    const block = p.block.block;
    if (out.has(block) && 'error' in out.get(block)!) continue;
    const abi = binary.hasDwarf ? binary.functionAbi(p.func) : undefined;
    if (!abi) {
      out.set(block, {
        error: binary.hasDwarf ? diag('GT2127', undefined, { func: p.func.name }) : diag('GT2128', undefined, { path: binary.path }),
      });
      continue;
    }
    const s = abi.values.map((v) => `${v.name}:${typeString(v.type)}:${v.isResult}`).join(',');
    if (!out.has(block)) {
      out.set(block, { values: abi.values, func: p.func.name });
      sig.set(block, s);
    } else if (sig.get(block) !== s) {
      const funcs = `${(out.get(block) as { func: string }).func}, ${p.func.name}, ...`;
      out.set(block, { error: diag('GT2122', undefined, { funcs }) });
    }
  }
  return out;
}

function specText(s: ast.ProbeSpec): string {
  switch (s.kind) {
    case 'UprobeSpec':
      return `${s.type}:${s.path ? s.path + ':' : ''}${s.func}`;
    case 'SpecialSpec':
      return s.type;
    case 'IntervalSpec':
      return `${s.type}:${s.unit}:${s.value}`;
  }
}

export async function compile(file: SourceFile, opts: CompileOptions = {}): Promise<CompileResult> {
  const checked = checkSource(file, opts);
  const diagnostics = checked.diagnostics;
  const program = checked.program;
  if (!program || !checked.sem || hasErrors(diagnostics)) return { diagnostics, program, incomplete: checked.incomplete };
  if (program.probes.length === 0) return { diagnostics, program };

  const uprobeBlocks = checked.sem.blocks.filter((b) => b.where === 'uprobe');
  const res = uprobeBlocks.length ? resolve(uprobeBlocks, opts.binary) : { probes: [], diagnostics: [], binary: undefined };
  diagnostics.push(...res.diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, program };
  const binary = res.binary;

  // Second look, now that each uprobe block knows its functions: Go values (args.x, rets.y,
  // retval) get their types and places from the binary's DWARF and Go's ABI.
  let sem = checked.sem;
  if (binary && usesGoValues(program)) {
    const infos = goValueInfos(binary, res.probes);
    sem = analyze(program, { ...opts, goInfo: (b) => infos.get(b) });
    const goDiags = sem.diagnostics.filter((d) => !diagnostics.some((x) => x.code === d.code && x.span?.start === d.span?.start));
    diagnostics.push(...goDiags);
    if (hasErrors(diagnostics)) return { diagnostics, program };
  }

  const maps = mapSpecs(sem.maps);
  const events = eventSpecs(sem);
  const probes: CodegenProbe[] = [];
  const attach: AttachSpec[] = [];
  const names: Manifest['probes'] = [];
  // Stacks and symbols of a PIE binary need its load address in the process.
  // N.B. the bias is the IP minus the entry's address, so programs that also run at inlined
  // call sites (other addresses) must not note it; those blocks print no stacks anyway.
  const noteBias = !!binary?.pie && /\b(ustack|usym)\b/.test(file.text);
  const base = opts.probeIdBase ?? 0;
  res.probes.forEach((p) => {
    const id = base + probes.length;
    const entryProgram = `p${id}_entry`;
    const returnProgram = p.block.atReturn ? `p${id}_return` : undefined;
    probes.push({ id, block: p.block, kind: 'uprobe', entryProgram, returnProgram, ...(noteBias && !p.inlined.length ? { noteBiasAt: p.entry.vaddr } : {}) });
    const spec = specText(p.spec);
    names.push({ id, func: p.func.name, spec });
    attach.push({ block: p.block.index, spec, func: p.func.name, program: entryProgram, role: 'entry', binary: binary!.path, sites: [p.entry, ...p.inlined] });
    if (returnProgram)
      attach.push({ block: p.block.index, spec, func: p.func.name, program: returnProgram, role: 'return', binary: binary!.path, sites: p.returns });
  });
  for (const b of sem.blocks) {
    if (b.where === 'uprobe') continue;
    for (const s of b.block.specs) {
      const id = base + probes.length;
      const program = `p${id}_${s.kind === 'SpecialSpec' ? s.type.toLowerCase() : s.type}`;
      const spec = specText(s);
      names.push({ id, func: spec, spec });
      if (s.kind === 'SpecialSpec') {
        probes.push({ id, block: b, kind: s.type === 'BEGIN' ? 'begin' : 'end', entryProgram: program });
        attach.push({ block: b.index, spec, program, role: s.type === 'BEGIN' ? 'begin' : 'end' });
      } else if (s.kind === 'IntervalSpec') {
        probes.push({ id, block: b, kind: s.type === 'profile' ? 'profile' : 'timer', entryProgram: program });
        const scale = { s: 1e9, ms: 1e6, us: 1e3, hz: 1 }[s.unit];
        attach.push({ block: b.index, spec, program, role: s.type === 'profile' ? 'profile' : 'interval', period: s.value * scale });
      }
    }
  }

  let params = { goid_offset: 0, stack_hi_offset: 8 };
  if (binary) {
    try {
      const layout = binary.gLayout();
      params = { goid_offset: layout.goidOffset, stack_hi_offset: layout.stackHiOffset };
    } catch (e) {
      diagnostics.push(diag('GT3010', undefined, { path: binary.path, reason: (e as Error).message }));
      return { diagnostics, program };
    }
  }
  const drops = dropSpecs(maps);
  let cSource: string;
  try {
    cSource = generateC(sem, probes, maps, events, drops);
  } catch (e) {
    if (!(e instanceof CodegenLimitError)) throw e;
    diagnostics.push(e.diagnostic);
    return { diagnostics, program };
  }
  const manifest: Manifest = {
    version: 1,
    target: { binary: binary?.path ?? '', goVersion: binary?.goVersion, buildId: binary?.buildId },
    attach,
    maps,
    events,
    drops,
    probes: names,
    rodata: RODATA_LAYOUT,
    params,
  };
  if (opts.skipBuild) return { diagnostics, program, cSource, manifest, binary };
  const built = await build(cSource, { noCache: opts.noCache });
  diagnostics.push(...built.diagnostics);
  return { diagnostics, program, cSource, manifest, object: built.object, cached: built.cached, binary };
}
