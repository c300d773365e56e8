// `import "file.gt"`: another script's probes and macros, as if written before this script's.
// The path is relative to the importing script's folder (to the working directory for -e and
// the REPL). Each file is imported once however many scripts import it; a file that imports
// itself, at any depth, is an error, and so is one that cannot be read. Diagnostics about an
// imported file name that file and its lines: it is parsed as a SourceFile of its own.
import fs from 'node:fs';
import path from 'node:path';
import type * as ast from './ast.js';
import { diag } from './catalog/index.js';
import type { Diagnostic } from './diagnostics.js';
import { SourceFile } from './source.js';

/** What the parse of one file of an import graph knows of the others. */
export interface ImportState {
  /** Absolute paths of the files importing this one, outermost first. */
  chain: string[];
  /** Files imported already (once is enough). */
  seen: Set<string>;
}

type ParseFile = (f: SourceFile, state: ImportState) => { program?: ast.Program; diagnostics: Diagnostic[] };

/** The folder imports of `file` are relative to: its own, or the working directory for `stdin`. */
function baseDir(file: SourceFile): string {
  return file.name === 'stdin' || !file.name ? process.cwd() : path.dirname(path.resolve(file.name));
}

/** Reads and parses every file `program` imports, putting their probes before its own and
 *  their macros with its own. */
export function resolveImports(program: ast.Program, file: SourceFile, state: ImportState, parseFile: ParseFile): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const probes: ast.Probe[] = [];
  const macros: ast.MacroDef[] = [];
  const config: ast.ConfigSetting[] = [];
  const files: string[] = [];
  const self = file.name === 'stdin' ? undefined : path.resolve(file.name);
  const chain = self ? [...state.chain, self] : state.chain;
  for (const imp of program.imports ?? []) {
    const abs = path.resolve(baseDir(file), imp.path);
    const shown = display(abs);
    if (chain.includes(abs)) {
      const names = [...chain.slice(chain.indexOf(abs)), abs].map(display);
      diagnostics.push(diag('GT1221', imp.span, { path: imp.path, chain: names.join(' → ') }));
      continue;
    }
    if (state.seen.has(abs)) continue;
    state.seen.add(abs);
    const text = readScript(abs);
    if (typeof text !== 'string') {
      diagnostics.push(diag('GT1220', imp.span, { path: imp.path, reason: text.reason }));
      continue;
    }
    files.push(abs);
    const r = parseFile(new SourceFile(shown, text), { chain, seen: state.seen });
    diagnostics.push(...r.diagnostics);
    if (!r.program) continue;
    files.push(...(r.program.importedFiles ?? []));
    probes.push(...r.program.probes);
    macros.push(...(r.program.macros ?? []));
    config.push(...(r.program.config ?? []));
  }
  // N.B. an imported file's settings come first: the importing script's own override them.
  if (config.length) program.config = [...config, ...(program.config ?? [])];
  program.probes = [...probes, ...program.probes];
  if (macros.length) program.macros = [...macros, ...(program.macros ?? [])];
  if (files.length) program.importedFiles = files;
  return diagnostics;
}

/** A path as diagnostics show it: relative to the working directory when under it. */
function display(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}

/** A script's text, or why it cannot be read (never waits on a FIFO or device). */
function readScript(p: string): string | { reason: string } {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return { reason: 'not a regular file' };
    return fs.readFileSync(p, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? String(e)) };
  }
}
