// gotrace's command line. Every user mistake ends as a located or plain diagnostic on stderr and
// exit status 1, never a JavaScript stack trace; the traced program is never harmed, and a -c
// command never outlives gotrace unless --keep-target asks (runtime/target.ts).
//
// main() reads as its steps: options, then either the listing, the REPL, or a trace: the
// script, its pre-checks, the target's checks, the output (opened before anything is compiled
// or attached, so a bad -o path costs nothing), compile, then the session (runtime/trace.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { compile, CompileResult } from '../compiler/index.js';
import { GoBinary, GoBinaryError, binaryDiagnostic } from '../compiler/go/binary.js';
import { openCached, useDebugFile } from '../compiler/passes/resolve.js';
import { lookupScript, storeScript, type ScriptKey } from '../compiler/script-cache.js';
import { diag } from '../grammar/catalog/index.js';
import { hasErrors, type Diagnostic } from '../grammar/diagnostics.js';
import { NotRegularFileError, readRegularText } from '../compiler/files.js';
import { diagnosticToJson, renderDiagnostics } from '../grammar/render.js';
import { SourceFile } from '../grammar/source.js';
import { setLibbpfVerbose } from './libbpf/index.js';
import { listGoProbes, writeLines, listFunctions, listKernel } from './list.js';
import { createPrinter, DEFAULT_FORMAT, isFormat, printerNames, PRINTERS } from './printers/index.js';
import { OutputSink } from './sink.js';
import { TEXT_OPTIONS, TEXT_USAGE, textFlags, type TextOptions } from './printers/text.js';
import { ringArg, sizeArg, UsageError } from './cli-args.js';
import { Target, TargetError, resolveCommand, splitCommand, type TargetPlan } from './target.js';
import { runTrace } from './trace.js';
import type { Sizes } from './drops.js';
import type { ExportOptions } from './exporters/index.js';
import { labelDirectives } from './exporters/labels.js';
import { GRAPH_USAGE, graphFlags, graphUsageProblem, type GraphOptions } from './graph/options.js';
import type { GraphRun } from './graph/cli.js';
import { defaultExportOptions, EXPORT_USAGE, exportFlags, wantsExport } from './exporters/options.js';

import { VERSION } from './version.js';

export { VERSION };

const formatList = () =>
  printerNames()
    .map((n) => `${n} (${PRINTERS[n].describe})`)
    .join(', ');

/** The text of --help. test/runtime/docs.test.ts checks it names every option of FLAGS. */
export const USAGE = () => `USAGE:
    gotrace [options] (-e 'program' | file.gt) [-- arg ...]
    gotrace -l 'uprobe:PATTERN' (-p PID | -c CMD | PATH)
    gotrace [repl] (-p PID | -c CMD)    interactive REPL (also: gotrace repl PATH)
    gotrace help [TOPIC]                the reference: probes, builtins, functions,
                                        operators, maps, output, tools, ... (gotrace help)

OPTIONS:
    -e PROGRAM     trace this program
    -p PID         trace the Go process PID (its binary is /proc/PID/exe)
    -c 'CMD'       run CMD and trace it; CMD waits until the probes are attached,
                   and is stopped when gotrace ends
    --keep-target  leave the -c command running when gotrace ends
    -o FILE        write output to FILE instead of stdout
    -f FORMAT      output format: ${formatList()}
    -l [PATTERN]   list functions matching PATTERN (uprobe:main.*, 'tracepoint:syscalls:*')
    -lv [PATTERN]  the same with each function's parameters, results, their ABI
                   locations and its probe sites (a tracepoint's fields)
    -v             verbose: show the generated C, the manifest and libbpf's log
    --dry-run      compile only, do not load or attach
    --no-cache     do not use the compiled-object cache
    --unsafe       allow system(), execv(), cat(), signal(). WARNING: system("...%s", x)
                   runs its text through /bin/sh as root, so a string from the
                   target can inject commands; execv("PROG", a, b) runs PROG with
                   each argument as one argv element and no shell
    --strlen N     bytes of each string buffer, 8 to 1024 (default 64; keeps N - 1)
    --map-keys N   keys each map holds (default 65536); updates beyond are counted
    --calls-in-flight N  calls traced at once (default 131072); more are counted
    --debug-file F the DWARF of a stripped binary: an unstripped build of it, or its
                   objcopy --only-keep-debug file (the Go build ID must match)
    --ring-size N  bytes of the event ring buffer, a power of two, K/M suffixes (default 8M)
    --max-functions N  refuse a script matching more than N functions (default: no limit)
${GRAPH_USAGE}${TEXT_USAGE}${EXPORT_USAGE}    --json-diagnostics  errors as JSON lines (also with -f json)
    -h, --help     show this help
    -V, --version  show the version

A closed output (gotrace ... | head) ends the session quietly with status 0.

EXAMPLES:
    gotrace -e 'uprobe:main.handle < @lat[goid] = elapsed >' -p 4242
    gotrace -e 'uprobe:main.handle { @calls = count(); }' -c ./server
`;

export { UsageError };

export interface CliOptions {
  program?: string;
  file?: string;
  pid?: number;
  command?: string;
  output?: string;
  /** A name from the printer registry (runtime/printers/index.ts). */
  format: string;
  list?: string;
  verbose: boolean;
  dryRun: boolean;
  noCache: boolean;
  unsafe?: boolean;
  keepTarget?: boolean;
  strlen?: number;
  /** --map-keys, --calls-in-flight. */
  sizes: Partial<Sizes>;
  debugFile?: string;
  /** --ring-size: bytes of the event ring buffer. */
  ringBytes?: number;
  /** --max-functions: a cap on the functions a script's probes match (none by default). */
  maxFunctions?: number;
  /** --bpftrace-text, --avg-decimals: how the text output shows maps. */
  text: Partial<TextOptions>;
  /** --prometheus, --otlp, --max-series (runtime/exporters/). */
  export: ExportOptions;
  /** --graph and its options (runtime/graph/). */
  graph?: GraphOptions;
  jsonDiagnostics?: boolean;
  help: boolean;
  version: boolean;
  positional: string[];
}

/** Each option: what it sets, from its value when it takes one. */
type Flag = { value: false; set(o: CliOptions): void } | { value: true; set(o: CliOptions, v: string): void };

const listPattern = (o: CliOptions, v: string | undefined) => (o.list = v ?? 'uprobe:*');

export const FLAGS: Record<string, Flag> = {
  '-e': { value: true, set: (o, v) => (o.program = v) },
  '-p': {
    value: true,
    set: (o, v) => {
      if (!/^[1-9][0-9]*$/.test(v)) throw new UsageError(`-p wants a process id, not '${v}'`);
      o.pid = Number(v);
    },
  },
  '-c': { value: true, set: (o, v) => (o.command = v) },
  '-o': { value: true, set: (o, v) => (o.output = v) },
  '-f': {
    value: true,
    set: (o, v) => {
      if (!isFormat(v)) throw new UsageError(`-f wants ${printerNames().join(' or ')}, not '${v}'`);
      o.format = v;
    },
  },
  '-v': { value: false, set: (o) => (o.verbose = true) },
  '--dry-run': { value: false, set: (o) => (o.dryRun = true) },
  '--no-cache': { value: false, set: (o) => (o.noCache = true) },
  '--unsafe': { value: false, set: (o) => (o.unsafe = true) },
  '--keep-target': { value: false, set: (o) => (o.keepTarget = true) },
  '--strlen': {
    value: true,
    set: (o, v) => {
      if (!/^[0-9]+$/.test(v) || Number(v) < 8 || Number(v) > 1024)
        throw new UsageError(`--strlen wants a size from 8 to 1024, not '${v}'`);
      o.strlen = Number(v);
    },
  },
  '--map-keys': { value: true, set: (o, v) => (o.sizes.mapKeys = sizeArg('--map-keys', v)) },
  '--calls-in-flight': { value: true, set: (o, v) => (o.sizes.callsInFlight = sizeArg('--calls-in-flight', v)) },
  '--debug-file': { value: true, set: (o, v) => (o.debugFile = path.resolve(v)) },
  '--ring-size': { value: true, set: (o, v) => (o.ringBytes = ringArg(v)) },
  '--max-functions': { value: true, set: (o, v) => (o.maxFunctions = sizeArg('--max-functions', v)) },
  ...textFlags((m) => new UsageError(m)),
  ...exportFlags((m) => new UsageError(m)),
  ...graphFlags((m) => new UsageError(m)),
  '--json-diagnostics': { value: false, set: (o) => (o.jsonDiagnostics = true) },
  '-h': { value: false, set: (o) => (o.help = true) },
  '--help': { value: false, set: (o) => (o.help = true) },
  '-V': { value: false, set: (o) => (o.version = true) },
  '--version': { value: false, set: (o) => (o.version = true) },
};

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    format: DEFAULT_FORMAT,
    verbose: false,
    dryRun: false,
    noCache: false,
    help: false,
    version: false,
    positional: [],
    sizes: {},
    text: {},
    export: defaultExportOptions(),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const flag = FLAGS[a];
    if (flag?.value) {
      if (argv[i + 1] === undefined) throw new UsageError(`option ${a} needs a value`);
      flag.set(o, argv[++i]);
    } else if (flag) flag.set(o);
    else if (a === '-l' || a === '-lv') {
      // -l takes an optional pattern: the next word unless it is an option.
      listPattern(o, argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') ? argv[++i] : undefined);
      if (a === '-lv') o.verbose = true;
    } else if (a === '--') {
      o.positional.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else if (o.file === undefined && o.program === undefined && o.list === undefined) o.file = a;
    else o.positional.push(a);
  }
  if (o.pid !== undefined && o.command !== undefined) throw new UsageError('give -p or -c, not both');
  const graph = graphUsageProblem(o);
  if (graph) throw new UsageError(graph);
  return o;
}

interface Io {
  out: NodeJS.WritableStream & { write(s: string): boolean };
  err: NodeJS.WritableStream & { write(s: string): boolean };
  color: boolean;
  /** Diagnostics as JSON lines (--json-diagnostics, or a format that asks for them). */
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
  // A closed stderr must not end gotrace with a stack trace either.
  process.stderr.on('error', () => {});
  // The interactive REPL (runtime/repl.ts): `gotrace repl ...`.
  if (argv[0] === 'repl') return (await import('./repl.js')).replMain(argv.slice(1));
  // The reference, read from docs/ (runtime/help.ts): `gotrace help [TOPIC]`.
  if (argv[0] === 'help') return (await import('./help.js')).helpMain(argv.slice(1), USAGE(), io.out, io.err);
  const opts = parseOrReport(argv, io);
  if (typeof opts === 'number') return opts;
  if (opts.help) return writeAndExit(io, USAGE());
  if (opts.version) return writeAndExit(io, `gotrace v${VERSION}\n`);
  io.json = opts.jsonDiagnostics || PRINTERS[opts.format].jsonDiagnostics;
  Object.assign(TEXT_OPTIONS, opts.text);
  setLibbpfVerbose(opts.verbose);
  useDebugFile(opts.debugFile);
  if (opts.list !== undefined) return list(opts, io);
  // A target without a program, on a terminal: the REPL (from a pipe, `gotrace repl` says so).
  if (
    opts.program === undefined &&
    opts.file === undefined &&
    !opts.graph &&
    (opts.pid !== undefined || opts.command !== undefined) &&
    process.stdin.isTTY
  )
    return (await import('./repl.js')).replMain(argv);
  if (opts.program === undefined && opts.file === undefined && !opts.graph) {
    io.err.write(`ERROR: no program given: use -e 'program' or a file.gt\n${USAGE()}`);
    return 1;
  }
  return trace(opts, io);
}

function parseOrReport(argv: string[], io: Io): CliOptions | number {
  try {
    return parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err.write(`ERROR: ${e.message}\n${USAGE()}`);
    return 1;
  }
}

function writeAndExit(io: Io, text: string): number {
  io.out.on('error', () => {});
  io.out.write(text);
  return 0;
}

/** The steps of a trace, each stopping at the first error. */
async function trace(opts: CliOptions, io: Io): Promise<number> {
  const graph = opts.graph && (await import('./graph/cli.js')).graphRun(opts, checkTarget(opts), (ds) => report(io, ds));
  if (opts.graph && !graph) return 1;
  const source = readSource(opts, io);
  if (!source) return 1;
  const copts = { unsafe: opts.unsafe, strlen: opts.strlen, positional: opts.positional };
  const plan = checkTarget(opts);
  // A script run before against the same files needs no compiler (compiler/script-cache.ts):
  // a hit had no diagnostic, so skipping the pre-checks reports nothing less.
  const key = plan instanceof TargetError ? undefined : scriptKey(source, plan, opts);
  const hit = key && fromScriptCache(key);
  if (!hit) {
    const pre = (await import('../compiler/index.js')).checkSource(source, copts);
    if (hasErrors(pre.diagnostics)) return (report(io, pre.diagnostics), 1);
  }
  if (plan instanceof TargetError) return (report(io, [plan.diagnostic]), 1);
  const output = opts.dryRun ? undefined : openOutput(opts, io);
  if (!opts.dryRun && !output) return 1;
  try {
    const compiled = hit || (await compileFor(source, plan, { ...copts, noCache: opts.noCache }, opts, io, key, graph || undefined));
    // The exporters' label names, checked with --dry-run too, and before a -c command starts.
    const labels = compiled && labelDirectives(source, compiled.manifest.maps);
    if (labels && wantsExport(opts.export) && labels.diagnostics.length) return (report(io, labels.diagnostics), 1);
    if (!compiled || !output || !labels) return compiled ? 0 : 1;
    const target = Target.start(plan, { childOutput: 'inherit' });
    if (opts.keepTarget) target.keep();
    const printer = createPrinter(opts.format, { out: output, err: io.err });
    const report1 = (ds: Diagnostic[]) => report(io, ds);
    const ctx = {
      warn: (s: string) => io.err.write(s),
      binary: compiled.binary,
      binaryPath: plan.binary,
      script: opts.file ?? opts.program!,
      version: VERSION,
    };
    // N.B. prom-client and OpenTelemetry load only for a run that exports (start-up time).
    const exporters = wantsExport(opts.export)
      ? (await import('./exporters/index.js')).sessionExporters(opts.export, { ...ctx, labelNames: labels.names })
      : undefined;
    const run = { sizes: opts.sizes, ringBytes: opts.ringBytes, err: io.err, verbose: opts.verbose, report: report1, exporters };
    const session = graph ? graph.session(output, opts.format === 'json') : undefined;
    return await runTrace({ ...compiled, target, printer: session?.wrap(printer) ?? printer, output, ...run, graph: session });
  } finally {
    await output?.close();
  }
}

/** The script cache's key; none under -v (it shows the generated C) or --no-cache. */
function scriptKey(source: SourceFile, plan: TargetPlan, opts: CliOptions): ScriptKey | undefined {
  if (opts.verbose || opts.noCache) return undefined;
  const options = { name: source.name, unsafe: opts.unsafe, strlen: opts.strlen, positional: opts.positional, max: opts.maxFunctions };
  return { source: source.text, binary: plan.binary, debugFile: opts.debugFile, options };
}

/** The cached object and manifest, with the binary opened as the compiler would have. */
function fromScriptCache(key: ScriptKey): Compiled | undefined {
  const entry = lookupScript(key);
  if (!entry) return undefined;
  let binary: GoBinary | undefined;
  try {
    binary = entry.manifest.target.binary ? openCached(entry.manifest.target.binary) : undefined;
  } catch {
    return undefined; // the compiler reports what is wrong with it
  }
  if (binary?.dwarfSource !== entry.dwarfSource) return undefined;
  return { object: entry.object, manifest: entry.manifest, binary };
}

function readSource(opts: CliOptions, io: Io): SourceFile | undefined {
  if (opts.graph) return new SourceFile('--graph', opts.program!);
  if (opts.program !== undefined) return new SourceFile('stdin', opts.program);
  try {
    return new SourceFile(opts.file!, readRegularText(opts.file!));
  } catch (e) {
    const reason =
      e instanceof NotRegularFileError
        ? `it is ${e.kind}, not a regular file`
        : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    report(io, [diag('GT5001', undefined, { file: opts.file!, reason })]);
    return undefined;
  }
}

/** -p's process or -c's command, checked (nothing started yet); {} for neither. */
function checkTarget(opts: CliOptions): TargetPlan | TargetError {
  try {
    if (opts.pid !== undefined) return Target.check({ pid: opts.pid });
    if (opts.command !== undefined) return Target.check({ command: opts.command });
    return {};
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    return e;
  }
}

/** stdout, or -o FILE opened now: a path that cannot be written fails before compiling. */
function openOutput(opts: CliOptions, io: Io): OutputSink | undefined {
  if (!opts.output) return new OutputSink(io.out, 'stdout');
  try {
    return OutputSink.openFile(opts.output);
  } catch (e) {
    report(io, [diag('GT5006', undefined, { file: opts.output, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message })]);
    return undefined;
  }
}

type Compiled = Required<Pick<CompileResult, 'object' | 'manifest'>> & Pick<CompileResult, 'binary'>;

async function compileFor(
  source: SourceFile,
  plan: TargetPlan,
  copts: Parameters<typeof compile>[1],
  opts: CliOptions,
  io: Io,
  key: ScriptKey | undefined,
  graph?: GraphRun,
): Promise<Compiled | undefined> {
  const { compile } = await import('../compiler/index.js');
  const compiled = await compile(source, { ...copts, binary: plan.binary, verbose: opts.verbose, maxFunctions: opts.maxFunctions });
  report(io, graph ? graph.filter(compiled.diagnostics) : compiled.diagnostics);
  if (key && compiled.object && compiled.manifest && compiled.diagnostics.length === 0)
    storeScript(key, { manifest: compiled.manifest, object: compiled.object, dwarfSource: compiled.binary?.dwarfSource });
  if (hasErrors(compiled.diagnostics)) return undefined;
  if (!compiled.manifest || !compiled.object) {
    if (compiled.program && compiled.program.probes.length === 0) io.err.write('No probes to attach\n');
    return undefined;
  }
  if (opts.verbose) {
    io.err.write(`/* generated C */\n${compiled.cSource}\n/* manifest */\n${JSON.stringify(compiled.manifest, null, 2)}\n`);
    io.err.write(compiled.cached ? 'object from cache\n' : 'object compiled with clang\n');
    if (compiled.cacheNote) io.err.write(`${compiled.cacheNote}\n`);
  }
  return { object: compiled.object, manifest: compiled.manifest, binary: compiled.binary };
}

/** A path written as one (`/x`, `./x`, `../x`) or an existing file: not a function pattern. */
function isFileArg(a: string): boolean {
  return /^\.{0,2}\//.test(a) || fs.existsSync(a);
}

async function list(opts: CliOptions, io: Io): Promise<number> {
  const kernel = listKernel(opts.list!, opts.verbose);
  if (kernel) return 'error' in kernel ? (report(io, [kernel.error]), 1) : (io.out.write(kernel.text), 0);
  let pattern = opts.list!;
  // The go: provider's probes are the same in every release: no binary needed.
  if (pattern.startsWith('go:')) return writeLines(io, listGoProbes(pattern, opts.verbose));
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
    const bin = GoBinary.open(binPath, { debugFile: opts.debugFile });
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
