// The saved tools in scripts/: each compiles against a program it is meant for, and the HTTP
// one counts exactly the requests a real net/http server says it served.
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { buildGo, repoRoot } from '../helpers/go.js';

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
    const r = await runGotrace(['--dry-run', script(name), '-c', bin]);
    t.equal(r.code, 0, `${name}: ${r.stderr}`);
  }
});

t.test('http-requests.gt counts what the server served, with DWARF and stripped', async (t) => {
  if (!requireBpf(t)) return;
  // Stripped (-s -w), the request's type comes from the method table of serverHandler.
  for (const ldflags of ['', '-s -w']) {
    const r = await runGotrace([script('http-requests.gt'), '-c', buildGo('httpserver', ldflags ? { ldflags } : {})]);
    t.equal(r.code, 0, r.stderr);
    const served = new Map<string, bigint>();
    for (const m of r.stdout.matchAll(/^served (\S+) (\S+) (\d+)$/gm)) served.set(`${m[1]}, ${m[2]}`, BigInt(m[3]));
    t.equal(served.size, 4);
    t.same(parseMapLines(r.stdout, '@requests'), served, `requests, ldflags '${ldflags}'`);
    t.match(r.stdout, /^@latency\[GET, \/items\]: \n\[/m, 'a latency histogram per method and path');
  }
});

t.test('errors.gt prints each failing call with its error message', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace([script('errors.gt'), '-c', buildGo('values')]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^request failed: too big$/m);
});
