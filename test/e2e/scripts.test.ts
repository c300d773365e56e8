// The saved tools in scripts/: each has a header that says what it shows and holds a sample of
// its real output, each compiles against a program it is meant for, the HTTP one counts exactly
// the requests a real net/http server says it served, sql.gt the queries a database/sql program
// made. (The runtime and network tools: scripts-runtime.test.ts, scripts-net.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { checkSample, headerArgs } from '../helpers/samples.js';
import { headerSample } from '../../tools/docs/sample-shape.js';
import { buildGo, repoRoot } from '../helpers/go.js';
import { GO_PROBES } from '../../compiler/go/goruntime.js';

const script = (name: string) => path.join(repoRoot, 'scripts', name);

t.test('every script compiles for its kind of program', async (t) => {
  if (!requireBpf(t)) return;
  const targets: Record<string, string> = {
    'http-requests.gt': buildGo('httpserver'),
    'goroutine-latency.gt': buildGo('latency'),
    'funccount.gt': buildGo('latency'),
    'gc.gt': buildGo('latency'),
    'errors.gt': buildGo('values'),
  };
  for (const [name, bin] of Object.entries(targets)) {
    const r = await runGotrace(['--dry-run', script(name), '-c', bin, '--', 'main.*']);
    t.equal(r.code, 0, `${name}: ${r.stderr}`);
  }
});

t.test('the tools no other test runs, run as their headers say: live output has the shape of the sample', async (t) => {
  if (!requireBpf(t)) return;
  for (const name of ['funccount.gt', 'gc.gt', 'goroutine-latency.gt']) {
    const s = headerSample(fs.readFileSync(script(name), 'utf8'))!;
    const r = await runGotrace(headerArgs(s.fixture, s.command));
    t.equal(r.code, 0, `${name}: ${r.stderr}`);
    checkSample(t, name, r.stdout);
  }
});

t.test('http-requests.gt counts what the server served, with DWARF and stripped', async (t) => {
  if (!requireBpf(t)) return;
  // Stripped (-s -w), the request's type comes from the method table of serverHandler.
  for (const ldflags of ['', '-s -w']) {
    const r = await runGotrace([script('http-requests.gt'), '-c', buildGo('httpserver', ldflags ? { ldflags } : {})]);
    t.equal(r.code, 0, r.stderr);
    checkSample(t, 'http-requests.gt', r.stdout);
    const served = new Map<string, bigint>();
    for (const m of r.stdout.matchAll(/^served (\S+) (\S+) (\d+)$/gm)) served.set(`${m[1]}, ${m[2]}`, BigInt(m[3]));
    t.equal(served.size, 4);
    t.same(parseMapLines(r.stdout, '@requests'), served, `requests, ldflags '${ldflags}'`);
    t.match(r.stdout, /^@latency\[GET, \/items\]: \n\[/m, 'a latency histogram per method and path');
  }
});

t.test('errors.gt: failing calls by function and error for every signature ending in error', async (t) => {
  if (!requireBpf(t)) return;
  // main.* matches functions returning error, (int, error), (string, int, error) and ten results
  // whose error the ABI puts on the stack, and 43 that return no error (left out, with a warning).
  const r = await runGotrace([script('errors.gt'), '-c', `${buildGo('tools')} errors`, '--', 'main.*']);
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'errors.gt', r.stdout);
  // The fixture's own count of each (function, error), the error spelled as the key is.
  const own = new Map([...r.stdout.matchAll(/^failed_with (\S+)\t(.*)\t(\d+)$/gm)].map((m) => [`${m[1]}, ${m[2]}`, BigInt(m[3])]));
  t.equal(own.size, 7);
  t.same(parseMapLines(r.stdout, '@errors'), own, 'failures by function and error');
  // One key per message, whatever the error's address: errors.New made three times is one key.
  t.equal(own.get('main.checkOne, multiple of three'), 3n, 'errors.New');
  t.ok(own.has('main.parsePort, strconv.Atoi: parsing "x1": invalid syntax'), '*strconv.NumError');
  t.ok(own.has('main.openThing, open thing: stat /nonexistent/thing: no such file or directory'), 'fmt.Errorf of a *fs.PathError');
  t.equal(own.get('main.openThing, &{code: 7}'), 2n, 'a type of its own, by its value');
  t.ok(own.has('main.manyResults, &{code: 2}'), 'an error result on the stack');
  t.match(r.stderr, /WARNING: \d+ functions that uprobe:main\.\* matches return no error and are not traced/);
});

t.test('every script has a header: what it shows, how to run it, Go releases, a real sample', async (t) => {
  const names = fs.readdirSync(path.join(repoRoot, 'scripts')).filter((f) => f.endsWith('.gt'));
  t.ok(names.length >= 15, `${names.length} tools`);
  for (const name of names) {
    const text = fs.readFileSync(script(name), 'utf8');
    const header = text.split('\n\n')[0];
    t.match(header, new RegExp(`^#!/usr/bin/env gotrace\n// ${name.replace('.', '\\.')}: `), `${name}: names itself`);
    t.match(header, new RegExp(`^//   gotrace scripts/${name.replace('.', '\\.')} `, 'm'), `${name}: how to run it`);
    t.match(header, /Go 1\.\d+/, `${name}: the Go releases it supports`);
    const sample = header.split(/^\/\/ Output \(captured on test\/fixtures\/go\/\S+, `gotrace [^`]+`\):\n/m)[1];
    t.ok(sample, `${name}: a sample of output, with the command that produced it`);
    // The sample's maps are maps the script writes: it cannot show output the code cannot make.
    const body = text.slice(header.length);
    const shown = new Set([...(sample ?? '').matchAll(/^\/\/ {3}(@\w+)[[:]/gm)].map((m) => m[1]));
    t.ok(shown.size > 0, `${name}: the sample shows maps`);
    for (const m of shown) t.match(body, new RegExp(`${m}\\b`), `${name}: ${m} is written by the script`);
  }
});

t.test('the tools aggregate a go: time only when its start was seen (-1 otherwise, as with -p)', async (t) => {
  // gc-pauses.gt once put a pause that began before attaching (-p) in a (..., 0) bucket.
  const unseen = GO_PROBES.flatMap((p) => p.fields.filter((f) => /-1 when .*not seen/.test(f.doc)).map((f) => [p.name, f.name]));
  t.ok(unseen.length >= 4, unseen.join(' '));
  for (const name of fs.readdirSync(path.join(repoRoot, 'scripts')).filter((f) => f.endsWith('.gt'))) {
    const lines = fs.readFileSync(script(name), 'utf8').split('\n');
    for (const [probe, field] of unseen) {
      for (const l of lines.filter((l) => l.startsWith(`go:${probe} `) && l.includes(`(args.${field})`))) {
        t.match(l, new RegExp(`^go:${probe} /args\\.${field} >= 0/`), `${name}: args.${field} is aggregated only when seen`);
      }
    }
  }
});

t.test('sql.gt: query latency by query text and the queries that failed, on a DB, a Tx, a Conn and a Stmt', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace([script('sql.gt'), '-c', `${buildGo('tools')} sql all`]);
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'sql.gt', r.stdout);
  const own = [...r.stdout.matchAll(/^query "(.*)" n=(\d+) errors=(\d+)$/gm)];
  t.equal(own.length, 8);
  t.equal(r.stderr, 'Attaching 6 probes...\n', 'the methods the program never calls are left out, quietly (missing_probes = "ignore")');
  const errors = parseMapLines(r.stdout, '@errors');
  for (const [, q, n, failed] of own) {
    const h = r.stdout.split(`@query_ns[${q}]: \n`)[1]?.split('\n\n')[0] ?? '';
    const calls = [...h.matchAll(/^\[\S+, \S+\)\s+(\d+) \|/gm)].reduce((a, m) => a + Number(m[1]), 0);
    t.equal(calls, Number(n), `calls of ${q}`);
    t.equal(errors.get(q) ?? 0n, BigInt(failed), `errors of ${q}`);
  }
  t.match(r.stdout, /^error: SELECT x FROM missing: no such table: missing$/m, 'a failure printed with its message');
  // The 3 ms queries take at least 3 ms each: no bucket below [2.1ms, 4.19ms).
  const slow = r.stdout.split('@query_ns[SELECT x FROM t WHERE sleep 3ms]: \n')[1]?.split('\n\n')[0] ?? '';
  t.match(slow, /^\[2\.1ms, 4\.19ms\)/m, 'the 3 ms queries are in the 2.1-4.19 ms bucket');
  t.notMatch(slow, /^\[(\d+|[\d.]+(ns|us)|1\.05ms), /m, 'none below it');
});

t.test('the tools whose header says they need DWARF fail on a stripped build with a located error', async (t) => {
  if (!requireBpf(t)) return;
  const stripped = buildGo('tools', { ldflags: '-s -w' });
  for (const name of ['errors.gt', 'sql.gt', 'gc.gt']) {
    t.match(fs.readFileSync(script(name), 'utf8').split('\n\n')[0], /Needs DWARF/, `${name}'s header says so`);
    const r = await runGotrace(['--dry-run', script(name), '-c', stripped, '--', 'main.*']);
    t.equal(r.code, 1, name);
    t.match(
      r.stderr,
      new RegExp(`^\\S*scripts/${name.replace('.', '\\.')}:\\d+:\\d+-\\d+: ERROR: .*(DWARF|debug information)`, 'm'),
      `${name}: located, says why`,
    );
    t.notMatch(r.stderr, /\n\s+at /, `${name}: no stack trace`);
  }
});
