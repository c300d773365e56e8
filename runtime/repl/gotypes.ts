// Go types from the target's DWARF, for the REPL: the fields TAB offers after `args.o.` and what
// `.types NAME` shows. Reading a field goes through pointers (args.o.C on a *T reads T's C, as
// the language does), named types and typedefs.
import { typeString } from '../../compiler/go/abi.js';
import type { GoType } from '../../compiler/go/dwarf-types.js';

/** The struct behind pointers and names, if any. */
export function structOf(t: GoType | undefined): Extract<GoType, { kind: 'struct' }> | undefined {
  for (let i = 0; t && i < 16; i++) {
    if (t.kind === 'struct') return t;
    t = t.kind === 'named' ? t.underlying : t.kind === 'pointer' ? t.elem : undefined;
  }
  return undefined;
}

/** The field names reachable after `path` (field names) from `t`; undefined when the path does
 *  not lead to a struct. */
export function fieldNames(t: GoType | undefined, path: string[]): string[] | undefined {
  for (const name of path) t = structOf(t)?.members.find((m) => m.name === name)?.type;
  return structOf(t)?.members.map((m) => m.name);
}

/** `.types NAME`: the type, then one line per field with its offset and type. */
export function typeLines(name: string, t: GoType): string[] {
  const s = structOf(t);
  const head = `${name}: ${t.kind === 'struct' ? 'struct' : typeString(t)}, ${t.size} bytes`;
  if (!s) return [head];
  const lines = [s === t ? head : `${head} (${typeString(s)})`];
  const width = Math.max(4, ...s.members.map((m) => m.name.length));
  for (const m of s.members)
    lines.push(`    +${String(m.offset).padEnd(5)} ${m.name.padEnd(width)}  ${typeString(m.type)}${m.embedded ? ' (embedded)' : ''}`);
  return lines;
}
