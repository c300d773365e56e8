// The compile cache: objects keyed by the generated C, the templates and clang's identity, kept
// where only root and this user can write, each with a MAC whose key lives outside the cache.
// The attacks of issue #12 are played by an unprivileged user (nobody): in every case the
// planted object is never what the cache returns, and a traced program is unharmed.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { cacheKey, ObjectCache } from '../../compiler/cache.js';
import { build, findClang } from '../../compiler/clang.js';
import { compile } from '../../compiler/index.js';
import { SourceFile } from '../../grammar/source.js';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { trustedTempDir } from '../helpers/tmp.js';

const NOBODY = 65534;
const cSource = (n: number) =>
  `#include "gotrace.bpf.h"\nSEC("uprobe") int p0_entry(struct gt_regs *ctx) { return ${n}; }\nchar LICENSE[] SEC("license") = "GPL";\n`;

function needClangAndRoot(t: Test): boolean {
  if (findClang() && process.getuid?.() === 0) return true;
  if (process.env.GOTRACE_REQUIRE_BPF === '1') t.fail('clang and root required');
  else t.plan(0, 'needs clang and root');
  return false;
}

/** Runs a command as nobody (the attacker). */
function asNobody(...argv: string[]): void {
  execFileSync('runuser', ['-u', 'nobody', '--', ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** What an attacker writes: `obj` under the right name, in the cache's format, with a MAC from
 *  a key of their own beside it (and the old `.o` name too). */
function plantFiles(staging: string, key: string, obj: Uint8Array): string[] {
  const macKey = crypto.randomBytes(32);
  const mac = crypto.createHmac('sha256', macKey).update(`gotrace-cache-v1\0${key}\0`).update(obj).digest();
  const files = [
    [`${key}.obj`, Buffer.concat([Buffer.from('GTC1'), mac, obj])],
    [`${key}.o`, Buffer.from(obj)],
    ['gotrace.key', macKey],
  ] as const;
  return files.map(([name, data]) => {
    const f = path.join(staging, name);
    fs.writeFileSync(f, data, { mode: 0o644 });
    return f;
  });
}

/** A root-owned 0755 folder holding the planted files as a cache would: `gotrace/KEY.obj`,
 *  `gotrace.key`. Reached by a symlink it is what the attack of #12 showed. */
function rootLookingFolder(base: string, files: string[]): string {
  const shown = fs.mkdtempSync(path.join(base, 'shown-'));
  fs.mkdirSync(path.join(shown, 'gotrace'), { mode: 0o755 });
  fs.chmodSync(shown, 0o755);
  for (const f of files) fs.copyFileSync(f, path.join(shown, path.basename(f) === 'gotrace.key' ? '' : 'gotrace', path.basename(f)));
  for (const f of files) fs.chmodSync(path.join(shown, path.basename(f) === 'gotrace.key' ? '' : 'gotrace', path.basename(f)), 0o600);
  return shown;
}

/** A HOME anyone may write to (under /tmp, where nobody can reach it). */
function worldWritableHome(t: Test): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-home-'));
  fs.chmodSync(home, 0o777);
  t.teardown(() => fs.rmSync(home, { recursive: true, force: true }));
  return home;
}

/** Builds `c` through the cache at GOTRACE_CACHE=dir (or HOME=home): never the planted object. */
async function assertNotPlanted(t: Test, what: string, c: string, planted: Uint8Array, env: Record<string, string>): Promise<void> {
  const saved = { HOME: process.env.HOME, GOTRACE_CACHE: process.env.GOTRACE_CACHE, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  delete process.env.GOTRACE_CACHE;
  delete process.env.XDG_CACHE_HOME;
  Object.assign(process.env, env);
  try {
    const r = await build(c);
    t.equal(r.cached, false, `${what}: not a cache hit`);
    t.ok(r.object && !Buffer.from(r.object).equals(Buffer.from(planted)), `${what}: not the planted object`);
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

t.test('cold build runs clang, warm build comes from the cache; the key has no process in it', async (t) => {
  if (!needClangAndRoot(t)) return;
  const base = trustedTempDir('gotrace-cache-');
  process.env.GOTRACE_CACHE = path.join(base, 'cache');
  t.teardown(() => {
    delete process.env.GOTRACE_CACHE;
    fs.rmSync(base, { recursive: true, force: true });
  });
  const c = cSource(Date.now() % 1000);
  const cold = await build(c);
  t.equal(cold.cached, false, 'first build compiles');
  t.ok(cold.object && cold.object.length > 0);
  const warm = await build(c);
  t.equal(warm.cached, true, 'second build is a cache hit');
  t.same(Buffer.from(warm.object!), Buffer.from(cold.object!), 'the same object');
  t.equal(fs.statSync(process.env.GOTRACE_CACHE).mode & 0o777, 0o700, 'cache folder is 0700');
  t.equal(fs.statSync(`${process.env.GOTRACE_CACHE}.key`).mode & 0o777, 0o600, 'MAC key is 0600, beside the folder');
  t.match(findClang()!.identity, /^\/\S+\0\d+\0[\d.]+\0\d+$/, "clang's identity: resolved path, size, mtime, inode");
  t.not(cacheKey(c, 'clang-a'), cacheKey(c, 'clang-b'), "clang's identity is part of the key");
  t.not(cacheKey(c, 'clang-a'), cacheKey(c + ' ', 'clang-a'), 'the C text is part of the key');
});

t.test('attacks by an unprivileged user: the planted object is never returned', async (t) => {
  if (!needClangAndRoot(t)) return;
  const base = trustedTempDir('gotrace-attack-');
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const genuine = cSource(1);
  const planted = (await build(cSource(2), { noCache: true })).object!;
  const key = cacheKey(genuine, findClang()!.identity);
  const staging = fs.mkdtempSync(path.join(base, 'staging-'));
  const files = plantFiles(staging, key, planted);
  const shown = rootLookingFolder(base, files);

  // 1. A world-writable HOME: nobody makes ~/.cache a symlink, through /proc/PID/root, to a
  //    folder that looks root-owned and 0755 (what the attack showed from a user namespace
  //    with an overlay), holding an object and a MAC key of the attacker's.
  const home = worldWritableHome(t);
  asNobody('ln', '-s', `/proc/${process.pid}/root${shown}`, path.join(home, '.cache'));
  t.match(ObjectCache.open(path.join(home, '.cache', 'gotrace')), { refused: /is writable by others|symbolic link/ });
  await assertNotPlanted(t, 'symlinked ~/.cache in a world-writable HOME', genuine, planted, { HOME: home });

  // 2. The same symlink in a HOME nobody else can write: the symlink alone is refused.
  const home2 = path.join(base, 'home2');
  fs.mkdirSync(home2, { mode: 0o755 });
  fs.symlinkSync(`/proc/${process.pid}/root${shown}`, path.join(home2, '.cache'));
  t.match(ObjectCache.open(path.join(home2, '.cache', 'gotrace')), { refused: /\.cache is a symbolic link/ });
  await assertNotPlanted(t, 'symlink through /proc/PID/root', genuine, planted, { HOME: home2 });

  // 3. A symlink at an inner component of $GOTRACE_CACHE.
  fs.mkdirSync(path.join(base, 'outer'), { mode: 0o755 });
  fs.symlinkSync(shown, path.join(base, 'outer', 'inner'));
  const inner = path.join(base, 'outer', 'inner', 'gotrace');
  t.match(ObjectCache.open(inner), { refused: /inner is a symbolic link/ });
  await assertNotPlanted(t, 'symlink at an inner component', genuine, planted, { GOTRACE_CACHE: inner });

  // 4. Ancestors writable by others (group, world with the sticky bit) or owned by nobody.
  for (const [name, mode, uid, why] of [
    ['gw', 0o775, 0, /writable by others \(mode 775\)/],
    ['sticky', 0o1777, 0, /writable by others \(mode 1777\)/],
    ['foreign', 0o755, NOBODY, /owned by uid 65534/],
  ] as const) {
    const anc = path.join(base, name);
    fs.mkdirSync(path.join(anc, 'sub', 'gotrace'), { recursive: true, mode: 0o700 });
    fs.copyFileSync(files[0], path.join(anc, 'sub', 'gotrace', `${key}.obj`));
    fs.copyFileSync(files[2], path.join(anc, 'sub', 'gotrace.key'));
    fs.chmodSync(anc, mode);
    fs.chownSync(anc, uid, uid);
    const dir = path.join(anc, 'sub', 'gotrace');
    t.match(ObjectCache.open(dir), { refused: why }, `${name} ancestor refused`);
    await assertNotPlanted(t, `${name} ancestor`, genuine, planted, { GOTRACE_CACHE: dir });
  }

  // 5. A trusted cache, but an object planted under the right name with a MAC of another key.
  const good = path.join(base, 'good', 'gotrace');
  const cache = ObjectCache.open(good) as ObjectCache;
  t.ok(cache instanceof ObjectCache, 'a cache of root-owned, unshared folders is used');
  fs.copyFileSync(files[0], cache.file(key));
  t.equal(cache.get(key), undefined, 'lookup of an object with a wrong MAC is a miss');
  await assertNotPlanted(t, 'planted object with a wrong MAC', genuine, planted, { GOTRACE_CACHE: good });
  const after = cache.get(key);
  t.ok(after && !Buffer.from(after).equals(Buffer.from(planted)), 'the planted file was replaced by the compiled object');

  // 6. The MAC key itself: a symlink, or readable by others, is refused.
  const keyed = path.join(base, 'keyed');
  fs.mkdirSync(keyed, { mode: 0o700 });
  fs.symlinkSync(files[2], path.join(keyed, 'gotrace.key'));
  t.match(ObjectCache.open(path.join(keyed, 'gotrace')), { refused: /gotrace\.key: ELOOP/ });
  fs.rmSync(path.join(keyed, 'gotrace.key'));
  fs.copyFileSync(files[2], path.join(keyed, 'gotrace.key'));
  fs.chmodSync(path.join(keyed, 'gotrace.key'), 0o644);
  t.match(ObjectCache.open(path.join(keyed, 'gotrace')), { refused: /gotrace\.key: mode 644/ });
});

t.test('end to end: a planted object that would change the counts is not loaded', async (t) => {
  if (!requireBpf(t)) return;
  const base = trustedTempDir('gotrace-attack-e2e-');
  const saved = { HOME: process.env.HOME, GOTRACE_CACHE: process.env.GOTRACE_CACHE, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    fs.rmSync(base, { recursive: true, force: true });
  });
  const bin = buildGo('latency');
  const program = 'uprobe:main.handle { @n = sum(1); }';
  const cOf = async (text: string) => (await compile(new SourceFile('stdin', text), { binary: bin, skipBuild: true })).cSource!;
  const key = cacheKey(await cOf(program), findClang()!.identity);
  // The same maps and probes, but each call adds 1000: loaded, it would report 20000.
  const planted = (await build(await cOf(program.replace('sum(1)', 'sum(1000)')), { noCache: true })).object!;
  const staging = fs.mkdtempSync(path.join(base, 'staging-'));
  const shown = rootLookingFolder(base, plantFiles(staging, key, planted));
  const home = worldWritableHome(t);
  asNobody('ln', '-s', `/proc/${process.pid}/root${shown}`, path.join(home, '.cache'));
  delete process.env.GOTRACE_CACHE;
  delete process.env.XDG_CACHE_HOME;
  process.env.HOME = home;
  const r = await runGotrace(['-v', '-e', program, '-c', `${bin} -g 4 -n 5`]);
  t.equal(r.code, 0, `exit 0 (stderr tail: ${r.stderr.slice(-400)})`);
  t.same(parseMapLines(r.stdout, '@n'), new Map([['', 20n]]), '4 goroutines x 5 calls, as the program made them');
  t.match(r.stderr, /^compile cache not used: .*(symbolic link|writable by others)/m, '-v says why the cache was not used');
  t.match(r.stderr, /^object compiled with clang$/m);
});
