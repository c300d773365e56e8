// What the REPL checks of new probes besides the compiler's checks, and the node it adds to
// each: names it reserves, maps that keep their layout across objects,
// and the hidden hit counter.
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { mapRefs } from '../../grammar/walk.js';
import type { Manifest, MapSpec } from '../../compiler/manifest.js';

/** Map names starting with @__ are the REPL's own (its hit counter). */
export function reservedNames(program: ast.Program): Diagnostic[] {
  return mapRefs(program)
    .filter((ref) => ref.name.startsWith('@__'))
    .map((ref) => diag('GT5603', ref.span));
}

/** A map kept from earlier probes keeps its layout (checked on the compiled specs, which also
 *  covers maps no live probe uses any more). */
export function checkKeptMaps(m: Manifest, probe: ast.Probe, kept: ReadonlyMap<string, { spec: MapSpec }>): Diagnostic[] {
  const ds: Diagnostic[] = [];
  for (const spec of m.maps) {
    // N.B. the REPL keeps maps by their BPF fds, shared by the objects of its probes: a map kept
    // in user space (keyed by a Go value, runtime/usermaps.ts) would be one store per object.
    if (spec.user) {
      ds.push(diag('GT5340', mapRefs(probe).find((ref) => ref.name === spec.name)?.span ?? probe.span, { name: spec.name }));
      continue;
    }
    const k = kept.get(spec.name);
    if (!k || sameLayout(k.spec, spec)) continue;
    const where = mapRefs(probe).find((ref) => ref.name === spec.name)?.span ?? probe.span;
    ds.push(diag('GT5602', where, { name: spec.name, before: describeSpec(k.spec), now: describeSpec(spec) }));
  }
  return ds;
}

/** `NAME = count()` as a node spanning nothing at `where` (no diagnostic points at it). */
export function hitCounter(name: string, where: ast.Span): ast.Stmt {
  return {
    kind: 'AssignStmt',
    span: where,
    op: '=',
    target: { kind: 'MapRef', span: where, name, keys: [] },
    value: { kind: 'Call', span: where, name: 'count', nameSpan: where, args: [] },
  };
}

function sameLayout(a: MapSpec, b: MapSpec): boolean {
  const shape = (m: MapSpec) => JSON.stringify([m.kind, m.keyCount, m.keys, m.keySize, m.value, m.valueSize, m.perCpu, m.lhist]);
  return shape(a) === shape(b);
}

/** `count() keyed by [int, string]`: a map's layout in words. */
export function describeSpec(m: MapSpec): string {
  const what =
    m.kind === 'int'
      ? 'integers'
      : m.kind === 'str'
        ? 'strings'
        : m.kind === 'lhist'
          ? `lhist(${m.lhist!.min}, ${m.lhist!.max}, ${m.lhist!.step})`
          : `${m.kind}()`;
  const keys = m.keys.slice(0, m.keyCount).map((k) => (k.type === 'str' ? 'string' : k.type));
  return keys.length ? `${what} keyed by [${keys.join(', ')}]` : what;
}
