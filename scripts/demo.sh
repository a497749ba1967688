#!/usr/bin/env bash
# Builds xport (release preset) and runs the main job on embedded defaults: `xport demo`
# starts the hub on out/demo-hub, imports the bundled demo export into a demo project,
# starts the built-in formats plugin, runs the seed's sample export and a COCO export,
# downloads both and prints the UI address, the API keys, the links and the downloads'
# paths. It then keeps serving until Ctrl-C; with DEMO_EXIT=1 it stops right after the runs.
# Before that, scripts/install-npm-peers.sh installs the web UI's Socket.IO client (npm);
# if that fails the demo still runs and the UI polls instead of updating live.
# XPORT_DEMO_DIR (data dir) and XPORT_DEMO_LISTEN (HOST:PORT) override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target xport
if ! scripts/install-npm-peers.sh web-tools; then
  echo "demo: warning: could not install the Socket.IO client into web/vendor (npm); the web UI will poll" \
    "instead of updating live" >&2
fi
data="${XPORT_DEMO_DIR:-$PWD/out/demo-hub}"
listen="${XPORT_DEMO_LISTEN:-127.0.0.1:8080}"
xport=build/release/apps/xport/xport
if [[ "${DEMO_EXIT:-0}" == "1" ]]; then
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  "$xport" demo --data-dir "$data" --listen "$listen" --exit-after-runs | tee "$log"
  echo "Results:"
  sed -n 's/^  saved: //p' "$log" | while read -r zip; do
    echo "  $zip"
    unzip -l "$zip"
  done
else
  exec "$xport" demo --data-dir "$data" --listen "$listen"
fi
