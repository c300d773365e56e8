// Semantic checks and facts the code generator needs: which builtins and functions exist, when
// each block runs (entry or return), and one consistent type for every map. Reports located
// diagnostics; never throws for a user's mistake.
import type * as ast from '../../grammar/ast.js';
import { error, type Diagnostic } from '../../grammar/diagnostics.js';
import type { MapKind } from '../manifest.js';
import { suggest } from './suggest.js';

/** Builtins the code generator implements, with where they may be used. */
export const BUILTINS: Record<string, { returnOnly?: boolean; entryArg?: number }> = {
  goid: {},
  pid: {},
  tid: {},
  uid: {},
  gid: {},
  cpu: {},
  nsecs: {},
  elapsed: {},
  retval: { returnOnly: true },
  arg0: { entryArg: 0 },
  arg1: { entryArg: 1 },
  arg2: { entryArg: 2 },
  arg3: { entryArg: 3 },
  arg4: { entryArg: 4 },
  arg5: { entryArg: 5 },
  arg6: { entryArg: 6 },
  arg7: { entryArg: 7 },
  arg8: { entryArg: 8 },
};

/** Aggregating functions and their map kind; `count()` takes no argument, the others one. */
export const AGGREGATIONS: Record<string, MapKind> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  stats: 'stats',
  hist: 'hist',
  lhist: 'lhist',
};

export interface MapInfo {
  name: string;
  kind: MapKind;
  keyCount: number;
  /** Where the map got its type, for "used inconsistently" messages. */
  firstUse: ast.Span;
  lhist?: { min: number; max: number; step: number };
}

export interface BlockInfo {
  block: ast.Probe;
  index: number;
  /** The block runs when the call returns (uretprobe, or a uprobe block reading elapsed/retval). */
  atReturn: boolean;
  /** Scratch variables assigned in the block. */
  vars: string[];
}

export interface SemanticResult {
  blocks: BlockInfo[];
  maps: Map<string, MapInfo>;
  diagnostics: Diagnostic[];
}

const KNOWN_CALLS = [...Object.keys(AGGREGATIONS)];

export function analyze(program: ast.Program): SemanticResult {
  const diagnostics: Diagnostic[] = [];
  const maps = new Map<string, MapInfo>();
  const blocks: BlockInfo[] = [];

  program.probes.forEach((probe, index) => {
    const isUprobe = probe.specs.every((s) => s.kind === 'UprobeSpec');
    for (const s of probe.specs) {
      if (s.kind !== 'UprobeSpec')
        diagnostics.push(
          error('GT2010', `${s.type} probes are not supported yet`, s.span, [
            'this version traces uprobe: and uretprobe: probes',
          ]),
        );
    }
    const types = new Set(probe.specs.map((s) => (s.kind === 'UprobeSpec' ? s.type : s.type)));
    const uses = usesOf(probe);
    const atReturn = isUprobe && (types.has('uretprobe') || uses.returnTime);
    if (types.has('uretprobe') && types.has('uprobe') && !uses.returnTime) {
      diagnostics.push(
        error('GT2011', 'uprobe and uretprobe specs cannot share a block', probe.span, [
          'give each its own block',
        ]),
      );
    }
    const vars = new Set<string>();
    const ctx: Ctx = { diagnostics, maps, vars, atReturn, isUprobe };
    if (probe.predicate) checkExpr(probe.predicate, ctx);
    checkStmts(probe.body, ctx);
    blocks.push({ block: probe, index, atReturn, vars: [...vars] });
  });
  return { blocks, maps, diagnostics };
}

interface Ctx {
  diagnostics: Diagnostic[];
  maps: Map<string, MapInfo>;
  vars: Set<string>;
  atReturn: boolean;
  isUprobe: boolean;
}

/** Does the block read anything that exists only at return? Then it runs at return. */
function usesOf(probe: ast.Probe): { returnTime: boolean } {
  let returnTime = false;
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as { kind?: string; name?: string };
    if (node.kind === 'Ident' && (node.name === 'elapsed' || node.name === 'retval')) returnTime = true;
    for (const [k, v] of Object.entries(n)) if (k !== 'span' && k !== 'nameSpan' && k !== 'fieldSpan') visit(v);
  };
  visit(probe.predicate);
  visit(probe.body);
  return { returnTime };
}

function checkStmts(stmts: ast.Stmt[], ctx: Ctx): void {
  for (const s of stmts) checkStmt(s, ctx);
}

function checkStmt(s: ast.Stmt, ctx: Ctx): void {
  switch (s.kind) {
    case 'ExprStmt':
      if (s.expr.kind === 'Call' && AGGREGATIONS[s.expr.name] !== undefined) {
        ctx.diagnostics.push(
          error('GT2020', `${s.expr.name}() must be assigned to a map`, s.expr.span, [
            `write @name = ${s.expr.name}(...)`,
          ]),
        );
        return;
      }
      checkExpr(s.expr, ctx);
      return;
    case 'AssignStmt': {
      if (s.target.kind === 'VarRef') {
        if (s.value.kind === 'Call' && AGGREGATIONS[s.value.name] !== undefined) {
          ctx.diagnostics.push(
            error('GT2021', `${s.value.name}() can only be assigned to a map, not to a variable`, s.value.span),
          );
          return;
        }
        if (s.op !== '=' && !ctx.vars.has(s.target.name))
          ctx.diagnostics.push(error('GT2002', `Undefined variable: ${s.target.name}`, s.target.span));
        checkExpr(s.value, ctx);
        ctx.vars.add(s.target.name);
        return;
      }
      for (const k of s.target.keys) checkExpr(k, ctx);
      if (s.value.kind === 'Call' && AGGREGATIONS[s.value.name] !== undefined) {
        if (s.op !== '=') {
          ctx.diagnostics.push(error('GT2022', `${s.value.name}() cannot be used with ${s.op}`, s.span));
          return;
        }
        checkAggregation(s.target, s.value, ctx);
        return;
      }
      checkExpr(s.value, ctx);
      useMap(s.target, 'int', ctx);
      return;
    }
    case 'IncDecStmt':
      if (s.target.kind === 'VarRef') {
        if (!ctx.vars.has(s.target.name))
          ctx.diagnostics.push(error('GT2002', `Undefined variable: ${s.target.name}`, s.target.span));
      } else {
        for (const k of s.target.keys) checkExpr(k, ctx);
        useMap(s.target, 'int', ctx);
      }
      return;
    case 'IfStmt':
      checkExpr(s.cond, ctx);
      checkStmts(s.then, ctx);
      if (s.else) checkStmts(s.else, ctx);
      return;
    case 'BlockStmt':
      checkStmts(s.body, ctx);
      return;
    case 'UnrollStmt':
      if (s.count < 1 || s.count > 100)
        ctx.diagnostics.push(error('GT2030', 'unroll count must be between 1 and 100', s.span));
      checkStmts(s.body, ctx);
      return;
    case 'ReturnStmt':
      return;
    case 'WhileStmt':
      ctx.diagnostics.push(error('GT2010', 'while loops are not supported yet', s.span, ['use unroll(N) { }']));
      return;
  }
}

function checkAggregation(target: ast.MapRef, call: Extract<ast.Expr, { kind: 'Call' }>, ctx: Ctx): void {
  const kind = AGGREGATIONS[call.name];
  const want = kind === 'count' ? 0 : kind === 'lhist' ? 4 : 1;
  if (call.args.length !== want) {
    ctx.diagnostics.push(
      error(
        'GT2023',
        `${call.name}() takes ${want === 0 ? 'no arguments' : want === 1 ? '1 argument' : `${want} arguments`}, found ${call.args.length}`,
        call.span,
        kind === 'lhist' ? ['lhist(value, min, max, step)'] : [],
      ),
    );
    return;
  }
  call.args.forEach((a) => checkExpr(a, ctx));
  let lhist: MapInfo['lhist'];
  if (kind === 'lhist') {
    const nums = call.args.slice(1).map((a) => (a.kind === 'IntLit' ? Number(a.value) : NaN));
    if (nums.some((n) => Number.isNaN(n))) {
      ctx.diagnostics.push(error('GT2024', 'lhist() min, max and step must be integer literals', call.span));
      return;
    }
    const [min, max, step] = nums;
    if (step <= 0 || max <= min || (max - min) / step > 1000) {
      ctx.diagnostics.push(
        error('GT2025', 'lhist() needs min < max, step > 0 and at most 1000 buckets', call.span),
      );
      return;
    }
    lhist = { min, max, step };
  }
  useMap(target, kind, ctx, lhist);
}

function useMap(ref: ast.MapRef, kind: MapKind, ctx: Ctx, lhist?: MapInfo['lhist']): void {
  const prev = ctx.maps.get(ref.name);
  if (!prev) {
    ctx.maps.set(ref.name, { name: ref.name, kind, keyCount: ref.keys.length, firstUse: ref.span, lhist });
    return;
  }
  if (prev.keyCount !== ref.keys.length) {
    ctx.diagnostics.push(
      error(
        'GT2040',
        `${ref.name} used with ${ref.keys.length} key${ref.keys.length === 1 ? '' : 's'} here but ${prev.keyCount} elsewhere`,
        ref.span,
      ),
    );
  } else if (prev.kind !== kind) {
    ctx.diagnostics.push(
      error('GT2041', `${ref.name} holds ${describe(prev.kind)} elsewhere, ${describe(kind)} here`, ref.span, [
        'a map keeps one type of value',
      ]),
    );
  }
}

function describe(k: MapKind): string {
  return k === 'int' ? 'integers' : `${k}()`;
}

function checkExpr(e: ast.Expr, ctx: Ctx): void {
  switch (e.kind) {
    case 'IntLit':
    case 'BoolLit':
      return;
    case 'StrLit':
    case 'NilLit':
    case 'Tuple':
    case 'Field':
    case 'Index':
    case 'Positional':
      ctx.diagnostics.push(error('GT2010', `${describeExpr(e)} is not supported yet`, e.span));
      return;
    case 'Ident': {
      const b = BUILTINS[e.name];
      if (!b) {
        const near = suggest(e.name, Object.keys(BUILTINS));
        ctx.diagnostics.push(
          error('GT2001', `Unknown identifier: '${e.name}'`, e.span, near ? [`did you mean '${near}'?`] : []),
        );
        return;
      }
      if (!ctx.isUprobe)
        ctx.diagnostics.push(error('GT2003', `${e.name} is only available in uprobe and uretprobe blocks`, e.span));
      return;
    }
    case 'VarRef':
      if (!ctx.vars.has(e.name)) ctx.diagnostics.push(error('GT2002', `Undefined variable: ${e.name}`, e.span));
      return;
    case 'MapRef': {
      e.keys.forEach((k) => checkExpr(k, ctx));
      const m = ctx.maps.get(e.name);
      if (m && m.kind !== 'int')
        ctx.diagnostics.push(
          error('GT2026', `${e.name} holds ${m.kind}() and cannot be used as a value`, e.span, [
            'aggregations are read in user space: print(' + e.name + ')',
          ]),
        );
      else useMap(e, 'int', ctx);
      return;
    }
    case 'Call': {
      if (AGGREGATIONS[e.name] !== undefined) {
        ctx.diagnostics.push(error('GT2020', `${e.name}() must be assigned to a map`, e.span));
        return;
      }
      const near = suggest(e.name, KNOWN_CALLS);
      ctx.diagnostics.push(
        error('GT2004', `Unknown function: '${e.name}'`, e.nameSpan, near ? [`did you mean '${near}'?`] : []),
      );
      return;
    }
    case 'Unary':
      checkExpr(e.operand, ctx);
      return;
    case 'Binary':
      checkExpr(e.left, ctx);
      checkExpr(e.right, ctx);
      if ((e.op === '/' || e.op === '%') && e.right.kind === 'IntLit' && e.right.value === 0n)
        ctx.diagnostics.push(error('GT2050', 'division by zero', e.right.span));
      return;
    case 'Ternary':
      checkExpr(e.cond, ctx);
      checkExpr(e.then, ctx);
      checkExpr(e.else, ctx);
      return;
    case 'Cast':
      checkExpr(e.operand, ctx);
      return;
  }
}

function describeExpr(e: ast.Expr): string {
  switch (e.kind) {
    case 'StrLit':
      return 'a string';
    case 'NilLit':
      return 'nil';
    case 'Tuple':
      return 'a tuple';
    case 'Field':
      return 'field access';
    case 'Index':
      return 'indexing';
    case 'Positional':
      return 'a positional parameter';
    default:
      return e.kind;
  }
}
