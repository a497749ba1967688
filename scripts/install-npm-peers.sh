#!/usr/bin/env bash
# Installs the npm packages of the test peers (tests/peers/socketio-node: the socket.io
# server the interop tests run xport against; tests/browser: playwright-core, which drives
# Debian's /usr/bin/chromium in the web UI test) and of the web UI (web: socket.io-client,
# whose browser build the hub serves for live updates; scripts/demo.sh runs this too) from
# their committed package-lock.json.
# Uses the `node`/`npm` on PATH; when there are none, installs Debian's (nodejs 18 runs
# socket.io 4.8, whose engines ask for node >= 10.2). Idempotent and quiet: runs `npm ci`
# only when node_modules is missing or older than package-lock.json.
# Arguments: only these directories (e.g. `web`); none: all of them.
set -euo pipefail
cd "$(dirname "$0")/.."

peers=(tests/peers/socketio-node tests/browser web)
[ $# -gt 0 ] && peers=("$@")

stale=()
for dir in "${peers[@]}"; do
  lock="$dir/package-lock.json"
  stamp="$dir/node_modules/.package-lock.json"  # written by npm ci / npm install
  if [ ! -e "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    stale+=("$dir")
  fi
done
[ ${#stale[@]} -eq 0 ] && exit 0

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-npm-peers: installing Debian's nodejs and npm" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

for dir in "${stale[@]}"; do
  echo "install-npm-peers: npm ci in $dir (node $(node --version))" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$dir/node_modules/.package-lock.json"
done
