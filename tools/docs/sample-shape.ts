// The "sample of real output" in a tool's header (scripts/*.gt), and its shape: what a line of
// gotrace's text output looks like with the numbers taken out. A sample goes stale when the
// printers change (hist() gained a percentiles line, duration histograms time-unit labels,
// stats() percentiles): the e2e tests compare the shape of each header's sample with the shape
// of the tool's live output (test/helpers/samples.ts), and tools/capture-samples.ts rewrites a
// sample from a real run of the command its header names.

/** `// Output (captured on test/fixtures/go/FIXTURE, `gotrace scripts/NAME.gt ARGS`):` */
export const CAPTURE_LINE = /^\/\/ Output \(captured on test\/fixtures\/go\/(\S+), `gotrace ([^`]+)`\):$/m;

export interface HeaderSample {
  fixture: string;
  /** The command after `gotrace`, as the header spells it. */
  command: string;
  /** The sample's lines, without their `//   ` prefix. */
  lines: string[];
  /** Where the sample's lines start and end in the script's text (for rewriting it). */
  start: number;
  end: number;
}

/** The sample of a script's header: the `//   ` lines after its Output line. */
export function headerSample(text: string): HeaderSample | undefined {
  const m = CAPTURE_LINE.exec(text);
  if (!m) return undefined;
  const start = m.index + m[0].length + 1;
  const lines: string[] = [];
  let end = start;
  for (const l of text.slice(start).split('\n')) {
    if (!l.startsWith('//   ')) break;
    lines.push(l.slice(5));
    end += l.length + 1;
  }
  return { fixture: m[1], command: m[2], lines, start, end };
}

/** A time-unit label (1.05ms, 512us, 3s) and a count label (4, 16K, 2M) look alike once their
 *  digits are gone only if the unit is kept: T stands for a duration, N for a plain number. */
function valueShape(v: string): string {
  return v
    .replace(/-?\d+(\.\d+)?(ns|us|ms|s)\b/g, 'T')
    .replace(/-?\d+(\.\d+)?[KMGTPE]?\b/g, 'N')
    .trim();
}

/** One line of output as its shape, and the map it belongs to ('' for none). */
interface Shaped {
  map: string;
  shape: string;
}

const MAP_LINE = /^(@\w*)(\[(.*)\])?: ?(.*)$/;
const STACK_OPEN = /^(@\w*)\[$/;
const BUCKET = /^\[([^\]]*?)(?:, ([^\]]*?))?[)\]]\s+\d+ \|[@ ]*\|$/;

function shapeLine(line: string, map: string): Shaped | undefined {
  if (line.trim() === '' || line.trim() === '...' || /^Attaching \d+ probes?\.\.\.$/.test(line)) return undefined;
  const open = STACK_OPEN.exec(line);
  if (open) return { map: open[1], shape: `${open[1]}[stack` };
  const m = MAP_LINE.exec(line);
  if (m) return { map: m[1], shape: `${m[1]}${m[2] ? '[key]' : ''}: ${m[4] === '' ? '(histogram)' : valueShape(m[4])}` };
  const b = BUCKET.exec(line);
  if (b && map) return { map, shape: `bucket [${valueShape(b[1])}${b[2] !== undefined ? `, ${valueShape(b[2])})` : ']'}` };
  // N.B. a percentile is a bucket, whose label shape depends on the data: only its names count.
  if (/^p50 /.test(line) && map) return { map, shape: `percentiles ${line.match(/\b(p\d+|max|min)\b/g)!.join(' ')}` };
  if (/^\s+\S/.test(line) && map) return { map, shape: 'frame' };
  // The end of a stack key, after its frames: `]: 3`, or `, chan receive]: 3` with more keys.
  const close = /^(, .*)?\]: (.*)$/.exec(line);
  if (close && map) return { map, shape: `${close[1] ? ', key' : ''}]: ${valueShape(close[2])}` };
  return { map: '', shape: 'text' };
}

/** The shapes of the lines of text output, by map name (text lines outside maps: ''). */
export function shapesByMap(lines: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let map = '';
  for (const line of lines) {
    const s = shapeLine(line, map);
    if (!s) continue;
    map = s.map;
    if (!out.has(s.map)) out.set(s.map, new Set());
    out.get(s.map)!.add(s.shape);
  }
  return out;
}

/** How a sample's shape differs from live output's: each problem as a sentence, none when the
 *  sample could have been printed by the code that printed `live`. Maps the live run did not
 *  print are not compared (a fixture may not exercise every map), but at least one must be.
 *  - every line of a sample's map has a shape the live output has for that map;
 *  - every shape the live output has for a map, except its histogram buckets, is in the sample
 *    (a percentiles line, a stats() value): and when both have buckets, one bucket shape at least
 *    is common (time-unit labels against plain numbers). */
export function sampleDrift(sample: string[], live: string[]): string[] {
  const s = shapesByMap(sample);
  const l = shapesByMap(live);
  const problems: string[] = [];
  let compared = 0;
  for (const [map, shapes] of s) {
    const got = l.get(map);
    if (!map || !got) continue;
    compared++;
    for (const x of shapes) if (!got.has(x)) problems.push(`${map}: the sample has '${x}', which the tool no longer prints`);
    for (const x of got) {
      if (!x.startsWith('bucket ') && !shapes.has(x)) problems.push(`${map}: the tool prints '${x}', which the sample lacks`);
    }
    const buckets = (set: Set<string>) => [...set].filter((x) => x.startsWith('bucket '));
    const [sb, lb] = [buckets(shapes), buckets(got)];
    if (sb.length && lb.length && !sb.some((x) => lb.includes(x))) {
      problems.push(`${map}: histogram labels ${sb.join(' ')} in the sample, ${lb.join(' ')} printed`);
    }
  }
  if (compared === 0) problems.push(`no map of the sample (${[...s.keys()].filter(Boolean).join(', ')}) was printed`);
  return problems;
}

const LINES_PER_MAP = 12;
const TEXT_LINES = 12;

/** Output lines as entries: a printf line, or a map entry with its buckets or stack lines. */
function entries(lines: string[]): { map: string; lines: string[] }[] {
  const out: { map: string; lines: string[] }[] = [];
  for (const l of lines) {
    const map = /^(@\w*)[[:]/.exec(l)?.[1];
    const inMap = out.length > 0 && out[out.length - 1].map !== '';
    if (map) out.push({ map, lines: [l] });
    else if (inMap && /^[[\]\s]|^, |^p50 /.test(l)) out[out.length - 1].lines.push(l);
    else out.push({ map: '', lines: [l] });
  }
  return out;
}

/** The sample: blank lines dropped, each map cut to its last entries, printf lines to the first. */
export function cutSample(output: string): string[] {
  const lines = output.split('\n').map((l) => l.trimEnd());
  const all = entries(lines.filter((l) => l !== '' && !/^Attaching \d+ probes?\.\.\.$/.test(l)));
  const keep = new Set<number>();
  const byMap = new Map<string, number[]>();
  all.forEach((e, i) => byMap.set(e.map, [...(byMap.get(e.map) ?? []), i]));
  for (const [map, idx] of byMap) {
    if (!map) idx.slice(0, TEXT_LINES).forEach((i) => keep.add(i));
    // The last entries of the map that fit in LINES_PER_MAP lines, and one at least.
    let n = 0;
    for (const i of map ? idx.slice().reverse() : []) {
      n += all[i].lines.length;
      if (n > LINES_PER_MAP && keep.size && idx.some((j) => keep.has(j))) break;
      keep.add(i);
    }
  }
  const out: string[] = [];
  all.forEach((e, i) => {
    if (keep.has(i)) out.push(...e.lines);
    else if (out[out.length - 1] !== '...') out.push('...');
  });
  return out;
}

