// The options of a call graph (gotrace --graph ROOT ..., the REPL's .graph): what to trace and
// which trees to show. Parsed here (the CLI's flags table takes them: nothing heavy imported),
// turned into a gotrace script by script.ts.

export interface ShowSpec {
  /** A function name or pattern (glob.ts), as for uprobe:. */
  func: string;
  /** The language's expressions (args.x, rets.0, len(args.s)...), as written. */
  exprs: string[];
  /** The --show text as written, for diagnostics. */
  text: string;
}

export interface GraphOptions {
  /** The root function (a name or pattern): one tree per call of it. */
  root: string;
  /** Patterns of the functions shown in the trees (the root's own always are). */
  under: string[];
  /** Only trees whose root call took at least this long (ns). */
  minNs: bigint;
  /** Stop after this many trees (0: no limit). */
  maxTrees: number;
  /** Trace one root call in `sample` (1: all). */
  sample: number;
  /** Calls deeper than this below a goroutine's first traced call are counted, not shown. */
  depth: number;
  show: ShowSpec[];
}

export const DEFAULT_DEPTH = 64;

export function defaultGraphOptions(root: string): GraphOptions {
  return { root, under: [], minNs: 0n, maxTrees: 0, sample: 1, depth: DEFAULT_DEPTH, show: [] };
}

/** Why a --show text is not `FUNC: expr[, expr...]`, or its parts. */
export function parseShow(text: string): ShowSpec | string {
  // N.B. Go names never hold ':' (the same split as uprobe:PATH:FUNC, but at the first one).
  const at = text.indexOf(':');
  if (at < 0) return `'${text}' is not 'FUNC: expression[, expression...]'`;
  const func = text.slice(0, at).trim();
  const exprs = splitTopLevel(text.slice(at + 1));
  if (!func || exprs.length === 0 || exprs.some((e) => !e)) return `'${text}' is not 'FUNC: expression[, expression...]'`;
  return { func, exprs, text };
}

/** Splits at commas outside brackets and strings: `args.m["a,b"], len(args.s)`. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') cur += s[i++] ?? '';
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur.trim());
  return out;
}

const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s)$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

/** --min's value: a duration with its unit (10ms, 1.5s, 250us), or undefined. */
export function parseDuration(v: string): bigint | undefined {
  const m = DURATION.exec(v);
  return m ? BigInt(Math.round(Number(m[1]) * UNIT_NS[m[2]])) : undefined;
}

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
