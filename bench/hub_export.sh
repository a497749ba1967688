#!/usr/bin/env bash
# The hub's export generation: imports a generated export into a project of a fresh hub
# (`xport client project import`), then times GET /v2/export (the zip the platform hands to
# plugins, generated row by row from SQLite), then the same with includeKeyFramesOnly (rows
# through the aaf format's key-frame filter), and reports MB/s and the hub's peak RSS.
#
#   bench/hub_export.sh [ASSETS]      (default 100000; loopback only; one run)
#   XPORT_DATABASE=postgresql://xport@127.0.0.1:25432/xport bench/hub_export.sh   # on PostgreSQL
#   (a fresh database: tests/infra/postgres.sh start DIR PORT makes one)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/bench_input.sh
assets="${1:-100000}"
xport="${XPORT:-build/release/apps/xport/xport}"
input=$(bench_input "$assets")
work=$(mktemp -d "${TMPDIR:-/tmp}/xport-hub-bench.XXXXXX")
hub_pid=""
cleanup() {
  # $hub_pid is /usr/bin/time: stop the hub under it, so that time reports and exits.
  [ -n "$hub_pid" ] && pkill -TERM -P "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
/usr/bin/time -v -o "$work/hub.time" "$xport" hub --data-dir "$work/data" --listen 127.0.0.1:0 \
  ${XPORT_DATABASE:+--database "$XPORT_DATABASE"} >"$work/hub.out" 2>"$work/hub.err" &
hub_pid=$!
for _ in $(seq 1 200); do
  grep -q "listening on" "$work/hub.out" "$work/hub.err" 2>/dev/null && break
  sleep 0.05
done
url=$(grep -ho "http://127.0.0.1:[0-9]*" "$work/hub.out" "$work/hub.err" | head -1)
key=$(cat "$work/data/admin-api-key")
export XPORT_HUB="$url" XPORT_API_KEY="$key"
project=$("$xport" client --json project create bench | "$python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t0=$(date +%s.%N)
"$xport" client project import "$project" "$input" >/dev/null
t1=$(date +%s.%N)
"$python" - "$url" "$key" "$project" "$work/export.zip" <<'PY'
import json, sys, time, urllib.request
url, key, project, out = sys.argv[1:5]
t0 = time.monotonic()
req = urllib.request.Request(f"{url}/v2/export?project={project}&format=ndjson", headers={"apikey": key})
path = json.load(urllib.request.urlopen(req))["data"]["exportPath"]
t1 = time.monotonic()
with urllib.request.urlopen(path) as r, open(out, "wb") as f:
    while chunk := r.read(1 << 20):
        f.write(chunk)
t2 = time.monotonic()
import os
mb = os.path.getsize(out) / 1e6
open(out + ".gen", "w").write(f"{t1 - t0:.2f}")
print(f"export generation (GET /v2/export) {t1 - t0:.2f} s, download of the {mb:.0f} MB zip {t2 - t1:.2f} s")
# The same with includeKeyFramesOnly: every row goes through the aaf format's filter.
req = urllib.request.Request(f"{url}/v2/export?project={project}&format=ndjson&includeKeyFramesOnly=true",
                             headers={"apikey": key})
t0 = time.monotonic()
json.load(urllib.request.urlopen(req))
print(f"export generation with includeKeyFramesOnly {time.monotonic() - t0:.2f} s")
PY
pkill -TERM -P "$hub_pid"; wait "$hub_pid" 2>/dev/null || true; hub_pid=""
size=$(stat -L -c %s "$input")
zip_size=$(stat -c %s "$work/export.zip")
imp=$(echo "$t1 - $t0" | bc)
gen=$(cat "$work/export.zip.gen")
echo "input: $input ($((size / 1000000)) MB, $assets assets); export zip $((zip_size / 1000000)) MB"
echo "export generation: ${gen} s ($(echo "scale=1; $size / 1000000 / $gen" | bc) MB/s of NDJSON)"
echo "import: ${imp} s ($(echo "scale=1; $size / 1000000 / $imp" | bc) MB/s)"
echo "hub peak RSS: $(awk -F: '/Maximum resident/ {print int($2/1024)}' "$work/hub.time") MB"
echo "load: $(uptime | sed 's/.*load average: //')"
