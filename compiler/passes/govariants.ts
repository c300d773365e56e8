// The Go values each function block may read (GoValueInfo, govalues.ts), from the signatures of
// the functions it traces. A block over functions of different signatures (a wildcard) may
// still read a value all of them have with one type, wherever each one's ABI puts it:
// `uprobe:main.* /rets.error != nil/` reads the error result of `func() error`, `func(string)
// (int, error)` and `func() (T, U, error)` alike. Such a block traces only the functions that
// have the value it needs as `rets.error`: the others a wildcard matched are left out, counted
// in a warning.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { some } from '../../grammar/walk.js';
import { typeString, type AbiValue } from '../go/abi.js';
import type { GoBinary } from '../go/binary.js';
import { isGlob } from '../go/glob.js';
import { isErrorType, type GoValueInfo, type GoVariant } from './govalues.js';
import type { ResolvedProbe } from './resolve.js';

/** Parameters and results of a resolved function: DWARF (the binary's or a debug file's), else
 *  the method tables of the type descriptors. */
function abiOf(binary: GoBinary, p: ResolvedProbe): AbiValue[] | undefined {
  return (binary.hasDwarf ? binary.functionAbi(p.func) : binary.descriptorAbi(p.func))?.values;
}

/** Per function block: the parameters and results of the function(s) it traces. `base` is the
 *  first probe id: function probes get ids in resolution order (pipeline.ts lower()). */
export function goValueInfos(binary: GoBinary, probes: ResolvedProbe[], base: number): Map<ast.Probe, GoValueInfo> {
  const out = new Map<ast.Probe, GoValueInfo>();
  const variants = new Map<ast.Probe, Map<string, GoVariant>>();
  probes.forEach((p, i) => {
    const block = p.block.block;
    if (out.has(block) && 'error' in out.get(block)!) return;
    const values = abiOf(binary, p);
    if (!values) {
      out.set(block, {
        error: binary.hasDwarf
          ? diag('GT2127', undefined, { func: p.func.name })
          : diag('GT2128', undefined, { path: binary.path, func: p.func.name }),
      });
      return;
    }
    const sig = values.map((v) => `${v.name}:${typeString(v.type)}:${v.isResult}`).join(',');
    const bySig = variants.get(block) ?? new Map<string, GoVariant>();
    variants.set(block, bySig);
    const v = bySig.get(sig) ?? { ids: [], values, func: p.func.name };
    bySig.set(sig, v);
    v.ids.push(base + i);
  });
  for (const [block, bySig] of variants) {
    if (out.has(block)) continue;
    const all = [...bySig.values()];
    out.set(block, { values: all[0].values, func: all[0].func, ...(all.length > 1 ? { variants: all } : {}) });
  }
  return out;
}

/** Does a block read `rets.error`? */
function readsErrorResult(block: ast.Probe): boolean {
  return some(block, (n) => n.kind === 'Field' && n.field === 'error' && n.object.kind === 'Ident' && n.object.name === 'rets');
}

/** Leaves out of `probes` (in place) the functions a wildcard of a block reading `rets.error`
 *  matched but which return no error; a function named exactly stays (the checker then says it
 *  has no such result). A warning counts those left out; a block left with none is an error. */
export function keepErrorReturning(binary: GoBinary, probes: ResolvedProbe[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const dropped = new Map<ResolvedProbe['spec'], string[]>();
  const kept = new Set<ResolvedProbe['spec']>();
  const keep = probes.filter((p) => {
    if (!isGlob(p.spec.func) || !readsErrorResult(p.block.block)) return true;
    const values = abiOf(binary, p);
    // Without a signature the checker reports the function (GT2127/GT2128): keep it.
    if (!values || values.some((v) => v.isResult && isErrorType(v.type))) {
      kept.add(p.spec);
      return true;
    }
    dropped.set(p.spec, [...(dropped.get(p.spec) ?? []), p.func.name]);
    return false;
  });
  for (const [spec, funcs] of dropped) {
    const text = `${spec.type}:${spec.func}`;
    if (!kept.has(spec)) diagnostics.push(diag('GT2301', spec.span, { spec: text }));
    else {
      const some = funcs.slice(0, 3).join(', ') + (funcs.length > 3 ? ', ...' : '');
      diagnostics.push(diag('GT2302', spec.span, { count: funcs.length, spec: text, funcs: some }));
    }
  }
  probes.splice(0, probes.length, ...keep);
  return diagnostics;
}
