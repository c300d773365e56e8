// runtime/list.ts (`gotrace -l` / `-lv`) on the fixtures. It lives here,
// next to the fixture helpers, because it is compiler/go's view of a binary;
// the CLI wiring is tested with the CLI.
import t from 'tap';
import { GoBinary } from '../../../compiler/go/binary.js';
import { listFunctions } from '../../../runtime/list.js';
import { buildFixture } from './fixtures.js';

/** The lines of one probe's entry: its name and the indented lines after it. */
function entry(lines: string[], probe: string): string[] {
  const i = lines.indexOf(probe);
  if (i < 0) return [];
  let j = i + 1;
  while (j < lines.length && lines[j]!.startsWith('    ')) j++;
  return lines.slice(i, j);
}

t.test('-l: probe names, sorted, each once', async (t) => {
  const bin = GoBinary.open(buildFixture('abi', 'dwarf'));
  t.teardown(() => bin.close());
  const lines = listFunctions(bin, 'uprobe:main.*', false);
  t.same(lines, [...lines].sort(), 'sorted');
  t.equal(new Set(lines).size, lines.length, 'no duplicates (two bodies of main.Map[...], one line)');
  t.ok(lines.includes('uprobe:main.Map[...]'));
  t.ok(lines.includes('uprobe:main.(*Server).Handle'));
  t.ok(lines.every((l) => l.startsWith('uprobe:main.')));
  t.same(listFunctions(bin, 'main.*', false), lines, 'the probe type defaults to uprobe');
  t.same(listFunctions(bin, 'u:main.*', false), lines);
  t.same(listFunctions(bin, 'ur:main.ints', false), ['uretprobe:main.ints']);
  t.same(listFunctions(bin, 'uprobe:./bin/abi:main.ints', false), ['uprobe:./bin/abi:main.ints'], 'a path stays in the probe');
  t.same(listFunctions(bin, 'uprobe:main.nosuch*', false), []);
  t.same(listFunctions(bin, 'uprobe:main.(*Server).*', false), ['uprobe:main.(*Server).Handle', 'uprobe:main.(*Server).Name']);
  t.ok(listFunctions(bin, 'uprobe:', false).length > 1000, 'empty pattern: everything');
});

t.test('-l: an exact method is one probe, though another type has a method of that name', async (t) => {
  const bin = GoBinary.open(buildFixture('basic', 'dwarf'));
  t.teardown(() => bin.close());
  t.same(listFunctions(bin, 'uprobe:main.(*Server).Handle', false), ['uprobe:main.(*Server).Handle']);
  t.same(listFunctions(bin, 'uprobe:main.(*ProxyServer).Handle', false), ['uprobe:main.(*ProxyServer).Handle']);
  t.same(listFunctions(bin, 'uprobe:main.*Server).Handle', false), ['uprobe:main.(*ProxyServer).Handle', 'uprobe:main.(*Server).Handle']);
  t.same(listFunctions(bin, 'uprobe:main.(\\*Server).Handle', false), ['uprobe:main.(*Server).Handle'], 'an escaped star');
});

t.test('-lv: arguments, results, sites', async (t) => {
  const bin = GoBinary.open(buildFixture('abi', 'dwarf'));
  t.teardown(() => bin.close());
  const lines = listFunctions(bin, 'uprobe:main.*', true);
  t.same(entry(lines, 'uprobe:main.(*Server).Handle'), [
    'uprobe:main.(*Server).Handle',
    '    args.s *main.Server  RAX',
    '    args.req string  RBX,RCX',
    '    args.n int  RDI',
    '    rets.0 int  RAX',
    '    rets.1 error  RBX,RCX',
    '    entry +0x6 (after stack check), 2 returns',
  ]);
  t.same(
    entry(lines, 'uprobe:main.namedResults').slice(1, 5),
    ['    args.a int  RAX', '    rets.sum int  RAX', '    rets.f float64  X0', '    rets.err error  RBX,RCX'],
    'named results by name',
  );
  t.same(entry(lines, 'uprobe:main.manyInts').slice(9, 12), ['    args.i int  R11', '    args.j int  [SP+8]', '    args.k int  [SP+16]']);
  t.same(entry(lines, 'uprobe:main.arrays').slice(1, 4), [
    '    args.one [1]int  RAX',
    '    args.zero [0]int  -',
    '    args.two [2]int  [SP+8]',
  ]);
  t.same(entry(lines, 'uprobe:main.manyResults').slice(-5, -1), [
    '    rets.t main.Triple  R8,R9,R10',
    '    rets.p main.Pair  [SP+8]',
    '    rets.w main.WithArray  [SP+24]',
    '    rets.e error  [SP+40]',
  ]);
  t.same(entry(lines, 'uprobe:main.(*Unnamed).M').slice(1, 3), ['    (receiver) *main.Unnamed  RAX', '    args.x int  RBX']);
  const map = entry(lines, 'uprobe:main.Map[...]');
  t.equal(map.filter((l) => l.startsWith('    # body at 0x')).length, 2, 'one description per generic body');
  t.ok(map.includes('    (dictionary) unsafe.Pointer  RAX'));
  const blank = entry(lines, 'uprobe:main.blank');
  t.ok(blank.includes('    args.a int  RAX'));
  t.match(blank.join('\n'), /# argument locations from the DWARF's entry locations: the DWARF leaves out blank or unnamed parameters/);
  t.match(entry(lines, 'uprobe:main.ints').pop(), /^    entry \+0x0 \(no stack check\), 1 return$/);
});

t.test('-lv without DWARF, and sites that matter', async (t) => {
  const bin = GoBinary.open(buildFixture('basic', 'stripped'));
  t.teardown(() => bin.close());
  t.same(listFunctions(bin, 'uprobe:main.add', true), [
    'uprobe:main.add',
    '    (no DWARF: only arg0..arg8 raw registers are available)',
    '    entry +0x0 (no stack check), 1 return',
  ]);
  t.match(listFunctions(bin, 'uprobe:main.fail', true)[2], /^    entry \+0x\w+ \(after stack check\), never returns$/);
  const withDwarf = GoBinary.open(buildFixture('basic', 'dwarf'));
  t.teardown(() => withDwarf.close());
  t.match(
    listFunctions(withDwarf, 'uprobe:runtime.memmove', true).join('\n'),
    /no DWARF for this function|argument locations unknown/,
    'assembly',
  );
});
