// The samples of output in the tools' headers (scripts/*.gt): each names the fixture and the
// command that produced it, and the shape comparison the e2e tests make between a sample and
// live output (test/helpers/samples.ts) catches a sample the printers cannot produce any more.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cutSample, headerSample, sampleDrift } from '../../tools/docs/sample-shape.js';
import { repoRoot } from '../helpers/go.js';

// funclatency.gt's sample as captured before hist() printed percentiles and time-unit labels
// and stats() printed percentiles, and the output of the same command since.
const STALE = `@by_goroutine[main.fastWork, 6]: count 2, average 1136233, total 2272466
@ns[main.slowWork]:
[4M, 8M)               4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
@ns[main.fastWork]:
[1M, 2M)               6 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[2M, 4M)               2 |@@@@@@@@@@@@@@@@@                                   |`.split('\n');
const LIVE = `Attaching 2 probes...
fastWork goid=18 n=5

@by_goroutine[main.fastWork, 20]: count 2, average 1120627, total 2241255, p50 1.12ms, p99 1.12ms
@by_goroutine[main.slowWork, 5]: count 4, average 8243211, total 32972844, p50 8.27ms, p99 8.27ms

@ns[main.slowWork]: 
[4.19ms, 8.39ms)       4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
p50 [4.19ms, 8.39ms), p90 [4.19ms, 8.39ms), p99 [4.19ms, 8.39ms), max 8.27ms

@ns[main.fastWork]: 
[1.05ms, 2.1ms)        9 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[2.1ms, 4.19ms)        1 |@@@@@                                               |
p50 [1.05ms, 2.1ms), p90 [1.05ms, 2.1ms), p99 [2.1ms, 4.19ms), max 2.38ms
`;

t.test('a stale sample is told apart from live output, a recaptured one is not', async (t) => {
  const drift = sampleDrift(STALE, LIVE.split('\n'));
  t.match(drift.join('\n'), /@ns: the tool prints 'percentiles p50 p90 p99 max', which the sample lacks/, 'the percentiles line');
  t.match(drift.join('\n'), /@ns: histogram labels bucket \[N, N\) in the sample, bucket \[T, T\) printed/, 'time-unit labels');
  t.ok(
    drift.includes("@by_goroutine: the tool prints '@by_goroutine[key]: count N, average N, total N, pN T, pN T', which the sample lacks"),
    'stats() percentiles',
  );
  t.same(sampleDrift(cutSample(LIVE), LIVE.split('\n')), [], 'the live output cut to a sample has its shape');
  t.same(sampleDrift(['@other: 1'], LIVE.split('\n')), ['no map of the sample (@other) was printed']);
});

t.test('a sample keeps every map the tool printed, cut to its last entries, and marks the cuts', async (t) => {
  const live = ['Attaching 1 probe...', ...Array.from({ length: 15 }, (_, i) => `line ${i}`), ''];
  for (let i = 0; i < 20; i++) live.push(`@calls[f${i}]: ${i}`);
  live.push('', '@h: ', '[1, 2)  1 |@|', 'p50 [1, 2), p90 [1, 2), p99 [1, 2), max 1');
  const s = cutSample(live.join('\n'));
  t.same(s.slice(0, 13), [...Array.from({ length: 12 }, (_, i) => `line ${i}`), '...'], 'the first printf lines');
  t.same(s.slice(13, 14), ['@calls[f8]: 8'], 'the last 12 entries of @calls (one ... for both cuts)');
  t.same(s.slice(-4), ['@calls[f19]: 19', '@h:', '[1, 2)  1 |@|', 'p50 [1, 2), p90 [1, 2), p99 [1, 2), max 1']);
});

t.test("every header's sample names its fixture and the command that ran the tool on it", async (t) => {
  for (const name of fs.readdirSync(path.join(repoRoot, 'scripts')).filter((f) => f.endsWith('.gt'))) {
    const s = headerSample(fs.readFileSync(path.join(repoRoot, 'scripts', name), 'utf8'));
    if (!t.ok(s, `${name}: a sample`)) continue;
    t.ok(fs.existsSync(path.join(repoRoot, 'test', 'fixtures', 'go', s!.fixture)), `${name}: test/fixtures/go/${s!.fixture} exists`);
    t.match(
      s!.command,
      new RegExp(`^scripts/${name.replace('.', '\\.')} (.* )?-c '?(\\./)?${s!.fixture}\\b`),
      `${name}: runs itself on the fixture`,
    );
    t.ok(s!.lines.length > 0 && s!.lines.length <= 80, `${name}: ${s!.lines.length} lines of sample`);
  }
});
