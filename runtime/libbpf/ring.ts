// The event ring read straight from its memory. libbpf's ring_buffer__consume() calls back into
// JS once per event (a koffi trampoline and a Buffer each time); here the ring's pages are mapped
// once and read in a JS loop, and a record is decoded in place. The layout and protocol are the
// kernel's (kernel/bpf/ringbuf.c), as libbpf reads them (ringbuf.c, ringbuf_process_ring):
//   offset 0          one page, read-write: consumer_pos (u64), advanced by the reader
//   offset PAGE       one page, read-only: producer_pos (u64), advanced by the BPF programs
//   offset 2 * PAGE   the data, `size` bytes, mapped twice in a row so a record never wraps
// Each record: a u32 length (bit 31 busy: reserved, not yet submitted; bit 30 discarded), a u32
// page offset, the sample, padded to 8 bytes. N.B. Atomics on the views: the loads of the
// positions and lengths must not be merged or reordered by the JIT (x86 needs no fence).
import { libbpf } from './ffi.js';
import { BpfError, errnoName } from './index.js';

const PAGE = 4096;
const HDR = 8;
const BUSY = 0x80000000;
const DISCARD = 0x40000000;
// mmap's protections and flags (Linux, x86-64).
const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_FAILED = 0xffffffffffffffffn;

/** (ring memory, sample offset, sample length): valid only during the call. */
export type SampleFn = (data: Buffer, offset: number, size: number) => void;

interface Mapping {
  ptr: unknown;
  len: number;
}

export class RingReader {
  private maps: Mapping[] = [];
  private consumer: BigUint64Array;
  private producer: BigUint64Array;
  private lengths: Uint32Array;
  private data: Buffer;
  private mask: number;

  constructor(
    fd: number,
    readonly size: number,
    private readonly onSample: SampleFn,
  ) {
    try {
      const cons = this.mmap(fd, PAGE, PROT_READ | PROT_WRITE, 0);
      const prod = this.mmap(fd, PAGE + 2 * size, PROT_READ, PAGE);
      const ffi = libbpf();
      this.consumer = new BigUint64Array(ffi.koffi.view(cons, PAGE) as ArrayBuffer, 0, 1);
      const whole = ffi.koffi.view(prod, PAGE + 2 * size) as ArrayBuffer;
      this.producer = new BigUint64Array(whole, 0, 1);
      this.lengths = new Uint32Array(whole, PAGE, (2 * size) / 4);
      this.data = Buffer.from(whole, PAGE, 2 * size);
      this.mask = size - 1;
    } catch (e) {
      this.free();
      throw e;
    }
  }

  private mmap(fd: number, len: number, prot: number, offset: number): unknown {
    const ffi = libbpf();
    const ptr = ffi.mmap(null, len, prot, MAP_SHARED, fd, offset);
    if (ffi.koffi.address(ptr) === MAP_FAILED) {
      const e = ffi.errno();
      throw new BpfError(`cannot map the event ring buffer: ${errnoName(e)}`, e);
    }
    this.maps.push({ ptr, len });
    return ptr;
  }

  /** Handles the records submitted when it starts, oldest first; returns how many samples.
   *  N.B. one pass, up to the producer position read on entry: with programs writing as fast as
   *  they are read, reading until the ring is empty might never return to Node's event loop
   *  (signals, exit()). The pump polls again at once after a full batch. */
  consume(): number {
    if (!this.maps.length) return 0;
    let n = 0;
    // N.B. positions are byte counts since the ring was made: exact as numbers up to 2^53.
    let cons = Number(Atomics.load(this.consumer, 0));
    const prod = Number(Atomics.load(this.producer, 0));
    while (cons < prod) {
      // N.B. `&` works on 32 bits: exact, since the ring is at most 1 GiB (--ring-size).
      const at = cons & this.mask;
      const len = Atomics.load(this.lengths, at / 4);
      if (len & BUSY) break;
      const size = len & ~(BUSY | DISCARD);
      cons += (size + HDR + 7) & ~7;
      // The space is given back once the sample is handled (it is read in place), and even
      // when the handler throws: a record is never handled twice.
      try {
        if (!(len & DISCARD)) {
          n++;
          this.onSample(this.data, at + HDR, size);
        }
      } finally {
        // N.B. a handler may have freed the ring (a session ended from inside it): its pages
        // are gone then, and touching them would fault.
        if (this.maps.length) Atomics.store(this.consumer, 0, BigInt(cons));
      }
      if (!this.maps.length) break;
    }
    return n;
  }

  free(): void {
    const ffi = this.maps.length ? libbpf() : undefined;
    for (const m of this.maps.splice(0)) ffi!.munmap(m.ptr, m.len);
  }
}
