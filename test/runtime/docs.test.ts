// The reference is complete: every probe kind, builtin, function, operator and output format the
// language's own tables know has its entry in docs/language.md, with an example and its output;
// --help names every option the CLI accepts; `gotrace help TOPIC` prints each section and refuses
// an unknown topic plainly; docs/tools.md is what the scripts' headers say.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { TokenType } from 'chevrotain';
import { ACTIONS, AGGREGATIONS, BUILTINS, KNOWN_CALLS, LATER } from '../../compiler/passes/builtins.js';
import { ExprChecker } from '../../compiler/passes/check/exprs.js';
import { PROBE_KINDS } from '../../grammar/probe-kinds.js';
import { allTokens, AssignOp, BinaryOp, IncDec, UnaryOp } from '../../grammar/tokens.js';
import { FLAGS, USAGE } from '../../runtime/cli.js';
import { helpText, sections } from '../../runtime/help.js';
import { PRINTERS } from '../../runtime/printers/index.js';
import { parseExamples } from '../../tools/docs/examples.js';
import { renderToolsDoc } from '../../tools/docs/tools-doc.js';
import { runGotrace } from '../helpers/cli.js';
import { repoRoot } from '../helpers/go.js';

const md = fs.readFileSync(path.join(repoRoot, 'docs', 'language.md'), 'utf8');
const { top, entries } = sections(md);
const examples = parseExamples(md);

/** The entries of the `## ` section named `title`, by name. */
function documented(title: string): Map<string, string> {
  const section = top.find((s) => s.title === title);
  const names = new Map<string, string>();
  if (!section) return names;
  for (const e of entries) if (section.body.includes(`\n### ${e.title}\n`)) for (const n of e.names) names.set(n, e.body);
  return names;
}

/** The functions the checker accepts: aggregations, actions, value functions, and the known
 *  calls that are not refused as "later". */
function functions(): string[] {
  const later = new Set(LATER.filter((n) => !Object.hasOwn(ExprChecker.VALUE_CALLS, n)));
  return [
    ...new Set([
      ...Object.keys(AGGREGATIONS),
      ...ACTIONS,
      ...Object.keys(ExprChecker.VALUE_CALLS),
      ...KNOWN_CALLS.filter((n) => !later.has(n)),
    ]),
  ];
}

const TABLES: { section: string; names: () => string[] }[] = [
  { section: 'Probes', names: () => PROBE_KINDS.map((r) => r.kind) },
  { section: 'Builtins', names: () => Object.keys(BUILTINS) },
  { section: 'Functions', names: functions },
  { section: 'Output formats', names: () => Object.keys(PRINTERS) },
];

t.test('every probe kind, builtin, function and output format has an entry with a run example', async (t) => {
  for (const { section, names } of TABLES) {
    const docs = documented(section);
    t.ok(docs.size > 0, `docs/language.md has a '## ${section}' section with entries`);
    for (const name of names()) {
      const body = docs.get(name);
      if (!body) {
        t.fail(`${section}: '${name}' has no '### ${name}' entry in docs/language.md`);
        continue;
      }
      t.match(
        body,
        /```gotrace[^\n]*\n[^]*?\n```\n```output\n/,
        `${section} > ${name}: an example with its output (npm run docs:language)`,
      );
    }
  }
  t.ok(
    examples.every((e) => e.output),
    'every example has its output block',
  );
});

t.test('every operator is in the Operators section', async (t) => {
  const ops = top.find((s) => s.title === 'Operators')?.body ?? '';
  const categories = [BinaryOp, AssignOp, UnaryOp, IncDec];
  const tokens = allTokens.filter((tok) =>
    ((tok as TokenType & { CATEGORIES?: TokenType[] }).CATEGORIES ?? []).some((c) => categories.includes(c)),
  );
  t.ok(tokens.length >= 30, `${tokens.length} operator tokens`);
  for (const tok of tokens) {
    const text = String(tok.LABEL).slice(1, -1);
    const escaped = text.replace(/\|/g, '\\|');
    t.ok(ops.includes(`\`${escaped}\``), `operator ${text} is documented`);
  }
  t.ok(ops.includes('`c ? a : b`'), 'the conditional operator');
});

t.test('--help names every option the CLI accepts', async (t) => {
  const usage = USAGE();
  for (const flag of [...Object.keys(FLAGS), '-l', '-lv', '--']) {
    const re = new RegExp(`(^|[\\s,([])${flag.replace(/[-]/g, '\\-')}([\\s,=\\]]|$)`, 'm');
    t.match(usage, re, `--help mentions ${flag}`);
  }
  t.match(usage, /gotrace help \[TOPIC\]/);
});

t.test('gotrace help TOPIC prints the sections of the docs', async (t) => {
  const index = helpText(undefined, 'USAGE');
  t.ok('text' in index && /TOPICS:/.test(index.text));
  for (const s of top) {
    const r = helpText(s.names[0], 'USAGE');
    t.ok('text' in r && r.text.startsWith(s.title.toUpperCase() + '\n'), `help ${s.names[0]}`);
  }
  for (const topic of ['options', 'tools', 'diagnostics', 'architecture']) {
    const r = helpText(topic, 'USAGE-TEXT');
    t.ok('text' in r && r.text.length > 8, `help ${topic}`);
  }
  const entry = helpText('lhist', 'USAGE');
  t.ok(
    'text' in entry && /^lhist\n[^]*lhist\(args\.qty, 0, 6, 2\)[^]*output:\n/.test(entry.text),
    'an entry by name, with its example and output',
  );
  const bad = helpText('buitlins', 'USAGE');
  t.same(bad, { error: "no help topic 'buitlins'", hints: ["did you mean 'builtins'?", bad && 'hints' in bad ? bad.hints[1] : ''] });
});

t.test('gotrace help: the CLI prints a topic, and an unknown one is a plain error with status 1', async (t) => {
  const ok = await runGotrace(['help', 'probes']);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^PROBES\n/);
  t.match(ok.stdout, /\nuprobe\n/);
  const bad = await runGotrace(['help', 'nosuchtopic']);
  t.equal(bad.code, 1);
  t.equal(bad.stdout, '');
  t.match(bad.stderr, /^ERROR: no help topic 'nosuchtopic'\nHINT: topics: probes, builtins, /);
  const usage = await runGotrace(['--help']);
  t.equal(usage.code, 0);
  t.equal(usage.stdout, USAGE());
});

t.test('docs/tools.md is generated from the scripts headers', async (t) => {
  const current = fs.readFileSync(path.join(repoRoot, 'docs', 'tools.md'), 'utf8');
  t.equal(current, renderToolsDoc(path.join(repoRoot, 'scripts')), 'docs/tools.md is out of date: run npm run docs:tools');
});
