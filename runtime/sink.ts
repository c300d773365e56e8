// Where results go (stdout or -o FILE), guarded: a write that fails (the reader of a pipe went
// away, a full disk) is caught once, never thrown as a stack trace, and ends the session through
// onFail. Later writes are dropped: there is nowhere left to write them.
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Sink } from './printers/index.js';

export class OutputSink implements Sink {
  error?: NodeJS.ErrnoException;
  private failHandlers: ((e: NodeJS.ErrnoException) => void)[] = [];
  /** Text held while batching (see batch()). */
  private held?: string[];

  constructor(
    private readonly stream: NodeJS.WritableStream,
    /** For messages: "stdout" or the file's name. */
    readonly name: string,
    private readonly owned = false,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => this.fail(e));
  }

  /** -o FILE, opened (created, truncated) now: a bad path is an error before anything is
   *  compiled or attached. Throws the open's error. */
  static openFile(file: string): OutputSink {
    const fd = fs.openSync(file, 'w', 0o644);
    return new OutputSink(fs.createWriteStream('', { fd }), file, true);
  }

  write(s: string): void {
    if (this.error) return;
    if (this.held) {
      this.held.push(s);
      return;
    }
    this.out(s);
  }

  /** Runs `f` with its writes held, then writes them as one: a poll of the ring that shows
   *  thousands of events costs one write(2), not one each (stdout on a pipe or a file is
   *  written synchronously by Node). */
  batch<T>(f: () => T): T {
    if (this.held) return f();
    this.held = [];
    try {
      return f();
    } finally {
      const text = this.held.join('');
      this.held = undefined;
      if (text && !this.error) this.out(text);
    }
  }

  private out(s: string): void {
    try {
      this.stream.write(s);
    } catch (e) {
      this.fail(e as NodeJS.ErrnoException);
    }
  }

  /** The reader closed the pipe (`gotrace ... | head`): not an error, the session just ends. */
  get readerGone(): boolean {
    return this.error?.code === 'EPIPE';
  }

  onFail(h: (e: NodeJS.ErrnoException) => void): void {
    if (this.error) h(this.error);
    else this.failHandlers.push(h);
  }

  /** Flushes and closes an -o file (stdout stays open); a failure then is reported like any. */
  async close(): Promise<void> {
    if (!this.owned) return;
    this.stream.end();
    // Errors on the way are this sink's (onFail); an already destroyed stream settles at once.
    await finished(this.stream).catch(() => {});
  }

  private fail(e: NodeJS.ErrnoException): void {
    if (this.error) return;
    this.error = e;
    for (const h of this.failHandlers) h(e);
  }
}
