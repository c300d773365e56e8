// The REPL completes the go: provider: its probes after `go:`, and in a go: block the fields
// of the probe being written (compiler/go/goruntime.ts).
import t from 'tap';
import { complete } from '../../runtime/repl/complete.js';

const src = {
  functions: () => ['main.main', 'main.tick'],
  maps: () => [],
  probeIds: () => [],
  commands: () => ['help'],
};

t.test('go: probes and their fields complete', async (t) => {
  t.same(complete('go:gor', src), [['goroutine_create', 'goroutine_exit'], 'gor']);
  t.same(complete('go:', src)[0].length, 10, 'every probe of the provider');
  t.same(complete('go:block { @[args.', src), [['args.goid', 'args.reason'], 'args.']);
  t.same(complete('go:unblock { @[args.bl', src), [['args.blocked_ns'], 'args.bl']);
  t.same(complete('go:block { } uprobe:main.tick { @[args.', src), [[], 'args.'], "a uprobe's args are the function's");
});
