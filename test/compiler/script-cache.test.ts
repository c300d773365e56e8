// The script cache (compiler/script-cache.ts): a script run before against unchanged files
// starts from its stored manifest and object, without loading the compiler; anything that
// changes the compiler's output is a miss.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { Manifest } from '../../compiler/manifest.js';
import { lookupScript, storeScript, type ScriptKey } from '../../compiler/script-cache.js';
import { requireBpf } from '../helpers/bpf.js';
import { cleanEnv, gotraceBin, runGotrace } from '../helpers/cli.js';
import { trustedTempDir } from '../helpers/tmp.js';

const cache = trustedTempDir('gotrace-script-cache-');
process.env.GOTRACE_CACHE = path.join(cache, 'c');
t.teardown(() => fs.rmSync(cache, { recursive: true, force: true }));

const binary = path.join(cache, 'app');
fs.writeFileSync(binary, 'not really a Go binary: only its identity counts here');
const manifest = { version: 1, target: { binary }, attach: [], maps: [], events: [], drops: [], probes: [] } as unknown as Manifest;
const object = new Uint8Array([1, 2, 3, 4]);
const key = (over: Partial<ScriptKey> = {}): ScriptKey => ({ source: 'BEGIN { exit(); }', binary, options: { strlen: 64 }, ...over });

t.test('a stored script comes back; a different source, option or binary is a miss', async (t) => {
  storeScript(key(), { manifest, object, dwarfSource: 'DWARF' });
  const hit = lookupScript(key());
  t.same(hit?.manifest, manifest, 'the manifest');
  t.same([...(hit?.object ?? [])], [...object], 'the object');
  t.equal(hit?.dwarfSource, 'DWARF', 'where the DWARF came from');
  t.equal(lookupScript(key({ source: 'BEGIN { exit(); } ' })), undefined, 'another source text');
  t.equal(lookupScript(key({ options: { strlen: 128 } })), undefined, 'another --strlen');
  t.equal(lookupScript(key({ binary: '/bin/true' })), undefined, 'another target binary');
});

t.test('a rewritten binary is a miss (its identity is checked on every hit)', async (t) => {
  storeScript(key(), { manifest, object });
  t.ok(lookupScript(key()), 'hit before');
  fs.appendFileSync(binary, 'rebuilt');
  t.equal(lookupScript(key()), undefined, 'miss after the binary changed');
});

t.test('an entry altered in the cache folder is a miss (HMAC)', async (t) => {
  storeScript(key(), { manifest, object });
  const dir = process.env.GOTRACE_CACHE!;
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('script-'));
  t.ok(files.length > 0, 'entries are files script-*.obj');
  for (const f of files) {
    const p = path.join(dir, f);
    const data = fs.readFileSync(p);
    data[data.length - 1] ^= 0xff;
    fs.writeFileSync(p, data);
  }
  t.equal(lookupScript(key()), undefined, 'the altered entry is not used');
});

// N.B. the compiler (with Chevrotain) is an ESM import: a resolve hook sees whether a run loads it.
const HOOK = `
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
  import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
  export async function resolve(spec, ctx, next) {
    if (spec === 'chevrotain' || spec.endsWith('/compiler/index.js')) fs.appendFileSync(process.env.GT_LOADS, spec + '\\\\n');
    return next(spec, ctx);
  }\`));
`;

t.test('gotrace: the second run of a script loads no compiler and prints the same', async (t) => {
  if (!requireBpf(t)) return;
  const hook = path.join(cache, 'hook.mjs');
  fs.writeFileSync(hook, HOOK);
  const loads = path.join(cache, 'loads');
  const env = { GOTRACE_CACHE: path.join(cache, 'cli'), GT_LOADS: loads };
  const script = 'BEGIN { printf("hello %d\\n", 42); exit(); }';
  const run = () => {
    fs.rmSync(loads, { force: true });
    // N.B. `env -u`: tap re-adds its loaders (NODE_OPTIONS) to a child's environment.
    const r = spawnSync('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, '--import', hook, gotraceBin, '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...cleanEnv(), ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, loads: fs.existsSync(loads) ? fs.readFileSync(loads, 'utf8') : '' };
  };
  const first = run();
  t.equal(first.code, 0, `first run (${first.stderr})`);
  t.match(first.loads, /compiler\/index\.js/, 'the first run compiles');
  const second = run();
  t.equal(second.code, 0, `second run (${second.stderr})`);
  t.equal(second.stdout, first.stdout, 'the same output');
  t.equal(second.stdout, 'hello 42\n');
  t.equal(second.loads, '', 'neither the compiler nor Chevrotain loaded');
  const verbose = await runGotrace(['-v', '-e', script], 60_000, env);
  t.match(verbose.stderr, /generated C/, '-v still shows the generated C (it bypasses the script cache)');
});
