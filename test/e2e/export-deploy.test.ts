// The deployment files stay usable: the agent script (deploy/agent.gt) and the DaemonSet's copy
// of it compile against a Go binary with main.handle (--dry-run, labels checked), the two say
// the same thing, and systemd accepts the unit file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { runGotrace } from '../helpers/cli.js';
import { buildGo, repoRoot } from '../helpers/go.js';

const deploy = (f: string) => fs.readFileSync(path.join(repoRoot, 'deploy', f), 'utf8');

/** The ConfigMap's agent.gt block, unindented. */
function configMapScript(yaml: string): string {
  const m = /^  agent\.gt: \|\n((?: {4}.*\n)+)/m.exec(yaml);
  return m ? m[1].replace(/^ {4}/gm, '') : '';
}

const probes = (s: string) => s.split('\n').filter((l) => (l && !l.startsWith('//')) || l.startsWith('// labels:'));

t.test('deploy/agent.gt and the DaemonSet script compile, labels included', async (t) => {
  if (!requireBpf(t)) return;
  const exe = buildGo('latency');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-deploy-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const agent = deploy('agent.gt');
  const k8s = configMapScript(deploy('daemonset.yaml'));
  t.ok(k8s.includes('uprobe:/host/opt/app/server:'), 'the DaemonSet reads the binary from its hostPath mount');
  t.same(probes(k8s.replaceAll('/host/opt/app/', '/opt/app/')), probes(agent), 'the same probes as deploy/agent.gt');
  for (const [name, text, from] of [
    ['agent.gt', agent, '/opt/app/server'],
    ['daemonset', k8s, '/host/opt/app/server'],
  ]) {
    const file = path.join(dir, `${name}.gt`);
    fs.writeFileSync(file, text.replaceAll(from, exe));
    const r = await runGotrace(['--dry-run', '--prometheus', '127.0.0.1:9464', file]);
    t.equal(r.code, 0, `${name} compiles (${r.stderr})`);
  }
  const bad = path.join(dir, 'bad.gt');
  fs.writeFileSync(bad, agent.replaceAll('/opt/app/server', exe).replace('@handle_calls[fn]', '@handle_calls[fn, x]'));
  const r = await runGotrace(['--dry-run', '--prometheus', '127.0.0.1:9464', bad]);
  t.equal(r.code, 1, 'a labels line that does not fit is an error');
  t.match(r.stderr, 'ERROR: labels: @handle_calls has 1 key, not 2', 'located, plain');
});

t.test('systemd-analyze verify accepts deploy/gotrace.service', async (t) => {
  const v = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) {
    t.plan(0, 'systemd-analyze is not installed');
    return;
  }
  const r = spawnSync('systemd-analyze', ['verify', path.join(repoRoot, 'deploy', 'gotrace.service')], { encoding: 'utf8' });
  // N.B. verify also checks that ExecStart's program exists: /usr/bin/env does; gotrace's own
  // path is an argument. Lines about other units of this machine are not ours.
  const ours = (r.stderr + r.stdout).split('\n').filter((l) => l.includes('gotrace.service'));
  t.same(ours, [], 'no complaint about the unit');
});
