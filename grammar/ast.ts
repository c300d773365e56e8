// The gotrace abstract syntax tree: discriminated unions, every node carrying its source span.
// The parser (CST) is Chevrotain's; ast-builder.ts turns the CST into these nodes, and every pass
// after it reads only this file's types.
import type { FunctionKind, KeywordKind, RateKind, TracepointKind } from './probe-kinds.js';
import type { Span } from './source.js';

/** Re-exported so passes can write `ast.Span`. */
export type { Span } from './source.js';

export interface Program {
  kind: 'Program';
  span: Span;
  /** The `#!...` first line, if any. */
  shebang?: string;
  probes: Probe[];
  /** `macro` definitions (expanded into the probes by grammar/macros.ts), imported ones too. */
  macros?: MacroDef[];
  /** `config = { key = value }` settings, in order (grammar/config.ts reads them). */
  config?: ConfigSetting[];
  /** `import "file.gt"` lines, as written (grammar/imports.ts merges the files). */
  imports?: Import[];
  /** Absolute paths of every file imported, directly or not: what the program was made of
   *  besides its own text (the script cache checks them). */
  importedFiles?: string[];
}

/** One `key = value` of a `config = { ... }` block. */
export interface ConfigSetting {
  kind: 'ConfigSetting';
  span: Span;
  key: string;
  /** A string's text, a number, or a bare word as written. */
  value: string | number;
  valueSpan: Span;
}

export interface Import {
  kind: 'Import';
  span: Span;
  /** The path as written, relative to the importing script's folder. */
  path: string;
}

/** A macro parameter: `$x` takes a variable, `@m` a map, a bare name any expression. */
export interface MacroParam {
  kind: 'var' | 'map' | 'expr';
  name: string;
  span: Span;
}

export interface MacroDef {
  kind: 'MacroDef';
  span: Span;
  name: string;
  nameSpan: Span;
  params: MacroParam[];
  body: Stmt[];
  /** The body ends with an expression and no `;`: the macro's value. */
  valued: boolean;
}

/** One block with the probe specs that share it: `uprobe:a, uprobe:b /pred/ { ... }`. */
export interface Probe {
  kind: 'Probe';
  span: Span;
  specs: ProbeSpec[];
  predicate?: Expr;
  body: Stmt[];
  /** Which delimiters the block was written with: `{ }` or the mission's `< >`. */
  blockStyle: 'brace' | 'angle';
}

/** One spec per form of grammar/probe-kinds.ts; `type` is the probe kind (its row there). */
export type ProbeSpec =
  | { kind: 'UprobeSpec'; span: Span; type: FunctionKind; path?: string; func: string }
  | { kind: 'SpecialSpec'; span: Span; type: KeywordKind }
  | { kind: 'IntervalSpec'; span: Span; type: RateKind; unit: string; value: number }
  /** `tracepoint:CATEGORY:NAME`; NAME may hold `*` wildcards. */
  | { kind: 'TracepointSpec'; span: Span; type: TracepointKind; category: string; name: string };

export type Stmt =
  | { kind: 'ExprStmt'; span: Span; expr: Expr }
  /** `@m[k] = e`, `@m = e`, `$v = e`, and compound forms (op is '=' or '+=', '-=', ...). */
  | { kind: 'AssignStmt'; span: Span; target: MapRef | VarRef; op: AssignOp; value: Expr }
  /** `@m[k]++`, `$x--` (prefix or postfix: the statement form does not care). */
  | { kind: 'IncDecStmt'; span: Span; target: MapRef | VarRef; op: '++' | '--' }
  | { kind: 'IfStmt'; span: Span; cond: Expr; then: Stmt[]; else?: Stmt[] }
  | { kind: 'UnrollStmt'; span: Span; count: number; body: Stmt[] }
  | { kind: 'WhileStmt'; span: Span; cond: Expr; body: Stmt[] }
  | { kind: 'ReturnStmt'; span: Span }
  | { kind: 'BlockStmt'; span: Span; body: Stmt[] };

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=';

export type BinaryOp = '*' | '/' | '%' | '+' | '-' | '<<' | '>>' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&' | '^' | '|' | '&&' | '||';

/** `name` as written, sigil included: `@lat`, or `@` for the anonymous map. */
export interface MapRef {
  kind: 'MapRef';
  span: Span;
  name: string;
  keys: Expr[];
}
/** `name` as written, sigil included: `$x`. */
export interface VarRef {
  kind: 'VarRef';
  span: Span;
  name: string;
}

export type Expr =
  | { kind: 'IntLit'; span: Span; value: bigint; text: string }
  | { kind: 'StrLit'; span: Span; value: string }
  | { kind: 'BoolLit'; span: Span; value: boolean }
  | { kind: 'NilLit'; span: Span }
  /** A builtin such as goid, pid, elapsed, arg0, args, retval. */
  | { kind: 'Ident'; span: Span; name: string }
  | { kind: 'Positional'; span: Span; index: number | '#' }
  | MapRef
  | VarRef
  | { kind: 'Call'; span: Span; name: string; nameSpan: Span; args: Expr[] }
  | { kind: 'Unary'; span: Span; op: '-' | '!' | '~'; operand: Expr }
  | { kind: 'Binary'; span: Span; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'Ternary'; span: Span; cond: Expr; then: Expr; else: Expr }
  | { kind: 'Field'; span: Span; object: Expr; field: string; fieldSpan: Span }
  | { kind: 'Index'; span: Span; object: Expr; index: Expr }
  | { kind: 'Tuple'; span: Span; elements: Expr[] }
  /** An integer cast (`(u32)x`), or a Go pointer cast (`(*net/http.Request)(x)`: type starts with `*`). */
  | { kind: 'Cast'; span: Span; type: string; operand: Expr };

export type Node = Program | Probe | ProbeSpec | Stmt | Expr;
