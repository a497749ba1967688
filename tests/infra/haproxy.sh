#!/usr/bin/env bash
# HAProxy in front of hubs on loopback, for tests and scripts/cluster-demo.sh.
#   tests/infra/haproxy.sh start DIR PORT HUB_PORT...   writes DIR/haproxy.cfg from
#       deploy/haproxy.cfg (frontend on 127.0.0.1:PORT, one server per hub port), starts
#       haproxy in the background (pid in DIR/haproxy.pid) and waits until it accepts.
#   tests/infra/haproxy.sh stop DIR                     stops it by that pid (bounded wait).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() { echo "haproxy.sh: $*" >&2; exit 1; }

start() {
  local dir=$1 port=$2
  shift 2
  [ $# -gt 0 ] || die "start DIR PORT HUB_PORT...: name at least one hub port"
  command -v haproxy >/dev/null || die "haproxy is not installed (scripts/install-deps.sh)"
  mkdir -p "$dir"
  # The shipped config with this frontend port and these servers (the same stickiness rules).
  {
    sed -e "s/bind 127.0.0.1:8080/bind 127.0.0.1:$port/" -e '/^    server hub[0-9]/d' \
      "$repo/deploy/haproxy.cfg"
    local i=1
    for hub in "$@"; do
      echo "    server hub$i 127.0.0.1:$hub check"
      i=$((i + 1))
    done
  } >"$dir/haproxy.cfg"
  haproxy -c -q -f "$dir/haproxy.cfg" || die "the generated $dir/haproxy.cfg is not valid"
  haproxy -f "$dir/haproxy.cfg" -D -p "$dir/haproxy.pid"
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.05
  done
  die "haproxy did not accept on 127.0.0.1:$port within 5 s"
}

stop() {
  local dir=$1 pid
  [ -f "$dir/haproxy.pid" ] || return 0
  pid=$(cat "$dir/haproxy.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/haproxy.pid"; return 0; }
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/haproxy.pid"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: $0 start DIR PORT HUB_PORT... | stop DIR" ;;
esac
