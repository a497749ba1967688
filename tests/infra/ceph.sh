#!/usr/bin/env bash
# A throwaway Ceph cluster with an S3 gateway on loopback, for tests (docs: infra.md):
# one monitor, one memstore OSD (objects in RAM), radosgw, cephx off. As root.
#
#   tests/infra/ceph.sh start DIR PORT   # mon on PORT+1, RGW on PORT; prints endpoint and keys
#   tests/infra/ceph.sh stop DIR         # stops what DIR's pid files name, waits (bounded)
#   tests/infra/ceph.sh pause-rgw DIR S  # stops the gateway (the cluster stays), keeps it
#                                        # down S seconds, starts it again and waits for it
#
# Every wait is bounded; a step that fails prints the end of its log and exits non-zero.
set -euo pipefail

# The keys of the S3 user (also read by the tests as an S3Config credentials file).
KEYS="$(dirname "$0")/ceph-test-keys"
ACCESS_KEY=$(sed -n 's/^access_key=//p' "$KEYS")
SECRET_KEY=$(sed -n 's/^secret_key=//p' "$KEYS")

die() {
  echo "ceph.sh: $*" >&2
  for log in "$DIR"/*.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds or time runs out.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

write_conf() {
  local fsid=$1
  cat >"$DIR/ceph.conf" <<CONF
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
ms_bind_msgr1 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_mon_client_mode = crc
run_dir = $DIR/run
admin_socket = $DIR/run/\$cluster-\$name.asok
pid_file = $DIR/run/\$name.pid
log_file = $DIR/\$name.log
mon_data = $DIR/mon/\$id
osd_data = $DIR/osd/\$id
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_pool_default_pg_num = 8
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
mon_warn_on_pool_no_redundancy = false
[osd]
osd_objectstore = memstore
memstore_device_bytes = 2147483648
[client.rgw.0]
rgw_frontends = beast endpoint=127.0.0.1:$PORT
rgw_dns_name = 127.0.0.1
CONF
}

start() {
  [ -e "$DIR/ceph.conf" ] && die "$DIR already holds a cluster (stop it first)"
  mkdir -p "$DIR/run" "$DIR/mon/a" "$DIR/osd"
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"
  local c=(-c "$DIR/ceph.conf")
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
  ceph-mon "${c[@]}" --mkfs -i a --monmap "$DIR/monmap" || die "ceph-mon --mkfs failed"
  ceph-mon "${c[@]}" -i a || die "ceph-mon did not start"
  local uuid id
  uuid=$(cat /proc/sys/kernel/random/uuid)
  id=$(timeout 30 ceph "${c[@]}" osd new "$uuid") || die "ceph osd new failed"
  mkdir -p "$DIR/osd/$id"
  ceph-osd "${c[@]}" -i "$id" --mkfs --osd-uuid "$uuid" >"$DIR/osd-mkfs.out" 2>&1 ||
    die "ceph-osd --mkfs failed"
  ceph-osd "${c[@]}" -i "$id" || die "ceph-osd did not start"
  radosgw "${c[@]}" -n client.rgw.0 || die "radosgw did not start"
  # The first call waits while RGW creates its pools.
  timeout 120 radosgw-admin "${c[@]}" user create --uid=xport --display-name=xport \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null || die "user create failed"
  wait_for 60 curl -sf -o /dev/null "http://127.0.0.1:$PORT/" || die "no S3 answer on port $PORT"
  echo "endpoint=http://127.0.0.1:$PORT"
  echo "access_key=$ACCESS_KEY"
  echo "secret_key=$SECRET_KEY"
}

# stop_pid FILE SECONDS: TERM, wait up to SECONDS, then KILL.
stop_pid() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for "$2" bash -c "! kill -0 $pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      wait_for 5 bash -c "! kill -0 $pid" || echo "ceph.sh: pid $pid did not exit" >&2
    fi
  fi
  rm -f "$file"
}

stop() {
  [ -d "$DIR/run" ] || return 0
  # The gateway first (it talks to the OSD), then the OSDs, the monitor last.
  stop_pid "$DIR/run/client.rgw.0.pid" 15
  for f in "$DIR"/run/osd.*.pid; do stop_pid "$f" 15; done
  stop_pid "$DIR/run/mon.a.pid" 15
  rm -rf "$DIR"
}

pause_rgw() {
  stop_pid "$DIR/run/client.rgw.0.pid" 15
  sleep "$1"
  radosgw -c "$DIR/ceph.conf" -n client.rgw.0 || die "radosgw did not start again"
  local port
  port=$(sed -n 's/^rgw_frontends = beast endpoint=127.0.0.1://p' "$DIR/ceph.conf")
  wait_for 60 curl -sf -o /dev/null "http://127.0.0.1:$port/" || die "no S3 answer on $port"
}

case "${1:-}" in
  start)
    [ $# -eq 3 ] || { echo "usage: $0 start DIR PORT" >&2; exit 2; }
    DIR=$(realpath -m "$2") PORT=$3 MON_PORT=$(($3 + 1))
    start
    ;;
  stop)
    [ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
    DIR=$(realpath -m "$2")
    stop
    ;;
  pause-rgw)
    [ $# -eq 3 ] || { echo "usage: $0 pause-rgw DIR SECONDS" >&2; exit 2; }
    DIR=$(realpath -m "$2")
    pause_rgw "$3"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR | pause-rgw DIR SECONDS" >&2
    exit 2
    ;;
esac
