// Where a session's results go: bpftrace's text format or one JSON object per line. Events
// (printf, print, time, ...) and maps go through the same object so -o and -f apply to all.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import type { MapSpec } from '../compiler/manifest.js';
import { formatAll, parseFormat } from '../compiler/format.js';
import type { MapEntry } from './aggregations.js';
import { jsonLine, mapJson } from './printers/json.js';
import { mapText } from './printers/text.js';
import type { LiveEvent } from './session.js';
import { dropJson, type Drop } from './drops.js';
import { formatArg, valueJson, valueText } from './values.js';

export interface Sink {
  write(s: string): unknown;
}

export type Format = 'text' | 'json';

/** strftime for the conversions scripts use. */
export function strftime(fmt: string, d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return fmt.replace(/%([HMSYmdjy%])/g, (_, c: string) => {
    switch (c) {
      case 'H': return p2(d.getHours());
      case 'M': return p2(d.getMinutes());
      case 'S': return p2(d.getSeconds());
      case 'Y': return String(d.getFullYear());
      case 'y': return p2(d.getFullYear() % 100);
      case 'm': return p2(d.getMonth() + 1);
      case 'd': return p2(d.getDate());
      case 'j': return String(Math.floor((d.getTime() - new Date(d.getFullYear(), 0, 0).getTime()) / 864e5)).padStart(3, '0');
      default: return '%';
    }
  });
}

export class Output {
  constructor(
    private readonly out: Sink,
    readonly format: Format,
  ) {}

  map(spec: MapSpec, entries: MapEntry[]): void {
    this.out.write(this.format === 'json' ? mapJson(spec, entries) : mapText(spec, entries));
  }

  /** The maps printed at exit: every non-empty one, in name order, after a blank line. */
  finalMaps(maps: { spec: MapSpec; entries: MapEntry[] }[]): void {
    const nonEmpty = maps.filter((m) => m.entries.length > 0);
    if (nonEmpty.length && this.format === 'text') this.out.write('\n');
    for (const m of nonEmpty) this.map(m.spec, m.entries);
  }

  message(type: string, text: string, data?: unknown): void {
    this.out.write(this.format === 'json' ? jsonLine(type, data ?? text.replace(/\n$/, '')) : text);
  }

  /** A printf/time/system/cat/print(value) event. print(@map), clear, zero and exit are the
   *  session's to handle (they act on the live program). */
  event(e: LiveEvent): void {
    const s = e.spec;
    switch (s.kind) {
      case 'printf':
        return this.message('printf', formatAll(parseFormat(s.format!).pieces, e.args.map(formatArg)));
      case 'time':
        return this.message('time', strftime(s.format!, new Date()));
      case 'print_value':
        return this.format === 'json' ? this.message('value', '', valueJson(e.args[0])) : this.message('value', valueText(e.args[0]) + '\n');
      case 'system': {
        const cmd = formatAll(parseFormat(s.format!).pieces, e.args.map(formatArg));
        let text: string;
        try {
          text = execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 10_000 });
        } catch (err) {
          text = (err as { stdout?: string }).stdout ?? '';
        }
        return this.message('syscall', text);
      }
      case 'cat': {
        const file = formatAll(parseFormat(s.format!).pieces, e.args.map(formatArg));
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (err) {
          text = `cat: ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}\n`;
        }
        return this.message('cat', text);
      }
      default:
        return;
    }
  }

  /** Losses other than events (full maps, evicted calls, cut loops): one JSON line; the text
   *  form goes to stderr with "Lost N events". */
  drops(ds: Drop[]): void {
    if (ds.length && this.format === 'json') this.out.write(jsonLine('dropped', ds.map(dropJson)));
  }

  lost(n: bigint): void {
    if (n === 0n) return;
    if (this.format === 'json') this.out.write(jsonLine('lost_events', { events: Number(n) }));
  }
}
