// The diagnostics catalog itself: docs/diagnostics.md is the generated table, codes sit in their
// range's file, retired codes stay retired, placeholders are plain names, diag() fills them.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { catalog, diag, placeholders, retired, type Code } from '../../grammar/catalog/index.js';
import { binaryCodes } from '../../grammar/catalog/binary.js';
import { checkCodes } from '../../grammar/catalog/check.js';
import { grammarCodes } from '../../grammar/catalog/grammar.js';
import { runtimeCodes } from '../../grammar/catalog/runtime.js';
import { renderDiagnosticsDoc } from '../../tools/diagnostics-doc.js';
import { repoRoot } from '../helpers/go.js';

t.test('docs/diagnostics.md is the table generated from the catalog', async (t) => {
  const file = path.join(repoRoot, 'docs', 'diagnostics.md');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  // N.B. compared whole: run `npm run docs:diagnostics` after changing a row, and commit.
  t.equal(current, renderDiagnosticsDoc(), 'docs/diagnostics.md is up to date (npm run docs:diagnostics)');
  for (const code of Object.keys(catalog)) t.match(current, `| ${code} |`, `${code} is in the table`);
});

t.test('every code sits in its range file, once', async (t) => {
  const files: [Record<string, unknown>, RegExp][] = [
    [grammarCodes, /^GT1\d{3}$/],
    [checkCodes, /^GT2\d{3}$/],
    [binaryCodes, /^GT[34]\d{3}$/],
    [runtimeCodes, /^GT5\d{3}$/],
  ];
  let n = 0;
  for (const [rows, re] of files)
    for (const code of Object.keys(rows)) {
      t.match(code, re, `${code} in the right file`);
      n++;
    }
  t.equal(Object.keys(catalog).length, n, 'no code in two files (a spread would hide one)');
});

t.test('retired codes are never reused', async (t) => {
  for (const code of Object.keys(retired)) t.notOk(code in catalog, `${code} is retired`);
});

t.test('placeholders are plain names, and the message has no stray braces', async (t) => {
  for (const [code, e] of Object.entries(catalog) as [Code, { message: string; hint?: string }][]) {
    for (const text of [e.message, e.hint ?? '']) {
      // `{ ... }` (with spaces) is text; anything else between braces must be a placeholder.
      const holes = [...text.matchAll(/\{([^{}\s]*)\}/g)].map((m) => m[1]);
      t.same(holes, placeholders(text), `${code}: ${text}`);
    }
    t.notMatch(e.message, /\s$|^\s/, `${code}: no surrounding spaces`);
  }
});

t.test('diag() fills message and hint, and puts the call site hints first', async (t) => {
  const d = diag('GT2026', undefined, { name: '@x', kind: 'count' }, ['first']);
  t.same(d, {
    code: 'GT2026',
    severity: 'error',
    message: '@x holds count() and cannot be used as a value',
    span: undefined,
    hints: ['first', 'aggregations are read in user space: print(@x)'],
  });
  t.equal(diag('GT3006', undefined, { func: 'main.f' }).severity, 'warning');
  t.equal(diag('GT2050', undefined).message, 'division by zero');
});
