// Property test over the whole front end: thousands of generated and mutated scripts go through
// parsing and checking, and then code generation when they check cleanly. Each either yields a
// program (and C) or located diagnostics with stable codes; nothing ever throws.
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { eventSpecs, generateC, mapSpecs, type CodegenProbe } from '../../compiler/codegen/c.js';
import { diag } from '../../grammar/catalog/index.js';
import { renderDiagnostics } from '../../grammar/render.js';
import { SourceFile } from '../../grammar/source.js';
import { ScriptGen, mutate } from '../grammar/gen.js';

const CASES = 3000;

function check(src: string): string | undefined {
  const file = new SourceFile('fuzz', src);
  try {
    // No binary here: Go values (args.x) get the answer a stripped binary gives.
    const r = checkSource(file, {
      positional: ['1', 'two'],
      goInfo: () => ({ error: diag('GT2128', undefined, { path: 'fuzz', func: 'main.f' }) }),
    });
    renderDiagnostics(r.diagnostics);
    for (const d of r.diagnostics) {
      if (!/^GT[12]\d{3}$/.test(d.code)) return `bad code ${d.code}`;
      if (d.code === 'GT1999') return `internal error: ${d.message}`;
      const s = d.span;
      if (!s || !(s.start >= 0 && s.start <= s.end && s.end <= src.length)) return `bad span for ${d.message}`;
    }
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (!errors.length) {
      if (!r.sem) return 'no errors but no analysis';
      // Code generation must accept whatever the checker accepts.
      const probes: CodegenProbe[] = r.sem.blocks.map((b, id) => ({
        id,
        block: b,
        kind: b.kind,
        entryProgram: `p${id}_entry`,
        returnProgram: b.atReturn ? `p${id}_return` : undefined,
      }));
      generateC(r.sem, probes, mapSpecs(r.sem.maps), eventSpecs(r.sem));
    }
  } catch (e) {
    return `threw: ${e instanceof Error ? e.stack : String(e)}`;
  }
  return undefined;
}

t.test(`${CASES} generated and mutated scripts through parse, check and codegen`, async (t) => {
  let failures = 0;
  let clean = 0;
  for (let seed = 1; seed <= CASES; seed++) {
    const valid = new ScriptGen(seed * 104729).script(1 + (seed % 3));
    const src = seed % 3 === 0 ? valid : mutate(valid, seed, 1 + (seed % 4));
    const problem = check(src);
    if (problem) {
      failures++;
      if (failures <= 5) t.fail(`seed ${seed}: ${problem}\n--- input ---\n${src}`);
    } else if (!checkSource(new SourceFile('x', src)).diagnostics.length) clean++;
  }
  t.equal(failures, 0, 'no failing case');
  t.ok(clean > 0, `some scripts check cleanly and reach codegen (${clean})`);
});
