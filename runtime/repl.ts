// The interactive REPL's command line: `gotrace -p PID` or `gotrace -c 'CMD'` without a program
// (on a terminal), or `gotrace repl [-p PID | -c CMD | PATH]` (also reading commands from a pipe).
// The work is in runtime/repl/: core.ts (probes, shared maps, statements), commands.ts (dot-
// commands), complete.ts (TAB), server.ts (Node's `repl` module), target.ts.
import os from 'node:os';
import path from 'node:path';
import { parseArgs, UsageError, VERSION, type CliOptions } from './cli.js';
import { setLibbpfVerbose } from './libbpf/index.js';
import { diag } from '../grammar/catalog/index.js';
import { TerminalWatch } from './repl/hangup.js';
import { OutputSink } from './sink.js';
import { startRepl, type ReplSession } from './repl/server.js';
import { Target, TargetError, type TargetSpec } from './target.js';

export { startRepl, PROMPT, type ReplOptions, type ReplSession } from './repl/server.js';
export { ReplCore } from './repl/core.js';
export { Target } from './target.js';

export const REPL_USAGE = `USAGE:
    gotrace -p PID | -c 'CMD'                 (on a terminal: no program opens the REPL)
    gotrace repl [-p PID | -c 'CMD' | PATH] [-o FILE] [-f FORMAT] [--no-cache] [-v]

-o FILE and -f FORMAT are for what probes print and the maps printed at exit; answers to what is
typed at the prompt stay on the terminal, as text.

In the REPL, type a probe to attach it, statements to read maps, .help for the rest.
`;

/** The history file: ~/.gotrace_history, with ~ from $HOME when set. */
export function historyPath(): string {
  return path.join(process.env.HOME || os.homedir(), '.gotrace_history');
}

/** What the REPL traces: -p, -c, a PATH, or nothing yet (.target later). */
function targetSpec(opts: CliOptions): TargetSpec {
  if (opts.pid !== undefined) return { pid: opts.pid };
  if (opts.command !== undefined) return { command: opts.command };
  if (opts.file !== undefined) return { path: opts.file };
  return {};
}

/** Runs the REPL on the process's terminal; resolves to the exit status. */
export async function replMain(argv: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
    if (opts.program !== undefined) throw new UsageError('the REPL takes no -e program: type probes at its prompt');
    if (opts.list !== undefined) throw new UsageError('-l is not for the REPL: use .funcs PATTERN at its prompt');
    // The REPL pipes a -c command's output to print it above the prompt: left running after the
    // REPL, the command would write into a closed pipe.
    if (opts.keepTarget) throw new UsageError('--keep-target is not for the REPL');
    if (opts.file !== undefined && (opts.pid !== undefined || opts.command !== undefined))
      throw new UsageError('give -p, -c or a PATH, not two');
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ERROR: ${e.message}\n${REPL_USAGE}`);
      return 1;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(REPL_USAGE);
    return 0;
  }
  setLibbpfVerbose(opts.verbose);
  const spec = targetSpec(opts);
  let target: Target;
  try {
    // A -c command's output is printed above the prompt, not over the line being typed.
    target = Target.open(spec, { childOutput: 'pipe' });
  } catch (e) {
    if (e instanceof TargetError) {
      const d = e.diagnostic;
      process.stderr.write(`ERROR: ${d.message}\n${d.hints.map((h) => `HINT: ${h}\n`).join('')}`);
      return 1;
    }
    throw e;
  }
  let results: OutputSink | undefined;
  if (opts.output !== undefined) {
    try {
      results = OutputSink.openFile(opts.output);
    } catch (e) {
      const d = diag('GT5006', undefined, { file: opts.output, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      process.stderr.write(`ERROR: ${d.message}\n`);
      target.close();
      return 1;
    }
  }
  const banner =
    `gotrace ${VERSION} REPL, ${target.binary ? 'tracing ' : ''}${target.describe}. Type .help for help.\n` +
    (target.held ? 'The command is held until the first probe is attached (or .run).\n' : '') +
    (results ? `Probe output and the maps at exit go to ${opts.output}${opts.format !== 'text' ? ` (${opts.format})` : ''}.\n` : '');
  // A hangup (the terminal closed) ends the session as Ctrl-D does; see repl/hangup.ts.
  let session: ReplSession | undefined;
  const watch = new TerminalWatch(() => setImmediate(() => session?.server.close()));
  session = startRepl({
    input: process.stdin,
    output: process.stdout,
    target,
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
    noCache: opts.noCache,
    ringBytes: opts.ringBytes,
    historyFile: historyPath(),
    // Read from a pipe, stdout has only the answers: the banner goes to stderr.
    banner: process.stdin.isTTY ? banner : (process.stderr.write(banner), undefined),
    format: opts.format,
    results,
    pipe: !process.stdin.isTTY,
  });
  // N.B. readline passes its input's errors on as its own 'error' events (setRawMode EIO at
  // close, on a hung-up terminal): without a listener they would be thrown.
  session.server.on('error', () => watch.hangup());
  // On a terminal readline turns Ctrl-C into line editing; signals from elsewhere end the session
  // the same way as .exit.
  const stop = () => session!.server.close();
  process.on('SIGTERM', stop);
  if (!process.stdin.isTTY) process.on('SIGINT', stop);
  try {
    return await session.done;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await results?.close();
    watch.release();
  }
}
