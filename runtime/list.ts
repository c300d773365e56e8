// `gotrace -l` and `-lv`: the probes a pattern matches in a Go binary and,
// verbosely, what each probe can read, like bpftrace's `-lv`:
//
//   uprobe:main.(*Server).Handle
//       args.s *main.Server  RAX
//       args.req string  RBX,RCX
//       rets.0 int  RAX
//       rets.1 error  RBX,RCX
//       entry +0xe (after stack check), 2 returns
//
// Locations are where the value is at the probe: arguments at the entry
// probe, results at the return probes ([SP+N] is relative to SP at entry).
import { GoBinary, GoFunc, locationString, typeString } from '../compiler/go/binary.js';
import type { AbiValue } from '../compiler/go/binary.js';
import { GO_HOOKS, GO_PROBES } from '../compiler/go/goruntime.js';
import { diag } from '../grammar/catalog/index.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import { findTracepoints, readFormat, tracefsRoot, type TracepointField } from '../compiler/kernel/tracefs.js';

const PROBE_TYPES: Record<string, string> = { uprobe: 'uprobe', u: 'uprobe', uretprobe: 'uretprobe', ur: 'uretprobe' };

/**
 * Output lines for `-l PATTERN` (verbose: `-lv`). PATTERN is
 * `[TYPE:][PATH:]FUNC`, TYPE uprobe/u/uretprobe/ur (default uprobe), FUNC a
 * glob (`main.*`, empty for all); a PATH is kept in the printed probes so
 * they can be pasted back. Functions are sorted by name, each name once
 * (generic code has a body per shape: verbose output describes each).
 */
export function listFunctions(bin: GoBinary, pattern: string, verbose: boolean): string[] {
  let type = 'uprobe';
  let rest = pattern;
  const t = /^([a-z]+):(.*)$/s.exec(rest);
  if (t && PROBE_TYPES[t[1]!]) {
    type = PROBE_TYPES[t[1]!]!;
    rest = t[2]!;
  }
  let prefix = '';
  const p = /^((?:\/|\.\.?\/)[^:]*):(.*)$/s.exec(rest);
  if (p) {
    prefix = `${p[1]}:`;
    rest = p[2]!;
  }
  const byName = new Map<string, GoFunc[]>();
  for (const f of bin.findFunctions(rest || '*')) {
    const g = byName.get(f.name);
    if (g) g.push(f);
    else byName.set(f.name, [f]);
  }
  const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  for (const name of names) {
    out.push(`${type}:${prefix}${name}`);
    if (!verbose) continue;
    const bodies = byName.get(name)!;
    for (const f of bodies) {
      if (bodies.length > 1) out.push(`    # body at 0x${f.entry.toString(16)}`);
      out.push(...describe(bin, f));
    }
  }
  return out;
}

const INDENT = '    ';

/** The verbose lines for one function body. */
function describe(bin: GoBinary, f: GoFunc): string[] {
  const out: string[] = [];
  const fromDescriptors = !bin.hasDwarf ? bin.descriptorAbi(f) : undefined;
  if (fromDescriptors) {
    let r = 0;
    for (const v of fromDescriptors.values)
      out.push(`${INDENT}${v.isResult ? `rets.${r++}` : `args.${v.name}`} ${typeString(v.type)}  ${locationString(v.location)}`);
    out.push(`${INDENT}# types from the ${fromDescriptors.source}`);
  } else if (!bin.hasDwarf || !bin.dwarf()) {
    out.push(`${INDENT}(no DWARF: only arg0..arg8 raw registers are available)`);
  } else {
    const abi = bin.functionAbi(f);
    if (!abi) {
      out.push(`${INDENT}(no DWARF for this function: only arg0..arg8 raw registers are available)`);
    } else {
      let r = 0;
      for (const v of abi.values)
        out.push(`${INDENT}${label(v, v.isResult ? r++ : -1)} ${typeString(v.type)}  ${locationString(v.location)}`);
      if (abi.warning) out.push(`${INDENT}# ${abi.warning}`);
      // The binary's own DWARF goes without saying; a debug file is named.
      if (bin.dwarfSource && bin.dwarfSource !== 'DWARF') out.push(`${INDENT}# types from the ${bin.dwarfSource}`);
    }
  }
  out.push(`${INDENT}${sitesLine(bin, f)}`);
  return out;
}

/**
 * `args.NAME` / `rets.NAME`; unnamed and blank results (`~r0`, `~b1`) by
 * position, `rets.0`. The receiver and dictionary the DWARF does not name
 * cannot be asked for by name: they show in parentheses.
 */
function label(v: AbiValue, resultIndex: number): string {
  if (v.name === '~recv') return '(receiver)';
  if (v.name === '.dict') return '(dictionary)';
  if (!v.isResult) return `args.${v.name}`;
  return /^~[rb]\d+$/.test(v.name) ? `rets.${resultIndex}` : `rets.${v.name}`;
}

function sitesLine(bin: GoBinary, f: GoFunc): string {
  const s = bin.probeSites(f);
  const parts = [`entry +0x${(s.entrySite - f.entry).toString(16)} (${s.stackCheck === 'none' ? 'no stack check' : 'after stack check'})`];
  if (s.noReturn) parts.push('never returns');
  else parts.push(`${s.returnSites.length} return${s.returnSites.length === 1 ? '' : 's'}`);
  if (s.tailJumps.length) parts.push(`${s.tailJumps.length} tail jump${s.tailJumps.length === 1 ? '' : 's'} (no return probe there)`);
  if (s.decodeErrorAt !== undefined) parts.push(`undecodable at +0x${(s.decodeErrorAt - f.entry).toString(16)}`);
  return parts.join(', ');
}

/**
 * `-l 'go:PATTERN'`: the go: provider's probes (compiler/go/goruntime.ts) matching the glob,
 * each with its fields and, with -v, the runtime functions it hooks and how often they run.
 * It needs no binary: the provider is the same for every release gotrace supports.
 */
export function listGoProbes(pattern: string, verbose: boolean): string[] {
  const glob = pattern.replace(/^go:/, '') || '*';
  const re = new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const out: string[] = [];
  for (const p of GO_PROBES.filter((x) => re.test(x.name))) {
    out.push(`go:${p.name}`);
    for (const f of p.fields)
      out.push(`${INDENT}args.${f.name} ${f.type === 'reason' ? 'string' : f.type === 'any' ? 'any' : 'int64'}  ${f.doc}`);
    if (!verbose) continue;
    out.push(`${INDENT}# ${p.doc}; goid, pgoid, gostart: ${p.self}`);
    for (const h of p.hooks) out.push(`${INDENT}# hooks ${GO_HOOKS[h].func}: ${GO_HOOKS[h].heat}`);
  }
  return out;
}

/** Lines to the output; status 0. */
export function writeLines(io: { out: { write(s: string): unknown } }, lines: string[]): number {
  io.out.write(lines.map((l) => l + '\n').join(''));
  return 0;
}

/** `-l 'tracepoint:CATEGORY:NAME'` (`t:` too; `*` wildcards in both, a missing NAME is `*`):
 *  the kernel's tracepoints, and with -lv their fields as bpftrace's -lv shows them. Undefined
 *  when the pattern is not a tracepoint pattern. Throws when tracefs cannot be read. */
export function listTracepoints(pattern: string, verbose: boolean): string[] | undefined {
  const m = /^(?:tracepoint|t):([^:]*)(?::(.*))?$/s.exec(pattern);
  if (!m) return undefined;
  const root = tracefsRoot();
  const out: string[] = [];
  for (const tp of findTracepoints(root, m[1] || '*', m[2] || '*')) {
    out.push(`tracepoint:${tp}`);
    if (!verbose) continue;
    const [c, n] = tp.split(':') as [string, string];
    for (const f of readFormat(root, c, n).fields) out.push(`${INDENT}${fieldDecl(f)}`);
  }
  return out;
}

/** `-l 'tracepoint:...'` for the CLI: the listing's text, a located error (tracefs cannot be
 *  read), or undefined when the pattern is not a tracepoint pattern. */
export function listKernel(pattern: string, verbose: boolean): { text: string } | { error: Diagnostic } | undefined {
  try {
    const lines = listTracepoints(pattern, verbose);
    return lines && { text: lines.map((l) => l + '\n').join('') };
  } catch (e) {
    return { error: diag('GT3120', undefined, { reason: (e as Error).message }) };
  }
}

/** A field as the format declares it: `const char * buf`, `char prev_comm[16]`. */
function fieldDecl(f: TracepointField): string {
  if (f.kind === 'data_loc') return `__data_loc ${f.type} ${f.name}`;
  const arr = /^(.*)(\[\w*\])$/.exec(f.type);
  return arr ? `${arr[1]} ${f.name}${arr[2]}` : `${f.type} ${f.name}`;
}
