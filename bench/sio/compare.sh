#!/usr/bin/env bash
# `xport hub --bench` against npm's socket.io 4.8 (node_server.cjs, the same behaviour) with
# one load generator (loadgen.cjs), the server pinned to core 0 and the generator to core 1,
# a fresh server for each scenario; prints each figure and the ratio xport/node. Loopback only.
#
#   bench/sio/compare.sh [XPORT_BINARY] [IDLE_CONNECTIONS]     (defaults: build/release, 10000)
#
# Needs the npm peers (scripts/install-npm-peers.sh: socket.io and ws in
# tests/peers/socketio-node) and a file-descriptor limit above IDLE_CONNECTIONS + 200 (each process holds one end).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
xport=${1:-$root/build/release/apps/xport/xport}
idle=${2:-10000}
peers=$root/tests/peers/socketio-node/node_modules
ws=$peers/ws
log=$(mktemp -d /tmp/xport-sio-bench.XXXXXX)
server_pid=
stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$log"' EXIT
[[ $(ulimit -n) -ge $((idle + 200)) ]] || ulimit -n $((idle + 200)) 2>/dev/null || {
  echo "compare.sh: the file-descriptor limit ($(ulimit -n)) is below $((idle + 200))" >&2
  exit 1
}

start_server() {  # impl port
  if [[ $1 == xport ]]; then
    taskset -c 0 "$xport" hub --bench --listen "127.0.0.1:$2" --threads 1 --log-level warn \
      >"$log/server.out" 2>&1 &
  else
    taskset -c 0 node "$root/bench/sio/node_server.cjs" "$peers/socket.io" "127.0.0.1:$2" \
      >"$log/server.out" 2>&1 &
  fi
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "listening on" "$log/server.out" && return 0
    sleep 0.05
  done
  cat "$log/server.out" >&2
  exit 1
}

run() {  # impl scenario args... -> one JSON line
  start_server "$1" 3199
  taskset -c 1 node "$root/bench/sio/loadgen.cjs" "$ws" http://127.0.0.1:3199 "${@:2}"
  stop_server
}

declare -A result
for impl in xport node; do
  result[$impl.idle]=$(run $impl idle "$idle")
  result[$impl.echo]=$(run $impl echo 100 5)
  result[$impl.dispatch]=$(run $impl dispatch 100 500)
done
for k in "${!result[@]}"; do echo "$k ${result[$k]}"; done | sort >"$log/results"
cat "$log/results"
/usr/bin/python3 - "$log/results" <<'PY'
import json, sys
r = {}
for line in open(sys.argv[1]):
    key, value = line.split(" ", 1)
    r[key] = json.loads(value)
def row(name, key, field, unit, target):
    x, n = r["xport." + key][field], r["node." + key][field]
    ratio = f"{x / n:>6.2f}x" if n else "     -"
    print(f"{name:<42} {x:>10.2f} {n:>10.2f} {unit:<8} {ratio}   {target}")
print(f"{'':<42} {'xport':>10} {'node':>10} {'':<8} {'ratio':>7}   target")
row(f"RSS with {r['xport.idle']['connections']} idle /plugin sockets", "idle", "rss_mib", "MiB", "xport <= 60 MiB")
row("  peak RSS (VmHWM)", "idle", "hwm_mib", "MiB", "")
row("  CPU over 5 idle seconds", "idle", "idle_cpu_s_per_5s", "s", "")
row("echo acks/s, 100 clients", "echo", "acks_per_s", "1/s", ">= 2x")
row("dispatch to 100 plugins, all answered p50", "dispatch", "p50_ms", "ms", "xport <= 3 ms, <= 0.5x")
row("  p99", "dispatch", "p99_ms", "ms", "")
PY
