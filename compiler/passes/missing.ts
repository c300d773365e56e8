// `config = { missing_probes = "warn" | "ignore" }` (grammar/config.ts): function specs that
// match nothing in the binary are taken out of the program before it is checked, and a block
// left with no spec goes with them, as if not written: its Go values need a function to be
// typed, and its maps exist only if another block writes them. A program left with no probe
// at all is an error, whatever the setting.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { MissingProbes } from '../../grammar/config.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { GoBinaryError } from '../go/binary.js';
import { openCached } from './resolve.js';

/** Does `spec` match no function of its binary? (A binary that cannot be read is left for the
 *  resolve pass to report.) */
function matchesNothing(spec: ast.ProbeSpec, defaultBinary: string | undefined): boolean {
  if (spec.kind !== 'UprobeSpec') return false;
  const path = spec.path ?? defaultBinary;
  if (!path) return false;
  try {
    return openCached(path).findFunctions(spec.func).length === 0;
  } catch (e) {
    if (e instanceof GoBinaryError) return false;
    throw e;
  }
}

export function leaveOutMissing(program: ast.Program, binary: string | undefined, missing: MissingProbes, verbose = false): Diagnostic[] {
  if (missing === 'error') return [];
  const diagnostics: Diagnostic[] = [];
  const had = program.probes.length;
  program.probes = program.probes.filter((probe) => {
    probe.specs = probe.specs.filter((spec) => {
      if (!matchesNothing(spec, binary)) return true;
      const s = spec as Extract<ast.ProbeSpec, { kind: 'UprobeSpec' }>;
      // N.B. "ignore" is the script's own choice; -v still says what was left out.
      if (missing === 'warn' || verbose) diagnostics.push(diag('GT3190', spec.span, { pattern: s.func }));
      return false;
    });
    return probe.specs.length > 0;
  });
  if (had > 0 && program.probes.length === 0) diagnostics.push(diag('GT3191', program.span));
  return diagnostics;
}
