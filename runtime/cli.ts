// gotrace's command line. Every user mistake ends as a located or plain diagnostic on stderr and
// exit status 1, never a JavaScript stack trace; the traced program is never harmed (a held
// child is killed only if gotrace fails before releasing it).
import fs from 'node:fs';
import path from 'node:path';
import { checkSource, compile } from '../compiler/index.js';
import { GoBinary, GoBinaryError, binaryDiagnostic } from '../compiler/go/binary.js';
import { diag } from '../grammar/catalog/index.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { NotRegularFileError, readRegularText } from '../compiler/files.js';
import { diagnosticToJson, renderDiagnostics } from '../grammar/render.js';
import { SourceFile } from '../grammar/source.js';
import { BpfError, setLibbpfVerbose } from './libbpf/index.js';
import { jsonLine } from './printers/json.js';
import { Output } from './output.js';
import { LiveProgram } from './session.js';
import { HeldChild, resolveCommand, splitCommand } from './target.js';
import { listFunctions } from './list.js';
import { dropText, type Sizes } from './drops.js';

export const VERSION = '0.1.0';

const USAGE = `USAGE:
    gotrace [options] (-e 'program' | file.gt) [-- arg ...]
    gotrace -l 'uprobe:PATTERN' (-p PID | -c CMD | PATH)
    gotrace [repl] (-p PID | -c CMD)    interactive REPL (also: gotrace repl PATH)

OPTIONS:
    -e PROGRAM     trace this program
    -p PID         trace the Go process PID (its binary is /proc/PID/exe)
    -c 'CMD'       run CMD and trace it; CMD waits until the probes are attached
    -o FILE        write output to FILE instead of stdout
    -f FORMAT      output format: text (default) or json
    -l [PATTERN]   list functions matching PATTERN (uprobe:main.*)
    -v             verbose: show the generated C, the manifest and libbpf's log
    --dry-run      compile only, do not load or attach
    --no-cache     do not use the compiled-object cache
    --unsafe       allow system() and cat()
    --strlen N     bytes of each string buffer, 8 to 1024 (default 64; keeps N - 1)
    --map-keys N   keys each map holds (default 65536); updates beyond are counted
    --calls-in-flight N  calls traced at once (default 131072); more are counted
    --json-diagnostics  errors as JSON lines (also with -f json)
    -h, --help     show this help
    -V, --version  show the version

EXAMPLES:
    gotrace -e 'uprobe:main.handle < @lat[goid] = elapsed >' -p 4242
    gotrace -e 'uprobe:main.handle { @calls = count(); }' -c ./server
`;

export class UsageError extends Error {}

export interface CliOptions {
  program?: string;
  file?: string;
  pid?: number;
  command?: string;
  output?: string;
  format: 'text' | 'json';
  list?: string;
  verbose: boolean;
  dryRun: boolean;
  noCache: boolean;
  unsafe?: boolean;
  strlen?: number;
  /** --map-keys, --calls-in-flight. */
  sizes: Partial<Sizes>;
  jsonDiagnostics?: boolean;
  help: boolean;
  version: boolean;
  positional: string[];
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { format: 'text', verbose: false, dryRun: false, noCache: false, help: false, version: false, positional: [], sizes: {} };
  const need = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '-e':
        o.program = need(i++, a);
        break;
      case '-p': {
        const v = need(i++, a);
        if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`-p wants a process id, not '${v}'`);
        o.pid = Number(v);
        break;
      }
      case '-c':
        o.command = need(i++, a);
        break;
      case '-o':
        o.output = need(i++, a);
        break;
      case '-f': {
        const v = need(i++, a);
        if (v !== 'text' && v !== 'json') throw new UsageError(`-f wants text or json, not '${v}'`);
        o.format = v;
        break;
      }
      case '-l':
        o.list = argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') ? argv[++i] : 'uprobe:*';
        break;
      case '-lv':
        o.list = argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') ? argv[++i] : 'uprobe:*';
        o.verbose = true;
        break;
      case '-v':
        o.verbose = true;
        break;
      case '--dry-run':
        o.dryRun = true;
        break;
      case '--no-cache':
        o.noCache = true;
        break;
      case '--unsafe':
        o.unsafe = true;
        break;
      case '--strlen': {
        const v = need(i++, a);
        if (!/^[0-9]+$/.test(v) || Number(v) < 8 || Number(v) > 1024) throw new UsageError(`--strlen wants a size from 8 to 1024, not '${v}'`);
        o.strlen = Number(v);
        break;
      }
      case '--map-keys':
      case '--calls-in-flight':
        o.sizes[a === '--map-keys' ? 'mapKeys' : 'callsInFlight'] = sizeArg(a, need(i++, a));
        break;
      case '--json-diagnostics':
        o.jsonDiagnostics = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '-V':
      case '--version':
        o.version = true;
        break;
      case '--':
        o.positional.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
        if (o.file === undefined && o.program === undefined && o.list === undefined) o.file = a;
        else o.positional.push(a);
    }
  }
  if (o.pid !== undefined && o.command !== undefined) throw new UsageError('give -p or -c, not both');
  return o;
}

/** A map size: at least 1, at most 2^24 (16M entries; the kernel refuses far less memory). */
function sizeArg(flag: string, v: string): number {
  if (!/^[1-9][0-9]*$/.test(v) || Number(v) > 1 << 24) throw new UsageError(`${flag} wants a number of entries from 1 to ${1 << 24}, not '${v}'`);
  return Number(v);
}

interface Io {
  out: NodeJS.WritableStream & { write(s: string): boolean };
  err: NodeJS.WritableStream & { write(s: string): boolean };
  color: boolean;
  /** Diagnostics as JSON lines (--json-diagnostics, -f json). */
  json?: boolean;
}

function report(io: Io, ds: Diagnostic[]): void {
  if (!ds.length) return;
  if (io.json) for (const d of ds) io.err.write(JSON.stringify(diagnosticToJson(d)) + '\n');
  else io.err.write(renderDiagnostics(ds, { color: io.color }));
}

/** Runs the CLI; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const io: Io = { out: process.stdout, err: process.stderr, color: !!process.stderr.isTTY && !process.env.NO_COLOR };
  // The interactive REPL (runtime/repl.ts): `gotrace repl ...`.
  if (argv[0] === 'repl') return (await import('./repl.js')).replMain(argv.slice(1));
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`ERROR: ${e.message}\n${USAGE}`);
      return 1;
    }
    throw e;
  }
  if (opts.help) {
    io.out.write(USAGE);
    return 0;
  }
  if (opts.version) {
    io.out.write(`gotrace v${VERSION}\n`);
    return 0;
  }
  io.json = opts.jsonDiagnostics || opts.format === 'json';
  setLibbpfVerbose(opts.verbose);
  if (opts.list !== undefined) return list(opts, io);
  // A target without a program, on a terminal: the REPL (from a pipe, `gotrace repl` says so).
  if (opts.program === undefined && opts.file === undefined && (opts.pid !== undefined || opts.command !== undefined) && process.stdin.isTTY)
    return (await import('./repl.js')).replMain(argv);
  if (opts.program === undefined && opts.file === undefined) {
    io.err.write(`ERROR: no program given: use -e 'program' or a file.gt\n${USAGE}`);
    return 1;
  }

  let source: SourceFile;
  if (opts.program !== undefined) source = new SourceFile('stdin', opts.program);
  else {
    try {
      source = new SourceFile(opts.file!, readRegularText(opts.file!));
    } catch (e) {
      const reason = e instanceof NotRegularFileError ? `it is ${e.kind}, not a regular file` : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
      report(io, [diag('GT5001', undefined, { file: opts.file!, reason })]);
      return 1;
    }
  }

  const copts = { unsafe: opts.unsafe, strlen: opts.strlen, positional: opts.positional };
  const pre = checkSource(source, copts);
  if (hasErrors(pre.diagnostics)) {
    report(io, pre.diagnostics);
    return 1;
  }

  // The target's binary: -p's /proc/PID/exe, or -c's command.
  let binary: string | undefined;
  let argvCmd: string[] | undefined;
  if (opts.pid !== undefined) {
    if (!fs.existsSync(`/proc/${opts.pid}`)) {
      report(io, [diag('GT5002', undefined, { pid: opts.pid })]);
      return 1;
    }
    binary = `/proc/${opts.pid}/exe`;
    try {
      fs.accessSync(binary, fs.constants.R_OK);
    } catch {
      report(io, [diag('GT5003', undefined, { pid: opts.pid, binary })]);
      return 1;
    }
  } else if (opts.command !== undefined) {
    argvCmd = splitCommand(opts.command);
    if (!argvCmd.length) {
      report(io, [diag('GT5004', undefined)]);
      return 1;
    }
    const resolved = resolveCommand(argvCmd[0]);
    if (!resolved) {
      report(io, [diag('GT5005', undefined, { command: argvCmd[0] })]);
      return 1;
    }
    binary = resolved;
  }

  const compiled = await compile(source, { binary, noCache: opts.noCache, verbose: opts.verbose, ...copts });
  report(io, compiled.diagnostics);
  if (hasErrors(compiled.diagnostics)) return 1;
  if (!compiled.manifest || !compiled.object) {
    if (compiled.program && compiled.program.probes.length === 0) {
      io.err.write('No probes to attach\n');
      return 1;
    }
    return 1;
  }
  if (opts.verbose) {
    io.err.write(`/* generated C */\n${compiled.cSource}\n/* manifest */\n${JSON.stringify(compiled.manifest, null, 2)}\n`);
    io.err.write(compiled.cached ? 'object from cache\n' : 'object compiled with clang\n');
  }
  if (opts.dryRun) return 0;

  let out = io.out;
  if (opts.output) {
    try {
      out = fs.createWriteStream(opts.output);
    } catch (e) {
      report(io, [diag('GT5006', undefined, { file: opts.output, reason: (e as Error).message })]);
      return 1;
    }
  }

  let child: HeldChild | undefined;
  let live: LiveProgram | undefined;
  let timer: NodeJS.Timeout | undefined;
  const output = new Output(out, opts.format);
  try {
    if (argvCmd) child = HeldChild.spawn(argvCmd);
    // Listen for the end before anything is attached: a Ctrl-C during attaching still ends
    // the session cleanly (END, maps, detach) instead of killing Node mid-way.
    const ended = waitForEnd(opts.pid, child);
    const tgid = opts.pid ?? child?.pid ?? 0;
    live = LiveProgram.load(compiled.object, compiled.manifest, {
      targetTgid: tgid,
      attachPid: opts.pid ?? -1,
      attachPath: opts.pid !== undefined ? binary : undefined,
      binary: compiled.binary,
      sizes: opts.sizes,
    });
    const program = live;
    let exitRequested: (() => void) | undefined;
    const exitPromise = new Promise<EndReason>((resolve) => (exitRequested = () => resolve({ kind: 'exit' })));
    // After the end (exit(), a signal, the target's exit) only END's own events are shown: the
    // target may still be running and its probes firing until everything is detached.
    let exiting = false;
    const endIds = new Set(compiled.manifest.probes.filter((p) => p.spec === 'END').map((p) => p.id));
    program.onEvents((e) => {
      if (exiting && !endIds.has(e.probe)) return;
      switch (e.spec.kind) {
        case 'exit':
          exiting = true;
          exitRequested!();
          return;
        case 'print_map': {
          const spec = program.mapSpec(e.spec.map!);
          if (spec) output.map(spec, program.readMap(spec));
          return;
        }
        case 'clear':
        case 'zero': {
          const spec = program.mapSpec(e.spec.map!);
          if (spec) program.clearMap(spec);
          return;
        }
        default:
          output.event(e);
      }
    });
    const n = program.attach();
    io.err.write(`Attaching ${n} probe${n === 1 ? '' : 's'}...\n`);
    if (opts.format === 'json') out.write(jsonLine('attached_probes', { probes: n }));
    program.runBegin();
    // Events are consumed on a timer: ring_buffer__consume never blocks Node's event loop.
    timer = setInterval(() => program.pollEvents(), 20);
    child?.release();
    const why = exiting ? { kind: 'exit' as const } : await Promise.race([ended, exitPromise]);
    clearInterval(timer);
    if (why.kind !== 'exit') program.pollEvents();
    exiting = true;
    program.runEnd();
    if (why.kind === 'exited' && why.status !== 0) io.err.write(`target exited with status ${why.code ?? why.signal}\n`);
    // A -c target outlives a session ended by a signal or exit(); it was ours to start, so it
    // is ours to stop, as bpftrace does.
    if (why.kind !== 'exited') child?.terminate();
    program.detach();
    output.finalMaps(program.readAllMaps());
    const lost = program.lostEvents();
    if (lost > 0n) {
      io.err.write(`Lost ${lost} events\n`);
      output.lost(lost);
    }
    const drops = program.drops();
    for (const d of drops) io.err.write(dropText(d) + '\n');
    output.drops(drops);
    return 0;
  } catch (e) {
    if (e instanceof BpfError) {
      report(io, [diag('GT5100', undefined, { reason: e.message }, opts.verbose && e.log ? [e.log.trim()] : e.log ? ["run with -v to see libbpf's log"] : [])]);
      child?.kill();
      return 1;
    }
    child?.kill();
    throw e;
  } finally {
    if (timer) clearInterval(timer);
    live?.dispose();
    if (out !== io.out) await new Promise((r) => (out as fs.WriteStream).end(r));
  }
}

type EndReason = { kind: 'exit' } | { kind: 'signal'; signal: string } | { kind: 'exited'; status: number; code?: number; signal?: string };

/** Until Ctrl-C, SIGTERM, or the target's end. */
function waitForEnd(pid: number | undefined, child: HeldChild | undefined): Promise<EndReason> {
  return new Promise((resolve) => {
    const cleanups: (() => void)[] = [];
    let finished = false;
    const done = (r: EndReason) => {
      if (finished) return;
      finished = true;
      for (const c of cleanups) c();
      resolve(r);
    };
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const h = () => done({ kind: 'signal', signal: sig });
      process.on(sig, h);
      cleanups.push(() => process.off(sig, h));
    }
    if (child) {
      child.onExit((code, signal) => done({ kind: 'exited', status: code ?? 128, code: code ?? undefined, signal: signal ?? undefined }));
    } else if (pid !== undefined) {
      const t = setInterval(() => {
        if (!processAlive(pid)) done({ kind: 'exited', status: 0 });
      }, 100);
      cleanups.push(() => clearInterval(t));
    }
  });
}

function processAlive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); its /proc state says Z.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}

/** A path written as one (`/x`, `./x`, `../x`) or an existing file: not a function pattern. */
function isFileArg(a: string): boolean {
  return /^\.{0,2}\//.test(a) || fs.existsSync(a);
}

async function list(opts: CliOptions, io: Io): Promise<number> {
  let pattern = opts.list!;
  // `-l PATH` (no pattern, no `:`): every function of PATH.
  if (!pattern.includes(':') && isFileArg(pattern)) {
    opts.positional.unshift(pattern);
    pattern = 'uprobe:*';
  }
  // The binary: uprobe:PATH:PATTERN, -p, -c, or a PATH argument.
  const pm = /^(?:[a-z]+:)?(\/[^:]*|\.{1,2}\/[^:]*):/.exec(pattern);
  let binPath: string | undefined = pm?.[1];
  if (opts.pid !== undefined) binPath = `/proc/${opts.pid}/exe`;
  else if (opts.command) binPath = resolveCommand(splitCommand(opts.command)[0] ?? '') ?? undefined;
  else if (!binPath && opts.positional.length) binPath = path.resolve(opts.positional[0]);
  else if (!binPath && opts.file) binPath = path.resolve(opts.file);
  if (!binPath) {
    report(io, [diag('GT5007', undefined)]);
    return 1;
  }
  try {
    const bin = GoBinary.open(binPath);
    const lines = listFunctions(bin, pattern, opts.verbose);
    io.out.write(lines.map((l) => l + '\n').join(''));
    return 0;
  } catch (e) {
    if (e instanceof GoBinaryError) {
      report(io, [binaryDiagnostic(e, binPath)]);
      return 1;
    }
    throw e;
  }
}
