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
import { inlinedSites } from './inlined.js';

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

/** More attach points than this is almost surely a too-wide wildcard. */
export const MAX_FUNCTIONS = 512;

/** The resolve pass: each function-kind spec of `blocks` against its binary (the spec's path or
 *  `defaultBinary`), giving one ResolvedProbe per matching function with its entry and return
 *  sites. All probes of a script must trace one binary. */
export function resolve(blocks: BlockInfo[], defaultBinary: string | undefined, open = openCached): ResolveResult {
  const diagnostics: Diagnostic[] = [];
  const probes: ResolvedProbe[] = [];
  let binary: GoBinary | undefined;
  for (const b of blocks) {
    for (const spec of b.block.specs) {
      if (spec.kind !== 'UprobeSpec') continue;
      const path = spec.path ?? defaultBinary;
      if (!path) {
        diagnostics.push(
          diag('GT3001', spec.span, { func: spec.func }),
        );
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
        diagnostics.push(
          diag('GT3003', spec.span, { first: binary.path, second: bin.path }),
        );
        continue;
      }
      binary = bin;
      const funcs = bin.findFunctions(spec.func);
      if (funcs.length === 0) {
        const near = spec.func.includes('*') ? undefined : suggest(spec.func, bin.functions().map((f) => f.name));
        diagnostics.push(
          diag(
            'GT3004',
            spec.span,
            { path, pattern: spec.func, type: spec.type, glob: spec.func.replace(/[^.]*$/, '*') },
            near ? [`did you mean '${near}'?`] : [],
          ),
        );
        continue;
      }
      for (const func of funcs) {
        const sites = bin.probeSites(func);
        if (b.atReturn && sites.returnSites.length === 0) {
          diagnostics.push(
            diag(funcs.length === 1 ? 'GT3005' : 'GT3008', spec.span, { func: func.name }),
          );
          continue;
        }
        if (b.atReturn && sites.tailJumps.length > 0)
          diagnostics.push(
            diag('GT3006', spec.span, { func: func.name }),
          );
        const inl = inlinedSites(bin, func, b, spec);
        diagnostics.push(...inl.diagnostics);
        probes.push({
          block: b,
          spec,
          func,
          entry: { vaddr: sites.entrySite, offset: bin.fileOffset(sites.entrySite) },
          returns: sites.returnSites.map((r) => ({ vaddr: r, offset: bin.fileOffset(r) })),
          inlined: inl.sites,
        });
      }
    }
  }
  if (probes.length > MAX_FUNCTIONS)
    diagnostics.push(
      diag('GT3007', undefined, { count: probes.length, max: MAX_FUNCTIONS }),
    );
  return { probes, binary, diagnostics };
}

const opened = new Map<string, GoBinary>();

/** One GoBinary per path per process: the REPL resolves many probes against one target. */
export function openCached(path: string): GoBinary {
  let b = opened.get(path);
  if (!b) {
    b = GoBinary.open(path);
    opened.set(path, b);
  }
  return b;
}
