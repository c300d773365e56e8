// Maps keyed by Go values only user space spells (an error, an interface, a struct, a slice):
// which keys make a map one kept in user space, the events its updates become, the C (no BPF map
// for it, one for every other), and what the checker refuses with which text. Real BPF runs them
// in test/e2e/usermaps.test.ts.
import t from 'tap';
import { compile } from '../../compiler/index.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';
import { buildGo } from '../helpers/go.js';

const bin = buildGo('values');
const compiled = (src: string) => compile(new SourceFile('stdin', src), { binary: bin, skipBuild: true });

t.test('a key that is an error or a slice keeps its map in user space; other keys do not', async (t) => {
  const cases: [src: string, user: boolean, keys: string[]][] = [
    ['uprobe:main.greet { @m[func, rets.error] = count(); }', true, ['probe', 'go']],
    ['uprobe:main.vsum { @m[args.xs] = hist(args.xs[0]); }', true, ['go']],
    ['uprobe:main.greet { @m[args.name, args.times] = count(); }', false, ['str', 'int']],
    ['uprobe:main.(*Server).Handle { @m[args.r] = count(); }', false, ['int']],
  ];
  for (const [src, user, keys] of cases) {
    const r = await compiled(src);
    t.same(r.diagnostics, [], src);
    const m = r.manifest?.maps.find((x) => x.name === '@m');
    t.equal(!!m?.user, user, `${src}: user space`);
    t.same(
      m?.keys.slice(0, m.keyCount).map((k) => k.type),
      keys,
      `${src}: keys`,
    );
    const updates = r.manifest?.events.filter((e) => e.kind === 'map_update') ?? [];
    t.equal(updates.length, user ? 1 : 0, `${src}: an update event only for a map kept in user space`);
    // N.B. the C declares no BPF map for it: an update reserves an event instead.
    t.equal(/\} m_m SEC\("\.maps"\)/.test(r.cSource ?? ''), !user, `${src}: a BPF map only when BPF keeps it`);
  }
});

t.test("an update's event carries the keys, then the value: the aggregation's argument, 1 for count()", async (t) => {
  const r = await compiled(
    'uprobe:main.greet { @c[rets.error] = count(); @h[rets.error] = lhist(args.times, 0, 10, 2); @v[rets.error] = args.name; delete(@c[rets.error]); }',
  );
  t.same(r.diagnostics, []);
  const ev = (map: string, kind = 'map_update') => r.manifest!.events.find((e) => e.map === map && e.kind === kind)!;
  t.same(
    ev('@c').args.map((a) => a.type),
    ['go', 'int'],
  );
  t.same(
    ev('@h').args.map((a) => a.type),
    ['go', 'int'],
  );
  t.same(
    ev('@v').args.map((a) => a.type),
    ['go', 'str'],
  );
  t.same(
    ev('@c', 'map_delete').args.map((a) => a.type),
    ['go'],
    'delete sends the keys',
  );
  t.equal(ev('@c').args[0].go?.kind, 'iface', 'the error captured as print() captures it');
  t.match(r.cSource, new RegExp(`->h.event = ${ev('@c').id};[^]*?->a1 = 1LL;`), 'count() sends 1');
  t.notMatch(r.cSource, /bpf_map_delete_elem\(&m_c/, 'no BPF delete for it');
  t.notMatch(r.cSource, /bpf_map_update_elem\(&m_/, 'no BPF update for these maps');
});

t.test('reading a map kept in user space in a probe is refused, located, with a hint', async (t) => {
  const cases: [src: string, expected: string][] = [
    [
      'uprobe:main.greet { @e[rets.error] = count(); if (@e[rets.error] > 1) { exit(); } }',
      'stdin:1:51-65: ERROR: @e is kept in user space (its key 1 is a Go error, spelled only in user space): a probe cannot read it\n' +
        'uprobe:main.greet { @e[rets.error] = count(); if (@e[rets.error] > 1) { exit(); } }\n' +
        '                                                  ~~~~~~~~~~~~~~\n' +
        'HINT: print(@e) shows it; to read it in a probe, key it by what BPF holds (an integer, a string field, str(), len())\n',
    ],
    [
      'uprobe:main.greet { @e[func, rets.error]++; }',
      'stdin:1:21-43: ERROR: ++ reads @e in the probe, but it is kept in user space (its key 2 is a Go error)\n' +
        'uprobe:main.greet { @e[func, rets.error]++; }\n' +
        '                    ~~~~~~~~~~~~~~~~~~~~~~\n' +
        'HINT: aggregate instead: @e[...] = count(), or sum(x)\n',
    ],
    [
      'uprobe:main.greet { @e[rets.error] += 2; }',
      'stdin:1:21-40: ERROR: += reads @e in the probe, but it is kept in user space (its key 1 is a Go error)\n' +
        'uprobe:main.greet { @e[rets.error] += 2; }\n' +
        '                    ~~~~~~~~~~~~~~~~~~~\n' +
        'HINT: aggregate instead: @e[...] = count(), or sum(x)\n',
    ],
    [
      'uprobe:main.greet { @e[args.times] = count(); @e[rets.error] = count(); }',
      "stdin:1:50-60: ERROR: @e's key 1 is a Go value here but an integer elsewhere\n" +
        'uprobe:main.greet { @e[args.times] = count(); @e[rets.error] = count(); }\n' +
        '                                                 ~~~~~~~~~~\n',
    ],
    [
      'uprobe:main.greet { @h[rets.error] = hist(args.times); @p = percentile(@h[rets.error], 50); }',
      'stdin:1:72-86: ERROR: @h is kept in user space (its key 1 is a Go error, spelled only in user space): a probe cannot read it\n' +
        'uprobe:main.greet { @h[rets.error] = hist(args.times); @p = percentile(@h[rets.error], 50); }\n' +
        '                                                                       ~~~~~~~~~~~~~~\n' +
        'HINT: print(@h) shows it; to read it in a probe, key it by what BPF holds (an integer, a string field, str(), len())\n',
    ],
  ];
  for (const [src, expected] of cases) {
    const r = await compiled(src);
    t.equal(renderDiagnostics(r.diagnostics, { color: false }), expected, src);
  }
});
