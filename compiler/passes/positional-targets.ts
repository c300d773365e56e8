// Positional parameters in probe targets, as bpftrace has them: `uprobe:$1`, `uprobe:main.$1`,
// `uprobe:$1:main.f`. A saved tool takes its function or wildcard as an argument
// (`gotrace scripts/funclatency.gt -p PID -- 'main.*'`). Each `$N` of a target's path or
// function is replaced by the N-th argument's text before resolution, so everything later
// (resolution, probe names, `func`) sees the expanded target.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';

const POSITIONAL = /\$(\d+)/g;

/** Expands `$N` in every uprobe spec of `program` in place; a missing argument is GT2090 at
 *  the spec. N.B. in place: a spec without `$` is left as is, so a second run changes nothing. */
export function expandTargets(program: ast.Program, args: string[] = []): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const sub = (text: string, spec: ast.ProbeSpec) =>
    text.replace(POSITIONAL, (whole, n: string) => {
      const v = args[Number(n) - 1];
      if (v !== undefined) return v;
      const got = `${args.length} argument${args.length === 1 ? '' : 's'}`;
      diagnostics.push(diag('GT2090', spec.span, { index: Number(n), args: got }));
      return whole;
    });
  for (const probe of program.probes) {
    for (const spec of probe.specs) {
      if (spec.kind !== 'UprobeSpec') continue;
      if (spec.func.includes('$')) spec.func = sub(spec.func, spec);
      if (spec.path?.includes('$')) spec.path = sub(spec.path, spec);
    }
  }
  return diagnostics;
}
