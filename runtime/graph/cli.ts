// gotrace --graph: the options (a table merged into the CLI's), and the step that turns them
// into a script for the target's binary before the ordinary trace runs it.
import { GoBinaryError, binaryDiagnostic } from '../../compiler/go/binary.js';
import { openCached } from '../../compiler/passes/resolve.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { defaultGraphOptions, parseDuration, parseShow, type GraphOptions } from './options.js';
import { graphScript, type GraphScript } from './script.js';

export const GRAPH_USAGE = `    --graph FUNC   call graphs: for each call of FUNC (a name or pattern), the tree of
                   traced calls below it on its goroutine and the goroutines it
                   created, with durations (needs -p or -c; docs/graphs.md)
    --under PATTERNS  functions shown in the trees, comma-separated (main.*,net/http.*)
    --min DURATION only trees whose root took at least this long (10ms, 500us)
    --max-trees N  stop after N trees;  --sample N  trace one root call in N
    --show 'FUNC: EXPR[, EXPR]'  values shown with FUNC's calls (args.id, rets.0)
    --depth N      calls deeper than N below a goroutine's first are counted (64)
`;

type GraphFlag = { value: true; set(o: { graph?: GraphOptions }, v: string): void };

const g = (o: { graph?: GraphOptions }) => (o.graph ??= defaultGraphOptions(''));

/** A whole number from 1 to 2^31-1, or a usage error through `bad`. */
function count(flag: string, v: string, bad: (m: string) => Error): number {
  if (!/^[1-9][0-9]{0,9}$/.test(v) || Number(v) > 2 ** 31 - 1) throw bad(`${flag} wants a whole number from 1, not '${v}'`);
  return Number(v);
}

/** The graph's options, for the CLI's table of flags. */
export function graphFlags(bad: (m: string) => Error): Record<string, GraphFlag> {
  return {
    '--graph': { value: true, set: (o, v) => (g(o).root = v) },
    '--under': {
      value: true,
      set: (o, v) =>
        g(o).under.push(
          ...v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
    },
    '--min': {
      value: true,
      set: (o, v) => {
        const ns = parseDuration(v);
        if (ns === undefined) throw bad(`--min wants a duration with its unit (10ms, 500us, 1s), not '${v}'`);
        g(o).minNs = ns;
      },
    },
    '--max-trees': { value: true, set: (o, v) => (g(o).maxTrees = count('--max-trees', v, bad)) },
    '--sample': { value: true, set: (o, v) => (g(o).sample = count('--sample', v, bad)) },
    '--depth': { value: true, set: (o, v) => (g(o).depth = Math.min(count('--depth', v, bad), 1000)) },
    '--show': {
      value: true,
      set: (o, v) => {
        const s = parseShow(v);
        if (typeof s === 'string') throw bad(`--show: ${s}`);
        g(o).show.push(s);
      },
    },
  };
}

/** `.graph FUNC [--under P] [--min D] ...` (the REPL's words): the options, or `bad`'s error. */
export function parseGraphArgs(words: string[], bad: (m: string) => Error): GraphOptions {
  const holder: { graph?: GraphOptions } = {};
  const flags = graphFlags(bad);
  for (let i = 0; i < words.length; i++) {
    const f = flags[words[i]];
    if (f) {
      if (words[i + 1] === undefined) throw bad(`option ${words[i]} needs a value`);
      f.set(holder, words[++i]);
    } else if (words[i].startsWith('-')) throw bad(`unknown option '${words[i]}'`);
    else if (!holder.graph?.root) g(holder).root = words[i];
    else throw bad(`one root function, not also '${words[i]}'`);
  }
  if (!holder.graph?.root) throw bad('the root function is missing');
  return holder.graph;
}

/** Why the graph's options cannot be used together with the rest, or undefined. */
export function graphUsageProblem(o: {
  graph?: GraphOptions;
  program?: string;
  file?: string;
  pid?: number;
  command?: string;
}): string | undefined {
  if (!o.graph) return undefined;
  if (!o.graph.root) return '--under, --min, --max-trees, --sample, --show and --depth go with --graph FUNC';
  if (o.program !== undefined || o.file !== undefined) return '--graph writes its own program: give no -e or script file';
  if (o.pid === undefined && o.command === undefined) return '--graph needs a process to trace: -p PID or -c CMD';
  return undefined;
}

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
