// The compiler's passes, in order, as bpftrace's pass list:
//
//   parse → check → resolve → Go types → lower → generate C → build
//
// Each pass is a function of what the passes before it produced. The pipeline stops after the
// first pass that reports an error; warnings travel along to the end. It starts from source
// text or from an AST (the REPL adds its hidden hit counter to a probe as a node).
import type * as ast from '../grammar/ast.js';
import { diag } from '../grammar/catalog/index.js';
import { readConfig } from '../grammar/config.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { parse } from '../grammar/index.js';
import { probeKind } from '../grammar/probe-kinds.js';
import type { SourceFile } from '../grammar/source.js';
import { some, walk } from '../grammar/walk.js';
import { build } from './clang.js';
import { dropSpecs, eventSpecs, generateC, mapSpecs } from './codegen/c.js';
import { PROBE_CODEGEN, type CodegenProbe } from './codegen/probe-kinds.js';
import { CodegenLimitError } from './codegen/scratch.js';
import { checkProgramSizes } from './codegen/objsize.js';
import { GoBinaryError, binaryDiagnostic, type GoBinary } from './go/binary.js';
import { RODATA_LAYOUT, type AttachSpec, type Manifest } from './manifest.js';
import type { GoType } from './go/dwarf-types.js';
import { goValueInfos, keepErrorReturning } from './passes/govariants.js';
import { expandTargets } from './passes/positional-targets.js';
import { leaveOutMissing } from './passes/missing.js';
import { openCached, resolve, type ResolvedProbe } from './passes/resolve.js';
import { goSpecs, lowerGoRuntime, type GoRuntimeLowered } from './passes/goprobes.js';
import { GO_TABLE_DROP } from './codegen/go-runtime.js';
import { resolveTracepoints, type ResolvedTracepoint } from './passes/tracepoints.js';
import { analyze, type MapInfo, type Options as AnalyzeOptions, type SemanticResult } from './passes/semantic.js';

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
  /** Warnings list every function they concern (-v), not just the first few. */
  verbose?: boolean;
  /** Maps another object writes (the REPL): see the check's Options. */
  knownMaps?: ReadonlyMap<string, MapInfo>;
  /** Refuse scripts whose probes match more functions than this (--max-functions). */
  maxFunctions?: number;
}

export interface CompileResult {
  diagnostics: Diagnostic[];
  program?: ast.Program;
  cSource?: string;
  manifest?: Manifest;
  object?: Uint8Array;
  cached?: boolean;
  /** Why the compile cache was not used (once per process), for -v. */
  cacheNote?: string;
  binary?: GoBinary;
  /** The parse stopped at end of input (the REPL reads another line). */
  incomplete?: boolean;
}

/** What the pipeline starts from: source text, or an AST already parsed from `file` (then
 *  `file` only locates diagnostics). */
export interface PipelineInput {
  file: SourceFile;
  program?: ast.Program;
}

/** Runs the passes in order on a script; see the top of this file. Never throws for a
 *  user's mistake: every problem is a diagnostic. */
export async function runPipeline(input: PipelineInput, opts: CompileOptions = {}): Promise<CompileResult> {
  const diagnostics: Diagnostic[] = [];
  const stop = (ds: Diagnostic[]) => (diagnostics.push(...ds), hasErrors(diagnostics));

  const parsed = input.program ? { program: input.program, diagnostics: [], incomplete: false } : parse(input.file);
  if (stop(parsed.diagnostics) || !parsed.program) return { diagnostics, incomplete: parsed.incomplete };
  const program = parsed.program;
  if (stop(expandTargets(program, opts.positional))) return { diagnostics, program };
  const { config, diagnostics: configDiagnostics } = readConfig(program);
  if (stop(configDiagnostics)) return { diagnostics, program };
  if (stop(leaveOutMissing(program, opts.binary, config.missingProbes, opts.verbose))) return { diagnostics, program };

  // Tracepoints first: the check types args.FIELD from their formats.
  const tps = program.probes.some((p) => p.specs.some((s) => s.kind === 'TracepointSpec'))
    ? resolveTracepoints(program)
    : { byBlock: new Map(), diagnostics: [] };
  if (stop(tps.diagnostics)) return { diagnostics, program };

  const aopts: CompileOptions & AnalyzeOptions = { ...opts, tracepoints: tps.byBlock };
  const checked = analyze(program, aopts);
  if (stop(checked.diagnostics)) return { diagnostics, program };
  if (program.probes.length === 0) return { diagnostics, program };

  const res = resolveProbes(checked, opts.binary, opts.verbose, opts.maxFunctions);
  if (stop(res.diagnostics)) return { diagnostics, program };
  const kernel = kernelThreadBinary(checked, res.binary, opts.binary);
  if (stop(kernel.diagnostics)) return { diagnostics, program };
  const binary = kernel.binary;

  let typed: SemanticResult;
  try {
    typed = goTypes(program, checked, res.probes, binary, aopts, opts.probeIdBase ?? 0);
  } catch (e) {
    // A corrupt binary's DWARF or tables fail when first read (GoBinary turns that into a
    // GoBinaryError), which may be here.
    if (!(e instanceof GoBinaryError) || !binary) throw e;
    stop([binaryDiagnostic(e, binary.path)]);
    return { diagnostics, program };
  }
  if (typed !== checked) {
    // N.B. Go typing re-runs the checker with the Go values known; its result supersedes the
    // first check's, whose diagnostics (warnings only: it stopped on errors) it repeats.
    for (const d of checked.diagnostics) diagnostics.splice(diagnostics.indexOf(d), 1);
    if (stop(typed.diagnostics)) return { diagnostics, program };
  }

  const lowered = lower(program, typed, res.probes, binary, opts.probeIdBase ?? 0, tps.byBlock);
  if (stop(lowered.diagnostics)) return { diagnostics, program };

  const generated = generate(typed, lowered, binary);
  if (stop(generated.diagnostics) || !generated.cSource) return { diagnostics, program };
  const { cSource, manifest } = generated;
  if (program.importedFiles) manifest.scripts = program.importedFiles;
  if (opts.skipBuild) return { diagnostics, program, cSource, manifest, binary };

  const built = await build(cSource, { noCache: opts.noCache });
  stop(built.diagnostics);
  // N.B. after clang: a program longer than a BPF jump is broken silently (codegen/objsize.ts).
  if (built.object && stop(checkProgramSizes(built.object, lowered.probes))) return { diagnostics, program, cSource, manifest, binary };
  return { diagnostics, program, cSource, manifest, object: built.object, cached: built.cached, cacheNote: built.cacheNote, binary };
}

/** Resolution: the function kinds' specs against the binary (see passes/resolve.ts). */
function resolveProbes(
  sem: SemanticResult,
  binary: string | undefined,
  verbose = false,
  maxFunctions?: number,
): { probes: ResolvedProbe[]; binary?: GoBinary; diagnostics: Diagnostic[] } {
  const blocks = sem.blocks.filter((b) => b.context === 'function');
  const res: ReturnType<typeof resolve> = blocks.length
    ? resolve(blocks, binary, undefined, verbose, maxFunctions)
    : { probes: [], diagnostics: [] };
  return { ...res, ...goBinary(sem, binary, res.binary, res.diagnostics) };
}

/** The binary of the go: specs (each names it or takes the target's): the script's one binary. */
function goBinary(
  sem: SemanticResult,
  defaultBinary: string | undefined,
  first: GoBinary | undefined,
  diagnostics: Diagnostic[],
): { binary?: GoBinary; diagnostics: Diagnostic[] } {
  let binary = first;
  for (const { spec } of goSpecs(sem.blocks)) {
    const path = spec.path ?? defaultBinary;
    if (!path) {
      diagnostics.push(diag('GT3001', spec.span, { func: `go:${spec.func}` }));
      continue;
    }
    let bin: GoBinary;
    try {
      bin = openCached(path);
    } catch (e) {
      if (!(e instanceof GoBinaryError)) throw e;
      diagnostics.push(binaryDiagnostic(e, path, spec.span));
      continue;
    }
    if (binary && binary.path !== bin.path) diagnostics.push(diag('GT3003', spec.span, { first: binary.path, second: bin.path }));
    else binary = bin;
  }
  return { binary, diagnostics };
}

/** Go types: args.x, rets.y and retval get their types and places from the binary's DWARF and
 *  Go's ABI, now that each function block knows its functions. The one run of Go-value typing;
 *  the check without a binary leaves them untyped. Returns `sem` itself when there is nothing
 *  to type. */
function goTypes(
  program: ast.Program,
  sem: SemanticResult,
  probes: ResolvedProbe[],
  binary: GoBinary | undefined,
  opts: AnalyzeOptions,
  base: number,
): SemanticResult {
  if (!binary || !usesGoValues(program)) return sem;
  // N.B. before the ids are counted: a wildcard reading rets.error leaves some functions out.
  const kept = keepErrorReturning(binary, probes);
  const infos = goValueInfos(binary, probes, base);
  const typed = analyze(program, {
    ...opts,
    goInfo: (b) => infos.get(b),
    goType: (name) => goTypeNamed(binary, name),
    // N.B. a PIE's addresses move: ntop() then tells netip's families apart without them.
    variable: (name) => (binary.pie ? undefined : binary.elfFile().symbol(name)?.value),
  });
  typed.diagnostics.unshift(...kept);
  return typed;
}

/** Does the script read Go values by name, or cast to a Go type? (Only then are types needed.) */
function usesGoValues(program: ast.Program): boolean {
  return some(
    program,
    (n) =>
      (n.kind === 'Ident' && (n.name === 'args' || n.name === 'rets' || n.name === 'retval')) ||
      // str(argN) reads a Go string by its length when argN holds one's pointer (check/go.ts).
      (n.kind === 'Call' && n.name === 'str' && n.args.length === 1 && n.args[0].kind === 'Ident' && /^arg\d$/.test(n.args[0].name)) ||
      (n.kind === 'Cast' && n.type.startsWith('*')),
  );
}

/** The type of a cast, `*net/http.Request`: the DWARF's (the binary's or a debug file's), else
 *  the type descriptors' (named types the program links: its values' types). */
function goTypeNamed(binary: GoBinary, name: string): GoType | Diagnostic {
  const elemName = name.slice(1);
  const elem = binary.dwarf()?.findType(elemName) ?? binary.descriptorTypes()?.byName(elemName);
  if (!elem) return diag('GT2129', undefined, { type: elemName, path: binary.path });
  return { kind: 'pointer', name: '', size: 8, elem };
}

export interface LowerResult {
  probes: CodegenProbe[];
  attach: AttachSpec[];
  names: Manifest['probes'];
  params: Manifest['params'];
  /** The go: provider's C and programs, when the script uses it (passes/goprobes.ts). */
  goRuntime?: GoRuntimeLowered;
  diagnostics: Diagnostic[];
}

/** Lowering: every spec of every block becomes probes (one per resolved function for function
 *  kinds), each with its programs and attach entries (codegen/probe-kinds.ts); the target's
 *  goroutine layout becomes the runtime's parameters. */
export function lower(
  program: ast.Program,
  sem: SemanticResult,
  resolved: ResolvedProbe[],
  binary: GoBinary | undefined,
  base = 0,
  tracepoints: ReadonlyMap<ast.Probe, ResolvedTracepoint[]> = new Map(),
): LowerResult {
  const out: LowerResult = { probes: [], attach: [], names: [], params: { goid_offset: 0, stack_hi_offset: 8 }, diagnostics: [] };
  // Stacks and symbols of a PIE binary need its load address in the process, and so do Go
  // values: an interface's type word is a run-time address, named through the file's.
  const noteBias =
    !!binary?.pie &&
    some(
      program,
      (n) =>
        (n.kind === 'Ident' && (n.name === 'ustack' || n.name === 'args' || n.name === 'rets' || n.name === 'retval')) ||
        (n.kind === 'Call' && n.name === 'usym') ||
        n.kind === 'Cast',
    );
  const add = (spec: ast.ProbeSpec, block: SemanticResult['blocks'][number], r?: ResolvedProbe, tp?: ResolvedTracepoint) => {
    const text = tp ? `tracepoint:${tp.category}:${tp.name}` : input(spec);
    const l = PROBE_CODEGEN[spec.type].lower(spec, {
      id: base + out.probes.length,
      block,
      text,
      resolved: r,
      tracepoint: tp,
      binary: binary?.path,
      noteBias,
    });
    out.probes.push(l.probe);
    out.attach.push(...l.attach);
    out.names.push(l.name);
  };
  // Function probes first (one per resolved function, in resolution order), then the others.
  for (const r of resolved) add(r.spec, r.block, r);
  // A tracepoint spec is a probe per tracepoint it matched (its wildcard expanded).
  for (const b of sem.blocks)
    for (const s of b.block.specs) {
      const tps = s.kind === 'TracepointSpec' ? (tracepoints.get(b.block) ?? []).filter((tp) => tp.spec === s) : [];
      for (const tp of tps) add(s, b, undefined, tp);
      if (s.kind !== 'TracepointSpec' && probeKind(s.type).form !== 'function') add(s, b);
    }
  // go: probes run from the programs of the runtime functions they hook.
  const gos = goSpecs(sem.blocks);
  const firstGo = out.probes.length;
  for (const g of gos) add(g.spec, g.block);
  if (binary) {
    const goProbes = gos.map((g, i) => ({ probe: out.probes[firstGo + i]!, name: g.spec.func }));
    // The goroutine table's drop slot follows the maps' (dropSpecs).
    out.goRuntime = lowerGoRuntime(
      program,
      goProbes,
      gos.map((g) => g.spec),
      binary,
      sem.maps.size,
    );
    if (out.goRuntime) {
      out.attach.push(...out.goRuntime.attach);
      out.diagnostics.push(...out.goRuntime.diagnostics);
    }
  }

  if (binary) {
    try {
      const layout = binary.gLayout();
      out.params = { goid_offset: layout.goidOffset, stack_hi_offset: layout.stackHiOffset };
      if (layout.warning) out.diagnostics.push(diag('GT3014', undefined, { path: binary.path, reason: layout.warning }));
    } catch (e) {
      out.diagnostics.push(diag('GT3010', undefined, { path: binary.path, reason: (e as Error).message }));
    }
  }
  return out;
}

/** Builtins that read the current thread's goroutine or user stack in a kernel block. */
const THREAD_READS = new Set(['goid', 'pgoid', 'gostart', 'ustack', 'func']);

/** Kernel blocks (tracepoint, profile) that read the thread's goroutine or stack need the target:
 *  its binary gives the goroutine layout and the symbols, its pid keeps other processes out. The
 *  binary of the function probes if any, else the target's, opened here. */
function kernelThreadBinary(
  sem: SemanticResult,
  resolved: GoBinary | undefined,
  target: string | undefined,
): { binary?: GoBinary; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let reads = false;
  for (const b of sem.blocks) {
    if (b.context !== 'kernel') continue;
    let found: ast.Node | undefined;
    walk(b.block, (n) => void (found ??= n.kind === 'Ident' && THREAD_READS.has(n.name) ? n : undefined));
    if (!found || found.kind !== 'Ident') continue;
    reads = true;
    if (!target) diagnostics.push(diag('GT2224', found.span, { name: found.name, kind: b.kind }));
  }
  if (diagnostics.length || resolved || !target || !reads) return { binary: resolved, diagnostics };
  try {
    return { binary: openCached(target), diagnostics };
  } catch (e) {
    if (!(e instanceof GoBinaryError)) throw e;
    return { diagnostics: [binaryDiagnostic(e, target)] };
  }
}

/** The spec as written: `uprobe:/bin/app:main.f`, `BEGIN`, `interval:s:1`. */
function input(s: ast.ProbeSpec): string {
  switch (s.kind) {
    case 'UprobeSpec':
      return `${s.type}:${s.path ? s.path + ':' : ''}${s.func}`;
    case 'SpecialSpec':
      return s.type;
    case 'IntervalSpec':
      return `${s.type}:${s.unit}:${s.value}`;
    case 'TracepointSpec':
      return `${s.type}:${s.category}:${s.name}`;
  }
}

/** Code generation: the BPF C and the manifest the runtime loads it with; a program past a
 *  code generator's limit (scratch space, say) is a located error. */
function generate(
  sem: SemanticResult,
  l: LowerResult,
  binary: GoBinary | undefined,
): { cSource?: string; manifest: Manifest; diagnostics: Diagnostic[] } {
  const maps = mapSpecs(sem.maps);
  const events = eventSpecs(sem);
  const drops = dropSpecs(maps);
  if (l.goRuntime) drops.push({ kind: 'map_full', map: GO_TABLE_DROP });
  const manifest: Manifest = {
    version: 1,
    target: { binary: binary?.path ?? '', goVersion: binary?.goVersion, buildId: binary?.buildId },
    attach: l.attach,
    maps,
    events,
    drops,
    probes: l.names,
    rodata: RODATA_LAYOUT,
    params: l.params,
  };
  try {
    return { cSource: generateC(sem, l.probes, maps, events, drops, l.goRuntime), manifest, diagnostics: [] };
  } catch (e) {
    if (!(e instanceof CodegenLimitError)) throw e;
    return { manifest, diagnostics: [e.diagnostic] };
  }
}
