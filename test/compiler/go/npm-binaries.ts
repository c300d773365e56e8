// Real, stripped Go binaries built by newer Go releases than the local
// toolchain, taken from npm packages that ship them (esbuild, lefthook).
//
// Versions are pinned so that each Go release 1.17-1.27 except 1.19 (the
// local toolchain, tested with DWARF) is covered once. The Go version each
// was built with was read from the binary (`go version`, or the version
// string for esbuild, which drops .go.buildinfo) when the list was made. Packages are fetched once with `npm pack` into a cache
// outside the work tree ($GOTRACE_TEST_CACHE, else ~/.cache/gotrace), so a
// fresh clone on the same machine (CI) does not fetch them again.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';

export interface NpmGoBinary {
  pkg: string;
  version: string;
  /** Path of the binary inside the package. */
  bin: string;
  goVersion: string;
}

export const NPM_GO_BINARIES: NpmGoBinary[] = [
  { pkg: 'lefthook-linux-x64', version: '1.0.5', bin: 'package/bin/lefthook', goVersion: 'go1.17' },
  { pkg: 'esbuild-linux-64', version: '0.14.50', bin: 'package/bin/esbuild', goVersion: 'go1.18.4' },
  { pkg: '@esbuild/linux-x64', version: '0.18.0', bin: 'package/bin/esbuild', goVersion: 'go1.20.5' },
  { pkg: 'lefthook-linux-x64', version: '1.5.1', bin: 'package/bin/lefthook', goVersion: 'go1.21.1' },
  { pkg: 'lefthook-linux-x64', version: '1.8.0', bin: 'package/bin/lefthook', goVersion: 'go1.22.8' },
  { pkg: 'lefthook-linux-x64', version: '1.10.0', bin: 'package/bin/lefthook', goVersion: 'go1.23.4' },
  { pkg: 'lefthook-linux-x64', version: '1.12.0', bin: 'package/bin/lefthook', goVersion: 'go1.24.4' },
  { pkg: 'lefthook-linux-x64', version: '2.0.0', bin: 'package/bin/lefthook', goVersion: 'go1.25.3' },
  { pkg: '@esbuild/linux-x64', version: '0.28.2', bin: 'package/bin/esbuild', goVersion: 'go1.26.5' },
  { pkg: 'lefthook-linux-x64', version: '2.2.2', bin: 'package/bin/lefthook', goVersion: 'go1.27.0' },
];

export const NPM_DIR = path.join(
  process.env.GOTRACE_TEST_CACHE ?? path.join(os.homedir() || os.tmpdir(), '.cache', 'gotrace'),
  'npm-go-binaries',
);

/**
 * Local path of the binary, fetching and unpacking the package if it is not
 * cached yet. Throws (so the test fails, with npm's message) when the
 * registry cannot be reached.
 */
export function npmGoBinary(b: NpmGoBinary): string {
  const dir = path.join(NPM_DIR, `${b.pkg.replace(/^@/, '').replace('/', '-')}-${b.version}`);
  const out = path.join(dir, b.bin);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(NPM_DIR, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const tgz = execFileSync('npm', ['pack', `${b.pkg}@${b.version}`, '--pack-destination', tmp, '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
      .trim()
      .split('\n')
      .pop()!;
    execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp]);
    fs.rmSync(path.join(tmp, tgz));
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const err = e as { stderr?: Buffer | string; message: string };
    throw new Error(
      `cannot fetch ${b.pkg}@${b.version} from the npm registry (needed for this test): ${String(err.stderr ?? err.message)}`,
      { cause: e },
    );
  }
  if (!fs.existsSync(path.join(tmp, b.bin))) {
    throw new Error(`${b.pkg}@${b.version} has no ${b.bin}`);
  }
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    // Another test file fetched the same package meanwhile: keep theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(out)) throw e;
  }
  return out;
}
