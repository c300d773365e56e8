// `.graph FUNC [--under PATTERNS] [--min D] [--max-trees N] [--sample N] [--show 'F: E'] [--depth N]`:
// a call graph at the prompt (docs/graphs.md). The CLI's --graph script, compiled and loaded as
// ONE object: its entry and return events must share one ring buffer to keep their order, where
// typed probes are an object each. It is one probe in .probes; trees appear above the prompt,
// and what they left out when it is detached.
import { hasErrors } from '../../grammar/diagnostics.js';
import { diag } from '../../grammar/catalog/index.js';
import { parse } from '../../grammar/index.js';
import { SourceFile } from '../../grammar/source.js';
import type { UprobeAttach } from '../../compiler/manifest.js';
import { BpfError } from '../libbpf/index.js';
import { splitCommand } from '../target.js';
import { prepareGraph } from '../graph/cli.js';
import { parseGraphArgs, type GraphOptions } from '../graph/options.js';
import { graphDiagnostics, GraphSession } from '../graph/session.js';
import type { ReplCore } from './core.js';
import type { ProbeHandle } from './backend.js';

class GraphUsage extends Error {}

function options(core: ReplCore, rest: string): GraphOptions | undefined {
  try {
    return parseGraphArgs(splitCommand(rest), (m) => new GraphUsage(m));
  } catch (e) {
    if (!(e instanceof GraphUsage)) throw e;
    core.report([diag('GT5280', undefined, { reason: e.message })]);
    return undefined;
  }
}

export async function startGraph(core: ReplCore, rest: string): Promise<void> {
  const t0 = performance.now();
  const o = options(core, rest);
  if (!o) return;
  const binary = core.target.binary;
  if (!binary) return core.report([diag('GT5620', undefined)]);
  const prep = prepareGraph(o, binary);
  if (!prep.script) return core.report(prep.diagnostics);
  const script = prep.script;
  const file = new SourceFile('.graph', script.text);
  const program = parse(file).program!;
  const c = await core.backend.compile(file, { binary, noCache: core.opts.noCache }, program);
  const ds = graphDiagnostics(c.diagnostics, script);
  core.report(ds);
  if (hasErrors(ds) || !c.object || !c.manifest) return;
  const out = core.opts.results ?? { write: (s: string) => core.out.notify(s) };
  const session = new GraphSession(o, script, out, core.opts.format === 'json');
  const m = c.manifest;
  let id: number;
  try {
    id = core.adopt((id) => {
      const handle = core.backend.load(c.object!, m, {
        targetTgid: core.target.tgid,
        attachPid: core.target.attachPid,
        attachPath: c.binary?.attachPath(),
        binary: c.binary,
      });
      attach(core, id, handle, session);
      const sites = m.attach.filter((a): a is UprobeAttach => 'at' in a).reduce((n, a) => n + a.sites.length, 0);
      return {
        id,
        text: `// .graph ${rest.trim()}`,
        source: '.graph',
        ast: program.probes[0],
        handle,
        manifest: m,
        functions: [...new Set(m.probes.map((p) => p.func))],
        sites,
        maps: [],
        attachMs: performance.now() - t0,
        onTarget: core.target.pid !== undefined,
        onDetach: () => {
          session.noteMaps(m.maps.map((spec) => ({ spec, entries: handle.readMap(spec) })));
          core.out.notify(session.summary());
        },
      };
    });
  } catch (e) {
    if (!(e instanceof BpfError)) throw e;
    return core.report([diag('GT5100', undefined, { reason: e.message })]);
  }
  core.out.write(`probe ${id} attached: call graphs of ${o.root} (${script.traced} functions)\n`);
}

/** Events to the graph; --max-trees reached detaches it, once the poll that read it is over. */
function attach(core: ReplCore, id: number, handle: ProbeHandle, session: GraphSession): void {
  try {
    handle.onEvents((e) => {
      if (session.event(e) !== 'end') return;
      setImmediate(() => core.detach(id) && core.out.notify(`probe ${id}: ${session.shown} call graphs shown: detached\n`));
    });
    handle.attach();
  } catch (e) {
    handle.dispose();
    throw e;
  }
}
