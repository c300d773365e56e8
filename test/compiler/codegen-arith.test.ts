// Integer operators through parse, check and code generation: each becomes the C that computes
// it as Go does (signed division and remainder through gt_sdiv/gt_smod, since BPF divides
// unsigned only; shift counts mod 64). The values themselves are checked on real BPF in
// test/e2e/arith.test.ts; this table says which helper each operator goes through.
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { dropSpecs, eventSpecs, generateC, mapSpecs, type CodegenProbe } from '../../compiler/codegen/c.js';
import { SourceFile } from '../../grammar/source.js';
import { templatesDir } from '../../compiler/paths.js';
import { CAS_TRIES } from '../../runtime/drops.js';

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

// Integer maps are shared by every CPU: a compound assignment is one atomic instruction on the
// value (or a compare-and-swap loop), never a lookup then an update, which loses one of two
// updates made at once (test/e2e/atomic-maps.test.ts shows it on real BPF).
const compound: [stmt: string, c: RegExp][] = [
  ['@m[1] += $a', /GT_ATOMIC_RMW\(&m_m, gt_k\d+, __sync_fetch_and_add, gt_x\d+, 0\);/],
  ['@m[1]++', /GT_ATOMIC_RMW\(&m_m, gt_k\d+, __sync_fetch_and_add, gt_x\d+, 0\);/],
  ['@m[1] -= $a', /GT_ATOMIC_RMW\(&m_m, gt_k\d+, __sync_fetch_and_add, \(__s64\)\(0ULL - \(__u64\)gt_x\d+\), 0\);/],
  ['@m[1]--', /GT_ATOMIC_RMW\(&m_m, gt_k\d+, __sync_fetch_and_add, \(__s64\)\(0ULL - \(__u64\)gt_x\d+\), 0\);/],
  ['@m[1] &= $a', /GT_ATOMIC_RMW\(&m_m, gt_k\d+, __sync_fetch_and_and, gt_x\d+, 0\);/],
  ['@m[1] |= $a', /GT_ATOMIC_RMW\(&m_m, gt_k\d+, __sync_fetch_and_or, gt_x\d+, 0\);/],
  ['@m[1] ^= $a', /GT_ATOMIC_RMW\(&m_m, gt_k\d+, __sync_fetch_and_xor, gt_x\d+, 0\);/],
  ['@m[1] *= $a', /GT_ATOMIC_CAS\(&m_m, gt_k\d+, \(\(gt_old\) \* \(gt_x\d+\)\), 0, 1\);/],
  ['@m[1] /= $a', /GT_ATOMIC_CAS\(&m_m, gt_k\d+, gt_sdiv\(gt_old, gt_x\d+\), 0, 1\);/],
  ['@m[1] %= $a', /GT_ATOMIC_CAS\(&m_m, gt_k\d+, gt_smod\(gt_old, gt_x\d+\), 0, 1\);/],
  ['@m[1] <<= $a', /GT_ATOMIC_CAS\(&m_m, gt_k\d+, \(__s64\)\(\(__u64\)\(gt_old\) << \(\(gt_x\d+\) & 63\)\), 0, 1\);/],
  ['@m[1] >>= $a', /GT_ATOMIC_CAS\(&m_m, gt_k\d+, \(\(gt_old\) >> \(\(gt_x\d+\) & 63\)\), 0, 1\);/],
];

for (const [stmt, c] of compound) {
  t.test(`${stmt} updates the map atomically`, async (t) => {
    const out = cOf(`BEGIN { $a = 3; ${stmt}; }`);
    t.match(out, c);
    t.notMatch(out, /bpf_map_lookup_elem\(&m_m/, 'no lookup-then-update of its own');
  });
}

t.test('compare-and-swap updates given up are counted in a slot of their own, once per map', async (t) => {
  const r = checkSource(new SourceFile('stdin', 'BEGIN { @m[1] *= 2; @m[2] /= 2; @n += 1; }'));
  const maps = mapSpecs(r.sem!.maps);
  const drops = dropSpecs(maps);
  const probes: CodegenProbe[] = r.sem!.blocks.map((b, id) => ({ id, block: b, kind: 'BEGIN', entryProgram: `p${id}_begin` }));
  const out = generateC(r.sem!, probes, maps, eventSpecs(r.sem!), drops);
  t.same(
    drops.filter((d) => d.kind === 'map_contended'),
    [{ kind: 'map_contended', map: '@m' }],
  );
  t.equal(out.match(/GT_ATOMIC_CAS\(&m_m, gt_k\d+, [^;]*, 0, 2\);/g)?.length, 2, 'both in slot 2');
});

t.test("the report's tries are the BPF side's", async (t) => {
  const h = fs.readFileSync(path.join(templatesDir(), 'gotrace.bpf.h'), 'utf8');
  t.match(h, new RegExp(`^#define GT_CAS_TRIES ${CAS_TRIES}$`, 'm'));
});
