// Statements typed without a probe run at once, in user space, against the live maps:
//   print(@m)  @m  print(@m[k])  @m[k]  clear(@m)  zero(@m)  delete(@m[k])
// They are parsed by the real grammar inside a synthetic `BEGIN{ ... }` block whose spans are
// shifted back onto the text as typed, so errors point at what the user wrote.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostics.js';
import { parse } from '../../grammar/index.js';
import { SourceFile, span, type Span } from '../../grammar/source.js';
import { suggest } from '../../compiler/passes/suggest.js';
import type { MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../aggregations.js';
import { mapText } from '../printers/text.js';

const PREFIX = 'BEGIN{';
const SUFFIX = '\n}';

/** What statements need from the REPL's maps. */
export interface StatementMaps {
  spec(name: string): MapSpec | undefined;
  names(): string[];
  read(name: string): MapEntry[];
  /** Empties the map; forgets it when no attached probe writes it (its name is free again). */
  clear(name: string): void;
  zero(name: string): void;
  delete(name: string, keys: (bigint | string)[]): boolean;
  /** Histogram bars as wide as the terminal allows (bpftrace's 52 without one). */
  barWidth?(): number | undefined;
}

/** True when the text is the start of a statement that goes on (`print(@lat`): read more. */
export function statementIncomplete(text: string): boolean {
  const open = parse(new SourceFile('stdin', PREFIX + text));
  if (!open.incomplete) return false;
  return hasErrors(parse(new SourceFile('stdin', PREFIX + text + SUFFIX)).diagnostics);
}

type Key = { type: 'int'; value: bigint } | { type: 'str'; value: string };

/** Runs the statements of `text`; returns the diagnostics (output goes to `write`). */
export function runStatements(text: string, fileName: string, maps: StatementMaps, write: (s: string) => void): Diagnostic[] {
  const user = new SourceFile(fileName, text);
  const parsed = parse(new SourceFile(fileName, PREFIX + text + SUFFIX));
  const run = new StatementRun(user, text, maps, write);
  if (!parsed.program) return run.parseErrors(parsed.diagnostics);
  for (const s of parsed.program.probes[0]?.body ?? []) run.statement(s);
  return run.ds;
}

type MapCall = Extract<ast.Expr, { kind: 'Call' }>;

/** What a call at the prompt does to its map, once the map is known (print has its own path). */
const MAP_ACTIONS: Record<string, (r: StatementRun, call: MapCall, ref: ast.MapRef, spec: MapSpec) => void> = {
  delete: (r, _call, ref, spec) => r.deleteEntry(ref, spec),
  clear: (r, call, ref) => r.wholeMap(call, ref, () => r.maps.clear(ref.name)),
  zero: (r, call, ref) => r.wholeMap(call, ref, () => r.maps.zero(ref.name)),
};

/** One input's statements, run in order; each mistake is a diagnostic on the text as typed. */
class StatementRun {
  readonly ds: Diagnostic[] = [];

  constructor(
    private readonly user: SourceFile,
    private readonly text: string,
    readonly maps: StatementMaps,
    private readonly write: (s: string) => void,
  ) {}

  /** A span of the wrapped text, moved back onto the text as typed. */
  back(s: Span): Span {
    const clamp = (o: number) => Math.min(Math.max(o - PREFIX.length, 0), this.text.trimEnd().length);
    return span(this.user, clamp(s.start), clamp(s.end));
  }

  parseErrors(ds: Diagnostic[]): Diagnostic[] {
    // An error in the closing part of the wrapper: the text closed a block it never opened.
    const end = PREFIX.length + this.text.trimEnd().length;
    const brace = this.text.lastIndexOf('}');
    if (brace >= 0 && ds.some((d) => d.span && d.span.start >= end)) return [diag('GT5612', span(this.user, brace, brace + 1))];
    return ds.map((d) => (d.span ? { ...d, span: this.back(d.span) } : d));
  }

  statement(s: ast.Stmt): void {
    if (s.kind === 'ExprStmt' && s.expr.kind === 'MapRef') return this.printRef(s.expr);
    if (s.kind === 'ExprStmt' && s.expr.kind === 'Call' && (s.expr.name === 'print' || Object.hasOwn(MAP_ACTIONS, s.expr.name)))
      return this.call(s.expr);
    this.ds.push(diag('GT5604', this.back(s.span)));
  }

  private call(call: MapCall): void {
    const arg = call.args[0];
    if (call.args.length !== 1 || arg.kind !== 'MapRef') {
      const usage = `${call.name}(@name${call.name === 'delete' || call.name === 'print' ? '[key]' : ''})`;
      this.ds.push(diag('GT5613', this.back(call.span), { fn: call.name, usage }));
      return;
    }
    if (call.name === 'print') return this.printRef(arg);
    const spec = this.mapOf(arg);
    if (spec) MAP_ACTIONS[call.name](this, call, arg, spec);
  }

  private mapOf(ref: ast.MapRef): MapSpec | undefined {
    const spec = this.maps.spec(ref.name);
    if (spec) return spec;
    const known = this.maps.names();
    const near = suggest(ref.name, known);
    const hint = near
      ? `did you mean ${near}?`
      : known.length
        ? `maps so far: ${known.join(', ')}`
        : 'no map exists yet: attach a probe that writes one';
    this.ds.push(diag('GT5601', this.back(ref.span), { name: ref.name }, [hint]));
    return undefined;
  }

  private keysOf(ref: ast.MapRef, spec: MapSpec): Key[] | undefined {
    if (ref.keys.length !== spec.keyCount) {
      const keys = `${spec.keyCount} key${spec.keyCount === 1 ? '' : 's'}`;
      this.ds.push(diag('GT5606', this.back(ref.span), { name: ref.name, keys, count: ref.keys.length }));
      return undefined;
    }
    const out: Key[] = [];
    for (const k of ref.keys) {
      const v = k.kind === 'StrLit' ? ({ type: 'str', value: k.value } as const) : constInt(k);
      if (v === undefined) {
        this.ds.push(diag('GT5605', this.back(k.span)));
        return undefined;
      }
      out.push(typeof v === 'bigint' ? { type: 'int', value: v } : v);
    }
    return out;
  }

  private printRef(ref: ast.MapRef): void {
    const spec = this.mapOf(ref);
    if (!spec) return;
    if (!ref.keys.length) {
      const entries = this.maps.read(ref.name);
      this.write(entries.length ? mapText(spec, entries, this.maps.barWidth?.()) : `${ref.name} is empty\n`);
      return;
    }
    const keys = this.keysOf(ref, spec);
    if (!keys) return;
    const e = this.maps.read(ref.name).find((x) => sameKeys(x, keys));
    if (e) this.write(mapText(spec, [e], this.maps.barWidth?.()));
    else this.ds.push(diag('GT5607', this.back(ref.span), { name: ref.name, key: keyText(keys) }));
  }

  deleteEntry(ref: ast.MapRef, spec: MapSpec): void {
    const keys = this.keysOf(ref, spec);
    if (!keys) return;
    if (keys.some((k, i) => (k.type === 'str') !== (spec.keys[i].type === 'str'))) {
      const kinds = spec.keys
        .slice(0, spec.keyCount)
        .map((f) => (f.type === 'str' ? 'a string' : 'an integer'))
        .join(', ');
      this.ds.push(diag('GT5615', this.back(ref.span), { name: ref.name, kinds }));
      return;
    }
    if (
      !this.maps.delete(
        ref.name,
        keys.map((k) => k.value as bigint | string),
      )
    )
      this.ds.push(diag('GT5607', this.back(ref.span), { name: ref.name, key: keyText(keys) }));
  }

  /** clear() and zero() act on a whole map: no keys. */
  wholeMap(call: MapCall, ref: ast.MapRef, act: () => void): void {
    if (ref.keys.length) this.ds.push(diag('GT5614', this.back(ref.span), { fn: call.name, usage: `${call.name}(${ref.name})` }));
    else act();
  }
}

function sameKeys(e: MapEntry, keys: Key[]): boolean {
  return keys.every((k, i) => {
    const v = e.keys[i] as { type: string; value?: unknown } | undefined;
    return v !== undefined && v.type === k.type && v.value === k.value;
  });
}

function keyText(keys: Key[]): string {
  return `[${keys.map((k) => (k.type === 'str' ? JSON.stringify(k.value) : String(k.value))).join(', ')}]`;
}

/** An integer constant expression (literals, unary and binary arithmetic), or undefined. */
export function constInt(e: ast.Expr): bigint | undefined {
  switch (e.kind) {
    case 'IntLit':
      return e.value;
    case 'Unary': {
      const v = constInt(e.operand);
      if (v === undefined) return undefined;
      return e.op === '-' ? BigInt.asIntN(64, -v) : e.op === '~' ? BigInt.asIntN(64, ~v) : v === 0n ? 1n : 0n;
    }
    case 'Binary': {
      const a = constInt(e.left);
      const b = constInt(e.right);
      if (a === undefined || b === undefined) return undefined;
      const ops: Partial<Record<ast.BinaryOp, () => bigint | undefined>> = {
        '+': () => a + b,
        '-': () => a - b,
        '*': () => a * b,
        '/': () => (b === 0n ? undefined : a / b),
        '%': () => (b === 0n ? undefined : a % b),
        '<<': () => a << b,
        '>>': () => a >> b,
        '&': () => a & b,
        '|': () => a | b,
        '^': () => a ^ b,
      };
      const r = ops[e.op]?.();
      return r === undefined ? undefined : BigInt.asIntN(64, r);
    }
    default:
      return undefined;
  }
}
