// `config = { ... }` (grammar/config.ts): settings parse into the program, `config` stays a
// name elsewhere (a Go field), every mistake is a located error, an importing script's setting
// overrides an imported file's; and compiler/passes/missing.ts leaves out the function specs
// that match nothing when the script asks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { readConfig } from '../../grammar/config.js';
import { SourceFile } from '../../grammar/source.js';
import { parse } from '../../grammar/index.js';
import { parseText } from './helpers.js';

const settings = (src: string) => parseText(src).program!.config?.map((s) => [s.key, s.value]);

t.test('settings parse, with or without `;`, strings, numbers and bare words', async (t) => {
  t.same(settings('config = { missing_probes = "warn" }\nBEGIN { }'), [['missing_probes', 'warn']]);
  t.same(settings('config = { a = 1; b = word; c = "x" };\nBEGIN { }'), [
    ['a', 1],
    ['b', 'word'],
    ['c', 'x'],
  ]);
  t.same(settings('BEGIN { }'), undefined, 'no config: nothing');
  const p = parseText('uprobe:main.f { @x[args.config] = count(); }');
  t.same(p.diagnostics, [], '`config` is still a field name');
});

t.test('readConfig: defaults, values, and located mistakes', async (t) => {
  const read = (src: string) => readConfig(parseText(src).program!);
  t.equal(read('BEGIN { }').config.missingProbes, 'error', 'the default is an error, as bpftrace');
  t.equal(read('config = { missing_probes = "ignore" } BEGIN { }').config.missingProbes, 'ignore');
  t.equal(read('config = { missing_probes = warn } BEGIN { }').config.missingProbes, 'warn', 'a bare word is a value too');
  const codes = (src: string) => read(src).diagnostics.map((d) => `${d.code}@${d.span?.start}`);
  t.same(codes('config = { max_map_keys = 10 } BEGIN { }'), ['GT2370@11']);
  t.same(codes('config = { missing_probes = "often" } BEGIN { }'), ['GT2371@28']);
  t.same(codes('config = { missing_probes = "warn"; missing_probes = "ignore" } BEGIN { }'), ['GT2372@36']);
});

t.test("an imported file's setting is overridden by the importing script's", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gt-config-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'lib.gt'), 'config = { missing_probes = "warn" }\n');
  const main = (own: string) => new SourceFile(path.join(dir, 'main.gt'), `import "lib.gt"\n${own}BEGIN { }`);
  const a = parse(main(''));
  t.equal(readConfig(a.program!).config.missingProbes, 'warn', 'the imported setting applies');
  const b = parse(main('config = { missing_probes = "ignore" }\n'));
  const r = readConfig(b.program!);
  t.equal(r.config.missingProbes, 'ignore', "the script's own wins");
  t.same(r.diagnostics, [], 'and is not a duplicate');
});
