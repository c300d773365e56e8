// The -c target: a child started by gotrace but held before it runs a single instruction of the
// Go program, so that no early call escapes the probes. A tiny shell waits on a pipe, then execs
// the command in place: the pid the BPF filter knows stays the Go program's pid.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// fd 3 is the hold pipe; it is closed before exec so the target sees the fds it would see alone.
const HOLD = 'read -r _ <&3; exec 3<&-; exec "$@"';

export class HeldChild {
  private exited = false;
  private exitHandlers: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  private exitInfo?: { code: number | null; signal: NodeJS.Signals | null };

  private constructor(private readonly proc: ChildProcess) {
    proc.on('exit', (code, signal) => {
      this.exited = true;
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

  /** Only for a child that never ran: gotrace failed before releasing it. */
  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
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
