// Golden tests: whole scripts in golden/*.gt parse without diagnostics to exactly the AST in the
// matching .ast file (S-expressions, grammar/print-ast.ts). After an intended change, rewrite the
// .ast files with GOTRACE_UPDATE_GOLDEN=1 and review the diff.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { printProgram } from '../../grammar/print-ast.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { parseText } from './helpers.js';

// Tests run from dist/test/grammar; the golden files stay in the source tree.
const dir = fileURLToPath(new URL('../../../test/grammar/golden/', import.meta.url));
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.gt'))
  .sort();

t.ok(scripts.length >= 3, 'at least three golden scripts');
for (const name of scripts) {
  t.test(name, async (t) => {
    const r = parseText(readFileSync(dir + name, 'utf8'), name);
    t.equal(renderDiagnostics(r.diagnostics), '', 'no diagnostics');
    const got = r.program ? printProgram(r.program) + '\n' : '';
    const astFile = dir + name.replace(/\.gt$/, '.ast');
    if (process.env.GOTRACE_UPDATE_GOLDEN === '1') writeFileSync(astFile, got);
    t.equal(got, readFileSync(astFile, 'utf8'));
  });
}
