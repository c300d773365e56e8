// The network tools of scripts/ against test/fixtures/go/nettools (an HTTP server and client,
// DNS lookups, TLS handshakes on loopback) and test/fixtures/go/grpcserver (grpc-go from
// Debian's golang-google-grpc-dev): each fixture prints what it served, sent, resolved or
// handshook, and the tool must count the same, with DWARF and, where its header says so,
// stripped; where it needs DWARF, a stripped build gets a located error.
import path from 'node:path';
import t from 'tap';
import { requireBpf } from '../helpers/bpf.js';
import { parseMapLines, runGotrace } from '../helpers/cli.js';
import { checkSample } from '../helpers/samples.js';
import { buildGo, repoRoot, type BuildOpts } from '../helpers/go.js';

const script = (name: string) => path.join(repoRoot, 'scripts', name);
const BUILDS: [string, BuildOpts][] = [
  ['DWARF', {}],
  ['stripped', { ldflags: '-s -w' }],
];

/** "LABEL rest... N" lines of a fixture, as a map of rest to N. */
function truth(out: string, label: string): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const x of out.matchAll(new RegExp(`^${label} (.*) (\\d+)$`, 'gm'))) m.set(x[1], BigInt(x[2]));
  return m;
}

/** The counts of a histogram printed as `@name[key]:` (a block of bucket lines). */
function histCount(out: string, head: string): number {
  const h = out.split(`${head}: \n`)[1]?.split('\n\n')[0] ?? '';
  return [...h.matchAll(/^\[\S+, \S+\)\s+(\d+) \|/gm)].reduce((a, m) => a + Number(m[1]), 0);
}

t.test('http-server.gt: requests by method, path and status, with latency', async (t) => {
  if (!requireBpf(t)) return;
  for (const [what, opts] of BUILDS) {
    const r = await runGotrace([script('http-server.gt'), '-c', `${buildGo('nettools', opts)} http`]);
    t.equal(r.code, 0, r.stderr);
    checkSample(t, 'http-server.gt', r.stdout);
    const served = new Map([...truth(r.stdout, 'served')].map(([k, v]) => [k.replace(/ /g, ', '), v]));
    t.equal(served.size, 4);
    t.same(parseMapLines(r.stdout, '@requests'), served, `requests by method, path and status (${what})`);
    t.equal(histCount(r.stdout, '@latency_ns[GET, /ok/2ms]'), 6, `a latency for each GET /ok/2ms (${what})`);
    t.notMatch(r.stdout, /^@start/m, 'every request ended');
  }
});

t.test('http-server.gt over HTTP/2 (TLS, net/http on both sides): the same counts', async (t) => {
  if (!requireBpf(t)) return;
  for (const [what, opts] of BUILDS) {
    const r = await runGotrace([script('http-server.gt'), '-c', `${buildGo('nettools', opts)} http2`]);
    t.equal(r.code, 0, r.stderr);
    t.same(truth(r.stdout, 'proto'), new Map([['HTTP/2.0', 12n]]), 'every request went over HTTP/2');
    const served = new Map([...truth(r.stdout, 'served')].map(([k, v]) => [k.replace(/ /g, ', '), v]));
    t.equal(served.size, 4);
    t.same(parseMapLines(r.stdout, '@requests'), served, `requests by method, path and status (${what})`);
    t.equal(histCount(r.stdout, '@latency_ns[POST, /ok/5ms]'), 3, `a latency for each POST /ok/5ms (${what})`);
    t.notMatch(r.stdout, /^@start/m, 'every request ended');
  }
  const r = await runGotrace([script('http-requests.gt'), '-c', `${buildGo('nettools')} http2`]);
  const served = new Map<string, bigint>();
  for (const [k, v] of truth(r.stdout, 'served')) {
    const key = k.split(' ').slice(0, 2).join(', ');
    served.set(key, (served.get(key) ?? 0n) + v);
  }
  t.same(parseMapLines(r.stdout, '@requests'), served, 'http-requests.gt counts HTTP/2 requests too');
});

t.test('http-client.gt: responses by method, host and status; failed requests with their error', async (t) => {
  if (!requireBpf(t)) return;
  for (const [what, opts] of BUILDS) {
    const r = await runGotrace([script('http-client.gt'), '-c', `${buildGo('nettools', opts)} http`]);
    t.equal(r.code, 0, r.stderr);
    checkSample(t, 'http-client.gt', r.stdout);
    const own = truth(r.stdout, 'client');
    const got = parseMapLines(r.stdout, '@responses');
    const byHostStatus = new Map<string, bigint>();
    for (const [k, v] of got) {
      const [, host, status] = k.split(', ');
      byHostStatus.set(`${host} ${status}`, (byHostStatus.get(`${host} ${status}`) ?? 0n) + v);
    }
    const errors = new Map([...parseMapLines(r.stdout, '@errors')].map(([k, v]) => [`error ${k.split(', ')[1]}`, v]));
    t.same(new Map([...byHostStatus, ...errors]), own, `responses and errors by host (${what})`);
    const host = [...own.keys()].find((k) => k.endsWith(' 200'))!.split(' ')[0];
    t.equal(got.get(`POST, ${host}, 200`), 3n, 'by method too');
    t.equal(histCount(r.stdout, `@latency_ns[${host}]`), 12, 'a latency for each response');
    t.match(r.stdout, /^GET 127\.0\.0\.1:\d+: &\{dial tcp /m, 'each failure printed with its error');
  }
});

t.test('dns.gt: lookups by name with latency and failures; a stripped build is a located error', async (t) => {
  if (!requireBpf(t)) return;
  const r = await runGotrace([script('dns.gt'), '-c', `${buildGo('nettools')} dns`]);
  t.equal(r.code, 0, r.stderr);
  checkSample(t, 'dns.gt', r.stdout);
  const own = r.stdout.match(/^lookupIPAddr ok=(\d+) failed=(\d+)\nlookupHost ok=(\d+)$/m);
  t.ok(own, r.stdout);
  t.equal(histCount(r.stdout, '@lookup_ns[localhost]'), Number(own![1]) + Number(own![3]), 'each lookup of localhost');
  t.same(
    parseMapLines(r.stdout, '@errors'),
    new Map([
      ['nx-one.invalid', 1n],
      ['nx-two.invalid', 1n],
    ]),
    'the failed lookups',
  );
  t.equal(Number(own![2]), 2);
  const s = await runGotrace(['--dry-run', script('dns.gt'), '-c', buildGo('nettools', { ldflags: '-s -w' })]);
  t.equal(s.code, 1);
  t.match(s.stderr, /^.*dns\.gt:\d+:\d+-\d+: ERROR: .*lookupHost.*debug information/m, 'located, and says why');
  // lookupIPAddr's signature comes from the type descriptors: positions without names.
  t.match(
    s.stderr,
    /ERROR: net\.\(\*Resolver\)\.lookupIPAddr has no parameter 'host'\n.*\n.*\nHINT: without DWARF \(stripped\?\) its parameters are known by position only: args\.0, args\.1, args\.2, args\.3; names need its debug information/,
    'a name on a stripped binary: says that names need DWARF, and the positions there are',
  );
  t.notMatch(s.stderr, /\n\s+at /, 'no stack trace');
});

t.test('tls.gt: client and server handshakes with latency and failures', async (t) => {
  if (!requireBpf(t)) return;
  for (const [what, opts] of BUILDS) {
    const r = await runGotrace([script('tls.gt'), '-c', `${buildGo('nettools', opts)} tls`]);
    t.equal(r.code, 0, r.stderr);
    checkSample(t, 'tls.gt', r.stdout);
    const c = r.stdout.match(/^client ok=(\d+) failed=(\d+)$/m)!;
    const s = r.stdout.match(/^server ok=(\d+) failed=(\d+)$/m)!;
    t.equal(histCount(r.stdout, '@client_ns[tools.test]'), Number(c[1]) + Number(c[2]), `client handshakes (${what})`);
    t.equal(parseMapLines(r.stdout, '@client_errors').get('tools.test'), BigInt(c[2]), 'failed client handshakes');
    t.equal(histCount(r.stdout, '@server_ns'), Number(s[1]) + Number(s[2]), 'server handshakes');
    t.equal(parseMapLines(r.stdout, '@server_errors').get(''), BigInt(s[2]), 'failed server handshakes');
    t.equal([...r.stdout.matchAll(/^client handshake with tools\.test: /gm)].length, Number(c[2]), 'each failure printed');
    t.equal(
      [...r.stdout.matchAll(/^client handshake with tools\.test: x509: certificate signed by unknown authority$/gm)].length,
      Number(c[2]),
      `with Go's message for x509.UnknownAuthorityError (${what})`,
    );
  }
});

t.test('grpc-server.gt: RPCs by full method and status code, grpc-go from Debian', async (t) => {
  if (!requireBpf(t)) return;
  for (const [what, opts] of BUILDS) {
    const bin = buildGo('grpcserver', { ...opts, gopath: '/usr/share/gocode' });
    const r = await runGotrace([script('grpc-server.gt'), '-c', bin]);
    t.equal(r.code, 0, r.stderr);
    checkSample(t, 'grpc-server.gt', r.stdout);
    const own = new Map([...truth(r.stdout, 'rpc')].map(([k, v]) => [k.replace(' ', ', '), v]));
    t.equal(own.size, 3);
    t.same(parseMapLines(r.stdout, '@rpcs'), own, `RPCs by method and code (${what})`);
    t.equal(histCount(r.stdout, '@latency_ns[/grpc.health.v1.Health/Check]'), 5, 'a latency for each Check');
  }
});
