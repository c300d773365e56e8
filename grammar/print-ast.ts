// A compact S-expression form of the AST, for tests, golden files and `--dump-ast`.
// Spans are left out; literals are shown by value. The forms:
//   (probe {} SPEC... [(pred E)] STMT...)   blockStyle {} or <>
//   (uprobe "main.f") (uretprobe "/bin/app" "main.f") BEGIN END (interval s 1) (profile hz 99)
//   (= @m[k] v) (+= $x 1) (++ @m) (if C (then S...) (else S...)) (while C S...) (unroll 4 S...)
//   (return) (block S...)
//   5 "str" true nil pid $1 $# $x @m (@m k1 k2) (call count a) (neg x) (! x) (~ x) (+ a b)
//   (? c a b) (. obj field) ([] obj i) (tuple a b) (cast u32 x)
import type * as ast from './ast.js';

export function printProgram(p: ast.Program): string {
  const head = p.shebang !== undefined ? [`(shebang ${JSON.stringify(p.shebang)})`] : [];
  return [...head, ...p.probes.map((pr) => printProbe(pr))].join('\n');
}

export function printProbe(p: ast.Probe, indent = ''): string {
  const head = [`probe ${p.blockStyle === 'angle' ? '<>' : '{}'}`, ...p.specs.map(printSpec)];
  if (p.predicate) head.push(`(pred ${printExpr(p.predicate)})`);
  return `${indent}(${head.join(' ')}${printBody(p.body, indent + '  ')})`;
}

function printBody(body: ast.Stmt[], indent: string): string {
  return body.map((s) => `\n${indent}${printStmt(s, indent)}`).join('');
}

export function printSpec(s: ast.ProbeSpec): string {
  switch (s.kind) {
    case 'UprobeSpec':
      return `(${s.type}${s.path !== undefined ? ` ${JSON.stringify(s.path)}` : ''} ${JSON.stringify(s.func)})`;
    case 'SpecialSpec':
      return s.type;
    case 'IntervalSpec':
      return `(${s.type} ${s.unit} ${s.value})`;
    case 'TracepointSpec':
      return `(${s.type} ${s.category} ${s.name})`;
  }
}

export function printStmt(s: ast.Stmt, indent = ''): string {
  const inner = indent + '  ';
  switch (s.kind) {
    case 'ExprStmt':
      return printExpr(s.expr);
    case 'AssignStmt':
      return `(${s.op} ${printExpr(s.target)} ${printExpr(s.value)})`;
    case 'IncDecStmt':
      return `(${s.op} ${printExpr(s.target)})`;
    case 'IfStmt': {
      const els = s.else ? `\n${inner}(else${printBody(s.else, inner + '  ')})` : '';
      return `(if ${printExpr(s.cond)}\n${inner}(then${printBody(s.then, inner + '  ')})${els})`;
    }
    case 'WhileStmt':
      return `(while ${printExpr(s.cond)}${printBody(s.body, inner)})`;
    case 'UnrollStmt':
      return `(unroll ${s.count}${printBody(s.body, inner)})`;
    case 'ReturnStmt':
      return '(return)';
    case 'BlockStmt':
      return `(block${printBody(s.body, inner)})`;
  }
}

export function printExpr(e: ast.Expr): string {
  switch (e.kind) {
    case 'IntLit':
      return e.value.toString();
    case 'StrLit':
      return JSON.stringify(e.value);
    case 'BoolLit':
      return String(e.value);
    case 'NilLit':
      return 'nil';
    case 'Ident':
      return e.name;
    case 'Positional':
      return `$${e.index}`;
    case 'MapRef':
      return e.keys.length ? `(${e.name} ${e.keys.map(printExpr).join(' ')})` : e.name;
    case 'VarRef':
      return e.name;
    case 'Call':
      return `(call ${e.name}${e.args.map((a) => ' ' + printExpr(a)).join('')})`;
    case 'Unary':
      return `(${e.op === '-' ? 'neg' : e.op} ${printExpr(e.operand)})`;
    case 'Binary':
      return `(${e.op} ${printExpr(e.left)} ${printExpr(e.right)})`;
    case 'Ternary':
      return `(? ${printExpr(e.cond)} ${printExpr(e.then)} ${printExpr(e.else)})`;
    case 'Field':
      return `(. ${printExpr(e.object)} ${e.field})`;
    case 'Index':
      return `([] ${printExpr(e.object)} ${printExpr(e.index)})`;
    case 'Tuple':
      return `(tuple ${e.elements.map(printExpr).join(' ')})`;
    case 'Cast':
      return `(cast ${e.type} ${printExpr(e.operand)})`;
  }
}
