// Trees from the graph's events (script.ts): per goroutine a stack of open calls; a root call
// opens a tree, goroutines it creates join it (shown under the root with their id), and its
// return completes it. Events arrive in ring-buffer order, which for one goroutine is the
// order of its calls, whichever threads it ran on.

export interface CallNode {
  func: string;
  goid: number;
  /** Entry time, ns (bpf_ktime_get_ns). */
  startNs: bigint;
  /** Undefined while open; a call whose return was never seen stays so (unfinished). */
  durationNs?: bigint;
  /** --show's values by expression. */
  shown?: [string, string][];
  children: GraphNode[];
}

/** A goroutine created under the root, with the calls it made. */
export interface GoroutineNode {
  goroutine: number;
  children: GraphNode[];
}

export type GraphNode = CallNode | GoroutineNode;

export interface Tree {
  root: CallNode;
  /** Goroutines of the tree (the root's first). */
  members: number[];
}

/** What the trees did not show, for the end of the session. */
export interface GraphCounts {
  /** Calls of goroutines whose tree had already been completed (they outlived the root). */
  late: number;
  /** Returns whose entry was not seen (a panic unwound calls in between, or events lost). */
  unmatched: number;
}

export class TreeBuilder {
  readonly counts: GraphCounts = { late: 0, unmatched: 0 };
  private readonly owner = new Map<number, Tree>();
  private readonly stacks = new Map<number, GraphNode[]>();

  constructor(private readonly labels: Map<string, string[]>) {}

  /** Trees still open (their root has not returned). */
  open(): number {
    return new Set(this.owner.values()).size;
  }

  root(func: string, goid: number, ns: bigint): void {
    const root: CallNode = { func, goid, startNs: ns, children: [] };
    this.owner.set(goid, { root, members: [goid] });
    this.stacks.set(goid, [root]);
  }

  enter(func: string, goid: number, ns: bigint): void {
    const stack = this.stacks.get(goid);
    if (!stack?.length) return void this.counts.late++;
    const node: CallNode = { func, goid, startNs: ns, children: [] };
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  }

  /** A return: closes the innermost open call of `func` (calls above it never returned). */
  exit(func: string, goid: number, ns: bigint, values: string[]): void {
    const stack = this.stacks.get(goid);
    if (!stack) return void this.counts.late++;
    for (let i = stack.length - 1; i >= 0; i--) {
      const n = stack[i];
      if ('func' in n && n.func === func && n.durationNs === undefined) {
        this.close(n, ns, values);
        stack.length = i;
        return;
      }
    }
    this.counts.unmatched++;
  }

  /** The root returns: its tree, complete, and its goroutines leave it. */
  finish(func: string, goid: number, ns: bigint, values: string[]): Tree | undefined {
    const tree = this.owner.get(goid);
    if (!tree || tree.root.goid !== goid) return void this.counts.unmatched++;
    this.close(tree.root, ns, values);
    for (const g of tree.members) {
      this.owner.delete(g);
      this.stacks.delete(g);
    }
    return tree;
  }

  /** `parent` (in a tree) created goroutine `child`: it joins the tree, under the root. */
  spawn(parent: number, child: number): void {
    const tree = this.owner.get(parent);
    if (!tree) return;
    const node: GoroutineNode = { goroutine: child, children: [] };
    tree.root.children.push(node);
    tree.members.push(child);
    this.owner.set(child, tree);
    this.stacks.set(child, [node]);
  }

  private close(n: CallNode, ns: bigint, values: string[]): void {
    n.durationNs = ns;
    const labels = this.labels.get(n.func);
    if (labels?.length) n.shown = labels.map((l, i) => [l, values[i] ?? '']);
  }
}
