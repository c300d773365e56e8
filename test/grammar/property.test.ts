// Property test: parse() never throws and always answers either a program without errors or at
// least one error, every diagnostic with a span inside the file. Inputs: random valid scripts
// (which must parse cleanly), the same scripts after random token mutations, and plain random
// characters. Seeded, so a failure names its seed and can be replayed.
import t from 'tap';
import { parse } from '../../grammar/index.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';
import { ScriptGen, mutate, prng } from './gen.js';

const CASES = 3000;

/** Undefined when the result is well-formed, else what is wrong with it. */
function check(src: string): string | undefined {
  const file = new SourceFile('fuzz', src);
  let r;
  try {
    r = parse(file);
    renderDiagnostics(r.diagnostics);
  } catch (e) {
    return `threw: ${e instanceof Error ? e.stack : String(e)}`;
  }
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.program && errors.length) return 'program returned along with errors';
  if (!r.program && errors.length === 0) return 'neither a program nor an error';
  for (const d of r.diagnostics) {
    if (d.code === 'GT1999') return `internal error: ${d.message}`;
    if (!/^GT1\d{3}$/.test(d.code)) return `bad code ${d.code}`;
    const s = d.span;
    if (!s || s.file !== file || !(s.start >= 0 && s.start <= s.end && s.end <= src.length))
      return `bad span ${JSON.stringify([s?.start, s?.end])} for ${d.message}`;
  }
  if (r.incomplete && errors.length === 0) return 'incomplete without errors';
  return undefined;
}

t.test('generated valid scripts parse without diagnostics', async (t) => {
  let bad = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const src = new ScriptGen(seed).script(1 + (seed % 4));
    const r = parse(new SourceFile('gen', src));
    if (!r.program || r.diagnostics.length) {
      bad++;
      t.fail(`seed ${seed}:\n${src}\n${renderDiagnostics(r.diagnostics)}`);
    }
  }
  t.equal(bad, 0);
});

t.test(`${CASES} mutated scripts: never throws, always a program or a located error`, async (t) => {
  let failures = 0;
  let withErrors = 0;
  for (let seed = 1; seed <= CASES; seed++) {
    const valid = new ScriptGen(seed * 7919).script(1 + (seed % 3));
    const src = mutate(valid, seed, 1 + (seed % 4));
    const problem = check(src);
    if (problem) {
      failures++;
      if (failures <= 5) t.fail(`seed ${seed}: ${problem}\n--- input ---\n${src}`);
    }
    if (!parse(new SourceFile('m', src)).program) withErrors++;
  }
  t.equal(failures, 0, 'no failing case');
  t.ok(withErrors > CASES / 3, `mutations do break scripts (${withErrors} of ${CASES})`);
});

t.test('random characters', async (t) => {
  const r = prng(42);
  const alphabet = 'uprobe:main.f{}<>()[];,/*+-=!&|^~?@$#"\'\\ \n\t0123456789abxsm_§é';
  let failures = 0;
  for (let i = 0; i < 500; i++) {
    const len = Math.floor(r() * 60);
    let src = '';
    for (let j = 0; j < len; j++) src += alphabet[Math.floor(r() * alphabet.length)];
    const problem = check(src);
    if (problem) {
      failures++;
      if (failures <= 5) t.fail(`case ${i}: ${problem}\n--- input ---\n${JSON.stringify(src)}`);
    }
  }
  t.equal(failures, 0);
});
