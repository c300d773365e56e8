// The terminal going away (tmux kill-session, a dropped SSH connection) ends the REPL as Ctrl-D
// does: maps printed (to -o's file, or to the terminal if it is still there, or nowhere), every
// probe detached, exit 0. A hangup shows up as SIGHUP, or as EIO on a read or write of the tty,
// or as readline's setRawMode failing with EIO when it closes.
//
// N.B. Node restores the terminal's mode at exit (ResetStdio) and asserts that tcsetattr
// succeeded: on a hung-up tty it fails with EIO and Node aborts (then crashes in libgcc_s while
// printing its native stack). ResetStdio skips an fd that no longer is the file it saw at
// start, so the tty's fds are pointed at /dev/null (dup2) once the terminal is gone.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import tty from 'node:tty';

const require = createRequire(import.meta.url);

/** Watches the process's terminal; `onHangup` is called once, on the first sign of a hangup. */
export class TerminalWatch {
  hungUp = false;
  /** fds 0-2 that were terminals at start. */
  private readonly ttys = [0, 1, 2].filter((fd) => tty.isatty(fd));
  private readonly handlers: [NodeJS.EventEmitter, string, () => void][] = [];

  constructor(private readonly onHangup: () => void) {
    const hangup = () => this.hangup();
    // An error on the terminal's streams (EIO, or writes after it was destroyed) is a hangup,
    // never an uncaught exception.
    for (const s of [process.stdin, process.stdout, process.stderr]) this.on(s, 'error', hangup);
    this.on(process, 'SIGHUP', hangup);
  }

  private on(e: NodeJS.EventEmitter, name: string, h: () => void): void {
    e.on(name, h);
    this.handlers.push([e, name, h]);
  }

  hangup(): void {
    if (this.hungUp) return;
    this.hungUp = true;
    this.onHangup();
  }

  /** At the end: a terminal that is gone is replaced by /dev/null (see the N.B. above). The
   *  error handlers stay: a late write to the dead tty must not become an uncaught error. */
  release(): void {
    const gone = this.ttys.filter((fd) => !tty.isatty(fd));
    if (!gone.length) return;
    const nul = fs.openSync('/dev/null', 'r+');
    try {
      const dup2 = libcDup2();
      for (const fd of gone) dup2(nul, fd);
    } finally {
      fs.closeSync(nul);
    }
  }

  /** Stops listening (tests). */
  dispose(): void {
    for (const [e, name, h] of this.handlers) e.off(name, h);
  }
}

let dup2: ((from: number, to: number) => number) | undefined;

function libcDup2(): (from: number, to: number) => number {
  if (!dup2) {
    const koffi = require('koffi');
    dup2 = koffi.load('libc.so.6').func('int dup2(int oldfd, int newfd)') as (from: number, to: number) => number;
  }
  return dup2;
}
