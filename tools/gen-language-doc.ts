// Runs every example of docs/language.md against the shop fixture and writes each one's output
// block in place (tools/docs/examples.ts). Needs root, as tracing does.
//   npm run docs:language                              # rewrite docs/language.md
//   node dist/tools/gen-language-doc.js 'Builtins'     # only examples whose heading has this text
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExamples, runAll, shopDir, splice } from './docs/examples.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'docs', 'language.md');
const filter = process.argv[2];

const md = fs.readFileSync(file, 'utf8');
const all = parseExamples(md);
const chosen = all.filter((e) => !filter || e.where.includes(filter));
const runs = await runAll(chosen, shopDir());
let bad = 0;
chosen.forEach((ex, i) => {
  if (runs[i].code === ex.exit) return;
  bad++;
  process.stderr.write(`${ex.where} (line ${ex.start + 1}): exit ${runs[i].code}, documented ${ex.exit}\n${runs[i].text}\n`);
});
fs.writeFileSync(file, splice(md, chosen, runs));
process.stdout.write(`ran ${chosen.length} examples, wrote ${path.relative(root, file)}\n`);
process.exit(bad ? 1 : 0);
