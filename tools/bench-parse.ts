// Parser benchmark (not a test): parses a generated 1,000-line script 20 times and prints the
// median time. Target: under 50 ms. Run: npx tsc -p tsconfig.json && node dist/tools/bench-parse.js
import { performance } from 'node:perf_hooks';
import { parse } from '../grammar/index.js';
import { SourceFile } from '../grammar/source.js';
import { ScriptGen } from '../test/grammar/gen.js';

const LINES = 1000;
const RUNS = 20;

/** Generated probes up to 1,000 lines, topped up with one-line probes to exactly LINES. */
function script(): string {
  const gen = new ScriptGen(2024);
  const lines: string[] = [];
  for (;;) {
    const p = gen.probe().split('\n');
    if (lines.length + p.length > LINES) break;
    lines.push(...p);
  }
  while (lines.length < LINES) lines.push(`uprobe:main.f${lines.length} < @lat[goid] = elapsed >`);
  return lines.join('\n');
}

const text = script();
const file = new SourceFile('bench.gt', text);
const first = parse(file);
if (!first.program) throw new Error(`benchmark script does not parse: ${first.diagnostics[0]?.message}`);
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  parse(new SourceFile('bench.gt', text));
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2;
console.log(
  `parse: ${text.split('\n').length} lines, ${text.length} chars, ${first.program.probes.length} probes; ` +
    `median ${median.toFixed(1)} ms over ${RUNS} runs (min ${times[0].toFixed(1)}, max ${times[RUNS - 1].toFixed(1)})`,
);
