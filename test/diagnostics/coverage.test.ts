// Every code in the diagnostics catalog is produced by a case in cases.ts, really: through the
// checker, the compiler (without clang), a patched Go binary, the REPL with a fake kernel, or
// bin/gotrace. Fails when a catalog code has no case or its case does not produce it; a code
// nothing can produce any more belongs in the catalog's `retired` list instead.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { checkSource, compile } from '../../compiler/index.js';
import { catalog, type Code } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { parse } from '../../grammar/index.js';
import { SourceFile } from '../../grammar/source.js';
import { Target } from '../../runtime/target.js';
import { cleanEnv, gotraceBin, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { fakeBackend, ReplDriver } from '../helpers/repl.js';
import { cases, type Case } from './cases.js';

// N.B. nothing here measures time, but the e2e tests running beside it do (latency and hist
// agreement with the traced program): this file and what it starts yield the CPU to them.
os.setPriority(process.pid, 15);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-coverage-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));
fs.writeFileSync(path.join(tmp, 'empty.gt'), '// no probe here\n');
fs.mkdirSync(path.join(tmp, 'empty-bin'));
const fakeClang = path.join(tmp, 'fake-clang');
fs.writeFileSync(
  fakeClang,
  '#!/bin/sh\n[ "$1" = --version ] && { echo "clang version 0.0 (gotrace test)"; exit 0; }\necho "fake-clang: error: refusing to compile" >&2\nexit 1\n',
  { mode: 0o755 },
);

type Run = (c: Case) => Promise<Diagnostic['code'][]>;

/** Codes the gotrace command prints with --json-diagnostics (one JSON object a line). */
async function cliCodes(c: Extract<Case, { cli: unknown }>): Promise<string[]> {
  const env: NodeJS.ProcessEnv = { ...cleanEnv(), GOTRACE_CACHE: path.join(tmp, 'cache') };
  if (c.fakeClang) env.GOTRACE_CLANG = fakeClang;
  Object.assign(env, c.env);
  if (c.noClang) Object.assign(env, { GOTRACE_CLANG: path.join(tmp, 'no-clang'), PATH: path.join(tmp, 'empty-bin') });
  const args = typeof c.cli === 'function' ? c.cli() : c.cli;
  const cmd = ['/usr/bin/env', '-u', 'NODE_OPTIONS', process.execPath, gotraceBin, '--json-diagnostics', ...args];
  // As root, dropping the capabilities makes the kernel refuse the program; without root it
  // refuses anyway.
  if (c.noBpf && process.getuid?.() === 0) cmd.unshift('/usr/bin/setpriv', '--bounding-set=-bpf,-sys_admin,-perfmon');
  const stderr = await new Promise<string>((resolve) =>
    execFile(cmd[0], cmd.slice(1), { env, timeout: 120_000 }, (_e, _out, err) => resolve(String(err))),
  );
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as Diagnostic).code);
}

/** A running ticker, to be killed once the REPL traces it (deadTarget). */
async function deadProcess(): Promise<ChildProcess> {
  const p = spawn(buildGo('ticker'), ['-every', '5ms'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await waitForOutput(p.stdout!, /ready/);
  return p;
}

/** Codes the REPL reports for the last of `lines` (the ones before set the scene). */
async function replCodes(c: Extract<Case, { repl: string[] }>): Promise<string[]> {
  const dead = c.deadTarget ? await deadProcess() : undefined;
  const target = Target.open(c.noTarget ? {} : dead ? { pid: dead.pid! } : { path: buildGo('ticker') });
  const d = new ReplDriver({ target, backend: fakeBackend() });

  let seen: string[] = [];
  const report = d.core.report.bind(d.core);
  d.core.report = (ds: Diagnostic[]) => {
    seen.push(...ds.map((x) => x.code));
    report(ds);
  };
  await d.waitFor(/gotrace> $/);
  if (dead) {
    const from = d.text.length;
    dead.kill('SIGKILL');
    await d.waitFor(/exited\n/, from);
  }
  for (const line of c.repl) {
    seen = [];
    await d.type(line.replaceAll('{tmp}', tmp));
  }
  await d.end();
  return seen;
}

/** parse() of a source that throws when read: the safety net turns the crash into GT1999. */
function crashCodes(): string[] {
  const file = new SourceFile('crash', 'BEGIN { }');
  Object.defineProperty(file, 'text', {
    get() {
      throw new Error('source unreadable');
    },
  });
  return parse(file).diagnostics.map((d) => d.code);
}

const run: Run = async (c) => {
  if ('check' in c)
    return checkSource(new SourceFile('stdin', c.check), { positional: c.positional, unsafe: c.unsafe }).diagnostics.map((d) => d.code);
  if ('compile' in c) {
    const src = typeof c.compile === 'string' ? c.compile : c.compile();
    const r = await compile(new SourceFile('stdin', src), { binary: c.binary?.(), strlen: c.strlen, skipBuild: !c.build });
    return r.diagnostics.map((d) => d.code);
  }
  if ('cli' in c) return (await cliCodes(c)) as Code[];
  if ('repl' in c) return (await replCodes(c)) as Code[];
  return crashCodes() as Code[];
};

t.test('every catalog code has a case, and only catalog codes do', async (t) => {
  for (const code of Object.keys(catalog)) t.ok(code in cases, `${code} has a case`);
  for (const code of Object.keys(cases)) t.ok(code in catalog, `${code} is in the catalog`);
});

t.test('each case produces its code', async (t) => {
  for (const code of Object.keys(catalog) as Code[]) {
    const c = cases[code];
    if (!c) continue;
    const got = await run(c);
    t.ok(got.includes(code), `${code} from ${JSON.stringify(c)}`, { got });
  }
});
