#!/usr/bin/env bash
# Installs what gotrace needs on a Debian machine that has only Node and npm, then builds.
# Idempotent and quick when everything is already there: each step checks before acting.
#   apt: clang (BPF compiler), libbpf1 + libbpf-dev (loader and BPF headers), linux-libc-dev,
#        golang-go (the demo and test programs), bpftool (checks that nothing stays loaded),
#        bpftrace (our peer: tests compare output layouts side by side), tmux (REPL e2e),
#        prometheus (the exporter e2e scrapes gotrace with a real server; promtool lints),
#        golang-google-grpc-dev (grpc-go's sources: scripts/grpc-server.gt's e2e builds a server)
#        caddy (a real Go server, stripped and cgo: test/e2e/real-servers.test.ts runs the tools on it)
#   tracefs: mounted at /sys/kernel/tracing when missing (tracepoint: probes)
#   npm: the package's dependencies;  tsc: dist/ when a source is newer than the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in clang llvm libbpf1 libbpf-dev linux-libc-dev golang-go bpftool bpftrace tmux prometheus golang-google-grpc-dev caddy; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} (apt)" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "setup: need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1
    fi
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

# tracefs (tracepoint: probes read the kernel's event formats there): mounted when missing, as
# root; gotrace also mounts it itself, this only saves the first run the step.
if [ ! -d /sys/kernel/tracing/events ] && [ "$(id -u)" = 0 ]; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || echo "setup: could not mount tracefs at /sys/kernel/tracing" >&2
fi

# npm packages: install when node_modules is missing or older than the manifests.
if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ] \
   || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: installing npm packages" >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
fi

# TypeScript: rebuild when any source is newer than the last build.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find grammar compiler runtime test tools tsconfig.json -newer "$stamp" \( -name '*.ts' -o -name tsconfig.json \) -print -quit 2>/dev/null)" ]; then
  echo "setup: building (tsc)" >&2
  npx tsc -p tsconfig.json
  touch "$stamp"
fi
