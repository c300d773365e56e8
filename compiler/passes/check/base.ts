// The checker's base: its state, diagnostics, and what every part of it uses: maps keep one
// type (useMap), keys and integer operands are checked, events are numbered.
import type * as ast from '../../../grammar/ast.js';
import { diag, type Code, type DiagArgs } from '../../../grammar/catalog/index.js';
import type { MapKind } from '../../manifest.js';
import type { BlockInfo, EventInfo, MapInfo, Options, SemanticResult } from '../semantic.js';
import { aTy, str, tySig, type Ty } from '../types.js';

export abstract class CheckerBase {
  protected readonly strlen: number;
  /** Variables assigned a value of no known type yet (see assign). */
  protected readonly untyped = new Set<string>();

  constructor(
    protected readonly r: SemanticResult,
    protected readonly block: BlockInfo,
    protected readonly opts: Options,
  ) {
    this.strlen = opts.strlen ?? 64;
  }

  /** The type of an expression (recorded in r.types), or undefined after reporting why. */
  abstract expr(e: ast.Expr): Ty | undefined;

  protected err<C extends Code>(code: C, span: ast.Span, ...args: DiagArgs<C>): void {
    this.r.diagnostics.push(diag(code, span, ...args));
  }

  protected errLhist(e: LhistError, span: ast.Span): void {
    this.r.diagnostics.push(diag(e.code, span, e.params as never));
  }

  protected useMap(ref: ast.MapRef, kind: MapKind, keys: (Ty | undefined)[], valueType?: Ty, lhist?: MapInfo['lhist']): void {
    if (keys.some((k) => !k)) {
      (this.r.untypedMaps ??= new Set()).add(ref.name);
      return;
    }
    const keyTypes = keys as Ty[];
    const prev = this.r.maps.get(ref.name);
    if (!prev) {
      const user = keyTypes.some((t) => t.k === 'go') ? { user: true } : {};
      this.r.maps.set(ref.name, { name: ref.name, kind, keyTypes, valueType, firstUse: ref.span, lhist, ...user });
      return;
    }
    if (prev.keyTypes.length !== keyTypes.length) {
      const n = keyTypes.length;
      this.err('GT2040', ref.span, { name: ref.name, keys: `${n} key${n === 1 ? '' : 's'}`, count: prev.keyTypes.length });
    } else if (prev.keyTypes.some((t, i) => t.k !== keyTypes[i].k)) {
      const i = prev.keyTypes.findIndex((t, j) => t.k !== keyTypes[j].k);
      this.err('GT2044', ref.keys[i]?.span ?? ref.span, {
        name: ref.name,
        index: i + 1,
        now: aTy(keyTypes[i]),
        before: aTy(prev.keyTypes[i]),
      });
    } else if (prev.kind !== kind) {
      this.err('GT2041', ref.span, { name: ref.name, before: describe(prev.kind), now: describe(kind) });
    } else if (prev.valueType && valueType && valueSig(prev.valueType) !== valueSig(valueType)) {
      // Tuples and floats are 'int' maps with another value type: their layouts must agree.
      this.err('GT2041', ref.span, { name: ref.name, before: valueSig(prev.valueType), now: valueSig(valueType) });
    } else if (kind === 'lhist' && lhist && prev.lhist && JSON.stringify(lhist) !== JSON.stringify(prev.lhist)) {
      this.err('GT2045', ref.span, { name: ref.name });
    }
  }

  protected keyExpr(e: ast.Expr): Ty | undefined {
    const t = this.expr(e);
    if (t?.k === 'str') return str(this.strlen);
    return t;
  }

  intExpr(e: ast.Expr, what: string): void {
    const t = this.expr(e);
    if (t && t.k !== 'int') this.err('GT2061', e.span, { what, type: aTy(t) });
  }

  protected event(e: ast.Expr, ev: Omit<EventInfo, 'id'>): void {
    const id = this.r.events.length;
    this.r.events.push({ id, ...ev });
    this.r.eventOf.set(e, id);
  }
}

/** How a map's value type reads in GT2041: tuples by their elements; the other int-map values
 *  (integers, probes, hex, Go values...) as before, all alike. */
function valueSig(t: Ty): string {
  return t.k === 'tuple' ? `tuples ${tySig(t)}` : t.k === 'float' ? 'floats' : 'integers';
}

function describe(k: MapKind): string {
  return k === 'int' ? 'integers' : k === 'str' ? 'strings' : `${k}()`;
}

export type LhistError =
  | { code: 'GT2035'; params: { step: number } }
  | { code: 'GT2025'; params: { min: number; max: number } }
  | { code: 'GT2036'; params: { step: number; range: number } }
  | { code: 'GT2037'; params: { buckets: number } };

/** What is wrong with lhist()'s bounds, in bpftrace's words and order (a step wider than the
 *  range would put every value in the under- or overflow bucket). Unlike bpftrace, a negative
 *  min is allowed: buckets of negative values are well defined here. */
export function lhistBoundsError(min: number, max: number, step: number): LhistError | undefined {
  if (step < 1) return { code: 'GT2035', params: { step } };
  if (min > max) return { code: 'GT2025', params: { min, max } };
  if (step > max - min) return { code: 'GT2036', params: { step, range: max - min } };
  const buckets = Math.floor((max - min) / step);
  if (buckets > 1000) return { code: 'GT2037', params: { buckets } };
  return undefined;
}
