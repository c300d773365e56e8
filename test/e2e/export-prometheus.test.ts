// Issue #16 against the real things: gotrace as an agent (no -p, no -c: every process of the
// binary, including ones started after attaching) serves /metrics; Debian's Prometheus scrapes
// it every second; its HTTP API then holds the counter and the histogram buckets, equal to the
// maps gotrace prints at exit. The exposition passes `promtool check metrics`, and scraping
// while tracing loses no event.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, startGotrace, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { freePort, startPrometheus, type PromServer } from '../helpers/prometheus.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `[lo, hi)` rows of a text hist as cumulative counts by Prometheus' `le` (hi - 1). */
function textBuckets(out: string, map: string): Map<string, number> {
  const body = out.slice(out.indexOf(`${map}: \n`) + map.length + 3).split('\n\n')[0];
  const le = new Map<string, number>();
  let cum = 0;
  for (const line of body.split('\n')) {
    const m = /^\[(\d+)(?:, (\d+)\))?\]?\s+(\d+) \|/.exec(line);
    if (!m) continue;
    cum += Number(m[3]);
    le.set(m[2] === undefined ? m[1] : String(Number(m[2]) - 1), cum);
  }
  return le;
}

async function until<T>(what: string | (() => string), f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${typeof what === 'string' ? what : what()}`);
    await sleep(250);
  }
}

t.test('Prometheus scrapes an agent-mode gotrace; values agree with the exit output', async (t) => {
  if (!requireBpf(t)) return;
  // N.B. a private copy: an agent traces every process of the file, and other test files run
  // the ticker fixture at the same time.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-agent-'));
  const exe = path.join(dir, 'ticker');
  fs.copyFileSync(buildGo('ticker'), exe);
  fs.chmodSync(exe, 0o755);
  const port = await freePort();
  // @recent is cleared every 700 ms while the target runs: Prometheus must see counter resets.
  const script = `uprobe:${exe}:main.tick { @calls = count(); @recent = count(); @lat = hist(arg0); printf("%d\\n", arg0); } interval:ms:700 { clear(@recent); }`;
  const g = startGotrace(['--prometheus', `127.0.0.1:${port}`, '-e', script]);
  let prom: PromServer | undefined;
  t.teardown(async () => {
    g.child.kill('SIGKILL');
    await prom?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await waitForOutput(g.child.stderr!, /Attaching \d+ probes?\.\.\./);
  prom = await startPrometheus(`127.0.0.1:${port}`);
  // N.B. Prometheus hands new targets to its scrapers at most every 5 s: wait for a first
  // scrape, so the target below runs while being scraped.
  await until('a first scrape', async () => ((await prom!.query('up{job="gotrace"} == 1')).length ? true : undefined));
  // The target starts after gotrace attached: uprobes by path with pid -1 fire in it.
  const rounds = 3000;
  // N.B. ~10 s of calls: about ten scrapes see @recent between its clears (every 700 ms), so
  // a lower value after a higher one (a counter reset) is all but certain; at 1 ms a round the
  // run lasted about three scrapes, and once none of them saw a decrease.
  const ran = spawnSync(exe, ['-n', String(rounds), '-every', '3ms'], { encoding: 'utf8' });
  t.match(ran.stdout, `ticks=${rounds}`, 'the target ran to its end');

  let last = '';
  // N.B. on a loaded machine (the suite runs two files at once) scrapes may time out for a while.
  const calls = await until(
    () => `Prometheus sees every call (last: ${last})`,
    async () => {
      const r = await prom!.query('gotrace_calls_total');
      last = JSON.stringify(r);
      return r.length && Number(r[0].value[1]) === rounds ? r : undefined;
    },
    90_000,
  );
  t.equal(calls[0].metric.job, 'gotrace', 'scraped by the job');

  // promtool checks the exposition as served now.
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.equal(check.status, 0, `promtool check metrics passes (${check.stdout}${check.stderr})`);
  t.match(text, /^# TYPE gotrace_lat histogram$/m, 'hist() is a histogram');
  t.match(text, /^# TYPE gotrace_recent_total counter$/m, 'count() is a counter');

  // Wait for one scrape after the last value, then end gotrace and read what it prints.
  await sleep(1500);
  const buckets = await prom.query('gotrace_lat_bucket');
  const histSum = await prom.query('gotrace_lat_sum');
  const lost = await prom.query('gotrace_lost_events_total');
  const resets = await prom.query('resets(gotrace_recent_total[5m])');
  g.child.kill('SIGINT');
  const r = await g.done;
  t.equal(r.code, 0, `gotrace exits 0 (stderr: ${r.stderr.slice(-400)})`);
  t.equal(parseMapLines(r.stdout, '@calls').get(''), BigInt(rounds), 'the exit output has the same count');
  const want = textBuckets(r.stdout, '@lat');
  t.ok(want.size >= 4, `the text hist has buckets (${[...want]})`);
  for (const [le, n] of want) {
    const got = buckets.find((b) => b.metric.le === le);
    t.equal(Number(got?.value[1]), n, `bucket le=${le} agrees with the text output`);
  }
  t.equal(Number(buckets.find((b) => b.metric.le === '+Inf')?.value[1]), rounds, 'le=+Inf counts every call');
  // The values hist() saw are the ones printf printed: _sum is their exact sum, not a bound.
  const printed = r.stdout.split('\n').filter((l) => /^\d$/.test(l));
  t.equal(
    Number(histSum[0]?.value[1]),
    printed.reduce((a, l) => a + Number(l), 0),
    '_sum is the exact sum of the values',
  );
  t.ok(Number(resets[0]?.value[1]) >= 1, `a cleared count() map is a counter reset (${JSON.stringify(resets)})`);
  t.equal(lost.length, 1, 'gotrace_lost_events_total is exported');
  t.equal(Number(lost[0].value[1]), 0, 'no event lost while scraped every second');
  t.notMatch(r.stderr, /Lost \d+ events/, 'no lost events reported at exit');
  t.equal(r.stdout.split('\n').filter((l) => /^\d$/.test(l)).length, rounds, 'every printf event arrived');
});

t.test('a port already taken is a plain error before anything is attached', async (t) => {
  if (!requireBpf(t)) return;
  const exe = buildGo('ticker');
  const net = await import('node:net');
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => void s.close());
  const port = (s.address() as import('node:net').AddressInfo).port;
  const g = startGotrace(['--prometheus', `127.0.0.1:${port}`, '-e', `uprobe:${exe}:main.tick { @c = count(); }`]);
  const r = await g.done;
  t.equal(r.code, 1, 'exit status 1');
  t.match(r.stderr, `ERROR: cannot serve metrics on 127.0.0.1:${port}: EADDRINUSE`, 'says why');
  t.notMatch(r.stderr, /Attaching/, 'nothing attached');
});
