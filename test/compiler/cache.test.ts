// The compile cache: keyed by the generated C, the templates and clang's version, kept in a
// 0700 folder of the user's; a warm start skips clang.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { build, cacheDir, cacheKey } from '../../compiler/clang.js';

function haveClang(): boolean {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

t.test('cold build runs clang, warm build comes from the cache', async (t) => {
  if (!haveClang()) {
    if (process.env.GOTRACE_REQUIRE_BPF === '1') t.fail('clang required');
    else t.plan(0, 'clang not installed');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-cache-'));
  process.env.GOTRACE_CACHE = path.join(dir, 'cache');
  try {
    const c = `#include "gotrace.bpf.h"\nSEC("uprobe") int p0_entry(struct gt_regs *ctx) { return ${Date.now() % 1000}; }\nchar LICENSE[] SEC("license") = "GPL";\n`;
    const cold = await build(c);
    t.equal(cold.cached, false, 'first build compiles');
    t.ok(cold.object && cold.object.length > 0);
    const warm = await build(c);
    t.equal(warm.cached, true, 'second build is a cache hit');
    t.same(Buffer.from(warm.object!), Buffer.from(cold.object!), 'the same object');
    const st = fs.statSync(cacheDir()!);
    t.equal(st.mode & 0o777, 0o700, 'cache folder is 0700');
    t.not(cacheKey(c, 'clang 14'), cacheKey(c, 'clang 15'), 'clang version is part of the key');
    t.not(cacheKey(c, 'clang 14'), cacheKey(c + ' ', 'clang 14'), 'the C text is part of the key');
    // A folder others can write to is not trusted: no cache rather than a swappable object.
    fs.chmodSync(cacheDir()!, 0o777);
    t.equal(cacheDir(), undefined, 'a world-writable cache is refused');
  } finally {
    delete process.env.GOTRACE_CACHE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
