// GoBinary.symbolize (pclntab-lines.ts) against two independent readers of
// the same tables:
//  - `go tool objdump`, which prints file:line for every instruction of a
//    binary with a symbol table (the fixtures, Go 1.19: go1.18 table format);
//  - the Go runtime's own traceback in stripped release binaries of other
//    Go versions (npm packages, see npm-binaries.ts): a Go program sent
//    SIGQUIT with GOTRACEBACK=system prints, per frame, function, file:line,
//    +offset from the entry and pc. That covers the go1.16 (Go 1.17),
//    go1.18 and go1.20 (Go 1.20, 1.26) table formats without any tool of ours.
import t from 'tap';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { GoBinary } from '../../../compiler/go/binary.js';
import { PclnLines } from '../../../compiler/go/pclntab-lines.js';
import { printName } from '../../../compiler/go/glob.js';
import { buildFixture, goTool } from './fixtures.js';
import { NPM_GO_BINARIES, npmGoBinary } from './npm-binaries.js';

for (const fixture of ['basic', 'abi']) {
  t.test(`every instruction agrees with go tool objdump: ${fixture}`, async (t) => {
    const file = buildFixture(fixture, 'dwarf');
    const bin = GoBinary.open(file);
    t.teardown(() => bin.close());
    let func = '';
    let checked = 0;
    let withLine = 0;
    let failures = 0;
    for (const line of goTool('objdump', file).split('\n')) {
      const h = /^TEXT (.+)\(SB\)/.exec(line);
      if (h) {
        // Go 1.19's function table elides bracketed parts of names
        // (`type..eq.[...]T`) that the symbol table spells out.
        func = printName(h[1]!.replace(/\.abi0$/, ''));
        continue;
      }
      const m = /^\s+(\S+):(\d+)\t+0x([0-9a-f]+)\t/.exec(line);
      if (!m) continue;
      const pc = parseInt(m[3]!, 16);
      const s = bin.symbolize(pc);
      const want = { func, file: m[1]!, line: Number(m[2]) };
      const got = { func: s && printName(s.func), file: s?.file === undefined ? '?' : path.basename(s.file), line: s?.line ?? 0 };
      if (got.func !== want.func || got.file !== want.file || got.line !== want.line) {
        if (failures++ < 10) t.same(got, want, `0x${pc.toString(16)}`);
      }
      checked++;
      if (want.line > 0) withLine++;
    }
    t.equal(failures, 0, `${checked} instructions (${withLine} with a line) agree`);
    t.ok(checked > 50_000);
  });
}

t.test('symbolize: offsets, full paths, outside the text', async (t) => {
  const bin = GoBinary.open(buildFixture('basic', 'dwarf'));
  t.teardown(() => bin.close());
  const add = bin.func('main.add')!;
  const s = bin.symbolize(add.entry + 1)!;
  t.equal(s.func, 'main.add');
  t.equal(s.offset, 1);
  t.match(s.file, /test\/fixtures\/go\/basic\/main\.go$/);
  t.equal(bin.funcAt(add.entry), add);
  t.equal(bin.funcAt(add.end - 1), add);
  t.equal(bin.symbolize(0x1000), undefined, 'below the text');
  const last = bin.functions()[bin.functions().length - 1]!;
  t.equal(bin.symbolize(last.end), undefined, 'past the last function');
});

interface Frame {
  func: string;
  file: string;
  line: number;
  offset: number;
  pc: number;
  /** Innermost position at pc: the first inlined frame printed above it, or itself. */
  inner: { file: string; line: number };
  /** The pc where the signal arrived (not a return address). */
  interrupted: boolean;
}

/** Drops the trailing argument list: `internal/poll.(*FD).Read(0x1, {...})` → `internal/poll.(*FD).Read`. */
function frameName(s: string): string {
  if (!s.endsWith(')')) return s;
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    if (s[i] === ')') depth++;
    else if (s[i] === '(' && --depth === 0) return s.slice(0, i);
  }
  return s;
}

/** Frames (with pc) of a GOTRACEBACK=system dump. */
function parseTraceback(text: string): Frame[] {
  const lines = text.split('\n');
  const sigPc = /^PC=0x([0-9a-f]+)/m.exec(text);
  const frames: Frame[] = [];
  let inlined: { file: string; line: number }[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = lines[i]!;
    const loc = /^\t(.+):(\d+)(?: \+0x([0-9a-f]+))?(?: fp=\S+ sp=\S+ pc=0x([0-9a-f]+))?$/.exec(lines[i + 1]!);
    if (!loc || head.startsWith('\t') || head.startsWith('created by ')) {
      if (head === '' || head.startsWith('goroutine ')) inlined = [];
      continue;
    }
    i++;
    const pos = { file: loc[1]!, line: Number(loc[2]) };
    if (!loc[4]) {
      inlined.push(pos);
      continue;
    }
    const pc = parseInt(loc[4], 16);
    frames.push({
      func: frameName(head),
      ...pos,
      offset: parseInt(loc[3] ?? '0', 16),
      pc,
      inner: inlined[0] ?? pos,
      interrupted: !!sigPc && parseInt(sigPc[1]!, 16) === pc,
    });
    inlined = [];
  }
  return frames;
}

/**
 * Runs `exe args` until it blocks (reading stdin, or a FIFO), then sends
 * SIGQUIT and returns what the runtime printed.
 */
function traceback(exe: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { cwd, env: { ...process.env, GOTRACEBACK: 'system' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGQUIT'), 700);
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      clearTimeout(hard);
      resolve(err);
    });
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-symbolize-'));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

// esbuild waits for its input on stdin; lefthook (whose stdin reading we
// cannot count on) is made to block opening its config, a FIFO.
const TRACED = [
  { goVersion: 'go1.17', args: ['run', 'pre-commit'], fifo: 'lefthook.yml' },
  { goVersion: 'go1.18.4', args: ['--bundle'] },
  { goVersion: 'go1.20.5', args: ['--bundle'] },
  { goVersion: 'go1.26.5', args: ['--bundle'] },
];

for (const tr of TRACED) {
  const b = NPM_GO_BINARIES.find((x) => x.goVersion === tr.goVersion)!;
  t.test(`stripped ${b.pkg}@${b.version} (${b.goVersion}): the runtime's own traceback`, async (t) => {
    const exe = npmGoBinary(b);
    const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
    if (tr.fifo) {
      execFileSync('git', ['init', '-q', dir]);
      execFileSync('mkfifo', [path.join(dir, tr.fifo)]);
    }
    const text = await traceback(exe, tr.args, dir);
    const frames = parseTraceback(text);
    t.ok(frames.length >= 10, `${frames.length} frames in the traceback`);
    const bin = GoBinary.open(exe);
    t.teardown(() => bin.close());
    t.equal(bin.hasDwarf, false);
    let inlinedChecked = 0;
    for (const f of frames) {
      // A return address: Go looks up the call instruction (pc - 1).
      const s = bin.symbolize(f.interrupted || f.offset === 0 ? f.pc : f.pc - 1);
      const got = {
        func: s && printName(s.func),
        offset: s && s.offset + (f.interrupted || f.offset === 0 ? 0 : 1),
        file: s?.file,
        line: s?.line,
      };
      t.same(got, { func: f.func, offset: f.offset, file: f.inner.file, line: f.inner.line }, `${f.func} +0x${f.offset.toString(16)}`);
      if (f.inner !== undefined && (f.inner.file !== f.file || f.inner.line !== f.line)) inlinedChecked++;
    }
    t.comment(`${inlinedChecked} frames were in inlined code (innermost position compared)`);
  });
}

t.test('go1.2 table layout (Go 1.2-1.15), synthetic', async (t) => {
  // One function at 0x1000 of 0x20 bytes: lines 10 for [0,4), 12 for
  // [4,0x20); file 1 "a.go" throughout.
  const b = Buffer.alloc(256);
  b.writeUInt32LE(0xfffffffb, 0);
  b[6] = 1;
  b[7] = 8;
  b.writeBigUInt64LE(1n, 8); // nfunc
  b.writeBigUInt64LE(0x1000n, 16); // functab: entry, funcoff
  b.writeBigUInt64LE(64n, 24);
  b.writeBigUInt64LE(0x1020n, 32); // end of text
  b.writeUInt32LE(200, 40); // filetab offset
  // _func at 64: entry, nameoff, args, frame, pcsp, pcfile, pcln
  b.writeBigUInt64LE(0x1000n, 64);
  b.writeInt32LE(180, 72);
  b.writeInt32LE(24, 76);
  b.writeUInt32LE(150, 88); // pcfile
  b.writeUInt32LE(160, 92); // pcln
  Buffer.from([0x04, 0x20, 0x00]).copy(b, 150); // value -1+2=1 for 0x20 bytes
  Buffer.from([0x16, 0x04, 0x04, 0x1c, 0x00]).copy(b, 160); // -1+11=10 for 4, +2=12 for 0x1c
  b.write('main.f\0', 180);
  b.writeUInt32LE(2, 200); // 2 entries: count, then file 1
  b.writeUInt32LE(220, 204);
  b.write('a.go\0', 220);
  const lines = new PclnLines({ format: 'go1.2', addr: 0, textStart: 0, funcs: [{ name: 'main.f', entry: 0x1000, end: 0x1020 }], data: b });
  t.same(lines.position(0, 0x1000, 0x1000), { file: 'a.go', line: 10 });
  t.same(lines.position(0, 0x1000, 0x1003), { file: 'a.go', line: 10 });
  t.same(lines.position(0, 0x1000, 0x1004), { file: 'a.go', line: 12 });
  t.same(lines.position(0, 0x1000, 0x101f), { file: 'a.go', line: 12 });
  t.same(lines.position(0, 0x1000, 0x1020), {}, 'past the tables');
  t.equal(lines.argsSize(0), 24);
});
