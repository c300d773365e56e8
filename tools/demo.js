#!/usr/bin/env node
// `npm run demo`: builds the bundled Go demo server and traces it live with the card's one-liner,
// printing each goroutine's latency in its last call of main.handle (nanoseconds).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'test', 'fixtures', 'go', 'demo');
const bin = path.join(root, 'test', 'fixtures', 'go', 'bin', 'demo');
fs.mkdirSync(path.dirname(bin), { recursive: true });
const stale = !fs.existsSync(bin) || fs.statSync(path.join(src, 'main.go')).mtimeMs > fs.statSync(bin).mtimeMs;
if (stale) {
  process.stderr.write('demo: building the Go demo program\n');
  execFileSync('go', ['build', '-o', bin, '.'], {
    cwd: src,
    stdio: 'inherit',
    env: { ...process.env, GO111MODULE: 'off', CGO_ENABLED: '0' },
  });
}
if (process.getuid && process.getuid() !== 0) {
  process.stderr.write('demo: tracing needs root (BPF and uprobes): run `sudo npm run demo`\n');
  process.exit(1);
}
const program = 'uprobe:main.handle < @lat[goid] = elapsed >';
process.stderr.write(`demo: gotrace -e '${program}' -c ${path.relative(process.cwd(), bin)}\n`);
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'gotrace'), '-e', program, '-c', bin], { stdio: 'inherit' });
process.exit(r.status ?? 1);
