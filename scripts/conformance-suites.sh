#!/usr/bin/env bash
# Runs the official Engine.IO and Socket.IO server test suites (protocol.md §5) against
# `xport hub --conformance`. Their code is never committed: give the git directories of
# snapshots of github.com/socketio/engine.io-protocol and github.com/socketio/socket.io-protocol
# (a clone's .git, or a bare mirror); their test-suite/ folders are taken out into a temp dir,
# `npm ci` installs their pinned dependencies, and mocha runs each against the hub on
# 127.0.0.1:3000. Prints each suite's mocha summary; exits non-zero when a test fails.
#
#   scripts/conformance-suites.sh ENGINE_IO_GIT_DIR SOCKET_IO_GIT_DIR [XPORT_BINARY]
set -euo pipefail

engine_git=${1:?usage: $0 ENGINE_IO_GIT_DIR SOCKET_IO_GIT_DIR [XPORT_BINARY]}
socket_git=${2:?usage: $0 ENGINE_IO_GIT_DIR SOCKET_IO_GIT_DIR [XPORT_BINARY]}
root=$(cd "$(dirname "$0")/.." && pwd)
xport=${3:-$root/build/release/apps/xport/xport}
work=$(mktemp -d /tmp/xport-conformance.XXXXXX)
hub_pid=
cleanup() {
  [[ -n $hub_pid ]] && kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

for suite in engine.io:$engine_git socket.io:$socket_git; do
  name=${suite%%:*}
  mkdir -p "$work/$name"
  git --git-dir="${suite#*:}" archive HEAD test-suite | tar -x -C "$work/$name"
  (cd "$work/$name/test-suite" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
done

"$xport" hub --conformance --listen 127.0.0.1:3000 >"$work/hub.log" 2>&1 &
hub_pid=$!
for _ in $(seq 50); do
  grep -q "listening on" "$work/hub.log" && break
  sleep 0.1
done
grep -q "listening on" "$work/hub.log" || { cat "$work/hub.log"; exit 1; }

status=0
for name in engine.io socket.io; do
  echo "== $name-protocol test suite"
  # The suites ask for localhost: make Node resolve it to 127.0.0.1, where the hub listens.
  (cd "$work/$name/test-suite" &&
    NODE_OPTIONS=--dns-result-order=ipv4first timeout 300 npx mocha test-suite.js) \
    >"$work/$name.log" 2>&1 || status=1
  grep -E "passing|failing|pending|^ +[0-9]+\) " "$work/$name.log" || cat "$work/$name.log"
done
exit $status
