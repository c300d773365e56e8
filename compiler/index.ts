// The compiler pipeline: source → AST → checked blocks → resolved probes → BPF C + manifest →
// object. Stops after the first stage that reports an error; warnings travel along.
import type * as ast from '../grammar/ast.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { parse } from '../grammar/index.js';
import type { SourceFile } from '../grammar/source.js';
import { build } from './clang.js';
import { generateC, mapSpecs, type CodegenProbe } from './codegen/c.js';
import type { GoBinary } from './go/binary.js';
import { RODATA_LAYOUT, type AttachSpec, type Manifest } from './manifest.js';
import { resolve } from './passes/resolve.js';
import { analyze } from './passes/semantic.js';

export interface CompileOptions {
  /** The binary of the target process (-p/-c), for specs that do not name one. */
  binary?: string;
  /** Stop after generating C (no clang): --dry-run without a compiler, tests. */
  skipBuild?: boolean;
  noCache?: boolean;
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
export function checkSource(file: SourceFile): { program?: ast.Program; sem?: ReturnType<typeof analyze>; diagnostics: Diagnostic[]; incomplete?: boolean } {
  const parsed = parse(file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (!parsed.program || hasErrors(diagnostics)) return { diagnostics, incomplete: parsed.incomplete };
  const sem = analyze(parsed.program);
  diagnostics.push(...sem.diagnostics);
  return { program: parsed.program, sem, diagnostics };
}

export async function compile(file: SourceFile, opts: CompileOptions = {}): Promise<CompileResult> {
  const checked = checkSource(file);
  const diagnostics = checked.diagnostics;
  const program = checked.program;
  if (!program || !checked.sem || hasErrors(diagnostics)) return { diagnostics, program, incomplete: checked.incomplete };
  if (program.probes.length === 0) return { diagnostics, program };
  const sem = checked.sem;

  const res = resolve(sem.blocks, opts.binary);
  diagnostics.push(...res.diagnostics);
  if (hasErrors(diagnostics) || !res.binary) return { diagnostics, program };
  const binary = res.binary;

  const maps = mapSpecs(sem.maps);
  const probes: CodegenProbe[] = [];
  const attach: AttachSpec[] = [];
  res.probes.forEach((p, id) => {
    const entryProgram = `p${id}_entry`;
    const returnProgram = p.block.atReturn ? `p${id}_return` : undefined;
    probes.push({ id, block: p.block, entryProgram, returnProgram });
    const spec = `${p.spec.type}:${p.spec.path ? p.spec.path + ':' : ''}${p.spec.func}`;
    attach.push({ block: p.block.index, spec, func: p.func.name, program: entryProgram, role: 'entry', binary: binary.path, sites: [p.entry] });
    if (returnProgram)
      attach.push({ block: p.block.index, spec, func: p.func.name, program: returnProgram, role: 'return', binary: binary.path, sites: p.returns });
  });

  let layout;
  try {
    layout = binary.gLayout();
  } catch (e) {
    diagnostics.push({ code: 'GT3010', severity: 'error', message: `${binary.path}: ${(e as Error).message}`, hints: [] });
    return { diagnostics, program };
  }
  const cSource = generateC(sem.blocks, probes, maps);
  const manifest: Manifest = {
    version: 1,
    target: { binary: binary.path, goVersion: binary.goVersion, buildId: binary.buildId },
    attach,
    maps,
    rodata: RODATA_LAYOUT,
    params: { goid_offset: layout.goidOffset, stack_hi_offset: layout.stackHiOffset },
  };
  if (opts.skipBuild) return { diagnostics, program, cSource, manifest, binary };
  const built = await build(cSource, { noCache: opts.noCache });
  diagnostics.push(...built.diagnostics);
  return { diagnostics, program, cSource, manifest, object: built.object, cached: built.cached, binary };
}
