// grammar/walk.ts: the generic walk reaches every node kind, and every node a reflective walk
// over the objects finds (so a child left out of its table shows here).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type * as ast from '../../grammar/ast.js';
import { children, mapRefs, NODE_KINDS, some, walk } from '../../grammar/walk.js';
import { parseText } from './helpers.js';

const dir = fileURLToPath(new URL('../../../test/grammar/golden/', import.meta.url));
// The golden scripts, plus the probe kinds they do not use.
const sources = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.gt'))
    .sort()
    .map((f) => readFileSync(dir + f, 'utf8')),
  'uprobe:/bin/app:main.f, uretprobe:main.g { @x = 1 } profile:hz:99 { @p = count() } tracepoint:sched:sched_switch { @s = count() }',
];
const programs = sources.map((src) => {
  const r = parseText(src);
  if (!r.program) throw new Error(`a test script does not parse: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.program;
});

/** Every node below `root` found by looking at every property, as the old walkers did. */
function reflective(root: unknown, out: ast.Node[] = []): ast.Node[] {
  if (!root || typeof root !== 'object') return out;
  if (Array.isArray(root)) {
    for (const x of root) reflective(x, out);
    return out;
  }
  const n = root as { kind?: unknown; span?: unknown };
  if (typeof n.kind === 'string' && n.span) out.push(n as ast.Node);
  for (const [k, v] of Object.entries(root)) if (!k.endsWith('pan')) reflective(v, out);
  return out;
}

t.test('the walk reaches every node kind of the golden scripts', async (t) => {
  const seen = new Set<string>();
  for (const p of programs) walk(p, (n) => void seen.add(n.kind));
  t.same(
    [...NODE_KINDS].filter((k) => !seen.has(k)),
    [],
    'no node kind missed',
  );
  t.ok(NODE_KINDS.length >= 29, `the table lists every kind (${NODE_KINDS.length})`);
});

t.test('the walk visits exactly the nodes a reflective walk finds, parents first', async (t) => {
  for (const p of programs) {
    const visited: ast.Node[] = [];
    walk(p, (n) => void visited.push(n));
    const found = reflective(p);
    t.equal(visited.length, found.length, 'as many nodes');
    t.same(new Set(visited), new Set(found), 'the same nodes');
    t.equal(visited[0], p, 'the root first');
    for (const n of visited)
      for (const c of children(n)) t.ok(visited.indexOf(c) > visited.indexOf(n), `${c.kind} after its parent ${n.kind}`);
  }
});

t.test('skipping children, some() and mapRefs()', async (t) => {
  const p = parseText('uprobe:main.f /@a[1] > 0/ { if (pid) { @b = @c[2]; } } BEGIN { @d = 1 }').program!;
  t.same(
    mapRefs(p).map((r) => r.name),
    ['@a', '@b', '@c', '@d'],
    'map references in source order',
  );
  const names: string[] = [];
  walk(p, (n) => (n.kind === 'MapRef' && names.push(n.name), n.kind !== 'IfStmt'));
  t.same(names, ['@a', '@d'], 'returning false skips the children');
  t.ok(
    some(p, (n) => n.kind === 'Ident'),
    'some() finds a node',
  );
  t.notOk(
    some(p, (n) => n.kind === 'Tuple'),
    'some() is false when no node matches',
  );
});
