// Integer operators through parse, check and code generation: each becomes the C that computes
// it as Go does (signed division and remainder through gt_sdiv/gt_smod, since BPF divides
// unsigned only; shift counts mod 64). The values themselves are checked on real BPF in
// test/e2e/arith.test.ts; this table says which helper each operator goes through.
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { eventSpecs, generateC, mapSpecs, type CodegenProbe } from '../../compiler/codegen/c.js';
import { SourceFile } from '../../grammar/source.js';

function cOf(src: string): string {
  const r = checkSource(new SourceFile('stdin', src));
  if (!r.sem || r.diagnostics.some((d) => d.severity === 'error')) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  const probes: CodegenProbe[] = r.sem.blocks.map((b, id) => ({ id, block: b, kind: 'BEGIN', entryProgram: `p${id}_begin` }));
  return generateC(r.sem, probes, mapSpecs(r.sem.maps), eventSpecs(r.sem));
}

const cases: [expr: string, c: string][] = [
  ['$a / $b', 'gt_sdiv(v_a, v_b)'],
  ['$a % $b', 'gt_smod(v_a, v_b)'],
  ['$a >> $b', '((v_a) >> ((v_b) & 63))'],
  ['$a << $b', '(__s64)((__u64)(v_a) << ((v_b) & 63))'],
  ['$a < $b', '(__s64)((v_a) < (v_b))'],
  ['$a >= -1', '(__s64)((v_a) >= ((-(1LL))))'],
  ['$a * $b + 1', '((((v_a) * (v_b))) + (1LL))'],
];

for (const [expr, c] of cases) {
  t.test(expr, async (t) => {
    const out = cOf(`BEGIN { $a = 0 - 7; $b = 2; @x = ${expr}; }`);
    t.match(out, `__s64 gt_v`, 'an integer map value');
    t.ok(
      out.includes(`= ${c};`),
      `${expr} → ${c}\n${out
        .split('\n')
        .filter((l) => l.includes('gt_v'))
        .join('\n')}`,
    );
    t.notMatch(out, /\(__u64\)\(v_a\) [/%]/, 'no unsigned division');
  });
}

t.test('compound assignment divides signed too', async (t) => {
  t.match(cOf('BEGIN { $a = 0 - 7; $a /= 2; $a %= 3; @x = $a; }'), /v_a = gt_sdiv\(v_a, 2LL\);[\s\S]*v_a = gt_smod\(v_a, 3LL\);/);
});

t.test('a while loop counts its cut-offs in a slot of gt_drops after its maps', async (t) => {
  const out = cOf('BEGIN { @m = 1; $i = 0; while ($i < 5000) { $i++; } }');
  t.match(out, /for \(int gt_i\d+ = 0; gt_i\d+ < 1024; gt_i\d+\+\+\)/);
  t.match(out, /gt_count\(&gt_drops, 1\);/, 'slot 1: after @m');
  t.match(out, /if \(bpf_map_update_elem\(&m_m, [^;]*, BPF_ANY\)\)\n\t+gt_count\(&gt_drops, 0\);/, "@m's refused updates in slot 0");
});
