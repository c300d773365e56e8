// TAB completion: probe types at the start of a probe, the target's function names after
// `uprobe:` (grouped by the next package or type boundary when there are many), builtins and
// functions inside blocks, map names after `@`, dot-commands and their arguments.
import { GO_PROBES, goProbe, type GoProbe } from '../../compiler/go/goruntime.js';
import fs from 'node:fs';
import path from 'node:path';
import { AGGREGATIONS, BUILTINS } from '../../compiler/passes/semantic.js';
import { PROBE_KINDS } from '../../grammar/probe-kinds.js';
import { isGlob } from '../../compiler/go/glob.js';

export interface CompletionSource {
  /** Function names of the target, sorted, unique. */
  functions(): string[];
  maps(): string[];
  probeIds(): number[];
  commands(): string[];
  /** Parameter and result names of a function (args.NAME, rets.NAME or rets.N), if known. */
  params?(func: string): { args: string[]; rets: string[] } | undefined;
  /** Field names after args.NAME.F... (`path` starts with the parameter), through pointers. */
  fields?(func: string, kind: 'args' | 'rets', path: string[]): string[] | undefined;
}

/** How each probe kind starts (grammar/probe-kinds.ts): `uprobe:`, `BEGIN`, `profile:`, ... */
export const PROBE_STARTS = PROBE_KINDS.map((r) => (r.form === 'none' ? r.kind : r.kind + ':'));
/** What runs at the prompt without a probe. */
export const PROMPT_FUNCTIONS = ['print', 'clear', 'delete', 'zero'];
/** Builtins and functions of the language, as far as the checker knows them, plus the common
 *  bpftrace ones. */
export function languageWords(): string[] {
  const words = new Set<string>([
    ...Object.keys(BUILTINS),
    ...Object.keys(AGGREGATIONS),
    ...['goid', 'pid', 'tid', 'comm', 'cpu', 'nsecs', 'elapsed', 'retval', 'args', 'func', 'probe'],
    ...['count', 'sum', 'avg', 'min', 'max', 'stats', 'hist', 'lhist', 'print', 'clear', 'delete', 'zero', 'printf', 'exit', 'percentile'],
  ]);
  return [...words].sort();
}

/** More candidates than this are grouped at the next `.`, `/` or `(`. */
const GROUP_OVER = 60;

export function functionCandidates(all: readonly string[], prefix: string): string[] {
  const matches = all.filter((n) => n.startsWith(prefix));
  if (matches.length <= GROUP_OVER) return matches;
  const groups = new Map<string, string[]>();
  for (const n of matches) {
    const rest = n.slice(prefix.length);
    const i = rest.search(/[./(]/);
    const g = i < 0 ? n : prefix + rest.slice(0, i + 1);
    groups.set(g, [...(groups.get(g) ?? []), n]);
  }
  // A group of one is shown as the name itself.
  return [...groups].map(([g, names]) => (names.length === 1 ? names[0] : g)).sort();
}

function fileCandidates(prefix: string): string[] {
  const dir = prefix.endsWith('/') ? prefix : path.dirname(prefix);
  const base = prefix.endsWith('/') ? '' : path.basename(prefix);
  const shown =
    prefix.endsWith('/') || prefix.includes('/') ? (dir === '.' && !prefix.startsWith('./') ? '' : dir.replace(/\/?$/, '/')) : '';
  try {
    return fs
      .readdirSync(dir || '.', { withFileTypes: true })
      .filter((e) => e.name.startsWith(base) && (base.startsWith('.') || !e.name.startsWith('.')))
      .map((e) => shown + e.name + (e.isDirectory() ? '/' : ''))
      .sort();
  } catch {
    return [];
  }
}

/** The function of the last probe spec in `line` (none for a wildcard). */
function probeFunction(line: string): string | undefined {
  const probe = [...line.matchAll(/(?:^|[\s,}>])(?:uprobe|uretprobe|u|ur):(?:[^\s,{}<>;]*:)?([^\s,{}<>;:]+)/g)].pop();
  return probe && !isGlob(probe[1]) ? probe[1] : undefined;
}

/** The go: probe of the last probe spec in `line`, when it is one. */
function lastGoProbe(line: string): GoProbe | undefined {
  const spec = [...line.matchAll(/(?:^|[\s,}>])(uprobe|uretprobe|u|ur|go):([^\s,{}<>;]*)/g)].pop();
  return spec?.[1] === 'go' ? goProbe(spec[2]!) : undefined;
}

/** `typed` is `args.`, `args.na` or `args.o.C`: parameters first, then fields. */
function goValueCandidates(line: string, typed: string, kind: 'args' | 'rets', path: string, src: CompletionSource): string[] {
  const func = probeFunction(line.slice(0, line.length - typed.length));
  if (!func) return [];
  if (path) {
    const steps = path.slice(1).split('.');
    const fields = src.fields?.(func, kind, steps) ?? [];
    return fields.map((f) => `${kind}${path}.${f}`).filter((n) => n.startsWith(typed));
  }
  const p = src.params?.(func);
  const names = p ? [...p.args.map((a) => `args.${a}`), ...p.rets.map((r) => `rets.${r}`)] : [];
  return names.filter((n) => n.startsWith(typed));
}

/** readline's completer: [candidates, the text they replace] for the line up to the cursor. */
export function complete(line: string, src: CompletionSource): [string[], string] {
  let m = /^\s*(\.\w*)$/.exec(line);
  if (m) {
    const typed = m[1];
    return [
      src
        .commands()
        .map((c) => '.' + c)
        .filter((c) => c.startsWith(typed)),
      typed,
    ];
  }
  m = /^\s*\.(\w+)\s+(.*)$/.exec(line);
  if (m) {
    const [, cmd, arg] = m;
    if (cmd === 'funcs' || cmd === 'args') return [functionCandidates(src.functions(), arg), arg];
    if (cmd === 'detach') return [['all', ...src.probeIds().map(String)].filter((c) => c.startsWith(arg)), arg];
    if (cmd === 'load' || cmd === 'save' || cmd === 'target') return [fileCandidates(arg), arg];
    return [[], arg];
  }
  // After a probe type: the target's functions.
  m = /(?:^|[\s,{};>])(?:uprobe|uretprobe|u|ur):([^\s,{}<>;:]*)$/.exec(line);
  if (m) return [functionCandidates(src.functions(), m[1]), m[1]];

  // After go:, the provider's probes; args. in a go: block, its fields (compiler/go/goruntime.ts).
  m = /(?:^|[\s,{};>])go:([A-Za-z_]*)$/.exec(line);
  if (m) return [GO_PROBES.map((p) => p.name).filter((n) => n.startsWith(m![1])), m[1]];
  m = /\bargs\.([A-Za-z0-9_]*)$/.exec(line);
  const go = m && lastGoProbe(line);
  if (m && go) return [go.fields.map((f) => `args.${f.name}`).filter((n) => n.startsWith(m![0])), m[0]];

  // args.NAME, rets.NAME and their fields, of the function of the probe being typed.
  m = /\b((args|rets)((?:\.[A-Za-z0-9_]+)*)\.[A-Za-z0-9_]*)$/.exec(line);
  if (m) return [goValueCandidates(line, m[1], m[2] as 'args' | 'rets', m[3], src), m[1]];
  m = /(@[A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)$/.exec(line);
  const word = m ? m[1] : '';
  const before = line.slice(0, line.length - word.length);
  if (word.startsWith('@')) return [src.maps().filter((n) => n.startsWith(word)), word];
  // At the start of an input (or after a closed block) a probe or a prompt statement begins.
  const atStart = /^\s*$/.test(before) || /[}>]\s*$/.test(before);
  const words = atStart ? [...PROBE_STARTS, ...PROMPT_FUNCTIONS.map((f) => f + '(')] : languageWords();
  return [words.filter((w) => w.startsWith(word)), word];
}
