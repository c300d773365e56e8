// The target module without BPF: a -c child never outlives gotrace's process, even when it dies
// of an uncaught exception; processAlive reads the state after the LAST ')' of /proc/PID/stat.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { repoRoot } from '../helpers/go.js';
import { cleanEnv } from '../helpers/cli.js';
import { processAlive } from '../../runtime/target.js';

const targetJs = path.join(repoRoot, 'dist', 'runtime', 'target.js');

/** A Node process that starts `sleep TAG` as a -c child, releases it, prints its pid, then dies
 *  of an uncaught exception (the way a bug in a timer would end gotrace). */
const crasher = `
const { HeldChild } = await import(${JSON.stringify(targetJs)});
const c = HeldChild.spawn(['sleep', process.argv[1]], 'pipe');
c.release();
console.log(c.pid);
setTimeout(() => { throw new Error('a bug'); }, 300);
`;

t.test('an uncaught exception in gotrace still kills the -c command', async (t) => {
  const tag = String(1000 + (process.pid % 1000));
  const r = spawnSync('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, '--input-type=module', '-e', crasher, tag], {
    encoding: 'utf8',
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  t.not(r.status, 0, 'the process died of the exception');
  t.match(r.stderr, /a bug/);
  const pid = Number(r.stdout.trim());
  t.ok(pid > 0, `the child's pid (${r.stdout.trim()})`);
  for (let i = 0; i < 20 && processAlive(pid); i++) await new Promise((res) => setTimeout(res, 50));
  t.notOk(processAlive(pid), 'the -c command is gone');
});

t.test('a process named ") Z x" is alive: the state follows the last )', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-comm-'));
  const link = path.join(dir, ') Z x');
  fs.symlinkSync('/bin/sleep', link);
  const p = spawn(link, ['30'], { stdio: 'ignore' });
  t.teardown(() => {
    p.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((res) => setTimeout(res, 200));
  t.match(fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8'), /^\d+ \(\) Z x\) [RSD] /, 'up to the first ) it reads like a zombie');
  t.ok(processAlive(p.pid!), 'alive');
  p.kill('SIGKILL');
  await new Promise((res) => p.once('exit', res));
  t.notOk(processAlive(p.pid!), 'dead once killed and reaped');
});
