// The two rules for the target's bytes (runtime/escape.ts), against what Go's %q prints.
import t from 'tap';
import { bareText, bufferBytes, goQuote } from '../../runtime/escape.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const u = (s: string) => Buffer.from(s, 'utf8');

t.test('goQuote is fmt.Sprintf("%q")', async (t) => {
  // [bytes, what Go 1.19 prints for fmt.Printf("%q", string(bytes))]
  const cases: [Buffer, string][] = [
    [u('plain'), '"plain"'],
    [b('a\x00b'), '"a\\x00b"'],
    [b('\x1b[2J'), '"\\x1b[2J"'],
    [b('\x07\x08\x0c\n\r\t\x0b'), '"\\a\\b\\f\\n\\r\\t\\v"'],
    [b('bad\xff\xfe'), '"bad\\xff\\xfe"'],
    [b('\xc3'), '"\\xc3"'], // a sequence cut short
    [b('\xc0\xaf'), '"\\xc0\\xaf"'], // overlong
    [b('\xed\xa0\x80'), '"\\xed\\xa0\\x80"'], // a surrogate
    [u('é 世界 🙂'), '"é 世界 🙂"'],
    [u('"\\'), '"\\"\\\\"'],
    [u('\x7f\u0085\u00a0\u200b'), '"\\x7f\\u0085\\u00a0\\u200b"'],
    [u('\u{e0001}'), '"\\U000e0001"'],
    [u(''), '""'],
  ];
  for (const [bytes, want] of cases) t.equal(goQuote(bytes), want, JSON.stringify(bytes.toString('latin1')));
});

t.test('bareText keeps printable text as bpftrace prints it and escapes the rest', async (t) => {
  t.equal(bareText(u('GET /index.html?q=1 "x" \\ é')), 'GET /index.html?q=1 "x" \\ é');
  t.equal(bareText(b('clear\x1b[2J\x00\n')), 'clear\\x1b[2J\\x00\\n');
  t.equal(bareText(b('\xff')), '\\xff');
});

t.test('a buffer ends at its last non-NUL byte, so NULs inside a string stay', async (t) => {
  t.same([...bufferBytes(b('a\x00b\x00\x00\x00'))], [0x61, 0, 0x62]);
  t.same([...bufferBytes(b('\x00\x00'))], []);
  t.same([...bufferBytes(b('abc'))], [0x61, 0x62, 0x63]);
});
