// What a session shows, one method per kind of thing shown. The session calls these and never
// asks which format it writes: text and JSON are two implementations (text.ts, json.ts) picked
// by name from the registry (index.ts). An exporter (Prometheus, OTLP) is one more member that
// may ignore what it does not show (printf lines, say) and keep only maps.
import type { MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../aggregations.js';
import type { Value } from '../values.js';
import type { Drop } from '../drops.js';

export interface Sink {
  write(s: string): unknown;
}

/** `out` is the results (stdout or -o FILE), `err` the user's terminal (stderr). */
export interface PrinterSinks {
  out: Sink;
  err: Sink;
}

export interface NamedMap {
  spec: MapSpec;
  entries: MapEntry[];
}

/** Output of an event the session ran for its side effect: system(), execv(), cat(). */
export type EffectKind = 'system' | 'cat';

export interface Printer {
  /** The probes are attached (bpftrace's "Attaching N probes..."). */
  attached(probes: number): void;
  /** One map, entries already sorted (print(@m) in a probe). */
  map(spec: MapSpec, entries: MapEntry[]): void;
  /** The maps printed at exit (all of them, empty ones included: the printer chooses). */
  finalMaps(maps: NamedMap[]): void;
  /** A printf() line, already formatted. */
  printf(text: string): void;
  /** print(value). */
  value(v: Value): void;
  /** time(), already formatted. */
  time(text: string): void;
  effect(kind: EffectKind, text: string): void;
  /** Events the ring buffer had no room for (n > 0). */
  lost(n: bigint): void;
  /** Losses other than events (full maps, evicted calls, cut loops); never empty. */
  drops(ds: Drop[]): void;
  /** A note about the session for the user (the target's exit status, say). */
  note(text: string): void;
}

/** One member of the registry. */
export interface PrinterKind {
  /** Shown in the help text's list of formats. */
  describe: string;
  /** Diagnostics go out as JSON lines too (a machine reads this output). */
  jsonDiagnostics: boolean;
  create(sinks: PrinterSinks): Printer;
}
