// Driving the REPL through its streams, and a fake live layer for the commands that need no BPF:
// the real compiler (without clang), and maps kept in memory behind fake fds that behave like
// the kernel's (a dup is the same map; a map lives while any fd holds it).
import { PassThrough } from 'node:stream';
import { compile } from '../../compiler/index.js';
import type { Manifest, MapSpec } from '../../compiler/manifest.js';
import type { MapEntry } from '../../runtime/aggregations.js';
import { sortEntries } from '../../runtime/aggregations.js';
import type { Backend, MapStore, ProbeHandle } from '../../runtime/repl/backend.js';
import { PROMPT, startRepl, type ReplOptions, type ReplSession } from '../../runtime/repl/server.js';
import type { LiveEvent } from '../../runtime/session.js';
import type { DecodeContext } from '../../runtime/values.js';

interface FakeMap {
  spec: MapSpec;
  entries: Map<string, MapEntry>;
}

export class FakeKernel implements MapStore {
  private nextFd = 100;
  readonly fds = new Map<number, FakeMap>();
  readonly handles: FakeHandle[] = [];
  /** Load options each probe was given (for reuseMaps checks). */
  readonly loads: { manifest: Manifest; reuseMaps: Map<string, number>; ringBytes?: number }[] = [];

  open(m: FakeMap): number {
    const fd = this.nextFd++;
    this.fds.set(fd, m);
    return fd;
  }
  dup(fd: number): number {
    return this.open(this.map(fd));
  }
  close(fd: number): void {
    this.fds.delete(fd);
  }
  map(fd: number): FakeMap {
    const m = this.fds.get(fd);
    if (!m) throw new Error(`fake: bad fd ${fd}`);
    return m;
  }
  read(fd: number): MapEntry[] {
    return sortEntries([...this.map(fd).entries.values()]);
  }
  clear(fd: number): void {
    this.map(fd).entries.clear();
  }
  zero(fd: number): void {
    for (const e of this.map(fd).entries.values()) if (e.value.type === 'int') e.value = { type: 'int', value: 0n };
  }
  delete(fd: number, _spec: MapSpec, keys: (bigint | string)[]): boolean {
    return this.map(fd).entries.delete(keys.join(','));
  }
  /** Sets an integer entry, as a probe would. */
  set(fd: number, keys: bigint[], value: bigint): void {
    this.map(fd).entries.set(keys.join(','), { keys: keys.map((k) => ({ type: 'int', value: k })), value: { type: 'int', value } });
  }
}

export class FakeHandle implements ProbeHandle {
  readonly ctx: DecodeContext;
  readonly fds = new Map<string, number>();
  attached = false;
  disposed = false;
  hits = 0n;
  handler?: (e: LiveEvent) => void;

  constructor(
    private readonly kernel: FakeKernel,
    readonly manifest: Manifest,
    reuse: Map<string, number>,
  ) {
    this.ctx = { manifest, symbolize: (pc) => `0x${pc.toString(16)}` };
    for (const spec of manifest.maps) {
      const shared = reuse.get(spec.cName);
      this.fds.set(spec.cName, shared !== undefined ? kernel.dup(shared) : kernel.open({ spec, entries: new Map() }));
    }
  }
  attach(): number {
    this.attached = true;
    return 1;
  }
  mapFd(spec: MapSpec): number {
    return this.fds.get(spec.cName)!;
  }
  readMap(spec: MapSpec): MapEntry[] {
    if (spec.name === '@__hits') return [{ keys: [], value: { type: 'int', value: this.hits } }];
    return this.kernel.read(this.mapFd(spec));
  }
  onEvents(h: (e: LiveEvent) => void): void {
    this.handler = h;
  }
  pollEvents(): number {
    return 0;
  }
  runBegin(): void {}
  runEnd(): void {}
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const fd of this.fds.values()) this.kernel.close(fd);
  }
}

export function fakeBackend(kernel = new FakeKernel()): Backend & { kernel: FakeKernel } {
  return {
    kernel,
    compile: async (file, opts, program) => {
      const r = await compile(file, { ...opts, skipBuild: true }, program);
      return r.manifest ? { ...r, object: new Uint8Array(0) } : r;
    },
    load: (_object, manifest, opts) => {
      kernel.loads.push({ manifest, reuseMaps: opts.reuseMaps ?? new Map(), ringBytes: opts.ringBytes });
      const h = new FakeHandle(kernel, manifest, opts.reuseMaps ?? new Map());
      kernel.handles.push(h);
      return h;
    },
    maps: kernel,
  };
}

/** A REPL on PassThrough streams, and a way to type a line and get its answer. */
export class ReplDriver {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  readonly session: ReplSession;
  text = '';

  constructor(opts: Omit<ReplOptions, 'input' | 'output'>) {
    this.output.setEncoding('utf8');
    this.output.on('data', (d: string) => (this.text += d));
    this.session = startRepl({ ...opts, input: this.input, output: this.output });
  }

  get core() {
    return this.session.core;
  }

  /** Resolves with everything written after `from` once `re` matches it. */
  waitFor(re: RegExp, from = 0, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const s = this.text.slice(from);
        if (re.test(s)) {
          this.output.off('data', check);
          clearTimeout(t);
          resolve(s);
        }
      };
      const t = setTimeout(() => {
        this.output.off('data', check);
        reject(new Error(`timed out waiting for ${re}; output so far:\n${this.text.slice(from)}`));
      }, timeoutMs);
      this.output.on('data', check);
      setImmediate(check);
    });
  }

  /** Types a line; resolves with the answer (what came before the next prompt). */
  async type(line: string, timeoutMs?: number): Promise<string> {
    const from = this.text.length;
    this.input.write(line + '\n');
    const s = await this.waitFor(/(gotrace> |\.\.\. )$/, from, timeoutMs);
    return s.replace(/(gotrace> |\.\.\. )$/, '');
  }

  /** Ends the input (Ctrl-D from a pipe); resolves with the exit status and the last output. */
  async end(): Promise<{ code: number; text: string }> {
    const from = this.text.length;
    this.input.end();
    const code = await this.session.done;
    return { code, text: this.text.slice(from) };
  }
}

export { PROMPT };
