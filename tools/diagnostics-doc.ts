// docs/diagnostics.md, generated from the diagnostics catalog (grammar/catalog/): one table per
// range, then the retired codes. `npm run docs:diagnostics` rewrites the file;
// test/diagnostics/doc.test.ts fails when the checked-in file differs from this text.
import { catalog, retired, type CatalogEntry, type Code } from '../grammar/catalog/index.js';

const RANGES: { digit: string; title: string; where: string }[] = [
  { digit: '1', title: 'GT1xxx: grammar', where: 'Reported by the lexer (GT11xx), the parser and the AST builder (GT10xx).' },
  { digit: '2', title: 'GT2xxx: checking', where: 'Reported by the checker: names, types, maps, calls, formats and Go values.' },
  { digit: '3', title: 'GT3xxx: target binary and probes', where: 'Reported while reading the Go binary and resolving probe functions.' },
  { digit: '4', title: 'GT4xxx: build', where: 'Reported while compiling the generated BPF C with clang.' },
  { digit: '5', title: 'GT5xxx: runtime', where: 'Reported by the CLI (GT50xx), the kernel and libbpf (GT51xx) and the REPL (GT56xx).' },
];

const HEADER = `# Diagnostics

<!-- Generated from grammar/catalog/ by \`npm run docs:diagnostics\`; do not edit by hand. -->

Every error and warning gotrace reports has a stable code. A code never changes meaning: a
message that means something else gets a new code, and a code that can no longer happen is
retired (listed at the end) and never reused. Errors are printed in bpftrace's format:

    stdin:1:22-27: ERROR: Unknown identifier: 'goidd'
    uprobe:main.f { @x = goidd; }
                         ~~~~~
    HINT: did you mean 'goid'?

\`{name}\` in a message is filled in when the diagnostic is reported. The hint column shows the
hint every occurrence carries; many diagnostics add hints of their own (a "did you mean", the
candidates). \`--json-diagnostics\` prints the same fields as JSON lines.

## Adding a code

1. Add a row to the range's file in \`grammar/catalog/\` (\`grammar.ts\`, \`check.ts\`,
   \`binary.ts\`, \`runtime.ts\`): a new number, never a retired one, and never a new meaning
   for an existing code.
2. Report it with \`diag('GT2xxx', span, { placeholders })\`: an unknown code or a missing
   placeholder does not compile.
3. Add a case that really produces it to \`test/diagnostics/cases.ts\`.
4. Run \`npm run docs:diagnostics\` and commit this file.
`;

/** A table cell: code span, with the pipes GitHub's tables would split on escaped. */
function cell(text: string): string {
  const tick = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${tick}${pad}${text}${pad}${tick}`.replace(/\|/g, '\\|');
}

function row(code: string, e: CatalogEntry): string {
  const message = cell(e.message) + (e.about ? ` — ${e.about.replace(/\|/g, '\\|')}` : '');
  return `| ${code} | ${e.severity} | ${message} | ${e.hint ? cell(e.hint) : ''} |`;
}

export function renderDiagnosticsDoc(): string {
  const codes = (Object.keys(catalog) as Code[]).sort();
  const parts = [HEADER];
  for (const r of RANGES) {
    parts.push(`## ${r.title}\n\n${r.where}\n\n| code | severity | message | hint |\n|---|---|---|---|`);
    parts.push(
      codes
        .filter((c) => c[2] === r.digit)
        .map((c) => row(c, catalog[c]))
        .join('\n') + '\n',
    );
  }
  const gone = Object.keys(retired).sort();
  parts.push('## Retired codes\n\nNever reused.\n');
  parts.push(gone.length ? `| code | meant |\n|---|---|\n${gone.map((c) => `| ${c} | ${retired[c]} |`).join('\n')}\n` : 'None yet.\n');
  return parts.join('\n');
}
