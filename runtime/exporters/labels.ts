// Label names for a map's keys, given in the script by a comment line that reads like the map:
//     // labels: @lat[method, status]
//     uprobe:main.handle { @lat[str(arg0), arg1] = hist(elapsed); }
// Without one, keys are key0, key1... A comment keeps the language itself unchanged (bpftrace
// scripts stay bpftrace scripts) and only the exporters read it.
import type { MapSpec } from '../../compiler/manifest.js';
import { diag } from '../../grammar/catalog/index.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { span, type SourceFile } from '../../grammar/source.js';

// N.B. only a comment that starts its line: `//` inside a string or after code is not one.
const DIRECTIVE = /^[ \t]*\/\/[ \t]*labels:[ \t]*(.*)$/gm;
const ONE = /^(@[A-Za-z_0-9]*)\[([^\]]*)\]$/;
const LABEL = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names each kind reserves for itself: Prometheus' bucket bound, the stats part. */
const RESERVED: Partial<Record<MapSpec['kind'], string>> = { hist: 'le', lhist: 'le', stats: 'stat', str: 'value' };

function checkNames(m: MapSpec | undefined, mapName: string, names: string[]): string | undefined {
  if (!m) return `the script has no map ${mapName}`;
  if (names.length !== m.keyCount) return `${mapName} has ${m.keyCount} key${m.keyCount === 1 ? '' : 's'}, not ${names.length}`;
  const bad = names.find((n) => !LABEL.test(n) || n.startsWith('__'));
  if (bad !== undefined) return `'${bad}' is not a label name (letters, digits and _, not starting with a digit or __)`;
  const reserved = names.find((n) => n === RESERVED[m.kind]);
  if (reserved) return `'${reserved}' is the label ${m.kind}() uses itself`;
  if (new Set(names).size !== names.length) return 'a label name is given twice';
  return undefined;
}

/** Every `// labels:` line of the script: the names per map, or located errors. */
export function labelDirectives(file: SourceFile, maps: MapSpec[]): { names: Map<string, string[]>; diagnostics: Diagnostic[] } {
  const names = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  for (const d of file.text.matchAll(DIRECTIVE)) {
    const at = span(file, d.index!, d.index! + d[0].length);
    for (const part of d[1].trim().split(/\s+(?=@)/)) {
      const m = ONE.exec(part.trim());
      if (!m) {
        diagnostics.push(diag('GT5011', at, { reason: `write the map with its label names: @lat[method, status], not '${part.trim()}'` }));
        continue;
      }
      const list = m[2]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const why = checkNames(
        maps.find((x) => x.name === m[1]),
        m[1],
        list,
      );
      if (why) diagnostics.push(diag('GT5011', at, { reason: why }));
      else names.set(m[1], list);
    }
  }
  return { names, diagnostics };
}
