// Stripped release binaries of Go 1.17-1.27 (from npm packages): build
// info, the function table in its newer layouts, probe sites, and the goid
// offset table, which these binaries confirm independently through the
// code of runtime.goroutineheader.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { Decoder, DecoderOptions, Mnemonic, OpKind, Register } from 'iced-x86';
import { GoBinary } from '../../../compiler/go/binary.js';
import { G_LAYOUT_BY_MINOR } from '../../../compiler/go/goid.js';
import { parseGoVersion } from '../../../compiler/go/buildinfo.js';
import { NPM_GO_BINARIES, npmGoBinary } from './npm-binaries.js';

/**
 * goroutineheader(gp) starts with readgstatus(gp): a 32-bit load of
 * gp.atomicstatus from RAX (gp, first register argument), and goid is the
 * next field after the 4-byte stackLock. Returns that load's displacement
 * and whether a 64-bit load at displacement+8 (the goid) follows.
 */
function statusLoad(bin: GoBinary): { status?: number; goidLoaded: boolean } {
  const f = bin.func('runtime.goroutineheader');
  if (!f) return { goidLoaded: false };
  const code = bin.elfFile().readVaddr(f.entry, f.end - f.entry);
  const d = new Decoder(64, code, DecoderOptions.None);
  let status: number | undefined;
  const loads = new Set<number>();
  while (d.canDecode) {
    const i = d.decode();
    if (i.mnemonic === Mnemonic.Mov && i.op0Kind === OpKind.Register && i.op1Kind === OpKind.Memory && i.memoryIndex === Register.None) {
      const r = i.op0Register;
      const disp = Number(i.memoryDisplacement);
      if (status === undefined && i.memoryBase === Register.RAX && r >= Register.EAX && r <= Register.R15D) status = disp;
      if (r >= Register.RAX && r <= Register.R15 && i.memoryBase !== Register.RSP) loads.add(disp);
    }
    i.free();
  }
  d.free();
  const out: { status?: number; goidLoaded: boolean } = { goidLoaded: status !== undefined && loads.has(status + 8) };
  if (status !== undefined) out.status = status;
  return out;
}

for (const b of NPM_GO_BINARIES) {
  t.test(`${b.pkg}@${b.version} (${b.goVersion})`, async (t) => {
    const path = npmGoBinary(b);
    const bin = GoBinary.open(path);
    t.teardown(() => bin.close());

    t.equal(bin.goVersion, b.goVersion, 'Go version');
    let goVersionTool: string | undefined;
    try {
      goVersionTool = execFileSync('go', ['version', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .trim()
        .split(' ')
        .pop();
    } catch {
      // esbuild strips .go.buildinfo, so `go version` cannot read it.
    }
    if (goVersionTool) t.equal(bin.goVersion, goVersionTool, 'agrees with go version');
    else t.ok(b.pkg.includes('esbuild'), 'only esbuild lacks build info');
    t.equal(bin.hasDwarf, false, 'stripped');

    const minor = parseGoVersion(b.goVersion)![1];
    t.equal(bin.pclnFormat, minor >= 20 ? 'go1.20' : minor >= 18 ? 'go1.18' : 'go1.16', 'function table layout');
    const funcs = bin.functions();
    t.ok(funcs.length > 3000, `${funcs.length} functions`);
    let ordered = true;
    for (let i = 1; i < funcs.length; i++) if (funcs[i - 1]!.end !== funcs[i]!.entry) ordered = false;
    t.ok(ordered, 'functions tile the text');
    for (const n of ['main.main', 'runtime.main', 'runtime.goexit', 'runtime.mallocgc']) {
      const f = bin.func(n);
      t.ok(f, n);
      if (!f) continue;
      const s = bin.probeSites(f);
      if (n !== 'runtime.goexit') t.not(s.stackCheck, 'none', `${n} has a stack check`);
      t.ok(s.entrySite >= f.entry && s.entrySite < f.entry + 40, `${n} entry site near the entry`);
      t.ok(bin.fileOffset(s.entrySite) > 0, `${n} entry site maps to the file`);
      if (n === 'main.main' || n === 'runtime.mallocgc') t.ok(s.returnSites.length > 0, `${n} returns`);
    }

    const layout = bin.gLayout();
    t.equal(layout.source, 'version-table');
    t.equal(layout.goidOffset, G_LAYOUT_BY_MINOR[minor], 'table entry used');
    const seen = statusLoad(bin);
    t.equal(seen.status === undefined ? undefined : seen.status + 8, layout.goidOffset, 'goroutineheader loads atomicstatus at goid-8');
    t.ok(seen.goidLoaded, 'and loads the 64-bit goid right after it');
  });
}

t.test('probe sites decode cleanly across a whole newer binary', async (t) => {
  const b = NPM_GO_BINARIES.find((x) => x.goVersion.startsWith('go1.27'))!;
  const bin = GoBinary.open(npmGoBinary(b));
  t.teardown(() => bin.close());
  let errors = 0;
  let checks = 0;
  const funcs = bin.findFunctions('runtime.*');
  for (const f of funcs) {
    const s = bin.probeSites(f);
    if (s.decodeErrorAt !== undefined) errors++;
    if (s.stackCheck !== 'none') checks++;
  }
  t.equal(errors, 0, `no decode errors in ${funcs.length} runtime functions`);
  t.ok(checks > funcs.length / 3, `${checks} have a stack check`);
});
