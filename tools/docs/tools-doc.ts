// docs/tools.md, generated from the header comments of scripts/*.gt: one section per tool, so a
// new script is documented by writing its header. `npm run docs:tools` rewrites the file;
// test/runtime/docs.test.ts fails when the checked-in file differs from this text.
//
// A header is the `//` comment block at the top of a script (after `#!`). Its first paragraph
// starts with `NAME.gt:` and says what the tool shows; lines indented by two spaces or more are
// commands or sample output (code blocks here); other lines are prose.
import fs from 'node:fs';
import path from 'node:path';

export interface ToolHeader {
  name: string;
  /** The first paragraph, without its `NAME.gt:` prefix. */
  summary: string;
  /** The rest of the header, markdown. */
  body: string;
}

/** The header comment of a script, as lines without their `//`. */
function headerLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[0]?.startsWith('#!')) lines.shift();
  const out: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('//')) break;
    out.push(l.replace(/^\/\/ ?/, ''));
  }
  return out;
}

/** Lines as markdown: runs of indented lines become fenced code blocks. */
function toMarkdown(lines: string[]): string {
  const out: string[] = [];
  let code: string[] | undefined;
  const flush = () => {
    if (!code) return;
    while (code.length && code[code.length - 1].trim() === '') code.pop();
    out.push('```', ...code, '```');
    code = undefined;
  };
  for (const l of lines) {
    if (/^ {2,}\S/.test(l) || (code && l.trim() === '')) (code ??= []).push(l.replace(/^ {2}/, ''));
    else {
      flush();
      // A parameter (`$1  what it is`) is a list item; an N.B., and the line after a parameter,
      // start a paragraph of their own, as they do in the header.
      const param = /^\$([0-9]+|#)\s+(.*)$/.exec(l);
      const prevParam = out.length > 0 && out[out.length - 1].startsWith('- `$');
      if ((param && !prevParam) || /^N\.B\./.test(l) || (prevParam && !param)) if (out.length && out[out.length - 1] !== '') out.push('');
      out.push(param ? `- \`$${param[1]}\` ${param[2]}` : l);
    }
  }
  flush();
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

export function parseHeader(name: string, text: string): ToolHeader {
  const lines = headerLines(text);
  const blank = lines.findIndex((l) => l.trim() === '');
  const first = blank < 0 ? lines : lines.slice(0, blank);
  const summary = first
    .join(' ')
    .replace(new RegExp(`^${name.replace(/[.]/g, '\\.')}:\\s*`), '')
    .trim();
  return { name, summary: /^[a-z]+ /.test(summary) ? summary[0].toUpperCase() + summary.slice(1) : summary, body: toMarkdown(blank < 0 ? [] : lines.slice(blank + 1)) };
}

const HEADER = `# Tools

<!-- Generated from the header comments of scripts/*.gt by \`npm run docs:tools\`; do not edit by hand. -->

Ready-made gotrace programs in [scripts/](../scripts/). Each runs as

    gotrace scripts/NAME.gt -p PID        # a running Go process
    gotrace scripts/NAME.gt -c './app'    # a command gotrace starts and stops
    gotrace scripts/NAME.gt -c './app' -- ARG...   # parameters: $1, $2...

and prints its maps when the target exits or on Ctrl-C. \`gotrace help tools\` prints this page.
The language they are written in: [language.md](language.md).
`;

/** The whole of docs/tools.md for the scripts in `dir`. */
export function renderToolsDoc(dir: string): string {
  const tools = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.gt'))
    .sort()
    .map((f) => parseHeader(f, fs.readFileSync(path.join(dir, f), 'utf8')));
  const index = tools.map((t) => `| [${t.name}](#${t.name.replace(/\./g, '')}) | ${firstSentence(t.summary).replace(/\|/g, '\\|')} |`);
  const parts = [HEADER, '| tool | shows |\n|---|---|\n' + index.join('\n') + '\n'];
  for (const t of tools) parts.push(`## ${t.name}\n\n${t.summary}\n\n${t.body ? t.body + '\n\n' : ''}Source: [scripts/${t.name}](../scripts/${t.name})\n`);
  return parts.join('\n');
}

function firstSentence(s: string): string {
  const m = /^(.*?[.;])(\s|$)/.exec(s);
  return m ? m[1] : s;
}
