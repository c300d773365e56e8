// Diagnostics, esbuild's expectParseError style: source → whether the parse is `incomplete` →
// the exact rendered text (code on its own line, then bpftrace's format). Covers every GT1xxx
// code except GT1999 (the internal-error safety net, which the property test asserts never
// appears), several errors in one input, and end-of-input errors for the REPL.
import t from 'tap';
import { catalog } from '../../grammar/catalog/index.js';
import { lexCases } from './diagnostic-cases-lex.js';
import { parseCases } from './diagnostic-cases-parse.js';
import { diagnosticsText, parseText } from './helpers.js';

const cases = [...parseCases, ...lexCases];

t.test('diagnostics render exactly', async (t) => {
  for (const [src, incomplete, want] of cases) {
    t.equal(diagnosticsText(src), want, src);
    t.equal(parseText(src).incomplete, incomplete, `incomplete: ${src}`);
    t.equal(parseText(src).program, undefined, `no program: ${src}`);
  }
});

t.test('every grammar code is exercised', async (t) => {
  const seen = new Set(cases.flatMap(([, , text]) => text.match(/^GT\d{4}$/gm) ?? []));
  for (const code of Object.keys(catalog)) if (code.startsWith('GT1') && code !== 'GT1999') t.ok(seen.has(code), `${code} has a test`);
});

t.test('several errors are reported in one run', async (t) => {
  const r = parseText('uprobe:f { @x = 1 @y = 2 } uprobe:g { $x = ; } garbage here uprobe:h { @z = (1 }');
  t.equal(r.diagnostics.length, 4);
  t.same(
    r.diagnostics.map((d) => d.span?.start),
    [18, 43, 47, 79],
  );
});

t.test('incomplete: the REPL keeps reading', async (t) => {
  for (const src of [
    'uprobe:main.f {',
    'uprobe:main.f { @x = ',
    'uprobe:main.f <',
    'uprobe:main.f { if (a > b) {',
    'BEGIN { printf("a",',
    'uprobe:f /* more',
    'uprobe:main.f {\n  @x = 1;\n',
  ])
    t.equal(parseText(src).incomplete, true, src);
  for (const src of [
    'uprobe:main.f { @x = }',
    'uprobe:main.f }',
    'uprobe:f { @x = "open\n',
    'uprobe:main.f { @x = 1 }',
    '',
    'uprobe { ',
    'uprobe:main.f { @x = 1 @y',
  ])
    t.equal(parseText(src).incomplete, false, src);
});

t.test('diagnostics carry severity, code and a span inside the file', async (t) => {
  const src = 'uprobe:f { @x = 1 @y = 2 }';
  const [d] = parseText(src).diagnostics;
  t.equal(d.severity, 'error');
  t.equal(d.code, 'GT1001');
  t.equal(d.message, "syntax error: expected ';' or '}' but found '@y'");
  t.same([d.span?.start, d.span?.end], [18, 20]);
});
