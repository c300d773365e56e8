// `npm run demo` (tools/demo.js) shows its one screen: the one-liner's lines, the latency
// histogram, the five slowest goroutines, and the thread-keyed comparison, with numbers measured
// in the run (fewer threads than goroutines; most returns on a thread another goroutine entered).
import { spawn } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { cleanEnv } from '../helpers/cli.js';
import { repoRoot } from '../helpers/go.js';

t.test('npm run demo fits what gotrace is for on one screen', async (t) => {
  if (!requireBpf(t)) return;
  const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, path.join(repoRoot, 'tools', 'demo.js')], {
    cwd: repoRoot,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  t.equal(code, 0, err);
  const lines = out.split('\n');
  t.ok(lines.length <= 40, `one screen: ${lines.length} lines`);
  t.match(out, /^\$ gotrace -e 'uprobe:main\.handle < @lat\[goid\] = elapsed >' -c \S+\n(@lat\[\d+\]: \d+\n){4}\.\.\. 100 lines/);
  t.match(out, /over all \d+ calls: latency of main\.handle \(ns\)\n(\[\d+[KM]?, \d+[KM]?\) +\d+ \|@* *\|\n)+\n/);
  t.equal(out.match(/^ {2}goroutine \d+ +\d+\.\d ms {2}of \d+ calls$/gm)?.length, 5, 'five slowest goroutines');
  const m = /would have seen (\d+) threads, not (\d+) goroutines: (\d+) of the\n(\d+) returns/.exec(out);
  t.ok(m, 'the thread-keyed sentence');
  if (!m) return;
  const [threads, goroutines, mispaired, calls] = m.slice(1).map(Number);
  t.equal(goroutines, 100);
  t.ok(threads >= 1 && threads < goroutines, `${threads} threads`);
  t.ok(mispaired > calls / 2 && mispaired <= calls, `${mispaired} of ${calls} returns mispaired by thread`);
  t.match(out, /its average latency reads \d+\.\d ms instead of \d+\.\d ms\.\n$/);
});
