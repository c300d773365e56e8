// Expressions: literals (bases, separators, durations, string escapes), names, maps, calls,
// tuples, casts, unary and binary operators with C precedence and associativity, ternary, field
// access and indexing. Each row is the expression on the right of `$e = ...`.
import t from 'tap';
import { printExpr } from '../../grammar/print-ast.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { parseText } from './helpers.js';

function expr(src: string): string {
  const r = parseText(`uprobe:f { $e = ${src} }`);
  const s = r.program?.probes[0].body[0];
  if (!s || s.kind !== 'AssignStmt') return '!' + renderDiagnostics(r.diagnostics);
  return printExpr(s.value);
}

const cases: [string, string][] = [
  ['42', '42'],
  ['0', '0'],
  ['0x1F', '31'],
  ['0XfF', '255'],
  ['0o17', '15'],
  ['017', '15'],
  ['0b1010', '10'],
  ['0B11', '3'],
  ['1_000_000', '1000000'],
  ['0xdead_beef', '3735928559'],
  ['18446744073709551615', '18446744073709551615'],
  ['5ns', '5'],
  ['5us', '5000'],
  ['5ms', '5000000'],
  ['5s', '5000000000'],
  ['1_500ms', '1500000000'],
  ['0x10s', '16000000000'],
  ['"plain"', '"plain"'],
  ['"a\\nb\\tc\\\\d\\"e"', '"a\\nb\\tc\\\\d\\"e"'],
  ['"\\x41\\x7a"', '"Az"'],
  ['"\\r\\0\\\'"', '"\\r\\u0000\'"'],
  ['""', '""'],
  ['true', 'true'],
  ['false', 'false'],
  ['nil', 'nil'],
  ['pid', 'pid'],
  ['goid', 'goid'],
  ['elapsed', 'elapsed'],
  ['arg0', 'arg0'],
  ['arg8', 'arg8'],
  ['retval', 'retval'],
  ['ustack', 'ustack'],
  ['anything_else', 'anything_else'],
  ['$x', '$x'],
  ['$1', '$1'],
  ['$10', '$10'],
  ['$#', '$#'],
  ['@m', '@m'],
  ['@', '@'],
  ['@m[1]', '(@m 1)'],
  ['@m[pid, comm]', '(@m pid comm)'],
  ['count()', '(call count)'],
  ['hist(elapsed)', '(call hist elapsed)'],
  ['lhist(x, 0, 100, 10)', '(call lhist x 0 100 10)'],
  ['str(args.s, 16)', '(call str (. args s) 16)'],
  ['(a, b)', '(tuple a b)'],
  ['(a, (b, c))', '(tuple a (tuple b c))'],
  ['(a)', 'a'],
  ['((a))', 'a'],
  ['(uint32)x', '(cast uint32 x)'],
  ['(int8)x', '(cast int8 x)'],
  ['(int16)x', '(cast int16 x)'],
  ['(int64)x', '(cast int64 x)'],
  ['(uint8)x', '(cast uint8 x)'],
  ['(uint16)x', '(cast uint16 x)'],
  ['(uint64)x', '(cast uint64 x)'],
  ['(u8)x', '(cast u8 x)'],
  ['(u16)x', '(cast u16 x)'],
  ['(u32)x', '(cast u32 x)'],
  ['(u64)x', '(cast u64 x)'],
  ['(s8)x', '(cast s8 x)'],
  ['(s16)x', '(cast s16 x)'],
  ['(s32)x', '(cast s32 x)'],
  ['(s64)x', '(cast s64 x)'],
  ['(u32)-1', '(cast u32 (neg 1))'],
  ['(u64)(a + b)', '(cast u64 (+ a b))'],
  ['(u32)x + 1', '(+ (cast u32 x) 1)'],
  ['-(u32)x', '(neg (cast u32 x))'],
  // Go pointer casts bind like a call: the fields and indexes after them apply to the cast.
  ['(*net/http.Request)(arg3).URL.Path', '(. (. (cast *net/http.Request arg3) URL) Path)'],
  ['(*main.T)(arg0 + 8)[2]', '([] (cast *main.T (+ arg0 8)) 2)'],
  ['(*github.com/a/b.T)($p)', '(cast *github.com/a/b.T $p)'],
  ['(a * b)', '(* a b)'],
  ['-x', '(neg x)'],
  ['!x', '(! x)'],
  ['~x', '(~ x)'],
  ['--x', "!stdin:1:17-19: ERROR: syntax error: expected an expression but found '--'\nuprobe:f { $e = --x }\n                ~~\n"],
  ['- -x', '(neg (neg x))'],
  ['!!x', '(! (! x))'],
  ['-x * y', '(* (neg x) y)'],
  ['-@m[1]', '(neg (@m 1))'],
  ['a * b / c % d', '(% (/ (* a b) c) d)'],
  ['a + b - c', '(- (+ a b) c)'],
  ['a << b >> c', '(>> (<< a b) c)'],
  ['a < b', '(< a b)'],
  ['a <= b', '(<= a b)'],
  ['a > b', '(> a b)'],
  ['a >= b', '(>= a b)'],
  ['a == b', '(== a b)'],
  ['a != b', '(!= a b)'],
  ['a & b', '(& a b)'],
  ['a ^ b', '(^ a b)'],
  ['a | b', '(| a b)'],
  ['a && b', '(&& a b)'],
  ['a || b', '(|| a b)'],
  ['a + b * c', '(+ a (* b c))'],
  ['(a + b) * c', '(* (+ a b) c)'],
  ['a << 1 + 2', '(<< a (+ 1 2))'],
  ['a < b == c > d', '(== (< a b) (> c d))'],
  ['a & b == c', '(& a (== b c))'],
  ['a | b ^ c & d', '(| a (^ b (& c d)))'],
  ['a || b && c', '(|| a (&& b c))'],
  ['a && b | c', '(&& a (| b c))'],
  ['a - b - c', '(- (- a b) c)'],
  ['a / b / c', '(/ (/ a b) c)'],
  [
    '1 + 2 * 3 - 4 / 2 % 3 << 1 >> 2 < 5 <= 6 > 7 >= 8 == 9 != 10 & 11 ^ 12 | 13 && 14 || 15',
    '(|| (&& (| (^ (& (!= (== (>= (> (<= (< (>> (<< (- (+ 1 (* 2 3)) (% (/ 4 2) 3)) 1) 2) 5) 6) 7) 8) 9) 10) 11) 12) 13) 14) 15)',
  ],
  ['c ? a : b', '(? c a b)'],
  ['c ? a : d ? e : f', '(? c a (? d e f))'],
  ['a || b ? c + 1 : d', '(? (|| a b) (+ c 1) d)'],
  ['c ? (x ? y : z) : w', '(? c (? x y z) w)'],
  ['args.req.URL.Path', '(. (. (. args req) URL) Path)'],
  ['args.buf[3]', '([] (. args buf) 3)'],
  ['args.a[1].b[2]', '([] (. ([] (. args a) 1) b) 2)'],
  ['args.interval', '(. args interval)'],
  ['args.END', '(. args END)'],
  ['args.if', '(. args if)'],
  ['args.u8', '(. args u8)'],
  ['$t.0', '(. $t 0)'],
  ['@m[k].f', '(. (@m k) f)'],
  ['f(x).y', '(. (call f x) y)'],
  ['retval.err', '(. retval err)'],
  ['(a + b).c', '(. (+ a b) c)'],
  ['arg0 + arg1 * 2 > 100 && !(pid == 1)', '(&& (> (+ arg0 (* arg1 2)) 100) (! (== pid 1)))'],
];

t.test('expressions', async (t) => {
  for (const [src, want] of cases) t.equal(expr(src), want, src);
});

t.test('literal details', async (t) => {
  const lit = (src: string) => {
    const s = parseText(`uprobe:f { $e = ${src} }`).program!.probes[0].body[0];
    return s.kind === 'AssignStmt' ? s.value : undefined;
  };
  t.same(lit('0x1F'), { kind: 'IntLit', value: 31n, text: '0x1F', span: lit('0x1F')!.span }, 'IntLit keeps its text');
  t.equal((lit('5ms') as { value: bigint }).value, 5_000_000n);
  t.equal((lit('"\\\\x41"') as { value: string }).value, '\\x41', 'an escaped backslash is not an escape');
  t.same(lit('$#'), { kind: 'Positional', index: '#', span: lit('$#')!.span });
  t.same(lit('$3'), { kind: 'Positional', index: 3, span: lit('$3')!.span });
});
