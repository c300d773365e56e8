// Views of a map sized to the terminal: histogram bars as wide as it allows, and `.watch`, a map
// redrawn in place until a key is pressed.
import { topEntries } from '../aggregations.js';
import { mapText } from '../printers/text.js';
import { diag } from '../../grammar/catalog/index.js';
import type { ReplCore } from './core.js';

/** Bars fill the terminal's width after the 16-column label, the 8-column count and ` |...|`. */
export function barWidth(columns: number | undefined): number | undefined {
  return columns ? Math.min(200, Math.max(20, columns - 27)) : undefined;
}

/** `.watch @m [seconds] [top N]`: the map redrawn in place like top(1), until a key (on a
 *  terminal); once without one (a pipe has no key to wait for). */
export async function watchMap(core: ReplCore, rest: string): Promise<void> {
  const m = /^(@\w+)(?:\s+(\d+(?:\.\d+)?))?(?:\s+top\s+(\d+))?\s*$/.exec(rest.trim());
  if (!m) return core.report([diag('GT5635', undefined)]);
  const [, name, secs, top] = m;
  if (!core.maps.has(name)) return core.report([diag('GT5601', undefined, { name })]);
  const period = Math.max(0.1, Number(secs ?? 1)) * 1000;
  const draw = () => {
    const entries = topEntries(core.readMap(name), top ? Number(top) : undefined);
    const head = `${name} every ${period / 1000}s${top ? `, top ${top}` : ''} (${new Date().toLocaleTimeString()}); any key stops\n`;
    const body = entries.length ? mapText(core.maps.get(name)!.spec, entries, barWidth(core.opts.columns)) : `${name} is empty\n`;
    return head + body;
  };
  const key = core.opts.waitKey?.();
  if (!key) return core.out.write(draw());
  let stop = false;
  void key.then(() => (stop = true));
  while (!stop) {
    // Clear the screen and home the cursor, then the view.
    core.out.write('\x1b[H\x1b[2J' + draw());
    await Promise.race([key, new Promise((r) => setTimeout(r, period))]);
  }
}
