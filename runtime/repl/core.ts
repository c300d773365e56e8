// The REPL's state and what each input does, independent of Node's `repl` module (server.ts
// wires the two): probes typed at the prompt are compiled and attached at once, each as its own
// BPF object with a numeric id; statements run against the live maps; dot-commands live in
// commands.ts.
//
// Maps shared between probes: each probe is its own object, but `@lat` written by probes 1 and
// 2 must be one kernel map. The first object to use a name creates the map; the REPL keeps a dup
// of its fd, and later objects are loaded with bpf_map__reuse_fd on it (LoadOptions.reuseMaps).
// The kernel frees a map when its last fd or program goes, so detaching probe 1 leaves `@lat`
// to probe 2, and a map written by no probe any more can still be read and is printed at exit.
// Types stay consistent because a new probe is checked together with the live ones (a map keeps
// one type), and against the layout of every map kept so far.
//
// Hit counts: the probe as compiled (never as saved or shown) starts its body with a hidden
// `@__hits = count();` (an AST node, see compileBlock), a per-CPU counter private to its object: `.probes` shows how often each
// block ran (after its predicate; at return for blocks that run at return).
import { dropText } from '../drops.js';
import type * as ast from '../../grammar/ast.js';
import { diag } from '../../grammar/catalog/index.js';
import { hasErrors, type Diagnostic } from '../../grammar/diagnostics.js';
import { parse } from '../../grammar/index.js';
import { lex } from '../../grammar/lexer.js';
import { probeStartTokens, Shebang } from '../../grammar/tokens.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile, span } from '../../grammar/source.js';
import type { CompileResult } from '../../compiler/index.js';
import { mapRefs, walk } from '../../grammar/walk.js';
import type { Manifest, UprobeAttach } from '../../compiler/manifest.js';
import { analyze } from '../../compiler/passes/semantic.js';
import { topEntries, type MapEntry } from '../aggregations.js';
import { BpfError } from '../libbpf/index.js';
import { showEvent } from '../events.js';
import { createPrinter, type Printer } from '../printers/index.js';
import type { MapInfo } from '../../compiler/passes/semantic.js';
import { REPL_RING_BYTES, type LiveEvent } from '../session.js';
import { realBackend, type Backend, type ProbeHandle } from './backend.js';
import { checkKeptMaps, hitCounter, reservedNames } from './checks.js';
import { barWidth } from './watch.js';
import { runStatements, statementIncomplete, type StatementMaps } from './statements.js';
import type { Target } from '../target.js';
import { binaryMismatch } from '../identity.js';

export const HITS_MAP = '@__hits';
export { describeSpec } from './checks.js';

export type { CoreOptions, InputKind, LiveProbe, ReplOutput, SharedMap } from './types.js';
import type { CoreOptions, InputKind, LiveProbe, ReplOutput, SharedMap } from './types.js';

export class ReplCore {
  target: Target;
  readonly backend: Backend;
  readonly probes = new Map<number, LiveProbe>();
  readonly maps = new Map<string, SharedMap>();
  private nextId = 1;
  /** First probe id of the next object. */
  private idBase = 1000;
  /** Probe ids of every object attached in this session, for maps that outlive their writer. */
  private readonly probeNames: Manifest['probes'] = [];
  private poller?: NodeJS.Timeout;
  private readonly events: Printer;
  private pendingDetach = new Set<number>();
  closed = false;
  /** How the current target's process ended (a -p process or a -c command), once it has. */
  targetEnded?: string;
  /** Inputs that failed (pipe mode's exit status). */
  failures = 0;

  constructor(readonly opts: CoreOptions) {
    this.target = opts.target;
    this.backend = opts.backend ?? realBackend;
    const notify = { write: (s: string) => opts.out.notify(s) };
    this.events = createPrinter(opts.format ?? 'text', { out: opts.results ?? notify, err: notify });
    this.watchTarget();
  }

  /** `.target`: the old target is closed (a held command that never ran is killed). */
  setTarget(t: Target): void {
    this.target.close();
    this.target = t;
    this.targetEnded = undefined;
    this.watchTarget();
  }

  /** The target's end, and a -c command's output, are shown above the prompt. */
  private watchTarget(): void {
    const t = this.target;
    t.onExit((how) => {
      if (this.target !== t || this.closed) return;
      this.targetEnded = how;
      this.out.notify(`target ${t.describe} ${how}\n`);
      this.detachFromDeadTarget();
    });
    for (const stream of [t.child?.stdout, t.child?.stderr]) {
      if (!stream) continue;
      let partial = '';
      stream.on('data', (d: Buffer) => {
        const text = partial + d.toString('utf8');
        const end = text.lastIndexOf('\n') + 1;
        partial = text.slice(end);
        if (end) this.out.notify(text.slice(0, end));
      });
      stream.on('end', () => {
        if (partial) this.out.notify(partial + '\n');
        partial = '';
      });
    }
  }

  get out(): ReplOutput {
    return this.opts.out;
  }

  /** Probes on a process that is gone trace nothing: detached, their maps kept. */
  private detachFromDeadTarget(): void {
    const ids = [...this.probes.values()].filter((p) => p.onTarget).map((p) => p.id);
    if (!ids.length) return;
    for (const id of ids) this.detach(id);
    const s = ids.length === 1 ? '' : 's';
    this.out.notify(`probe${s} ${ids.join(', ')} detached (their maps stay; .target PID|PATH to trace another process)\n`);
  }

  report(ds: Diagnostic[]): void {
    if (hasErrors(ds)) this.failures++;
    if (ds.length) this.out.write(renderDiagnostics(ds, { color: this.opts.color }));
  }

  /** Decided from the first token: probes start with a probe type, anything else is statements. */
  classify(text: string): InputKind {
    const toks = lex(new SourceFile('stdin', text)).tokens;
    if (!toks.length) return 'empty';
    const first = toks[0].tokenType;
    if (first === Shebang || probeStartTokens.includes(first)) {
      return parse(new SourceFile('stdin', text)).incomplete ? 'incomplete' : 'probes';
    }
    return statementIncomplete(text) ? 'incomplete' : 'statements';
  }

  /** Runs one complete input (what classify() did not call incomplete). */
  async evaluate(text: string, source = 'stdin'): Promise<void> {
    const kind = this.classify(text);
    if (kind === 'empty') return;
    if (kind === 'statements') {
      this.report(runStatements(text, source, this.statementMaps(), (s) => this.out.write(s)));
      return;
    }
    await this.addProbes(new SourceFile(source, text));
  }

  /** Checks, compiles and attaches every probe block of `file`; returns the new ids. */
  async addProbes(file: SourceFile): Promise<number[]> {
    const t0 = performance.now();
    const parsed = parse(file);
    if (!parsed.program) {
      this.report(parsed.diagnostics);
      return [];
    }
    const program = parsed.program;
    if (this.targetEnded !== undefined && this.target.pid !== undefined) {
      this.report([diag('GT5630', undefined, { target: this.target.describe, how: this.targetEnded })]);
      return [];
    }
    // Checked with the live probes, so a map keeps one type across all of them; maps kept from
    // probes detached since are known by their type.
    const live = [...this.probes.values()].map((p) => p.ast);
    const sem = analyze({ ...program, probes: [...live, ...program.probes] }, { knownMaps: this.keptMapInfos(program) });
    // Only its errors: warnings come once, from the compile of each block below.
    const ds = [...parsed.diagnostics, ...sem.diagnostics.filter((d) => d.severity === 'error' && (!d.span || d.span.file === file))];
    ds.push(...reservedNames(program));
    if (hasErrors(ds)) return (this.report(ds), []);
    if (!program.probes.length) {
      this.report([...ds, diag('GT5611', undefined)]);
      return [];
    }

    const compiled = await Promise.all(program.probes.map((p) => this.compileBlock(file, p, sem.maps)));
    for (const c of compiled) ds.push(...c.diagnostics);
    for (const c of compiled) if (c.result.manifest) ds.push(...checkKeptMaps(c.result.manifest, c.probe, this.maps));
    if (hasErrors(ds) || compiled.some((c) => !c.result.manifest || !c.result.object)) {
      this.report(ds);
      return [];
    }
    this.report(ds);
    const ids: number[] = [];
    for (const c of compiled) {
      const id = this.attachBlock(file, c.probe, c.result, t0, sem.maps);
      if (id === undefined) break;
      ids.push(id);
    }
    return ids;
  }

  /** One block on its own, compiled from its AST with the hit counter added as its first
   *  statement (a node spanning nothing at the start of the body, so no diagnostic points
   *  at it); diagnostics stay on the text as typed. */
  private async compileBlock(
    file: SourceFile,
    probe: ast.Probe,
    maps: ReadonlyMap<string, MapInfo>,
  ): Promise<{ probe: ast.Probe; result: CompileResult; diagnostics: Diagnostic[] }> {
    const at = probe.body.length ? probe.body[0].span.start : probe.span.end - 1;
    const hits = hitCounter(HITS_MAP, span(file, at, at));
    const program: ast.Program = { kind: 'Program', span: probe.span, probes: [{ ...probe, body: [hits, ...probe.body] }] };
    // Each object numbers its probes from its own base (past every id used before), so
    // func/probe values in shared maps name the right function whichever object wrote them.
    const result = await this.backend.compile(
      file,
      {
        binary: this.target.binary,
        noCache: this.opts.noCache,
        probeIdBase: this.idBase,
        // Maps it reads but another block writes (a live probe, or one of the same input).
        knownMaps: new Map(
          mapRefs(probe)
            .filter((r) => maps.has(r.name))
            .map((r) => [r.name, maps.get(r.name)!]),
        ),
      },
      program,
    );
    return { probe, result, diagnostics: result.diagnostics };
  }

  /** The checker's view of the kept maps `program` reads without writing them. (One it writes
   *  is checked against the kept layout after compiling: checkKeptMaps says how to free it.) */
  private keptMapInfos(program: ast.Program): Map<string, MapInfo> {
    const written = new Set<string>();
    walk(program, (n) => void (n.kind === 'AssignStmt' && n.target.kind === 'MapRef' && written.add(n.target.name)));
    const out = new Map<string, MapInfo>();
    for (const [n, m] of this.maps) if (m.info && !written.has(n)) out.set(n, m.info);
    return out;
  }

  private attachBlock(
    file: SourceFile,
    probe: ast.Probe,
    c: CompileResult,
    t0: number,
    infos: ReadonlyMap<string, MapInfo>,
  ): number | undefined {
    const m = c.manifest!;
    const own = !c.binary || c.binary.path === this.target.binary;
    const reuseMaps = new Map<string, number>();
    for (const spec of m.maps) {
      const kept = this.maps.get(spec.name);
      if (kept && spec.name !== HITS_MAP) reuseMaps.set(spec.cName, kept.fd);
    }
    const mismatch = c.binary && binaryMismatch(c.binary, own ? this.target.tracedFiles() : { path: c.binary.path });
    if (mismatch) return void this.report([diag('GT5009', probe.span, { mismatch })]);
    let handle: ProbeHandle | undefined;
    const id = this.nextId;
    try {
      handle = this.backend.load(c.object!, m, {
        targetTgid: own ? this.target.tgid : 0,
        attachPid: own ? this.target.attachPid : -1,
        attachPath: c.binary?.attachPath(),
        binary: c.binary,
        reuseMaps,
        ringBytes: this.opts.ringBytes ?? REPL_RING_BYTES,
      });
      const h = handle;
      h.onEvents((e) => this.onEvent(id, e));
      h.attach();
    } catch (e) {
      handle?.dispose();
      if (!(e instanceof BpfError)) throw e;
      this.report([diag('GT5100', probe.span, { reason: e.message }, e.log ? [e.log.trim().split('\n').slice(-8).join('\n')] : [])]);
      return undefined;
    }
    this.nextId++;
    // Bases stay round (1000, 2000, ...) for small probes; a wide wildcard takes more room.
    this.idBase += Math.ceil((m.probes.length + 1) / 1000) * 1000;
    this.probeNames.push(...m.probes);
    // New maps: keep an fd of our own, so they outlive this object.
    for (const spec of m.maps) {
      if (spec.name === HITS_MAP || this.maps.has(spec.name)) continue;
      this.maps.set(spec.name, {
        spec,
        fd: this.backend.maps.dup(handle.mapFd(spec)),
        ctx: { ...handle.ctx, manifest: { ...handle.ctx.manifest, probes: this.probeNames } },
        info: infos.get(spec.name),
      });
    }
    const fns = m.attach.filter((a): a is UprobeAttach => 'at' in a);
    const entries = fns.filter((a) => a.at === 'entry');
    const returns = fns.filter((a) => a.at === 'return');
    const names = entries.length ? entries.map((a) => a.func) : m.attach.map((a) => a.spec);
    const lp: LiveProbe = {
      id,
      text: file.text.slice(probe.span.start, probe.span.end),
      source: file.name,
      ast: probe,
      handle,
      manifest: m,
      functions: names,
      sites: [...entries, ...returns].reduce((n, a) => n + a.sites.length, 0),
      maps: m.maps.map((s) => s.name).filter((n) => n !== HITS_MAP),
      hits: m.maps.find((s) => s.name === HITS_MAP),
      attachMs: performance.now() - t0,
      onTarget: own && this.target.pid !== undefined,
    };
    this.probes.set(id, lp);
    const spec = probe.specs.map((s) => file.text.slice(s.span.start, s.span.end)).join(', ');
    const what = names.length === 1 ? names[0] : `${names.length} functions`;
    this.out.write(`probe ${id} attached: ${spec}${what !== spec && !spec.endsWith(':' + what) ? ` (${what})` : ''}\n`);
    handle.runBegin();
    this.startPolling();
    if (this.target.release()) this.out.write(`released ${this.target.describe}\n`);
    return id;
  }

  /** A probe attached outside addProbes (.graph): `make` attaches it under its id, or throws. */
  adopt(make: (id: number) => LiveProbe): number {
    const id = this.nextId;
    this.probes.set(id, make(id));
    this.nextId++;
    this.startPolling();
    if (this.target.release()) this.out.write(`released ${this.target.describe}\n`);
    return id;
  }

  private onEvent(id: number, e: LiveEvent): void {
    switch (e.spec.kind) {
      case 'exit':
        if (this.probes.has(id)) this.pendingDetach.add(id);
        return;
      case 'print_map':
        if (this.maps.has(e.spec.map!))
          this.events.map(this.maps.get(e.spec.map!)!.spec, topEntries(this.readMap(e.spec.map!), e.spec.top, e.spec.div));
        return;
      case 'clear':
        if (this.maps.has(e.spec.map!)) this.backend.maps.clear(this.maps.get(e.spec.map!)!.fd, this.maps.get(e.spec.map!)!.spec);
        return;
      case 'zero':
        if (this.maps.has(e.spec.map!)) this.backend.maps.zero(this.maps.get(e.spec.map!)!.fd, this.maps.get(e.spec.map!)!.spec);
        return;
      default:
        showEvent(e, this.events);
    }
  }

  private startPolling(): void {
    if (this.poller) return;
    this.poller = setInterval(() => this.poll(), this.opts.pollMs ?? 20);
    this.poller.unref();
  }

  /** Reads every probe's events; probes that called exit() are detached afterwards. */
  poll(): void {
    for (const p of this.probes.values()) p.handle.pollEvents();
    for (const id of this.pendingDetach) {
      this.pendingDetach.delete(id);
      if (this.detach(id)) this.out.notify(`probe ${id} called exit(): detached\n`);
    }
  }

  /** Detaches and releases one probe (its END block runs first). Its maps stay. */
  detach(id: number): boolean {
    const p = this.probes.get(id);
    if (!p) return false;
    this.probes.delete(id);
    try {
      p.handle.pollEvents();
      p.handle.runEnd();
      const lost = p.handle.lostEvents?.() ?? 0n;
      if (lost > 0n) this.out.notify(`probe ${id} lost ${lost} events (the ring buffer was full)\n`);
      p.handle.detach?.();
      for (const d of p.handle.drops?.() ?? []) this.out.notify(`probe ${id}: ${dropText(d)}\n`);
      p.onDetach?.();
    } finally {
      p.handle.dispose();
    }
    if (!this.probes.size && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
    return true;
  }

  hits(p: LiveProbe): bigint | undefined {
    if (!p.hits) return undefined;
    const e = p.handle.readMap(p.hits)[0];
    return e && e.value.type === 'int' ? e.value.value : 0n;
  }

  readMap(name: string): MapEntry[] {
    const m = this.maps.get(name)!;
    return this.backend.maps.read(m.fd, m.spec, m.ctx);
  }

  /** Map names in bpftrace's order (by name). */
  mapNames(): string[] {
    return [...this.maps.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  usedBy(name: string): number[] {
    return [...this.probes.values()].filter((p) => p.maps.includes(name)).map((p) => p.id);
  }

  statementMaps(): StatementMaps {
    return {
      spec: (n) => this.maps.get(n)?.spec,
      names: () => this.mapNames(),
      read: (n) => this.readMap(n),
      clear: (n) => {
        const m = this.maps.get(n)!;
        this.backend.maps.clear(m.fd, m.spec);
        if (this.usedBy(n).length === 0) {
          this.maps.delete(n);
          this.backend.maps.close(m.fd);
        }
      },
      zero: (n) => this.backend.maps.zero(this.maps.get(n)!.fd, this.maps.get(n)!.spec),
      delete: (n, keys) => this.backend.maps.delete(this.maps.get(n)!.fd, this.maps.get(n)!.spec, keys),
      barWidth: () => barWidth(this.opts.columns),
    };
  }

  /** The exit path, as the CLI's: detach everything, print every non-empty map in name order,
   *  release every kernel object and the target. Safe to call twice. */
  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    const errors: unknown[] = [];
    for (const id of [...this.probes.keys()]) {
      try {
        this.detach(id);
      } catch (e) {
        errors.push(e);
      }
    }
    try {
      const answer = { write: (s: string) => this.out.write(s) };
      const out = createPrinter(this.opts.format ?? 'text', { out: this.opts.results ?? answer, err: answer });
      out.finalMaps(this.mapNames().map((n) => ({ spec: this.maps.get(n)!.spec, entries: this.readMap(n) })));
    } finally {
      for (const m of this.maps.values()) this.backend.maps.close(m.fd);
      this.maps.clear();
      this.target.close();
    }
    if (errors.length) throw errors[0];
  }
}
