// Statements: assignments (plain and compound, maps with keys, anonymous map, variables),
// ++/--, if/else if/else, while, unroll, return, nested blocks, calls, separators.
import t from 'tap';
import { sexpr } from './helpers.js';

const cases: [string, string][] = [
  [
    'uprobe:f { @m[k1, k2] = e }',
    `(probe {} (uprobe "f")
  (= (@m k1 k2) e))`,
  ],
  [
    'uprobe:f { @m = e }',
    `(probe {} (uprobe "f")
  (= @m e))`,
  ],
  [
    'uprobe:f { @ = e }',
    `(probe {} (uprobe "f")
  (= @ e))`,
  ],
  [
    'uprobe:f { @[pid] = count() }',
    `(probe {} (uprobe "f")
  (= (@ pid) (call count)))`,
  ],
  [
    'uprobe:f { $var = e }',
    `(probe {} (uprobe "f")
  (= $var e))`,
  ],
  [
    'uprobe:f { $x += 1; $x -= 1; $x *= 2; $x /= 2; $x %= 3; $x &= 4; $x |= 5; $x ^= 6; $x <<= 7; $x >>= 8 }',
    `(probe {} (uprobe "f")
  (+= $x 1)
  (-= $x 1)
  (*= $x 2)
  (/= $x 2)
  (%= $x 3)
  (&= $x 4)
  (|= $x 5)
  (^= $x 6)
  (<<= $x 7)
  (>>= $x 8))`,
  ],
  [
    'uprobe:f { @m[k] += 1 }',
    `(probe {} (uprobe "f")
  (+= (@m k) 1))`,
  ],
  [
    'uprobe:f { @m++; @m--; ++@m; --@m; $x++; $x--; ++$x; --$x }',
    `(probe {} (uprobe "f")
  (++ @m)
  (-- @m)
  (++ @m)
  (-- @m)
  (++ $x)
  (-- $x)
  (++ $x)
  (-- $x))`,
  ],
  [
    'uprobe:f { @m[pid]++; ++@m[pid, tid] }',
    `(probe {} (uprobe "f")
  (++ (@m pid))
  (++ (@m pid tid)))`,
  ],
  [
    'uprobe:f { if (c) { @a = 1 } }',
    `(probe {} (uprobe "f")
  (if c
    (then
      (= @a 1))))`,
  ],
  [
    'uprobe:f { if (c) { @a = 1 } else { @a = 2 } }',
    `(probe {} (uprobe "f")
  (if c
    (then
      (= @a 1))
    (else
      (= @a 2))))`,
  ],
  [
    'uprobe:f { if (c) { @a = 1 } else if (d) { @a = 2 } else { @a = 3 } }',
    `(probe {} (uprobe "f")
  (if c
    (then
      (= @a 1))
    (else
      (if d
        (then
          (= @a 2))
        (else
          (= @a 3))))))`,
  ],
  [
    'uprobe:f { if (c) { } @x = 1 }',
    `(probe {} (uprobe "f")
  (if c
    (then))
  (= @x 1))`,
  ],
  [
    'uprobe:f { if (c) { }; @x = 1; }',
    `(probe {} (uprobe "f")
  (if c
    (then))
  (= @x 1))`,
  ],
  [
    'uprobe:f { unroll(3) { @x++ } }',
    `(probe {} (uprobe "f")
  (unroll 3
    (++ @x)))`,
  ],
  [
    'uprobe:f { while ($i < 10) { $i++; } }',
    `(probe {} (uprobe "f")
  (while (< $i 10)
    (++ $i)))`,
  ],
  [
    'uprobe:f { return }',
    `(probe {} (uprobe "f")
  (return))`,
  ],
  [
    'uprobe:f { if (pid != 1) { return; } @x = 1 }',
    `(probe {} (uprobe "f")
  (if (!= pid 1)
    (then
      (return)))
  (= @x 1))`,
  ],
  [
    'uprobe:f { { $x = 1 } { } }',
    `(probe {} (uprobe "f")
  (block
    (= $x 1))
  (block))`,
  ],
  [
    'uprobe:f { delete(@m[k]) }',
    `(probe {} (uprobe "f")
  (call delete (@m k)))`,
  ],
  [
    'uprobe:f { delete(@m[k1, k2]); clear(@m); exit() }',
    `(probe {} (uprobe "f")
  (call delete (@m k1 k2))
  (call clear @m)
  (call exit))`,
  ],
  [
    'uprobe:f { printf("%d %s\\n", pid, comm) }',
    `(probe {} (uprobe "f")
  (call printf "%d %s\\n" pid comm))`,
  ],
  [
    'uprobe:f { ;;; @x = 1;; }',
    `(probe {} (uprobe "f")
  (= @x 1))`,
  ],
  [
    'uprobe:f { count() }',
    `(probe {} (uprobe "f")
  (call count))`,
  ],
  [
    'uprobe:f { @x = 1; }',
    `(probe {} (uprobe "f")
  (= @x 1))`,
  ],
  [
    'uprobe:f { $t = (1, 2); @x = $t.1 }',
    `(probe {} (uprobe "f")
  (= $t (tuple 1 2))
  (= @x (. $t 1)))`,
  ],
];

t.test('statements', async (t) => {
  for (const [src, want] of cases) t.equal(sexpr(src), want, src);
});
