// A gotrace REPL in a real terminal (tmux on its own server socket), for the e2e tests: start a
// command line in a pane of a given size, type, press keys, read the screen, wait for a pattern.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachePath } from '../../compiler/cache.js';
import { gotraceBin } from './cli.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class TmuxRepl {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-tmux-'));
  readonly home = path.join(this.dir, 'home');
  private readonly sock = `gotrace-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  /** Runs `gotrace ARGS` in a `cols`x`rows` pane. The shell around it ignores SIGHUP so that it
   *  outlives a killed session and records gotrace's exit status (in `status`) and stderr. */
  constructor(args: string[], cols = 200, rows = 50) {
    fs.mkdirSync(this.home);
    const script = path.join(this.dir, 'run.sh');
    // tap puts its loaders in NODE_OPTIONS for every child; a user's shell has none.
    fs.writeFileSync(
      script,
      [
        '#!/bin/sh',
        "trap '' HUP",
        `echo $$ > ${this.dir}/sh.pid`,
        `env -u NODE_OPTIONS HOME=${this.home} GOTRACE_CACHE=${cachePath()} ${process.execPath} ${gotraceBin} ${args.join(' ')} 2>${this.dir}/stderr`,
        `echo "status=$?" > ${this.dir}/status`,
        'sleep 600',
        '',
      ].join('\n'),
    );
    this.tmux('new-session', '-d', '-s', 'repl', '-x', String(cols), '-y', String(rows), `sh ${script}`);
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** The screen and its scrollback, as shown (wrapped lines stay wrapped). */
  pane(): string {
    return this.tmux('capture-pane', '-p', '-t', 'repl', '-S', '-500');
  }

  /** The same, with wrapped lines joined. */
  joined(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'repl', '-S', '-500');
  }

  async wait(re: RegExp, what: string, ms = 60_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.joined();
      if (re.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${s}`);
      await sleep(50);
    }
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'repl', '-l', text);
  }

  key(k: string): void {
    this.tmux('send-keys', '-t', 'repl', k);
  }

  /** Types a line and presses Enter. */
  line(text: string): void {
    this.type(text);
    this.key('Enter');
  }

  /** The pid of gotrace (the shell's child: env execs node). */
  get gotracePid(): number {
    const sh = fs.readFileSync(path.join(this.dir, 'sh.pid'), 'utf8').trim();
    return Number(execFileSync('ps', ['-o', 'pid=', '--ppid', sh], { encoding: 'utf8' }).trim().split('\n')[0]);
  }

  /** gotrace's exit status, once it has exited. */
  async status(ms = 30_000): Promise<string> {
    const file = path.join(this.dir, 'status');
    const end = Date.now() + ms;
    while (!fs.existsSync(file) && Date.now() < end) await sleep(50);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : 'no status';
  }

  stderr(): string {
    const f = path.join(this.dir, 'stderr');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
  }

  close(): void {
    try {
      execFileSync('tmux', ['-L', this.sock, 'kill-server'], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** BPF program ids held by a process (from its fds' fdinfo). */
export function progIds(pid: number): number[] {
  const ids: number[] = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      const m = /^prog_id:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) ids.push(Number(m[1]));
    } catch {
      /* closed meanwhile */
    }
  }
  return ids;
}

export function bpftool<T>(...args: string[]): T[] {
  return JSON.parse(execFileSync('bpftool', [...args, '-j'], { encoding: 'utf8' }) || '[]');
}

/** Kernel log lines reporting a segfault. */
export function segfaults(): string[] {
  return execFileSync('dmesg', { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /segfault at/.test(l));
}
