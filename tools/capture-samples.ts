// Recaptures the "sample of real output" in the headers of scripts/*.gt by running the command
// each header names on its fixture (test/fixtures/go/FIXTURE, built as the tests build it), then
// regenerate docs/tools.md. Needs root and BPF, as the tools do.
//   npm run docs:samples [-- NAME.gt ...]     (default: every script)
// gotrace's own output is read from -o FILE, apart from the fixture's. Long output is cut per
// map, keeping each map's last entries that fit in 12 lines (bpftrace prints the largest last), with a `...` line
// where entries were left out, so every map the tool printed appears in the sample.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { headerArgs } from '../test/helpers/samples.js';
import { cutSample, headerSample } from './docs/sample-shape.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function capture(name: string): void {
  const file = path.join(root, 'scripts', name);
  const text = fs.readFileSync(file, 'utf8');
  const s = headerSample(text);
  if (!s) throw new Error(`${name}: no "Output (captured on ...)" line in the header`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-sample-')), 'out');
  execFileSync(process.execPath, [path.join(root, 'bin', 'gotrace'), '-o', out, ...headerArgs(s.fixture, s.command)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
  const sample = cutSample(fs.readFileSync(out, 'utf8'));
  fs.rmSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(file, text.slice(0, s.start) + sample.map((l) => `//   ${l}\n`).join('') + text.slice(s.end));
  process.stdout.write(`${name}: ${sample.length} lines\n`);
}

const names = process.argv.slice(2);
for (const name of names.length
  ? names
  : fs
      .readdirSync(path.join(root, 'scripts'))
      .filter((f) => f.endsWith('.gt'))
      .sort()) {
  capture(name);
}
