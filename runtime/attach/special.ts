// BEGIN and END: no link at all. Their programs are raw-tracepoint programs that gotrace runs
// itself, once each, with BPF_PROG_TEST_RUN, in its own process (as bpftrace's BEGIN runs in
// bpftrace's): firing the block is that one syscall. N.B. any link would cost a grace period
// to detach at exit (a uprobe_multi link ~35 ms, a perf-event uprobe ~0.1 s), which every
// `BEGIN { exit(); }` run used to pay; a test run costs none, and each object fires only its
// own blocks (the REPL's objects no longer share one trigger).
import type { KindAttach } from './index.js';

export const special: KindAttach = {
  attach: () => 1,
  trigger(obj, entries) {
    for (const a of entries) obj.testRun(a.program);
  },
};
