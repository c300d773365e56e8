// The tools on a real Go server: Debian's caddy (stripped, cgo, Go 1.19), serving static files
// over HTTP and a `respond` over HTTPS with its internal CA. Each tool must count what the
// clients did, the server must go on serving after gotrace ends, and no link of gotrace's may
// be left in the kernel. (scripts-net.test.ts runs the same tools on fixtures with ground truth.)
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, startGotrace, waitForOutput, type RunResult } from '../helpers/cli.js';
import { repoRoot } from '../helpers/go.js';
import { freePort } from '../helpers/prometheus.js';

const script = (name: string) => path.join(repoRoot, 'scripts', name);

interface Caddy {
  child: ChildProcess;
  httpPort: number;
  httpsPort: number;
  stop(): void;
}

/** caddy's configuration: admin API off, no trust store to install into, storage in `dir`. */
async function caddyConfig(dir: string): Promise<{ config: string; httpPort: number; httpsPort: number }> {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  fs.mkdirSync(path.join(dir, 'www'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'www', 'small.txt'), 'hello\n');
  fs.writeFileSync(path.join(dir, 'www', 'big.bin'), Buffer.alloc(64 * 1024, 7));
  const config = path.join(dir, 'Caddyfile');
  fs.writeFileSync(
    config,
    `{\n\tadmin off\n\tskip_install_trust\n\tauto_https disable_redirects\n\tstorage file_system ${dir}/storage\n}\n` +
      `https://localhost:${httpsPort} {\n\ttls internal\n\trespond "hello tls"\n}\n` +
      `http://127.0.0.1:${httpPort} {\n\troot * ${dir}/www\n\tfile_server\n}\n`,
  );
  return { config, httpPort, httpsPort };
}

async function startCaddy(): Promise<Caddy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-caddy-'));
  const { config, httpPort, httpsPort } = await caddyConfig(dir);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
  const child = spawn('caddy', ['run', '--config', config, '--adapter', 'caddyfile'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForOutput(child.stderr!, /serving initial configuration/, 30_000);
  const stop = () => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { child, httpPort, httpsPort, stop };
}

/** GET url on a connection of its own (so an HTTPS request is a TLS handshake): its status. */
function get(url: string): Promise<number> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { agent: false, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

/** The BPF links a process holds (its fds' fdinfo). */
function heldLinks(pid: number): number[] {
  const ids: number[] = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      const m = /^link_id:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) ids.push(Number(m[1]));
    } catch {
      /* closed meanwhile */
    }
  }
  return ids;
}

function liveLinks(): Set<number> {
  const all = JSON.parse(execFileSync('bpftool', ['link', 'show', '-j'], { encoding: 'utf8' }) || '[]') as { id: number }[];
  return new Set(all.map((l) => l.id));
}

/** Runs a tool on `target` (-p PID or -c CMD), makes the load once it is attached, ends it with
 *  Ctrl-C; returns its output and the links it held while attached. */
async function traced(args: string[], load: () => Promise<void>, env: NodeJS.ProcessEnv = {}): Promise<RunResult & { links: number[] }> {
  const g = startGotrace(args, env);
  await waitForOutput(g.child.stderr!, /Attaching \d+ probes?/, 90_000);
  const links = heldLinks(g.child.pid!);
  await load();
  g.child.kill('SIGINT');
  return { ...(await g.done), links };
}

t.test('caddy: http-server.gt and tls.gt with -p count what the clients did; caddy serves on, no link is left', async (t) => {
  if (!requireBpf(t)) return;
  const caddy = await startCaddy();
  t.teardown(caddy.stop);
  const base = `http://127.0.0.1:${caddy.httpPort}`;
  const pid = String(caddy.child.pid);
  const r = await traced([script('http-server.gt'), '-p', pid], async () => {
    for (let i = 0; i < 20; i++) await get(`${base}/small.txt`);
    for (let i = 0; i < 5; i++) await get(`${base}/big.bin`);
    for (let i = 0; i < 3; i++) await get(`${base}/missing`);
  });
  t.equal(r.code, 0, r.stderr);
  t.same(
    parseMapLines(r.stdout, '@requests'),
    new Map([
      ['GET, /missing, 404', 3n],
      ['GET, /big.bin, 200', 5n],
      ['GET, /small.txt, 200', 20n],
    ]),
    'requests by method, path and status',
  );
  t.ok(r.links.length > 0, `gotrace held ${r.links.length} links while attached`);
  const live = liveLinks();
  t.same(
    r.links.filter((id) => live.has(id)),
    [],
    'none of its links is left',
  );
  t.equal(await get(`${base}/small.txt`), 200, 'caddy serves after gotrace ended');

  const tls = await traced([script('tls.gt'), '-p', pid], async () => {
    for (let i = 0; i < 6; i++) t.equal(await get(`https://localhost:${caddy.httpsPort}/`), 200);
  });
  t.equal(tls.code, 0, tls.stderr);
  const handshakes = [...tls.stdout.matchAll(/^\[\S+, \S+\)\s+(\d+) \|/gm)].reduce((a, m) => a + Number(m[1]), 0);
  t.equal(handshakes, 6, 'a server handshake timed for each connection');
  t.notMatch(tls.stdout, /^@server_errors/m, 'none failed');
  t.equal(await get(`https://localhost:${caddy.httpsPort}/`), 200, 'caddy serves HTTPS after gotrace ended');
});

t.test('caddy: goroutine-leaks.gt with -c names each creation site once', async (t) => {
  if (!requireBpf(t)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-caddy-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { config, httpPort } = await caddyConfig(dir);
  const cmd = `caddy run --config ${config} --adapter caddyfile`;
  const env = { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
  const r = await traced(
    [script('goroutine-leaks.gt'), '-c', cmd],
    async () => {
      // caddy may still be starting when the probes are attached.
      for (let i = 0; i < 100; i++) {
        if (await get(`http://127.0.0.1:${httpPort}/small.txt`).catch(() => 0)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      for (let i = 0; i < 10; i++) await get(`http://127.0.0.1:${httpPort}/small.txt`);
    },
    env,
  );
  t.equal(r.code, 0, r.stderr);
  const created = [...r.stdout.matchAll(/^@created\[(.*)\]: \d+$/gm)].map((m) => m[1]);
  t.ok(created.length > 10, `${created.length} creation sites`);
  t.same(
    created.filter((s, i) => created.indexOf(s) !== i),
    [],
    'no site twice (runtime.gcenable has two go statements)',
  );
  t.equal(parseMapLines(r.stdout, '@created').get('runtime.gcenable'), 2n, "runtime.gcenable's two goroutines, as one site");
});
