// Builds the Go fixtures under test/fixtures/go/NAME with the local toolchain, cached by a hash
// of the sources and flags in test/fixtures/go/bin/ (gitignored), so repeated runs are quick.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'go');

export interface BuildOpts {
  ldflags?: string;
  buildmode?: string;
  cgo?: boolean;
  gcflags?: string;
  /** Build in GOPATH mode against this GOPATH (Debian's vendored modules: /usr/share/gocode). */
  gopath?: string;
}

export function buildGo(name: string, opts: BuildOpts = {}): string {
  const dir = path.join(fixtures, name);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.go'))
    .sort();
  const h = crypto.createHash('sha256').update(JSON.stringify(opts));
  for (const f of files) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  const out = path.join(fixtures, 'bin', `${name}-${h.digest('hex').slice(0, 12)}`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const args = ['build', '-o', out + '.tmp'];
  if (opts.ldflags) args.push(`-ldflags=${opts.ldflags}`);
  if (opts.gcflags) args.push(`-gcflags=${opts.gcflags}`);
  if (opts.buildmode) args.push(`-buildmode=${opts.buildmode}`);
  args.push('.');
  execFileSync('go', args, {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOFLAGS: '',
      CGO_ENABLED: opts.cgo ? '1' : '0',
      ...(opts.gopath ? { GOPATH: opts.gopath } : {}),
    },
  });
  fs.renameSync(out + '.tmp', out);
  return out;
}
