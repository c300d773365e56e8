// Calls the compiler inlined have no call of their own: a probe on the function's body never
// sees them (main.add counted 10 of 1,010 calls). The binary's inline trees say where they are
// (compiler/go/inltree.ts). A block that reads nothing of the call itself (a count, goid, pid,
// comm, nsecs...) runs there too, as at an entry; a block that needs the call's arguments,
// results, duration or stack cannot, and the sites it misses are reported, never hidden.
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type * as ast from '../../grammar/ast.js';
import { walk } from '../../grammar/walk.js';
import type { GoBinary, GoFunc } from '../go/binary.js';
import type { ProbeSite } from '../manifest.js';
import type { BlockInfo } from './semantic.js';

/** What a block reads that an inlined call does not have, by identifier or function name. */
const NEEDS_A_CALL: Record<string, string> = {
  args: 'arguments',
  retval: 'the return value',
  rets: 'results',
  elapsed: 'the duration',
  ustack: 'the stack',
  usym: 'code addresses',
  caller: 'the caller',
  caller_pc: 'the caller',
  reg: 'registers',
  ...Object.fromEntries([...Array(9).keys()].map((i) => [`arg${i}`, 'arguments'])),
};

/** What `b` needs that an inlined call does not have, or undefined when it can run there. */
export function needsRealCall(b: BlockInfo): string | undefined {
  if (b.atReturn) return 'a return';
  const names = new Set<string>();
  walk([...(b.block.predicate ? [b.block.predicate] : []), ...b.block.body], (n) => {
    if (n.kind === 'Ident' || n.kind === 'Call') names.add(n.name);
  });
  const what = [...new Set([...names].map((n) => NEEDS_A_CALL[n]).filter(Boolean))];
  return what.length ? what.join(', ') : undefined;
}

/** What a function's inlined calls mean for one block: the sites it runs at (none when it
 *  needs what an inlined call lacks, `why`), and where they are. */
export interface Inlined {
  func: string;
  sites: ProbeSite[];
  found: number;
  callers: string[];
  why?: string;
}

/** The inlined call sites of `func` the block runs at, or undefined when there are none. */
export function inlinedSites(bin: GoBinary, func: GoFunc, b: BlockInfo): Inlined | undefined {
  const found = bin.inlineTrees()?.sitesOf(func.name) ?? [];
  if (!found.length) return undefined;
  const callers = [...new Set(found.map((s) => s.caller))];
  const why = needsRealCall(b);
  const sites = why ? [] : found.map((s) => ({ vaddr: s.vaddr, offset: bin.fileOffset(s.vaddr) }));
  return { func: func.name, sites, found: found.length, callers, why };
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
/** The first `shown` names, then how many more: a summary warning's list. */
export const listed = (xs: readonly string[], shown: number): string =>
  xs.slice(0, shown).join(', ') + (xs.length > shown ? `, and ${xs.length - shown} more` : '');

/** The warning for one function: it runs at its inlined sites (GT3012), or misses them (GT3013). */
export function inlinedWarning(spec: ast.ProbeSpec, i: Inlined): Diagnostic {
  const params = { func: i.func, sites: plural(i.found, 'call site'), callers: listed(i.callers, 3) };
  if (i.why) return diag('GT3013', spec.span, { ...params, sites: plural(i.found, 'inlined call site'), why: i.why });
  return diag('GT3012', spec.span, params);
}

/** Names shown in a wildcard's summaries before "and N more" (all of them with -v). */
const SHOWN = 3;

/**
 * A wildcard matching many inlined functions gets one line per kind, as GT3015 does for missing
 * RETs: `sync.*` on a server inlines dozens, and a warning each buried the output.
 */
export function inlinedSummary(spec: ast.ProbeSpec & { pattern: string }, matched: number, all: Inlined[], verbose: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ran = all.filter((i) => !i.why);
  const missed = all.filter((i) => i.why);
  const names = (xs: Inlined[]) =>
    listed(
      xs.map((i) => i.func),
      verbose ? xs.length : SHOWN,
    );
  const hint = (xs: Inlined[]) => (!verbose && xs.length > SHOWN ? ['run with -v to list them all'] : []);
  const sites = (xs: Inlined[]) =>
    plural(
      xs.reduce((n, i) => n + i.found, 0),
      'call site',
    );
  const common = { matched, pattern: spec.pattern };
  if (ran.length) out.push(diag('GT3016', spec.span, { ...common, count: ran.length, sites: sites(ran), names: names(ran) }, hint(ran)));
  if (missed.length) {
    const why = [...new Set(missed.map((i) => i.why!))].join('; ');
    out.push(diag('GT3017', spec.span, { ...common, count: missed.length, sites: sites(missed), why, names: names(missed) }, hint(missed)));
  }
  return out;
}
