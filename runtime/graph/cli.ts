// gotrace --graph: the step that turns the options into a script for the target's binary before
// the ordinary trace runs it (loaded only for --graph and .graph: it needs the binary readers).
import { GoBinaryError, binaryDiagnostic } from '../../compiler/go/binary.js';
import { openCached } from '../../compiler/passes/resolve.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { GraphOptions } from './options.js';
import { graphScript, type GraphScript } from './script.js';
import { graphDiagnostics, GraphSession } from './session.js';
import type { Sink } from '../printers/index.js';
import { TargetError, type TargetPlan } from '../target.js';

/** The graph's script for the binary at `path`, or the diagnostics that stop it. */
export function prepareGraph(o: GraphOptions, path: string): { script?: GraphScript; diagnostics: Diagnostic[] } {
  let script: GraphScript;
  try {
    script = graphScript(openCached(path), o);
  } catch (e) {
    if (!(e instanceof GoBinaryError)) throw e;
    return { diagnostics: [binaryDiagnostic(e, path)] };
  }
  const diagnostics = script.unmatched.map((u) =>
    diag('GT3150', undefined, {
      path,
      what: u.what === 'root' ? '--graph' : `--${u.what}`,
      pattern: u.pattern,
      glob: u.pattern.replace(/[^.]*$/, '*'),
    }),
  );
  if (diagnostics.length) return { diagnostics };
  return { script, diagnostics };
}

/** What the CLI's trace needs of a graph: the script (its program), the filter of its
 *  diagnostics, and the session taking its events. */
export interface GraphRun {
  script: GraphScript;
  filter(ds: Diagnostic[]): Diagnostic[];
  session(out: Sink, json: boolean): GraphSession;
}

/** The CLI's --graph: the script for the target's binary, set as the program (`opts.program`);
 *  undefined after an error (reported). */
export function graphRun(
  opts: { graph?: GraphOptions; program?: string },
  plan: TargetPlan | TargetError,
  report: (ds: Diagnostic[]) => void,
): GraphRun | undefined {
  if (plan instanceof TargetError) return void report([plan.diagnostic]);
  const o = opts.graph!;
  const r = prepareGraph(o, plan.binary!);
  report(r.diagnostics);
  const script = r.script;
  if (!script) return undefined;
  opts.program = script.text;
  return { script, filter: (ds) => graphDiagnostics(ds, script), session: (out, json) => new GraphSession(o, script, out, json) };
}
