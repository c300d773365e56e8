// Event delivery driven by the kernel, not a timer: one worker thread (a koffi async call)
// blocks in epoll_wait on the ring buffers' epoll fds (ring_buffer__epoll_fd); when it returns,
// Node's thread consumes every ring and waits again. A record is handled as soon as Node's loop
// is free, so a busy producer (a printf per runtime.mallocgc) is drained continuously instead
// of every 20 ms, and nothing is consumed off Node's thread (callbacks stay on the main thread).
// N.B. one wait in flight for all rings together: each blocked call holds a thread of libuv's
// pool (4 by default, shared with fs), so one wait per ring would starve it with a few REPL
// probes. An eventfd wakes the wait when the set of rings changes or the last one leaves, so
// Node can exit: the pending call keeps the loop alive until it returns.
import { libbpf } from './ffi.js';

const EPOLL_CLOEXEC = 0x80000;
const EFD_CLOEXEC = 0x80000;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLLIN = 1;

interface Ring {
  fd: number;
  consume: () => void;
}

let ep = -1;
let wake = -1;
let waiting = false;
const rings = new Map<number, Ring>();
const out = Buffer.alloc(12 * 16);

function event(fd: number): Buffer {
  const ev = Buffer.alloc(12);
  ev.writeUInt32LE(EPOLLIN, 0);
  ev.writeBigUInt64LE(BigInt(fd), 4);
  return ev;
}

function setup(): void {
  if (ep >= 0) return;
  const ffi = libbpf();
  ep = ffi.epoll_create1(EPOLL_CLOEXEC);
  wake = ffi.eventfd(0, EFD_CLOEXEC);
  if (ep < 0 || wake < 0) throw new Error(`cannot set up event delivery: errno ${ffi.errno()}`);
  ffi.epoll_ctl(ep, EPOLL_CTL_ADD, wake, event(wake));
}

function arm(): void {
  if (waiting || rings.size === 0) return;
  waiting = true;
  libbpf().epoll_wait.async(ep, out, 16, -1, (_err: unknown, n: number) => {
    waiting = false;
    for (let i = 0; i < n; i++) if (Number(out.readBigUInt64LE(i * 12 + 4)) === wake) libbpf().read_fd(wake, Buffer.alloc(8), 8);
    for (const r of [...rings.values()]) r.consume();
    arm();
  });
}

/** Consume the ring whose epoll fd is `fd` (ring_buffer__epoll_fd) whenever it has records;
 *  returns the function that stops it. */
export function pump(fd: number, consume: () => void): () => void {
  setup();
  const ffi = libbpf();
  if (ffi.epoll_ctl(ep, EPOLL_CTL_ADD, fd, event(fd)) < 0) throw new Error(`cannot watch the event ring: errno ${ffi.errno()}`);
  rings.set(fd, { fd, consume });
  arm();
  return () => {
    if (!rings.delete(fd)) return;
    ffi.epoll_ctl(ep, EPOLL_CTL_DEL, fd, event(fd));
    // Wake the wait so it re-arms without this ring (or ends when it was the last).
    const one = Buffer.alloc(8);
    one.writeBigUInt64LE(1n);
    ffi.write_fd(wake, one, 8);
  };
}
