// The `< >` block form and its corner cases. The rule (parser.ts, README.md): at the top of an
// angle block, a `>` is a comparison only when the next token can start an operand; otherwise it
// closes the block. Inside ( ), [ ] and nested { }, `>` is always a comparison; `>=`, `>>`, `>>=`
// are never affected. Rows starting with `!` are the expected diagnostics.
import t from 'tap';
import { sexpr } from './helpers.js';

const cases: [string, string][] = [
  [
    'uprobe:main.handle < @lat[goid] = elapsed >',
    `(probe <> (uprobe "main.handle")
  (= (@lat goid) elapsed))`,
  ],
  [
    'uprobe:f < @x = a > b >',
    `(probe <> (uprobe "f")
  (= @x (> a b)))`,
  ],
  [
    'uprobe:f < @x = a > b; >',
    `(probe <> (uprobe "f")
  (= @x (> a b)))`,
  ],
  [
    'uprobe:f < @x = a > b; @y = 1 >',
    `(probe <> (uprobe "f")
  (= @x (> a b))
  (= @y 1))`,
  ],
  [
    'uprobe:f < @x = (a > b) >',
    `(probe <> (uprobe "f")
  (= @x (> a b)))`,
  ],
  [
    'uprobe:f < if (a > b) { @x = 1 } >',
    `(probe <> (uprobe "f")
  (if (> a b)
    (then
      (= @x 1))))`,
  ],
  [
    'uprobe:f < if (a) { @x = b > c } >',
    `(probe <> (uprobe "f")
  (if a
    (then
      (= @x (> b c)))))`,
  ],
  [
    'uprobe:f < while ($i > 0) { $i-- } >',
    `(probe <> (uprobe "f")
  (while (> $i 0)
    (-- $i)))`,
  ],
  [
    'uprobe:f < @x = a >= b >',
    `(probe <> (uprobe "f")
  (= @x (>= a b)))`,
  ],
  [
    'uprobe:f < @x = a >> 2 >',
    `(probe <> (uprobe "f")
  (= @x (>> a 2)))`,
  ],
  [
    'uprobe:f < @x >>= 2 >',
    `(probe <> (uprobe "f")
  (>>= @x 2))`,
  ],
  [
    'uprobe:f < @x = a < b >',
    `(probe <> (uprobe "f")
  (= @x (< a b)))`,
  ],
  [
    'uprobe:f < @x = a > -1 >',
    `(probe <> (uprobe "f")
  (= @x (> a (neg 1))))`,
  ],
  [
    'uprobe:f < @x = a > !b >',
    `(probe <> (uprobe "f")
  (= @x (> a (! b))))`,
  ],
  [
    'uprobe:f < @x = a > (b) >',
    `(probe <> (uprobe "f")
  (= @x (> a b)))`,
  ],
  [
    'uprobe:f < @m[a > b] = 1 >',
    `(probe <> (uprobe "f")
  (= (@m (> a b)) 1))`,
  ],
  [
    'uprobe:f < @x = f(a > b) >',
    `(probe <> (uprobe "f")
  (= @x (call f (> a b))))`,
  ],
  [
    'uprobe:f < @x = c ? a > b : d >',
    `(probe <> (uprobe "f")
  (= @x (? c (> a b) d)))`,
  ],
  [
    'uprobe:f < @x = 1 >\nuprobe:g < @y = 2 >',
    `(probe <> (uprobe "f")
  (= @x 1))
(probe <> (uprobe "g")
  (= @y 2))`,
  ],
  [
    'uprobe:f < @x = 1 > uprobe:g { @y = 2 }',
    `(probe <> (uprobe "f")
  (= @x 1))
(probe {} (uprobe "g")
  (= @y 2))`,
  ],
  [
    'uprobe:f < @x = 1 > BEGIN { }',
    `(probe <> (uprobe "f")
  (= @x 1))
(probe {} BEGIN)`,
  ],
  [
    'uprobe:f < @x = 1 > END { }',
    `(probe <> (uprobe "f")
  (= @x 1))
(probe {} END)`,
  ],
  [
    'uprobe:f < @x = 1 > interval:s:1 { }',
    `(probe <> (uprobe "f")
  (= @x 1))
(probe {} (interval s 1))`,
  ],
  [
    'uprobe:f < @x = 1 >u:g < @y = 2 >',
    `(probe <> (uprobe "f")
  (= @x 1))
(probe <> (uprobe "g")
  (= @y 2))`,
  ],
  [
    'uprobe:f < @x = 1 >, uprobe:g { }',
    `!stdin:1:20-21: ERROR: syntax error: expected a probe but found ','
uprobe:f < @x = 1 >, uprobe:g { }
                   ~
`,
  ],
  [
    'uprobe:f <@x=1>',
    `(probe <> (uprobe "f")
  (= @x 1))`,
  ],
  [
    'uprobe:f < @x++ >',
    `(probe <> (uprobe "f")
  (++ @x))`,
  ],
  [
    'uprobe:f < $x = 1; @y = $x >',
    `(probe <> (uprobe "f")
  (= $x 1)
  (= @y $x))`,
  ],
  [
    'uprobe:f < return >',
    `(probe <> (uprobe "f")
  (return))`,
  ],
  ['uprobe:f < >', '(probe <> (uprobe "f"))'],
  [
    'uprobe:f /pid > 1/ < @x = 1 >',
    `(probe <> (uprobe "f") (pred (> pid 1))
  (= @x 1))`,
  ],
  [
    'uprobe:f < { @x = a > b } >',
    `(probe <> (uprobe "f")
  (block
    (= @x (> a b))))`,
  ],
  [
    'uprobe:f < @x = a > b > c >',
    `(probe <> (uprobe "f")
  (= @x (> (> a b) c)))`,
  ],
  [
    'uprobe:f < @x = 1 > > ',
    `!stdin:1:21-22: ERROR: syntax error: expected a probe but found '>'
uprobe:f < @x = 1 > > 
                    ~
HINT: the '>' at 1:19 closed the < > block (no operand follows it); to compare, write (a > b)
`,
  ],
  [
    'uprobe:f < @x = a > ; >',
    `!stdin:1:21-22: ERROR: syntax error: expected a probe but found ';'
uprobe:f < @x = a > ; >
                    ~
HINT: the '>' at 1:19 closed the < > block (no operand follows it); to compare, write (a > b)
`,
  ],
  [
    'uprobe:f < @x = 1 > foo',
    `!stdin:1:24-25: ERROR: syntax error: expected ';' or '>' but found end of input
uprobe:f < @x = 1 > foo
                       ~
HINT: the '>' at 1:19 compares (an operand follows it); inside < >, write (a > b) or use { }
`,
  ],
];

t.test('angle blocks', async (t) => {
  for (const [src, want] of cases) t.equal(sexpr(src), want, src);
});
