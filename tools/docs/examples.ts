// The runnable examples of docs/language.md. Each is a fenced block whose info string starts
// with `gotrace`; the block that follows it, fenced `output`, is what running it printed:
//
//   ```gotrace -f json vary=numbers          (gotrace flags, then options of the docs tool)
//   uprobe:main.price { @qty = sum(args.qty); }
//   ```
//   ```output
//   ...written by `npm run docs:language`...
//   ```
//
// An example runs as `gotrace FLAGS -e PROGRAM -c ./shop [-- ARGS]` in a directory holding the
// shop fixture (test/fixtures/go/shop, built to give the same output on every run). The docs
// tool writes each output block in place; test/e2e/language-doc.test.ts runs every example
// again and compares, so the docs cannot drift from what gotrace prints. What may differ from
// run to run is declared per example (`vary=`, the VARY table) and compared normalised.
import fs from 'node:fs';
import path from 'node:path';
import { buildGo } from '../../test/helpers/go.js';
import { spawn } from 'node:child_process';
import { cleanEnv, gotraceBin } from '../../test/helpers/cli.js';

export interface Example {
  /** The `## ` and `### ` headings it sits under (for messages). */
  where: string;
  /** Line index of the opening ```gotrace fence. */
  start: number;
  /** Line index just past its closing fence. */
  end: number;
  /** Line range of the output block after it (with its fences), if any. */
  output?: { start: number; end: number; text: string };
  program: string;
  flags: string[];
  /** Words after `--`: $1, $2... */
  args: string[];
  vary: string[];
  /** The exit status it is documented with (`exit=N`, default 0). */
  exit: number;
}

/** What may change from run to run, each normalised away before comparing, with why. */
export const VARY: Record<string, { why: string; apply(text: string): string }> = {
  numbers: {
    why: 'ids, times and sample counts change from run to run: every number compares as N',
    apply: (s) => s.replace(/[0-9]+/g, 'N'),
  },
  hist: {
    why: 'a histogram of timings: its bucket lines and percentile line are not compared (on a loaded machine a call may land one bucket up)',
    apply: (s) =>
      s
        .split('\n')
        .filter((l) => !/^[[(].*\) +[0-9]+ \|[@ ]*\|$/.test(l) && !/^p50 .*, max \S+$/.test(l))
        .join('\n'),
  },
  order: {
    why: 'lines from concurrent goroutines: compared sorted',
    apply: (s) => s.split('\n').sort().join('\n'),
  },
};

const OPEN = /^```gotrace(?:\s+(.*))?$/;
const FENCE = /^```\s*$/;

/** Every example of a markdown text, with the output block that follows each. */
export function parseExamples(md: string): Example[] {
  const lines = md.split('\n');
  const out: Example[] = [];
  let h2 = '';
  let h3 = '';
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('## ')) [h2, h3] = [lines[i].slice(3), ''];
    else if (lines[i].startsWith('### ')) h3 = lines[i].slice(4);
    const m = OPEN.exec(lines[i]);
    if (!m) continue;
    const close = findClose(lines, i + 1);
    const ex: Example = { where: h3 ? `${h2} > ${h3}` : h2, start: i, end: close + 1, program: lines.slice(i + 1, close).join('\n'), ...info(m[1] ?? '') };
    ex.output = outputAfter(lines, close + 1);
    out.push(ex);
    i = ex.output?.end ?? close;
  }
  return out;
}

function findClose(lines: string[], from: number): number {
  for (let j = from; j < lines.length; j++) if (FENCE.test(lines[j])) return j;
  throw new Error(`unclosed \`\`\`gotrace block at line ${from}`);
}

/** The output fence right after an example (one blank line between is allowed). */
function outputAfter(lines: string[], at: number): Example['output'] {
  const start = lines[at] === '' && lines[at + 1] === '```output' ? at + 1 : at;
  if (lines[start] !== '```output') return undefined;
  const close = findClose(lines, start + 1);
  return { start: at, end: close + 1, text: lines.slice(start + 1, close).join('\n') };
}

function info(text: string): Pick<Example, 'flags' | 'args' | 'vary' | 'exit'> {
  const words = text.split(/\s+/).filter(Boolean);
  const r: Pick<Example, 'flags' | 'args' | 'vary' | 'exit'> = { flags: [], args: [], vary: [], exit: 0 };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      r.args = words.slice(i + 1);
      break;
    }
    if (w.startsWith('vary=')) r.vary.push(...w.slice(5).split(','));
    else if (w.startsWith('exit=')) r.exit = Number(w.slice(5));
    else r.flags.push(w);
  }
  for (const v of r.vary) if (!Object.hasOwn(VARY, v)) throw new Error(`unknown vary=${v} (known: ${Object.keys(VARY).join(', ')})`);
  return r;
}

/** The text compared for an example: its output with what may vary normalised away. */
export function normalise(ex: Example, text: string): string {
  return ex.vary.reduce((s, v) => VARY[v].apply(s), text.replace(/\s+$/, ''));
}

/** The shop fixture, built, as `DIR/shop` (named so, since its name is `comm`). */
export function shopDir(): string {
  const bin = buildGo('shop');
  const dir = `${bin}.d`;
  if (!fs.existsSync(path.join(dir, 'shop'))) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `shop.${process.pid}.tmp`);
    fs.copyFileSync(bin, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, path.join(dir, 'shop'));
  }
  return dir;
}

export interface Run {
  code: number | null;
  /** stdout, then stderr without the "Attaching N probes..." line. */
  text: string;
}

/** Runs one example against the shop fixture in `dir`. */
export async function runExample(ex: Example, dir: string): Promise<Run> {
  const argv = [...ex.flags, '-e', ex.program, '-c', './shop', ...(ex.args.length ? ['--', ...ex.args] : [])];
  // N.B. `env -u NODE_OPTIONS`: tap re-adds its loaders to every child's environment.
  const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, gotraceBin, ...argv], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv(),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const err = stderr.replace(/^Attaching [0-9]+ probes?\.\.\.\n/m, '');
  return { code, text: (stdout + err).replace(/\s+$/, '') + '\n' };
}

/** Runs every example, `jobs` at a time, in order of the results. */
export async function runAll(examples: Example[], dir: string, jobs = 2): Promise<Run[]> {
  const results: Run[] = new Array(examples.length);
  let next = 0;
  const worker = async () => {
    while (next < examples.length) {
      const i = next++;
      results[i] = await runExample(examples[i], dir);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}

/** The markdown with each example's output block replaced by what its run printed. */
export function splice(md: string, examples: Example[], runs: Run[]): string {
  const lines = md.split('\n');
  // From the last example back, so earlier line numbers stay right.
  for (let i = examples.length - 1; i >= 0; i--) {
    const ex = examples[i];
    const block = ['```output', ...runs[i].text.replace(/\n$/, '').split('\n'), '```'];
    lines.splice(ex.end, ex.output ? ex.output.end - ex.end : 0, ...block);
  }
  return lines.join('\n');
}
