// Before attaching: the binary the probes were resolved in must be the binary that runs.
// Probe sites are file offsets of instructions; on any other file they are just bytes, and a
// breakpoint there can sit inside an instruction (seen: inside an IMUL immediate, silently
// changing the target's results). So the open file gotrace analyzed must be unchanged, and every
// traced process (-p), the command to start (-c) and the path a probe names must be that same
// file: same st_dev and st_ino, same Go build ID. Uprobes then go through gotrace's open
// descriptor (GoBinary.attachPath), so a file renamed over the path afterwards cannot get them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { GoBinary } from '../compiler/go/binary.js';
import { ElfFile } from '../compiler/go/elf.js';

export interface TracedFiles {
  /** The -p process. */
  pid?: number;
  /** The path the -c command or the probe named, as it is on disk now. */
  path?: string;
}

function goBuildIdOf(file: string): string | undefined {
  try {
    const elf = ElfFile.open(file);
    try {
      return elf.goBuildId();
    } finally {
      elf.close();
    }
  } catch {
    return undefined;
  }
}

function describe(file: string, buildId: string | undefined, st?: { dev: number; ino: number }): string {
  return `${file} (Go build ID ${buildId ?? 'none'}${st ? `, inode ${st.dev}:${st.ino}` : ''})`;
}

/** A plain message when what runs (or would run) is not the file analyzed; undefined if it is. */
export function binaryMismatch(bin: GoBinary, traced: TracedFiles): string | undefined {
  const was = bin.opened;
  const analyzed = describe(bin.path, bin.goBuildId, was);
  if (bin.changedSinceOpened()) return `${bin.path} was written after it was analyzed`;
  if (traced.pid !== undefined) {
    const exe = `/proc/${traced.pid}/exe`;
    const now = identify(exe);
    if (!now) return `the binary of process ${traced.pid} cannot be read (has it exited?)`;
    if (now.st.dev !== was.dev || now.st.ino !== was.ino || now.id !== bin.goBuildId)
      return `process ${traced.pid} runs ${describe(readlink(exe), now.id, now.st)}, not ${analyzed}, the binary the probes were resolved in`;
  }
  if (traced.path !== undefined) {
    const now = identify(traced.path);
    if (!now) return `${traced.path} is gone since it was analyzed as ${analyzed}`;
    if (now.st.dev !== was.dev || now.st.ino !== was.ino || now.id !== bin.goBuildId)
      return `${describe(traced.path, now.id, now.st)} is not ${analyzed}, the binary the probes were resolved in${traced.path === bin.path ? ' (replaced since)' : ''}`;
  }
  return undefined;
}

function identify(file: string): { st: fs.Stats; id?: string } | undefined {
  try {
    return { st: fs.statSync(file), id: goBuildIdOf(file) };
  } catch {
    return undefined;
  }
}

function readlink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return file;
  }
}

/** The check as the CLI makes it, just before attaching: the -p process, else the -c command's
 *  file, else the file the probes name. */
export function checkBeforeAttach(bin: GoBinary | undefined, traced: TracedFiles): string | undefined {
  testHookBeforeAttach();
  if (!bin) return undefined;
  return binaryMismatch(bin, traced.pid === undefined && traced.path === undefined ? { path: bin.path } : traced);
}

/** Test-only: GOTRACE_TEST_BEFORE_ATTACH is a shell command run just before the check above
 *  (the tests replace the binary there, between analysis and attach). */
function testHookBeforeAttach(): void {
  const cmd = process.env.GOTRACE_TEST_BEFORE_ATTACH;
  if (cmd) execFileSync('/bin/sh', ['-c', cmd], { stdio: 'inherit' });
}
