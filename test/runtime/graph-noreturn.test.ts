// --under over functions without a RET (they never return, or leave by a tail jump): they
// cannot end a call in a tree, so they are left out, and one warning per pattern names them
// (GT3015, as a wildcard probe at return gets), never silently.
import t from 'tap';
import { openCached } from '../../compiler/passes/resolve.js';
import { renderDiagnostic } from '../../grammar/render.js';
import { graphScript } from '../../runtime/graph/script.js';
import { graphDiagnostics } from '../../runtime/graph/session.js';
import { DEFAULT_DEPTH } from '../../runtime/graph/options.js';
import { buildGo } from '../helpers/go.js';

t.test('functions without RET under --under are named in one warning', async (t) => {
  const bin = openCached(buildGo('callgraph'));
  const o = { root: 'main.main', under: ['runtime.goexit*', 'main.*'], minNs: 0n, maxTrees: 0, sample: 1, depth: DEFAULT_DEPTH, show: [] };
  const script = graphScript(bin, o);
  t.same(
    script.noReturn.map((n) => n.pattern),
    ['runtime.goexit*'],
    'only the pattern that matched functions without RET',
  );
  t.ok(script.noReturn[0].names.includes('runtime.goexit'), 'runtime.goexit never returns');
  t.notMatch(script.text, /uprobe:runtime\.goexit\b/, 'and it is not traced');
  const ds = graphDiagnostics([], script);
  const w = ds.filter((d) => d.code === 'GT3015');
  t.equal(w.length, 1);
  t.match(
    renderDiagnostic(w[0]),
    /WARNING: \d+ of the \d+ functions matching 'runtime\.goexit\*' have no RET instruction .*runtime\.goexit/,
  );
});
