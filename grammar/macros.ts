// Macros, as bpftrace (>= 0.21) has them: `macro add_one(x) { x + 1 }` is expanded where it is
// called, before any check, so the checker and the code generator never see a macro. Rules:
// - A parameter `$a` takes a variable and `@m` a map (the macro may change them); a bare name
//   `x` takes any expression, put in place of every use of `x`. A macro of no parameters may be
//   used as a bare name (`one` for `one()`).
// - Hygiene: the body reaches only maps and variables passed in; its own variables are renamed
//   apart at each expansion, so they never meet the caller's.
// - Used as a value, a macro must end with an expression and no `;`: its statements run just
//   before the statement that uses the value, then the value takes the call's place. A predicate
//   or a while condition cannot run statements first: there only statement-free macros go.
// - A macro expanding into itself, at any depth, is an error, and so is an expansion past
//   MAX_NODES (macros calling others twice grow exponentially).
// Expanded nodes keep the macro body's spans, so an error inside a macro points into it (in the
// imported file that defined it, if it came from one); arguments keep the call site's.
import type * as ast from './ast.js';
import { diag } from './catalog/index.js';
import type { Diagnostic } from './diagnostics.js';
import { some } from './walk.js';

/** Largest expansion, in statements and expressions made. */
export const MAX_NODES = 100_000;

type Call = Extract<ast.Expr, { kind: 'Call' }>;

/** The program with every macro use expanded, or the diagnostics that prevented it. */
export function expandMacros(program: ast.Program): Diagnostic[] {
  const defs = program.macros ?? [];
  if (!defs.length) return [];
  const x = new Expander(defs);
  for (const p of program.probes) {
    if (p.predicate) p.predicate = x.pure(p.predicate, 'a predicate');
    p.body = x.stmts(p.body);
    // Arguments used several times are copied: the expansion may have grown past the statements
    // walked (x + x of x + x ...).
    let n = 0;
    some(p.body, () => ++n > MAX_NODES);
    if (n > MAX_NODES && !x.diagnostics.some((d) => d.code === 'GT1229')) x.diagnostics.push(diag('GT1229', p.span, { limit: MAX_NODES }));
  }
  return x.diagnostics;
}

class TooBig extends Error {}

class Expander {
  readonly diagnostics: Diagnostic[] = [];
  private readonly byName = new Map<string, ast.MacroDef>();
  /** Macros being expanded, outermost first (recursion). */
  private readonly stack: string[] = [];
  private count = 0;
  private nodes = 0;
  private tooBig = false;

  constructor(defs: ast.MacroDef[]) {
    for (const d of defs) {
      const prev = this.byName.get(d.name);
      if (prev) {
        const pos = prev.nameSpan.file.position(prev.nameSpan.start);
        this.diagnostics.push(diag('GT1222', d.nameSpan, { name: d.name, at: `${prev.nameSpan.file.name}:${pos.line}:${pos.col}` }));
      } else this.byName.set(d.name, d);
    }
  }

  /** A list of statements with the macros in them expanded. */
  stmts(ss: ast.Stmt[]): ast.Stmt[] {
    const out: ast.Stmt[] = [];
    for (const s of ss) {
      try {
        this.stmt(s, out);
      } catch (e) {
        if (!(e instanceof TooBig)) throw e;
        if (!this.tooBig) this.diagnostics.push(diag('GT1229', s.span, { limit: MAX_NODES }));
        this.tooBig = true;
        return out;
      }
    }
    return out;
  }

  /** An expression that may not run statements (a predicate, a while condition). */
  pure(e: ast.Expr, where: string): ast.Expr {
    const pre: ast.Stmt[] = [];
    const r = this.expr(e, pre);
    if (pre.length) {
      const first = this.firstMacro(e);
      this.diagnostics.push(diag('GT1227', first?.span ?? e.span, { name: first?.name ?? '?', where }));
    }
    return r;
  }

  private firstMacro(e: ast.Expr): { name: string; span: ast.Span } | undefined {
    if (this.macroOf(e)) return { name: (e as { name: string }).name, span: e.span };
    for (const c of exprChildren(e)) {
      const m = this.firstMacro(c);
      if (m) return m;
    }
    return undefined;
  }

  /** The macro a call or bare name uses, if any. */
  private macroOf(e: ast.Expr): ast.MacroDef | undefined {
    if (e.kind === 'Call') return this.byName.get(e.name);
    if (e.kind === 'Ident') {
      const d = this.byName.get(e.name);
      return d && d.params.length === 0 ? d : undefined;
    }
    return undefined;
  }

  private stmt(s: ast.Stmt, out: ast.Stmt[]): void {
    this.grow();
    switch (s.kind) {
      case 'ExprStmt': {
        const m = this.macroOf(s.expr);
        // A macro used as a statement: all of its body, its value (if any) discarded.
        if (m) return void out.push(...this.instantiate(m, s.expr, false, out).stmts);
        return void out.push({ ...s, expr: this.expr(s.expr, out) });
      }
      case 'AssignStmt': {
        const value = this.expr(s.value, out);
        return void out.push({ ...s, target: this.expr(s.target, out) as ast.MapRef | ast.VarRef, value });
      }
      case 'IncDecStmt':
        return void out.push({ ...s, target: this.expr(s.target, out) as ast.MapRef | ast.VarRef });
      case 'IfStmt': {
        const cond = this.expr(s.cond, out);
        return void out.push({ ...s, cond, then: this.stmts(s.then), ...(s.else ? { else: this.stmts(s.else) } : {}) });
      }
      case 'WhileStmt':
        return void out.push({ ...s, cond: this.pure(s.cond, 'a while condition'), body: this.stmts(s.body) });
      case 'UnrollStmt':
      case 'BlockStmt':
        return void out.push({ ...s, body: this.stmts(s.body) });
      case 'ReturnStmt':
        return void out.push(s);
    }
  }

  /** An expression with its macro uses replaced by their values; the statements those run
   *  first are appended to `pre`. */
  private expr(e: ast.Expr, pre: ast.Stmt[]): ast.Expr {
    this.grow();
    const m = this.macroOf(e);
    if (m) {
      const r = this.instantiate(m, e, true, pre);
      pre.push(...r.stmts);
      return r.value ?? e;
    }
    return mapChildren(e, (c) => this.expr(c, pre));
  }

  /** One use of macro `m` at `use` (a call, or a bare name): its statements, and its value
   *  when `asValue`, with parameters bound and its own variables renamed apart. */
  private instantiate(m: ast.MacroDef, use: ast.Expr, asValue: boolean, pre: ast.Stmt[]): { stmts: ast.Stmt[]; value?: ast.Expr } {
    // Arguments first, in the caller's context: `f(f(1))` is no recursion.
    const args = use.kind === 'Call' ? use.args.map((a) => this.expr(a, pre)) : [];
    if (this.stack.includes(m.name)) {
      this.diagnostics.push(diag('GT1225', use.span, { name: m.name, chain: [...this.stack, m.name].join(' → ') }));
      return { stmts: [] };
    }
    if (args.length !== m.params.length) {
      const n = m.params.length;
      this.diagnostics.push(diag('GT1223', use.span, { name: m.name, expected: `${n} argument${n === 1 ? '' : 's'}`, count: args.length }));
      return { stmts: [] };
    }
    const last = m.body.at(-1);
    if (asValue && (!m.valued || last?.kind !== 'ExprStmt')) {
      this.diagnostics.push(diag('GT1226', (use as Call).nameSpan ?? use.span, { name: m.name }));
      return { stmts: [] };
    }
    const bind = this.bind(m, args);
    if (!bind) return { stmts: [] };
    const body = m.body.map((s) => substStmt(s, bind));
    this.stack.push(m.name);
    try {
      if (!asValue) return { stmts: this.stmts(body) };
      const stmts = this.stmts(body.slice(0, -1));
      const value = this.expr((body.at(-1) as Extract<ast.Stmt, { kind: 'ExprStmt' }>).expr, stmts);
      return { stmts, value };
    } finally {
      this.stack.pop();
    }
  }

  /** How the body's names map at this use; undefined after reporting a wrong argument. */
  private bind(m: ast.MacroDef, args: ast.Expr[]): Binding | undefined {
    const b: Binding = {
      vars: new Map(),
      maps: new Map(),
      exprs: new Map(),
      macro: m,
      unhygienic: [],
      suffix: `__${m.name}${++this.count}`,
    };
    let ok = true;
    m.params.forEach((p, i) => {
      const a = args[i];
      const fits = p.kind === 'expr' || (p.kind === 'var' ? a.kind === 'VarRef' : a.kind === 'MapRef' && a.keys.length === 0);
      if (!fits) {
        const want = p.kind === 'var' ? 'a variable ($name)' : 'a map (@name)';
        this.diagnostics.push(diag('GT1224', a.span, { name: m.name, param: p.name, want }));
        ok = false;
      } else if (p.kind === 'var') b.vars.set(p.name, (a as ast.VarRef).name);
      else if (p.kind === 'map') b.maps.set(p.name, (a as ast.MapRef).name);
      else b.exprs.set(p.name, a);
    });
    if (!ok) return undefined;
    // Hygiene: a map the body names without having been given it is an error.
    for (const s of m.body)
      walkExprs(s, (e) => {
        if (e.kind === 'MapRef' && !b.maps.has(e.name) && !b.unhygienic.includes(e.name)) {
          b.unhygienic.push(e.name);
          this.diagnostics.push(diag('GT1228', e.span, { name: m.name, ref: e.name }));
        }
      });
    return b.unhygienic.length ? undefined : b;
  }

  private grow(): void {
    if (++this.nodes > MAX_NODES) throw new TooBig();
  }
}

interface Binding {
  macro: ast.MacroDef;
  vars: Map<string, string>;
  maps: Map<string, string>;
  exprs: Map<string, ast.Expr>;
  unhygienic: string[];
  /** Appended to the body's own variables: unique per expansion. */
  suffix: string;
}

/** A copy of a body statement with the binding applied. */
function substStmt(s: ast.Stmt, b: Binding): ast.Stmt {
  const e = (x: ast.Expr) => substExpr(x, b);
  const ss = (xs: ast.Stmt[]) => xs.map((x) => substStmt(x, b));
  switch (s.kind) {
    case 'ExprStmt':
      return { ...s, expr: e(s.expr) };
    case 'AssignStmt':
      return { ...s, target: e(s.target) as ast.MapRef | ast.VarRef, value: e(s.value) };
    case 'IncDecStmt':
      return { ...s, target: e(s.target) as ast.MapRef | ast.VarRef };
    case 'IfStmt':
      return { ...s, cond: e(s.cond), then: ss(s.then), ...(s.else ? { else: ss(s.else) } : {}) };
    case 'WhileStmt':
      return { ...s, cond: e(s.cond), body: ss(s.body) };
    case 'UnrollStmt':
    case 'BlockStmt':
      return { ...s, body: ss(s.body) };
    case 'ReturnStmt':
      return { ...s };
  }
}

function substExpr(x: ast.Expr, b: Binding): ast.Expr {
  if (x.kind === 'VarRef') return { ...x, name: b.vars.get(x.name) ?? x.name + b.suffix };
  if (x.kind === 'MapRef') return { ...x, name: b.maps.get(x.name) ?? x.name, keys: x.keys.map((k) => substExpr(k, b)) };
  if (x.kind === 'Ident' && b.exprs.has(x.name)) return copyExpr(b.exprs.get(x.name)!);
  return mapChildren(x, (c) => substExpr(c, b));
}

/** A deep copy: every use of an argument is a node of its own (passes key facts by node). */
function copyExpr(x: ast.Expr): ast.Expr {
  return mapChildren(x, copyExpr);
}

/** A shallow copy of `e` with each child expression replaced by f(child). */
function mapChildren(e: ast.Expr, f: (c: ast.Expr) => ast.Expr): ast.Expr {
  switch (e.kind) {
    case 'MapRef':
      return { ...e, keys: e.keys.map(f) };
    case 'Call':
      return { ...e, args: e.args.map(f) };
    case 'Unary':
      return { ...e, operand: f(e.operand) };
    case 'Binary':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'Ternary':
      return { ...e, cond: f(e.cond), then: f(e.then), else: f(e.else) };
    case 'Field':
      return { ...e, object: f(e.object) };
    case 'Index':
      return { ...e, object: f(e.object), index: f(e.index) };
    case 'Tuple':
      return { ...e, elements: e.elements.map(f) };
    case 'Cast':
      return { ...e, operand: f(e.operand) };
    default:
      return { ...e };
  }
}

function exprChildren(e: ast.Expr): ast.Expr[] {
  const out: ast.Expr[] = [];
  mapChildren(e, (c) => (out.push(c), c));
  return out;
}

/** Every expression of a statement, nested ones included. */
function walkExprs(s: ast.Stmt, f: (e: ast.Expr) => void): void {
  const e = (x: ast.Expr) => {
    f(x);
    exprChildren(x).forEach(e);
  };
  const ss = (xs: ast.Stmt[]) => xs.forEach((x) => walkExprs(x, f));
  switch (s.kind) {
    case 'ExprStmt':
      return e(s.expr);
    case 'AssignStmt':
      return (e(s.target), e(s.value));
    case 'IncDecStmt':
      return e(s.target);
    case 'IfStmt':
      return (e(s.cond), ss(s.then), ss(s.else ?? []));
    case 'WhileStmt':
      return (e(s.cond), ss(s.body));
    case 'UnrollStmt':
    case 'BlockStmt':
      return ss(s.body);
    case 'ReturnStmt':
      return;
  }
}
