// The go: provider's fields named *_ns are durations, as Go fields of that name are
// (check/exprs.ts, durationOf): their histograms get time-unit labels. scripts/gc-pauses.gt and
// sched-latency.gt printed [128K, 256K) and `max 2280474` for nanoseconds before.
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { mapSpecs } from '../../compiler/codegen/c.js';
import { SourceFile } from '../../grammar/source.js';

t.test('go: fields named *_ns give duration histograms; the others plain numbers', async (t) => {
  const cases: [string, string, boolean][] = [
    ['go:gc_done', 'args.duration_ns', true],
    ['go:stw_done', 'args.pause_ns', true],
    ['go:sched_run', 'args.runnable_ns', true],
    ['go:unblock', 'args.blocked_ns', true],
    ['go:goroutine_exit', 'args.lifetime_ns', true],
    ['go:gc_done', 'args.cycle', false],
    ['go:sched_run', 'args.p', false],
  ];
  for (const [probe, field, dur] of cases) {
    for (const agg of ['hist', 'stats']) {
      const src = `${probe} { @x = ${agg}(${field}); }`;
      const r = checkSource(new SourceFile('stdin', src));
      t.same(r.diagnostics, [], src);
      t.equal(!!mapSpecs(r.sem!.maps).find((m) => m.name === '@x')?.duration, dur, src);
    }
  }
});
