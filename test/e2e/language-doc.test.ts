// docs/language.md cannot drift: every example in it runs again against the shop fixture and
// must print what the page shows (normalised only where the example says its output varies:
// tools/docs/examples.ts, VARY). A new example without its output block fails too.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { repoRoot } from '../helpers/go.js';
import { normalise, parseExamples, runAll, shopDir } from '../../tools/docs/examples.js';

const file = path.join(repoRoot, 'docs', 'language.md');
const examples = parseExamples(fs.readFileSync(file, 'utf8'));
// Fifty-odd traces, each a gotrace start-up, compile and a 0.4 s target run: longer than
// one test's default on a loaded machine.
t.setTimeout(900_000);

t.test('every example of docs/language.md prints what the page shows', async (t) => {
  if (!requireBpf(t)) return;
  t.ok(examples.length >= 40, `${examples.length} examples found`);
  const runs = await runAll(examples, shopDir());
  examples.forEach((ex, i) => {
    const where = `${ex.where} (docs/language.md:${ex.start + 1}; npm run docs:language rewrites the outputs)`;
    t.equal(runs[i].code, ex.exit, `exit status: ${where}\n${runs[i].text}`);
    if (!ex.output) return t.fail(`no output block: ${where}`);
    t.equal(normalise(ex, runs[i].text), normalise(ex, ex.output.text), where);
  });
});
