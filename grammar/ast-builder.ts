// CST → AST: a Chevrotain visitor over parser.ts's CST producing ast.ts nodes. It also reports the
// mistakes that are only visible on a whole construct (assigning to a call, a bad interval unit,
// `1.5`). It runs only on a CST without syntax errors, but stays defensive: a missing child
// yields a placeholder rather than a crash.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as ast from './ast.js';
import { diag } from './catalog/index.js';
import { configSettings } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import type { TargetPayload } from './lexer.js';
import { PROBE_KINDS, probeKind, type KeywordKind, type RateKind } from './probe-kinds.js';
import { parser } from './parser.js';
import { join, span, type SourceFile, type Span } from './source.js';
import * as T from './tokens.js';

type Children = Record<string, CstElement[] | undefined>;

const BaseVisitor = parser.getBaseCstVisitorConstructor();

const isToken = (e: CstElement | undefined): e is IToken => e !== undefined && 'image' in e;
const isNode = (e: CstElement | undefined): e is CstNode => e !== undefined && 'children' in e;

/** Nanoseconds per unit of an interval's period (hz is a frequency, not a period). */
const NS_PER_UNIT: Record<string, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n };
const MAX_PERIOD_NS = (1n << 63n) - 1n;

export class AstBuilder extends BaseVisitor {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly file: SourceFile) {
    super();
    this.validateVisitor();
  }

  // ---- helpers ----

  private tok(c: Children, key: string, i = 0): IToken | undefined {
    const e = c[key]?.[i];
    return isToken(e) ? e : undefined;
  }

  private node(c: Children, key: string, i = 0): CstNode | undefined {
    const e = c[key]?.[i];
    return isNode(e) ? e : undefined;
  }

  private nodes(c: Children, key: string): CstNode[] {
    return (c[key] ?? []) as CstNode[]; // a key holds either nodes or tokens, never both
  }

  private tokSpan(t: IToken | undefined): Span {
    return t ? span(this.file, t.startOffset, t.startOffset + t.image.length) : span(this.file, 0, 0);
  }

  private nodeSpan(n: CstNode): Span {
    const l = n.location;
    return l && Number.isFinite(l.startOffset) ? span(this.file, l.startOffset, (l.endOffset ?? l.startOffset) + 1) : span(this.file, 0, 0);
  }

  /** Visit an expression node; a missing one (only after recovery) becomes a placeholder. */
  private sub(n: CstNode | undefined): ast.Expr {
    return n ? (this.visit(n) as ast.Expr) : { kind: 'NilLit', span: span(this.file, 0, 0) };
  }

  /** The span of everything a rule matched (Chevrotain hands visitors the children only). */
  private whole(c: Children): Span {
    let start = Infinity;
    let end = -Infinity;
    for (const key in c) {
      for (const e of c[key] ?? []) {
        const a = isToken(e) ? e.startOffset : (e.location?.startOffset ?? NaN);
        const b = isToken(e) ? e.startOffset + e.image.length : (e.location?.endOffset ?? NaN) + 1;
        if (Number.isFinite(a) && a < start) start = a;
        if (Number.isFinite(b) && b > end) end = b;
      }
    }
    return Number.isFinite(start) ? span(this.file, start, end) : span(this.file, 0, 0);
  }

  // ---- probes ----

  program(c: Children): ast.Program {
    const p: ast.Program = {
      kind: 'Program',
      span: span(this.file, 0, this.file.text.length),
      probes: this.nodes(c, 'probe').map((n) => this.visit(n) as ast.Probe),
    };
    const macros = this.nodes(c, 'macroDef').map((n) => this.visit(n) as ast.MacroDef);
    const imports = this.nodes(c, 'importDecl').map((n) => this.visit(n) as ast.Import);
    const config = this.nodes(c, 'configDecl').flatMap((n) => this.visit(n) as ast.ConfigSetting[]);
    if (config.length) p.config = config;
    if (macros.length) p.macros = macros;
    if (imports.length) p.imports = imports;
    return p;
  }

  configDecl = (c: Children) => configSettings((c.key ?? []).filter(isToken), (c.value ?? []).filter(isToken), (t) => this.tokSpan(t));

  importDecl(c: Children): ast.Import {
    const s = this.tok(c, 'StringLit');
    return { kind: 'Import', span: this.whole(c), path: typeof s?.payload === 'string' ? s.payload : '' };
  }

  macroDef(c: Children): ast.MacroDef {
    const name = this.tok(c, 'name');
    const body = this.node(c, 'body');
    // Valued when the last statement is an expression with no `;` after it (bpftrace's rule).
    const last = body && this.nodes(body.children, 'statement').at(-1)?.children;
    const end = last && this.node(last, 'stmtEnd');
    const params = (c.param ?? []).filter(isToken).map((t): ast.MacroParam => {
      const kind = t.tokenType === T.VarName ? 'var' : t.tokenType === T.MapName ? 'map' : 'expr';
      return { kind, name: t.image, span: this.tokSpan(t) };
    });
    return {
      kind: 'MacroDef',
      span: this.whole(c),
      name: name?.image ?? '',
      nameSpan: this.tokSpan(name),
      params,
      body: body ? (this.visit(body) as ast.Stmt[]) : [],
      valued: !!last?.simpleStmt && !!end && !end.children.Semi,
    };
  }

  probe(c: Children): ast.Probe {
    const specs = this.nodes(c, 'specs').map((n) => this.visit(n) as ast.ProbeSpec);
    const pred = this.node(c, 'predicate');
    const block = this.node(c, 'block');
    const probe: ast.Probe = {
      kind: 'Probe',
      span: specs.length && block ? join(specs[0].span, this.nodeSpan(block)) : span(this.file, 0, 0),
      specs,
      body: block ? (this.visit(block) as ast.Stmt[]) : [],
      blockStyle: block?.name === 'angleBlock' ? 'angle' : 'brace',
    };
    if (pred) probe.predicate = this.visit(pred) as ast.Expr;
    return probe;
  }

  probeSpec(c: Children): ast.ProbeSpec {
    const target = this.tok(c, 'ProbeTarget');
    if (target) {
      const p = target.payload as TargetPayload;
      if ('category' in p) return { kind: 'TracepointSpec', span: this.tokSpan(target), type: p.type, category: p.category, name: p.name };
      const s: ast.ProbeSpec = { kind: 'UprobeSpec', span: this.tokSpan(target), type: p.type, func: p.func };
      if (p.path !== undefined) s.path = p.path;
      return s;
    }
    const special = this.tok(c, 'special');
    if (special) return { kind: 'SpecialSpec', span: this.tokSpan(special), type: special.image as KeywordKind };
    const timer = this.tok(c, 'timer');
    const unit = this.tok(c, 'unit');
    const value = this.tok(c, 'value');
    const type = (timer?.image ?? 'interval') as RateKind;
    const whole = join(this.tokSpan(timer), this.tokSpan(value));
    const u = unit?.image ?? 's';
    const units = probeKind(type).units ?? {};
    if (units[u] === undefined) {
      const examples = PROBE_KINDS.filter((r) => r.form === 'rate')
        .map((r) => r.example)
        .join(' or ');
      this.diagnostics.push(diag('GT1006', this.tokSpan(unit), { unit: u, type, units: listWords(Object.keys(units)), examples }));
    }
    const n = typeof value?.payload === 'bigint' ? value.payload : 0n;
    if (value && (value.image.endsWith('s') || n === 0n || n > BigInt(Number.MAX_SAFE_INTEGER))) {
      this.diagnostics.push(diag('GT1007', this.tokSpan(value), { type, unit: u, example: probeKind(type).example.replace(/^.*:/, '') }));
    } else if (value && u in NS_PER_UNIT && n > MAX_PERIOD_NS / NS_PER_UNIT[u]!) {
      // N.B. the kernel keeps a period as signed 64-bit nanoseconds (ktime_t): longer wraps.
      this.diagnostics.push(diag('GT1016', this.tokSpan(value), { type, max: String(MAX_PERIOD_NS / NS_PER_UNIT[u]!), unit: u }));
    }
    return { kind: 'IntervalSpec', span: whole, type, unit: u, value: Number(n) };
  }

  predicate(c: Children): ast.Expr {
    return this.sub(this.node(c, 'expr'));
  }

  braceBlock(c: Children): ast.Stmt[] {
    return this.nodes(c, 'statement')
      .map((n) => this.visit(n) as ast.Stmt | undefined)
      .filter((s): s is ast.Stmt => s !== undefined);
  }

  angleBlock(c: Children): ast.Stmt[] {
    return this.braceBlock(c);
  }

  // ---- statements ----

  statement(c: Children): ast.Stmt | undefined {
    for (const key of ['ifStmt', 'whileStmt', 'unrollStmt', 'simpleStmt']) {
      const n = this.node(c, key);
      if (n) return this.visit(n) as ast.Stmt;
    }
    const block = this.node(c, 'braceBlock');
    if (block) return { kind: 'BlockStmt', span: this.nodeSpan(block), body: this.visit(block) as ast.Stmt[] };
    return undefined; // `;`
  }

  stmtEnd(): undefined {
    return undefined;
  }

  simpleStmt(c: Children): ast.Stmt {
    const whole = this.whole(c);
    const ret = this.tok(c, 'Return');
    if (ret) return { kind: 'ReturnStmt', span: this.tokSpan(ret) };
    const target = this.sub(this.node(c, 'target'));
    const incdec = this.tok(c, 'prefix') ?? this.tok(c, 'postfix');
    if (incdec) {
      const op = incdec.image === '--' ? '--' : '++';
      if (target.kind === 'MapRef' || target.kind === 'VarRef') return { kind: 'IncDecStmt', span: whole, target, op };
      this.diagnostics.push(diag('GT1009', target.span, { op: op === '++' ? 'increment' : 'decrement', what: describe(target), sign: op }));
      return { kind: 'ExprStmt', span: whole, expr: target };
    }
    const assign = this.tok(c, 'AssignOp');
    if (assign) {
      const value = this.sub(this.node(c, 'value'));
      if (target.kind === 'MapRef' || target.kind === 'VarRef') {
        return { kind: 'AssignStmt', span: whole, target, op: assign.image as ast.AssignOp, value };
      }
      this.diagnostics.push(diag('GT1008', target.span, { what: describe(target) }));
    }
    return { kind: 'ExprStmt', span: whole, expr: target };
  }

  ifStmt(c: Children): ast.Stmt {
    const then = this.node(c, 'then');
    const s: ast.Stmt = {
      kind: 'IfStmt',
      span: this.whole(c),
      cond: this.sub(this.node(c, 'cond')),
      then: then ? (this.visit(then) as ast.Stmt[]) : [],
    };
    const elseIf = this.node(c, 'elseIf');
    const elseBlock = this.node(c, 'else');
    if (elseIf) s.else = [this.visit(elseIf) as ast.Stmt];
    else if (elseBlock) s.else = this.visit(elseBlock) as ast.Stmt[];
    return s;
  }

  whileStmt(c: Children): ast.Stmt {
    const body = this.node(c, 'body');
    return {
      kind: 'WhileStmt',
      span: this.whole(c),
      cond: this.sub(this.node(c, 'cond')),
      body: body ? (this.visit(body) as ast.Stmt[]) : [],
    };
  }

  unrollStmt(c: Children): ast.Stmt {
    const body = this.node(c, 'body');
    const count = this.sub(this.node(c, 'count'));
    // Duration suffixes all end in `s` (no hex digit does): `unroll(5ms)` is not a count.
    const n = count.kind === 'IntLit' && !count.text.endsWith('s') ? count.value : 0n;
    if (n < 1n || n > 100n) {
      this.diagnostics.push(diag('GT1010', count.span));
    }
    return {
      kind: 'UnrollStmt',
      span: this.whole(c),
      count: Number(n),
      body: body ? (this.visit(body) as ast.Stmt[]) : [],
    };
  }

  // ---- expressions ----

  /** `a op b op c ... [? x : y]`: C precedence by precedence climbing, all left-associative. */
  expr(c: Children): ast.Expr {
    const operands = this.nodes(c, 'operand');
    const ops = (c.op ?? []) as IToken[];
    let next = 0;
    const climb = (minPrec: number): ast.Expr => {
      let left = this.sub(operands[next]);
      while (next < ops.length && PRECEDENCE[ops[next].image as ast.BinaryOp] >= minPrec) {
        const op = ops[next++].image as ast.BinaryOp;
        const right = climb(PRECEDENCE[op] + 1);
        left = { kind: 'Binary', span: join(left.span, right.span), op, left, right };
      }
      return left;
    };
    const cond = climb(0);
    const then = this.node(c, 'then');
    if (!then) return cond;
    const els = this.sub(this.node(c, 'else'));
    return { kind: 'Ternary', span: join(cond.span, els.span), cond, then: this.sub(then), else: els };
  }

  /** `prefix* primary postfix*`: postfix operators bind tighter, prefixes apply right to left. */
  unary(c: Children): ast.Expr {
    let e = this.primary(c);
    // Postfix: `.field` and `[index]`, in source order.
    const dots = (c.Dot ?? []) as IToken[];
    const fields = (c.field ?? []) as IToken[];
    const opens = (c.indexOpen ?? []) as IToken[];
    const closes = (c.indexClose ?? []) as IToken[];
    const indexes = this.nodes(c, 'index');
    for (let d = 0, i = 0; d < dots.length || i < opens.length;) {
      if (i >= opens.length || (d < dots.length && dots[d].startOffset < opens[i].startOffset)) {
        const field = fields[d++];
        if (!field) break;
        const whole = join(e.span, this.tokSpan(field));
        if (e.kind === 'IntLit' && field.tokenType === T.IntLit) this.diagnostics.push(diag('GT1011', whole));
        e = { kind: 'Field', span: whole, object: e, field: field.image, fieldSpan: this.tokSpan(field) };
      } else {
        const index = this.sub(indexes[i]);
        e = { kind: 'Index', span: join(e.span, this.tokSpan(closes[i] ?? opens[i])), object: e, index };
        i++;
      }
    }
    // Prefix: `-`, `!`, `~` and casts, innermost (rightmost) first.
    const prefixes = (c.prefix ?? []) as IToken[];
    const casts = (c.cast ?? []) as IToken[];
    const types = (c.IntType ?? []) as IToken[];
    for (let p = prefixes.length - 1, k = casts.length - 1; p >= 0 || k >= 0;) {
      if (k < 0 || (p >= 0 && prefixes[p].startOffset > casts[k].startOffset)) {
        const op = prefixes[p--];
        e = { kind: 'Unary', span: join(this.tokSpan(op), e.span), op: op.image as '-' | '!' | '~', operand: e };
      } else {
        e = { kind: 'Cast', span: join(this.tokSpan(casts[k]), e.span), type: types[k]?.image ?? '', operand: e };
        k--;
      }
    }
    return e;
  }

  /** The primary part of a `unary` node: a literal or name, a map, a call, a parenthesis. */
  private primary(c: Children): ast.Expr {
    const atom = this.tok(c, 'atom');
    if (atom) return this.atom(atom);
    const map = this.tok(c, 'MapName');
    if (map) {
      const keys = this.node(c, 'keys');
      const close = this.tok(c, 'keysClose');
      return {
        kind: 'MapRef',
        span: close ? join(this.tokSpan(map), this.tokSpan(close)) : this.tokSpan(map),
        name: map.image,
        keys: keys ? (this.visit(keys) as ast.Expr[]) : [],
      };
    }
    const name = this.tok(c, 'Identifier');
    if (name) {
      const nameSpan = this.tokSpan(name);
      const close = this.tok(c, 'callClose');
      if (!this.tok(c, 'callOpen')) return { kind: 'Ident', span: nameSpan, name: name.image };
      const args = this.node(c, 'args');
      return {
        kind: 'Call',
        span: close ? join(nameSpan, this.tokSpan(close)) : nameSpan,
        name: name.image,
        nameSpan,
        args: args ? (this.visit(args) as ast.Expr[]) : [],
      };
    }
    const goCast = this.tok(c, 'goCastOpen');
    if (goCast) {
      // (*pkg/path.Type)(operand): the type's tokens in source order.
      const parts = [...((c.goType ?? []) as IToken[]), ...((c.goTypeSep ?? []) as IToken[])].sort((a, b) => a.startOffset - b.startOffset);
      const operand = this.node(c, 'goOperand');
      const end = this.tok(c, 'goOperandClose') ?? this.tok(c, 'goCastClose') ?? goCast;
      return {
        kind: 'Cast',
        span: join(this.tokSpan(goCast), this.tokSpan(end)),
        type: `*${parts.map((t) => t.image).join('')}`,
        operand: operand ? this.sub(operand) : { kind: 'IntLit', span: this.tokSpan(goCast), value: 0n, text: '0' },
      };
    }
    const list = this.node(c, 'elements');
    const elements = list ? (this.visit(list) as ast.Expr[]) : [];
    if (elements.length === 1) return elements[0];
    return { kind: 'Tuple', span: join(this.tokSpan(this.tok(c, 'parenOpen')), this.tokSpan(this.tok(c, 'parenClose'))), elements };
  }

  private atom(t: IToken): ast.Expr {
    const s = this.tokSpan(t);
    switch (t.tokenType) {
      case T.IntLit:
        return { kind: 'IntLit', span: s, value: typeof t.payload === 'bigint' ? t.payload : 0n, text: t.image };
      case T.StringLit:
        return { kind: 'StrLit', span: s, value: typeof t.payload === 'string' ? t.payload : '' };
      case T.True:
      case T.False:
        return { kind: 'BoolLit', span: s, value: t.tokenType === T.True };
      case T.VarName:
        return { kind: 'VarRef', span: s, name: t.image };
      case T.Positional:
        return { kind: 'Positional', span: s, index: t.image === '$#' ? '#' : Number(t.image.slice(1)) };
      default:
        return { kind: 'NilLit', span: s };
    }
  }

  exprList(c: Children): ast.Expr[] {
    return this.nodes(c, 'items').map((n) => this.sub(n));
  }
}

/** C's binary precedence, loosest first. */
const PRECEDENCE: Record<ast.BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** How a non-assignable expression is named in GT1008/GT1009. */
/** `a, b and c`. */
function listWords(ws: string[]): string {
  return ws.length < 2 ? ws.join('') : `${ws.slice(0, -1).join(', ')} and ${ws[ws.length - 1]}`;
}

function describe(e: ast.Expr): string {
  switch (e.kind) {
    case 'Call':
      return `the result of ${e.name}()`;
    case 'Ident':
      return `builtin '${e.name}'`;
    case 'Positional':
      return 'a positional parameter';
    case 'IntLit':
    case 'StrLit':
    case 'BoolLit':
    case 'NilLit':
      return 'a literal';
    case 'Field':
      return 'a field';
    case 'Index':
      return 'an indexed value';
    default:
      return 'an expression';
  }
}
