// Runs bin/gotrace as a user would, capturing its output.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './go.js';

export const gotraceBin = path.join(repoRoot, 'bin', 'gotrace');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment a user's shell would give gotrace: without the loaders tap injects into
 *  child Node processes through NODE_OPTIONS. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('TAP') || k.startsWith('_TAPJS')) delete env[k];
  return env;
}

export function startGotrace(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<RunResult> } {
  // tap's process tracking re-adds NODE_OPTIONS to any child's environment; `env -u` drops it
  // again just before gotrace starts, as a user's shell would have it.
  const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, gotraceBin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnv(), ...extraEnv },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export async function runGotrace(args: string[], timeoutMs = 120_000, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const { child, done } = startGotrace(args, extraEnv);
  const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const r = await done;
  clearTimeout(t);
  return r;
}

/** Resolves when `text` has appeared in the stream (or rejects after timeoutMs). */
export function waitForOutput(stream: NodeJS.ReadableStream, re: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => {
      stream.off('data', on);
      reject(new Error(`timed out waiting for ${re} (saw: ${buf.slice(-500)})`));
    }, timeoutMs);
    const on = (d: Buffer) => {
      buf += d;
      if (re.test(buf)) {
        clearTimeout(t);
        stream.off('data', on);
        resolve(buf);
      }
    };
    stream.on('data', on);
    stream.on('end', () => {
      clearTimeout(t);
      reject(new Error(`stream ended before ${re} (saw: ${buf.slice(-500)})`));
    });
  });
}

/** `@name[k]: v` lines of bpftrace-format output. */
export function parseMapLines(out: string, name: string): Map<string, bigint> {
  const m = new Map<string, bigint>();
  const re = new RegExp(`^${name.replace(/[$@]/g, '\\$&')}(?:\\[(.*)\\])?: (-?\\d+)$`, 'gm');
  for (const x of out.matchAll(re)) m.set(x[1] ?? '', BigInt(x[2]));
  return m;
}
