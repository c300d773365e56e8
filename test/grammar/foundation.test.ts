// The foundation subset: probes (uprobe:FUNC, uprobe:PATH:FUNC), both block forms, map and
// variable assignment, builtins, calls, integers and binary expressions.
import t from 'tap';
import { parseText, sexpr } from './helpers.js';

const cases: [string, string][] = [
  ['uprobe:main.handle < @lat[goid] = elapsed >', '(probe <> (uprobe "main.handle")\n  (= (@lat goid) elapsed))'],
  ['uprobe:main.handle { @lat[goid] = elapsed; }', '(probe {} (uprobe "main.handle")\n  (= (@lat goid) elapsed))'],
  ['uprobe:main.handle { @lat[goid] = elapsed }', '(probe {} (uprobe "main.handle")\n  (= (@lat goid) elapsed))'],
  ['uprobe:/usr/bin/app:main.handle { @n = count(); }', '(probe {} (uprobe "/usr/bin/app" "main.handle")\n  (= @n (call count)))'],
  [
    'uprobe:./app:main.main { $x = 1; @m[pid, tid] = $x + 2 }',
    '(probe {} (uprobe "./app" "main.main")\n  (= $x 1)\n  (= (@m pid tid) (+ $x 2)))',
  ],
  ['uprobe:main.f { @s = sum(arg0 * 2 - 1); }', '(probe {} (uprobe "main.f")\n  (= @s (call sum (- (* arg0 2) 1))))'],
  ['uprobe:main.f { @h = hist(elapsed / 1000) }', '(probe {} (uprobe "main.f")\n  (= @h (call hist (/ elapsed 1000))))'],
  ['uprobe:main.f { @x = 1 + 2 * 3 - 4 }', '(probe {} (uprobe "main.f")\n  (= @x (- (+ 1 (* 2 3)) 4)))'],
  ['uprobe:main.f { @x = a == b && c != d || e < f }', '(probe {} (uprobe "main.f")\n  (= @x (|| (&& (== a b) (!= c d)) (< e f))))'],
  ['uprobe:main.f {}', '(probe {} (uprobe "main.f"))'],
  ['uprobe:main.f <>', '(probe <> (uprobe "main.f"))'],
  [
    'uprobe:main.a { @a = 1 }\nuprobe:main.b < @b = 2 >',
    '(probe {} (uprobe "main.a")\n  (= @a 1))\n(probe <> (uprobe "main.b")\n  (= @b 2))',
  ],
  ['', ''],
];

t.test('foundation subset parses to the expected AST', async (t) => {
  for (const [src, want] of cases) t.equal(sexpr(src), want, src);
});

t.test('both forms of the mission one-liner give the same program', async (t) => {
  const a = parseText('uprobe:main.handle < @lat[goid] = elapsed >').program!;
  const b = parseText('uprobe:main.handle { @lat[goid] = elapsed; }').program!;
  t.equal(a.probes[0].blockStyle, 'angle');
  t.equal(b.probes[0].blockStyle, 'brace');
  const strip = (x: unknown): unknown =>
    JSON.parse(
      JSON.stringify(x, (k, v) =>
        k === 'span' || k === 'blockStyle' || k === 'file' ? undefined : typeof v === 'bigint' ? v.toString() : v,
      ),
    );
  t.same(strip(a), strip(b));
});

t.test('spans point at the source text', async (t) => {
  const src = 'uprobe:main.handle < @lat[goid] = elapsed >';
  const p = parseText(src).program!;
  const probe = p.probes[0];
  const text = (s: { start: number; end: number }) => src.slice(s.start, s.end);
  t.equal(text(probe.span), src);
  t.equal(text(probe.specs[0].span), 'uprobe:main.handle');
  const st = probe.body[0];
  t.equal(text(st.span), '@lat[goid] = elapsed');
  if (st.kind !== 'AssignStmt') throw new Error('not an assignment');
  t.equal(text(st.target.span), '@lat[goid]');
  t.equal(text(st.value.span), 'elapsed');
});
