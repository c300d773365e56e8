// A traced session of the CLI (-e or a file, with -p, -c or neither): load, attach, run BEGIN,
// show events until the end (Ctrl-C, SIGTERM, the target's exit, exit(), or the output going
// away), then END, the maps, the lost-event count, detach and release. Every way out releases
// the signal handlers, the target's watch and the kernel objects, so gotrace exits by itself.
import { topEntries } from './aggregations.js';
import type { Manifest } from '../compiler/manifest.js';
import type { GoBinary } from '../compiler/go/binary.js';
import { diag } from '../grammar/catalog/index.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import { showEvent } from './events.js';
import { BpfError } from './libbpf/index.js';
import type { Printer, Sink } from './printers/index.js';
import { LiveProgram, type LiveEvent } from './session.js';
import type { OutputSink } from './sink.js';
import type { Target } from './target.js';
import type { Sizes } from './drops.js';
import { checkBeforeAttach } from './identity.js';
import { lowerBoundsNote } from './usermaps.js';
import type { Exporter, LiveSource } from './exporters/index.js';
import type { GraphSession } from './graph/session.js';

export interface TraceInput {
  object: Uint8Array;
  manifest: Manifest;
  binary?: GoBinary;
  target: Target;
  printer: Printer;
  output: OutputSink;
  err: Sink;
  verbose: boolean;
  /** --map-keys, --calls-in-flight. */
  sizes: Partial<Sizes>;
  /** --ring-size. */
  ringBytes?: number;
  report(ds: Diagnostic[]): void;
  /** --prometheus, --otlp: they read the maps through `source` while the session runs. */
  exporters?: { list: Exporter[]; source: LiveSource; describe: string };
  /** --graph: takes the graph's events before anything else, says what it left out at the end. */
  graph?: GraphSession;
}

type EndReason =
  | { kind: 'exit' }
  | { kind: 'signal'; signal: string }
  | { kind: 'exited'; code?: number; signal?: string }
  | { kind: 'output'; error: NodeJS.ErrnoException };

/** Collects the ways a session ends; the first one wins. release() undoes every listener. */
class EndWatch {
  readonly ended: Promise<EndReason>;
  reason?: EndReason;
  /** From exit() on, or once the events already sent are read after another end, only END's
   *  events are shown. */
  onlyEnd = false;
  private resolve!: (r: EndReason) => void;
  private cleanups: (() => void)[] = [];

  constructor(target: Target, output: OutputSink) {
    this.ended = new Promise((r) => (this.resolve = r));
    // N.B. SIGHUP (the terminal closed) too: its default action would end Node at once, with
    // no exit hook run, leaving a -c command orphaned and running.
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const h = () => this.end({ kind: 'signal', signal: sig });
      process.on(sig, h);
      this.cleanups.push(() => process.off(sig, h));
    }
    target.onExit((_how, st) => this.end({ kind: 'exited', ...st }));
    output.onFail((error) => this.end({ kind: 'output', error }));
  }

  end(r: EndReason): void {
    if (this.reason) return;
    this.reason = r;
    this.resolve(r);
  }

  release(): void {
    for (const c of this.cleanups.splice(0)) c();
  }
}

/** Runs the session; resolves to gotrace's exit status. */
export async function runTrace(t: TraceInput): Promise<number> {
  // Listening for the end before anything is attached: a Ctrl-C during attaching still ends the
  // session cleanly (END, maps, detach) instead of killing Node mid-way.
  const watch = new EndWatch(t.target, t.output);
  let live: LiveProgram | undefined;
  let keepAlive: { stop(): void } | undefined;
  try {
    const mismatch = checkBeforeAttach(t.binary, t.target.tracedFiles());
    if (mismatch) {
      t.report([diag('GT5009', undefined, { mismatch })]);
      return 1;
    }
    if (!(await startExporters(t))) return 1;
    live = LiveProgram.load(t.object, t.manifest, {
      targetTgid: t.target.tgid,
      attachPid: t.target.attachPid,
      // The very file analyzed, through its open descriptor (see GoBinary.attachPath).
      attachPath: t.binary?.attachPath() ?? t.target.attachPath,
      binary: t.binary,
      sizes: t.sizes,
      ringBytes: t.ringBytes,
      note: t.verbose ? (line) => t.err.write(line + '\n') : undefined,
    });
    const program = live;
    if (t.exporters) t.exporters.source.program = program;
    program.onEvents(eventHandler(program, t, watch));
    t.printer.attached(program.attach());
    program.runBegin();
    keepAlive = eventPump(program, t.output);
    t.target.release();
    const why = await watch.ended;
    return finish(program, t, watch, why);
  } catch (e) {
    if (!(e instanceof BpfError)) throw e;
    const hint = e.log ? [t.verbose ? e.log.trim() : "run with -v to see libbpf's log"] : [];
    t.report([diag('GT5100', undefined, { reason: e.message }, hint)]);
    return 1;
  } finally {
    keepAlive?.stop();
    watch.release();
    await stopExporters(t);
    live?.dispose();
    t.target.close();
  }
}

/** Events needing another poll at once: a poll that found this many is behind the ring. */
export const BUSY_POLL_EVENTS = 1024;
/** How often the ring is read otherwise: interactive output is at most this late. */
export const POLL_MS = 20;

/** Events are consumed without blocking Node's event loop (runtime/libbpf/ring.ts reads the
 *  ring's memory; the BPF side sends no wakeups): every 20 ms, and again at once (setImmediate:
 *  I/O and signals still run between) after a poll that found a full batch, so a ring filled
 *  faster than every 20 ms drains as fast as its events can be shown. N.B. not after every poll
 *  that found something: at a steady rate of events that loop never rests, and each of its
 *  polls, a handful of events, costs a write(2) and a wakeup of the reader, CPU taken from the
 *  traced program on a small machine. One poll's output is one write. */
export function eventPump(program: Pick<LiveProgram, 'pollEvents'>, output: Pick<OutputSink, 'batch'>): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let soon: NodeJS.Immediate | undefined;
  let stopped = false;
  const poll = () => {
    timer = soon = undefined;
    if (stopped) return;
    const n = output.batch(() => program.pollEvents());
    if (n >= BUSY_POLL_EVENTS) soon = setImmediate(poll);
    else timer = setTimeout(poll, POLL_MS);
  };
  timer = setTimeout(poll, POLL_MS);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      if (soon) clearImmediate(soon);
    },
  };
}

/** The exporters listen before anything is loaded: a port already taken costs nothing. */
async function startExporters(t: TraceInput): Promise<boolean> {
  const started: Exporter[] = [];
  try {
    for (const x of t.exporters?.list ?? []) {
      await x.start();
      started.push(x);
    }
    return true;
  } catch (e) {
    for (const x of started) await x.stop();
    if (t.exporters) t.exporters.list = [];
    const err = e as NodeJS.ErrnoException;
    t.report([diag('GT5010', undefined, { address: t.exporters?.describe ?? '', reason: err.code ?? err.message })]);
    return false;
  }
}

/** The last push (OTLP) reads the final maps: before the program is released. */
async function stopExporters(t: TraceInput): Promise<void> {
  if (!t.exporters) return;
  for (const x of t.exporters.list) await x.stop().catch(() => {});
  t.exporters.source.program = undefined;
}

/** After the end (exit(), a signal, the target's exit) only END's own events are shown: the
 *  target may still be running and its probes firing until everything is detached. */
function eventHandler(program: LiveProgram, t: TraceInput, watch: EndWatch): (e: LiveEvent) => void {
  const endIds = new Set(t.manifest.probes.filter((p) => p.spec === 'END').map((p) => p.id));
  const onMap = (e: LiveEvent, f: (spec: NonNullable<ReturnType<LiveProgram['mapSpec']>>) => void) => {
    const spec = program.mapSpec(e.spec.map!);
    if (spec) f(spec);
  };
  const own: Partial<Record<LiveEvent['spec']['kind'], (e: LiveEvent) => void>> = {
    exit: () => {
      watch.onlyEnd = true;
      watch.end({ kind: 'exit' });
    },
    print_map: (e) => onMap(e, (spec) => t.printer.map(spec, topEntries(program.readMap(spec), e.spec.top, e.spec.div))),
    clear: (e) => onMap(e, (spec) => program.clearMap(spec)),
    zero: (e) => onMap(e, (spec) => program.zeroMap(spec)),
  };
  return (e) => {
    if (watch.onlyEnd && !endIds.has(e.probe)) return;
    const g = t.graph?.event(e);
    if (g === 'end') own.exit!(e);
    if (g) return;
    const f = own[e.spec.kind];
    if (f) f(e);
    else showEvent(e, t.printer);
  };
}

/** END, the target's fate, the maps and the losses; the exit status. */
function finish(program: LiveProgram, t: TraceInput, watch: EndWatch, why: EndReason): number {
  // Events sent before the end (the target's last calls) are still shown.
  if (why.kind !== 'exit') program.pollEvents();
  watch.onlyEnd = true;
  program.runEnd();
  if (why.kind === 'exited' && (why.signal || (why.code ?? 0) !== 0))
    t.printer.note(`target exited with status ${why.code ?? why.signal}\n`);
  // A -c target outlives a session ended by a signal or exit(); it was ours to start, so it is
  // ours to stop, as bpftrace does (unless --keep-target).
  t.target.close();
  program.detach();
  t.printer.finalMaps(program.readAllMaps());
  const lost = program.lostEvents();
  if (lost > 0n) {
    t.printer.lost(lost);
    const note = lowerBoundsNote(t.manifest.maps);
    if (note) t.printer.note(note);
  }
  const drops = program.drops();
  if (drops.length) t.printer.drops(drops);
  if (t.graph) t.err.write(t.graph.summary());
  return outputStatus(t);
}

/** A reader that went away (`| head`) ends the session quietly with status 0, as a Unix filter
 *  that stops early expects; any other write failure (a full disk) is an error. */
function outputStatus(t: TraceInput): number {
  const e = t.output.error;
  if (!e || t.output.readerGone) return 0;
  t.report([diag('GT5006', undefined, { file: t.output.name, reason: e.code ?? e.message })]);
  return 1;
}
