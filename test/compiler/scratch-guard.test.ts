// The per-CPU scratch guard (gotrace.bpf.h, "per-CPU alone is NOT exclusive"): every block that
// uses scratch runs inside gt_blockN, which takes the guard before the body and gives it back
// after it, so that every `return` of the body (predicate, failed lookups, exit, loops) releases
// it. Checked on the generated C of scripts with many return paths: bodies reach scratch only
// through their gt_s parameter, only their wrapper calls them, nothing returns between take and
// give, and programs call the wrapper, never the body.
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { dropSpecs, eventSpecs, generateC, mapSpecs, type CodegenProbe } from '../../compiler/codegen/c.js';
import type { DropSpec } from '../../compiler/manifest.js';
import { collectDrops, dropText } from '../../runtime/drops.js';
import { SourceFile } from '../../grammar/source.js';

function cOf(src: string): { c: string; drops: DropSpec[]; blocks: number } {
  const r = checkSource(new SourceFile('stdin', src));
  if (!r.sem || r.diagnostics.some((d) => d.severity === 'error')) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  const probes: CodegenProbe[] = r.sem.blocks.map((b, id) => ({ id, block: b, kind: 'BEGIN', entryProgram: `p${id}_begin` }));
  const maps = mapSpecs(r.sem.maps);
  const drops = dropSpecs(maps);
  return { c: generateC(r.sem, probes, maps, eventSpecs(r.sem), drops), drops, blocks: r.sem.blocks.length };
}

/** The text of the C function whose head starts with `head`, up to its closing brace. */
function fn(c: string, head: string): string {
  const at = c.indexOf(head);
  if (at < 0) return '';
  const end = c.indexOf('\n}', at);
  return c.slice(at, end + 2);
}

const scripts = [
  'BEGIN /1 == 1/ { $s = "abc"; if ($s == "abc") { @m[$s] = count(); exit(); } @n[1, $s] = $s; }',
  'BEGIN { $i = 0; while ($i < 3) { @h = hist($i); $i++; } if ($i > 2) { exit(); } printf("%s\\n", "x"); }',
  'BEGIN { @a["k"] = sum(1); delete(@a["k"]); } BEGIN /2 > 1/ { $x = 1; printf("%d\\n", $x); } END { @b = max(3); }',
];

for (const src of scripts) {
  t.test(src, async (t) => {
    const { c, drops, blocks } = cOf(src);
    const slot = drops.findIndex((d) => d.kind === 'scratch_busy');
    let guarded = 0;
    for (let i = 0; i < blocks; i++) {
      const body = fn(c, `static __always_inline void gt_block${i}_body(`);
      const wrap = fn(c, `static __always_inline void gt_block${i}(`);
      t.ok(body && wrap, `block ${i}: a body and a wrapper`);
      t.notMatch(body, /gt_scratch\b|gt_sc\b/, `block ${i}: the body reaches scratch only through gt_s`);
      t.equal(c.split(`gt_block${i}_body(`).length - 1, 2, `block ${i}: the body is called once, by its wrapper`);
      if (!/gt_s \+ \d+/.test(body)) {
        t.notMatch(wrap, /gt_scratch_take/, `block ${i}: no scratch, no guard`);
        continue;
      }
      guarded++;
      const take = wrap.indexOf(`gt_scratch_take(&gt_sc->busy, ${slot})`);
      const call = wrap.indexOf(`gt_block${i}_body(ctx, call, now, probe, (char *)gt_sc->w);`);
      const give = wrap.indexOf('gt_scratch_give(&gt_sc->busy);');
      t.ok(take > 0 && call > take && give > call, `block ${i}: take, body, give in that order\n${wrap}`);
      // The one return is the failed take's; after the body nothing but the give.
      t.equal(wrap.split('return').length - 1, 1, `block ${i}: one return, before the guard is held`);
      t.ok(wrap.indexOf('return') < call, `block ${i}: nothing returns while the guard is held`);
      t.equal(wrap.slice(give).replace(/\s/g, ''), 'gt_scratch_give(&gt_sc->busy);}', `block ${i}: the give ends the wrapper`);
    }
    t.ok(guarded > 0, 'scratch users are guarded');
    t.ok(slot >= 0, 'a gt_drops slot counts the skipped events');
    // The programs (after the last wrapper) call wrappers only.
    const programs = c.slice(c.indexOf('SEC("uprobe")'));
    t.notMatch(programs, /_body\(|gt_s\b|gt_scratch\b/, 'programs never touch scratch or bodies directly');
  });
}

t.test('a program without scratch has no guard slot', async (t) => {
  const { c, drops } = cOf('BEGIN { printf("%d\\n", 1); }');
  t.notOk(drops.some((d) => d.kind === 'scratch_busy'));
  t.notMatch(c, /gt_scratch_take/);
});

t.test('skipped events are reported', async (t) => {
  const ds = collectDrops(
    [{ kind: 'map_full', map: '@' }, { kind: 'scratch_busy' }],
    [0n, 3n],
    { started: 0n, returned: 0n, left: 0n },
    { mapKeys: 1, callsInFlight: 1 },
  );
  t.same(ds, [{ kind: 'scratch_busy', count: 3n }]);
  t.equal(dropText(ds[0]), '3 events skipped: scratch space busy (preempted program on the same CPU)');
});

t.test('compound assignments given up under contention are reported', async (t) => {
  const ds = collectDrops(
    [
      { kind: 'map_full', map: '@m' },
      { kind: 'map_contended', map: '@m' },
    ],
    [0n, 2n],
    { started: 0n, returned: 0n, left: 0n },
    { mapKeys: 1, callsInFlight: 1 },
  );
  t.same(ds, [{ kind: 'map_contended', map: '@m', count: 2n }]);
  t.equal(dropText(ds[0]), '2 map updates dropped (@m: lost 32 compare-and-swaps in a row to other CPUs)');
});
