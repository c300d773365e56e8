// The compiler's entry points: compile() runs the whole pipeline (pipeline.ts) on a script;
// checkSource() runs the checks that need no binary.
import { readConfig } from '../grammar/config.js';
import type * as ast from '../grammar/ast.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { parse } from '../grammar/index.js';
import type { SourceFile } from '../grammar/source.js';
import { runPipeline, type CompileOptions, type CompileResult } from './pipeline.js';
import { analyze, type Options as AnalyzeOptions, type SemanticResult } from './passes/semantic.js';

export type { CompileOptions, CompileResult } from './pipeline.js';

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
  diagnostics.push(...readConfig(parsed.program).diagnostics, ...sem.diagnostics);
  return { program: parsed.program, sem, diagnostics };
}

/** Compiles a script from source to a BPF object and its manifest (or to C only, with
 *  skipBuild). Stops after the first pass with an error; see pipeline.ts. `program`, when
 *  given, is the script already parsed from `file` (the REPL adds nodes to it). */
export function compile(file: SourceFile, opts: CompileOptions = {}, program?: ast.Program): Promise<CompileResult> {
  return runPipeline({ file, program }, opts);
}
