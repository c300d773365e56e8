// The compiler pipeline: source → AST → checked blocks → resolved probes → BPF C + manifest →
// object. Stops after the first stage that reports an error; warnings travel along.
import type * as ast from '../grammar/ast.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { parse } from '../grammar/index.js';
import type { SourceFile } from '../grammar/source.js';
import { build } from './clang.js';
import { eventSpecs, generateC, mapSpecs, type CodegenProbe } from './codegen/c.js';
import type { GoBinary } from './go/binary.js';
import { RODATA_LAYOUT, type AttachSpec, type Manifest } from './manifest.js';
import { resolve } from './passes/resolve.js';
import { analyze, type SemanticResult } from './passes/semantic.js';

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
  opts: { unsafe?: boolean; strlen?: number; positional?: string[] } = {},
): { program?: ast.Program; sem?: SemanticResult; diagnostics: Diagnostic[]; incomplete?: boolean } {
  const parsed = parse(file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (!parsed.program || hasErrors(diagnostics)) return { diagnostics, incomplete: parsed.incomplete };
  const sem = analyze(parsed.program, { unsafe: opts.unsafe, strlen: opts.strlen, positional: opts.positional });
  diagnostics.push(...sem.diagnostics);
  return { program: parsed.program, sem, diagnostics };
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
  const sem = checked.sem;

  const uprobeBlocks = sem.blocks.filter((b) => b.where === 'uprobe');
  const res = uprobeBlocks.length ? resolve(uprobeBlocks, opts.binary) : { probes: [], diagnostics: [], binary: undefined };
  diagnostics.push(...res.diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics, program };
  const binary = res.binary;

  const maps = mapSpecs(sem.maps);
  const events = eventSpecs(sem);
  const probes: CodegenProbe[] = [];
  const attach: AttachSpec[] = [];
  const names: Manifest['probes'] = [];
  res.probes.forEach((p) => {
    const id = probes.length;
    const entryProgram = `p${id}_entry`;
    const returnProgram = p.block.atReturn ? `p${id}_return` : undefined;
    probes.push({ id, block: p.block, kind: 'uprobe', entryProgram, returnProgram });
    const spec = specText(p.spec);
    names.push({ id, func: p.func.name, spec });
    attach.push({ block: p.block.index, spec, func: p.func.name, program: entryProgram, role: 'entry', binary: binary!.path, sites: [p.entry] });
    if (returnProgram)
      attach.push({ block: p.block.index, spec, func: p.func.name, program: returnProgram, role: 'return', binary: binary!.path, sites: p.returns });
  });
  for (const b of sem.blocks) {
    if (b.where === 'uprobe') continue;
    for (const s of b.block.specs) {
      const id = probes.length;
      const program = `p${id}_${s.kind === 'SpecialSpec' ? s.type.toLowerCase() : s.type}`;
      const spec = specText(s);
      names.push({ id, func: spec, spec });
      if (s.kind === 'SpecialSpec') {
        probes.push({ id, block: b, kind: s.type === 'BEGIN' ? 'begin' : 'end', entryProgram: program });
        attach.push({ block: b.index, spec, program, role: s.type === 'BEGIN' ? 'begin' : 'end' });
      } else if (s.kind === 'IntervalSpec') {
        probes.push({ id, block: b, kind: 'timer', entryProgram: program });
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
      diagnostics.push({ code: 'GT3010', severity: 'error', message: `${binary.path}: ${(e as Error).message}`, hints: [] });
      return { diagnostics, program };
    }
  }
  const cSource = generateC(sem, probes, maps, events);
  const manifest: Manifest = {
    version: 1,
    target: { binary: binary?.path ?? '', goVersion: binary?.goVersion, buildId: binary?.buildId },
    attach,
    maps,
    events,
    probes: names,
    rodata: RODATA_LAYOUT,
    params,
  };
  if (opts.skipBuild) return { diagnostics, program, cSource, manifest, binary };
  const built = await build(cSource, { noCache: opts.noCache });
  diagnostics.push(...built.diagnostics);
  return { diagnostics, program, cSource, manifest, object: built.object, cached: built.cached, binary };
}
