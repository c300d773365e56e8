// A seeded random generator of valid gotrace scripts and a token-level mutator, shared by the
// property test and tools/bench-parse.ts. Reproducible: the same seed gives the same text.
import { gotraceLexer } from '../../grammar/tokens.js';

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FUNCS = [
  'main.handle',
  'main.(*Server).Handle',
  'net/http.(*conn).serve',
  'main.Map[...]',
  'main.main.func1',
  'main.Map[go.shape.int]',
  'main.*',
  'net/http.(*conn).*',
  'github.com/x/y.(*T).M',
];
const PATHS = ['/usr/bin/app', './app', '../bin/server'];
const BUILTINS = [
  'goid',
  'pid',
  'tid',
  'comm',
  'cpu',
  'uid',
  'nsecs',
  'elapsed',
  'func',
  'probe',
  'arg0',
  'arg3',
  'arg8',
  'retval',
  'ustack',
];
const CALLS = ['count', 'sum', 'hist', 'str', 'printf', 'delete', 'clear', 'print', 'max', 'min', 'avg', 'lhist'];
const CASTS = ['uint32', 'int8', 'u64', 's16', 'uint8', 'int64', 'u8'];
const BINOPS = ['*', '/', '%', '+', '-', '<<', '>>', '<', '<=', '>', '>=', '==', '!=', '&', '^', '|', '&&', '||'];
const ASSIGN = ['=', '=', '=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>='];

export class ScriptGen {
  private r: () => number;
  constructor(seed: number) {
    this.r = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.r() < p;
  }

  script(probes: number): string {
    const out: string[] = [];
    if (this.chance(0.2)) out.push('#!/usr/bin/env gotrace');
    for (let i = 0; i < probes; i++) {
      if (this.chance(0.2)) out.push(this.chance(0.5) ? '// a comment' : '/* a block\n   comment */');
      out.push(this.probe());
    }
    return out.join('\n') + '\n';
  }

  probe(): string {
    const specs = [this.spec()];
    while (this.chance(0.2)) specs.push(this.spec());
    const pred = this.chance(0.25) ? ` /${this.expr(2)}/` : '';
    const angle = this.chance(0.4);
    const n = this.int(4) + (angle ? 0 : 1);
    const body = this.stmts(n, 2, '  ');
    return angle
      ? `${specs.join(', ')}${pred} < ${body.join('; ')} >`
      : `${specs.join(', ')}${pred} {\n${body.map((s) => `  ${s};\n`).join('')}}`;
  }

  spec(): string {
    switch (this.int(6)) {
      case 0:
        return 'BEGIN';
      case 1:
        return 'END';
      case 2:
        return `interval:${this.pick(['s', 'ms', 'us'])}:${1 + this.int(1000)}`;
      case 3:
        return `profile:hz:${1 + this.int(999)}`;
      default: {
        const kind = this.pick(['uprobe', 'uretprobe', 'u', 'ur']);
        return `${kind}:${this.chance(0.3) ? this.pick(PATHS) + ':' : ''}${this.pick(FUNCS)}`;
      }
    }
  }

  stmts(n: number, depth: number, indent: string): string[] {
    return Array.from({ length: n }, () => this.stmt(depth, indent));
  }

  block(depth: number, indent: string): string {
    const body = this.stmts(this.int(3), depth - 1, indent + '  ');
    return body.length ? `{ ${body.join('; ')} }` : '{ }';
  }

  stmt(depth: number, indent: string): string {
    const k = this.int(depth > 0 ? 12 : 7);
    switch (k) {
      case 0:
      case 1:
      case 2:
        return `${this.lvalue()} ${this.pick(ASSIGN)} ${this.expr(3)}`;
      case 3:
        return this.chance(0.5) ? `${this.lvalue()}${this.pick(['++', '--'])}` : `${this.pick(['++', '--'])}${this.lvalue()}`;
      case 4:
        return this.call(2);
      case 5:
        return `@${this.pick(['', 'x', 'lat', 'n'])}[${this.expr(1)}] = count()`;
      case 6:
        return this.chance(0.1) ? 'return' : `$v = ${this.expr(2)}`;
      case 7: {
        let s = `if (${this.expr(2)}) ${this.block(depth, indent)}`;
        if (this.chance(0.3)) s += ` else if (${this.expr(1)}) ${this.block(depth, indent)}`;
        if (this.chance(0.4)) s += ` else ${this.block(depth, indent)}`;
        return s;
      }
      case 8:
        return `while (${this.expr(2)}) ${this.block(depth, indent)}`;
      case 9:
        return `unroll(${1 + this.int(100)}) ${this.block(depth, indent)}`;
      case 10:
        return this.block(depth, indent);
      default:
        return `${this.lvalue()} = ${this.expr(3)}`;
    }
  }

  lvalue(): string {
    if (this.chance(0.4)) return `$${this.pick(['x', 'y', 'ns', 't'])}`;
    const name = '@' + this.pick(['', 'x', 'lat', 'm']);
    if (this.chance(0.4)) return name;
    const keys = Array.from({ length: 1 + this.int(3) }, () => this.expr(1));
    return `${name}[${keys.join(', ')}]`;
  }

  call(depth: number): string {
    const args = Array.from({ length: this.int(4) }, () => this.expr(depth - 1));
    return `${this.pick(CALLS)}(${args.join(', ')})`;
  }

  literal(): string {
    switch (this.int(9)) {
      case 0:
        return `0x${this.int(1 << 30).toString(16)}`;
      case 1:
        return `0b${this.int(256).toString(2)}`;
      case 2:
        return `0o${this.int(4096).toString(8)}`;
      case 3:
        return `${1 + this.int(999)}${this.pick(['ns', 'us', 'ms', 's'])}`;
      case 4:
        return '1_000_000';
      case 5:
        return JSON.stringify(this.pick(['', 'text', 'a\tb', 'quote"d', 'back\\slash', 'line\n'])).replace(/\\u0009/g, '\\t');
      case 6:
        return this.pick(['true', 'false', 'nil']);
      default:
        return String(this.int(100000));
    }
  }

  expr(depth: number): string {
    if (depth <= 0) return this.atom();
    switch (this.int(10)) {
      case 0:
      case 1:
      case 2:
        return `${this.expr(depth - 1)} ${this.pick(BINOPS)} ${this.expr(depth - 1)}`;
      case 3: {
        const e = this.expr(depth - 1);
        return `${this.pick(['-', '!', '~'])}${/^[-!~]/.test(e) ? ' ' : ''}${e}`;
      }
      case 4:
        return `(${this.pick(CASTS)})${this.atom()}`;
      case 5:
        return `${this.expr(depth - 1)} ? ${this.expr(depth - 1)} : ${this.expr(depth - 1)}`;
      case 6:
        return `(${this.expr(depth - 1)}, ${this.expr(depth - 1)})`;
      case 7:
        return `(${this.expr(depth - 1)})`;
      case 8:
        return this.call(depth);
      default:
        return this.atom();
    }
  }

  atom(): string {
    switch (this.int(9)) {
      case 0:
        return this.literal();
      case 1:
      case 2:
        return this.pick(BUILTINS);
      case 3:
        return `$${this.pick(['x', 'y', 'ns', 't'])}`;
      case 4:
        return this.pick(['$1', '$2', '$#']);
      case 5:
        return `@${this.pick(['x', 'lat', 'm', ''])}[${this.pick(BUILTINS)}]`;
      case 6:
        return `args.${this.pick(['req', 'r', 'buf'])}${this.chance(0.5) ? '.URL.Path' : `[${this.int(8)}]`}`;
      case 7:
        return '$t.0';
      default:
        return String(this.int(1000));
    }
  }
}

/** Token texts the mutator inserts: structure, operators, and things the lexer must reject. */
const INSERTS = [
  '{',
  '}',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '/',
  ':',
  '?',
  '.',
  '=',
  '==',
  '+',
  '-',
  '++',
  '--',
  '>>',
  '>=',
  '@x',
  '$y',
  '$1',
  '42',
  '"s"',
  'pid',
  'count()',
  'uprobe:main.f',
  'uprobe',
  'u:',
  'BEGIN',
  'interval',
  'if',
  'else',
  'while',
  'unroll',
  'return',
  '#',
  "'",
  '"',
  '/*',
  '§',
  '\u00a0',
  '0x',
  '99999999999999999999999',
  '1.5',
  '\n',
  '\\',
  '`',
];

/** Apply `count` random token deletions, insertions and duplications to a script. */
export function mutate(src: string, seed: number, count: number): string {
  const r = prng(seed);
  let text = src;
  for (let i = 0; i < count; i++) {
    const toks = gotraceLexer.tokenize(text).tokens;
    if (toks.length === 0) return text + INSERTS[Math.floor(r() * INSERTS.length)];
    const tok = toks[Math.floor(r() * toks.length)];
    const start = tok.startOffset;
    const end = start + tok.image.length;
    const op = Math.floor(r() * 3);
    if (op === 0) text = text.slice(0, start) + text.slice(end);
    else if (op === 1) text = text.slice(0, start) + INSERTS[Math.floor(r() * INSERTS.length)] + (r() < 0.5 ? ' ' : '') + text.slice(start);
    else text = text.slice(0, end) + (r() < 0.5 ? ' ' : '') + tok.image + text.slice(end);
  }
  return text;
}
