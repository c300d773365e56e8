// Probe resolution: every uprobe spec against the Go binary it names (or the target's), giving
// the functions it matches and, for each, the file offsets of its entry site and RET sites.
// N.B. the entry site is after the stack-growth check (see compiler/go/sites.ts): a call that
// grows its stack runs its prologue twice, and a probe on the first instruction would fire twice.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { GoBinary, GoBinaryError, binaryDiagnostic, type GoFunc } from '../go/binary.js';
import type { ProbeSite } from '../manifest.js';
import type { BlockInfo } from './semantic.js';
import { suggest } from './suggest.js';
import { isGlob } from '../go/glob.js';
import { inlinedSites, inlinedSummary, inlinedWarning, listed, type Inlined } from './inlined.js';

export interface ResolvedProbe {
  block: BlockInfo;
  spec: ast.ProbeSpec & { kind: 'UprobeSpec' };
  func: GoFunc;
  entry: ProbeSite;
  returns: ProbeSite[];
  /** Places where the function was inlined, run as entries (see inlined.ts). */
  inlined: ProbeSite[];
}

export interface ResolveResult {
  probes: ResolvedProbe[];
  binary?: GoBinary;
  diagnostics: Diagnostic[];
}

/** The resolve pass: each function-kind spec of `blocks` against its binary (the spec's path or
 *  `defaultBinary`), giving one ResolvedProbe per matching function with its entry and return
 *  sites. All probes of a script must trace one binary. */
export function resolve(
  blocks: BlockInfo[],
  defaultBinary: string | undefined,
  open = openCached,
  verbose = false,
  maxFunctions = Infinity,
): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const probes: ResolvedProbe[] = [];
  let binary: GoBinary | undefined;
  for (const b of blocks) {
    for (const spec of b.block.specs) {
      if (spec.kind !== 'UprobeSpec') continue;
      const path = spec.path ?? defaultBinary;
      if (!path) {
        diagnostics.push(diag('GT3001', spec.span, { func: spec.func }));
        continue;
      }
      let bin: GoBinary;
      try {
        bin = open(path);
      } catch (e) {
        if (e instanceof GoBinaryError) {
          diagnostics.push(binaryDiagnostic(e, path, spec.span));
          continue;
        }
        throw e;
      }
      if (binary && binary.path !== bin.path) {
        diagnostics.push(diag('GT3003', spec.span, { first: binary.path, second: bin.path }));
        continue;
      }
      binary = bin;
      // N.B. a corrupt binary can fail late, when a function's code or tables are read.
      try {
        resolveSpec(bin, path, b, spec, verbose, diagnostics, probes);
      } catch (e) {
        if (!(e instanceof GoBinaryError)) throw e;
        diagnostics.push(binaryDiagnostic(e, bin.path, spec.span));
      }
    }
  }
  // No cap by default: all sites of a block go into one uprobe_multi link, so thousands of
  // functions attach in milliseconds. --max-functions sets one.
  if (probes.length > maxFunctions) diagnostics.push(diag('GT3007', undefined, { count: probes.length, max: maxFunctions }));
  return { probes, binary, diagnostics };
}

/** One spec against its binary: a ResolvedProbe per function it matches, in `probes`. */
function resolveSpec(
  bin: GoBinary,
  path: string,
  b: BlockInfo,
  spec: ast.ProbeSpec & { kind: 'UprobeSpec' },
  verbose: boolean,
  diagnostics: Diagnostic[],
  probes: ResolvedProbe[],
): void {
  const funcs = bin.findFunctions(spec.func);
  if (funcs.length === 0) {
    const near = isGlob(spec.func)
      ? undefined
      : suggest(
          spec.func,
          bin.functions().map((f) => f.name),
        );
    const glob = spec.func.replace(/[^.]*$/, '*');
    diagnostics.push(
      diag('GT3004', spec.span, { path, pattern: spec.func, type: spec.type, glob }, near ? [`did you mean '${near}'?`] : []),
    );
    return;
  }
  const noRet: string[] = [];
  const inlined: Inlined[] = [];
  for (const func of funcs) {
    const sites = bin.probeSites(func);
    if (b.atReturn && sites.returnSites.length === 0) {
      if (funcs.length > 1) noRet.push(func.name);
      else diagnostics.push(diag('GT3005', spec.span, { func: func.name }));
      continue;
    }
    if (b.atReturn && sites.tailJumps.length > 0) diagnostics.push(diag('GT3006', spec.span, { func: func.name }));
    const inl = inlinedSites(bin, func, b);
    if (inl) inlined.push(inl);
    probes.push({
      block: b,
      spec,
      func,
      entry: { vaddr: sites.entrySite, offset: bin.fileOffset(sites.entrySite) },
      returns: sites.returnSites.map((r) => ({ vaddr: r, offset: bin.fileOffset(r) })),
      inlined: inl?.sites ?? [],
    });
  }
  if (noRet.length) diagnostics.push(noReturnWarning(spec, funcs.length, noRet, verbose));
  if (funcs.length === 1) diagnostics.push(...inlined.map((i) => inlinedWarning(spec, i)));
  else diagnostics.push(...inlinedSummary({ ...spec, pattern: spec.func }, funcs.length, inlined, verbose));
}

/** Names shown in the GT3015 summary before "and N more" (all of them with -v). */
const NO_RET_SHOWN = 3;

/**
 * One GT3015 warning for all the functions a wildcard matched that have no RET: a wide pattern
 * (`main.*` on a server) matches dozens, and a line each buried the output.
 */
function noReturnWarning(spec: ast.ProbeSpec & { kind: 'UprobeSpec' }, matched: number, names: string[], verbose: boolean): Diagnostic {
  const shown = verbose ? names.length : NO_RET_SHOWN;
  return diag(
    'GT3015',
    spec.span,
    { count: names.length, matched, pattern: spec.func, names: listed(names, shown) },
    names.length > shown ? ['run with -v to list them all'] : [],
  );
}

const opened = new Map<string, GoBinary>();
let debugFile: string | undefined;

/** --debug-file: the DWARF for the binaries this process opens that have none. */
export function useDebugFile(file: string | undefined): void {
  debugFile = file;
}

/** One GoBinary per path per process: the REPL resolves many probes against one target. */
export function openCached(path: string): GoBinary {
  let b = opened.get(path);
  if (!b) {
    b = GoBinary.open(path, { debugFile });
    opened.set(path, b);
  }
  return b;
}
