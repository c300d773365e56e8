// Probe specs: every form of uprobe/uretprobe target (Go symbols as Go prints them, paths,
// wildcards, generics), aliases, several specs per block, predicates, BEGIN/END, interval/profile,
// shebang and comments. Expected ASTs in the S-expression form of grammar/print-ast.ts.
import t from 'tap';
import { sexpr } from './helpers.js';

const cases: [string, string][] = [
  ['uprobe:main.handle {}', '(probe {} (uprobe "main.handle"))'],
  ['uretprobe:main.handle {}', '(probe {} (uretprobe "main.handle"))'],
  ['u:main.handle {}', '(probe {} (uprobe "main.handle"))'],
  ['ur:main.handle {}', '(probe {} (uretprobe "main.handle"))'],
  ['uprobe:net/http.(*conn).serve {}', '(probe {} (uprobe "net/http.(*conn).serve"))'],
  ['uprobe:main.(*Server).Handle {}', '(probe {} (uprobe "main.(*Server).Handle"))'],
  ['uprobe:main.Map[...] {}', '(probe {} (uprobe "main.Map[...]"))'],
  ['uprobe:main.main.func1 {}', '(probe {} (uprobe "main.main.func1"))'],
  ['uprobe:main.Map[go.shape.int] {}', '(probe {} (uprobe "main.Map[go.shape.int]"))'],
  ['uprobe:main.Map[go.shape.int,go.shape.string] {}', '(probe {} (uprobe "main.Map[go.shape.int,go.shape.string]"))'],
  ['uprobe:main.F[go.shape.struct { a int }] {}', '(probe {} (uprobe "main.F[go.shape.struct { a int }]"))'],
  ['uprobe:main.* {}', '(probe {} (uprobe "main.*"))'],
  ['uprobe:net/http.(*conn).* {}', '(probe {} (uprobe "net/http.(*conn).*"))'],
  ['uprobe:github.com/foo-bar/baz.(*T).M {}', '(probe {} (uprobe "github.com/foo-bar/baz.(*T).M"))'],
  ['uprobe:/usr/bin/app:main.handle {}', '(probe {} (uprobe "/usr/bin/app" "main.handle"))'],
  ['uprobe:./app:main.handle {}', '(probe {} (uprobe "./app" "main.handle"))'],
  ['uprobe:../bin/app:net/http.(*conn).serve {}', '(probe {} (uprobe "../bin/app" "net/http.(*conn).serve"))'],
  ['ur:/usr/bin/app:main.f {}', '(probe {} (uretprobe "/usr/bin/app" "main.f"))'],
  ['uprobe:main.a,uprobe:main.b {}', '(probe {} (uprobe "main.a") (uprobe "main.b"))'],
  ['uprobe:main.a, uretprobe:main.b, u:main.c {}', '(probe {} (uprobe "main.a") (uretprobe "main.b") (uprobe "main.c"))'],
  [
    'uprobe:main.f<@x = 1>',
    `(probe <> (uprobe "main.f")
  (= @x 1))`,
  ],
  [
    'uprobe:main.f{@x = 1}',
    `(probe {} (uprobe "main.f")
  (= @x 1))`,
  ],
  [
    'uprobe:main.f /pid == 42/ { @x = 1 }',
    `(probe {} (uprobe "main.f") (pred (== pid 42))
  (= @x 1))`,
  ],
  [
    'uprobe:main.f /pid == 42/ < @x = 1 >',
    `(probe <> (uprobe "main.f") (pred (== pid 42))
  (= @x 1))`,
  ],
  ['uprobe:main.f /arg0 / 2 > 1/ {}', '(probe {} (uprobe "main.f") (pred (> (/ arg0 2) 1)))'],
  ['uprobe:main.f /(arg0 / 2) == 1/ {}', '(probe {} (uprobe "main.f") (pred (== (/ arg0 2) 1)))'],
  [
    'BEGIN { printf("start\\n") }',
    `(probe {} BEGIN
  (call printf "start\\n"))`,
  ],
  [
    'END { print(@x) }',
    `(probe {} END
  (call print @x))`,
  ],
  ['BEGIN, END {}', '(probe {} BEGIN END)'],
  [
    'interval:s:1 { print(@x) }',
    `(probe {} (interval s 1)
  (call print @x))`,
  ],
  ['interval:ms:100 {}', '(probe {} (interval ms 100))'],
  ['interval:us:500 {}', '(probe {} (interval us 500))'],
  [
    'profile:hz:99 { @[ustack] = count() }',
    `(probe {} (profile hz 99)
  (= (@ ustack) (call count)))`,
  ],
  [
    '#!/usr/bin/env gotrace\nBEGIN {}',
    `(shebang "#!/usr/bin/env gotrace")
(probe {} BEGIN)`,
  ],
  [
    '// leading comment\nuprobe:main.f { /* inline */ @x = 1 } // trailing',
    `(probe {} (uprobe "main.f")
  (= @x 1))`,
  ],
  ['/* block\n comment */ uprobe:main.f {}', '(probe {} (uprobe "main.f"))'],
  [
    'uprobe:main.f { @x = 1 }\n\nuretprobe:main.f { @y = 2 }',
    `(probe {} (uprobe "main.f")
  (= @x 1))
(probe {} (uretprobe "main.f")
  (= @y 2))`,
  ],
  [
    'uprobe:main.f { @x = c ? u:v }',
    `(probe {} (uprobe "main.f")
  (= @x (? c u v)))`,
  ],
  [
    'uprobe:main.f { @x = c ? ur:v }',
    `(probe {} (uprobe "main.f")
  (= @x (? c ur v)))`,
  ],
];

t.test('probe specs', async (t) => {
  for (const [src, want] of cases) t.equal(sexpr(src), want, src);
});
