#!/usr/bin/env bash
# Run -> succeeded through the hub (issue 15 item 1): a fresh `xport hub` on a temporary data
# dir, a project imported from a generated export, one `xport plugin` connected, then runs of
# FORMAT timed from POST /api/runs to the run's end as the hub records it (createdAt ->
# finishedAt): the first run, started right after the import (the hub writes the project's
# export in the background after an import; the run waits for what is left of that), and the
# second (the snapshot reused). Beside them `xport convert` of the same export, and the ratios.
#
#   bench/hub_run.sh [FORMAT] [ASSETS]      (defaults: sample 100000; loopback only; one run)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/bench_input.sh
format="${1:-sample}"
assets="${2:-100000}"
xport="${XPORT:-build/release/apps/xport/xport}"
input=$(bench_input "$assets")
work=$(mktemp -d "${TMPDIR:-/tmp}/xport-hub-run.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$xport" hub --data-dir "$work/data" --listen 127.0.0.1:0 --log-level warn \
  >"$work/hub.out" 2>"$work/hub.err" &
pids+=($!)
for _ in $(seq 1 200); do
  grep -q "listening on" "$work/hub.out" 2>/dev/null && break
  sleep 0.05
done
url=$(grep -ho "http://127.0.0.1:[0-9]*" "$work/hub.out" | head -1)
export XPORT_HUB="$url" XPORT_API_KEY=$(cat "$work/data/admin-api-key")
json() { "$python" -c "import json,sys; print(json.load(sys.stdin)$1)"; }
project=$("$xport" client --json project create bench | json '["id"]')
"$xport" client project import "$project" "$input" >/dev/null
plugin=$("$xport" client --json plugin create "bench $format" --config "{\"format\": \"$format\"}")
plugin_id=$(echo "$plugin" | json '["id"]')
secret=$(echo "$plugin" | json '["secret"]')
"$xport" plugin --host "$url" --id "$plugin_id" --secret "$secret" --log-level debug \
  >"$work/plugin.out" \
  2>"$work/plugin.err" &
pids+=($!)
for _ in $(seq 1 100); do
  "$xport" client --json plugin show "$plugin_id" 2>/dev/null | grep -q '"onlineInstances":[1-9]' && break
  sleep 0.1
done

run_seconds() {  # one run, waited for; prints its createdAt -> finishedAt in seconds
  "$xport" client --json run start "$project" "$plugin_id" --wait --timeout 600 |
    "$python" -c 'import json,sys; r=json.load(sys.stdin); assert r["state"]=="succeeded", r; print("%.3f" % ((r["finishedAt"]-r["createdAt"])/1000))'
}
first=$(run_seconds)
second=$(run_seconds)
t0=$(date +%s.%N)
"$xport" convert -f "$format" "$input" "$work/convert.zip" >/dev/null 2>&1
t1=$(date +%s.%N)
convert=$(echo "$t1 - $t0" | bc)
size=$(stat -L -c %s "$input")
echo "input: $input ($((size / 1000000)) MB, $assets assets), format $format"
printf 'xport convert:                          %6.2f s\n' "$convert"
printf 'first run, right after the import:       %6.2f s  (%.1fx the conversion)\n' "$first" "$(echo "$first / $convert" | bc -l)"
printf 'run, export snapshot reused:            %6.2f s  (%.1fx the conversion)\n' "$second" "$(echo "$second / $convert" | bc -l)"
# The SDK's own split of the last run (its debug lines: download, callback, upload).
grep -ho "export downloaded: .*\|callback finished in .*\|result uploaded in .*" \
  "$work/plugin.out" "$work/plugin.err" | tail -3 | sed 's/^/  last run: /'
echo "load: $(uptime | sed 's/.*load average: //')"
