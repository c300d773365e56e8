// Lexer level: how source splits into tokens (probe targets above all), and literal decoding.
import t from 'tap';
import { decodeInt, decodeString } from '../../grammar/literals.js';
import { gotraceLexer } from '../../grammar/tokens.js';

const tokens = (src: string) =>
  gotraceLexer
    .tokenize(src)
    .tokens.map((tk) => `${tk.tokenType.name}:${tk.image}`)
    .join(' ');

const lexCases: [string, string][] = [
  // A probe target runs to whitespace, `,`, `{`, `}`, `<`, `>`, `;`, a quote or a comment...
  ['uprobe:net/http.(*conn).serve{', 'ProbeTarget:uprobe:net/http.(*conn).serve LCurly:{'],
  ['uprobe:main.f<@x', 'ProbeTarget:uprobe:main.f Less:< MapName:@x'],
  ['uprobe:a,uprobe:b', 'ProbeTarget:uprobe:a Comma:, ProbeTarget:uprobe:b'],
  ['uprobe:main.f// c', 'ProbeTarget:uprobe:main.f'],
  ['uprobe:main.f/* c */{', 'ProbeTarget:uprobe:main.f LCurly:{'],
  // ...except inside [...], where generic instantiations may hold `,` and spaces.
  ['uprobe:main.Map[go.shape.int,go.shape.string] {', 'ProbeTarget:uprobe:main.Map[go.shape.int,go.shape.string] LCurly:{'],
  ['uprobe:main.F[go.shape.struct { a int }] {', 'ProbeTarget:uprobe:main.F[go.shape.struct { a int }] LCurly:{'],
  // An unbalanced `[` is an ordinary character.
  ['uprobe:main.F[x {', 'ProbeTarget:uprobe:main.F[x LCurly:{'],
  ['uprobe:/usr/bin/app:main.f /pid/', 'ProbeTarget:uprobe:/usr/bin/app:main.f Slash:/ Identifier:pid Slash:/'],
  ['uretprobe:main.f ur:main.g u:main.h', 'ProbeTarget:uretprobe:main.f ProbeTarget:ur:main.g ProbeTarget:u:main.h'],
  // The short aliases only where a probe can start: not in a ternary.
  ['c ? u:v', 'Identifier:c Question:? Identifier:u Colon:: Identifier:v'],
  ['c ? ur:v', 'Identifier:c Question:? Identifier:ur Colon:: Identifier:v'],
  ['} u:main.f', 'RCurly:} ProbeTarget:u:main.f'],
  ['> ur:main.f', 'Greater:> ProbeTarget:ur:main.f'],
  ['uprobe', 'Identifier:uprobe'],
  ['uprobe:', 'ProbeTarget:uprobe:'],
  // Keywords need the whole word; field names may be keywords.
  [
    'BEGIN BEGINX interval intervals u8 u8x uint32 int',
    'Begin:BEGIN Identifier:BEGINX Interval:interval Identifier:intervals IntType:u8 Identifier:u8x IntType:uint32 Identifier:int',
  ],
  ['@ @x @1 $x $1 $# $_', 'MapName:@ MapName:@x MapName:@1 VarName:$x Positional:$1 Positional:$# VarName:$_'],
  [
    'a>>=b<<=c>=d<=e',
    'Identifier:a ShrAssign:>>= Identifier:b ShlAssign:<<= Identifier:c GreaterEq:>= Identifier:d LessEq:<= Identifier:e',
  ],
  ['x++ - --y', 'Identifier:x PlusPlus:++ Minus:- MinusMinus:-- Identifier:y'],
  ['12abc 5ms 0x1f', 'IntLit:12abc IntLit:5ms IntLit:0x1f'],
  ['"a\\"b" "c', 'StringLit:"a\\"b" UnterminatedString:"c'],
  ["'a'", "SingleQuoted:'a'"],
];

t.test('tokens', async (t) => {
  for (const [src, want] of lexCases) t.equal(tokens(src), want, src);
});

t.test('shebang only on the first line', async (t) => {
  const r = gotraceLexer.tokenize('#!/usr/bin/env gotrace\nBEGIN {}');
  t.equal(r.groups.meta?.[0]?.image, '#!/usr/bin/env gotrace');
  t.equal(gotraceLexer.tokenize('BEGIN {}\n#!x').errors.length, 1);
});

const ints: [string, bigint | 'invalid' | 'range'][] = [
  ['0', 0n],
  ['42', 42n],
  ['1_000', 1000n],
  ['0x1F', 31n],
  ['0XFF', 255n],
  ['0xdead_beef', 0xdeadbeefn],
  ['0o17', 15n],
  ['0O7', 7n],
  ['017', 15n],
  ['00', 0n],
  ['0b101', 5n],
  ['0B1', 1n],
  ['5ns', 5n],
  ['5us', 5000n],
  ['5ms', 5000000n],
  ['5s', 5000000000n],
  ['0x10s', 16000000000n],
  ['18446744073709551615', 18446744073709551615n],
  ['0xffffffffffffffff', 18446744073709551615n],
  ['18446744073709551616', 'range'],
  ['0x1_0000_0000_0000_0000', 'range'],
  ['18446744074s', 'range'],
  ['09', 'invalid'],
  ['08', 'invalid'],
  ['1__0', 'invalid'],
  ['1_', 'invalid'],
  ['0x_1', 'invalid'],
  ['0x', 'invalid'],
  ['0b2', 'invalid'],
  ['0o8', 'invalid'],
  ['12abc', 'invalid'],
  ['1e9', 'invalid'],
  ['5m', 'invalid'],
  ['5sec', 'invalid'],
];

t.test('integer literals', async (t) => {
  for (const [text, want] of ints) {
    const r = decodeInt(text);
    t.same(r.ok ? r.value : r.reason, want, text);
  }
});

const strings: [string, string, string?][] = [
  ['"plain"', 'plain'],
  ['"a\\nb\\tc\\rd"', 'a\nb\tc\rd'],
  ['"\\\\ \\" \\\' \\0"', '\\ " \' \0'],
  ['"\\x41\\x7A\\x00"', 'Az\0'],
  ['"\\q"', 'q', '\\q'],
  ['"ok \\x4g"', 'ok x4g', '\\x4'],
  ['"\\x"', 'x', '\\x'],
];

t.test('string literals', async (t) => {
  for (const [image, value, bad] of strings) {
    const r = decodeString(image, true);
    t.equal(r.value, value, image);
    t.equal(r.ok ? undefined : r.badEscape.text, bad, `${image} escape`);
  }
  t.equal(decodeString('"open', false).value, 'open', 'unterminated: no closing quote to drop');
});
