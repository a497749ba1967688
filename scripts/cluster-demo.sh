#!/usr/bin/env bash
# Several hubs on loopback, for a newcomer (docs/deploy.md, "Several hubs"): builds xport,
# starts PostgreSQL, a Ceph RADOS Gateway (S3) with a bucket, two hubs on them sharing one
# pair of keys, and HAProxy in front (deploy/haproxy.cfg), then runs the demo through the
# balancer: a project with the bundled export, the built-in formats plugin connected through
# the balancer, a `sample` and a `coco` run, their results downloaded. It prints where to
# look and keeps everything up until Ctrl-C, which stops all it started (DEMO_EXIT=1: stop
# right after the runs).
# As root: Ceph's gateway is started as tests/infra/ceph.sh starts it for the tests.
# XPORT_CLUSTER_DIR (default out/cluster-demo) and the ports below can be overridden; the
# defaults sit below Linux's ephemeral range, so no client connection holds them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || {
  echo "cluster-demo: run as root (Ceph's gateway is started as root; docs/deploy.md)" >&2
  exit 2
}
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target xport
xport=$PWD/build/release/apps/xport/xport

work=${XPORT_CLUSTER_DIR:-$PWD/out/cluster-demo}
pg_port=${XPORT_CLUSTER_PG_PORT:-25440}
rgw_port=${XPORT_CLUSTER_RGW_PORT:-27480} # its monitor takes the next port
lb_port=${XPORT_CLUSTER_PORT:-8090}
hub_ports=(${XPORT_CLUSTER_HUB_PORTS:-8091 8092})
bucket=xport-demo
balancer=http://127.0.0.1:$lb_port

pids=()
stop_all() {
  trap - EXIT INT TERM
  echo "cluster-demo: stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  tests/infra/haproxy.sh stop "$work/haproxy" >/dev/null 2>&1 || true
  tests/infra/ceph.sh stop "$work/ceph" >/dev/null 2>&1 || true
  tests/infra/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true
}
trap stop_all EXIT INT TERM

# wait_for_line FILE REGEX SECONDS: until a line of FILE matches (a process's log).
wait_for_line() {
  local deadline=$((SECONDS + $3))
  until grep -qE "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "cluster-demo: no /$2/ in $1:" >&2; tail -n 20 "$1" >&2; exit 1; }
    sleep 0.2
  done
}
json_field() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

rm -rf "$work"
mkdir -p "$work"
echo "cluster-demo: PostgreSQL on 127.0.0.1:$pg_port"
database=$(tests/infra/postgres.sh start "$work/pg" "$pg_port" | tail -n 1)
echo "cluster-demo: Ceph RGW on 127.0.0.1:$rgw_port (about a minute)"
tests/infra/ceph.sh start "$work/ceph" "$rgw_port" >"$work/ceph.env"
endpoint=$(sed -n 's/^endpoint=//p' "$work/ceph.env")
export XPORT_S3_ACCESS_KEY=$(sed -n 's/^access_key=//p' "$work/ceph.env")
export XPORT_S3_SECRET_KEY=$(sed -n 's/^secret_key=//p' "$work/ceph.env")
# The bucket (the hub expects it to exist); RGW wants the payload's hash signed too.
curl -fsS -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" -u "$XPORT_S3_ACCESS_KEY:$XPORT_S3_SECRET_KEY" \
  -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" "$endpoint/$bucket" >/dev/null
objects="s3://$bucket?endpoint=$endpoint&region=us-east-1"

for i in "${!hub_ports[@]}"; do
  n=$((i + 1))
  data=$work/hub$n
  mkdir -m 700 -p "$data"
  # Every hub needs the first one's keys (the cluster refuses a hub with others).
  [ "$n" -eq 1 ] || cp -p "$work/hub1/secret-box.key" "$work/hub1/url-signing.key" "$data/"
  "$xport" hub --data-dir "$data" --listen "127.0.0.1:${hub_ports[$i]}" --database "$database" \
    --objects "$objects" --public-url "$balancer" >"$work/hub$n.log" 2>&1 &
  pids+=($!)
  wait_for_line "$work/hub$n.log" "xport hub listening on" 30
  echo "cluster-demo: hub $n on 127.0.0.1:${hub_ports[$i]} (id $(cat "$data/hub-id"), log $work/hub$n.log)"
done
tests/infra/haproxy.sh start "$work/haproxy" "$lb_port" "${hub_ports[@]}" >/dev/null
echo "cluster-demo: HAProxy on $balancer"

export XPORT_HUB=$balancer XPORT_API_KEY=$(cat "$work/hub1/admin-api-key")
project=$("$xport" client --json project create "Cluster demo" | json_field id)
"$xport" client project import "$project" examples/data/demo-export.ndjson
plugin_json=$("$xport" client --json plugin create "Formats (cluster demo)")
plugin=$(json_field id <<<"$plugin_json")
secret=$(json_field secret <<<"$plugin_json")
"$xport" plugin --host "$balancer" --id "$plugin" --secret "$secret" >"$work/plugin.log" 2>&1 &
pids+=($!)
wait_for_line "$work/plugin.log" "connected to .* as plugin" 30
for format in sample coco; do
  run=$("$xport" client --json run start "$project" "$plugin" --config "{\"format\":\"$format\"}" \
    --wait --timeout 120) || { echo "cluster-demo: the $format run did not succeed: $run" >&2; exit 1; }
  session=$(json_field session <<<"$run")
  "$xport" client run download "$session" "$work/$format.zip"
  echo "cluster-demo: run $session ($format) succeeded; result $work/$format.zip"
done

cat <<EOF
cluster-demo: everything is up on loopback
  web UI and API     $balancer/   (admin API key: $XPORT_API_KEY)
  hubs               ${hub_ports[*]/#/127.0.0.1:}   logs: $work/hub*.log
  PostgreSQL         $database
  S3 (Ceph RGW)      $endpoint  bucket $bucket
  plugin             $plugin  log: $work/plugin.log
  try                XPORT_HUB=$balancer XPORT_API_KEY=... $xport client run start $project $plugin --wait
EOF
if [[ "${DEMO_EXIT:-0}" == "1" ]]; then exit 0; fi
echo "cluster-demo: Ctrl-C stops everything"
wait "${pids[0]}"
