// Events a probe sends that only show something (printf, time, print of a value) go to the
// printer; side effects to effects.ts. print(@map), clear, zero and exit act on the live program
// and are each session's own (the CLI's trace.ts, the REPL's core.ts).
import type { EventSpec } from '../compiler/manifest.js';
import { runEffect, formatted } from './effects.js';
import type { Printer } from './printers/index.js';
import type { LiveEvent } from './session.js';
import { valueText } from './values.js';

/** strftime for the conversions scripts use. */
export function strftime(fmt: string, d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const conv: Record<string, () => string> = {
    H: () => p2(d.getHours()),
    M: () => p2(d.getMinutes()),
    S: () => p2(d.getSeconds()),
    Y: () => String(d.getFullYear()),
    y: () => p2(d.getFullYear() % 100),
    m: () => p2(d.getMonth() + 1),
    d: () => p2(d.getDate()),
    j: () => String(Math.floor((d.getTime() - new Date(d.getFullYear(), 0, 0).getTime()) / 864e5)).padStart(3, '0'),
  };
  return fmt.replace(/%([HMSYmdjy%])/g, (_, c: string) => conv[c]?.() ?? '%');
}

const SHOWN: Partial<Record<EventSpec['kind'], (e: LiveEvent, p: Printer) => void>> = {
  printf: (e, p) => p.printf(formatted(e)),
  time: (e, p) => p.time(strftime(e.spec.format!, new Date())),
  print_value: (e, p) => p.value(e.args[0]),
  // join(): its strings on one line (values.ts joins them).
  join: (e, p) => p.printf(valueText(e.args[0]) + '\n'),
};

/** Shows or runs `e`; false when it is one the session handles itself. */
export function showEvent(e: LiveEvent, p: Printer): boolean {
  const f = SHOWN[e.spec.kind];
  if (f) {
    f(e, p);
    return true;
  }
  return runEffect(e, p);
}
