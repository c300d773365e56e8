// One generic walk over the AST: the children of each node kind are listed once, here. Passes
// that only look for something (a map name, a builtin, a call) walk with this instead of a
// switch of their own; the typed passes (checker, codegen, printer) keep their switches because
// each kind means something different to them.
import type * as ast from './ast.js';

type Child = ast.Node | readonly ast.Node[] | undefined;
type ByKind<K extends ast.Node['kind']> = Extract<ast.Node, { kind: K }>;

/** The children of every node kind, in source order. A new node kind fails to compile until it
 *  has its row. */
const CHILDREN: { [K in ast.Node['kind']]: (n: ByKind<K>) => readonly Child[] } = {
  Program: (n) => [n.probes],
  Probe: (n) => [n.specs, n.predicate, n.body],
  UprobeSpec: () => [],
  SpecialSpec: () => [],
  IntervalSpec: () => [],
  TracepointSpec: () => [],
  ExprStmt: (n) => [n.expr],
  AssignStmt: (n) => [n.target, n.value],
  IncDecStmt: (n) => [n.target],
  IfStmt: (n) => [n.cond, n.then, n.else],
  UnrollStmt: (n) => [n.body],
  WhileStmt: (n) => [n.cond, n.body],
  ReturnStmt: () => [],
  BlockStmt: (n) => [n.body],
  IntLit: () => [],
  StrLit: () => [],
  BoolLit: () => [],
  NilLit: () => [],
  Ident: () => [],
  Positional: () => [],
  MapRef: (n) => [n.keys],
  VarRef: () => [],
  Call: (n) => [n.args],
  Unary: (n) => [n.operand],
  Binary: (n) => [n.left, n.right],
  Ternary: (n) => [n.cond, n.then, n.else],
  Field: (n) => [n.object],
  Index: (n) => [n.object, n.index],
  Tuple: (n) => [n.elements],
  Cast: (n) => [n.operand],
};

/** Every node kind of ast.ts. */
export const NODE_KINDS = Object.keys(CHILDREN) as ast.Node['kind'][];

/** The direct children of a node, in source order. */
export function children(n: ast.Node): ast.Node[] {
  const out: ast.Node[] = [];
  for (const c of (CHILDREN[n.kind] as (n: ast.Node) => readonly Child[])(n)) {
    if (c === undefined) continue;
    if (Array.isArray(c)) out.push(...(c as readonly ast.Node[]));
    else out.push(c as ast.Node);
  }
  return out;
}

/** Visits `root` (a node or a list of nodes) and everything below it, parents first. The
 *  visitor returns false to skip a node's children. */
export function walk(root: ast.Node | readonly ast.Node[] | undefined, visit: (n: ast.Node) => boolean | void): void {
  if (root === undefined) return;
  const stack: ast.Node[] = Array.isArray(root) ? [...(root as readonly ast.Node[])].reverse() : [root as ast.Node];
  while (stack.length) {
    const n = stack.pop()!;
    if (visit(n) === false) continue;
    stack.push(...children(n).reverse());
  }
}

/** Does any node at or below `root` satisfy `test`? Stops at the first that does. */
export function some(root: ast.Node | readonly ast.Node[] | undefined, test: (n: ast.Node) => boolean): boolean {
  let found = false;
  walk(root, (n) => {
    if (found) return false;
    if (test(n)) found = true;
    return !found;
  });
  return found;
}

/** Every map reference at or below `root`, in source order. */
export function mapRefs(root: ast.Node | readonly ast.Node[] | undefined): ast.MapRef[] {
  const out: ast.MapRef[] = [];
  walk(root, (n) => {
    if (n.kind === 'MapRef') out.push(n);
  });
  return out;
}
