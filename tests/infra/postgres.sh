#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for tests, on 127.0.0.1 only (docs: /work/shared/docs/infra.md).
#   tests/infra/postgres.sh start DIR PORT   initdb under DIR, start, create database xport;
#                                            prints postgresql://xport@127.0.0.1:PORT/xport
#   tests/infra/postgres.sh stop DIR         stops the server of DIR and removes DIR
#   tests/infra/postgres.sh restart DIR SECS stops the server of DIR at once (as a crash
#                                            would: clients see their connections cut), keeps
#                                            it down SECS seconds, starts it again
# No systemd and no Debian cluster needed. initdb refuses root, so as root the server runs as
# the `postgres` user (DIR then belongs to it); any other user runs it as itself.
set -euo pipefail

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

usage() {
  echo "usage: $0 start DIR PORT | stop DIR | restart DIR SECONDS" >&2
  exit 2
}

# Runs a server binary as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop() {
  local dir=$1 pid
  [ -f "$dir/data/postmaster.pid" ] || { rm -rf "$dir"; return 0; }
  pid=$(head -n 1 "$dir/data/postmaster.pid")
  # SIGQUIT: immediate shutdown; a test cluster has nothing worth a checkpoint.
  if kill -QUIT "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "postgres.sh: server $pid did not stop; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
}

start() {
  local dir=$1 port=$2
  [ -x "$bin/initdb" ] || { echo "postgres.sh: no $bin/initdb (apt-get install postgresql-15)" >&2; exit 1; }
  stop "$dir"  # a server a crashed run left behind, and its files
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  if ! as_owner test -w "$dir"; then
    echo "postgres.sh: the server's user cannot write $dir (use a directory under /tmp)" >&2
    exit 1
  fi
  if ! as_owner "$bin/initdb" -D "$dir/data" -U xport -A trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  # Tests only: durability off (a crash loses the cluster, which a test never needs again).
  as_owner tee -a "$dir/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  # A port another program's connection holds for a moment: try again, briefly.
  local attempt
  for attempt in 1 2 3; do
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null && break
    if [ "$attempt" -eq 3 ] || ! grep -q "Address already in use" "$dir/server.log"; then
      cat "$dir/server.log" >&2
      exit 1
    fi
    sleep 1
  done
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U xport xport
  echo "postgresql://xport@127.0.0.1:$port/xport"
}

restart() {
  local dir=$1 down=$2
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  sleep "$down"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
}

case "${1:-}" in
  start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  restart) [ $# -eq 3 ] || usage; restart "$2" "$3" ;;
  *) usage ;;
esac
