// Deep and long scripts (grammar/limits.ts): each is either compiled or refused with a located
// GT1013/GT1014/GT1015 error, never a JavaScript "Maximum call stack size exceeded" (which
// parse() used to turn into GT1999 and the checker into exit 70).
import t from 'tap';
import { checkSource } from '../../compiler/index.js';
import { eventSpecs, generateC, mapSpecs, type CodegenProbe } from '../../compiler/codegen/c.js';
import { MAX_NESTING } from '../../grammar/limits.js';
import { SourceFile } from '../../grammar/source.js';
import { prng } from './gen.js';

/** The codes of the errors, or 'ok' after generating C for a clean script. */
function outcome(src: string): string {
  const r = checkSource(new SourceFile('stdin', src));
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return errors.map((d) => d.code).join(',');
  const probes: CodegenProbe[] = r.sem!.blocks.map((b, id) => ({ id, block: b, kind: b.kind, entryProgram: `p${id}_begin` }));
  generateC(r.sem!, probes, mapSpecs(r.sem!.maps), eventSpecs(r.sem!));
  return 'ok';
}

const rep = (s: string, n: number) => s.repeat(n);
// The block's `{` is one level, so `n` inner levels reach n + 1.
const inner = MAX_NESTING - 1;

t.test('nesting up to the limit compiles; one more is GT1013', async (t) => {
  const shapes: [string, (n: number) => string][] = [
    ['!', (n) => `BEGIN { @x = ${rep('!', n)}1; }`],
    ['-(', (n) => `BEGIN { @x = ${rep('-(', n / 2)}1${rep(')', n / 2)}; }`],
    ['casts', (n) => `BEGIN { @x = ${rep('(uint32)', n)}1; }`],
    ['( )', (n) => `BEGIN { @x = ${rep('(', n)}1${rep(')', n)}; }`],
    ['?:', (n) => `BEGIN { $a = 1; @x = ${rep('$a ? 1 : ', n)}2; }`],
    // The last else-if's own `{ }` is one more level.
    ['else if', (n) => `BEGIN { $a = 1; if ($a) { @x = 1 } ${rep('else if ($a) { @x = 2 } ', n - 1)}}`],
    ['{ }', (n) => `BEGIN { ${rep('{ ', n)}@x = 1; ${rep('} ', n)}}`],
    ['map keys', (n) => `BEGIN { @m[1] = 1; @x = ${rep('@m[', n)}1${rep(']', n)}; }`],
  ];
  for (const [name, make] of shapes) {
    const n = name === '-(' ? inner - (inner % 2) : inner;
    t.equal(outcome(make(n)), 'ok', `${name} × ${n}`);
    t.equal(outcome(make(n + 2)), 'GT1013', `${name} × ${n + 2}`);
  }
  // The inputs: 500 nested parentheses and 10,000 `!`.
  t.equal(outcome(`BEGIN { @x = ${rep('(', 500)}1${rep(')', 500)}; }`), 'GT1013');
  t.equal(outcome(`BEGIN { @x = ${rep('!', 10000)}1; }`), 'GT1013');
  // Many if/else-if statements one after the other are not nesting.
  t.equal(outcome(`BEGIN { $a = 1; ${rep('if ($a) { @x = 1 } else if ($a) { @x = 2 } ', 300)}}`), 'ok');
});

t.test('long flat chains compile; past MAX_EXPR_DEPTH they are GT1015', async (t) => {
  t.equal(outcome(`BEGIN { @x = ${Array(4000).fill('1').join(' + ')}; }`), 'ok', '4,000-term sum');
  t.equal(outcome(`BEGIN { $y = 1; @x = ${Array(4000).fill('$y').join(' - ')} == 0 && 1 || 0; }`), 'ok', 'mixed operators');
  t.equal(outcome(`BEGIN { @x = ${Array(5001).fill('1').join(' * ')}; }`), 'ok', '5,000 operators');
  t.equal(outcome(`BEGIN { @x = ${Array(5002).fill('1').join(' * ')}; }`), 'GT1015', '5,001 operators');
  t.equal(outcome(`BEGIN { @x = ${Array(20000).fill('1').join(' + ')}; }`), 'GT1015', '20,000 terms');
});

t.test('a long chain is spilled into locals: clang never sees deep parentheses', async (t) => {
  const r = checkSource(new SourceFile('stdin', `BEGIN { @x = ${Array(1000).fill('1').join(' + ')}; }`));
  const c = generateC(
    r.sem!,
    [{ id: 0, block: r.sem!.blocks[0]!, kind: 'BEGIN', entryProgram: 'p0_begin' }],
    mapSpecs(r.sem!.maps),
    eventSpecs(r.sem!),
  );
  let depth = 0;
  let max = 0;
  for (const ch of c)
    if (ch === '(') max = Math.max(max, ++depth);
    else if (ch === ')') depth--;
  t.ok(max < 100, `C parenthesis depth ${max}`);
  t.match(c, /__s64 gt_t\d+ = /);
});

t.test('statement count', async (t) => {
  t.equal(outcome(`BEGIN { ${rep('@x = 1; ', 2000)}}`), 'ok');
  t.equal(outcome(`BEGIN { ${rep('@x = 1; ', 1000)}} END { ${rep('@y = 1; ', 1001)}}`), 'GT1014', 'counted over the whole script');
});

/** A random expression nested `depth` levels deep, each level one of the recursive shapes. */
function deepExpr(rnd: () => number, depth: number): string {
  const wraps: [string, string][] = [
    ['!', ''],
    ['-(', ')'],
    ['~', ''],
    ['(uint8)', ''],
    ['(', ')'],
    ['$a ? 1 : ', ''],
    ['@m[', ']'],
    ['(1 + ', ' * 2)'],
    ['str(', ')'],
    ['(', ', 1).0'],
  ];
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const [o, c] = wraps[Math.floor(rnd() * wraps.length)]!;
    open += o;
    close = c + close;
  }
  return `${open}$a${close}`;
}

t.test('seeded random deep and long scripts: compiled or a located limit error, never a throw', async (t) => {
  const rnd = prng(Number(process.env.GOTRACE_FUZZ_SEED ?? 7));
  // One precedence level per chain: mixed levels make shallower trees.
  const levels = [['+', '-'], ['*', '/', '%'], ['&'], ['|'], ['^'], ['<<', '>>'], ['&&'], ['||']];
  const seen = new Set<string>();
  for (let n = 0; n < 300; n++) {
    let src: string;
    if (n % 3 === 0) {
      const terms = 1 + Math.floor(rnd() * 6000);
      const ops = levels[Math.floor(rnd() * levels.length)]!;
      src = `BEGIN { $a = 3; @m[1] = 1; @x = ${Array.from({ length: terms }, (_, i) => (i ? ops[Math.floor(rnd() * ops.length)] + ' ' : '') + '$a').join(' ')}; }`;
    } else src = `BEGIN { $a = 3; @m[1] = 1; @x = ${deepExpr(rnd, Math.floor(rnd() * 250))}; }`;
    let got: string;
    try {
      got = outcome(src);
    } catch (e) {
      got = `threw ${(e as Error).message}`;
    }
    seen.add(got);
    // Some shapes are not valid (`--` is a token, str() of a tuple): those are located syntax or
    // checker errors. GT1999 (the parser's safety net) never.
    if (!/^(ok|(GT[12]\d{3},?)+)$/.test(got) || got.includes('GT1999')) t.fail(`case ${n}: ${got}\n${src.slice(0, 300)}`);
  }
  t.ok(seen.has('ok') && seen.has('GT1013') && seen.has('GT1015'), `outcomes: ${[...seen].join(' ')}`);
});
