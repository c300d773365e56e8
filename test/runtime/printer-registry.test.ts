// The printer registry (runtime/printers/index.ts): every format implements every event kind,
// text and JSON say the same things in their own shape, and the CLI's -f check and help text
// come from the table, not from a copy.
import t from 'tap';
import type { MapSpec } from '../../compiler/manifest.js';
import { createPrinter, PRINTERS, printerNames, type Printer } from '../../runtime/printers/index.js';
import { parseArgs, UsageError } from '../../runtime/cli.js';
import { runGotrace } from '../helpers/cli.js';

const spec: MapSpec = {
  name: '@n',
  cName: 'm',
  kind: 'int',
  keyCount: 0,
  keys: [{ type: 'int', offset: 0, size: 8 }],
  keySize: 8,
  valueSize: 8,
  perCpu: false,
};

/** Drives one printer through every method; returns what went to out and to err. */
function drive(name: string): { out: string; err: string } {
  let out = '';
  let err = '';
  const p: Printer = createPrinter(name, { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } });
  p.attached(2);
  p.printf('hello 42\n');
  p.value({ type: 'int', value: 7n });
  p.time('12:00:00\n');
  p.effect('system', 'ran\n');
  p.effect('cat', 'file text\n');
  p.map(spec, [{ keys: [], value: { type: 'int', value: 3n } }]);
  p.note('target exited with status 2\n');
  p.finalMaps([
    { spec, entries: [{ keys: [], value: { type: 'int', value: 5n } }] },
    { spec: { ...spec, name: '@empty' }, entries: [] },
  ]);
  p.lost(4n);
  p.drops([{ kind: 'map_full', map: '@n', count: 2n, limit: 8 }]);
  return { out, err };
}

t.test('text: bpftrace text on out, session notes on err', async (t) => {
  const { out, err } = drive('text');
  t.equal(out, 'hello 42\n7\n12:00:00\nran\nfile text\n@n: 3\n\n@n: 5\n');
  t.equal(
    err,
    'Attaching 2 probes...\ntarget exited with status 2\nLost 4 events\n2 map updates dropped (@n full at 8 keys: raise --map-keys)\n',
  );
});

t.test('json: one object a line on out, the same notes on err', async (t) => {
  const { out, err } = drive('json');
  const lines = out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.same(lines, [
    { type: 'attached_probes', data: { probes: 2 } },
    { type: 'printf', data: 'hello 42' },
    { type: 'value', data: 7 },
    { type: 'time', data: '12:00:00' },
    { type: 'syscall', data: 'ran' },
    { type: 'cat', data: 'file text' },
    { type: 'map', data: { '@n': 3 } },
    { type: 'map', data: { '@n': 5 } },
    { type: 'lost_events', data: { events: 4 } },
    { type: 'dropped', data: [{ kind: 'map_full', map: '@n', count: 2, limit: 8 }] },
  ]);
  t.equal(
    err,
    'Attaching 2 probes...\ntarget exited with status 2\nLost 4 events\n2 map updates dropped (@n full at 8 keys: raise --map-keys)\n',
  );
});

t.test('every registered format implements every method and describes itself', async (t) => {
  for (const name of printerNames()) {
    t.doesNotThrow(() => drive(name), name);
    t.ok(PRINTERS[name].describe.length > 0, `${name} has a description`);
  }
  t.same(printerNames().sort(), ['json', 'text']);
});

t.test('-f accepts the registry names and names them when refusing', async (t) => {
  for (const name of printerNames()) t.equal(parseArgs(['-f', name, '-e', 'BEGIN{}']).format, name);
  t.throws(() => parseArgs(['-f', 'xml']), new UsageError("-f wants text or json, not 'xml'"));
  t.throws(() => parseArgs(['-f', 'toString']), { message: "-f wants text or json, not 'toString'" }, 'no prototype name passes');
});

t.test('--help lists the formats from the registry, --keep-target and the system() warning', async (t) => {
  const r = await runGotrace(['--help'], 30_000);
  t.equal(r.code, 0);
  for (const name of printerNames()) t.match(r.stdout, `${name} (${PRINTERS[name].describe})`);
  t.match(r.stdout, /--keep-target {2}leave the -c command running/);
  t.match(r.stdout, /WARNING: system\("\.\.\.%s", x\)\n\s+runs its text through \/bin\/sh as root/);
  t.match(r.stdout, /execv\("PROG", a, b\) runs PROG with\n\s+each argument as one argv element and no shell/);
});
