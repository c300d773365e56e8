// The REPL's target: a running process (-p), a command started and held (-c), a binary path
// (every process running it), or nothing yet (probes then name their binary, or `.target`).
//
// N.B. a -c command is held before its first instruction until the first probe is attached or
// `.run` is typed: released at REPL start, its early calls would escape the probes the user is
// about to type. A command that never ran is killed at exit; one that runs is sent SIGTERM (it
// was started for this session).
import fs from 'node:fs';
import path from 'node:path';
import { GoBinaryError, binaryDiagnostic } from '../../compiler/go/binary.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { openCached } from '../../compiler/passes/resolve.js';
import { HeldChild, resolveCommand, splitCommand } from '../target.js';

export type TargetSpec = { pid: number } | { command: string } | { path: string } | Record<string, never>;

/** A target the REPL cannot use; `diagnostic` says why (the CLI's codes for the same mistakes). */
export class TargetError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

export class ReplTarget {
  /** Binary the probes resolve against (compile's default binary). */
  readonly binary?: string;
  /** BPF-side filter: only this tgid (0 = any process of the binary). */
  readonly tgid: number;
  /** pid given to the kernel when attaching (-1 = any). */
  readonly attachPid: number;
  readonly attachPath?: string;
  readonly child?: HeldChild;
  readonly describe: string;
  private released = false;
  private exitWatch?: NodeJS.Timeout;

  private constructor(
    init: { binary?: string; tgid: number; attachPid: number; attachPath?: string; child?: HeldChild; describe: string },
    readonly pid?: number,
  ) {
    this.binary = init.binary;
    this.tgid = init.tgid;
    this.attachPid = init.attachPid;
    this.attachPath = init.attachPath;
    this.child = init.child;
    this.describe = init.describe;
  }

  /** Checks the target and, for a command, starts it held. Throws TargetError with a plain
   *  message for every user mistake. */
  static open(spec: TargetSpec, opts: { childOutput?: 'inherit' | 'pipe' } = {}): ReplTarget {
    if ('pid' in spec) {
      const pid = spec.pid;
      if (!fs.existsSync(`/proc/${pid}`)) throw new TargetError(diag('GT5002', undefined, { pid }));
      const binary = `/proc/${pid}/exe`;
      try {
        fs.accessSync(binary, fs.constants.R_OK);
      } catch {
        throw new TargetError(diag('GT5003', undefined, { pid, binary }));
      }
      checkGo(binary);
      let exe = binary;
      try {
        exe = fs.readlinkSync(binary);
      } catch {
        /* keep /proc/PID/exe */
      }
      return new ReplTarget({ binary, tgid: pid, attachPid: pid, attachPath: binary, describe: `process ${pid} (${exe})` }, pid);
    }
    if ('command' in spec) {
      const argv = splitCommand(spec.command);
      if (!argv.length) throw new TargetError(diag('GT5004', undefined));
      const binary = resolveCommand(argv[0]);
      if (!binary) throw new TargetError(diag('GT5005', undefined, { command: argv[0] }));
      checkGo(binary);
      const child = HeldChild.spawn(argv, opts.childOutput ?? 'inherit');
      return new ReplTarget({ binary, tgid: child.pid, attachPid: -1, child, describe: `'${spec.command}' (pid ${child.pid})` }, child.pid);
    }
    if ('path' in spec) {
      const binary = path.resolve(spec.path);
      if (!fs.existsSync(binary)) throw new TargetError(diag('GT5626', undefined, { path: spec.path }));
      checkGo(binary);
      return new ReplTarget({ binary, tgid: 0, attachPid: -1, describe: `every process running ${binary}` });
    }
    return new ReplTarget({ tgid: 0, attachPid: -1, describe: 'no target yet (.target PID|PATH, or name the binary: uprobe:/path/app:main.f)' });
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

  /** Calls `h` once when the traced process ends (for -p and -c). */
  onExit(h: (how: string) => void): void {
    if (this.child) {
      this.child.onExit((code, signal) => h(signal ? `killed by ${signal}` : `exited with status ${code}`));
    } else if (this.pid !== undefined) {
      const pid = this.pid;
      this.exitWatch = setInterval(() => {
        if (!processAlive(pid)) {
          clearInterval(this.exitWatch);
          this.exitWatch = undefined;
          h('exited');
        }
      }, 250);
      this.exitWatch.unref();
    }
  }

  /** At exit or on `.target`: a command that never ran is killed, one that runs is asked to
   *  stop; a -p process is left alone. */
  close(): void {
    if (this.exitWatch) clearInterval(this.exitWatch);
    if (!this.child) return;
    if (this.held) this.child.kill();
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

export function processAlive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); its /proc state says Z.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}
