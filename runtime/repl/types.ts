// The REPL's data: what its core is given (CoreOptions), what it keeps per probe and per shared
// map, and where its answers go. Apart from core.ts so that the state machine reads on its own.
import type * as ast from '../../grammar/ast.js';
import type { Manifest, MapSpec } from '../../compiler/manifest.js';
import type { MapInfo } from '../../compiler/passes/semantic.js';
import type { Sink } from '../printers/index.js';
import type { Target } from '../target.js';
import type { DecodeContext } from '../values.js';
import type { Backend, ProbeHandle } from './backend.js';

export interface ReplOutput {
  /** The answer to the input being run (the prompt comes back after it). */
  write(text: string): void;
  /** Output that arrives on its own (probe events, the target's output): above the prompt. */
  notify(text: string): void;
}

export interface CoreOptions {
  target: Target;
  out: ReplOutput;
  backend?: Backend;
  color?: boolean;
  noCache?: boolean;
  /** How often probe events are read, in ms. */
  pollMs?: number;
  /** Bytes of each probe's event ring (--ring-size; REPL_RING_BYTES by default). */
  ringBytes?: number;
  /** The format (printers/ registry) of what probes print and of the maps at exit. */
  format?: string;
  /** Where those go (-o FILE); the terminal (above the prompt) otherwise. */
  results?: Sink;
  /** The terminal's size, when there is one (a page of .funcs, histogram widths). */
  rows?: number;
  columns?: number;
  /** Resolves at the next key pressed (on a terminal), for .watch. */
  waitKey?: () => Promise<void>;
}

export interface SharedMap {
  spec: MapSpec;
  /** The REPL's own fd for the map (a dup), closed at exit or when the map is forgotten. */
  fd: number;
  ctx: DecodeContext;
  /** Its type as the checker knows it: a probe compiled later may read it without writing it. */
  info?: MapInfo;
}

export interface LiveProbe {
  id: number;
  /** The block as typed (what `.save` writes). */
  text: string;
  source: string;
  ast: ast.Probe;
  handle: ProbeHandle;
  manifest: Manifest;
  functions: string[];
  sites: number;
  /** User maps it writes or reads. */
  maps: string[];
  hits?: MapSpec;
  /** Milliseconds from the input to the probe being attached. */
  attachMs: number;
  /** Attached to the target's process (not to a binary named in the spec). */
  onTarget: boolean;
  /** Runs when it is detached, before its kernel objects are released (.graph's summary). */
  onDetach?: () => void;
}

export type InputKind = 'empty' | 'incomplete' | 'probes' | 'statements';
