// Events with side effects (system(), execv(), cat(); all need --unsafe): the session runs them,
// the printer only shows their output. They run in gotrace's process, as root.
//
// N.B. system() hands its formatted text to /bin/sh, as bpftrace's does: a string read from the
// target ("x; rm -rf /") is then shell syntax. execv("PROG", a, b, ...) never uses a shell: the
// program is a literal fixed at compile time and each further argument is exactly one argv
// element, so a value from the target cannot become a command.
import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs';
import { formatAll, parseFormat } from '../compiler/format.js';
import type { EventSpec } from '../compiler/manifest.js';
import type { Printer } from './printers/index.js';
import type { LiveEvent } from './session.js';
import { formatArg, valueText } from './values.js';

/** How long a command may run before it is killed: a probe must not stall the session. */
const COMMAND_TIMEOUT_MS = 10_000;

type Effect = (e: LiveEvent, p: Printer) => void;

export function formatted(e: LiveEvent): string {
  return formatAll(parseFormat(e.spec.format!).pieces, e.args.map(formatArg));
}

/** A command's stdout; its stderr goes to gotrace's. A failing command still shows its output. */
function commandOutput(run: () => string): string {
  try {
    return run();
  } catch (err) {
    return (err as { stdout?: string }).stdout ?? '';
  }
}

const opts = (): { encoding: 'utf8'; stdio: ('ignore' | 'pipe' | 'inherit')[]; timeout: number } => ({
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  timeout: COMMAND_TIMEOUT_MS,
});

const EFFECTS: Partial<Record<EventSpec['kind'], Effect>> = {
  system: (e, p) =>
    p.effect(
      'system',
      commandOutput(() => execSync(formatted(e), opts())),
    ),
  execv: (e, p) =>
    p.effect(
      'system',
      commandOutput(() =>
        execFileSync(
          e.spec.format!,
          e.args.map((a) => valueText(a)),
          { ...opts(), shell: false },
        ),
      ),
    ),
  cat: (e, p) => {
    const file = formatted(e);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      text = `cat: ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}\n`;
    }
    p.effect('cat', text);
  },
};

/** Runs `e` if it is a side effect; false if it is not one. */
export function runEffect(e: LiveEvent, p: Printer): boolean {
  const f = EFFECTS[e.spec.kind];
  if (!f) return false;
  f(e, p);
  return true;
}
