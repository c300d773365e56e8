// Separate debug information: a binary without DWARF finds the DWARF of its build in a debug
// file (by GNU build id under a debug root, by .gnu_debuglink, or named with --debug-file), and
// refuses one from another build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { GoBinary, GoBinaryError } from '../../../compiler/go/binary.js';
import { findDebugFile } from '../../../compiler/go/debugfile.js';
import { ElfFile } from '../../../compiler/go/elf.js';
import { listFunctions } from '../../../runtime/list.js';
import { buildGo } from '../../helpers/go.js';

const GET = 'uprobe:main.(*Store).Get';
const WANT = ['    rets.0 *main.Order  RAX', '    rets.1 error  RBX,RCX'];

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-debug-'));
}

function objcopy(...args: string[]): void {
  execFileSync('objcopy', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

t.test('.gnu_debuglink next to the binary', async (t) => {
  const dir = tmp();
  const full = buildGo('vtable');
  const debug = path.join(dir, 'app.debug');
  const app = path.join(dir, 'app');
  objcopy('--only-keep-debug', full, debug);
  objcopy('--strip-debug', `--add-gnu-debuglink=${debug}`, full, app);
  const bin = GoBinary.open(app);
  t.teardown(() => bin.close());
  t.equal(bin.hasDwarf, true);
  t.equal(bin.dwarfSource, `debug file ${debug} (.gnu_debuglink)`);
  const lines = listFunctions(bin, GET, true);
  for (const w of WANT) t.ok(lines.includes(w), w);
  t.ok(lines.includes(`    # types from the debug file ${debug} (.gnu_debuglink)`), '-lv names the source');

  // A debug file whose CRC is not the one recorded is not used.
  fs.appendFileSync(debug, 'x');
  const other = GoBinary.open(app);
  t.teardown(() => other.close());
  t.equal(other.hasDwarf, false, 'CRC checked');
});

t.test('GNU build id under a debug root', async (t) => {
  const id = '0123456789abcdef0123456789abcdef01234567';
  const full = buildGo('vtable', { ldflags: `-B 0x${id}` });
  const root = tmp();
  fs.mkdirSync(path.join(root, '.build-id', '01'), { recursive: true });
  objcopy('--only-keep-debug', full, path.join(root, '.build-id', '01', `${id.slice(2)}.debug`));
  const app = path.join(tmp(), 'app');
  objcopy('--strip-debug', full, app);
  const elf = ElfFile.open(app);
  t.teardown(() => elf.close());
  const found = findDebugFile(elf, undefined, undefined, [root]);
  t.equal(found?.source, `debug file ${path.join(root, '.build-id', '01', `${id.slice(2)}.debug`)} (build id)`);
  found?.elf.close();
  t.equal(findDebugFile(elf, undefined, undefined, [tmp()]), undefined, 'nothing under another root');
});

t.test('--debug-file: an unstripped build of the same code, checked', async (t) => {
  const full = buildGo('vtable');
  const stripped = buildGo('vtable', { ldflags: '-s -w' });
  const bin = GoBinary.open(stripped, { debugFile: full });
  t.teardown(() => bin.close());
  t.equal(bin.dwarfSource, `debug file ${full} (--debug-file)`);
  const lines = listFunctions(bin, GET, true);
  for (const w of WANT) t.ok(lines.includes(w), w);
  // Another program's DWARF is refused with the reason.
  t.throws(() => GoBinary.open(stripped, { debugFile: buildGo('values') }), GoBinaryError);
  t.throws(
    () => GoBinary.open(stripped, { debugFile: buildGo('values') }),
    /is not the debug information of .*: its Go build ID is .*, and its functions differ/,
  );
  t.throws(() => GoBinary.open(stripped, { debugFile: stripped }), /it has no DWARF/);
});
