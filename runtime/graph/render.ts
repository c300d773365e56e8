// A tree as text (indented, as gofuncgraph and go-ftrace print them) or as one JSON line.
import type { CallNode, GraphNode, Tree } from './tree.js';

/** ms with µs resolution: "12.412ms"; a call whose return was never seen is "unfinished". */
export function durationText(ns: bigint | undefined): string {
  if (ns === undefined) return '(unfinished)';
  return `${(Number(ns) / 1e6).toFixed(3)}ms`;
}

const shownText = (n: CallNode) => (n.shown ?? []).map(([k, v]) => `  ${k}=${v}`).join('');

function textLines(n: GraphNode, indent: string, out: string[]): void {
  if ('goroutine' in n) out.push(`${indent}goroutine ${n.goroutine}:`);
  else out.push(`${indent}${n.func}  ${durationText(n.durationNs)}${shownText(n)}`);
  for (const c of n.children) textLines(c, indent + '  ', out);
}

/** `goroutine 18: main.handle  7.355ms`, then each call two spaces deeper than its caller, and
 *  goroutines the root's calls created as `goroutine N:` with their calls below; a blank line
 *  ends the tree. */
export function treeText(t: Tree): string {
  const out: string[] = [];
  textLines(t.root, '', out);
  out[0] = `goroutine ${t.root.goid}: ${out[0]}`;
  return out.join('\n') + '\n\n';
}

function num(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function nodeJson(n: GraphNode, t0: bigint): unknown {
  const children = n.children.map((c) => nodeJson(c, t0));
  if ('goroutine' in n) return { goroutine: n.goroutine, children };
  return {
    func: n.func,
    goid: n.goid,
    start_ns: num(n.startNs - t0),
    duration_ns: n.durationNs === undefined ? null : num(n.durationNs),
    ...(n.shown ? { show: Object.fromEntries(n.shown) } : {}),
    children,
  };
}

/** One line: {"type": "graph", "data": {func, goid, start_ns, duration_ns, show?, children}},
 *  start_ns relative to the root's entry, goroutines as {goroutine, children}. */
export function treeJson(t: Tree): string {
  return JSON.stringify({ type: 'graph', data: nodeJson(t.root, t.root.startNs) }) + '\n';
}
