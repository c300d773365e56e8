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

/** The inlined call sites of `func` the block runs at, and a warning saying what was done. */
export function inlinedSites(
  bin: GoBinary,
  func: GoFunc,
  b: BlockInfo,
  spec: ast.ProbeSpec,
): { sites: ProbeSite[]; diagnostics: Diagnostic[] } {
  const found = bin.inlinedSites(func) ?? [];
  if (!found.length) return { sites: [], diagnostics: [] };
  const callers = [...new Set(found.map((s) => s.caller))];
  const params = {
    func: func.name,
    sites: `${found.length} call site${found.length === 1 ? '' : 's'}`,
    callers: callers.slice(0, 3).join(', ') + (callers.length > 3 ? `, and ${callers.length - 3} more` : ''),
  };
  const why = needsRealCall(b);
  if (why)
    return {
      sites: [],
      diagnostics: [
        diag('GT3013', spec.span, { ...params, sites: `${found.length} inlined call site${found.length === 1 ? '' : 's'}`, why }),
      ],
    };
  return {
    sites: found.map((s) => ({ vaddr: s.vaddr, offset: bin.fileOffset(s.vaddr) })),
    diagnostics: [diag('GT3012', spec.span, params)],
  };
}
