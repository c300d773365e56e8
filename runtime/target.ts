// The target, one module for the CLI and the REPL: a running process (-p), a command started
// and held (-c), a binary path (every process running it), or nothing yet (REPL only).
//
// The -c child is started by gotrace but held before it runs a single instruction of the Go
// program, so that no early call escapes the probes. A tiny shell waits on a pipe, then execs the
// command in place: the pid the BPF filter knows stays the Go program's pid.
//
// N.B. a -c command never outlives gotrace unless asked (--keep-target): a command that never
// ran is killed, one that runs is sent SIGTERM at the session's end, and whatever is still alive
// when gotrace's process exits, on any path (an error, an uncaught exception), gets SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GoBinaryError, binaryDiagnostic } from '../compiler/go/binary.js';
import { diag } from '../grammar/catalog/index.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import { openCached } from '../compiler/passes/resolve.js';
import type { TracedFiles } from './identity.js';

// fd 3 is the hold pipe; it is closed before exec so the target sees the fds it would see alone.
const HOLD = 'read -r _ <&3; exec 3<&-; exec "$@"';

/** Children to kill when gotrace's process exits, whatever the way out. */
const living = new Set<HeldChild>();
let exitHookInstalled = false;

function killLivingAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of living) c.kill();
  });
}

export class HeldChild {
  private exited = false;
  private exitHandlers: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  private exitInfo?: { code: number | null; signal: NodeJS.Signals | null };

  private constructor(private readonly proc: ChildProcess) {
    living.add(this);
    killLivingAtExit();
    proc.on('exit', (code, signal) => {
      this.exited = true;
      living.delete(this);
      this.exitInfo = { code, signal };
      for (const h of this.exitHandlers) h(code, signal);
    });
  }

  /** `output: 'pipe'` gives the command no stdin and pipes for its output (the REPL prints it
   *  above its prompt); the CLI lets it inherit gotrace's terminal. */
  static spawn(argv: string[], output: 'inherit' | 'pipe' = 'inherit'): HeldChild {
    const io = output === 'pipe' ? (['ignore', 'pipe', 'pipe', 'pipe'] as const) : (['inherit', 'inherit', 'inherit', 'pipe'] as const);
    const proc = spawn('/bin/sh', ['-c', HOLD, 'gotrace-target', ...argv], { stdio: [...io] });
    // N.B. the hold pipe is a socket to Node: when the command dies (a signal at the end of a
    // session, say) reading it can fail with ECONNRESET, and an 'error' nobody listens to
    // would end gotrace mid-teardown. Nothing is lost by ignoring it: the pipe has done its job.
    for (const s of proc.stdio) (s as NodeJS.EventEmitter | null)?.on('error', () => {});
    proc.on('error', () => {});
    return new HeldChild(proc);
  }

  /** The command's output when spawned with `output: 'pipe'`. */
  get stdout(): NodeJS.ReadableStream | null {
    return this.proc.stdout;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.proc.stderr;
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** Let the command run. */
  release(): void {
    const pipe = this.proc.stdio[3] as NodeJS.WritableStream | null;
    pipe?.end('go\n');
  }

  onExit(h: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    if (this.exitInfo) h(this.exitInfo.code, this.exitInfo.signal);
    else this.exitHandlers.push(h);
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** For a child that never ran (gotrace failed before releasing it), or at gotrace's exit. */
  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }

  /** --keep-target: the command goes on after gotrace (which no longer waits for it). */
  keep(): void {
    living.delete(this);
    this.proc.unref();
  }

  /** Ask a running command to stop (SIGTERM): the REPL's exit ends the command it started. */
  terminate(): void {
    if (!this.exited) this.proc.kill('SIGTERM');
  }
}

/** Split a -c command line like a shell would for simple cases: quotes and backslashes. */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < cmd.length) cur += cmd[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** The executable a command name runs: a path as is, a bare name through $PATH. */
export function resolveCommand(name: string): string | null {
  const isExec = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (!name) return null;
  if (name.includes('/')) return isExec(name) ? path.resolve(name) : null;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir || '.', name);
    if (isExec(p)) return path.resolve(p);
  }
  return null;
}

export type TargetSpec = { pid: number } | { command: string } | { path: string } | Record<string, never>;

/** A target gotrace cannot use; `diagnostic` says why (the same codes for the CLI and REPL). */
export class TargetError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/** A target checked but not started: what compile needs (the binary) before a command runs. */
export interface TargetPlan {
  binary?: string;
  pid?: number;
  argv?: string[];
  command?: string;
}

export interface StartOptions {
  /** A -c command's output: inherited (CLI) or piped (the REPL prints it above its prompt). */
  childOutput?: 'inherit' | 'pipe';
}

export class Target {
  /** BPF-side filter: only this tgid (0 = any process of the binary). */
  readonly tgid: number;
  /** pid given to the kernel when attaching (-1 = any). */
  readonly attachPid: number;
  readonly attachPath?: string;
  readonly child?: HeldChild;
  readonly describe: string;
  readonly pid?: number;
  private released = false;
  private kept = false;
  private exitWatch?: NodeJS.Timeout;

  private constructor(
    /** Binary the probes resolve against (compile's default binary). */
    readonly binary: string | undefined,
    init: { tgid: number; attachPid: number; attachPath?: string; child?: HeldChild; describe: string; pid?: number },
  ) {
    this.tgid = init.tgid;
    this.attachPid = init.attachPid;
    this.attachPath = init.attachPath;
    this.child = init.child;
    this.describe = init.describe;
    this.pid = init.pid;
  }

  /** Checks the target without starting anything. Throws TargetError for every user mistake. */
  static check(spec: TargetSpec): TargetPlan {
    if ('pid' in spec) return { pid: checkPid(spec.pid), binary: `/proc/${spec.pid}/exe` };
    if ('command' in spec) {
      const argv = splitCommand(spec.command);
      if (!argv.length) throw new TargetError(diag('GT5004', undefined));
      const binary = resolveCommand(argv[0]);
      if (!binary) throw new TargetError(diag('GT5005', undefined, { command: argv[0] }));
      return { binary, argv, command: spec.command };
    }
    if ('path' in spec) {
      const binary = path.resolve(spec.path);
      if (!fs.existsSync(binary)) throw new TargetError(diag('GT5626', undefined, { path: spec.path }));
      return { binary };
    }
    return {};
  }

  /** Starts a checked target: a command is spawned, held until release(). */
  static start(plan: TargetPlan, opts: StartOptions = {}): Target {
    const binary = plan.binary;
    if (plan.pid !== undefined) {
      const pid = plan.pid;
      let exe = binary!;
      try {
        exe = fs.readlinkSync(binary!);
      } catch {
        /* keep /proc/PID/exe */
      }
      return new Target(binary, { tgid: pid, attachPid: pid, attachPath: binary, describe: `process ${pid} (${exe})`, pid });
    }
    if (plan.argv) {
      const child = HeldChild.spawn(plan.argv, opts.childOutput ?? 'inherit');
      return new Target(binary, {
        tgid: child.pid,
        attachPid: -1,
        child,
        describe: `'${plan.command}' (pid ${child.pid})`,
        pid: child.pid,
      });
    }
    if (binary) return new Target(binary, { tgid: 0, attachPid: -1, describe: `every process running ${binary}` });
    return new Target(undefined, {
      tgid: 0,
      attachPid: -1,
      describe: 'no target yet (.target PID|PATH, or name the binary: uprobe:/path/app:main.f)',
    });
  }

  /** The REPL's way: check, make sure the binary is Go's (no probe text to locate an error on
   *  yet), start. */
  static open(spec: TargetSpec, opts: StartOptions = {}): Target {
    const plan = Target.check(spec);
    if (plan.binary) checkGo(plan.binary);
    return Target.start(plan, opts);
  }

  /** What a probe's binary must be before it is attached (runtime/identity.ts): the process
   *  once it runs the program (-p, a released -c), else the file the command or path names. */
  tracedFiles(): TracedFiles {
    return this.pid !== undefined && !this.held ? { pid: this.pid } : { path: this.binary };
  }

  /** A -c command still waiting for its first probe. */
  get held(): boolean {
    return !!this.child && !this.released;
  }

  /** Lets a held command run; true if it was held. */
  release(): boolean {
    if (!this.held) return false;
    this.released = true;
    this.child!.release();
    return true;
  }

  /** --keep-target: a running command is left running at close(). */
  keep(): void {
    this.kept = true;
  }

  /** Calls `h` once when the traced process ends (for -p and -c). */
  onExit(h: (how: string, status?: { code?: number; signal?: string }) => void): void {
    if (this.child) {
      this.child.onExit((code, signal) =>
        h(signal ? `killed by ${signal}` : `exited with status ${code}`, { code: code ?? undefined, signal: signal ?? undefined }),
      );
    } else if (this.pid !== undefined) {
      const pid = this.pid;
      this.exitWatch = setInterval(() => {
        if (!processAlive(pid)) {
          this.stopWatching();
          h('exited');
        }
      }, 100);
      this.exitWatch.unref();
    }
  }

  private stopWatching(): void {
    if (this.exitWatch) clearInterval(this.exitWatch);
    this.exitWatch = undefined;
  }

  /** At the end or on `.target`: a command that never ran is killed, one that runs is asked to
   *  stop (unless kept); a -p process is left alone. Safe to call twice. */
  close(): void {
    this.stopWatching();
    if (!this.child) return;
    if (this.held) this.child.kill();
    else if (this.kept) this.child.keep();
    else this.child.terminate();
  }
}

function checkGo(binary: string): void {
  try {
    openCached(binary);
  } catch (e) {
    if (e instanceof GoBinaryError) throw new TargetError(binaryDiagnostic(e, binary));
    throw e;
  }
}

/** -p's checks: the pid is a live process (not one of its threads) whose binary we can read. */
function checkPid(pid: number): number {
  const status = readProc(pid, 'status');
  if (status === undefined) throw new TargetError(diag('GT5002', undefined, { pid }));
  // N.B. /proc/TID exists for every thread, though `ls /proc` does not list it: a thread id
  // would pass the checks below and then trace nothing (the BPF filter compares tgids).
  const tgid = Number(/^Tgid:\s*(\d+)/m.exec(status)?.[1] ?? pid);
  if (tgid !== pid) {
    const comm = readProc(tgid, 'comm')?.trim();
    throw new TargetError(diag('GT5008', undefined, { tid: pid, pid: tgid, comm: comm ? ` (${comm})` : '' }));
  }
  if (!processAlive(pid)) throw new TargetError(diag('GT5002', undefined, { pid }));
  const binary = `/proc/${pid}/exe`;
  try {
    fs.accessSync(binary, fs.constants.R_OK);
  } catch {
    throw new TargetError(diag('GT5003', undefined, { pid, binary }));
  }
  return pid;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The process runs (a zombie or a dead one does not). */
export function processAlive(pid: number): boolean {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return false;
  // A zombie still answers kill(0); its state says Z. N.B. the state follows the command name
  // in parentheses, and the name may itself hold ") Z ": it ends at the LAST ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}
