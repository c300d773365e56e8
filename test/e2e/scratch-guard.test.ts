// The per-CPU scratch guard on real BPF (gotrace.bpf.h, "per-CPU alone is NOT exclusive"): a
// preempted program holding a CPU's scratch is played by setting the guard word of every CPU
// from outside (bpftool) while the session runs. Every later event must be skipped, counted and
// reported; none may run over the held scratch.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { startGotrace, waitForOutput } from '../helpers/cli.js';

/** The gt_scratch map among the BPF maps the process `pid` holds open. */
function scratchMapOf(pid: number): { id: number; bytes_value: number } {
  const ids = new Set<number>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fdinfo`)) {
    const m = /^map_id:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
    if (m) ids.add(Number(m[1]));
  }
  const maps = JSON.parse(execFileSync('bpftool', ['map', 'show', '-j'], { encoding: 'utf8' })) as {
    id: number;
    name?: string;
    bytes_value: number;
  }[];
  const m = maps.find((x) => ids.has(x.id) && x.name === 'gt_scratch');
  if (!m) throw new Error(`no gt_scratch map in process ${pid}`);
  return m;
}

t.test('a held scratch guard skips events and reports them', async (t) => {
  if (!requireBpf(t)) return;
  const { child, done } = startGotrace(['-e', 'interval:ms:20 { $s = "a"; @n[$s] = count(); }']);
  await waitForOutput(child.stderr!, /Attaching/);
  await new Promise((r) => setTimeout(r, 300));
  const m = scratchMapOf(child.pid!);
  // busy = 1 (little-endian first word), the rest zero; bpftool writes it to every CPU.
  const value = ['1', ...Array(m.bytes_value - 1).fill('0')];
  execFileSync('bpftool', ['map', 'update', 'id', String(m.id), 'key', '0', '0', '0', '0', 'value', ...value]);
  await new Promise((r) => setTimeout(r, 600));
  child.kill('SIGINT');
  const r = await done;
  t.equal(r.code, 0, r.stderr);
  const skipped = /^(\d+) events skipped: scratch space busy \(preempted program on the same CPU\)$/m.exec(r.stderr);
  t.ok(skipped && Number(skipped[1]) >= 10, `the ticks after the guard was taken are skipped and reported\n${r.stderr}`);
  const n = /^@n\[a\]: (\d+)$/m.exec(r.stdout);
  t.ok(n && Number(n[1]) >= 1, `the ticks before it counted\n${r.stdout}`);
});
