// The graph's tree builder and its text and JSON forms, from synthetic events: the order of
// calls, returns that skip unfinished calls, goroutines joining and leaving a tree, --show's
// values, and the script's spec escaping.
import t from 'tap';
import { treeJson, treeText } from '../../runtime/graph/render.js';
import { specOf } from '../../runtime/graph/script.js';
import { parseDuration, parseShow } from '../../runtime/graph/options.js';
import { TreeBuilder } from '../../runtime/graph/tree.js';

t.test('a tree: calls nested in order, a goroutine under the root, values shown', async (t) => {
  const b = new TreeBuilder(new Map([['main.load', ['args.id']]]));
  b.root('main.handle', 7, 1000n);
  b.enter('main.load', 7, 1100n);
  b.enter('main.parse', 7, 1200n);
  b.exit('main.parse', 7, 50n, []);
  b.exit('main.load', 7, 300n, ['42']);
  b.spawn(7, 9);
  b.enter('main.child', 9, 2000n);
  b.enter('main.step', 7, 2100n);
  b.exit('main.step', 7, 1_500_000n, []);
  b.exit('main.child', 9, 2_000_000n, []);
  const tree = b.finish('main.handle', 7, 12_412_000n, [])!;
  t.equal(
    treeText(tree),
    [
      'goroutine 7: main.handle  12.412ms',
      '  main.load  0.000ms  args.id=42',
      '    main.parse  0.000ms',
      '  goroutine 9:',
      '    main.child  2.000ms',
      '  main.step  1.500ms',
      '',
      '',
    ].join('\n'),
  );
  const j = JSON.parse(treeJson(tree));
  t.equal(j.type, 'graph');
  t.same(j.data.children[0].show, { 'args.id': '42' });
  t.equal(j.data.children[0].start_ns, 100);
  t.same(j.data.children[1], {
    goroutine: 9,
    children: [{ func: 'main.child', goid: 9, start_ns: 1000, duration_ns: 2000000, children: [] }],
  });
  t.equal(b.open(), 0, 'the tree and its goroutine are closed');
  b.enter('main.step', 9, 3000n);
  t.equal(b.counts.late, 1, 'a call of a goroutine that outlived its root is counted');
});

t.test('a return that skips calls (unwound by a panic) leaves them unfinished', async (t) => {
  const b = new TreeBuilder(new Map());
  b.root('main.handle', 1, 0n);
  b.enter('main.a', 1, 1n);
  b.enter('main.b', 1, 2n);
  b.exit('main.a', 1, 10n, []);
  b.exit('main.zzz', 1, 10n, []);
  t.equal(b.counts.unmatched, 1, 'a return without its entry is counted');
  const tree = b.finish('main.handle', 1, 20n, [])!;
  t.match(treeText(tree), /main\.b {2}\(unfinished\)/);
  t.equal(JSON.parse(treeJson(tree)).data.children[0].children[0].duration_ns, null);
});

t.test('names as uprobe: specs, --show and --min parsing', async (t) => {
  t.equal(specOf('main.(*T).Get'), 'main.(*T).Get', 'a pointer receiver stays');
  t.equal(specOf('main.F[*main.T]'), 'main.F[\\*main.T]', 'any other star is escaped');
  t.same(parseShow('main.load: args.m["a,b"], len(args.s)'), {
    func: 'main.load',
    exprs: ['args.m["a,b"]', 'len(args.s)'],
    text: 'main.load: args.m["a,b"], len(args.s)',
  });
  t.type(parseShow('main.load'), 'string');
  t.type(parseShow('main.load: a,'), 'string');
  t.equal(parseDuration('10ms'), 10_000_000n);
  t.equal(parseDuration('1.5s'), 1_500_000_000n);
  t.equal(parseDuration('10'), undefined);
});
