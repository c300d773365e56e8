// Start-up and footprint (issue #11): `gotrace --version` answers without the CLI, and the
// event ring is sized by need (a maps-only script gets one page, not 8 MiB).
import fs from 'node:fs';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace, startGotrace, waitForOutput } from '../helpers/cli.js';
import { buildGo } from '../helpers/go.js';
import { VERSION } from '../../runtime/version.js';

/** max_entries of every ring buffer map (type 27) a process holds, from its fds' fdinfo. */
function ringSizes(pid: number): number[] {
  const out: number[] = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      if (/^map_type:\s*27$/m.test(info)) out.push(Number(/^max_entries:\s*(\d+)$/m.exec(info)![1]));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

t.test('--version and -V print the version', async (t) => {
  for (const flag of ['--version', '-V']) {
    const r = await runGotrace([flag]);
    t.equal(r.code, 0);
    t.equal(r.stdout, `gotrace v${VERSION}\n`, flag);
  }
});

t.test('the event ring: one page without events, 8 MiB with, --ring-size when given', async (t) => {
  if (!requireBpf(t)) return;
  const ticker = buildGo('ticker');
  const cases: [string, string[], number][] = [
    ['uprobe:main.tick { @n = count(); }', [], 4096],
    ['uprobe:main.tick { printf("%d\\n", arg0); }', [], 8 << 20],
    ['uprobe:main.tick { printf("%d\\n", arg0); }', ['--ring-size', '64K'], 64 << 10],
  ];
  for (const [script, extra, want] of cases) {
    const g = startGotrace([...extra, '-e', script, '-c', `${ticker} -every 5ms`]);
    await waitForOutput(g.child.stderr!, /Attaching \d+ probes?\.\.\./);
    const sizes = ringSizes(g.child.pid!);
    g.child.kill('SIGINT');
    const r = await g.done;
    t.equal(r.code, 0, `exit 0 (${r.stderr.slice(-200)})`);
    t.same(sizes, [want], `${script} ${extra.join(' ')}: ring of ${want} bytes`);
  }
});
