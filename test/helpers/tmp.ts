// Temporary folders the compile cache will trust: under /tmp (sticky, world-writable) a cache
// is refused by design, so tests and benchmarks that want cache hits make their folder where
// every ancestor is root's or ours and not writable by others.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { untrustedReason } from '../../compiler/cache.js';

export function trustedTempDir(prefix: string): string {
  for (const base of [path.join(os.homedir(), '.cache'), '/run', '/var/cache']) {
    if (!untrustedReason(base, base.startsWith(os.homedir()))) return fs.mkdtempSync(path.join(base, prefix));
  }
  throw new Error('no folder the compile cache would trust (tried ~/.cache, /run, /var/cache)');
}
