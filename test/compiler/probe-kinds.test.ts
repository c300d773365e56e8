// The probe-kind table (grammar/probe-kinds.ts) against what is derived from it and what each
// kind needs elsewhere: a codegen entry, an attach entry, a token, a completion, and a parse,
// check and lowering of its example.
import t from 'tap';
import { compile } from '../../compiler/index.js';
import { PROBE_CODEGEN } from '../../compiler/codegen/probe-kinds.js';
import { PROBE_KINDS } from '../../grammar/probe-kinds.js';
import { SourceFile } from '../../grammar/source.js';
import { probeKeywords, probeStartTokens } from '../../grammar/tokens.js';
import { ATTACH } from '../../runtime/attach/index.js';
import { PROBE_STARTS } from '../../runtime/repl/complete.js';

const kinds = PROBE_KINDS.map((r) => r.kind);

t.test('every row has a codegen and an attach entry, and nothing else has', async (t) => {
  t.same(Object.keys(PROBE_CODEGEN).sort(), [...kinds].sort(), 'codegen entries = table rows');
  t.same(Object.keys(ATTACH).sort(), [...kinds].sort(), 'attach entries = table rows');
  for (const k of kinds) {
    t.type(PROBE_CODEGEN[k].lower, 'function', `${k}: codegen lowers`);
    t.type(PROBE_CODEGEN[k].programs, 'function', `${k}: codegen writes programs`);
    t.type(ATTACH[k].attach, 'function', `${k}: attach`);
  }
});

t.test('the lexer, the parser and completion know every kind', async (t) => {
  for (const r of PROBE_KINDS) {
    if (r.form === 'function' || r.form === 'tracepoint') continue; // one ProbeTarget token
    t.equal(probeKeywords.get(r.kind)?.name, r.token, `${r.kind}: its keyword token`);
    t.ok(probeStartTokens.includes(probeKeywords.get(r.kind)!), `${r.kind}: starts a probe`);
    if (r.form === 'rate') t.ok(r.units && Object.keys(r.units).length, `${r.kind}: has units`);
  }
  t.same(
    PROBE_STARTS,
    ['uprobe:', 'uretprobe:', 'go:', 'BEGIN', 'END', 'interval:', 'profile:', 'tracepoint:'],
    'REPL completion lists every kind',
  );
});

t.test("each kind's example parses, checks and lowers to a program of its kind", async (t) => {
  for (const r of PROBE_KINDS) {
    if (r.form === 'function') continue; // function kinds need a binary: test/e2e
    const src = `${r.example} { @n = count(); }`;
    const c = await compile(new SourceFile('stdin', src), { skipBuild: true });
    t.same(c.diagnostics, [], `${r.kind}: no diagnostics`);
    t.same(
      c.manifest?.attach.map((a) => [a.kind, a.spec]),
      [[r.kind, r.example]],
      `${r.kind}: one attach entry of its kind`,
    );
    const prog = c.manifest!.attach[0].program;
    t.match(c.cSource, new RegExp(`int ${prog}\\((struct gt_regs|void) \\*ctx\\)`), `${r.kind}: its program is in the C`);
  }
});
