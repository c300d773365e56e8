// A call graph as a gotrace script: the graph is built from the language's own probes, so it
// gets everything they have (uprobe_multi links, RET-site returns paired by goroutine, PIE,
// stripped binaries, -p/-c, the ring buffer and its loss accounting) and --show's expressions
// are compiled by the normal pipeline.
//
// Per goroutine, @gt_gd[goid] is the depth of its open traced calls inside a tree: 1 at the
// root call (or at the start of a goroutine the tree created), +1 per call entered. Events:
//
//   R func goid ns            a root call starts (sampled: one in --sample)
//   E func goid ns            a traced call starts inside a tree, depth <= --depth
//   X func goid ns shows...   it returns, with its duration (elapsed) and --show's values
//   Z func goid ns shows...   the root call returns: the tree is complete
//   S parent child            a goroutine in a tree created `child` (runtime.newproc1 + runqput)
//
// N.B. the entry blocks read arg0 (unused): a block that reads nothing of the call would also
// run where the function was inlined (compiler/passes/inlined.ts), and such an entry has no
// return to close it. Inlined calls are summed up in one warning instead.
import type { GoBinary } from '../../compiler/go/binary.js';
import type { GraphOptions } from './options.js';

/** The event kinds, by the first letter of their printf format. */
export type GraphEventKind = 'R' | 'E' | 'X' | 'Z' | 'S';

export interface GraphScript {
  text: string;
  /** Per function name, the --show expressions its X/Z events carry, in order. */
  labels: Map<string, string[]>;
  /** The root functions (their probes' names). */
  roots: string[];
  traced: number;
  /** What a pattern or --show did not match: the CLI's errors. */
  unmatched: { what: 'root' | 'under' | 'show'; pattern: string }[];
  /** Functions left out because uprobe: cannot name them (spaces or ':' in the name). */
  unnameable: string[];
  /** Functions a pattern matched that are left out because they have no RET to end a call. */
  noReturn: { pattern: string; matched: number; names: string[] }[];
  /** Where each --show expression sits in `text`, and in the --show text it came from: a
   *  mistake in it is reported against what the user wrote. */
  shown: { at: number; length: number; show: string; offset: number }[];
}

/** Runtime functions behind the goroutine-creation events; see spawnBlocks. */
const SPAWN = ['runtime.newproc1', 'runtime.runqput', 'runtime.goexit1'];

/** The functions of `bin` that `pattern` matches and that can be traced to their return. */
function traceable(bin: GoBinary, pattern: string, unnameable: Set<string>, noReturn: GraphScript['noReturn']): string[] {
  const out: string[] = [];
  const none: string[] = [];
  const found = bin.findFunctions(pattern);
  for (const f of found) {
    if (/[\s:"]/.test(f.name.replace(/\[.*\]/, '[]'))) {
      unnameable.add(f.name);
      continue;
    }
    if (bin.probeSites(f).returnSites.length) out.push(f.name);
    else none.push(f.name);
  }
  // N.B. left out, never silently: the session warns (GT3015) with their names.
  if (none.length) noReturn.push({ pattern, matched: found.length, names: none });
  return out;
}

/** A function name as a uprobe: spec that matches it alone: `*` escaped unless it is a pointer
 *  receiver's `(*`, which glob.ts reads literally. */
export function specOf(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/(?<!\()\*/g, '\\*');
}

/** The script for `o` against `bin`. */
export function graphScript(bin: GoBinary, o: GraphOptions): GraphScript {
  const unnameable = new Set<string>();
  const noReturn: GraphScript['noReturn'] = [];
  const unmatched: GraphScript['unmatched'] = [];
  const roots = traceable(bin, o.root, unnameable, noReturn);
  if (!roots.length) unmatched.push({ what: 'root', pattern: o.root });
  const traced = new Set<string>();
  for (const p of o.under) {
    const fs = traceable(bin, p, unnameable, noReturn);
    if (!fs.length) unmatched.push({ what: 'under', pattern: p });
    fs.forEach((f) => traced.add(f));
  }
  const labels = new Map<string, string[]>();
  for (const s of o.show) {
    const fs = traceable(bin, s.func, unnameable, noReturn);
    if (!fs.length) unmatched.push({ what: 'show', pattern: s.func });
    for (const f of fs) {
      traced.add(f);
      labels.set(f, [...(labels.get(f) ?? []), ...s.exprs]);
    }
  }
  const rootSet = new Set(roots);
  const under = [...traced].filter((f) => !rootSet.has(f) && !SPAWN.includes(f));
  const blocks = [
    ...groups(roots, labels).map((g) => rootBlocks(g.funcs, g.exprs, o)),
    ...groups(under, labels).map((g) => underBlocks(g.funcs, g.exprs, o)),
    spawnBlocks(),
  ];
  const text = blocks.join('\n');
  const shown = o.show.flatMap((s) => s.exprs.flatMap((e) => placesOf(text, e, s.text)));
  return { text, labels, roots, traced: roots.length + under.length, unmatched, unnameable: [...unnameable], noReturn, shown };
}

/** Each place of `(expr)` in the script (returnNested wraps every expression so, and nothing
 *  else it writes looks like that), with expr's offset in the --show text. */
function placesOf(text: string, expr: string, show: string): GraphScript['shown'] {
  const offset = show.indexOf(expr, show.indexOf(':') + 1);
  const out: GraphScript['shown'] = [];
  for (let at = text.indexOf(`(${expr})`); at >= 0; at = text.indexOf(`(${expr})`, at + 1))
    out.push({ at: at + 1, length: expr.length, show, offset });
  return out;
}

/** Functions with the same --show expressions share their blocks. */
function groups(funcs: string[], labels: Map<string, string[]>): { funcs: string[]; exprs: string[] }[] {
  const by = new Map<string, { funcs: string[]; exprs: string[] }>();
  for (const f of funcs) {
    const exprs = labels.get(f) ?? [];
    const key = exprs.join('\u0000');
    if (!by.has(key)) by.set(key, { funcs: [], exprs });
    by.get(key)!.funcs.push(f);
  }
  return [...by.values()];
}

const specs = (funcs: string[]) => funcs.map((f) => `uprobe:${specOf(f)}`).join(',\n');
const GD = '@gt_gd[goid]';

/** A call entered inside a tree: one level deeper, shown down to --depth, counted below. */
function enterNested(o: GraphOptions): string {
  return `${GD} = ${GD} + 1;
    if (${GD} <= ${o.depth + 1}) { printf("E %s %d %d\\n", func, goid, nsecs); } else { @gt_cut = count(); }`;
}

/** A call returning inside a tree: its duration and shown values, one level up. */
function returnNested(o: GraphOptions, kind: 'X' | 'Z', exprs: string[]): string {
  const fmt = `${kind} %s %d %d${' %v'.repeat(exprs.length)}\\n`;
  const args = ['func', 'goid', 'elapsed', ...exprs.map((e) => `(${e})`)].join(', ');
  return kind === 'Z'
    ? `printf("${fmt}", ${args}); delete(${GD});`
    : `if (${GD} <= ${o.depth + 1}) { printf("${fmt}", ${args}); } ${GD} = ${GD} - 1;`;
}

function underBlocks(funcs: string[], exprs: string[], o: GraphOptions): string {
  return `${specs(funcs)} /${GD}/ {
  $gt_call = arg0;
  ${enterNested(o)}
}
${specs(funcs)} /${GD} > 1/ {
  ${returnNested(o, 'X', exprs)}
}
`;
}

/** The root: a call outside any tree starts one (one in --sample); inside a tree (recursion, or
 *  a goroutine the tree created) it is an ordinary call. */
function rootBlocks(funcs: string[], exprs: string[], o: GraphOptions): string {
  const start = `${GD} = 1; printf("R %s %d %d\\n", func, goid, nsecs);`;
  const sampled = o.sample > 1 ? `@gt_n = @gt_n + 1; if (@gt_n % ${o.sample} == 0) { ${start} }` : start;
  return `${specs(funcs)} {
  $gt_call = arg0;
  if (${GD} == 0) { ${sampled} } else { ${enterNested(o)} }
}
${specs(funcs)} /${GD}/ {
  if (${GD} == 1) { ${returnNested(o, 'Z', exprs)} } else { ${returnNested(o, 'X', exprs)} }
}
`;
}

/**
 * Goroutines created inside a tree belong to it. runtime.newproc1(fn, callergp, ...) runs on
 * the system stack (R14 is g0, so goid is 0 there): the creator is its callergp argument, and
 * its result is handed to runqput(pp, newg, ...) on the same thread before anything else can
 * run there, which is where the new goroutine's id is first known. A goroutine leaving the
 * tree (goexit1 runs on it) drops its entry.
 */
function spawnBlocks(): string {
  return `uprobe:runtime.newproc1 /@gt_gd[goidof(arg1)]/ { @gt_mk[tid] = goidof(arg1); }
uprobe:runtime.runqput /@gt_mk[tid]/ {
  $gt_child = goidof(arg1);
  @gt_gd[$gt_child] = 1;
  printf("S %d %d\\n", @gt_mk[tid], $gt_child);
  delete(@gt_mk[tid]);
}
uprobe:runtime.goexit1 /${GD}/ { delete(${GD}); }
`;
}
