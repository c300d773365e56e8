// `gotrace help [TOPIC]`: the reference on the terminal, read from the docs themselves so the
// two cannot say different things. A topic is a section of docs/language.md (any word of its
// `## ` heading: `probes`, `builtins`, `maps`, `output`...), one entry of it (`hist`, `goid`,
// `uprobe`: a `### ` heading), or one of the extra topics below (`tools`, `options`...).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suggest } from '../compiler/passes/suggest.js';

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs');

export interface Section {
  /** The words that name it: a `## ` heading's words, or a `### ` heading's names. */
  names: string[];
  title: string;
  body: string;
}

const SMALL_WORDS = new Set(['and', 'of', 'the', 'from']);

/** The `## ` sections and `### ` entries of a markdown page. */
export function sections(md: string): { top: Section[]; entries: Section[] } {
  const top: Section[] = [];
  const entries: Section[] = [];
  let h2: Section | undefined;
  let h3: Section | undefined;
  for (const line of md.split('\n')) {
    if (line.startsWith('## ')) {
      const title = line.slice(3);
      h2 = {
        title,
        names: title
          .toLowerCase()
          .split(/\W+/)
          .filter((w) => w && !SMALL_WORDS.has(w)),
        body: '',
      };
      h3 = undefined;
      top.push(h2);
    } else if (line.startsWith('### ')) {
      h3 = { title: line.slice(4), names: entryNames(line.slice(4)), body: '' };
      entries.push(h3);
    }
    if (h2) h2.body += line + '\n';
    if (h3 && line !== `### ${h3.title}`) h3.body += line + '\n';
  }
  return { top, entries };
}

/** The names an entry heading documents: its backquoted words, or the heading itself. */
export function entryNames(heading: string): string[] {
  const quoted = [...heading.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  return quoted.length ? quoted : [heading.trim()];
}

/** Markdown as plain terminal text: headings in capitals, code blocks indented. */
export function plain(md: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of md.split('\n')) {
    const f = /^```(\w*)/.exec(line);
    if (f && fence === undefined) {
      fence = f[1];
      if (fence === 'output') out.push('  output:');
      continue;
    }
    if (f) {
      fence = undefined;
      continue;
    }
    if (fence === 'output' && line === '' && out[out.length - 1] === '  output:') continue;
    if (fence !== undefined) out.push('    ' + line);
    else if (/^#{1,2} /.test(line)) out.push(line.replace(/^#+ /, '').toUpperCase());
    else if (line.startsWith('### ')) out.push(line.slice(4).replace(/`/g, ''));
    else out.push(line);
  }
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .replace(/^\n+|\n+$/g, '') + '\n'
  );
}

function read(file: string): string {
  return fs.readFileSync(path.join(docs, file), 'utf8');
}

interface Extra {
  what: string;
  text(usage: string): string;
}

/** Topics that are not sections of language.md. */
const EXTRA: Record<string, Extra> = {
  options: { what: 'the command line (as --help)', text: (usage) => usage },
  tools: { what: 'the saved tools of scripts/ (docs/tools.md)', text: () => plain(read('tools.md')) },
  diagnostics: { what: 'every error and warning code (docs/diagnostics.md)', text: () => plain(read('diagnostics.md')) },
  architecture: { what: 'how gotrace works, and how to extend it (docs/architecture.md)', text: () => plain(read('architecture.md')) },
};

/** The topic list `gotrace help` prints. */
function index(top: Section[]): string {
  const rows: [string, string][] = [
    ...top.map((s): [string, string] => [s.names[0], s.title]),
    ...Object.entries(EXTRA).map(([k, e]): [string, string] => [k, e.what]),
  ];
  return (
    'USAGE: gotrace help TOPIC\n\nTOPICS:\n' +
    rows.map(([k, v]) => `    ${k.padEnd(14)} ${v}\n`).join('') +
    '\nA builtin, function, probe kind or output format by name (gotrace help hist) prints its entry.\n'
  );
}

/** The help text for `topic` (undefined: the index), or an error with hints. */
export function helpText(topic: string | undefined, usage: string): { text: string } | { error: string; hints: string[] } {
  const { top, entries } = sections(read('language.md'));
  if (topic === undefined) return { text: index(top) };
  const t = topic.toLowerCase();
  if (Object.hasOwn(EXTRA, t)) return { text: EXTRA[t].text(usage) };
  const section = top.find((s) => s.names.includes(t));
  if (section) return { text: plain(section.body) };
  const entry = entries.find((e) => e.names.includes(topic)) ?? entries.find((e) => e.names.some((n) => n.toLowerCase() === t));
  if (entry) return { text: plain(`### ${entry.title}\n${entry.body}`) };
  const known = [...top.flatMap((s) => s.names), ...Object.keys(EXTRA), ...entries.flatMap((e) => e.names)];
  const near = suggest(topic, known);
  return {
    error: `no help topic '${topic}'`,
    hints: [...(near ? [`did you mean '${near}'?`] : []), `topics: ${[...top.map((s) => s.names[0]), ...Object.keys(EXTRA)].join(', ')}`],
  };
}

/** `gotrace help [TOPIC]`: the exit status. */
export function helpMain(args: string[], usage: string, out: { write(s: string): unknown }, err: { write(s: string): unknown }): number {
  if (args.length > 1) {
    err.write(`ERROR: gotrace help takes one topic, not ${args.length}\nHINT: gotrace help lists the topics\n`);
    return 1;
  }
  const r = helpText(args[0], usage);
  if ('text' in r) {
    out.write(r.text);
    return 0;
  }
  err.write(`ERROR: ${r.error}\n${r.hints.map((h) => `HINT: ${h}\n`).join('')}`);
  return 1;
}
