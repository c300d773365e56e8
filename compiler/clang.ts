// Compiling generated C into a BPF object with clang, through the cache of compiler/cache.ts:
// a warm start skips clang entirely.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diag } from '../grammar/catalog/index.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import { cacheKey, ObjectCache } from './cache.js';
import { templatesDir } from './paths.js';

export interface BuildResult {
  object?: Uint8Array;
  diagnostics: Diagnostic[];
  cached: boolean;
  /** Why the cache was not used, the first time in this process (shown under -v). */
  cacheNote?: string;
}

let clangInfo: { path: string; identity: string } | null | undefined;

/** clang from $GOTRACE_CLANG or PATH, found without running it: its identity (resolved path,
 *  size, mtime) keys the cache, so a warm start runs no process. null if missing. */
export function findClang(): { path: string; identity: string } | null {
  if (clangInfo !== undefined) return clangInfo;
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean);
  for (const c of [process.env.GOTRACE_CLANG, 'clang', 'clang-14', 'clang-15', 'clang-16'].filter(Boolean) as string[]) {
    for (const p of c.includes('/') ? [c] : dirs.map((d) => path.join(d, c))) {
      try {
        fs.accessSync(p, fs.constants.X_OK);
        const real = fs.realpathSync(p);
        const st = fs.statSync(real);
        if (st.isFile()) return (clangInfo = { path: p, identity: `${real}\0${st.size}\0${st.mtimeMs}\0${st.ino}` });
      } catch {
        /* try the next place */
      }
    }
  }
  return (clangInfo = null);
}

let refusalShown = false;

/** The cache to use, or undefined; the first refusal of the process is returned to be shown
 *  under -v (a refused cache is no error: objects are compiled with clang). */
function openCache(): { cache?: ObjectCache; note?: string } {
  const c = ObjectCache.open();
  if (c instanceof ObjectCache) return { cache: c };
  if (refusalShown) return {};
  refusalShown = true;
  return { note: `compile cache not used: ${c.refused}` };
}

export async function build(cSource: string, opts: { noCache?: boolean } = {}): Promise<BuildResult> {
  const clang = findClang();
  if (!clang)
    return {
      diagnostics: [diag('GT4001', undefined)],
      cached: false,
    };
  const key = cacheKey(cSource, clang.identity);
  const { cache, note } = opts.noCache ? {} : openCache();
  const hit = cache?.get(key);
  if (hit) return { object: hit, diagnostics: [], cached: true };

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-'));
  try {
    const src = path.join(work, 'program.bpf.c');
    const obj = path.join(work, 'program.bpf.o');
    fs.writeFileSync(src, cSource);
    const args = [
      '-target',
      'bpf',
      '-O2',
      '-g',
      '-D__TARGET_ARCH_x86',
      '-I',
      templatesDir(),
      '-I',
      '/usr/include/x86_64-linux-gnu',
      '-Wall',
      '-Wno-unused-variable',
      '-Wno-unused-function',
      '-Wno-unused-but-set-variable',
      '-c',
      src,
      '-o',
      obj,
    ];
    const res = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(clang.path, args, { maxBuffer: 16 << 20 }, (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr: String(stderr) }),
      );
    });
    if (res.code !== 0) {
      return {
        diagnostics: [diag('GT4002', undefined, {}, [res.stderr.split('\n').slice(0, 20).join('\n')])],
        cached: false,
      };
    }
    const object = fs.readFileSync(obj);
    cache?.put(key, object);
    return { object, diagnostics: [], cached: false, ...(note ? { cacheNote: note } : {}) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
