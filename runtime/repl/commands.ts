// The REPL's dot-commands. Each takes the rest of the line and writes its answer through the
// core's output; mistakes are plain (unlocated) ERROR lines and the session goes on.
import fs from 'node:fs';
import path from 'node:path';
import { diag, type Code, type DiagArgs } from '../../grammar/catalog/index.js';
import { SourceFile } from '../../grammar/source.js';
import { GoBinaryError, binaryDiagnostic, type GoBinary } from '../../compiler/go/binary.js';
import { isGlob } from '../../compiler/go/glob.js';
import { NotRegularFileError, readRegularText } from '../../compiler/files.js';
import { openCached } from '../../compiler/passes/resolve.js';
import { listFunctions } from '../list.js';
import type { ReplCore } from './core.js';
import { describeSpec } from './core.js';
import { watchMap } from './watch.js';
import { startGraph } from './graph.js';
import { typeLines } from './gotypes.js';
import { helpFor, helpNames } from './help.js';
import { suggest } from '../../compiler/passes/suggest.js';
import { Target, TargetError, type TargetSpec } from '../target.js';

export interface Command {
  help: string;
  /** Argument shape shown by .help. */
  usage?: string;
  run(core: ReplCore, rest: string): void | Promise<void>;
}

const HELP_TEXT = `Type a probe to attach it at once; it gets an id (see .probes):
    uprobe:main.handle { @calls = count(); }
    uprobe:main.handle < @lat = hist(elapsed) >
A block left open goes on on the next line. Without a probe, statements run now on the maps:
    @lat    print(@lat)    print(@m[42])    clear(@lat)    zero(@lat)    delete(@m[42])
Maps of the same name are shared by all probes; they stay after .detach and are printed at exit.
exit() in a probe detaches that probe. .break abandons an unfinished block.
TAB completes probe types, function names, args.NAME, builtins and maps. Ctrl-C clears the line
(twice exits), Ctrl-D or .exit leaves: every non-empty map is printed, every probe detached.
`;

/** A diagnostic about a command, not about script text: it has no span. */
function plainError<C extends Code>(core: ReplCore, code: C, ...args: DiagArgs<C>): void {
  core.report([diag(code, undefined, ...args)]);
}

function needBinary(core: ReplCore): GoBinary | undefined {
  if (!core.target.binary) {
    plainError(core, 'GT5620');
    return undefined;
  }
  try {
    return openCached(core.target.binary);
  } catch (e) {
    if (e instanceof GoBinaryError) return (core.report([binaryDiagnostic(e, core.target.binary)]), undefined);
    throw e;
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s + ' ' : s.padEnd(n);
}

export const COMMANDS: Record<string, Command> = {
  help: {
    usage: '[NAME]',
    help: 'Show this help, or what NAME is (builtin, function, probe kind, .command) with an example',
    run(core, rest) {
      const name = rest.trim();
      if (name) {
        const text = helpFor(name, COMMANDS);
        if (text) return core.out.write(text);
        const near = suggest(name, helpNames(COMMANDS));
        return plainError(core, 'GT5632', { name }, near ? [`did you mean ${near}?`] : []);
      }
      core.out.write(HELP_TEXT + '\n');
      const names = Object.keys(COMMANDS).sort();
      for (const n of names) {
        const c = COMMANDS[n];
        core.out.write(`    ${pad(`.${n}${c.usage ? ' ' + c.usage : ''}`, 22)}${c.help}\n`);
      }
    },
  },
  probes: {
    help: 'List the attached probes: id, hits, functions, text',
    run(core) {
      if (!core.probes.size) return core.out.write('no probes attached\n');
      core.out.write(`${'id'.padStart(4)} ${'hits'.padStart(10)}  probe\n`);
      for (const p of core.probes.values()) {
        const hits = core.hits(p);
        core.out.write(
          `${String(p.id).padStart(4)} ${(hits === undefined ? '-' : String(hits)).padStart(10)}  ${p.text.replace(/\s*\n\s*/g, ' ')}\n`,
        );
        const fns =
          p.functions.length > 4 ? `${p.functions.slice(0, 4).join(', ')}, ... (${p.functions.length} functions)` : p.functions.join(', ');
        core.out.write(`${' '.repeat(17)}${fns}${p.sites ? `; ${p.sites} site${p.sites === 1 ? '' : 's'}` : ''}\n`);
      }
    },
  },
  detach: {
    usage: 'ID|all',
    help: 'Detach a probe (its maps stay)',
    run(core, rest) {
      const arg = rest.trim();
      const ids =
        arg === 'all'
          ? [...core.probes.keys()]
          : arg
              .split(/[\s,]+/)
              .filter(Boolean)
              .map(Number);
      if (!arg || ids.some((n) => !Number.isInteger(n))) return plainError(core, 'GT5621');
      for (const id of ids) {
        if (core.detach(id)) core.out.write(`probe ${id} detached\n`);
        else plainError(core, 'GT5622', { id }, core.probes.size ? [`attached: ${[...core.probes.keys()].join(', ')}`] : []);
      }
    },
  },
  maps: {
    help: 'List the maps: type, entries, probes using them',
    run(core) {
      const names = core.mapNames();
      if (!names.length) return core.out.write('no maps\n');
      for (const n of names) {
        const m = core.maps.get(n)!;
        const count = core.readMap(n).length;
        const users = core.usedBy(n);
        core.out.write(
          `${pad(n, 12)} ${pad(describeSpec(m.spec), 28)} ${count} entr${count === 1 ? 'y' : 'ies'}; ${users.length ? `probe${users.length > 1 ? 's' : ''} ${users.join(', ')}` : 'no probe attached'}\n`,
        );
      }
    },
  },
  funcs: {
    usage: 'PATTERN',
    help: "List the target's functions matching PATTERN (* wildcards, except in (*T); without, a substring), a screenful (add ' all' for every one)",
    run(core, rest) {
      const bin = needBinary(core);
      if (!bin) return;
      let pattern = rest.trim().replace(/^(uprobe|uretprobe|u|ur):/, '') || '*';
      const all = / all$/.test(pattern);
      if (all) pattern = pattern.replace(/ all$/, '');
      if (!isGlob(pattern)) pattern = `*${pattern}*`;
      const lines = listFunctions(bin, pattern, false);
      if (!lines.length) return core.out.write(`no function matches ${pattern}\n`);
      // A long list is cut to a screenful: the count says how much more there is.
      const page = all ? lines.length : Math.max(10, (core.opts.rows ?? 40) - 4);
      core.out.write(lines.slice(0, page).join('\n') + '\n');
      const more = lines.length - page;
      core.out.write(
        `${lines.length} function${lines.length === 1 ? '' : 's'} match ${pattern}${more > 0 ? `; ${more} more not shown: narrow the pattern, or .funcs ${rest.trim()} all` : ''}\n`,
      );
    },
  },
  args: {
    usage: 'FUNC',
    help: 'Show what a probe on FUNC can read: args.NAME, rets.N with Go types and registers',
    run(core, rest) {
      const name = rest.trim().replace(/^(uprobe|uretprobe|u|ur):/, '');
      if (!name) return plainError(core, 'GT5623');
      const bin = needBinary(core);
      if (!bin) return;
      const lines = listFunctions(bin, name, true);
      if (!lines.length) return plainError(core, 'GT3011', { name, path: bin.path, short: name.replace(/^.*\./, '') });
      core.out.write(lines.join('\n') + '\n');
    },
  },
  watch: {
    usage: '@MAP [SECONDS] [top N]',
    help: 'Redraw a map every SECONDS (1 by default), its N largest entries, until a key is pressed',
    run: (core, rest) => watchMap(core, rest),
  },
  types: {
    usage: 'NAME',
    help: 'Show a Go type of the target (from its DWARF): fields, offsets, types',
    run(core, rest) {
      const name = rest.trim();
      if (!name) return plainError(core, 'GT5633');
      const bin = needBinary(core);
      if (!bin) return;
      const t = bin.dwarf()?.findType(name);
      if (!t) return plainError(core, 'GT5634', { name, path: bin.path });
      core.out.write(typeLines(name, t).join('\n') + '\n');
    },
  },
  target: {
    usage: 'PID|PATH',
    help: 'Trace another process or binary (detach every probe first)',
    run(core, rest) {
      const arg = rest.trim();
      if (!arg) return core.out.write(`target: ${core.target.describe}\n`);
      if (core.probes.size) return plainError(core, 'GT5625');
      const spec: TargetSpec = /^[1-9][0-9]*$/.test(arg) ? { pid: Number(arg) } : { path: arg };
      let t: Target;
      try {
        t = Target.open(spec);
      } catch (e) {
        if (e instanceof TargetError) return core.report([e.diagnostic]);
        throw e;
      }
      if (core.target.held) core.out.write(`${core.target.describe} never ran: stopped\n`);
      core.setTarget(t);
      core.out.write(`target: ${t.describe}\n`);
      // Maps are the session's, not the target's: they stay, and the user is told which.
      const kept = core.mapNames();
      if (kept.length) core.out.write(`maps kept from before: ${kept.join(', ')} (clear(@m) empties one)\n`);
    },
  },
  run: {
    help: 'Let a -c command run without waiting for a probe',
    run(core) {
      if (core.target.release()) core.out.write(`released ${core.target.describe}\n`);
      else if (core.targetEnded !== undefined)
        core.out.write(`${core.target.describe} ${core.targetEnded}: .target PID|PATH to trace another\n`);
      else core.out.write(core.target.child ? 'the command is already running\n' : 'no held command (.run is for -c)\n');
    },
  },
  load: {
    usage: 'FILE.gt',
    help: 'Attach the probes of a script',
    async run(core, rest) {
      const file = rest.trim();
      if (!file) return plainError(core, 'GT5627');
      let text: string;
      try {
        text = readRegularText(file);
      } catch (e) {
        const reason =
          e instanceof NotRegularFileError
            ? `it is ${e.kind}, not a regular file`
            : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
        return plainError(core, 'GT5001', { file, reason });
      }
      // Loading a file twice would attach every probe twice and count every event twice.
      const again = [...core.probes.values()]
        .filter((p) => p.source !== 'stdin' && path.resolve(p.source) === path.resolve(file))
        .map((p) => p.id);
      if (again.length) return plainError(core, 'GT5631', { file, ids: again.join(', ') });
      await core.addProbes(new SourceFile(file, text));
    },
  },
  graph: {
    usage: 'FUNC [--under P]...',
    help: 'Call graphs of FUNC: --under, --min, --max-trees, --sample, --show, --depth (docs/graphs.md)',
    run: (core, rest) => startGraph(core, rest),
  },
  save: {
    usage: 'FILE.gt',
    help: 'Write the attached probes as a script',
    run(core, rest) {
      const file = rest.trim();
      if (!file) return plainError(core, 'GT5628');
      const probes = [...core.probes.values()];
      const text = `// gotrace REPL session: ${probes.length} probe${probes.length === 1 ? '' : 's'} on ${core.target.describe}\n${probes.map((p) => p.text + '\n').join('')}`;
      try {
        fs.writeFileSync(file, text);
      } catch (e) {
        return plainError(core, 'GT5006', { file, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      }
      core.out.write(`saved ${probes.length} probe${probes.length === 1 ? '' : 's'} to ${file}\n`);
    },
  },
  exit: {
    help: 'Print the maps, detach everything and leave (also Ctrl-D)',
    run() {
      /* handled by the server: it closes the REPL */
    },
  },
};
