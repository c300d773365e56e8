// The header sample of a tool (scripts/NAME.gt) against the tool's live output in an e2e test:
// the sample must have the shape of what the code prints now (tools/docs/sample-shape.ts), or
// `npm run docs:samples -- NAME.gt` recaptures it.
import fs from 'node:fs';
import path from 'node:path';
import type { Test } from 'tap';
import { headerSample, sampleDrift } from '../../tools/docs/sample-shape.js';
import { buildGo, repoRoot } from './go.js';

export function checkSample(t: Test, name: string, stdout: string): void {
  const s = headerSample(fs.readFileSync(path.join(repoRoot, 'scripts', name), 'utf8'));
  t.ok(s, `${name}: its header has a sample`);
  const drift = sampleDrift(s?.lines ?? [], stdout.split('\n'));
  t.same(drift, [], `${name}: the header's sample has the shape of live output (else: npm run docs:samples -- ${name})`);
}

/** Words of a command line as the header quotes them ('...' groups words). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** The header's command with its fixture's name (`tools`, `./httpserver`) replaced by the built
 *  binary's path. */
export function headerArgs(fixture: string, command: string): string[] {
  const args = words(command);
  const bin = buildGo(fixture, fixture === 'grpcserver' ? { gopath: '/usr/share/gocode' } : {});
  const i = args.indexOf('-c');
  if (i < 0) throw new Error(`the capture command '${command}' has no -c`);
  const [prog, ...rest] = args[i + 1].split(' ');
  if (prog.replace(/^\.\//, '') !== fixture) throw new Error(`-c '${args[i + 1]}' does not run ${fixture}`);
  args[i + 1] = [bin, ...rest].join(' ');
  return args.map((a) => (a.startsWith('scripts/') ? path.join(repoRoot, a) : a));
}
