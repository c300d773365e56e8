// Writes docs/tools.md from the header comments of scripts/*.gt (see docs/tools-doc.ts).
//   npm run docs:tools
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderToolsDoc } from './docs/tools-doc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const file = path.join(root, 'docs', 'tools.md');
fs.writeFileSync(file, renderToolsDoc(path.join(root, 'scripts')));
process.stdout.write(`wrote ${path.relative(root, file)}\n`);
