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
  const wrapped = new SourceFile(fileName, PREFIX + text + SUFFIX);
  const back = (s: Span): Span => {
    const clamp = (o: number) => Math.min(Math.max(o - PREFIX.length, 0), text.trimEnd().length);
    return span(user, clamp(s.start), clamp(s.end));
  };
  const parsed = parse(wrapped);
  if (!parsed.program) {
    // An error in the closing part of the wrapper: the text closed a block it never opened.
    const end = PREFIX.length + text.trimEnd().length;
    const brace = text.lastIndexOf('}');
    if (brace >= 0 && parsed.diagnostics.some((d) => d.span && d.span.start >= end))
      return [diag('GT5612', span(user, brace, brace + 1))];
    return parsed.diagnostics.map((d) => (d.span ? { ...d, span: back(d.span) } : d));
  }
  const ds: Diagnostic[] = [];
  const body = parsed.program.probes[0]?.body ?? [];

  const mapOf = (ref: ast.MapRef): MapSpec | undefined => {
    const spec = maps.spec(ref.name);
    if (!spec) {
      const known = maps.names();
      const near = suggest(ref.name, known);
      ds.push(
        diag('GT5601', back(ref.span), { name: ref.name }, [
          near ? `did you mean ${near}?` : known.length ? `maps so far: ${known.join(', ')}` : 'no map exists yet: attach a probe that writes one',
        ]),
      );
    }
    return spec;
  };
  const keysOf = (ref: ast.MapRef, spec: MapSpec): Key[] | undefined => {
    if (ref.keys.length !== spec.keyCount) {
      ds.push(diag('GT5606', back(ref.span), { name: ref.name, keys: `${spec.keyCount} key${spec.keyCount === 1 ? '' : 's'}`, count: ref.keys.length }));
      return undefined;
    }
    const out: Key[] = [];
    for (const k of ref.keys) {
      const v = k.kind === 'StrLit' ? ({ type: 'str', value: k.value } as const) : constInt(k);
      if (v === undefined) {
        ds.push(diag('GT5605', back(k.span)));
        return undefined;
      }
      out.push(typeof v === 'bigint' ? { type: 'int', value: v } : v);
    }
    return out;
  };
  const printRef = (ref: ast.MapRef): void => {
    const spec = mapOf(ref);
    if (!spec) return;
    if (!ref.keys.length) {
      const entries = maps.read(ref.name);
      write(entries.length ? mapText(spec, entries) : `${ref.name} is empty\n`);
      return;
    }
    const keys = keysOf(ref, spec);
    if (!keys) return;
    const e = maps.read(ref.name).find((x) => sameKeys(x, keys));
    if (e) write(mapText(spec, [e]));
    else ds.push(diag('GT5607', back(ref.span), { name: ref.name, key: keyText(keys) }));
  };

  for (const s of body) {
    if (s.kind === 'ExprStmt' && s.expr.kind === 'MapRef') {
      printRef(s.expr);
      continue;
    }
    if (s.kind === 'ExprStmt' && s.expr.kind === 'Call' && ['print', 'clear', 'zero', 'delete'].includes(s.expr.name)) {
      const call = s.expr;
      const arg = call.args[0];
      if (call.args.length !== 1 || arg.kind !== 'MapRef') {
        const usage = `${call.name}(@name${call.name === 'delete' || call.name === 'print' ? '[key]' : ''})`;
        ds.push(diag('GT5613', back(call.span), { fn: call.name, usage }));
        continue;
      }
      if (call.name === 'print') {
        printRef(arg);
        continue;
      }
      const spec = mapOf(arg);
      if (!spec) continue;
      if (call.name === 'delete') {
        const keys = keysOf(arg, spec);
        if (!keys) continue;
        if (keys.some((k, i) => (k.type === 'str') !== (spec.keys[i].type === 'str'))) {
          const kinds = spec.keys.slice(0, spec.keyCount).map((f) => (f.type === 'str' ? 'a string' : 'an integer')).join(', ');
          ds.push(diag('GT5615', back(arg.span), { name: arg.name, kinds }));
          continue;
        }
        if (!maps.delete(arg.name, keys.map((k) => k.value as bigint | string)))
          ds.push(diag('GT5607', back(arg.span), { name: arg.name, key: keyText(keys) }));
        continue;
      }
      if (arg.keys.length) {
        ds.push(diag('GT5614', back(arg.span), { fn: call.name, usage: `${call.name}(${arg.name})` }));
        continue;
      }
      if (call.name === 'clear') maps.clear(arg.name);
      else maps.zero(arg.name);
      continue;
    }
    ds.push(diag('GT5604', back(s.span)));
  }
  return ds;
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
