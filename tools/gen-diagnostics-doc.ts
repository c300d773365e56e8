// Writes docs/diagnostics.md from the diagnostics catalog (see diagnostics-doc.ts).
//   node dist/tools/gen-diagnostics-doc.js          # rewrite the file
//   node dist/tools/gen-diagnostics-doc.js --check  # exit 1 if the file is out of date
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDiagnosticsDoc } from './diagnostics-doc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'docs', 'diagnostics.md');
const text = renderDiagnosticsDoc();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(`${path.relative(root, file)} is out of date: run npm run docs:diagnostics\n`);
    process.exit(1);
  }
} else {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  process.stdout.write(`wrote ${path.relative(root, file)}\n`);
}
