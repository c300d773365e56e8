// Event delivery (runtime/trace.ts, runtime/sink.ts): a ring found with a full batch is polled
// again at once, otherwise every 20 ms (a steady trickle never spins the loop), and what one
// poll shows is written with one write.
import { PassThrough } from 'node:stream';
import t from 'tap';
import { OutputSink } from '../../runtime/sink.js';
import { BUSY_POLL_EVENTS, eventPump } from '../../runtime/trace.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a poll that found a full batch polls again at once; a smaller one or none waits 20 ms', async (t) => {
  let full = 50;
  const times: number[] = [];
  const program = { pollEvents: () => (times.push(performance.now()), full > 0 ? (full--, BUSY_POLL_EVENTS) : 0) };
  const pump = eventPump(program, { batch: (f) => f() });
  await sleep(300);
  pump.stop();
  const busy = times.slice(0, 51);
  t.ok(busy[50] - busy[0] < 50, `50 full polls back to back (${(busy[50] - busy[0]).toFixed(1)} ms, not 50 x 20 ms)`);
  const quiet = times.length - 51;
  t.ok(quiet >= 3 && quiet <= 16, `then about one poll each 20 ms (${quiet} in ~250 ms)`);
  const n = times.length;
  await sleep(60);
  t.equal(times.length, n, 'no poll after stop()');
});

t.test('a steady trickle of events (a few per poll) never spins the loop', async (t) => {
  let polls = 0;
  const program = { pollEvents: () => (polls++, 3) };
  const pump = eventPump(program, { batch: (f) => f() });
  await sleep(300);
  pump.stop();
  // Re-polling at once after any event would make thousands of polls here.
  t.ok(polls >= 3 && polls <= 16, `about one poll each 20 ms (${polls} in 300 ms)`);
});

t.test('batch(): the writes of one poll leave as one write', async (t) => {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (d: Buffer) => chunks.push(d.toString()));
  const sink = new OutputSink(stream, 'test');
  const r = sink.batch(() => {
    sink.write('a\n');
    sink.write('b\n');
    sink.batch(() => sink.write('c\n'));
    t.same(chunks, [], 'nothing written while batching');
    return 3;
  });
  await sleep(0);
  t.equal(r, 3, "batch returns f's result");
  t.same(chunks, ['a\nb\nc\n'], 'one write, in order');
  sink.write('d\n');
  await sleep(0);
  t.same(chunks, ['a\nb\nc\n', 'd\n'], 'writes outside a batch go at once');
});
