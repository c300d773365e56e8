// Times the compiler/go hot paths on a large Go binary with DWARF.
//
//   npx tsc -p tsconfig.json && node dist/tools/bench-binary.js [binary]
//
// Without an argument it builds Go's own compiler (`go build cmd/compile`,
// about 20 MB with DWARF) into the temp directory once and uses that.
// Prints one line per step with milliseconds, then peak RSS, e.g.
//   open                          3.1 ms
//   findFunctions('runtime.*')   12.0 ms  (1421 functions)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GoBinary } from '../compiler/go/binary.js';

function target(): string {
  if (process.argv[2]) return process.argv[2];
  const out = path.join(os.tmpdir(), 'gotrace-bench-compile');
  if (!fs.existsSync(out)) {
    console.log(`building cmd/compile into ${out} ...`);
    execFileSync('go', ['build', '-o', out, 'cmd/compile'], { stdio: 'inherit' });
  }
  return out;
}

function step<T>(label: string, fn: () => T, note?: (v: T) => string): T {
  const t0 = performance.now();
  const v = fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(36)} ${ms.toFixed(1).padStart(8)} ms${note ? `  (${note(v)})` : ''}`);
  return v;
}

const file = target();
console.log(`${file}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
const bin = step(
  'open',
  () => GoBinary.open(file),
  (b) => `${b.goVersion}, ${b.functions().length} functions, dwarf=${b.hasDwarf}`,
);
const rt = step(
  "findFunctions('runtime.*')",
  () => bin.findFunctions('runtime.*'),
  (f) => `${f.length} functions`,
);
step(
  "findFunctions('*.(*Node).*')",
  () => bin.findFunctions('*.(*Node).*'),
  (f) => `${f.length} functions`,
);
step(
  "func('main.main')",
  () => bin.func('main.main'),
  (f) => (f ? 'found' : 'missing'),
);
step(
  'probeSites(runtime.*)',
  () => rt.map((f) => bin.probeSites(f)),
  (s) => `${s.reduce((n, x) => n + x.returnSites.length, 0)} return sites`,
);
step(
  'probeSites(main.main)',
  () => bin.probeSites(bin.func('main.main')!),
  (s) => `entry +${s.entrySite - bin.func('main.main')!.entry}`,
);
step(
  'gLayout (DWARF, first use)',
  () => bin.gLayout(),
  (l) => `goid at ${l.goidOffset} from ${l.source}`,
);
step(
  "functionParams('runtime.newproc1')",
  () => bin.dwarf()?.functionParams('runtime.newproc1'),
  (p) => `${p?.length ?? 0} params`,
);
step(
  "findType('no.such.Type') (full index)",
  () => bin.dwarf()?.findType('no.such.Type'),
  () => 'every unit read',
);
step(
  "functionParams('main.main') (indexed)",
  () => bin.dwarf()?.functionParams('main.main'),
  (p) => `${p?.length ?? 0} params`,
);
bin.close();
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
