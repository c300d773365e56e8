// Compiling generated C into a BPF object with clang, through a cache: the key is the C text,
// the templates it includes and clang's version, so a warm start skips clang entirely.
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diag } from '../grammar/catalog/index.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import { templatesDir } from './paths.js';

export interface BuildResult {
  object?: Uint8Array;
  diagnostics: Diagnostic[];
  cached: boolean;
}

let clangInfo: { path: string; version: string } | null | undefined;

/** clang from PATH (or $GOTRACE_CLANG), with its version line; null if missing. */
export function findClang(): { path: string; version: string } | null {
  if (clangInfo !== undefined) return clangInfo;
  for (const c of [process.env.GOTRACE_CLANG, 'clang', 'clang-14', 'clang-15', 'clang-16'].filter(Boolean) as string[]) {
    try {
      const v = execFileSync(c, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return (clangInfo = { path: c, version: v.split('\n')[0] });
    } catch {
      /* try the next name */
    }
  }
  return (clangInfo = null);
}

/** The cache folder: $GOTRACE_CACHE or $XDG_CACHE_HOME/gotrace or ~/.cache/gotrace, created
 *  0700 and used only if this user owns it and nobody else can write it (a shared writable
 *  cache would let another user swap the BPF object we load as root). */
export function cacheDir(): string | undefined {
  const base =
    process.env.GOTRACE_CACHE ??
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'gotrace');
  try {
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    const st = fs.statSync(base);
    if (st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return undefined;
    return base;
  } catch {
    return undefined;
  }
}

function templatesHash(): string {
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(templatesDir()).sort()) h.update(f).update(fs.readFileSync(path.join(templatesDir(), f)));
  return h.digest('hex');
}

export function cacheKey(cSource: string, clangVersion: string): string {
  return crypto.createHash('sha256').update(cSource).update('\0').update(clangVersion).update('\0').update(templatesHash()).digest('hex');
}

export async function build(cSource: string, opts: { noCache?: boolean } = {}): Promise<BuildResult> {
  const clang = findClang();
  if (!clang)
    return {
      diagnostics: [diag('GT4001', undefined)],
      cached: false,
    };
  const key = cacheKey(cSource, clang.version);
  const dir = opts.noCache ? undefined : cacheDir();
  const cached = dir && path.join(dir, `${key}.o`);
  if (cached && fs.existsSync(cached)) return { object: fs.readFileSync(cached), diagnostics: [], cached: true };

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-'));
  try {
    const src = path.join(work, 'program.bpf.c');
    const obj = path.join(work, 'program.bpf.o');
    fs.writeFileSync(src, cSource);
    const args = [
      '-target', 'bpf', '-O2', '-g', '-D__TARGET_ARCH_x86',
      '-I', templatesDir(), '-I', '/usr/include/x86_64-linux-gnu',
      '-Wall', '-Wno-unused-variable', '-Wno-unused-function', '-Wno-unused-but-set-variable',
      '-c', src, '-o', obj,
    ];
    const res = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(clang.path, args, { maxBuffer: 16 << 20 }, (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr: String(stderr) }),
      );
    });
    if (res.code !== 0) {
      return {
        diagnostics: [
          diag('GT4002', undefined, {}, [res.stderr.split('\n').slice(0, 20).join('\n')]),
        ],
        cached: false,
      };
    }
    const object = fs.readFileSync(obj);
    if (cached) {
      // Write then rename, so a concurrent gotrace never reads half an object.
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, object, { mode: 0o600 });
      fs.renameSync(tmp, cached);
    }
    return { object, diagnostics: [], cached: false };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
