// The options of a call graph (gotrace --graph ROOT ..., the REPL's .graph): what to trace and
// which trees to show. Parsed here, turned into a gotrace script by script.ts.

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
