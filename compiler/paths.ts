// Where the package's own files are, whether running from dist/ or from a checkout.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root: the nearest folder above this file holding gotrace's package.json. */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && fs.existsSync(path.join(dir, 'bpf-templates'))) return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error('gotrace: cannot find the package root (bpf-templates/)');
    dir = up;
  }
}

export function templatesDir(): string {
  return path.join(packageRoot(), 'bpf-templates');
}
